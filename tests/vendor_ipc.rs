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
use tauri::WebviewWindowBuilder;
use tauri::test::mock_builder;

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
    let built = keyward::gui::builder(mock_builder(), state)
        .build(keyward::gui::context())
        .expect("the app builds on the mock runtime");
    let webview = WebviewWindowBuilder::new(&built, "main", Default::default())
        .build()
        .unwrap();
    Window::new(built, webview)
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
        json!({"request": {"service": service, "application": "Newsletter", "name": null,
            "credential_id": credential_id, "secret": secret, "created": null, "notes": "from the seed",
            "vendor": vendor, "owner": "sam@example.com"}}),
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
        json!({"request": {"id": id, "application": "Newsletter", "notes": "", "owner": "sam@", "vendor": null}}),
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
        json!({"request": {"id": id, "application": "Shop", "notes": "ask Finance", "owner": "Sam Jones", "vendor": "Mailchimp"}}),
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
        json!({"request": {"name": "stripe", "display_name": "Stripe", "dashboard_url": "http://dashboard.stripe.com", "notes": ""}}),
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
        json!({"request": {"name": "Stripe", "display_name": "Stripe", "dashboard_url": url, "notes": "ask Finance for access"}}),
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
        json!({"request": {"service": "twilio", "application": null, "name": null,
            "credential_id": "SK-TWILIO-SAME", "secret": "tw_secret_2", "created": null, "notes": null}}),
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
