//! `keyward-background`: Keyward's tray icon and reminders while no window is
//! open (see `keyward_background::agent`). Started by Keyward itself.

#[cfg(target_os = "linux")]
fn main() -> std::process::ExitCode {
    keyward_background::agent::run()
}

#[cfg(not(target_os = "linux"))]
fn main() -> std::process::ExitCode {
    eprintln!("keyward: on this system, `keyward --background` keeps Keyward in the tray.");
    std::process::ExitCode::FAILURE
}
