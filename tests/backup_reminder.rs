//! "Remind me to back up after changes" against the real notification
//! server (dunst in the session): off by default, one notification naming
//! how many keys changed since the last backup (never a name or a secret),
//! at most once a day across restarts, and rotation reminders still come.

use std::process::Command;
use std::time::Duration;

use crate::reminders::{NotifyMonitor, add_old_key, start_in_background, stop};
use crate::util::*;

const SAYS: &str = "since your last backup on";

#[test]
fn keys_changed_since_the_last_backup_bring_one_reminder_a_day_beside_the_rotation_reminders() {
    let app = App::new();
    let _alone = APP_RUNNING
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner);
    let old = add_old_key(&app, &unique("backup-old"), 120);
    let file = app.root.path().join("keys.keyward");
    app.ok(&["backup", "--output", file.to_str().unwrap()]);
    let made = app.generate(&unique("backup-new"));
    let gone = app.generate(&unique("backup-gone"));
    app.ok(&["delete", gone["name"].as_str().unwrap(), "--yes"]);

    // Off by default: the rotation reminder comes, no backup reminder.
    let monitor = NotifyMonitor::start(&app);
    let child = start_in_background(&app);
    assert!(
        poll_until(Duration::from_secs(20), || !monitor
            .calls_mentioning(&old)
            .is_empty()),
        "the rotation reminder came"
    );
    std::thread::sleep(Duration::from_secs(2));
    stop(&app, child);
    assert!(
        monitor.calls_mentioning(SAYS).is_empty(),
        "off unless turned on"
    );

    let said = app.ok(&["backup-reminder", "on"]);
    assert!(said.contains("at most once a day"), "{said}");
    assert!(
        app.ok(&["settings"])
            .contains("Remind me to back up after changes: on.")
    );
    let child = start_in_background(&app);
    assert!(
        poll_until(Duration::from_secs(20), || !monitor
            .calls_mentioning(SAYS)
            .is_empty()),
        "dunst was asked to show the backup reminder"
    );
    std::thread::sleep(Duration::from_secs(2));
    let log = stop(&app, child);
    let calls = monitor.calls_mentioning(SAYS);
    assert_eq!(calls.len(), 1, "one notification: {calls:?} {log}");
    let call = &calls[0];
    let today = chrono::Local::now().format("%-d %B").to_string();
    assert!(
        call.contains(&format!(
            "2 keys changed since your last backup on {today}."
        )) && call.contains("Open Keyward to back up"),
        "how many keys and since when, in plain words: {call}"
    );
    for private in [
        made["name"].as_str().unwrap(),
        made["secret"].as_str().unwrap(),
        gone["name"].as_str().unwrap(),
    ] {
        assert!(!call.contains(private), "no name or secret: {call}");
    }

    // A restart the same day: no second backup reminder.
    let child = start_in_background(&app);
    std::thread::sleep(Duration::from_secs(6));
    stop(&app, child);
    assert_eq!(
        monitor.calls_mentioning(SAYS).len(),
        1,
        "at most once a day, across restarts"
    );
    let _ = Command::new("dunstctl").arg("close-all").status();
}
