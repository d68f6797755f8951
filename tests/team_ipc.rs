//! The window's team-vault commands (Settings → Team and the Team screen)
//! through Tauri's mock runtime, with the app's real access control, the
//! real keychain and a real OpenBao.

use serde_json::{Value, json};

use crate::ipc::{invoke, window};
use crate::openbao::{OpenBao, lead_policy, staff_policy};
use crate::team_vault::{ACCOUNT, TEAM};
use crate::util::*;

fn request(bao: &OpenBao, credential: Option<&str>, desktop: &str) -> Value {
    json!({"address": bao.address(), "mount": "secret", "prefix": null,
           "login": {"method": "token"}, "credential": credential, "desktop": desktop})
}

#[test]
fn settings_team_tests_connects_and_disconnects_and_the_credential_never_comes_back() {
    let _team = TEAM
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner);
    let bao = OpenBao::start();
    bao.policy("staff-win", &staff_policy("win@pc1"));
    let token = bao.token(&["staff-win"], "1h");
    let dirs = App::new();
    let win = window(&dirs, "main");
    let status = invoke(&win, "team_status", json!({})).unwrap();
    assert_eq!(status["connected"], false);

    let wrong = invoke(
        &win,
        "test_team_connection",
        request(&bao, Some("wrong-token"), "win@pc1"),
    )
    .unwrap();
    assert_eq!(wrong["ok"], false);
    assert_eq!(wrong["problem"], "login", "{wrong}");
    let denied = invoke(
        &win,
        "test_team_connection",
        request(&bao, Some(&token), "other@pc2"),
    )
    .unwrap();
    assert_eq!(denied["problem"], "permission", "{denied}");
    let http = invoke(
        &win,
        "test_team_connection",
        json!({"address": "http://vault.example.com", "mount": "secret", "prefix": null,
               "login": {"method": "token"}, "credential": "x", "desktop": null}),
    )
    .expect_err("plain http to another computer is refused");
    assert_eq!(http["code"], "invalid_input");
    assert_eq!(keychain_secret(ACCOUNT), None, "a test saves nothing");

    let connected = invoke(&win, "connect_team", request(&bao, Some(&token), "win@pc1")).unwrap();
    assert_eq!(connected["ok"], true, "{connected}");
    assert_eq!(connected["status"]["connected"], true);
    assert_eq!(connected["status"]["shared_words"], "shared today");
    assert_eq!(keychain_secret(ACCOUNT).as_deref(), Some(token.as_str()));
    let again = invoke(&win, "test_team_connection", request(&bao, None, "win@pc1")).unwrap();
    assert_eq!(
        again["ok"], true,
        "tests with the stored credential: {again}"
    );
    for answer in [&status, &wrong, &denied, &connected, &again] {
        assert!(
            !answer.to_string().contains(&token),
            "the credential never comes back"
        );
    }
    let report = invoke(&win, "team_report", json!({})).expect_err("staff may not read the team");
    // Issue 15: a staff login refused the lead's report is not a fault of
    // the vault; its own code lets the Team screen say so calmly.
    assert_eq!(report["code"], "team_not_lead", "{report}");
    assert!(
        report["message"]
            .as_str()
            .unwrap()
            .contains("policy does not allow")
    );

    // The example staff policy grants no shared keys, so the vault refuses
    // the list: the code lets the Team screen say so calmly, not as a fault.
    let shared = invoke(&win, "shared_keys", json!({})).expect_err("the policy grants no list");
    assert_eq!(shared["code"], "team_shared_not_granted", "{shared}");
    assert!(
        shared["message"]
            .as_str()
            .unwrap()
            .contains("ask your security lead"),
        "{shared}"
    );

    // Settings → Team's "Send the team digest" box: saved in team.json,
    // where the command line and the background program read it (this
    // mock window's config folder is `config`; see the window test for
    // `keyward team status`).
    assert_eq!(again["status"]["send_digest"], false);
    let on = invoke(&win, "set_team_digest", json!({"on": true})).unwrap();
    assert_eq!(on["send_digest"], true, "{on}");
    let saved = std::fs::read_to_string(dirs.root.path().join("config").join("team.json")).unwrap();
    assert!(saved.contains("\"send_digest\": true"), "{saved}");
    let reconnected = invoke(&win, "connect_team", request(&bao, Some(&token), "win@pc1")).unwrap();
    assert_eq!(
        reconnected["status"]["send_digest"], true,
        "connecting again in the window keeps the choice: {reconnected}"
    );
    let off = invoke(&win, "set_team_digest", json!({"on": false})).unwrap();
    assert_eq!(off["send_digest"], false, "{off}");

    let status = invoke(&win, "disconnect_team", json!({})).unwrap();
    assert_eq!(status["connected"], false);
    assert_eq!(keychain_secret(ACCOUNT), None);
    let refused = invoke(&win, "set_team_digest", json!({"on": true}))
        .expect_err("not connected: nothing to turn on");
    assert_eq!(refused["code"], "team_vault", "{refused}");
}

#[test]
fn the_team_screen_reads_every_desktop_overdue_first() {
    let _team = TEAM
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner);
    let bao = OpenBao::start();
    bao.policy("lead", &lead_policy("lee@pc9"));
    let old = |name: &str| json!({"name": name, "service": "mail", "created_at": "2026-01-01T00:00:00Z", "rotate_by": "2026-04-01T00:00:00Z"});
    bao.write(
        "keyward/inventory/bob@pc2",
        json!({"format": 1, "inventory": json!({"format": 1, "desktop": "bob@pc2", "user": "bob", "computer": "pc2",
            "published_at": "2026-11-27T00:00:00Z", "keys": [old("<b>mail-old</b>")]}).to_string()}),
    );
    let dirs = App::new();
    dirs.generate(&unique("lead-own"));
    let win = window(&dirs, "main");
    let token = bao.token(&["lead"], "1h");
    let connected = invoke(&win, "connect_team", request(&bao, Some(&token), "lee@pc9")).unwrap();
    assert_eq!(connected["ok"], true, "{connected}");
    let summary = invoke(&win, "team_report", json!({})).unwrap();
    assert_eq!(
        summary["keys"], 2,
        "the page receives counts, not every key: {summary}"
    );
    assert_eq!(summary["overdue"], 1, "{summary}");
    assert_eq!(summary["people_overdue"], 1, "{summary}");
    assert_eq!(summary["desktops"].as_array().unwrap().len(), 2);
    let rows = invoke(
        &win,
        "team_keys",
        json!({"query": "", "offset": 0, "limit": 50}),
    )
    .unwrap();
    assert_eq!(rows["matching"], 2, "{rows}");
    let keys = rows["keys"].as_array().unwrap();
    assert_eq!(keys.len(), 2, "{rows}");
    assert_eq!(
        keys[0]["name"], "<b>mail-old</b>",
        "overdue first, HTML kept as text"
    );
    assert_eq!(keys[0]["status"], "overdue");
    let found = invoke(
        &win,
        "team_keys",
        json!({"query": "BOB Mail", "offset": 0, "limit": 50}),
    )
    .unwrap();
    assert_eq!(found["matching"], 1, "every word, case ignored: {found}");
    assert_eq!(found["query"], "BOB Mail");
    assert_eq!(found["keys"][0]["desktop"], "bob@pc2");
    let window = invoke(
        &win,
        "team_keys",
        json!({"query": "", "offset": 1, "limit": 1}),
    )
    .unwrap();
    assert_eq!(window["keys"].as_array().unwrap().len(), 1);
    assert_eq!(window["offset"], 1);
    assert_ne!(window["keys"][0]["name"], "<b>mail-old</b>");
    invoke(&win, "disconnect_team", json!({})).unwrap();
}
