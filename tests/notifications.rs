//! Reminders that are honest and calm, against the real notification server
//! (dunst in the session) and a bus with no notification service at all:
//! the audit log says what really happened, a burst of keys is one
//! notification, only overdue reminders stay until dismissed, and only the
//! notification server can make Keyward open its window.

use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::Value;

use crate::reminders::{
    NotifyMonitor, add_old_key, bus_without_services, start_in_background, stop,
};
use crate::util::*;

/// The audit log's entries about reminders (`reminder_…`).
fn reminder_entries(app: &App) -> Vec<Value> {
    std::fs::read_to_string(app.data_dir().join("audit.log"))
        .unwrap_or_default()
        .lines()
        .filter_map(|line| serde_json::from_str::<Value>(line).ok())
        .filter(|entry| {
            entry["action"]
                .as_str()
                .is_some_and(|a| a.starts_with("reminder_"))
        })
        .collect()
}

#[test]
fn a_reminder_the_notification_server_accepted_is_audited_as_sent() {
    let app = App::new();
    let _alone = APP_RUNNING
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner);
    let name = add_old_key(&app, &unique("honest-sent"), 120);
    let monitor = NotifyMonitor::start(&app);
    let child = start_in_background(&app);
    assert!(
        poll_until(Duration::from_secs(20), || monitor
            .id_of_notification_mentioning(&name)
            .is_some()),
        "dunst accepted no notification"
    );
    assert!(
        poll_until(Duration::from_secs(10), || !reminder_entries(&app)
            .is_empty()),
        "nothing in the audit log"
    );
    stop(&app, child);
    let entries = reminder_entries(&app);
    assert_eq!(entries.len(), 1, "{entries:?}");
    assert_eq!(entries[0]["action"], "reminder_sent", "{entries:?}");
    assert_eq!(entries[0]["key_name"], name.as_str());
    let _ = Command::new("dunstctl").arg("close-all").status();
}

#[test]
fn without_a_notification_service_the_audit_log_says_the_reminder_failed_and_why() {
    let app = App::new();
    let _alone = APP_RUNNING
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner);
    let name = add_old_key(&app, &unique("honest-failed"), 120);
    let (mut bus, address) = bus_without_services(&app);
    let child = app
        .cmd(&["--background"])
        .env("DBUS_SESSION_BUS_ADDRESS", &address)
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let recorded = poll_until(Duration::from_secs(20), || {
        !reminder_entries(&app).is_empty()
    });
    let log = stop(&app, child);
    let _ = bus.kill();
    let _ = bus.wait();
    assert!(recorded, "nothing in the audit log: {log}");
    let entries = reminder_entries(&app);
    assert_eq!(entries.len(), 1, "one entry for the one key: {entries:?}");
    let entry = &entries[0];
    assert_eq!(
        entry["action"], "reminder_failed",
        "no notification server showed anything, so nothing was sent: {entry}"
    );
    assert_eq!(entry["key_name"], name.as_str());
    let detail = entry["detail"].as_str().unwrap_or_default();
    assert!(
        detail.contains("no notification service is running"),
        "the reason, in plain words: {detail}"
    );
}

#[test]
fn overdue_reminders_stay_until_dismissed_and_upcoming_ones_expire() {
    let _alone = APP_RUNNING
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner);
    // (days old, what the server is asked: -1 its usual expiry, 0 never)
    for (days, expiry, what) in [(85, -1, "upcoming"), (120, 0, "overdue")] {
        let app = App::new();
        let name = add_old_key(&app, &unique(what), days);
        let monitor = NotifyMonitor::start(&app);
        let child = start_in_background(&app);
        assert!(
            poll_until(Duration::from_secs(20), || !monitor
                .calls_mentioning(&name)
                .is_empty()),
            "no notification for the {what} key"
        );
        stop(&app, child);
        assert_eq!(
            monitor.expiries_mentioning(&name),
            [expiry],
            "the {what} reminder's expiry"
        );
    }
    let _ = Command::new("dunstctl").arg("close-all").status();
}

#[test]
fn twenty_nine_keys_added_one_after_another_make_one_notification() {
    let app = App::new();
    let _alone = APP_RUNNING
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner);
    let monitor = NotifyMonitor::start(&app);
    let child = start_in_background(&app);
    std::thread::sleep(Duration::from_secs(2));
    let started = Instant::now();
    let names: Vec<String> = (0..29)
        .map(|_| add_old_key(&app, &unique("burst"), 120))
        .collect();
    let adding = started.elapsed();
    let everyone_told = poll_until(Duration::from_secs(30), || {
        names
            .iter()
            .all(|name| !monitor.calls_mentioning(name).is_empty())
            || monitor.calls_mentioning("29 keys need rotating").len() == 1
    });
    // Time for any straggler to show up.
    std::thread::sleep(Duration::from_secs(12));
    stop(&app, child);
    let calls: Vec<String> = monitor
        .calls_mentioning("\"Keyward\"")
        .into_iter()
        .filter(|call| names.iter().any(|name| call.contains(name)))
        .collect();
    assert!(everyone_told, "the keys were not announced: {calls:#?}");
    assert_eq!(
        calls.len(),
        1,
        "29 keys added in {adding:?} are one notification, not {}: {calls:#?}",
        calls.len()
    );
    assert!(calls[0].contains("29 keys need rotating"), "{}", calls[0]);
    let _ = Command::new("dunstctl").arg("close-all").status();
}

#[test]
fn only_the_notification_server_can_make_a_click_open_keyward() {
    let app = App::new();
    let _alone = APP_RUNNING
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner);
    let name = add_old_key(&app, &unique("rogue-click"), 120);
    let _ = Command::new("dunstctl").arg("close-all").status();
    let monitor = NotifyMonitor::start(&app);
    let child = start_in_background(&app);
    let mut id = None;
    assert!(
        poll_until(Duration::from_secs(20), || {
            id = monitor.id_of_notification_mentioning(&name);
            id.is_some()
        }),
        "no notification was shown"
    );
    let id = id.unwrap();
    std::thread::sleep(Duration::from_millis(500));

    // Any local program can send the signal a notification server sends on
    // a click, with Keyward's notification id: it must not open anything.
    let rogue = Command::new("dbus-send")
        .args([
            "--session",
            "--type=signal",
            "/org/freedesktop/Notifications",
            "org.freedesktop.Notifications.ActionInvoked",
            &format!("uint32:{id}"),
            "string:default",
        ])
        .status()
        .unwrap();
    assert!(rogue.success(), "the rogue signal was sent");
    std::thread::sleep(Duration::from_secs(3));
    let opened_by_rogue = app.pid_of("keyward").is_some() || keyward_window_open();

    // The person clicks the notification: dunst runs its default action.
    let clicked = Command::new("dunstctl")
        .args(["action", "0"])
        .status()
        .unwrap();
    let opened = poll_until(Duration::from_secs(30), keyward_window_open);
    stop(&app, child);
    let _ = Command::new("dunstctl").arg("close-all").status();
    assert!(
        !opened_by_rogue,
        "a signal from another program than the notification server opened Keyward"
    );
    assert!(clicked.success());
    assert!(opened, "a real click on the notification opened Keyward");
}

/// The command line of process `pid`, its arguments joined by spaces.
fn command_line(pid: u32) -> String {
    std::fs::read(format!("/proc/{pid}/cmdline"))
        .map(|raw| text(&raw).replace('\0', " ").trim_end().to_owned())
        .unwrap_or_default()
}

#[test]
fn while_keys_need_rotating_the_tray_icon_changes_and_its_line_opens_them() {
    let app = App::new();
    let _alone = APP_RUNNING
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner);
    add_old_key(&app, &unique("tray-fresh"), 3);
    let child = start_in_background(&app);
    let background = child.id();
    tray_menu_within(
        background,
        "All keys are up to date",
        Duration::from_secs(15),
    );
    let calm_status = tray_property(background, "Status").unwrap_or_default();
    let calm_icon = tray_property(background, "IconPixmap").unwrap_or_default();

    // A key that needs rotating arrives (from the command line).
    add_old_key(&app, &unique("tray-overdue"), 120);
    let menu = tray_menu_within(background, "1 key needs rotating", Duration::from_secs(15));
    let status = tray_property(background, "Status").unwrap_or_default();
    let icon = tray_property(background, "IconPixmap").unwrap_or_default();
    assert!(
        menu.iter().any(|(_, l)| l == "1 key needs rotating"),
        "{menu:?}"
    );
    assert!(calm_status.contains("\"Active\""), "{calm_status}");
    assert!(
        status.contains("\"NeedsAttention\""),
        "the tray asks for attention: {status}"
    );
    assert!(
        !icon.is_empty() && icon != calm_icon,
        "the tray icon changes while keys need rotating"
    );

    // The line opens the window on exactly those keys.
    tray_click(background, "1 key needs rotating");
    let window = app.wait_for_process("keyward", Duration::from_secs(15));
    let asked = window.map(command_line).unwrap_or_default();
    let opened = poll_until(Duration::from_secs(30), keyward_window_open);
    stop(&app, child);
    let _ = Command::new("dunstctl").arg("close-all").status();
    assert!(window.is_some(), "the line opened Keyward");
    assert!(
        asked.ends_with("--show-keys needs-rotating"),
        "on the keys that need rotating: {asked}"
    );
    assert!(opened, "the window opened");
}

#[test]
fn a_reminder_not_shown_for_want_of_a_notification_server_is_shown_once_one_runs() {
    let app = App::new();
    let _alone = APP_RUNNING
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner);
    let name = add_old_key(&app, &unique("retried"), 120);
    // A bus where dunst is not running (yet).
    let (mut bus, address) = bus_without_services(&app);
    let child = app
        .cmd(&["--background"])
        .env("DBUS_SESSION_BUS_ADDRESS", &address)
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let failed = poll_until(Duration::from_secs(20), || {
        !reminder_entries(&app).is_empty()
    });
    // dunst starts on that bus.
    let mut dunst = Command::new("dunst")
        .env("DBUS_SESSION_BUS_ADDRESS", &address)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let dunst_up = poll_until(Duration::from_secs(10), || {
        Command::new("dbus-send")
            .args([
                &format!("--bus={address}"),
                "--print-reply",
                "--dest=org.freedesktop.DBus",
                "/org/freedesktop/DBus",
                "org.freedesktop.DBus.NameHasOwner",
                "string:org.freedesktop.Notifications",
            ])
            .output()
            .is_ok_and(|out| String::from_utf8_lossy(&out.stdout).contains("boolean true"))
    });
    // The next look (here: another key was added, from the command line).
    let started = Instant::now();
    add_old_key(&app, &unique("retried-new"), 1);
    let sent = poll_until(Duration::from_secs(60), || {
        reminder_entries(&app)
            .iter()
            .any(|e| e["action"] == "reminder_sent")
    });
    let log = stop(&app, child);
    let _ = Command::new("dunstctl")
        .arg("close-all")
        .env("DBUS_SESSION_BUS_ADDRESS", &address)
        .status();
    let _ = dunst.kill();
    let _ = dunst.wait();
    let _ = bus.kill();
    let _ = bus.wait();
    assert!(failed, "nothing in the audit log: {log}");
    assert!(dunst_up, "dunst did not start on the private bus");
    let entries = reminder_entries(&app);
    assert_eq!(
        entries[0]["action"], "reminder_failed",
        "no notification server at first: {entries:?}"
    );
    assert!(
        sent,
        "the reminder was tried again once dunst ran ({:?} later): {entries:?}\n{log}",
        started.elapsed()
    );
    let sent: Vec<_> = entries
        .iter()
        .filter(|e| e["action"] == "reminder_sent")
        .collect();
    assert_eq!(sent.len(), 1, "{entries:?}");
    assert_eq!(sent[0]["key_name"], name.as_str());
    assert!(
        log.contains("tried again at the next look") && !log.contains("secret-of-"),
        "the failure is said on standard error, without a secret: {log}"
    );
}
