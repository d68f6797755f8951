//! The window. Without a subcommand, `keyward` opens it.
//!
//! [`builder`] registers the commands and state on any Tauri builder, so
//! tests run the same set-up on Tauri's mock runtime.

use std::process::ExitCode;
use std::sync::Arc;

use tauri::{Manager, Runtime};

use crate::clipboard::SecretClipboard;
use crate::commands::{self, AppState};

/// The window's label; the capability in `src-tauri/capabilities` names it.
pub const MAIN_WINDOW: &str = "main";

/// Registers Keyward's commands and state on `builder`.
pub fn builder<R: Runtime>(builder: tauri::Builder<R>, state: AppState) -> tauri::Builder<R> {
    builder
        .manage(state)
        .invoke_handler(tauri::generate_handler![
            commands::keys::list_keys,
            commands::keys::suggest_name,
            commands::keys::check_name,
            commands::keys::generate_key,
            commands::keys::add_key,
            commands::keys::reveal_secret,
            commands::keys::delete_key,
            commands::clipboard::copy_secret,
            commands::clipboard::copy_credential_id,
            commands::status::app_status,
        ])
}

/// The app's context (config, capabilities, embedded UI) for any runtime.
pub fn context<R: Runtime>() -> tauri::Context<R> {
    tauri::generate_context!()
}

/// The state of a running app over the user's catalog and keychain.
pub fn app_state(
    vault: keyward_core::vault::Vault<keyward_core::keychain::OsKeychain>,
) -> AppState {
    AppState {
        vault: Arc::new(vault),
        clipboard: Arc::new(SecretClipboard::default()),
    }
}

fn open_main_window<R: Runtime, M: Manager<R>>(app: &M) -> tauri::Result<()> {
    if let Some(window) = app.get_webview_window(MAIN_WINDOW) {
        window.unminimize()?;
        window.show()?;
        return window.set_focus();
    }
    tauri::WebviewWindowBuilder::new(app, MAIN_WINDOW, tauri::WebviewUrl::default())
        .title("Keyward")
        .inner_size(1100.0, 720.0)
        .min_inner_size(720.0, 480.0)
        .build()?;
    Ok(())
}

/// Builds and runs the desktop app until the person quits.
pub fn run() -> ExitCode {
    let state = match crate::cli::open_vault() {
        Ok(vault) => app_state(vault),
        Err(error) => {
            eprintln!("keyward: {error}");
            return ExitCode::FAILURE;
        }
    };
    let clipboard = state.clipboard.clone();
    let app = builder(tauri::Builder::default(), state)
        // A second launch focuses the first window instead of opening another.
        .plugin(tauri_plugin_single_instance::init(|app, _args, _cwd| {
            if let Err(error) = open_main_window(app) {
                eprintln!("keyward: could not show the window: {error}");
            }
        }))
        .setup(|app| {
            open_main_window(app)?;
            Ok(())
        })
        .build(context());
    let app = match app {
        Ok(app) => app,
        Err(error) => {
            eprintln!("keyward: the window could not be opened: {error}");
            return ExitCode::FAILURE;
        }
    };
    app.run(move |_app, event| {
        if let tauri::RunEvent::Exit = event {
            clipboard.clear_on_exit();
        }
    });
    ExitCode::SUCCESS
}
