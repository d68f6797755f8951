//! The window. Without a subcommand, `keyward` opens it.

use std::process::ExitCode;

/// Builds and runs the desktop app until the person quits.
pub fn run() -> ExitCode {
    let result = tauri::Builder::default()
        .setup(|app| {
            tauri::WebviewWindowBuilder::new(app, "main", tauri::WebviewUrl::default())
                .title("Keyward")
                .inner_size(1100.0, 720.0)
                .min_inner_size(720.0, 480.0)
                .build()?;
            Ok(())
        })
        .run(tauri::generate_context!());
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("keyward: the window could not be opened: {error}");
            ExitCode::FAILURE
        }
    }
}
