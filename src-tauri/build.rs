//! Builds the Tauri context. The app's commands are declared here so the
//! access-control list applies to them: a command not listed, or not allowed
//! by a capability, cannot be called from the window.

/// Every command the window may call (see `src-tauri/commands/`).
const COMMANDS: &[&str] = &[
    "list_keys",
    "suggest_name",
    "check_name",
    "generate_key",
    "add_key",
    "reveal_secret",
    "copy_secret",
    "copy_credential_id",
    "delete_key",
    "app_status",
    "audit_log",
    "save_report",
    "get_webhook",
    "set_webhook",
    "clear_webhook",
    "test_webhook",
    "rotate_key",
    "snooze_key",
    "take_open_request",
    "get_settings",
    "save_settings",
    "settings_status",
    "edit_key",
    "list_vendors",
    "save_vendor",
    "open_vendor_dashboard",
    "start_rotation",
    "cancel_rotation",
    "finish_vendor_rotation",
    "mark_leaked",
    "choose_scan_folder",
    "start_leak_scan",
    "leak_scan_status",
    "cancel_leak_scan",
];

fn main() {
    println!("cargo:rerun-if-changed=src-tauri/capabilities");
    tauri_build::try_build(
        tauri_build::Attributes::new()
            .capabilities_path_pattern("src-tauri/capabilities/**/*")
            .app_manifest(tauri_build::AppManifest::new().commands(COMMANDS)),
    )
    .expect("tauri-build failed: check tauri.conf.json and the capabilities");
}
