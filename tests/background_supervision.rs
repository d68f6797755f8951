//! The background program (`keyward-background`) keeps its work running:
//! the process that reminds is started again when it dies, gives up with
//! one notification when it keeps dying, and still ends with a logout.

use std::process::{Command, Stdio};
use std::time::Duration;

use crate::reminders::{NotifyMonitor, add_old_key, start_in_background, stop};
use crate::util::*;

/// The bus name owned by the process that sends the reminders.
const REMINDERS: &str = "app.keyward.desktop.Reminders";

/// Waits up to `limit` for a process other than `not` to send the
/// reminders; its pid.
fn reminding_process(not: Option<u32>, limit: Duration) -> Option<u32> {
    let mut found = None;
    poll_until(limit, || {
        found = bus_name_owner(REMINDERS).filter(|&pid| Some(pid) != not);
        found.is_some()
    });
    found
}

fn signal(pid: u32, name: &str) {
    let sent = Command::new("kill")
        .args([&format!("-{name}"), &pid.to_string()])
        .status()
        .unwrap();
    assert!(sent.success(), "kill -{name} {pid}");
}

#[test]
fn a_background_worker_killed_or_aborted_is_started_again_and_still_reminds() {
    let app = App::new();
    let _alone = APP_RUNNING
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner);
    add_old_key(&app, &unique("fresh-one"), 2);
    let _ = Command::new("dunstctl").arg("close-all").status();
    let monitor = NotifyMonitor::start(&app);
    let child = start_in_background(&app);
    let first = reminding_process(None, Duration::from_secs(15));
    let Some(first) = first else {
        let err = stop(&app, child);
        panic!("the background program did not start reminding: {err}");
    };

    // Killed as the kernel's out-of-memory killer does: started again.
    signal(first, "KILL");
    let second = reminding_process(Some(first), Duration::from_secs(15));
    // Aborted, as a panic or a failed assertion in C code does: again.
    if let Some(second) = second {
        signal(second, "ABRT");
    }
    let third = second.and_then(|second| reminding_process(Some(second), Duration::from_secs(15)));
    let running = app.processes();

    // The restarted worker still reminds: a key added now is announced.
    let name = add_old_key(&app, &unique("after-crash"), 120);
    let reminded = poll_until(Duration::from_secs(30), || {
        !monitor.calls_mentioning(&name).is_empty()
    });
    let err = stop(&app, child);
    let _ = Command::new("dunstctl").arg("close-all").status();
    assert!(second.is_some(), "started again after SIGKILL: {err}");
    assert!(third.is_some(), "started again after SIGABRT: {err}");
    assert_eq!(
        running.len(),
        2,
        "one background program and its one worker: {running:?}"
    );
    assert!(
        reminded,
        "the restarted worker reminded of the new key: {err}"
    );
    assert!(
        err.contains("starting it again"),
        "said on standard error: {err}"
    );
}

#[test]
fn a_background_worker_that_keeps_failing_ends_in_one_notification_not_a_silent_loop() {
    let app = App::new();
    let _alone = APP_RUNNING
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner);
    let _ = Command::new("dunstctl").arg("close-all").status();
    let monitor = NotifyMonitor::start(&app);
    // Every reminder look panics (a debug-build fault point).
    let mut child = app
        .cmd(&["--background"])
        .env("KEYWARD_TEST_ABORT_AT", "reminder-look")
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let said = "stopped after repeated errors";
    let gave_up = poll_until(Duration::from_secs(90), || {
        !monitor.calls_mentioning(said).is_empty()
    });
    let ended = gave_up
        && poll_until(Duration::from_secs(30), || {
            child.try_wait().unwrap().is_some()
        });
    let status = child.try_wait().unwrap();
    // A few seconds more: nothing is started again, nothing said again.
    std::thread::sleep(Duration::from_secs(3));
    let running = app.processes();
    let notifications = monitor.calls_mentioning(said).len();
    let err = stop(&app, child);
    let _ = Command::new("dunstctl").arg("close-all").status();
    assert!(gave_up, "no notification that the reminders stopped: {err}");
    assert!(ended, "the background program ended after giving up: {err}");
    assert!(
        status.is_some_and(|s| !s.success()),
        "with a failure status: {status:?}"
    );
    assert_eq!(notifications, 1, "said once: {err}");
    assert_eq!(running, vec![], "nothing of Keyward keeps running");
    assert!(
        err.contains("panicked") && err.contains("reminder-look"),
        "each panic's message is on standard error: {err}"
    );
}

#[test]
fn sigterm_to_the_background_program_ends_its_worker_too() {
    let app = App::new();
    let _alone = APP_RUNNING
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner);
    let mut child = start_in_background(&app);
    let worker = reminding_process(None, Duration::from_secs(15));
    // Settled: its tray is up (the signal handlers come before it).
    let menu = tray_menu_within(child.id(), "Open Keyward", Duration::from_secs(15));
    // As a logout does: SIGTERM to the program the session started.
    signal(child.id(), "TERM");
    let ended = poll_until(Duration::from_secs(15), || {
        child.try_wait().unwrap().is_some()
    });
    let status = child.try_wait().unwrap();
    let running = app.processes();
    let err = stop(&app, child);
    assert!(worker.is_some(), "the background program reminded: {err}");
    assert!(!menu.is_empty(), "with its tray: {err}");
    assert!(ended, "SIGTERM ended the background program: {err}");
    assert!(
        status.is_some_and(|s| s.success()),
        "as Quit does: {status:?} {err}"
    );
    assert_eq!(running, vec![], "its worker ended too: {err}");
}
