//! The real `keyward` binary under several `TZ` values: names and due dates
//! are local wall time, text output shows local dates, `--json` keeps
//! RFC 3339 UTC instants.

use std::process::Output;

use chrono::{DateTime, Duration, Utc};
use serde_json::Value;

use crate::util::{App, json, text, unique, with_input};

fn zoneinfo_has(tz: &str) {
    assert!(
        std::path::Path::new("/usr/share/zoneinfo")
            .join(tz)
            .exists(),
        "the time zone database (Debian's tzdata, in .ci/deps) has no {tz}"
    );
}

/// `keyward ARGS` with `TZ=tz` and `input` on standard input.
fn run_in(app: &App, tz: &str, args: &[&str], input: &str) -> Output {
    zoneinfo_has(tz);
    let mut cmd = app.cmd(args);
    cmd.env("TZ", tz);
    let out = with_input(cmd, input);
    assert!(
        out.status.success(),
        "keyward {args:?} under TZ={tz} failed: {}",
        text(&out.stderr)
    );
    out
}

/// Adds a key named `name` under `TZ=tz`; returns what `add` printed.
fn add_named(app: &App, tz: &str, name: &str, json_output: bool) -> String {
    // One credential ID per key: Keyward refuses to record one twice.
    let credential_id = format!("vendor-id-{name}");
    let mut args = vec![
        "add",
        "--service",
        "legacy",
        "--credential-id",
        &credential_id,
        "--name",
        name,
    ];
    if json_output {
        args.push("--json");
    }
    text(&run_in(app, tz, &args, "sk_vendor_secret\n").stdout)
}

fn instant(raw: &Value) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(raw.as_str().expect("an RFC 3339 string"))
        .expect("RFC 3339")
        .with_timezone(&Utc)
}

#[test]
fn st_johns_key_named_28_february_22_00_is_due_28_may_at_22_00_local() {
    let app = App::new();
    let name = "legacy-28_02_2023-22_00";
    let key = json(&add_named(&app, "America/St_Johns", name, true));
    // 22:00 NST (−3:30) is 01:30 UTC on 1 March; 22:00 NDT (−2:30) on 28 May is 00:30 UTC on 29 May.
    assert_eq!(key["created_at"], "2023-03-01T01:30:00Z", "{key}");
    assert_eq!(
        key["rotate_by"], "2023-05-29T00:30:00Z",
        "due 28 May 22:00 local, not 31 May: {key}"
    );
    let listed = run_in(
        &app,
        "America/St_Johns",
        &["report", "--format", "json"],
        "",
    );
    let report = json(&text(&listed.stdout));
    assert_eq!(report[0]["rotate_by"], "2023-05-29T00:30:00Z");
}

#[test]
fn apia_key_named_1_march_08_00_is_due_1_june_at_08_00_local() {
    let app = App::new();
    let key = json(&add_named(
        &app,
        "Pacific/Apia",
        "legacy-01_03_2024-08_00",
        true,
    ));
    // Apia is UTC+13: 08:00 on 1 March is 19:00 UTC on 29 February.
    assert_eq!(key["created_at"], "2024-02-29T19:00:00Z", "{key}");
    assert_eq!(
        key["rotate_by"], "2024-05-31T19:00:00Z",
        "due 1 June 08:00 local, not 30 May: {key}"
    );
}

#[test]
fn add_prints_the_local_rotate_by_date_and_time() {
    let app = App::new();
    let out = add_named(&app, "America/St_Johns", "legacy-28_02_2023-22_00", false);
    assert!(
        out.contains("Rotate it by 2023-05-28 22:00"),
        "local date and time, not the UTC 29 May: {out}"
    );
}

#[test]
fn a_name_in_a_spring_forward_gap_is_shifted_forward_not_made_now() {
    let app = App::new();
    // Berlin: 29 March 2026, 02:00 CET jumps to 03:00 CEST; 02:30 does not exist.
    let key = json(&add_named(
        &app,
        "Europe/Berlin",
        "legacy-29_03_2026-02_30",
        true,
    ));
    assert_eq!(
        key["created_at"], "2026-03-29T01:30:00Z",
        "02:30 read as 03:30 CEST (shifted by the gap), never as now: {key}"
    );
    // Sydney: 4 October 2026, 02:00 AEST jumps to 03:00 AEDT.
    let key = json(&add_named(
        &app,
        "Australia/Sydney",
        "legacy-04_10_2026-02_30",
        true,
    ));
    assert_eq!(key["created_at"], "2026-10-03T16:30:00Z", "{key}");
    // Lord Howe: 4 October 2026, 02:00 jumps to 02:30 (+10:30 to +11).
    let key = json(&add_named(
        &app,
        "Australia/Lord_Howe",
        "legacy-04_10_2026-02_15",
        true,
    ));
    assert_eq!(key["created_at"], "2026-10-03T15:45:00Z", "{key}");
}

#[test]
fn a_name_in_an_overlap_is_the_earlier_instant() {
    let app = App::new();
    // Berlin, 25 October 2026: 02:30 happens twice (00:30 and 01:30 UTC).
    let key = json(&add_named(
        &app,
        "Europe/Berlin",
        "legacy-25_10_2026-02_30",
        true,
    ));
    assert_eq!(key["created_at"], "2026-10-25T00:30:00Z", "{key}");
    // Sydney, 5 April 2026: 02:30 happens at 15:30 and 16:30 UTC on 4 April.
    let key = json(&add_named(
        &app,
        "Australia/Sydney",
        "legacy-05_04_2026-02_30",
        true,
    ));
    assert_eq!(key["created_at"], "2026-04-04T15:30:00Z", "{key}");
}

#[test]
fn due_dates_keep_the_local_wall_time_across_daylight_saving_on_both_hemispheres() {
    let app = App::new();
    // Berlin: made in winter (CET, +1), due in summer (CEST, +2).
    let key = json(&add_named(
        &app,
        "Europe/Berlin",
        "a-15_01_2026-09_30",
        true,
    ));
    assert_eq!(key["rotate_by"], "2026-04-15T07:30:00Z", "{key}");
    // Sydney: made in summer (AEDT, +11), due in winter (AEST, +10).
    let key = json(&add_named(
        &app,
        "Australia/Sydney",
        "b-15_02_2026-09_30",
        true,
    ));
    assert_eq!(key["rotate_by"], "2026-05-14T23:30:00Z", "{key}");
    // Kathmandu (+5:45): 31 January + 3 months clamps to 30 April.
    let key = json(&add_named(
        &app,
        "Asia/Kathmandu",
        "c-31_01_2026-23_50",
        true,
    ));
    assert_eq!(key["rotate_by"], "2026-04-30T18:05:00Z", "{key}");
}

#[test]
fn generate_names_the_key_with_the_local_date_and_prints_a_local_rotate_by_date() {
    let app = App::new();
    for tz in ["Pacific/Apia", "America/St_Johns", "Asia/Kathmandu"] {
        let zone: chrono_tz::Tz = tz.parse().unwrap();
        let service = unique("tz");
        let before = Utc::now().with_timezone(&zone);
        let out = text(&run_in(&app, tz, &["generate", "--service", &service], "").stdout);
        let after = Utc::now().with_timezone(&zone);
        let named =
            |t: DateTime<chrono_tz::Tz>| format!("\"{service}-{}\"", t.format("%d_%m_%Y-%H_%M"));
        assert!(
            out.contains(&named(before)) || out.contains(&named(after)),
            "named with the local date and time in {tz}: {out}"
        );
        let due = (before.naive_local().date())
            .checked_add_months(chrono::Months::new(3))
            .unwrap();
        let due_after = (after.naive_local().date())
            .checked_add_months(chrono::Months::new(3))
            .unwrap();
        assert!(
            out.contains(&format!("Rotate it by {}", due.format("%Y-%m-%d")))
                || out.contains(&format!("Rotate it by {}", due_after.format("%Y-%m-%d"))),
            "local rotate-by date in {tz}: {out}"
        );
    }
}

#[test]
fn list_text_shows_local_dates_while_json_keeps_utc_instants() {
    let app = App::new();
    let tz = "Pacific/Apia";
    let zone = chrono_tz::Pacific::Apia;
    // A key made at 00:30 local today (yesterday if it is not 00:30 yet):
    // in UTC (+13) that is 11:30 the day before, so local and UTC dates differ.
    let local_now = Utc::now().with_timezone(&zone).naive_local();
    let mut made = local_now.date().and_hms_opt(0, 30, 0).unwrap();
    if made > local_now {
        made -= Duration::days(1);
    }
    let name = format!("z-{}", made.format("%d_%m_%Y-%H_%M"));
    let key = json(&add_named(&app, tz, &name, true));
    let due_local = made.checked_add_months(chrono::Months::new(3)).unwrap();
    let rotate_by = instant(&key["rotate_by"]);
    assert_eq!(
        rotate_by.with_timezone(&zone).naive_local(),
        due_local,
        "{key}"
    );
    assert!(
        key["rotate_by"].as_str().unwrap().ends_with('Z'),
        "--json keeps UTC instants: {key}"
    );
    assert_ne!(rotate_by.date_naive(), due_local.date());
    let list = text(&run_in(&app, tz, &["list"], "").stdout);
    assert!(
        list.contains(&format!("rotate by {}", due_local.format("%Y-%m-%d"))),
        "the list shows the local rotate-by date: {list}"
    );
}

#[test]
fn the_csv_report_shows_local_dates_while_the_json_report_keeps_utc_instants() {
    let app = App::new();
    add_named(&app, "America/St_Johns", "legacy-28_02_2023-22_00", false);
    let csv_text =
        text(&run_in(&app, "America/St_Johns", &["report", "--format", "csv"], "").stdout);
    let mut reader = csv::Reader::from_reader(csv_text.as_bytes());
    let header: Vec<String> = reader.headers().unwrap().iter().map(String::from).collect();
    let col = |name: &str| header.iter().position(|h| h == name).unwrap();
    let row = reader.records().next().expect("one key").unwrap();
    assert_eq!(
        &row[col("Created")],
        "2023-02-28 22:00",
        "a spreadsheet shows the person's own date and time: {csv_text}"
    );
    assert_eq!(&row[col("Rotate by")], "2023-05-28 22:00", "{csv_text}");

    let report = json(&text(
        &run_in(
            &app,
            "America/St_Johns",
            &["report", "--format", "json"],
            "",
        )
        .stdout,
    ));
    assert_eq!(report[0]["created_at"], "2023-03-01T01:30:00Z", "{report}");
    assert_eq!(report[0]["rotate_by"], "2023-05-29T00:30:00Z", "{report}");
}

#[test]
fn list_text_says_a_replaced_keys_delete_after_date_on_the_local_calendar() {
    let app = App::new();
    std::fs::create_dir_all(app.data_dir()).unwrap();
    // Midnight UTC on 1 March is still 28 February in Los Angeles.
    let catalog = serde_json::json!({"format": 1, "keys": [
        {"id": unique("new"), "name": "mailchimp-01_02_2026-10_00", "service": "mailchimp",
         "application": null, "credential_id": "MC-NEW-1", "created_at": "2026-02-01T10:00:00Z",
         "origin": "added", "notes": "", "state": "active", "history": {}, "reminder": {}},
        {"id": unique("old"), "name": "mailchimp-15_01_2026-09_30", "service": "mailchimp",
         "application": null, "credential_id": "MC-OLD-1", "created_at": "2026-01-15T09:30:00Z",
         "origin": "added", "notes": "", "state": "active", "history": {}, "reminder": {},
         "replaced_by": "someone", "delete_after": "2026-03-01T00:00:00Z"}
    ]});
    std::fs::write(app.catalog_path(), catalog.to_string()).unwrap();
    for (tz, date) in [
        ("America/Los_Angeles", "2026-02-28"),
        ("Pacific/Kiritimati", "2026-03-01"),
    ] {
        let list = text(&run_in(&app, tz, &["list"], "").stdout);
        assert!(
            list.contains(&format!("Replaced — delete after {date}")),
            "in {tz} the delete-after date is that zone's calendar date, {date}: {list}"
        );
    }
}
