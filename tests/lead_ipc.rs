//! The security lead's window commands (audit log, team channel) through
//! Tauri's mock runtime, with the app's real access control, the real
//! keychain and a real HTTP server on 127.0.0.1.

use serde_json::{Value, json};

use crate::hook_server::{HookServer, Reply};
use crate::ipc::{invoke, window};
use crate::util::*;
use crate::webhook::{ACCOUNT, Channel};

#[test]
fn the_audit_log_lists_what_happened_newest_first_for_one_key_or_all() {
    let dirs = App::new();
    let win = window(&dirs, "main");
    let mut ids = Vec::new();
    let mut secrets = Vec::new();
    for service in ["Audit One", "Audit Two"] {
        let generated = invoke(
            &win,
            "generate_key",
            json!({"service": service, "application": null, "name": null, "notes": null}),
        )
        .expect("generate_key works");
        ids.push(generated["key"]["id"].as_str().unwrap().to_owned());
        secrets.push(generated["secret"].as_str().unwrap().to_owned());
    }
    invoke(&win, "reveal_secret", json!({"id": ids[0]})).unwrap();

    let one = invoke(&win, "audit_log", json!({"id": ids[0]})).unwrap();
    let actions: Vec<&str> = one
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["action"].as_str().unwrap())
        .collect();
    assert_eq!(
        actions,
        ["revealed", "generated"],
        "newest first, one key: {one}"
    );
    let all = invoke(&win, "audit_log", json!({"id": null})).unwrap();
    assert_eq!(all.as_array().unwrap().len(), 3, "{all}");
    for secret in &secrets {
        assert!(
            !all.to_string().contains(secret.as_str()),
            "no secret crosses"
        );
    }
}

#[test]
fn the_window_cannot_open_dialogs_itself_only_through_save_report() {
    let dirs = App::new();
    let win = window(&dirs, "main");
    for command in [
        "plugin:dialog|save",
        "plugin:dialog|open",
        "plugin:dialog|message",
    ] {
        let refused = invoke(&win, command, json!({"options": {}}))
            .expect_err("the dialog plugin's own commands are not granted");
        assert!(
            refused.to_string().contains("not allowed"),
            "{command} is refused by access control: {refused}"
        );
    }
}

#[test]
fn the_team_channel_is_set_tested_and_cleared_from_the_window_and_its_address_never_comes_back() {
    let dirs = App::new();
    let _channel = Channel::take(&dirs);
    let win = window(&dirs, "main");
    let server = HookServer::start(&[Reply::Status(200)]);
    let url = server.url(&unique("window-token"));

    let refused = invoke(
        &win,
        "set_webhook",
        json!({"url": "http://example.com/x", "format": "slack", "include_credential_ids": false}),
    )
    .unwrap_err();
    assert_eq!(refused["code"], "invalid_input", "{refused}");
    assert!(refused["message"].as_str().unwrap().contains("https://"));

    let status = invoke(
        &win,
        "set_webhook",
        json!({"url": url, "format": "teams", "include_credential_ids": true}),
    )
    .expect("set_webhook works");
    assert_eq!(
        status,
        json!({"configured": true, "format": "teams", "include_credential_ids": true, "last_error": null})
    );
    assert_eq!(keychain_secret(ACCOUNT).as_deref(), Some(url.as_str()));
    let again = invoke(&win, "get_webhook", json!({})).unwrap();
    assert_eq!(again, status, "the address itself never comes back");

    let tested = invoke(&win, "test_webhook", json!({})).unwrap();
    assert_eq!(tested["delivered"], true, "{tested}");
    let bodies = server.bodies();
    assert_eq!(bodies.len(), 1);
    assert_eq!(
        json(&bodies[0])["@type"],
        "MessageCard",
        "the chosen format"
    );

    let cleared = invoke(&win, "clear_webhook", json!({})).unwrap();
    assert_eq!(cleared["configured"], false);
    assert_eq!(keychain_secret(ACCOUNT), None);
    let untested = invoke(&win, "test_webhook", json!({})).unwrap();
    assert_eq!(untested["delivered"], false);
}

#[test]
fn a_failed_message_is_shown_as_the_last_error_until_one_is_delivered() {
    let dirs = App::new();
    let _channel = Channel::take(&dirs);
    let win = window(&dirs, "main");
    let server = HookServer::start(&[Reply::Status(404), Reply::Status(200)]);
    invoke(
        &win,
        "set_webhook",
        json!({"url": server.url("flaky"), "format": "json", "include_credential_ids": false}),
    )
    .unwrap();
    let failed = invoke(&win, "test_webhook", json!({})).unwrap();
    assert_eq!(failed["delivered"], false);
    assert!(
        failed["message"].as_str().unwrap().contains("HTTP 404"),
        "{failed}"
    );
    let status = invoke(&win, "get_webhook", json!({})).unwrap();
    assert!(
        status["last_error"].as_str().unwrap().contains("HTTP 404"),
        "{status}"
    );
    let log = invoke(&win, "audit_log", json!({"id": null})).unwrap();
    assert_eq!(log[0]["action"], "webhook_failed", "{log}");

    let delivered = invoke(&win, "test_webhook", json!({})).unwrap();
    assert_eq!(delivered["delivered"], true, "{delivered}");
    let status = invoke(&win, "get_webhook", json!({})).unwrap();
    assert_eq!(status["last_error"], Value::Null);
}
