//! `keyward import` against the real keychain: real-looking KeePassXC and
//! Bitwarden exports, secrets read back through the Secret Service, a run
//! killed part-way then continued, repeats skipped, and plain refusals of
//! files that cannot be imported.

use std::path::{Path, PathBuf};

use serde_json::Value;

use crate::util::*;

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/import")
        .join(name)
}

/// A copy of the fixture `name` in the test's folder (imports may delete it).
fn copy_of(app: &App, name: &str) -> PathBuf {
    let path = app.root.path().join(name);
    std::fs::copy(fixture(name), &path).unwrap();
    path
}

fn import_json(app: &App, args: &[&str]) -> Value {
    let mut all = vec!["import"];
    all.extend_from_slice(args);
    all.push("--json");
    json(&app.ok(&all))
}

/// The secret of the imported key named `name`, read from the real keychain.
fn secret_of(app: &App, name: &str) -> Option<String> {
    let id = app
        .list()
        .into_iter()
        .find(|k| k["name"] == name)
        .unwrap_or_else(|| panic!("no key named {name}"))["id"]
        .as_str()
        .unwrap()
        .to_owned();
    keychain_secret(&id)
}

fn refused(result: &Value) -> Vec<(u64, String)> {
    result["refused"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            (
                r["row"].as_u64().unwrap(),
                r["kind"].as_str().unwrap().to_owned(),
            )
        })
        .collect()
}

#[test]
fn a_keepassxc_export_is_imported_with_its_secrets_in_the_keychain_and_refusals_listed() {
    let app = App::new();
    let file = copy_of(&app, "keepassxc.csv");
    let file = file.to_str().unwrap();
    let result = import_json(&app, &[file, "--format", "keepassxc"]);
    assert_eq!(result["total"], 6, "{result}");
    assert_eq!(result["imported"].as_array().unwrap().len(), 3, "{result}");
    assert_eq!(
        refused(&result),
        [
            (5, "missing_secret".into()),
            (6, "duplicate_in_file".into()),
            (7, "bad_date".into())
        ]
    );
    let names = app.names();
    let stripe = names
        .iter()
        .find(|n| n.starts_with("stripe-live-10_02_2026-"))
        .expect("the Stripe key, named by its service and Created date");
    assert_eq!(
        secret_of(&app, stripe).as_deref(),
        Some("sk_live_51HxFIXTUREsecretStripe9a8b7c6d"),
        "the secret went to the real keychain"
    );
    assert_eq!(
        secret_of(&app, "mailchimp-15_01_2026-10_30").as_deref(),
        Some("5f0c1e7b9d3a4b2c8e6f7a1d0b9c8e7f-us21")
    );
    let listed = app.list();
    let stripe_key = listed.iter().find(|k| &k["name"] == stripe).unwrap();
    assert_eq!(
        stripe_key["credential_id"],
        "rk_live_51HxKeyWardFixture0001"
    );
    assert_eq!(stripe_key["issuer"], "vendor");
    assert!(
        stripe_key["notes"].as_str().unwrap().contains("Payments"),
        "{stripe_key}"
    );
    let audit = std::fs::read_to_string(app.data_dir().join("audit.log")).unwrap();
    assert!(
        audit.contains("imported from keepassxc.csv, row 2"),
        "each key's import is audited: {audit}"
    );

    // The same file again: every key is already there, skipped and listed.
    let again = import_json(&app, &[file, "--format", "keepassxc"]);
    assert!(again["imported"].as_array().unwrap().is_empty(), "{again}");
    let kinds: Vec<String> = refused(&again).into_iter().map(|(_, k)| k).collect();
    assert_eq!(
        kinds.iter().filter(|k| *k == "already_in_keyward").count(),
        3,
        "{again}"
    );
    assert_eq!(app.list().len(), 3, "nothing was added twice");
}

#[test]
fn a_bitwarden_export_is_imported_from_logins_and_secure_notes() {
    let app = App::new();
    let file = copy_of(&app, "bitwarden.json");
    let result = import_json(&app, &[file.to_str().unwrap(), "--format", "bitwarden"]);
    assert_eq!(result["imported"].as_array().unwrap().len(), 3, "{result}");
    assert_eq!(refused(&result), [(5, "missing_secret".into())]);
    let names = app.names();
    let named = |prefix: &str| {
        names
            .iter()
            .find(|n| n.starts_with(prefix))
            .unwrap_or_else(|| panic!("no {prefix} key in {names:?}"))
            .clone()
    };
    assert_eq!(
        secret_of(&app, &named("openai-research-key-")).as_deref(),
        Some("sk-proj-FIXTUREopenaiKey_1a2b3c4d5e6f7a8b9c0d"),
        "a secure note's hidden field is the secret"
    );
    assert_eq!(
        secret_of(&app, &named("github-deploy-app-")).as_deref(),
        Some("ghp_FIXTUREgithubToken0123456789abcdefABCD")
    );
    assert_eq!(
        secret_of(&app, &named("sendgrid-production-")).as_deref(),
        Some("SG.FIXTUREsendgridKey.b7c6d5e4f3a2b1c0d9e8f7a6b5c4d3e2")
    );
}

#[test]
fn a_dry_run_shows_the_plan_and_writes_nothing() {
    let app = App::new();
    let file = fixture("keepassxc.csv");
    let out = app.ok(&[
        "import",
        file.to_str().unwrap(),
        "--format",
        "keepassxc",
        "--dry-run",
    ]);
    assert!(out.contains("3 keys to import, 3 not imported"), "{out}");
    assert!(out.contains("row 5: No secret"), "{out}");
    assert!(out.contains("Nothing was written"), "{out}");
    assert!(
        !out.contains("sk_live_51HxFIXTURE"),
        "no secret printed: {out}"
    );
    assert!(app.list().is_empty());
    assert!(!app.catalog_path().exists(), "no catalog written");
}

/// The preview says each key's creation on the person's calendar, where the
/// UTC date differs; `--json` keeps the instant as it always wrote it.
#[test]
fn a_previews_creation_dates_are_on_the_persons_calendar_far_from_utc() {
    let app = App::new();
    let file = app.root.path().join("dated.csv");
    std::fs::write(
        &file,
        "service,credential_id,secret,created\n\
         late,id-late,sec-late-VALUE-1,2026-05-28T23:30:00Z\n\
         early,id-early,sec-early-VALUE-2,2026-05-28T05:30:00Z\n",
    )
    .unwrap();
    let path = file.to_str().unwrap();
    for (zone, said) in [
        // 23:30 UTC on the 28th is 13:30 on the 29th in Kiritimati (UTC+14);
        // 05:30 UTC is 22:30 on the 27th in Los Angeles (UTC−7).
        (
            "Pacific/Kiritimati",
            "(late, credential ID id-late, created 2026-05-29 13:30)",
        ),
        (
            "America/Los_Angeles",
            "(early, credential ID id-early, created 2026-05-27 22:30)",
        ),
    ] {
        let out = app
            .cmd(&["import", path, "--format", "csv", "--dry-run"])
            .env("TZ", zone)
            .output()
            .unwrap();
        let preview = text(&out.stdout);
        assert!(out.status.success(), "{}", text(&out.stderr));
        assert!(
            preview.contains(said),
            "in {zone} the creation is on that zone's calendar: {preview}"
        );
    }
    let preview = json(&app.ok(&["import", path, "--format", "csv", "--dry-run", "--json"]));
    assert_eq!(
        preview["ready"][0]["created_at"], "2026-05-28T23:30:00+00:00",
        "{preview}"
    );
}

#[test]
fn columns_are_mapped_with_map_and_the_source_deleted_when_asked() {
    let app = App::new();
    let file = app.root.path().join("sheet.csv");
    std::fs::write(
        &file,
        "Vendor,Key,API secret,Made on\nMail Gun,mg-id-1,mg-secret-VALUE-1,2026-01-05\n",
    )
    .unwrap();
    let path = file.to_str().unwrap();
    let out = app.run(&["import", path, "--format", "csv", "--json"]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert_eq!(
        refused(&json(&text(&out.stdout))),
        [(2, "missing_credential_id".into())],
        "unmapped columns: nothing to import"
    );
    let result = import_json(
        &app,
        &[
            path,
            "--format",
            "csv",
            "--map",
            "Vendor=service",
            "--map",
            "Key=credential_id",
            "--map",
            "API secret=secret",
            "--map",
            "made on=created",
            "--delete-source",
        ],
    );
    assert_eq!(
        result["imported"][0]["name"], "mail-gun-05_01_2026-00_00",
        "{result}"
    );
    assert_eq!(result["source_deleted"], true);
    assert!(!file.exists(), "the plain-text source was deleted");
    assert_eq!(
        secret_of(&app, "mail-gun-05_01_2026-00_00").as_deref(),
        Some("mg-secret-VALUE-1")
    );
}

#[test]
fn the_source_is_kept_when_a_row_with_a_secret_was_not_imported() {
    let app = App::new();
    let file = app.root.path().join("sheet.csv");
    std::fs::write(
        &file,
        "service,credential_id,secret,created\na,id-a,sec-a,\nb,id-b,sec-b,someday\n",
    )
    .unwrap();
    let out = app.ok(&[
        "import",
        file.to_str().unwrap(),
        "--format",
        "csv",
        "--delete-source",
    ]);
    assert!(out.contains("Imported 1 key."), "{out}");
    assert!(
        out.contains("It was not deleted: row 3 was not imported"),
        "{out}"
    );
    assert!(out.contains("holds your secrets in plain text"), "{out}");
    assert!(file.exists());
}

#[test]
fn files_that_cannot_be_imported_are_refused_in_plain_words() {
    let app = App::new();
    let dir = app.root.path();
    let link = dir.join("link.csv");
    std::os::unix::fs::symlink(fixture("keepassxc.csv"), &link).unwrap();
    let damaged = dir.join("cut.json");
    let whole = std::fs::read_to_string(fixture("bitwarden.json")).unwrap();
    std::fs::write(&damaged, &whole[..whole.len() / 3]).unwrap();
    let keepass = fixture("keepassxc.csv");
    let cases: [(&Path, &str, &str); 5] = [
        (&dir.join("nope.csv"), "csv", "There is no file"),
        (&link, "csv", "is a link"),
        (dir, "csv", "is a folder"),
        (&keepass, "bitwarden", "is not a Bitwarden JSON export"),
        (&damaged, "bitwarden", "cut short"),
    ];
    for (path, format, words) in cases {
        let out = app.run(&["import", path.to_str().unwrap(), "--format", format]);
        assert_eq!(out.status.code(), Some(1), "{path:?}");
        let said = text(&out.stderr);
        assert!(said.contains(words), "{path:?}: {said}");
    }
    let wrong = app.run(&["import", keepass.to_str().unwrap(), "--format", "lastpass"]);
    assert_eq!(
        wrong.status.code(),
        Some(2),
        "an unknown format is wrong usage"
    );
    assert!(app.list().is_empty());
}

/// `rows` rows of a spreadsheet export, secrets `import-secret-N`.
fn sheet(rows: usize) -> String {
    let mut text = String::from("service,credential_id,secret,created,notes\n");
    for i in 0..rows {
        text.push_str(&format!(
            "svc-{},cred-{i:05},import-secret-{i:05},2026-01-{:02},row {i}\n",
            i % 5,
            1 + i % 28
        ));
    }
    text
}

#[test]
fn an_import_killed_part_way_continues_where_it_stopped_and_skips_what_it_made() {
    let app = App::new();
    let file = app.root.path().join("many.csv");
    std::fs::write(&file, sheet(250)).unwrap();
    let path = file.to_str().unwrap();
    let args = ["import", path, "--format", "csv", "--json"];
    // Killed after the first batch of 100 is complete.
    let out = app
        .cmd(&args)
        .env("KEYWARD_TEST_ABORT_AT", "import:after-batch")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), None, "killed: {}", text(&out.stderr));
    assert_eq!(app.list().len(), 100);
    // The next run is killed with its first batch's secrets in the keychain
    // but not yet in the list.
    let out = app
        .cmd(&args)
        .env("KEYWARD_TEST_ABORT_AT", "import:after-keychain")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), None, "killed: {}", text(&out.stderr));
    let pending: Vec<String> = app
        .catalog_records()
        .iter()
        .filter(|r| r["state"] == "pending")
        .map(|r| r["id"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(pending.len(), 100, "a batch left half-done");
    assert!(keychain_secret(&pending[0]).is_some());

    let result = import_json(&app, &[path, "--format", "csv"]);
    assert_eq!(
        result["imported"].as_array().unwrap().len(),
        150,
        "{result}"
    );
    let earlier = refused(&result)
        .iter()
        .filter(|(_, kind)| kind == "imported_earlier")
        .count();
    assert_eq!(earlier, 100, "the first run's keys are skipped and listed");
    for id in &pending {
        assert_eq!(
            keychain_secret(id),
            None,
            "the half-done batch was rolled back"
        );
    }
    let keys = app.list();
    assert_eq!(keys.len(), 250);
    for key in keys.iter().step_by(7) {
        let n = &key["credential_id"].as_str().unwrap()["cred-".len()..];
        assert_eq!(
            keychain_secret(key["id"].as_str().unwrap()),
            Some(format!("import-secret-{n}")),
            "{key}"
        );
    }
    let check = json(&app.ok(&["check", "--json"]));
    let orphans = check["orphans"].as_array().unwrap();
    assert!(
        !pending.iter().any(|id| orphans.iter().any(|o| o == id)),
        "the half-done batch left no secret behind: {check}"
    );
    assert!(app.catalog_records().iter().all(|r| r["state"] == "active"));
    assert!(
        std::fs::read_dir(app.data_dir().join("imports"))
            .unwrap()
            .next()
            .is_none(),
        "the finished import's journal is gone"
    );
}

#[test]
fn ctrl_c_stops_an_import_between_keys_and_the_same_command_continues_it() {
    let app = App::new();
    let file = app.root.path().join("interrupted.csv");
    std::fs::write(&file, sheet(1000)).unwrap();
    let path = file.to_str().unwrap();
    let args = ["import", path, "--format", "csv", "--json"];
    let child = app
        .cmd(&args)
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let pid = child.id();
    assert!(
        poll_until(std::time::Duration::from_secs(60), || {
            app.catalog_records().iter().any(|r| r["state"] == "active")
        }),
        "the import made its first keys"
    );
    let sent = std::process::Command::new("kill")
        .args(["-INT", &pid.to_string()])
        .status()
        .unwrap();
    assert!(sent.success());
    let out = child.wait_with_output().unwrap();
    let err = text(&out.stderr);
    assert_eq!(out.status.code(), Some(130), "stopped, not killed: {err}");
    assert!(
        err.contains("Stopped (Ctrl-C)") && err.contains("run the same command again"),
        "what was done and how to continue: {err}"
    );
    let result = json(&text(&out.stdout));
    assert_eq!(result["cancelled"], true, "{result}");
    let imported = result["imported"].as_array().unwrap().len();
    assert!(
        (1..1000).contains(&imported),
        "stopped part-way: {imported}"
    );
    let records = app.catalog_records();
    assert_eq!(records.len(), imported, "the list holds what was imported");
    assert!(
        records.iter().all(|r| r["state"] == "active"),
        "nothing half-made is left"
    );
    let inflight = app.data_dir().join("inflight");
    let notes: Vec<_> = std::fs::read_dir(&inflight)
        .map(|d| d.filter_map(Result::ok).map(|e| e.file_name()).collect())
        .unwrap_or_default();
    assert!(
        notes.iter().all(|n| n.to_string_lossy().ends_with(".lock")),
        "no journal left over: {notes:?}"
    );
    for record in records.iter().step_by(37) {
        let n = &record["credential_id"].as_str().unwrap()["cred-".len()..];
        assert_eq!(
            keychain_secret(record["id"].as_str().unwrap()),
            Some(format!("import-secret-{n}")),
            "every key kept has its secret in the keychain"
        );
    }

    let result = import_json(&app, &[path, "--format", "csv"]);
    assert_eq!(
        result["imported"].as_array().unwrap().len(),
        1000 - imported,
        "the rest"
    );
    assert_eq!(app.list().len(), 1000);
}

#[test]
fn a_bitwarden_custom_field_is_mapped_with_map_on_the_command_line() {
    let app = App::new();
    let file = app.root.path().join("custom.json");
    std::fs::write(
        &file,
        r#"{"encrypted": false, "folders": [], "items": [
            {"type": 1, "name": "mailgun-eu", "notes": null,
             "login": {"username": "key-id-custom-7", "password": "mg_FIXTUREcustomField0123456789"},
             "fields": [{"name": "Environment", "value": "billing-web", "type": 0},
                        {"name": "Signing value", "value": "HIDDENsigning0123", "type": 1}]}
        ]}"#,
    )
    .unwrap();
    let path = file.to_str().unwrap();
    let out = app.run(&["import", path, "--format", "bitwarden", "--dry-run"]);
    let preview = text(&out.stdout);
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(
        preview.contains("Environment") && !preview.contains("HIDDENsigning0123"),
        "the field is offered, a hidden one masked: {preview}"
    );
    let result = import_json(
        &app,
        &[
            path,
            "--format",
            "bitwarden",
            "--map",
            "Environment=application",
        ],
    );
    assert_eq!(result["imported"].as_array().unwrap().len(), 1, "{result}");
    let key = &app.list()[0];
    assert_eq!(key["application"], "billing-web", "{key}");
    assert_eq!(
        keychain_secret(key["id"].as_str().unwrap()).as_deref(),
        Some("mg_FIXTUREcustomField0123456789")
    );
}
