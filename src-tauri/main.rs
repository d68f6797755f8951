//! `keyward`: opens the window, or runs the command line with a subcommand (see [`keyward::run`]).

// No console window on Windows release builds.
#![cfg_attr(not(debug_assertions), windows_subsystem = "windows")]

fn main() -> std::process::ExitCode {
    keyward::gui::choose_rendering();
    keyward::run()
}
