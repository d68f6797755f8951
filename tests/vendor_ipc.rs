//! The window's commands for vendor keys (edit, vendor profiles, the
//! dashboard, vendor rotation, leaks, delete with the vendor's answer)
//! through Tauri's mock runtime, with the app's real access control and the
//! real keychain.

use std::sync::Mutex;

use keyward_core::catalog::Catalog;
use keyward_core::keychain::OsKeychain;
use keyward_core::rotation::RotationPolicy;
use keyward_core::vault::Vault;
use serde_json::{Value, json};

use crate::audit::entries;
use crate::ipc::{Window, invoke};
use crate::util::*;

/// Addresses the window asked to open, by the test's data folder.
static OPENED: Mutex<Vec<String>> = Mutex::new(Vec::new());

fn record_open(url: &str) -> std::io::Result<()> {
    OPENED.lock().unwrap().push(url.to_owned());
    Ok(())
}

/// The main window over `app`'s folders, opening dashboards into [`OPENED`].
fn window(app: &App) -> Window {
    let catalog = Catalog::open(app.data_dir()).unwrap();
    let vault = Vault::new(
        catalog,
        OsKeychain::new(std::time::Duration::from_secs(20)),
        RotationPolicy::default(),
    )
    .with_audit(keyward_core::audit::AuditLog::in_dir(
        &app.data_dir(),
        chrono::Utc::now,
    ));
    let settings = keyward_core::settings::SettingsSource::new(
        &app.root.path().join("config"),
        keyward_core::policy::PolicyFile::new(app.policy_path()),
    );
    let mut state = keyward::gui::app_state(vault, settings);
    state.open_url = record_open;
    Window::open(state, "main")
}

/// Adds a vendor key through the window; its view.
fn add(
    win: &Window,
    service: &str,
    credential_id: &str,
    secret: &str,
    vendor: Option<&str>,
) -> Value {
    invoke(
        win,
        "add_key",
        json!({"service": service, "application": "Newsletter", "name": null,
            "credential_id": credential_id, "secret": secret, "created": null, "notes": "from the seed",
            "vendor": vendor, "owner": "sam@example.com"}),
    )
    .unwrap_or_else(|e| panic!("add_key: {e}"))
}

#[test]
fn a_key_is_edited_with_validation_and_an_audit_entry_and_found_by_its_credential_id() {
    let app = App::new();
    let win = window(&app);
    let key = add(
        &win,
        &unique("mailchimp"),
        "MC-UUe7xQ2-0001",
        "mc_secret_0001",
        None,
    );
    assert_eq!(key["issuer"], "vendor", "an added key is a vendor's: {key}");
    assert_eq!(key["owner"], "sam@example.com");
    let id = key["id"].as_str().unwrap();

    let refused = invoke(
        &win,
        "edit_key",
        json!({"id": id, "application": "Newsletter", "notes": "", "owner": "sam@", "vendor": null}),
    )
    .unwrap_err();
    assert_eq!(refused["code"], "invalid_input");
    assert!(
        refused["message"].as_str().unwrap().contains("email"),
        "{refused}"
    );

    let edited = invoke(
        &win,
        "edit_key",
        json!({"id": id, "application": "Shop", "notes": "ask Finance", "owner": "Sam Jones", "vendor": "Mailchimp"}),
    )
    .unwrap();
    assert_eq!(edited["application"], "Shop");
    assert_eq!(edited["notes"], "ask Finance");
    assert_eq!(edited["owner"], "Sam Jones");
    assert_eq!(edited["vendor"], "mailchimp");
    assert_eq!(edited["vendor_display_name"], "mailchimp");
    assert_eq!(edited["credential_id"], "MC-UUe7xQ2-0001", "never edited");
    let log = entries(&app);
    let edit = log
        .iter()
        .find(|e| e["action"] == "edited")
        .expect("an audit entry for the edit");
    let detail = edit["detail"].as_str().unwrap();
    assert!(
        detail.contains("application: \"Newsletter\" → \"Shop\"")
            && detail.contains("owner: \"sam@example.com\" → \"Sam Jones\""),
        "{detail}"
    );

    // Found by a fragment of its credential ID, in the command line too.
    let listed = invoke(&win, "list_keys", json!({})).unwrap();
    assert_eq!(listed[0]["vendor"], "mailchimp");
    assert_eq!(
        app.ok(&["reveal", "ue7xq2"]),
        "mc_secret_0001\n",
        "NAME_OR_ID takes a part of the credential ID"
    );
}

#[test]
fn vendor_profiles_are_saved_listed_and_open_only_their_https_dashboard() {
    let app = App::new();
    let win = window(&app);
    let key = add(
        &win,
        &unique("stripe"),
        "AKIA-STRIPE-01",
        "sk_live_s1",
        Some("stripe"),
    );
    let id = key["id"].as_str().unwrap();
    let none = invoke(&win, "open_vendor_dashboard", json!({"id": id})).unwrap_err();
    assert_eq!(none["code"], "no_dashboard", "{none}");

    let refused = invoke(
        &win,
        "save_vendor",
        json!({"name": "stripe", "display_name": "Stripe", "dashboard_url": "http://dashboard.stripe.com", "notes": ""}),
    )
    .unwrap_err();
    assert_eq!(refused["code"], "invalid_input");
    assert!(
        refused["message"].as_str().unwrap().contains("https://"),
        "{refused}"
    );
    let url = "https://dashboard.stripe.com/apikeys";
    let saved = invoke(
        &win,
        "save_vendor",
        json!({"name": "Stripe", "display_name": "Stripe", "dashboard_url": url, "notes": "ask Finance for access"}),
    )
    .unwrap();
    assert_eq!(
        saved,
        json!({"name": "stripe", "display_name": "Stripe", "dashboard_url": url, "notes": "ask Finance for access"})
    );
    assert_eq!(
        invoke(&win, "list_vendors", json!({})).unwrap(),
        json!([saved])
    );
    let listed = invoke(&win, "list_keys", json!({})).unwrap();
    assert_eq!(listed[0]["vendor_display_name"], "Stripe");
    assert_eq!(listed[0]["vendor_dashboard_url"], url);

    invoke(&win, "open_vendor_dashboard", json!({"id": id})).unwrap();
    assert!(
        OPENED.lock().unwrap().iter().any(|u| u == url),
        "the profile's address was opened"
    );
    let text = std::fs::read_to_string(app.data_dir().join("vendors.json")).unwrap();
    assert!(text.contains(url), "{text}");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(app.data_dir().join("vendors.json"))
            .unwrap()
            .permissions()
            .mode();
        assert_eq!(mode & 0o777, 0o600, "private");
    }
}

#[test]
fn a_credential_id_another_key_has_is_refused_naming_that_key() {
    let app = App::new();
    let win = window(&app);
    let first = add(
        &win,
        &unique("twilio"),
        "SK-TWILIO-SAME",
        "tw_secret_1",
        None,
    );
    let refused = invoke(
        &win,
        "add_key",
        json!({"service": "twilio", "application": null, "name": null,
            "credential_id": "SK-TWILIO-SAME", "secret": "tw_secret_2", "created": null, "notes": null}),
    )
    .unwrap_err();
    assert_eq!(refused["code"], "credential_id_taken");
    assert!(
        refused["message"]
            .as_str()
            .unwrap()
            .contains(first["name"].as_str().unwrap()),
        "names the other key: {refused}"
    );
    assert_eq!(
        invoke(&win, "list_keys", json!({}))
            .unwrap()
            .as_array()
            .unwrap()
            .len(),
        1
    );
}

#[test]
fn a_vendor_key_is_rotated_through_the_window_and_deleted_with_the_answer_about_the_vendor() {
    let app = App::new();
    let win = window(&app);
    let old = add(
        &win,
        &unique("mailchimp"),
        "MC-WIN-OLD",
        "mc_win_old",
        Some("mailchimp"),
    );
    let id = old["id"].as_str().unwrap();

    let refused = invoke(&win, "rotate_key", json!({"id": id})).unwrap_err();
    assert_eq!(
        refused["code"], "invalid_input",
        "Keyward never makes a vendor's key"
    );
    let waiting = invoke(&win, "start_rotation", json!({"id": id})).unwrap();
    assert_eq!(waiting["rotation"], "waiting_for_new_key");
    let cancelled = invoke(&win, "cancel_rotation", json!({"id": id})).unwrap();
    assert_eq!(cancelled["rotation"], Value::Null);
    invoke(&win, "start_rotation", json!({"id": id})).unwrap();

    let taken = invoke(
        &win,
        "finish_vendor_rotation",
        json!({"id": id, "credential_id": "MC-WIN-OLD", "secret": "x", "name": null}),
    )
    .unwrap_err();
    assert_eq!(taken["code"], "invalid_input", "{taken}");
    let new = invoke(
        &win,
        "finish_vendor_rotation",
        json!({"id": id, "credential_id": "MC-WIN-NEW", "secret": " mc_win_new\n", "name": null}),
    )
    .unwrap();
    assert_eq!(new["credential_id"], "MC-WIN-NEW");
    for field in ["service", "application", "owner", "vendor", "notes"] {
        assert_eq!(new[field], old[field], "inherits {field}");
    }
    let new_id = new["id"].as_str().unwrap();
    assert_eq!(keychain_secret(new_id).as_deref(), Some("mc_win_new"));
    assert_eq!(keychain_secret(id).as_deref(), Some("mc_win_old"));
    let listed = invoke(&win, "list_keys", json!({})).unwrap();
    let old_now = listed
        .as_array()
        .unwrap()
        .iter()
        .find(|k| k["id"] == id)
        .unwrap();
    assert_eq!(old_now["rotation"], "waiting_for_old_key_removal");
    assert_eq!(old_now["replaced_by_name"], new["name"]);

    invoke(
        &win,
        "delete_key",
        json!({"id": id, "confirm_name": old["name"], "revoked_at_vendor": true}),
    )
    .unwrap();
    assert_eq!(keychain_secret(id), None);
    let deleted = entries(&app)
        .into_iter()
        .find(|e| e["action"] == "deleted")
        .unwrap();
    assert!(
        deleted["detail"]
            .as_str()
            .unwrap()
            .contains("said they deleted it at the vendor"),
        "{deleted}"
    );
}

#[test]
fn marking_a_key_leaked_starts_a_rotation_with_no_grace_period() {
    let app = App::new();
    let win = window(&app);
    let vendor = add(
        &win,
        &unique("stripe"),
        "SK-LEAK-1",
        "sk_leak_1",
        Some("stripe"),
    );
    let leaked = invoke(&win, "mark_leaked", json!({"id": vendor["id"]})).unwrap();
    assert_eq!(leaked["leaked"], true);
    assert!(leaked["leaked_at"].is_string());
    assert_eq!(leaked["rotation"], "waiting_for_new_key");

    let made = invoke(
        &win,
        "generate_key",
        json!({"service": unique("internal"), "application": null, "name": null, "notes": null}),
    )
    .unwrap();
    let made_id = made["key"]["id"].as_str().unwrap();
    let leaked = invoke(&win, "mark_leaked", json!({"id": made_id})).unwrap();
    assert_eq!(
        leaked["rotation"],
        Value::Null,
        "the window calls rotate_key next"
    );
    let rotated = invoke(&win, "rotate_key", json!({"id": made_id})).unwrap();
    assert!(rotated["secret"].as_str().unwrap().starts_with("kwsk_"));
    let listed = invoke(&win, "list_keys", json!({})).unwrap();
    let old = listed
        .as_array()
        .unwrap()
        .iter()
        .find(|k| k["id"] == made_id)
        .unwrap();
    let delete_after =
        chrono::DateTime::parse_from_rfc3339(old["delete_after"].as_str().unwrap()).unwrap();
    assert!(delete_after <= chrono::Utc::now(), "no grace period: {old}");
    assert_eq!(
        entries(&app)
            .iter()
            .filter(|e| e["action"] == "marked_leaked")
            .count(),
        2
    );
}
