//! What people see when the keychain is locked, missing, or the catalog is damaged.

use std::process::Stdio;
use std::time::{Duration, Instant};

use crate::private_bus::{Keyring, PrivateBus};
use crate::util::*;

#[test]
fn a_locked_keychain_with_an_unanswered_prompt_fails_cleanly_within_the_timeout() {
    let app = App::exclusive();
    session_helper("lock-keyring", &[]);
    let started = Instant::now();
    let mut child = app
        .cmd(&["generate", "--service", "locked"])
        .env("KEYWARD_KEYCHAIN_TIMEOUT_SECS", "4")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let status = wait_within(&mut child, Duration::from_secs(15));
    let elapsed = started.elapsed();
    let out = child.wait_with_output().unwrap();
    session_helper("dismiss-prompt", &[]);
    session_helper("unlock-keyring", &[]);
    assert_eq!(status.code(), Some(1));
    assert!(
        elapsed >= Duration::from_secs(3),
        "it waited for the prompt ({elapsed:?})"
    );
    let err = text(&out.stderr);
    assert!(
        err.contains("did not answer within 4 seconds") && err.contains("unlock"),
        "{err}"
    );
    assert!(text(&out.stdout).is_empty(), "no secret was shown");
    // The next command (keychain unlocked again) cleans up the unfinished key.
    app.ok(&["check"]);
    assert!(app.list().is_empty());
    assert!(app.catalog_records().is_empty(), "no half-made key remains");
}

#[test]
fn a_dismissed_unlock_prompt_says_the_keychain_is_locked() {
    let app = App::exclusive();
    let key = app.generate(&unique("before-lock"));
    session_helper("lock-keyring", &[]);
    let mut child = app
        .cmd(&["reveal", key["name"].as_str().unwrap()])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    std::thread::sleep(Duration::from_millis(500));
    session_helper("dismiss-prompt", &[]);
    let status = wait_within(&mut child, Duration::from_secs(15));
    let out = child.wait_with_output().unwrap();
    session_helper("unlock-keyring", &[]);
    assert_eq!(status.code(), Some(1));
    let err = text(&out.stderr);
    assert!(err.contains("keyring is locked"), "{err}");
    assert!(text(&out.stdout).is_empty());
    assert_eq!(
        app.ok(&["reveal", key["name"].as_str().unwrap()]).trim(),
        key["secret"],
        "works once unlocked"
    );
}

#[test]
fn no_keychain_service_gives_a_plain_error_and_changes_nothing() {
    let app = App::new();
    let out = app
        .cmd(&["generate", "--service", "nobus"])
        .env(
            "DBUS_SESSION_BUS_ADDRESS",
            "unix:path=/nonexistent/keyward-test-bus",
        )
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let err = text(&out.stderr);
    assert!(
        err.contains("could not find your computer's keyring"),
        "{err}"
    );
    assert!(
        app.catalog_records().is_empty(),
        "no record was left behind"
    );
    assert!(app.list().is_empty());
}

#[test]
fn a_keychain_with_no_default_keyring_says_so_in_its_own_words_not_locked() {
    let app = App::new();
    let bus = PrivateBus::start();
    bus.start_keyring(Keyring::NoDefault);
    let out = app
        .cmd(&["generate", "--service", "nodefault"])
        .env("DBUS_SESSION_BUS_ADDRESS", bus.address())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let err = text(&out.stderr);
    assert!(
        err.contains("no default keyring") && err.contains("set it as the default"),
        "says what is wrong and how to fix it: {err}"
    );
    assert!(
        !err.contains("keyring is locked"),
        "a missing default keyring is not a locked keychain: {err}"
    );
    assert!(text(&out.stdout).is_empty(), "no secret was shown");
    assert!(
        app.catalog_records().is_empty(),
        "no record was left behind"
    );
}

#[test]
fn listing_and_due_never_need_the_keychain() {
    let app = App::new();
    app.generate(&unique("offline"));
    for args in [&["list", "--json"][..], &["due"][..]] {
        let out = app
            .cmd(args)
            .env(
                "DBUS_SESSION_BUS_ADDRESS",
                "unix:path=/nonexistent/keyward-test-bus",
            )
            .output()
            .unwrap();
        assert!(
            out.status.code() == Some(0),
            "{args:?} works without a keychain: {}",
            text(&out.stderr)
        );
    }
}

#[test]
fn a_corrupt_catalog_is_reported_and_left_byte_identical() {
    let app = App::new();
    app.generate(&unique("corrupt"));
    let damaged = b"{\"format\": 1, \"keys\": [ {\"id\": \"abc\", \"na";
    std::fs::write(app.catalog_path(), damaged).unwrap();
    for args in [
        &["list"][..],
        &["generate", "--service", "after-damage"][..],
        &["due"][..],
    ] {
        let out = app.run(args);
        assert_eq!(out.status.code(), Some(1), "{args:?}");
        let err = text(&out.stderr);
        assert!(
            err.contains("damaged") && err.contains("left exactly as it was"),
            "{err}"
        );
    }
    assert_eq!(
        std::fs::read(app.catalog_path()).unwrap(),
        damaged,
        "byte-identical"
    );
}
