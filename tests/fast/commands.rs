//! The key commands through the mock runtime over the in-memory keychain:
//! what reaches the keychain, the list and the audit log, and how a
//! keychain failure reaches the window.

use keyward_core::keychain::{KeychainError, SecretStore};
use serde_json::json;

use crate::support::{Dirs, invoke, window};

#[test]
fn a_generated_key_is_in_the_keychain_listed_without_its_secret_revealed_and_deleted() {
    let dirs = Dirs::new();
    let win = window(&dirs);
    let generated = invoke(
        &win,
        "generate_key",
        json!({"service": "Payments API", "application": "Billing", "name": null, "notes": null}),
    )
    .expect("generate_key works");
    let id = generated["key"]["id"].as_str().unwrap().to_owned();
    let name = generated["key"]["name"].as_str().unwrap().to_owned();
    let secret = generated["secret"].as_str().unwrap().to_owned();
    assert_eq!(
        dirs.store.get(&id).unwrap().expose(),
        secret,
        "the secret is in the keychain under the key's id"
    );

    let listed = invoke(&win, "list_keys", json!({})).unwrap();
    assert_eq!(listed.as_array().unwrap().len(), 1);
    assert!(
        !listed.to_string().contains(&secret),
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
    );
    assert_eq!(wrong.unwrap_err()["code"], "invalid_input");
    assert!(dirs.store.contains(&id), "a wrong name deletes nothing");
    invoke(&win, "delete_key", json!({"id": id, "confirm_name": name})).unwrap();
    assert!(!dirs.store.contains(&id), "deleting removes the secret");
    assert_eq!(invoke(&win, "list_keys", json!({})).unwrap(), json!([]));
    assert_eq!(
        dirs.audit_actions(),
        ["generated", "revealed", "deleted"],
        "each step is audited once"
    );
}

#[test]
fn a_locked_keychain_reaches_the_window_as_its_code_and_leaves_no_half_key() {
    let dirs = Dirs::new();
    let win = window(&dirs);
    *dirs.store.fail_with.lock().unwrap() = Some(KeychainError::Locked);
    let refused = invoke(
        &win,
        "generate_key",
        json!({"service": "Payments API", "application": null, "name": null, "notes": null}),
    )
    .expect_err("a locked keychain refuses the key");
    assert_eq!(refused["code"], "keychain_locked", "{refused}");
    assert!(
        refused["message"].as_str().unwrap().contains("Unlock"),
        "the message says what to do: {refused}"
    );
    *dirs.store.fail_with.lock().unwrap() = None;
    assert_eq!(
        invoke(&win, "list_keys", json!({})).unwrap(),
        json!([]),
        "no key without its secret"
    );
    assert!(dirs.store.accounts().unwrap().is_empty());

    // Unlocked again, the same request works.
    invoke(
        &win,
        "generate_key",
        json!({"service": "Payments API", "application": null, "name": null, "notes": null}),
    )
    .expect("works once unlocked");
}
