//! Reminder stages under changed settings, end to end: the background
//! process reads a catalog in the earlier format (the last stage stored as
//! an ordinal) with settings changed since, and shows the stage due under
//! the settings in force through the real notification daemon.

use std::time::Duration;

use chrono::{DateTime, Utc};
use serde_json::{Value, json};

use crate::reminders::{NotifyMonitor, start_in_background, stop};
use crate::util::*;

#[test]
fn after_repeat_goes_from_7_to_14_days_the_next_fortnightly_stage_is_shown_once() {
    let app = App::new();
    let _alone = APP_RUNNING
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner);
    // A key due about 90 days ago: under a 14-day repeat its current stage
    // started 84 days after the due date.
    let created = (chrono::Local::now().date_naive() - chrono::Duration::days(90))
        .checked_sub_months(chrono::Months::new(3))
        .unwrap();
    let service = unique("fortnight");
    let out = app.run_with_input(
        &[
            "add",
            "--service",
            &service,
            "--credential-id",
            "cid",
            "--created",
            &created.format("%Y-%m-%d").to_string(),
            "--json",
        ],
        "secret-value",
    );
    assert!(out.status.success(), "{}", text(&out.stderr));
    let key = json(&text(&out.stdout));
    let name = key["name"].as_str().unwrap().to_owned();
    let due: DateTime<Utc> = key["rotate_by"].as_str().unwrap().parse().unwrap();
    let overdue = Utc::now() - due;
    assert!(
        (84..98).contains(&overdue.num_days()),
        "test set-up: {overdue:?} overdue"
    );
    // Under the weekly repeat, the reminder 70 days after the due date was
    // shown and stored the way earlier versions stored it: as the tenth
    // weekly stage ("overdue" repeat 9).
    let catalog = app.catalog_path();
    let mut file: Value = serde_json::from_slice(&std::fs::read(&catalog).unwrap()).unwrap();
    file["keys"][0]["reminder"] = json!({
        "announced": {"stage": "overdue", "repeat": 9},
        "announced_at": (due + chrono::Duration::days(70) + chrono::Duration::hours(1)).to_rfc3339(),
    });
    std::fs::write(&catalog, serde_json::to_vec(&file).unwrap()).unwrap();
    // Then the repeat was changed to 14 days.
    let config = app.root.path().join("config/app.keyward.desktop");
    std::fs::create_dir_all(&config).unwrap();
    std::fs::write(config.join("settings.json"), r#"{"repeat_days": 14}"#).unwrap();

    let monitor = NotifyMonitor::start(&app);
    let child = start_in_background(&app);
    let shown = poll_until(Duration::from_secs(20), || {
        !monitor.calls_mentioning(&name).is_empty()
    });
    std::thread::sleep(Duration::from_secs(2));
    let log = stop(&app, child);
    assert!(
        shown,
        "the stage 84 days after the due date was not shown (the stored tenth weekly stage silenced it): {log}"
    );
    let calls = monitor.calls_mentioning(&name);
    assert_eq!(calls.len(), 1, "{calls:?}");
    assert!(
        calls[0].contains("days overdue. Rotate it now."),
        "{}",
        calls[0]
    );

    // A restart shows nothing again: the stage is remembered, in the new format.
    let records = app.catalog_records();
    assert!(
        records[0]["reminder"].get("announced_stages").is_some(),
        "{}",
        records[0]
    );
    let child = start_in_background(&app);
    std::thread::sleep(Duration::from_secs(4));
    stop(&app, child);
    assert_eq!(monitor.calls_mentioning(&name).len(), 1, "no repeat");
}
