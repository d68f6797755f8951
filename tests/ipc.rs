//! The window's commands through Tauri's mock runtime, with the app's real
//! context (capabilities and access control) and the real keychain.

use keyward_core::catalog::Catalog;
use keyward_core::keychain::OsKeychain;
use keyward_core::rotation::RotationPolicy;
use keyward_core::vault::Vault;
use serde_json::json;

pub use crate::mock_window::{Window, invoke};

use crate::util::*;

pub fn window(app_dirs: &App, label: &str) -> Window {
    let catalog = Catalog::open(app_dirs.data_dir()).unwrap();
    let vault = Vault::new(
        catalog,
        OsKeychain::new(std::time::Duration::from_secs(20)),
        RotationPolicy::default(),
    )
    .with_audit(keyward_core::audit::AuditLog::in_dir(
        &app_dirs.data_dir(),
        chrono::Utc::now,
    ));
    let settings = keyward_core::settings::SettingsSource::new(
        &app_dirs.root.path().join("config"),
        keyward_core::policy::PolicyFile::new(app_dirs.policy_path()),
    );
    Window::open(keyward::gui::app_state(vault, settings), label)
}

#[test]
fn generate_list_reveal_and_delete_through_the_commands() {
    let dirs = App::new();
    let win = window(&dirs, "main");
    let generated = invoke(
        &win,
        "generate_key",
        json!({"service": "Payments API", "application": "Billing", "name": null, "notes": null}),
    )
    .expect("generate_key works");
    let key = &generated["key"];
    assert!(
        key["name"].as_str().unwrap().starts_with("payments-api-"),
        "slugged: {key}"
    );
    let id = key["id"].as_str().unwrap();
    let secret = generated["secret"].as_str().unwrap();
    assert_eq!(keychain_secret(id).as_deref(), Some(secret));

    let listed = invoke(&win, "list_keys", json!({})).unwrap();
    assert_eq!(listed.as_array().unwrap().len(), 1);
    assert!(
        !listed.to_string().contains(secret),
        "the list carries no secret"
    );

    assert_eq!(
        invoke(&win, "reveal_secret", json!({"id": id})).unwrap(),
        secret
    );

    let wrong = invoke(
        &win,
        "delete_key",
        json!({"id": id, "confirm_name": "not-it"}),
    )
    .unwrap_err();
    assert_eq!(wrong["code"], "invalid_input");
    assert!(
        keychain_secret(id).is_some(),
        "a wrong name deletes nothing"
    );
    invoke(
        &win,
        "delete_key",
        json!({"id": id, "confirm_name": key["name"]}),
    )
    .unwrap();
    assert_eq!(keychain_secret(id), None);
    assert_eq!(invoke(&win, "list_keys", json!({})).unwrap(), json!([]));
}

#[test]
fn name_help_suggests_and_checks() {
    let dirs = App::new();
    let win = window(&dirs, "main");
    let suggested = invoke(&win, "suggest_name", json!({"service": "Stripe Live"})).unwrap();
    let suggested = suggested.as_str().unwrap();
    assert!(
        suggested.starts_with("stripe-live-") && suggested.len() == "stripe-live-".len() + 16,
        "{suggested}"
    );
    let ok = invoke(&win, "check_name", json!({"name": suggested})).unwrap();
    assert_eq!(ok, json!({"ok": true, "message": null}));
    let bad = invoke(&win, "check_name", json!({"name": "../x"})).unwrap();
    assert_eq!(bad["ok"], false);
    assert!(bad["message"].as_str().unwrap().contains("slash"));
}

#[test]
fn errors_reach_the_window_as_code_and_message() {
    let dirs = App::new();
    let win = window(&dirs, "main");
    let err = invoke(&win, "reveal_secret", json!({"id": "missing"})).unwrap_err();
    assert_eq!(err["code"], "not_found");
    assert!(
        err["message"]
            .as_str()
            .unwrap()
            .starts_with("There is no key")
    );
    let err = invoke(
        &win,
        "add_key",
        json!({"service": "svc", "application": null, "name": null, "credential_id": "id", "secret": "", "created": null, "notes": null}),
    )
    .unwrap_err();
    assert_eq!(err["code"], "invalid_input");
}

#[test]
fn commands_that_are_not_declared_are_refused() {
    let dirs = App::new();
    let win = window(&dirs, "main");
    for cmd in [
        "plugin:shell|execute",
        "plugin:fs|read_text_file",
        "plugin:clipboard-manager|read_text",
        "not_a_command",
    ] {
        let refused = invoke(&win, cmd, json!({}));
        assert!(refused.is_err(), "{cmd} must be refused, got {refused:?}");
    }
}

#[test]
fn another_window_cannot_call_the_commands() {
    let dirs = App::new();
    let win = window(&dirs, "intruder");
    let refused = invoke(&win, "list_keys", json!({})).unwrap_err();
    assert!(refused.to_string().contains("not allowed"), "{refused}");
}

#[cfg(target_os = "linux")]
#[test]
fn start_at_login_writes_and_removes_an_autostart_entry() {
    let dirs = App::new();
    let _entry = AUTOSTART
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner);
    let win = window(&dirs, "main");
    let mut settings = invoke(&win, "get_settings", json!({})).unwrap();
    assert_eq!(
        settings["start_at_login"], false,
        "off until the person turns it on"
    );
    let entry = keyward::autostart::entry_path().expect("a config folder");
    settings["start_at_login"] = json!(true);
    invoke(&win, "save_settings", json!({ "settings": settings })).unwrap();
    let text = std::fs::read_to_string(&entry).expect("the autostart entry exists");
    assert!(
        text.contains("--background") && text.contains("Name=Keyward"),
        "{text}"
    );
    settings["start_at_login"] = json!(false);
    invoke(&win, "save_settings", json!({ "settings": settings })).unwrap();
    assert!(!entry.exists(), "turned off again");
    settings["clipboard_clear_seconds"] = json!(1);
    let refused = invoke(&win, "save_settings", json!({ "settings": settings })).unwrap_err();
    assert_eq!(refused["code"], "invalid_input");
    assert!(
        refused["message"]
            .as_str()
            .unwrap()
            .contains("5 to 600 seconds")
    );
}
