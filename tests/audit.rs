//! The audit log written by the real `keyward` binary against the real keychain.

use serde_json::Value;

use crate::util::*;

/// The entries of the test's `audit.log`, oldest first (each line must be JSON).
pub fn entries(app: &App) -> Vec<Value> {
    let text = std::fs::read_to_string(app.data_dir().join("audit.log")).unwrap_or_default();
    text.lines()
        .map(|line| serde_json::from_str(line).unwrap_or_else(|e| panic!("{e}: {line}")))
        .collect()
}

#[test]
fn generate_add_reveal_and_delete_each_append_their_entry_and_none_holds_a_secret() {
    let app = App::new();
    let generated = app.generate(&unique("audited"));
    let id = generated["id"].as_str().unwrap();
    let name = generated["name"].as_str().unwrap();
    let secret = generated["secret"].as_str().unwrap();
    let pasted = "sk_live_AUDIT_pasted_secret_0123456789";
    let out = app.run_with_input(
        &[
            "add",
            "--service",
            "legacy",
            "--credential-id",
            "AKIA-AUDIT",
            "--json",
        ],
        pasted,
    );
    assert!(out.status.success(), "{}", text(&out.stderr));
    let added = json(&text(&out.stdout));
    app.ok(&["reveal", name]);
    app.ok(&["delete", name, "--yes"]);
    // Nothing that fails is recorded.
    assert!(!app.run(&["reveal", name]).status.success());

    let log = entries(&app);
    let seen: Vec<(&str, &str)> = log
        .iter()
        .map(|e| {
            (
                e["action"].as_str().unwrap(),
                e["key_name"].as_str().unwrap_or(""),
            )
        })
        .collect();
    let added_name = added["name"].as_str().unwrap();
    assert_eq!(
        seen,
        [
            ("generated", name),
            ("added", added_name),
            ("revealed", name),
            ("deleted", name),
        ],
        "one entry per event, in order"
    );
    assert_eq!(log[0]["key_id"], id);
    for entry in &log {
        let fields: Vec<&str> = entry
            .as_object()
            .unwrap()
            .keys()
            .map(String::as_str)
            .collect();
        assert_eq!(
            fields.len(),
            7,
            "at, action, key_id, key_name, detail, user, computer: {entry}"
        );
        let at = entry["at"].as_str().unwrap();
        assert!(
            chrono::DateTime::parse_from_rfc3339(at).is_ok(),
            "RFC 3339 time: {at}"
        );
    }
    let raw = std::fs::read_to_string(app.data_dir().join("audit.log")).unwrap();
    for needle in [secret, &secret[5..25], pasted, &pasted[8..24]] {
        assert!(
            !raw.contains(needle),
            "the audit log holds (part of) a secret"
        );
    }
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(app.data_dir().join("audit.log"))
            .unwrap()
            .permissions()
            .mode();
        assert_eq!(mode & 0o777, 0o600, "private to the user: {mode:o}");
    }
}

#[test]
fn a_garbled_last_line_does_not_stop_keyward_or_hide_later_entries() {
    let app = App::new();
    let first = app.generate(&unique("garbled"));
    // A crash in the middle of an append leaves half a line.
    use std::io::Write;
    let mut file = std::fs::OpenOptions::new()
        .append(true)
        .open(app.data_dir().join("audit.log"))
        .unwrap();
    file.write_all(br#"{"at":"2026-01-01T00:00:00Z","acti"#)
        .unwrap();
    drop(file);
    app.ok(&["reveal", first["name"].as_str().unwrap()]);
    let text = std::fs::read_to_string(app.data_dir().join("audit.log")).unwrap();
    let readable: Vec<Value> = text
        .lines()
        .filter_map(|l| serde_json::from_str(l).ok())
        .collect();
    assert_eq!(
        readable.len(),
        2,
        "the entries before and after the cut line are both readable: {text}"
    );
    assert_eq!(readable[1]["action"], "revealed");
}
