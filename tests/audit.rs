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
            9,
            "at, action, key_id, key_name, detail, user, computer, seq, prev: {entry}"
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

/// `keyward audit verify --json` of the test's log, and its exit status.
fn verify(app: &App) -> (Value, Option<i32>) {
    let out = app.run(&["audit", "verify", "--json"]);
    (json(&text(&out.stdout)), out.status.code())
}

fn log_lines(app: &App) -> Vec<String> {
    std::fs::read_to_string(app.data_dir().join("audit.log"))
        .unwrap()
        .lines()
        .map(str::to_owned)
        .collect()
}

fn rewrite(app: &App, lines: &[String]) {
    std::fs::write(app.data_dir().join("audit.log"), lines.join("\n") + "\n").unwrap();
}

/// A log of six entries made by the real binary.
fn six_entries(app: &App) {
    for i in 0..6 {
        app.ok(&["vendor", "set", "acme", "--notes", &format!("note {i}")]);
    }
    assert_eq!(log_lines(app).len(), 6);
}

#[test]
fn audit_verify_says_an_untouched_log_is_intact() {
    let app = App::new();
    six_entries(&app);
    let (check, code) = verify(&app);
    assert_eq!(code, Some(0), "{check}");
    assert_eq!(check["intact"], true);
    assert_eq!(check["lines"], 6);
    let out = app.ok(&["audit", "verify"]);
    assert!(
        out.contains("The audit log is intact: 6 lines checked"),
        "{out}"
    );
}

#[test]
fn audit_verify_finds_an_edited_line_and_names_it() {
    let app = App::new();
    six_entries(&app);
    let mut lines = log_lines(&app);
    // Someone puts the blame on another account.
    lines[2] = lines[2].replacen("\"user\":\"", "\"user\":\"someone-else-", 1);
    rewrite(&app, &lines);
    let out = app.run(&["audit", "verify"]);
    assert_eq!(out.status.code(), Some(6), "exit 6: tampered with");
    let said = text(&out.stdout);
    assert!(
        said.contains("tampered with at line 3") && said.contains("Line 3 was changed"),
        "{said}"
    );
    let (check, _) = verify(&app);
    assert_eq!(check["problems"][0]["kind"], "changed");
    assert_eq!(check["problems"][0]["line"], 3);
}

#[test]
fn audit_verify_finds_a_removed_line_and_says_where() {
    let app = App::new();
    six_entries(&app);
    let mut lines = log_lines(&app);
    lines.remove(3);
    rewrite(&app, &lines);
    let (check, code) = verify(&app);
    assert_eq!(code, Some(6));
    assert_eq!(check["problems"][0]["kind"], "removed", "{check}");
    let message = check["problems"][0]["message"].as_str().unwrap();
    assert!(
        message.contains("1 line was removed between line 3 and line 4"),
        "{message}"
    );
}

#[test]
fn audit_verify_finds_reordered_lines() {
    let app = App::new();
    six_entries(&app);
    let mut lines = log_lines(&app);
    lines.swap(1, 4);
    rewrite(&app, &lines);
    let (check, code) = verify(&app);
    assert_eq!(code, Some(6));
    let kinds: Vec<&str> = check["problems"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["kind"].as_str().unwrap())
        .collect();
    assert!(kinds.contains(&"reordered"), "{check}");
    assert!(
        !kinds.contains(&"removed") && !kinds.contains(&"changed"),
        "moved, not lost or changed: {check}"
    );
}

#[test]
fn an_old_log_without_the_chain_is_still_read_and_verify_says_which_lines_it_cannot_check() {
    let app = App::new();
    std::fs::create_dir_all(app.data_dir()).unwrap();
    std::fs::write(
        app.data_dir().join("audit.log"),
        "{\"at\":\"2026-01-02T03:04:05Z\",\"action\":\"deleted\",\"key_id\":\"x\",\"key_name\":\"old\",\"detail\":null}\n",
    )
    .unwrap();
    app.ok(&["vendor", "set", "acme", "--notes", "after the upgrade"]);
    let out = app.run(&["audit", "verify"]);
    assert_eq!(out.status.code(), Some(0));
    let said = text(&out.stdout);
    assert!(
        said.contains("Line 1 was written before Keyward chained its log and cannot be checked"),
        "{said}"
    );
    assert_eq!(entries(&app).len(), 2);
}

#[test]
fn processes_writing_the_log_at_the_same_time_keep_one_chain() {
    let app = App::new();
    // Command lines in four processes, and this process writing as the
    // window does, all at once.
    let children: Vec<_> = (0..4)
        .map(|p| {
            let script = (0..8)
                .map(|i| format!("\"$0\" vendor set v{p} --notes n{i} >/dev/null || exit 1"))
                .collect::<Vec<_>>()
                .join("; ");
            let cmd = app.cmd(&[]);
            let program = env!("CARGO_BIN_EXE_keyward");
            let mut sh = std::process::Command::new("sh");
            sh.arg("-c").arg(&script).arg(program);
            for (k, v) in cmd.get_envs() {
                match v {
                    Some(v) => sh.env(k, v),
                    None => sh.env_remove(k),
                };
            }
            sh.spawn().unwrap()
        })
        .collect();
    let log = keyward_core::audit::AuditLog::in_dir(&app.data_dir(), chrono::Utc::now);
    for i in 0..20 {
        assert!(log.note(
            keyward_core::audit::AuditAction::Copied,
            Some((&format!("id{i}"), "k")),
            None
        ));
    }
    for mut child in children {
        assert!(child.wait().unwrap().success());
    }
    let (check, code) = verify(&app);
    assert_eq!(code, Some(0), "{check}");
    assert_eq!(check["lines"], 52, "{check}");
    let seqs: Vec<u64> = entries(&app)
        .iter()
        .map(|e| e["seq"].as_u64().unwrap())
        .collect();
    assert_eq!(
        seqs,
        (1..=52).collect::<Vec<_>>(),
        "one chain, numbered in order"
    );
}
