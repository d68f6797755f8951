//! `keyward-background`: Keyward's tray icon and reminders while no window is
//! open. Started by Keyward itself, it is a small supervisor
//! (`keyward_background::supervisor`) that runs the work itself
//! (`keyward_background::agent`) as a child process, this same program with
//! a hidden argument, and starts it again when it dies.

#[cfg(target_os = "linux")]
fn main() -> std::process::ExitCode {
    use keyward_background::supervisor::{self, Role};
    match Role::from_args(std::env::args_os().skip(1)) {
        Role::Supervisor => supervisor::run(),
        Role::Worker => keyward_background::agent::run(),
        Role::SayStopped => supervisor::say_stopped(),
    }
}

#[cfg(not(target_os = "linux"))]
fn main() -> std::process::ExitCode {
    eprintln!("keyward: on this system, `keyward --background` keeps Keyward in the tray.");
    std::process::ExitCode::FAILURE
}
