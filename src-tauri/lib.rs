//! The Keyward app: with a subcommand it runs headless (see [`cli`]);
//! without one it opens the window (see [`gui`]).

pub mod autostart;
pub mod cli;
pub mod clipboard;
pub mod commands;
pub mod first_page;
pub mod gui;
pub mod input;
pub mod memory;
pub mod tray;

pub use keyward_background::{notifier, reminders, team, webhook};

use std::process::ExitCode;

use clap::Parser;

/// Entry point of the `keyward` binary.
pub fn run() -> ExitCode {
    let args = cli::Args::parse();
    if args.command.is_none() {
        autostart::migrate_hand_written_entry();
    }
    match args.command {
        Some(command) => cli::run(command),
        None if args.background => background(),
        None => gui::run(false, args.open_request()),
    }
}

/// `keyward --background`: on Linux, becomes the light background process
/// (tray and reminders without GTK or WebKit); elsewhere, the app starts in
/// its tray without a window.
fn background() -> ExitCode {
    #[cfg(target_os = "linux")]
    {
        use std::os::unix::process::CommandExt;
        let error = match keyward_background::agent::background_program() {
            // Only returns when the program could not be started.
            Ok(program) => std::process::Command::new(program).exec(),
            Err(error) => error,
        };
        eprintln!("keyward: Keyward could not start in the background: {error}");
        ExitCode::FAILURE
    }
    #[cfg(not(target_os = "linux"))]
    gui::run(true, None)
}
