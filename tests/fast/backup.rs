//! The window's backup, restore, share and receive commands through the
//! mock runtime: a backup saved from one Keyward is put back into another
//! (progress to the end, secrets in its keychain), a wrong passphrase is
//! its code, and a shared key comes back as a new key.

use std::time::{Duration, Instant};

use keyward_core::keychain::SecretStore;
use serde_json::{Value, json};

use crate::support::{Dirs, invoke, window};

/// Polls `restore_status` until the restore is over.
fn finished(win: &crate::support::Window) -> Value {
    let started = Instant::now();
    loop {
        let status = invoke(win, "restore_status", json!({})).unwrap();
        if status["state"] != "restoring" {
            return status;
        }
        assert!(started.elapsed() < Duration::from_secs(60), "{status}");
        std::thread::sleep(Duration::from_millis(50));
    }
}

#[test]
fn a_backup_saved_in_one_window_is_restored_in_another_and_a_shared_key_received() {
    let here = Dirs::new();
    let there = Dirs::new();
    let (win, other) = (window(&here), window(&there));
    let made = invoke(
        &win,
        "generate_key",
        json!({"service": "Payments API", "application": null, "name": null, "notes": null}),
    )
    .unwrap();
    let id = made["key"]["id"].as_str().unwrap().to_owned();
    let file = here.data_dir().join("..").join("all.keyward");
    let sealed = invoke(&win, "save_backup", json!({"path": file})).unwrap();
    let passphrase = sealed["passphrase"].as_str().unwrap().to_owned();
    assert_eq!(sealed["keys"], 1);
    assert_eq!(passphrase.split('-').count(), 6, "{passphrase}");

    let wrong = invoke(
        &other,
        "start_restore",
        json!({"path": file, "passphrase": "not-the-words", "name": null}),
    );
    assert_eq!(wrong.unwrap_err()["code"], "wrong_passphrase");
    assert!(!there.store.contains(&id), "nothing put back");

    invoke(
        &other,
        "start_restore",
        json!({"path": file, "passphrase": passphrase, "name": null}),
    )
    .unwrap();
    let status = finished(&other);
    assert_eq!(status["state"], "done", "{status}");
    assert_eq!(
        (status["done"].clone(), status["total"].clone()),
        (json!(1), json!(1))
    );
    assert_eq!(status["report"]["restored"].as_array().unwrap().len(), 1);
    assert_eq!(
        there.store.get(&id).unwrap().expose(),
        made["secret"].as_str().unwrap(),
        "the secret is in the other keychain"
    );

    let shared_file = here.data_dir().join("..").join("one.keyward");
    let shared = invoke(
        &win,
        "share_key",
        json!({"id": id, "path": shared_file, "recipient": "Sam", "expires_days": 3}),
    )
    .unwrap();
    assert!(here.audit_actions().contains(&"shared".to_owned()));
    let third = Dirs::new();
    let received = invoke(
        &window(&third),
        "receive_key",
        json!({"path": shared_file, "passphrase": shared["passphrase"], "name": "from-alice"}),
    )
    .unwrap();
    assert_eq!(received["name"], "from-alice");
    let new_id = received["id"].as_str().unwrap();
    assert_eq!(
        third.store.get(new_id).unwrap().expose(),
        made["secret"].as_str().unwrap()
    );
    assert_eq!(third.audit_actions(), ["received"]);
}
