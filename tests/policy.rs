//! Damaged settings and the organisation's policy, through the real
//! `keyward` binary (with `KEYWARD_POLICY_FILE`), the window's commands and
//! the background program.

use std::time::Duration;

use serde_json::{Value, json};

use crate::ipc::{invoke, window};
use crate::reminders::{add_old_key, start_in_background, stop};
use crate::util::*;

fn audit_lines(app: &App) -> Vec<Value> {
    std::fs::read_to_string(app.data_dir().join("audit.log"))
        .unwrap_or_default()
        .lines()
        .map(json)
        .collect()
}

/// Whether the background program audited a sent reminder for the key `name` within 20 s.
fn reminder_sent_within_20_s(app: &App, name: &str) -> bool {
    poll_until(Duration::from_secs(20), || {
        audit_lines(app)
            .iter()
            .any(|e| e["action"] == "reminder_sent" && e["key_name"] == name)
    })
}

#[test]
fn damaged_or_out_of_range_settings_never_silence_due_and_say_so_on_stderr() {
    let app = App::new();
    add_old_key(&app, &unique("stale"), 120);
    // A person's (loose but valid) choice: twelve months, nothing is due.
    app.write_settings(r#"{"rotation_months": 12, "lead_time_days": 14}"#);
    let due = app.run(&["due"]);
    assert_eq!(due.status.code(), Some(0), "{}", text(&due.stderr));

    let whole = std::fs::read(app.settings_path()).unwrap();
    for damage in [
        whole[..whole.len() / 2].to_vec(),
        br#"{"rotation_months": 0}"#.to_vec(),
        br#"{"rotation_months": 12, "repeat_days": 0}"#.to_vec(),
        Vec::new(),
    ] {
        std::fs::write(app.settings_path(), &damage).unwrap();
        let shown = String::from_utf8_lossy(&damage).into_owned();
        let due = app.run(&["due"]);
        assert_eq!(
            due.status.code(),
            Some(4),
            "120 days is overdue under the guide's 3 months ({shown}): {}",
            text(&due.stdout)
        );
        let err = text(&due.stderr);
        assert!(
            err.contains("settings file")
                && err.contains("damaged")
                && err.contains("settings.json"),
            "said in plain words on stderr ({shown}): {err}"
        );
        assert!(!text(&due.stdout).contains("No key needs rotating"));
        let listed = json(&text(&app.run(&["due", "--json"]).stdout));
        assert_eq!(listed[0]["rotation_months"], 3);
        assert_eq!(listed[0]["rotation_period_source"], "defaults_after_damage");
        assert_eq!(
            std::fs::read(app.settings_path()).unwrap(),
            damage,
            "the file is left as it was"
        );
    }
}

#[test]
fn damaged_settings_keep_exit_status_3_for_keys_due_soon_under_the_defaults() {
    let app = App::new();
    add_old_key(&app, &unique("soon"), 85);
    app.write_settings(r#"{"rotation_months": 0}"#);
    let due = app.run(&["due"]);
    assert_eq!(due.status.code(), Some(3), "{}", text(&due.stdout));
}

#[test]
fn the_organisations_period_wins_and_due_and_the_report_say_which_period_was_used() {
    let app = App::new();
    let name = add_old_key(&app, &unique("half-year"), 162);
    app.write_settings(r#"{"rotation_months": 6}"#);
    let due = app.run(&["due"]);
    assert_eq!(due.status.code(), Some(0), "ok under the person's 6 months");
    assert!(
        text(&due.stdout).contains("every 6 months (your setting)"),
        "{}",
        text(&due.stdout)
    );

    std::fs::write(app.policy_path(), r#"{"rotation_months": 3}"#).unwrap();
    let due = app.run(&["due", "--json"]);
    assert_eq!(
        due.status.code(),
        Some(4),
        "overdue under the organisation's 3 months"
    );
    assert!(
        text(&due.stderr).is_empty(),
        "a sound policy is no warning: {}",
        text(&due.stderr)
    );
    let keys = json(&text(&due.stdout));
    assert_eq!(keys[0]["name"], name.as_str());
    assert_eq!(keys[0]["status"], "overdue");
    assert_eq!(keys[0]["rotation_months"], 3);
    assert_eq!(keys[0]["rotation_period_source"], "organisation");
    let human = text(&app.run(&["due"]).stdout);
    assert!(
        human.contains("every 3 months (your organisation's policy)"),
        "{human}"
    );

    let report = json(&app.ok(&["report", "--format", "json"]));
    assert_eq!(report[0]["status"], "overdue");
    assert_eq!(report[0]["rotation_months"], 3);
    assert_eq!(report[0]["rotation_period_source"], "organisation");
    let csv = app.ok(&["report", "--format", "csv"]);
    let header = csv.lines().next().unwrap();
    assert!(
        header.ends_with("Rotation period in months,Rotation period set by"),
        "{header}"
    );
    assert!(
        csv.lines().nth(1).unwrap().ends_with(",3,organisation"),
        "{csv}"
    );
    assert_eq!(
        std::fs::read_to_string(app.settings_path()).unwrap(),
        r#"{"rotation_months": 6}"#,
        "the person's file is not rewritten"
    );
}

#[test]
fn a_broken_policy_is_reported_and_its_strictest_reading_applies() {
    let app = App::new();
    add_old_key(&app, &unique("half-year"), 100);
    app.write_settings(r#"{"rotation_months": 12}"#);
    for broken in [
        r#"{"rotation_months": 12"#,
        r#"{"rotation_month": 12}"#,
        "[]",
    ] {
        std::fs::write(app.policy_path(), broken).unwrap();
        let due = app.run(&["due", "--json"]);
        assert_eq!(
            due.status.code(),
            Some(4),
            "guide's 3 months apply ({broken})"
        );
        let err = text(&due.stderr);
        assert!(
            err.contains("organisation's Keyward policy")
                && err.contains(&app.policy_path().display().to_string())
                && err.contains("strictest reading"),
            "{err}"
        );
        assert_eq!(
            json(&text(&due.stdout))[0]["rotation_period_source"],
            "organisation"
        );
    }
    assert_eq!(
        std::fs::read_to_string(app.policy_path()).unwrap(),
        "[]",
        "Keyward never touches the policy file"
    );
}

#[test]
fn every_audit_entry_names_the_user_and_the_computer() {
    let app = App::new();
    add_old_key(&app, &unique("who"), 1);
    let lines = audit_lines(&app);
    let last = lines.last().expect("an entry for the added key");
    assert_eq!(last["action"], "added");
    let host = std::fs::read_to_string("/proc/sys/kernel/hostname").unwrap();
    assert_eq!(last["computer"], host.trim());
    let id = std::process::Command::new("id")
        .arg("-un")
        .output()
        .unwrap();
    assert_eq!(
        last["user"],
        text(&id.stdout).trim(),
        "the account Keyward runs as"
    );
}

// ---- The window's commands (mock runtime, real files and keychain) ----

#[test]
fn the_window_refuses_settings_looser_than_the_organisation_and_audits_each_change() {
    let app = App::new();
    std::fs::write(
        app.policy_path(),
        r#"{"rotation_months": 3, "min_lead_time_days": 14, "notifications_required": true, "max_snooze_days": 3}"#,
    )
    .unwrap();
    let win = window(&app, "main");
    let status = invoke(&win, "settings_status", json!({})).unwrap();
    assert_eq!(status["policy"]["rotation_months"], 3);
    assert_eq!(status["policy"]["notifications_required"], true);
    assert_eq!(status["policy"]["max_repeat_days"], Value::Null);
    assert_eq!(status["problems"], json!([]));
    assert_eq!(status["rotation_period_source"], "organisation");

    let mut settings = invoke(&win, "get_settings", json!({})).unwrap();
    for (field, value, limit) in [
        ("rotation_months", json!(6), "at least every 3 months"),
        ("lead_time_days", json!(7), "at least 14 days before"),
        ("notifications", json!(false), "notifications to stay on"),
    ] {
        let mut loose = settings.clone();
        loose[field] = value;
        let refused = invoke(&win, "save_settings", json!({ "settings": loose })).unwrap_err();
        assert_eq!(refused["code"], "invalid_input");
        let message = refused["message"].as_str().unwrap();
        assert!(
            message.contains("Your organisation") && message.contains(limit),
            "names the organisation's limit: {message}"
        );
    }
    let config = app.root.path().join("config").join("settings.json");
    assert!(!config.exists(), "nothing was saved");

    settings["rotation_months"] = json!(2);
    settings["repeat_days"] = json!(3);
    let saved = invoke(&win, "save_settings", json!({ "settings": settings })).unwrap();
    assert_eq!(saved["rotation_months"], 2, "stricter is allowed");
    let changes: Vec<_> = audit_lines(&app)
        .into_iter()
        .filter(|e| e["action"] == "settings_changed")
        .map(|e| {
            assert!(e["user"].is_string() && e["computer"].is_string(), "{e}");
            e["detail"].as_str().unwrap().to_owned()
        })
        .collect();
    assert_eq!(changes, ["repeat_days: 7 → 3", "rotation_months: 3 → 2"]);
    let status = invoke(&win, "settings_status", json!({})).unwrap();
    assert_eq!(status["rotation_period_source"], "person");
}

#[test]
fn the_window_reports_damaged_settings_and_a_broken_policy() {
    let app = App::new();
    std::fs::create_dir_all(app.root.path().join("config")).unwrap();
    std::fs::write(
        app.root.path().join("config").join("settings.json"),
        r#"{"rotation_months": 0, "notifications": false}"#,
    )
    .unwrap();
    std::fs::write(app.policy_path(), "{ not json").unwrap();
    let win = window(&app, "main");
    let status = invoke(&win, "settings_status", json!({})).unwrap();
    let problems: Vec<&str> = status["problems"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p.as_str().unwrap())
        .collect();
    assert_eq!(problems.len(), 2, "{problems:?}");
    assert!(problems[0].contains("settings file") && problems[0].contains("damaged"));
    assert!(problems[1].contains("policy") && problems[1].contains("strictest reading"));
    assert_eq!(status["policy"]["max_snooze_days"], 1, "strictest reading");
    let settings = invoke(&win, "get_settings", json!({})).unwrap();
    assert_eq!(
        (
            &settings["rotation_months"],
            &settings["lead_time_days"],
            &settings["repeat_days"]
        ),
        (&json!(3), &json!(14), &json!(7)),
        "the guide's defaults"
    );
    assert_eq!(settings["notifications"], true);
}

#[test]
fn the_window_caps_pausing_reminders_by_length_and_per_stage_and_audits_each_pause() {
    let app = App::new();
    std::fs::write(
        app.policy_path(),
        r#"{"max_snooze_days": 3, "max_snoozes_per_stage": 1}"#,
    )
    .unwrap();
    let name = add_old_key(&app, &unique("pause"), 120);
    let win = window(&app, "main");
    let id = invoke(&win, "list_keys", json!({})).unwrap()[0]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let week = invoke(&win, "snooze_key", json!({"id": id, "days": 7})).unwrap_err();
    assert_eq!(week["code"], "invalid_input");
    assert!(
        week["message"].as_str().unwrap().contains("at most 3 days"),
        "{week}"
    );
    let paused = invoke(&win, "snooze_key", json!({"id": id, "days": 1})).unwrap();
    assert!(paused["snoozed_until"].is_string());
    let again = invoke(&win, "snooze_key", json!({"id": id, "days": 1})).unwrap_err();
    assert!(
        again["message"]
            .as_str()
            .unwrap()
            .contains("at most once at each stage"),
        "{again}"
    );
    let pauses: Vec<_> = audit_lines(&app)
        .into_iter()
        .filter(|e| e["action"] == "snoozed")
        .collect();
    assert_eq!(pauses.len(), 1, "one pause, one entry: {pauses:?}");
    assert_eq!(pauses[0]["key_name"], name.as_str());
    assert!(pauses[0]["user"].is_string() && pauses[0]["computer"].is_string());
}

// ---- The background program's log ----

#[test]
fn the_background_program_logs_damaged_settings_and_still_reminds_under_the_defaults() {
    let app = App::new();
    let _alone = APP_RUNNING
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner);
    let name = add_old_key(&app, &unique("bg-damaged"), 120);
    app.write_settings(r#"{"rotation_months": 0}"#);
    let child = start_in_background(&app);
    let reminded = reminder_sent_within_20_s(&app, &name);
    let log = stop(&app, child);
    assert!(
        reminded,
        "the 120-day-old key is reminded under the guide's 3 months"
    );
    assert!(
        log.contains("settings file") && log.contains("damaged"),
        "the background log says so: {log}"
    );
    assert_eq!(
        log.matches("is damaged").count(),
        1,
        "said once while it lasts, not at every look: {log}"
    );
}

#[test]
fn the_background_program_reminds_under_the_organisations_policy_even_with_notifications_off() {
    let app = App::new();
    let _alone = APP_RUNNING
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner);
    let name = add_old_key(&app, &unique("bg-policy"), 120);
    // The person turned notifications off and chose a year: nothing would be shown.
    app.write_settings(r#"{"rotation_months": 12, "notifications": false}"#);
    std::fs::write(
        app.policy_path(),
        r#"{"rotation_months": 3, "notifications_required": true}"#,
    )
    .unwrap();
    let child = start_in_background(&app);
    let reminded = reminder_sent_within_20_s(&app, &name);
    stop(&app, child);
    assert!(
        reminded,
        "the 120-day-old key is overdue under the organisation's 3 months, and its notification is shown"
    );
}

#[test]
fn settings_on_the_command_line_show_the_values_in_force_and_the_organisations_limits() {
    let app = App::new();
    app.write_settings(r#"{"rotation_months": 6, "notifications": false}"#);
    std::fs::write(
        app.policy_path(),
        r#"{"rotation_months": 3, "notifications_required": true, "max_snooze_days": 3, "max_snoozes_per_stage": 2}"#,
    )
    .unwrap();
    let shown = json(&app.ok(&["settings", "--json"]));
    assert_eq!(shown["settings"]["rotation_months"], 3);
    assert_eq!(shown["settings"]["notifications"], true);
    assert_eq!(shown["policy"]["max_snoozes_per_stage"], 2);
    assert_eq!(shown["rotation_period_source"], "organisation");
    assert_eq!(shown["problems"], json!([]));
    let human = app.ok(&["settings"]);
    assert!(
        human.contains("Rotate keys every 3 months (your organisation's policy).")
            && human.contains("Desktop notifications on.  (your organisation: required)")
            && human.contains("for at most 3 days, at most 2 times per stage"),
        "{human}"
    );
}
