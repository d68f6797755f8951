//! The Keyward app: with a subcommand it runs headless (see [`cli`]);
//! without one it opens the window (see [`gui`]).

pub mod autostart;
pub mod cli;
pub mod clipboard;
pub mod commands;
pub mod gui;
pub mod input;
pub mod notifier;
pub mod reminders;
pub mod tray;
pub mod webhook;

use std::process::ExitCode;

use clap::Parser;

/// Entry point of the `keyward` binary.
pub fn run() -> ExitCode {
    let args = cli::Args::parse();
    match args.command {
        Some(command) => cli::run(command),
        None => gui::run(args.background),
    }
}
