//! Shared keys acting for everyone, against a real OpenBao and the real
//! keychain: `keyward team rotate` (check-and-set: a stale rotation is
//! refused in plain words and overwrites nothing) and `keyward team
//! unshare` (gone for every colleague, the vault's history kept), each
//! audited on the actor's side. Two desktops are two `App`s connected one
//! after the other (the credential's keychain account is one per session).

use serde_json::{Value, json};

use crate::openbao::{OpenBao, staff_policy, staff_policy_reading_shared};
use crate::util::*;

fn connect(app: &App, bao: &OpenBao, token: &str, desktop: &str) {
    let out = app.run_with_input(
        &[
            "team",
            "connect",
            &bao.address(),
            "--mount",
            "secret",
            "--token",
            "-",
            "--desktop",
            desktop,
        ],
        token,
    );
    assert!(out.status.success(), "{}", text(&out.stderr));
}

fn share_policy() -> String {
    std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/docs/keyward-share.hcl"
    ))
    .unwrap()
}

fn shared_secret(bao: &OpenBao, name: &str) -> Option<String> {
    bao.read(&format!("keyward/shared/{name}"))
        .and_then(|d| d["data"]["secret"].as_str().map(str::to_owned))
}

fn actions(app: &App, action: &str) -> Vec<Value> {
    crate::audit::entries(app)
        .into_iter()
        .filter(|e| e["action"] == action)
        .collect()
}

/// A rotates a shared key and B copies the new secret; both rotate from
/// the same version and the second is refused, nothing overwritten; A
/// deletes it and B no longer lists or copies it, while the vault keeps its
/// versions.
#[test]
fn a_shared_key_rotated_on_one_desktop_reaches_the_other_and_a_delete_removes_it_for_both() {
    let _team = crate::team_vault::TEAM
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner);
    let bao = OpenBao::start();
    bao.policy("share", &share_policy());
    bao.policy("staff-a", &staff_policy("ann@pc1"));
    bao.policy("staff-b", &staff_policy("bob@pc2"));
    let token_a = bao.token(&["staff-a", "share"], "1h");
    let token_b = bao.token(&["staff-b", "share"], "1h");
    let (desk_a, desk_b) = (App::new(), App::new());
    let made = desk_a.generate(&unique("rotated"));
    let name = made["name"].as_str().unwrap().to_owned();
    let first = made["secret"].as_str().unwrap().to_owned();

    connect(&desk_a, &bao, &token_a, "ann@pc1");
    desk_a.ok(&["team", "share", &name]);
    let listed = json(&desk_a.ok(&["team", "shared", "--json", "--versions"]));
    assert_eq!(listed[0]["name"], name.as_str(), "{listed}");
    assert_eq!(listed[0]["version"], 1, "{listed}");
    assert_eq!(
        (&listed[0]["may_rotate"], &listed[0]["may_delete"]),
        (&json!(true), &json!(true)),
        "the policy lets A change it, and the vault says so: {listed}"
    );
    let new_secret = "kw_rotated_by_ann_0123456789abcdef0123456789abcdef";
    let out = desk_a.run_with_input(&["team", "rotate", &name], new_secret);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let said = text(&out.stdout);
    assert!(said.contains("version 2 replaced version 1"), "{said}");
    assert!(
        said.contains("vendor"),
        "says where revoking happens: {said}"
    );
    assert!(!said.contains(new_secret) && !said.contains(&first));
    assert_eq!(shared_secret(&bao, &name).as_deref(), Some(new_secret));
    let rotated = actions(&desk_a, "team_rotated");
    assert_eq!(rotated.len(), 1, "A's log records the rotation");
    assert!(
        rotated[0]["detail"].as_str().unwrap().contains("version 2"),
        "{}",
        rotated[0]
    );
    assert!(!rotated[0].to_string().contains(new_secret));
    desk_a.ok(&["team", "disconnect"]);

    connect(&desk_b, &bao, &token_b, "bob@pc2");
    desk_b.ok(&["team", "copy", &name]);
    let copy = desk_b
        .list()
        .into_iter()
        .find(|k| k["name"] == name.as_str())
        .expect("B holds the copy");
    assert_eq!(
        keychain_secret(copy["id"].as_str().unwrap()).as_deref(),
        Some(new_secret),
        "B copied the rotated secret, not the first one"
    );
    // Both saw version 2; B rotates first.
    let from_b = "kw_rotated_by_bob_0123456789abcdef0123456789abcdef";
    let out = desk_b.run_with_input(&["team", "rotate", &name, "--version", "2"], from_b);
    assert!(out.status.success(), "{}", text(&out.stderr));
    desk_b.ok(&["team", "disconnect"]);

    connect(&desk_a, &bao, &token_a, "ann@pc1");
    let from_a = "kw_rotated_by_ann_again_0123456789abcdef0123456789ab";
    let late = desk_a.run_with_input(&["team", "rotate", &name, "--version", "2"], from_a);
    assert!(!late.status.success(), "a stale rotation must be refused");
    let err = text(&late.stderr);
    assert!(
        err.contains("Someone else changed the shared key") && err.contains("version 2"),
        "a plain message: {err}"
    );
    assert!(!err.contains(from_a));
    assert_eq!(
        shared_secret(&bao, &name).as_deref(),
        Some(from_b),
        "B's rotation was not overwritten"
    );
    assert_eq!(
        actions(&desk_a, "team_rotated").len(),
        1,
        "no entry for a refusal"
    );

    let refused = desk_a.run(&["team", "unshare", &name]);
    assert!(!refused.status.success(), "no terminal, no --yes: refused");
    assert!(shared_secret(&bao, &name).is_some());
    let said = desk_a.ok(&["team", "unshare", &name, "--yes"]);
    assert!(said.contains("no colleague can list or copy it"), "{said}");
    assert!(said.contains("revoke it there"), "{said}");
    let unshared = actions(&desk_a, "team_unshared");
    assert_eq!(unshared.len(), 1, "A's log records the delete");
    assert!(
        unshared[0]["detail"]
            .as_str()
            .unwrap()
            .contains("version 3"),
        "{}",
        unshared[0]
    );
    desk_a.ok(&["team", "disconnect"]);

    connect(&desk_b, &bao, &token_b, "bob@pc2");
    let listed = json(&desk_b.ok(&["team", "shared", "--json"]));
    assert!(
        !listed
            .as_array()
            .unwrap()
            .iter()
            .any(|n| n == name.as_str()),
        "B no longer lists it: {listed}"
    );
    let gone = desk_b.run(&["team", "copy", &name]);
    assert!(!gone.status.success());
    assert!(
        text(&gone.stderr).contains("no shared key called"),
        "{}",
        text(&gone.stderr)
    );
    desk_b.ok(&["team", "disconnect"]);
    let (_, history) = bao.api(
        "GET",
        &format!("secret/metadata/keyward/shared/{name}"),
        None,
    );
    assert_eq!(
        history["data"]["current_version"], 3,
        "the vault keeps every version for auditors: {history}"
    );
}

/// Issue 15: a key shared, then deleted (unshared) from the team vault,
/// could not be shared again under its name: KV version 2 keeps the
/// deleted version's metadata, so check-and-set 0 refused it. Sharing over
/// a deleted name now writes on top of the deleted version; a live name is
/// still refused with nothing overwritten.
#[test]
fn a_key_can_be_shared_again_after_its_shared_name_was_deleted_but_never_over_a_live_one() {
    let _team = crate::team_vault::TEAM
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner);
    let bao = OpenBao::start();
    bao.policy("share", &share_policy());
    bao.policy("staff-a", &staff_policy("ann@pc1"));
    let token = bao.token(&["staff-a", "share"], "1h");
    let desk = App::new();
    let made = desk.generate(&unique("reshared"));
    let name = made["name"].as_str().unwrap().to_owned();
    let secret = made["secret"].as_str().unwrap().to_owned();
    connect(&desk, &bao, &token, "ann@pc1");

    desk.ok(&["team", "share", &name]);
    desk.ok(&["team", "unshare", &name, "--yes"]);
    assert_eq!(shared_secret(&bao, &name), None, "deleted for everyone");

    let out = desk.run(&["team", "share", &name]);
    assert!(
        out.status.success(),
        "sharing under a deleted name works: {}",
        text(&out.stderr)
    );
    assert_eq!(shared_secret(&bao, &name).as_deref(), Some(secret.as_str()));
    let listed = json(&desk.ok(&["team", "shared", "--json", "--versions"]));
    assert_eq!(listed[0]["name"], name.as_str(), "{listed}");
    assert_eq!(
        listed[0]["version"], 2,
        "a new version on top of the deleted one: {listed}"
    );
    let (_, history) = bao.api(
        "GET",
        &format!("secret/metadata/keyward/shared/{name}"),
        None,
    );
    assert!(
        history["data"]["versions"]["1"]["deletion_time"]
            .as_str()
            .is_some_and(|t| !t.is_empty()),
        "the deleted version stays in the vault's history: {history}"
    );

    // A colleague rotates it: the name is live, so sharing again is refused.
    let theirs = "kw_a_colleagues_rotation_0123456789abcdef0123456789";
    let mut data = bao.read(&format!("keyward/shared/{name}")).unwrap()["data"].clone();
    data["secret"] = Value::String(theirs.into());
    bao.write(&format!("keyward/shared/{name}"), data);
    let refused = desk.run(&["team", "share", &name]);
    assert!(!refused.status.success(), "a live name is refused");
    let err = text(&refused.stderr);
    assert!(
        err.contains("already has a shared key called") && err.contains("nothing was overwritten"),
        "{err}"
    );
    assert_eq!(
        shared_secret(&bao, &name).as_deref(),
        Some(theirs),
        "the colleague's version was not overwritten"
    );
    assert_eq!(
        actions(&desk, "team_shared").len(),
        2,
        "the two shares are audited, the refusal is not"
    );
    desk.ok(&["team", "disconnect"]);
}

/// The vault's instants (when a version was written, when the key was made)
/// are said and kept as dates on the colleague's own calendar, in a zone
/// where that date differs from the UTC date (the first 10 characters of the
/// RFC 3339 text).
#[test]
fn shared_keys_dates_are_on_the_colleagues_calendar_not_the_utc_date() {
    use chrono::{DateTime, Timelike, Utc};
    let _team = crate::team_vault::TEAM
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner);
    // Pago Pago (UTC−11) is still on yesterday until 11:00 UTC, Kiritimati
    // (UTC+14) already on tomorrow from 10:00 UTC.
    let (tz, zone) = if Utc::now().hour() < 10 {
        ("Pacific/Pago_Pago", chrono_tz::Pacific::Pago_Pago)
    } else {
        ("Pacific/Kiritimati", chrono_tz::Pacific::Kiritimati)
    };
    let local_date = |at: DateTime<Utc>| at.with_timezone(&zone).date_naive().to_string();
    let bao = OpenBao::start();
    bao.policy("share", &share_policy());
    bao.policy("staff-a", &staff_policy("ann@pc1"));
    let token = bao.token(&["staff-a", "share"], "1h");
    let (desk_a, desk_b) = (App::new(), App::new());
    let made = desk_a.generate(&unique("dated"));
    let name = made["name"].as_str().unwrap().to_owned();
    let made_at: DateTime<Utc> = made["created_at"].as_str().unwrap().parse().unwrap();
    connect(&desk_a, &bao, &token, "ann@pc1");
    desk_a.ok(&["team", "share", &name]);
    desk_a.ok(&["team", "disconnect"]);

    connect(&desk_b, &bao, &token, "ann@pc1");
    let listed = json(&desk_b.ok(&["team", "shared", "--json", "--versions"]));
    let written: DateTime<Utc> = listed[0]["updated_at"].as_str().unwrap().parse().unwrap();
    assert_ne!(
        local_date(written),
        written.date_naive().to_string(),
        "in {tz} the date differs from UTC's, so the test means something"
    );
    let out = desk_b
        .cmd(&["team", "shared", "--versions"])
        .env("TZ", tz)
        .output()
        .unwrap();
    let said = text(&out.stdout);
    assert!(
        said.contains(&format!("version 1, written {}", local_date(written))),
        "in {tz} the version's date is that zone's calendar date: {said} {}",
        text(&out.stderr)
    );

    let out = desk_b
        .cmd(&["team", "copy", &name])
        .env("TZ", tz)
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", text(&out.stderr));
    let copy = desk_b
        .list()
        .into_iter()
        .find(|k| k["name"] == name.as_str())
        .expect("B holds the copy");
    let copied_at: DateTime<Utc> = copy["created_at"].as_str().unwrap().parse().unwrap();
    assert_eq!(
        local_date(copied_at),
        local_date(made_at),
        "the copy is dated the day the key was made on {tz}'s calendar: {copy}"
    );
}

/// The command line says what the window says: a login the policy lets
/// list no shared keys (the example staff policy as it is) hears so calmly,
/// with whom to ask, and no failure; a read-only shared key is marked
/// "copy only".
#[test]
fn the_command_line_says_calmly_when_no_shared_keys_are_granted_and_marks_copy_only_ones() {
    let _team = crate::team_vault::TEAM
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner);
    let bao = OpenBao::start();
    bao.policy("staff-a", &staff_policy("ann@pc1"));
    bao.policy(
        "staff-b",
        &staff_policy_reading_shared("bob@pc2", "payments-api"),
    );
    bao.write(
        "keyward/shared/payments-api",
        json!({"format": 1, "metadata": "{}", "secret": "kw_shared_read_only_0123456789abcdef"}),
    );

    let desk = App::new();
    connect(&desk, &bao, &bao.token(&["staff-a"], "1h"), "ann@pc1");
    let said = desk.ok(&["team", "shared"]);
    assert!(
        said.contains("shows you no shared keys") && said.contains("ask your security lead"),
        "{said}"
    );
    assert_eq!(json(&desk.ok(&["team", "shared", "--json"])), json!([]));
    desk.ok(&["team", "disconnect"]);

    connect(&desk, &bao, &bao.token(&["staff-b"], "1h"), "bob@pc2");
    let said = desk.ok(&["team", "shared"]);
    assert!(said.contains("payments-api  (copy only)"), "{said}");
    assert!(said.contains("ask your security lead"), "{said}");
    let listed = json(&desk.ok(&["team", "shared", "--json", "--versions"]));
    assert_eq!(listed[0]["may_rotate"], false, "{listed}");
    assert_eq!(listed[0]["may_delete"], false, "{listed}");
    desk.ok(&["team", "disconnect"]);
}
