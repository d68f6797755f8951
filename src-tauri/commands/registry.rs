//! The window's commands, listed once.
//!
//! Promises: [`window_commands!`] is the only list of the commands the
//! window may call. The invoke handler (`gui.rs`), the access-control
//! manifest (`build.rs`) and [`crate::commands::COMMANDS`] are all made
//! from it; a test checks that the capability
//! (`src-tauri/capabilities/main-window.json`) allows exactly these
//! commands and that the UI's `Commands` table (`ui/src/lib/api.ts`) names
//! exactly these.
//!
//! To add a command: write it in its area's module taking one
//! `Args<SomeRequest>` (a request struct deriving `Deserialize` and
//! `ts_rs::TS`, listed in `typescript_bindings`), add `module::name` below,
//! add `allow-name` to the capability and `name: { args: SomeRequest; answer: … }`
//! to the UI's `Commands` table with a function calling it.
//!
//! This file is also compiled into `build.rs`, so it holds macros only.

/// Calls the macro `$then!` with every window command as `module::function`
/// (the module under `src-tauri/commands/`), in one list.
macro_rules! window_commands {
    ($then:ident) => {
        $then! {
            keys::list_keys,
            keys::suggest_name,
            keys::check_name,
            keys::generate_key,
            keys::add_key,
            keys::reveal_secret,
            keys::delete_key,
            keys::edit_key,
            vendors::list_vendors,
            vendors::save_vendor,
            vendors::open_vendor_dashboard,
            clipboard::copy_secret,
            clipboard::copy_credential_id,
            status::app_status,
            lead::audit_log,
            lead::save_report,
            lead::get_webhook,
            lead::set_webhook,
            lead::clear_webhook,
            lead::test_webhook,
            rotation::rotate_key,
            rotation::snooze_key,
            rotation::take_open_request,
            rotation::start_rotation,
            rotation::cancel_rotation,
            rotation::finish_vendor_rotation,
            rotation::mark_leaked,
            scan::choose_scan_folder,
            scan::start_leak_scan,
            scan::leak_scan_status,
            scan::cancel_leak_scan,
            import::choose_import_file,
            import::preview_import,
            import::start_import,
            import::import_status,
            import::cancel_import,
            import::delete_import_source,
            scan::watched_folders,
            scan::watch_folder,
            scan::unwatch_folder,
            settings::get_settings,
            settings::save_settings,
            settings::settings_status,
            team::team_status,
            team::test_team_connection,
            team::connect_team,
            team::disconnect_team,
            team::team_report,
            team::team_keys,
            team::set_team_digest,
            team_shared::shared_keys,
            team_shared::copy_shared_secret,
            team_shared::rotate_shared_key,
            team_shared::unshare_key,
            team_shared::share_with_team,
            audit_stream::verify_audit_log,
            audit_stream::get_audit_stream,
            audit_stream::set_audit_stream,
            audit_stream::turn_off_audit_stream,
            audit_stream::test_audit_stream,
            audit_stream::choose_certificate_file,
            backup::choose_backup_file,
            backup::save_backup,
            backup::start_restore,
            backup::restore_status,
            backup::cancel_restore,
            backup::share_key,
            backup::receive_key,
        }
    };
}

/// The names of `module::function` commands, as a `&[&str]`.
macro_rules! command_names {
    ($($module:ident :: $command:ident),* $(,)?) => {
        &[$(stringify!($command)),*]
    };
}

#[allow(
    unused_imports,
    reason = "build.rs includes this file for the macros alone and uses neither export"
)]
pub(crate) use {command_names, window_commands};
