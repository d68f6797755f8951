//! The command line for vendor keys against the real keychain: catalogs
//! from before issuers, edit, find by credential ID, vendor profiles,
//! vendor rotation, leaks and deleting with the vendor's answer.

use serde_json::{Value, json};

use crate::audit::entries;
use crate::util::*;

/// A catalog written by the version before issuers, vendors and owners.
fn old_catalog(generated_id: &str, added_id: &str) -> Value {
    json!({"format": 1, "keys": [
        {"id": generated_id, "name": "payments-api-01_02_2026-10_00", "service": "payments-api",
         "application": "Billing", "credential_id": "kwid_old_generated", "created_at": "2026-02-01T10:00:00Z",
         "origin": "generated", "notes": "made here", "state": "active",
         "history": {"copied_at": "2026-03-01T08:00:00Z"},
         "reminder": {}},
        {"id": added_id, "name": "mailchimp-15_01_2026-09_30", "service": "mailchimp",
         "application": "Newsletter", "credential_id": "MC-OLD-ADDED-42", "created_at": "2026-01-15T09:30:00Z",
         "origin": "added", "notes": "", "state": "active", "history": {}, "reminder": {},
         "replaced_by": generated_id, "delete_after": "2026-03-01T00:00:00Z"}
    ]})
}

#[test]
fn a_catalog_from_before_issuers_loads_without_loss_and_keys_take_their_issuer_from_their_origin() {
    let app = App::new();
    let (generated_id, added_id) = (unique("oldgen"), unique("oldadd"));
    std::fs::create_dir_all(app.data_dir()).unwrap();
    let before = old_catalog(&generated_id, &added_id);
    std::fs::write(app.catalog_path(), before.to_string()).unwrap();

    let listed = app.list();
    let by_id = |id: &str| listed.iter().find(|k| k["id"] == id).unwrap().clone();
    let generated = by_id(&generated_id);
    let added = by_id(&added_id);
    assert_eq!(generated["issuer"], "keyward", "{generated}");
    assert_eq!(added["issuer"], "vendor", "{added}");
    for key in [&generated, &added] {
        for (field, value) in [
            ("vendor", Value::Null),
            ("owner", Value::Null),
            ("leaked", json!(false)),
            ("rotation", Value::Null),
        ] {
            assert_eq!(key[field], value, "{field} of {key}");
        }
    }
    assert_eq!(added["replaced_by_name"], "payments-api-01_02_2026-10_00");

    // A change rewrites the catalog: every earlier field is still there.
    app.ok(&["edit", "MC-OLD-ADDED-42", "--owner", "sam@example.com"]);
    let after = app.catalog_records();
    for old in before["keys"].as_array().unwrap() {
        let new = after.iter().find(|k| k["id"] == old["id"]).unwrap();
        for (field, value) in old.as_object().unwrap() {
            if field == "reminder" || field == "history" && value.as_object().unwrap().is_empty() {
                continue; // empty parts are written as defaults
            }
            assert_eq!(&new[field], value, "{field} kept for {}", old["id"]);
        }
    }
    let added = after.iter().find(|k| k["id"] == added_id).unwrap();
    assert_eq!(added["owner"], "sam@example.com");
    assert_eq!(
        app.list().iter().find(|k| k["id"] == added_id).unwrap()["issuer"],
        "vendor",
        "still taken from its origin"
    );
}

#[test]
fn edit_changes_only_the_options_given_and_every_name_or_id_takes_a_credential_id() {
    let app = App::new();
    let service = unique("twilio");
    for (cid, secret) in [("SK-TW-AAAA-1", "tw_1"), ("SK-TW-BBBB-2", "tw_2")] {
        let out = app.run_with_input(
            &[
                "add",
                "--service",
                &service,
                "--credential-id",
                cid,
                "--name",
                &format!("{service}-{cid}"),
                "--vendor",
                "Twilio",
            ],
            secret,
        );
        assert!(out.status.success(), "{}", text(&out.stderr));
    }
    let out = app.run(&["edit", "sk-tw", "--owner", "Sam"]);
    assert_eq!(out.status.code(), Some(1));
    let err = text(&out.stderr);
    assert!(
        err.contains("could mean two keys") && err.contains(&format!("{service}-SK-TW-AAAA-1")),
        "ambiguous, listing both: {err}"
    );
    let out = app.ok(&["edit", "aaaa", "--owner", "Sam", "--application", "Texts"]);
    assert!(out.contains("Saved the changes"), "{out}");
    let keys = app.list();
    let a = keys
        .iter()
        .find(|k| k["credential_id"] == "SK-TW-AAAA-1")
        .unwrap();
    let b = keys
        .iter()
        .find(|k| k["credential_id"] == "SK-TW-BBBB-2")
        .unwrap();
    assert_eq!(
        (a["owner"].as_str(), a["application"].as_str()),
        (Some("Sam"), Some("Texts"))
    );
    assert_eq!(a["vendor"], "twilio");
    assert_eq!(b["owner"], Value::Null, "the other key is untouched");
    let out = app.run(&["edit", "aaaa"]);
    assert_eq!(out.status.code(), Some(1), "nothing to change is refused");
    assert_eq!(app.ok(&["reveal", "SK-TW-BBBB-2"]), "tw_2\n");
    let out = app.run(&["edit", "bbbb", "--owner", "a@b"]);
    assert!(
        text(&out.stderr).contains("not an email address"),
        "{}",
        text(&out.stderr)
    );
    let log = entries(&app);
    assert_eq!(
        log.iter().filter(|e| e["action"] == "edited").count(),
        1,
        "only the change that happened is audited"
    );
}

/// Adds a Mailchimp key for the Newsletter (Sam's) with `secret`; its id and name.
fn add_mailchimp(app: &App, credential_id: &str, secret: &str) -> (String, String) {
    let out = app.run_with_input(
        &[
            "add",
            "--service",
            &unique("mailchimp"),
            "--credential-id",
            credential_id,
            "--vendor",
            "mailchimp",
            "--application",
            "Newsletter",
            "--owner",
            "sam@example.com",
            "--notes",
            "from the seed",
            "--created",
            &days_ago(100),
            "--json",
        ],
        secret,
    );
    assert!(out.status.success(), "{}", text(&out.stderr));
    let key = json(&text(&out.stdout));
    (
        key["id"].as_str().unwrap().to_owned(),
        key["name"].as_str().unwrap().to_owned(),
    )
}

fn key_with_id(app: &App, id: &str) -> Value {
    app.list()
        .into_iter()
        .find(|k| k["id"] == id)
        .unwrap_or_else(|| panic!("no key {id}"))
}

#[test]
fn a_vendor_key_is_rotated_by_pasting_the_vendors_new_key_and_both_secrets_stay_in_the_keychain() {
    let app = App::new();
    let dashboard = "https://us1.admin.mailchimp.com/account/api/";
    app.ok(&[
        "vendor",
        "set",
        "mailchimp",
        "--display-name",
        "Mailchimp",
        "--dashboard",
        dashboard,
    ]);
    let old_secret = "mc_old_SECRET_0123456789abcdef";
    let new_secret = "mc_new_SECRET_fedcba9876543210";
    let (old_id, old_name) = add_mailchimp(&app, "MC-ROT-OLD-1", old_secret);

    let started = app.ok(&["rotate", &old_name]);
    assert!(
        started.contains("Keyward cannot make a key Mailchimp accepts")
            && started.contains(dashboard),
        "{started}"
    );
    assert!(
        !started.contains("will make a new key") && !started.contains("kwsk_"),
        "never says Keyward makes the vendor's key: {started}"
    );
    assert_eq!(
        key_with_id(&app, &old_id)["rotation"],
        "waiting_for_new_key"
    );
    assert_eq!(app.list().len(), 1, "no half-made key while waiting");

    let out = app.run_with_input(
        &["rotate", "MC-ROT-OLD", "--credential-id", "MC-ROT-NEW-2"],
        &format!("{new_secret}\n"),
    );
    assert!(out.status.success(), "{}", text(&out.stderr));
    let said = text(&out.stdout);
    assert!(
        said.contains("Saved the new key from Mailchimp")
            && said.contains("Put the new key into Newsletter")
            && said.contains("keeps working at the vendor until it is deleted there"),
        "{said}"
    );
    assert!(
        !said.contains(new_secret) && !said.contains(old_secret),
        "{said}"
    );

    let keys = app.list();
    assert_eq!(keys.len(), 2);
    let old = key_with_id(&app, &old_id);
    let new = keys.iter().find(|k| k["id"] != old_id.as_str()).unwrap();
    for field in [
        "service",
        "application",
        "owner",
        "vendor",
        "notes",
        "issuer",
    ] {
        assert_eq!(new[field], old[field], "the new key inherits {field}");
    }
    assert_eq!(new["credential_id"], "MC-ROT-NEW-2");
    assert_eq!(new["age_days"], 0);
    assert_eq!(old["replaced_by"], new["id"]);
    assert_eq!(old["replaced_by_name"], new["name"]);
    assert_eq!(old["rotation"], "waiting_for_old_key_removal");
    assert!(old["delete_after"].is_string(), "{old}");
    assert_eq!(
        keychain_secret(&old_id).as_deref(),
        Some(old_secret),
        "the old secret is still in the keychain"
    );
    assert_eq!(
        keychain_secret(new["id"].as_str().unwrap()).as_deref(),
        Some(new_secret),
        "the new secret is in the keychain"
    );

    // Deleting the old key: Keyward's copy only, and the answer is audited.
    let out = app.ok(&["delete", &old_name, "--yes", "--revoked-at-vendor", "no"]);
    assert!(
        out.contains("Deleted Keyward's copy")
            && out.contains("keeps working at Mailchimp until it is deleted or revoked there")
            && out.contains(dashboard),
        "{out}"
    );
    assert_eq!(keychain_secret(&old_id), None);
    let deleted = entries(&app)
        .into_iter()
        .find(|e| e["action"] == "deleted")
        .unwrap();
    assert!(
        deleted["detail"]
            .as_str()
            .unwrap()
            .contains("NOT yet deleted at the vendor"),
        "{deleted}"
    );
}

#[test]
fn a_vendor_rotation_interrupted_after_the_keychain_write_leaves_no_half_made_key_and_can_be_finished()
 {
    let app = App::new();
    let (old_id, old_name) = add_mailchimp(&app, "MC-CRASH-OLD", "mc_crash_old");
    app.ok(&["rotate", &old_name]);
    let mut cmd = app.cmd(&["rotate", &old_name, "--credential-id", "MC-CRASH-NEW"]);
    cmd.env("KEYWARD_TEST_ABORT_AT", "create:after-keychain");
    let out = with_input(cmd, "mc_crash_new");
    assert_eq!(out.status.code(), None, "killed at the crash point");
    // The next start (any command) cleans up; the old key still waits.
    let keys = app.list();
    assert_eq!(keys.len(), 1, "no half-made new key: {keys:?}");
    assert_eq!(keys[0]["rotation"], "waiting_for_new_key");
    assert!(keys[0]["replaced_by"].is_null());
    app.ok(&["check"]);
    assert!(
        app.catalog_records().iter().all(|r| r["state"] == "active"),
        "nothing half-done"
    );
    let out = app.run_with_input(
        &["rotate", &old_name, "--credential-id", "MC-CRASH-NEW"],
        "mc_crash_new",
    );
    assert!(
        out.status.success(),
        "pasting again works: {}",
        text(&out.stderr)
    );
    assert_eq!(
        key_with_id(&app, &old_id)["rotation"],
        "waiting_for_old_key_removal"
    );
}

#[test]
fn a_leaked_vendor_key_shows_as_leaked_everywhere_and_its_replacement_has_no_grace_period() {
    let app = App::new();
    let (old_id, old_name) = add_mailchimp(&app, "MC-LEAK-OLD", "mc_leak_old");
    let out = app.ok(&["leaked", &old_name]);
    assert!(
        out.contains("Revoke it at mailchimp now") && out.contains("Keyward cannot revoke it"),
        "revoke at the vendor comes first: {out}"
    );
    let old = key_with_id(&app, &old_id);
    assert_eq!(old["leaked"], true);
    assert!(old["leaked_at"].is_string());
    assert_eq!(old["rotation"], "waiting_for_new_key");
    let report = json(&app.ok(&["report", "--format", "json"]));
    assert_eq!(report[0]["leaked"], true, "{report}");
    let csv = app.ok(&["report", "--format", "csv"]);
    let header: Vec<&str> = csv.lines().next().unwrap().split(',').collect();
    let leaked_column = header
        .iter()
        .position(|c| c.contains("eaked"))
        .expect("a leaked column");
    let row: Vec<&str> = csv.lines().nth(1).unwrap().split(',').collect();
    assert_eq!(row[leaked_column], "true", "{csv}");
    assert!(
        entries(&app).iter().any(|e| e["action"] == "marked_leaked"),
        "audited"
    );

    let out = app.run_with_input(
        &["rotate", &old_name, "--credential-id", "MC-LEAK-NEW"],
        "mc_leak_new",
    );
    assert!(out.status.success(), "{}", text(&out.stderr));
    let old = key_with_id(&app, &old_id);
    let delete_after =
        chrono::DateTime::parse_from_rfc3339(old["delete_after"].as_str().unwrap()).unwrap();
    assert!(
        delete_after <= chrono::Utc::now(),
        "a leaked key is to be deleted now: {old}"
    );
}

#[test]
fn a_key_keyward_issued_is_rotated_by_keyward_and_a_leaked_one_is_replaced_at_once() {
    let app = App::new();
    let made = app.generate(&unique("internal"));
    let name = made["name"].as_str().unwrap();
    let out = app.run(&["rotate", name, "--credential-id", "X-1"]);
    assert_eq!(
        out.status.code(),
        Some(1),
        "Keyward makes its own keys' replacements"
    );
    let out = app.ok(&["rotate", made["credential_id"].as_str().unwrap(), "--json"]);
    let new = json(&out);
    let new_secret = new["secret"].as_str().unwrap();
    assert!(new_secret.starts_with("kwsk_"), "printed once: {new}");
    assert_eq!(
        keychain_secret(new["id"].as_str().unwrap()).as_deref(),
        Some(new_secret)
    );
    let old = key_with_id(&app, made["id"].as_str().unwrap());
    assert_eq!(old["rotation"], "waiting_for_old_key_removal");

    let other = app.generate(&unique("internal"));
    let out = app.ok(&["leaked", other["name"].as_str().unwrap()]);
    assert!(
        out.contains("Marked")
            && out.contains("replaced it with a new key at once")
            && out.contains("Credential secret: kwsk_"),
        "{out}"
    );
    let other = key_with_id(&app, other["id"].as_str().unwrap());
    assert_eq!(other["leaked"], true);
    assert!(other["replaced_by"].is_string());
}

#[test]
fn a_key_marked_leaked_while_keyward_runs_is_announced_on_the_desktop_and_in_the_team_channel() {
    use crate::hook_server::{HookServer, Reply};
    use crate::reminders::{start_in_background, stop};
    use std::time::Duration;
    let app = App::new();
    let channel = crate::webhook::Channel::take(&app);
    let _alone = APP_RUNNING
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner);
    let server = HookServer::start(&[Reply::Status(200)]);
    channel.set(&server.url("leaks"), &["--format", "slack"]);
    let service = unique("fresh");
    let out = app.run_with_input(
        &[
            "add",
            "--service",
            &service,
            "--credential-id",
            "LEAK-BG-1",
            "--vendor",
            "stripe",
        ],
        "sk_live_bg_leak",
    );
    assert!(out.status.success(), "{}", text(&out.stderr));

    let child = start_in_background(&app);
    std::thread::sleep(Duration::from_secs(3));
    assert!(server.bodies().is_empty(), "a fresh key is not announced");
    app.ok(&["leaked", "LEAK-BG-1"]);
    let announced = poll_until(Duration::from_secs(30), || !server.bodies().is_empty());
    let log = stop(&app, child);
    assert!(announced, "the leak reached no team channel: {log}");
    let bodies = server.bodies();
    let message = json(&bodies[0])["text"].as_str().unwrap().to_owned();
    assert!(
        message.contains("LEAKED, revoke it at the vendor now"),
        "{message}"
    );
    assert!(!bodies[0].contains("sk_live_bg_leak"), "no secret");
    let sent = entries(&app)
        .into_iter()
        .find(|e| e["action"] == "reminder_sent")
        .expect("the desktop notification was shown");
    assert!(
        sent["detail"].as_str().unwrap().contains("A key leaked"),
        "{sent}"
    );
}

#[test]
fn the_report_names_each_keys_vendor_and_dashboard_as_the_list_does() {
    let app = App::new();
    let dashboard = "https://us1.admin.mailchimp.com/account/api/";
    app.ok(&[
        "vendor",
        "set",
        "mailchimp",
        "--display-name",
        "Mailchimp",
        "--dashboard",
        dashboard,
    ]);
    add_mailchimp(&app, "MC-REPORT-1", "mc_report_1");
    let listed = &app.list()[0];
    assert_eq!(listed["vendor_display_name"], "Mailchimp", "{listed}");
    let report = json(&app.ok(&["report", "--format", "json"]));
    assert_eq!(
        report[0]["vendor_display_name"], "Mailchimp",
        "the report shows the vendor's profile like the list: {report}"
    );
    assert_eq!(
        report[0]["vendor_dashboard_url"], dashboard,
        "the report gives the dashboard where the key is revoked: {report}"
    );
    let csv = app.ok(&["report", "--format", "csv"]);
    assert!(
        csv.contains(",Mailchimp,") && csv.contains(dashboard),
        "the spreadsheet names the vendor and its dashboard: {csv}"
    );
}

#[test]
fn adding_the_same_vendor_key_twice_says_the_key_is_already_there_not_to_pick_another_name() {
    let app = App::new();
    let service = unique("stripe");
    let add = || {
        app.run_with_input(
            &[
                "add",
                "--service",
                &service,
                "--credential-id",
                "rk_live_TWICE001",
                "--created",
                "2025-01-10",
            ],
            "sk_live_twice",
        )
    };
    let first = add();
    assert!(first.status.success(), "{}", text(&first.stderr));
    let again = add();
    assert!(
        !again.status.success(),
        "the same key is not recorded twice"
    );
    let stderr = text(&again.stderr);
    assert!(
        stderr.contains("already has this credential ID"),
        "the real problem is the credential ID: another name would only lead to a second refusal: {stderr}"
    );
}

/// The note after a vendor rotation says when to delete the old key on the
/// person's calendar, in a zone where that date differs from the UTC date.
#[test]
fn the_replaced_keys_delete_date_after_a_vendor_rotation_is_on_the_persons_calendar() {
    use chrono::{DateTime, Timelike, Utc};
    // Pago Pago (UTC−11) is still on yesterday until 11:00 UTC, Kiritimati
    // (UTC+14) already on tomorrow from 10:00 UTC.
    let (tz, zone) = if Utc::now().hour() < 10 {
        ("Pacific/Pago_Pago", chrono_tz::Pacific::Pago_Pago)
    } else {
        ("Pacific/Kiritimati", chrono_tz::Pacific::Kiritimati)
    };
    let app = App::new();
    app.ok(&["vendor", "set", "mailchimp", "--display-name", "Mailchimp"]);
    let (old_id, old_name) = add_mailchimp(&app, "MC-TZ-OLD-1", "mc_old_SECRET_tz_0123456789");
    app.ok(&["rotate", &old_name]);
    let mut cmd = app.cmd(&["rotate", &old_name, "--credential-id", "MC-TZ-NEW-2"]);
    cmd.env("TZ", tz);
    let out = with_input(cmd, "mc_new_SECRET_tz_9876543210\n");
    assert!(out.status.success(), "{}", text(&out.stderr));
    let said = text(&out.stdout);
    let after: DateTime<Utc> = key_with_id(&app, &old_id)["delete_after"]
        .as_str()
        .unwrap()
        .parse()
        .unwrap();
    let local = after.with_timezone(&zone).date_naive();
    assert_ne!(
        local,
        after.date_naive(),
        "in {tz} the date differs from UTC's, so the test means something"
    );
    assert!(
        said.contains(&format!(
            "delete it in the vendor's dashboard after {local}"
        )),
        "in {tz} the delete date is that zone's calendar date, {local}: {said}"
    );
}
