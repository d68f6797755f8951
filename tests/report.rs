//! `keyward report` against the real keychain: CSV a spreadsheet can read,
//! JSON with the list's fields, a private file on request, never a secret.

use serde_json::Value;

use crate::util::*;

/// Two generated keys and one added key with a note a spreadsheet would run.
fn three_keys(app: &App) -> Vec<String> {
    let mut secrets = Vec::new();
    for _ in 0..2 {
        let key = app.generate(&unique("reported"));
        secrets.push(key["secret"].as_str().unwrap().to_owned());
    }
    let pasted = "sk_live_REPORT_pasted_secret_0123456789";
    let out = app.run_with_input(
        &[
            "add",
            "--service",
            "legacy",
            "--credential-id",
            "AKIA-REPORT",
            "--created",
            &days_ago(100),
            "--notes",
            "=HYPERLINK(\"http://evil.example\",\"click\")",
        ],
        pasted,
    );
    assert!(out.status.success(), "{}", text(&out.stderr));
    secrets.push(pasted.to_owned());
    secrets
}

fn assert_no_secret(report: &str, secrets: &[String]) {
    for secret in secrets {
        assert!(
            !report.contains(secret.as_str()),
            "the report holds a secret"
        );
        assert!(
            !report.contains(&secret[5..25]),
            "the report holds part of a secret"
        );
    }
}

#[test]
fn the_csv_report_parses_with_a_header_and_one_row_per_key_and_no_secret() {
    let app = App::new();
    let secrets = three_keys(&app);
    let report = app.ok(&["report", "--format", "csv"]);
    assert_no_secret(&report, &secrets);

    let mut reader = csv::Reader::from_reader(report.as_bytes());
    let header: Vec<String> = reader.headers().unwrap().iter().map(String::from).collect();
    // Headed in words for spreadsheets (the JSON report keeps field names).
    for column in [
        "Name",
        "Service",
        "Application",
        "Created",
        "Rotate by",
        "Status",
    ] {
        assert!(
            header.iter().any(|h| h == column),
            "no {column} column: {header:?}"
        );
    }
    for column in ["Days overdue", "Last copied", "Replaced by", "Delete after"] {
        assert!(
            header.iter().any(|h| h == column),
            "no {column} column: {header:?}"
        );
    }
    let rows: Vec<csv::StringRecord> = reader.records().map(|r| r.unwrap()).collect();
    assert_eq!(rows.len(), 3, "one row per key");
    let col = |name: &str| header.iter().position(|h| h == name).unwrap();
    let legacy = rows
        .iter()
        .find(|r| &r[col("Service")] == "legacy")
        .expect("the added key is reported");
    assert_eq!(&legacy[col("Status")], "overdue");
    assert!(
        legacy[col("Days overdue")].parse::<i64>().unwrap() > 0,
        "a 100-day-old key is overdue"
    );
    assert!(
        legacy[col("Notes")].starts_with("'="),
        "a formula is neutralised: {}",
        &legacy[col("Notes")]
    );
}

#[test]
fn the_json_report_has_every_field_of_list_json_and_no_secret() {
    let app = App::new();
    let secrets = three_keys(&app);
    let report = app.ok(&["report", "--format", "json"]);
    assert_no_secret(&report, &secrets);
    let rows = match json(&report) {
        Value::Array(rows) => rows,
        other => panic!("not an array: {other}"),
    };
    assert_eq!(rows.len(), 3);
    let listed = app.list();
    for field in listed[0].as_object().unwrap().keys() {
        assert!(
            rows.iter().all(|r| r.get(field).is_some()),
            "report --format json lacks list --json's field {field}"
        );
    }
    for field in ["days_overdue", "replaced_by_name", "pending_deletion"] {
        assert!(rows[0].get(field).is_some(), "report lacks {field}");
    }
}

#[test]
fn report_output_writes_a_private_file_and_prints_no_report() {
    let app = App::new();
    let secrets = three_keys(&app);
    let file = app.root.path().join("reports").join("keys.csv");
    std::fs::create_dir_all(file.parent().unwrap()).unwrap();
    std::fs::write(&file, "old content").unwrap();
    let out = app.ok(&[
        "report",
        "--format",
        "csv",
        "--output",
        file.to_str().unwrap(),
    ]);
    assert!(out.contains("Wrote the report (3 keys)"), "{out}");
    assert!(
        !out.contains("Rotate by"),
        "the report went to the file, not stdout"
    );
    let written = std::fs::read_to_string(&file).unwrap();
    assert!(written.starts_with("Key ID,Name,"), "{written}");
    assert_eq!(
        csv::Reader::from_reader(written.as_bytes())
            .records()
            .count(),
        3
    );
    assert_no_secret(&written, &secrets);
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&file).unwrap().permissions().mode();
        assert_eq!(mode & 0o777, 0o600, "readable only by the user: {mode:o}");
    }
    let leftovers: Vec<_> = std::fs::read_dir(file.parent().unwrap())
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    assert_eq!(leftovers.len(), 1, "no temporary file left: {leftovers:?}");
}
