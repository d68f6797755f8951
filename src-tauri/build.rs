//! Builds the Tauri context. The app's commands are declared here so the
//! access-control list applies to them: a command not listed, or not allowed
//! by a capability, cannot be called from the window.

#[path = "commands/registry.rs"]
mod registry;

use registry::{command_names, window_commands};

/// Every command the window may call (see `src-tauri/commands/registry.rs`).
const COMMANDS: &[&str] = window_commands!(command_names);

fn main() {
    // Optimised builds (`release`, and `dist`, which inherits it: the
    // shipped binaries) fold identical functions as they are linked (lld's
    // identical-code folding; Rust does not promise distinct functions
    // distinct addresses), which keeps the package under 5 MB
    // (docs/benchmarks.md). Cargo tells a build script its profile through
    // the environment.
    if std::env::var("PROFILE").as_deref() == Ok("release")
        && std::env::var("CARGO_CFG_TARGET_OS").as_deref() == Ok("linux")
    {
        println!("cargo:rustc-link-arg-bins=-Wl,--icf=all");
    }
    println!("cargo:rerun-if-changed=src-tauri/capabilities");
    println!("cargo:rerun-if-changed=src-tauri/commands/registry.rs");
    tauri_build::try_build(
        tauri_build::Attributes::new()
            .capabilities_path_pattern("src-tauri/capabilities/**/*")
            .app_manifest(tauri_build::AppManifest::new().commands(COMMANDS)),
    )
    .expect("tauri-build failed: check tauri.conf.json and the capabilities");
}
