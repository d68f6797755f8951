//! Start at login, on Linux: the XDG autostart entry that `auto-launch`
//! writes starts Keyward in the background when the desktop launches it, and
//! an entry an earlier version wrote by hand under another name is replaced.

use std::path::Path;
use std::process::{Command, Stdio};
use std::time::Duration;

use keyward::autostart::StartAtLogin;

use crate::util::*;

/// The `Exec` line of a desktop entry.
fn exec_line(entry: &str) -> &str {
    entry
        .lines()
        .find_map(|line| line.strip_prefix("Exec="))
        .unwrap_or_else(|| panic!("no Exec line in {entry}"))
}

#[test]
fn the_start_at_login_entry_starts_keyward_in_the_background() {
    let app = App::new();
    let _alone = APP_RUNNING
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner);
    let _entry = AUTOSTART
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner);
    add_fresh_key(&app);
    let program = Path::new(env!("CARGO_BIN_EXE_keyward"));
    let start = StartAtLogin::for_program(program).expect("an entry for keyward");
    start.set(true).expect("turned on");
    let path = keyward::autostart::entry_path().expect("a home folder");
    let entry = std::fs::read_to_string(&path).expect("the autostart entry exists");
    assert!(entry.contains("Name=Keyward"), "{entry}");
    assert_eq!(
        exec_line(&entry),
        format!("\"{}\" --background", program.display())
    );
    assert!(start.is_enabled().unwrap());

    // The desktop starts it at login (gio launches it as GNOME does).
    let dir = |d: &str| app.root.path().join(d);
    let launched = Command::new("gio")
        .arg("launch")
        .arg(&path)
        .env("XDG_DATA_HOME", dir("data"))
        .env("XDG_CONFIG_HOME", dir("config"))
        .env("XDG_CACHE_HOME", dir("cache"))
        .env("XDG_STATE_HOME", dir("state"))
        .env("TMPDIR", dir("tmp"))
        .stdin(Stdio::null())
        .status()
        .expect("gio runs (libglib2.0-bin)");
    assert!(launched.success(), "gio launched the entry");
    let background = app.wait_for_process("keyward-background", Duration::from_secs(15));
    let menu = background
        .map(|pid| tray_menu_within(pid, "All keys are up to date", Duration::from_secs(15)));
    app.stop_processes();
    start.set(false).expect("turned off");
    assert!(
        background.is_some(),
        "the entry started keyward --background (the light background process)"
    );
    assert!(
        menu.is_some_and(|m| m.iter().any(|(_, l)| l == "Open Keyward")),
        "with its tray icon"
    );
    assert!(!path.exists(), "turned off: the entry is gone");
}

#[test]
fn a_start_at_login_entry_written_by_an_earlier_version_is_replaced() {
    let app = App::new();
    let _alone = APP_RUNNING
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner);
    let home = app.root.path().join("home");
    let old = app
        .root
        .path()
        .join("config/autostart/app.keyward.desktop.desktop");
    std::fs::create_dir_all(old.parent().unwrap()).unwrap();
    std::fs::write(
        &old,
        "[Desktop Entry]\nType=Application\nName=Keyward\nExec=\"/usr/local/bin/keyward\" --background\nTerminal=false\nX-GNOME-Autostart-enabled=true\n",
    )
    .unwrap();
    let child = app
        .cmd(&["--background"])
        .env("HOME", &home)
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let started = app.wait_for_process("keyward-background", Duration::from_secs(15));
    let log = crate::reminders::stop(&app, child);
    assert!(
        started.is_some(),
        "Keyward started in the background: {log}"
    );
    let new = home.join(".config/autostart/Keyward.desktop");
    let entry = std::fs::read_to_string(&new)
        .unwrap_or_else(|_| panic!("the entry is written where auto-launch keeps it: {log}"));
    assert_eq!(
        exec_line(&entry),
        format!("\"{}\" --background", env!("CARGO_BIN_EXE_keyward")),
        "it starts this Keyward"
    );
    assert!(
        !old.exists(),
        "the hand-written entry is gone, so Keyward does not start twice"
    );
}

fn add_fresh_key(app: &App) {
    let out = app.run_with_input(
        &[
            "add",
            "--service",
            &unique("login"),
            "--credential-id",
            "cid",
        ],
        "secret",
    );
    assert!(out.status.success(), "{}", text(&out.stderr));
}
