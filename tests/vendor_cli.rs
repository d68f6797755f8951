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
