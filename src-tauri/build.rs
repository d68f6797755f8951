//! Builds the Tauri context. The app's commands are declared here so the
//! access-control list applies to them: a command not listed, or not allowed
//! by a capability, cannot be called from the window.

#[path = "commands/registry.rs"]
mod registry;

use registry::{command_names, window_commands};

/// Every command the window may call (see `src-tauri/commands/registry.rs`).
const COMMANDS: &[&str] = window_commands!(command_names);

fn main() {
    println!("cargo:rerun-if-changed=src-tauri/capabilities");
    println!("cargo:rerun-if-changed=src-tauri/commands/registry.rs");
    tauri_build::try_build(
        tauri_build::Attributes::new()
            .capabilities_path_pattern("src-tauri/capabilities/**/*")
            .app_manifest(tauri_build::AppManifest::new().commands(COMMANDS)),
    )
    .expect("tauri-build failed: check tauri.conf.json and the capabilities");
}
