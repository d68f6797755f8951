//! A Keyward killed at any step of creating or deleting a key leaves, after
//! the next start, the key with both its record and its secret, or neither.

use crate::util::*;

/// Runs keyward with a crash point; asserts it really died there.
fn crash(app: &App, point: &str, args: &[&str]) {
    let out = app
        .cmd(args)
        .env("KEYWARD_TEST_ABORT_AT", point)
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        None,
        "keyward should have been killed at {point}: {}",
        text(&out.stderr)
    );
}

fn record_id(app: &App, name: &str) -> String {
    app.catalog_records()
        .iter()
        .find(|r| r["name"] == name)
        .map(|r| r["id"].as_str().unwrap().to_owned())
        .unwrap_or_else(|| panic!("no record named {name} after the crash"))
}

/// After a restart (`keyward check`), record and secret are both there or both gone.
fn both_or_neither(app: &App, name: &str, id: &str) -> bool {
    let check = json(&app.ok(&["check", "--json"]));
    assert!(
        check["failed"].as_array().unwrap().is_empty(),
        "recovery failed: {check}"
    );
    assert!(
        !check["orphans"].as_array().unwrap().iter().any(|o| o == id),
        "the crashed key left an orphan secret: {check}"
    );
    let listed = app.names().iter().any(|n| n == name);
    let in_keychain = keychain_secret(id).is_some();
    assert_eq!(
        listed, in_keychain,
        "{name}: listed={listed} but in keychain={in_keychain}"
    );
    assert!(
        app.catalog_records().iter().all(|r| r["state"] == "active"),
        "nothing left half-done"
    );
    listed
}

#[test]
fn a_crash_while_creating_leaves_both_or_neither() {
    let app = App::new();
    for (point, survives) in [
        ("create:after-pending", false),
        ("create:after-keychain", false),
        ("create:after-active", true),
    ] {
        let name = unique("crash-create");
        crash(
            &app,
            point,
            &["generate", "--service", "svc", "--name", &name],
        );
        let id = record_id(&app, &name);
        if point == "create:after-keychain" {
            assert!(
                keychain_secret(&id).is_some(),
                "the secret was written before the crash"
            );
        }
        assert_eq!(
            both_or_neither(&app, &name, &id),
            survives,
            "after a crash at {point}"
        );
    }
}

#[test]
fn a_crash_while_deleting_finishes_the_delete_on_restart() {
    let app = App::new();
    for point in ["delete:after-deleting", "delete:after-keychain"] {
        let key = app.generate(&unique("crash-delete"));
        let (name, id) = (key["name"].as_str().unwrap(), key["id"].as_str().unwrap());
        crash(&app, point, &["delete", name, "--yes"]);
        assert!(
            !app.names().iter().any(|n| n == name),
            "a key being deleted is not listed"
        );
        assert!(
            !both_or_neither(&app, name, id),
            "after a crash at {point} the key is gone"
        );
    }
}

#[test]
fn any_later_command_also_recovers_and_says_so() {
    let app = App::new();
    let name = unique("crash-note");
    crash(
        &app,
        "create:after-keychain",
        &["generate", "--service", "svc", "--name", &name],
    );
    let id = record_id(&app, &name);
    let out = app.run(&["generate", "--service", &unique("next")]);
    assert!(out.status.success());
    assert!(
        text(&out.stderr).contains("was interrupted earlier"),
        "{}",
        text(&out.stderr)
    );
    assert_eq!(keychain_secret(&id), None);
}

#[test]
fn keychain_items_without_a_record_are_reported() {
    let app = App::new();
    let stray = unique("stray-item");
    keychain_store(&stray, "orphaned-secret");
    let check = json(&app.ok(&["check", "--json"]));
    assert!(
        check["orphans"]
            .as_array()
            .unwrap()
            .iter()
            .any(|o| o == stray.as_str()),
        "{check}"
    );
    let human = app.ok(&["check"]);
    assert!(
        human.contains(&stray) && human.contains("no key in Keyward's list"),
        "{human}"
    );
    assert!(
        !human.contains("orphaned-secret"),
        "the report never shows a secret"
    );
}
