//! Encrypted backups and shared keys between two computers: the session's
//! own keychain and data folders ("here"), and a second private session
//! ("there": its own D-Bus bus, its own gnome-keyring, its own folders).
//! Secrets are read back through each Secret Service with `secret-tool`.

use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

use serde_json::Value;

use crate::private_bus::{Keyring, PrivateBus};
use crate::util::*;

/// Another computer: its own bus and keyring, its own data and config folders.
pub(crate) struct There {
    bus: PrivateBus,
    /// Its folders.
    pub(crate) root: tempfile::TempDir,
}

impl There {
    pub(crate) fn start() -> Self {
        let bus = PrivateBus::start();
        bus.start_keyring(Keyring::LoginUnlocked);
        let root = tempfile::Builder::new()
            .prefix("keyward-there-")
            .tempdir()
            .unwrap();
        for dir in ["data", "config", "cache", "tmp", "state"] {
            std::fs::create_dir_all(root.path().join(dir)).unwrap();
        }
        Self { bus, root }
    }

    pub(crate) fn cmd(&self, args: &[&str]) -> Command {
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_keyward"));
        let dir = |d: &str| self.root.path().join(d);
        cmd.args(args)
            .env("DBUS_SESSION_BUS_ADDRESS", self.bus.address())
            .env("XDG_DATA_HOME", dir("data"))
            .env("XDG_CONFIG_HOME", dir("config"))
            .env("XDG_CACHE_HOME", dir("cache"))
            .env("XDG_STATE_HOME", dir("state"))
            .env("TMPDIR", dir("tmp"))
            .env("KEYWARD_POLICY_FILE", self.root.path().join("policy.json"))
            .env_remove("KEYWARD_DATA_DIR")
            .env_remove("KEYWARD_CONFIG_DIR")
            .stdin(Stdio::null());
        cmd
    }

    pub(crate) fn run_with_input(&self, args: &[&str], input: &str) -> Output {
        with_input(self.cmd(args), input)
    }

    pub(crate) fn list(&self) -> Vec<Value> {
        let out = self.cmd(&["list", "--json"]).output().unwrap();
        assert!(out.status.success(), "{}", text(&out.stderr));
        json(&text(&out.stdout)).as_array().unwrap().clone()
    }

    fn data_dir(&self) -> PathBuf {
        self.root.path().join("data").join(SERVICE)
    }

    /// The secret this computer's keychain holds for key `id`.
    fn keychain_secret(&self, id: &str) -> Option<String> {
        let out = Command::new("secret-tool")
            .args(["lookup", "service", SERVICE, "username", id])
            .env("DBUS_SESSION_BUS_ADDRESS", self.bus.address())
            .stdin(Stdio::null())
            .output()
            .unwrap();
        out.status
            .success()
            .then(|| text(&out.stdout).trim_end_matches('\n').to_owned())
    }
}

/// The passphrase printed once, indented on a line of its own.
fn printed_passphrase(stdout: &str) -> String {
    let lines: Vec<&str> = stdout
        .lines()
        .filter(|l| l.starts_with("    ") && !l.trim().is_empty())
        .collect();
    assert_eq!(lines.len(), 1, "one passphrase line: {stdout}");
    lines[0].trim().to_owned()
}

fn mode(path: &Path) -> u32 {
    use std::os::unix::fs::PermissionsExt;
    std::fs::metadata(path).unwrap().permissions().mode() & 0o777
}

#[test]
fn a_backup_made_here_restores_there_with_secrets_history_and_settings() {
    let here = App::new();
    let there = There::start();
    let service = unique("backup");
    let made = here.generate(&service);
    let vendor_secret = "sk_live_BACKUP_vendor_0123456789";
    let out = here.run_with_input(
        &[
            "add",
            "--service",
            &service,
            "--credential-id",
            &unique("VEND"),
            "--vendor",
            "stripe",
            "--name",
            &format!("{service}-vendor"),
        ],
        vendor_secret,
    );
    assert!(out.status.success(), "{}", text(&out.stderr));
    here.write_settings(r#"{"rotation_months": 2, "lead_time_days": 21}"#);
    let file = here.root.path().join("keys.keyward");
    let out = here.run(&["backup", "--output", file.to_str().unwrap()]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let stdout = text(&out.stdout);
    assert!(stdout.contains("Saved 2 keys"), "{stdout}");
    let passphrase = printed_passphrase(&stdout);
    assert_eq!(passphrase.split('-').count(), 6, "six words: {passphrase}");
    assert_eq!(mode(&file), 0o600, "the backup is private");

    let id = made["id"].as_str().unwrap();
    assert_eq!(there.keychain_secret(id), None, "a keychain of its own");
    let out = there.run_with_input(&["restore", file.to_str().unwrap()], &passphrase);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let said = text(&out.stdout);
    assert!(said.contains("Put back 2 keys"), "{said}");
    assert!(said.contains("Settings: put back"), "{said}");

    let mine = here.list();
    let theirs = there.list();
    assert_eq!(theirs.len(), 2);
    for key in &mine {
        let id = key["id"].as_str().unwrap();
        let back = theirs
            .iter()
            .find(|k| k["id"] == id)
            .expect("same id there");
        for field in [
            "name",
            "service",
            "credential_id",
            "created_at",
            "vendor",
            "issuer",
        ] {
            assert_eq!(back[field], key[field], "{field} of {id}");
        }
        assert_eq!(
            there.keychain_secret(id),
            keychain_secret(id),
            "the same secret in the other keychain"
        );
    }
    assert_eq!(
        there.keychain_secret(id).as_deref(),
        made["secret"].as_str()
    );
    let audit = std::fs::read_to_string(there.data_dir().join("audit.log")).unwrap();
    assert!(
        audit.contains("\"generated\"") && audit.contains("\"restored\""),
        "history came along, and the restore is in it: {audit}"
    );
    let settings: Value = json(
        &std::fs::read_to_string(
            there
                .root
                .path()
                .join("config")
                .join(SERVICE)
                .join("settings.json"),
        )
        .unwrap(),
    );
    assert_eq!(settings["rotation_months"], 2);
    assert_eq!(settings["lead_time_days"], 21);

    // Again: everything is already there, nothing changes.
    let catalog = std::fs::read(there.data_dir().join("catalog.json")).unwrap();
    let out = there.run_with_input(&["restore", file.to_str().unwrap(), "--json"], &passphrase);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let report = json(&text(&out.stdout));
    assert_eq!(
        report["already_here"].as_array().unwrap().len(),
        2,
        "{report}"
    );
    assert_eq!(report["history_added"], 0);
    assert_eq!(
        std::fs::read(there.data_dir().join("catalog.json")).unwrap(),
        catalog
    );
}

#[test]
fn a_key_with_a_name_taken_there_is_reported_and_left_out() {
    let here = App::new();
    let there = There::start();
    let name = unique("clash");
    here.ok(&["generate", "--service", "svc", "--name", &name]);
    let out = there
        .cmd(&["generate", "--service", "svc", "--name", &name])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", text(&out.stderr));
    let theirs_before = there.list();
    let file = here.root.path().join("keys.keyward");
    let passphrase = printed_passphrase(&here.ok(&["backup", "--output", file.to_str().unwrap()]));
    let out = there.run_with_input(&["restore", file.to_str().unwrap()], &passphrase);
    assert_eq!(out.status.code(), Some(1), "a conflict is not a success");
    let said = text(&out.stdout);
    assert!(said.contains("Left out") && said.contains(&name), "{said}");
    assert_eq!(there.list(), theirs_before, "the key there is untouched");
}

#[test]
fn bad_files_get_a_plain_message_and_leave_the_keys_there_untouched() {
    let here = App::new();
    let there = There::start();
    here.generate(&unique("badfile"));
    let kept = there
        .cmd(&["generate", "--service", "kept", "--json"])
        .output()
        .unwrap();
    let kept = json(&text(&kept.stdout));
    let file = here.root.path().join("keys.keyward");
    let passphrase = printed_passphrase(&here.ok(&["backup", "--output", file.to_str().unwrap()]));
    let bytes = std::fs::read(&file).unwrap();
    let dir = here.root.path();
    let truncated = dir.join("truncated.keyward");
    std::fs::write(&truncated, &bytes[..bytes.len() - 20]).unwrap();
    let tampered = dir.join("tampered.keyward");
    let mut changed = bytes.clone();
    let at = changed.len() - 30;
    changed[at] ^= 0x20;
    std::fs::write(&tampered, &changed).unwrap();
    let huge = dir.join("huge.keyward");
    std::fs::File::create(&huge)
        .unwrap()
        .set_len(2_000_000_000)
        .unwrap();
    let catalog = std::fs::read(there.data_dir().join("catalog.json")).unwrap();
    let cases: [(&Path, &str, &str); 4] = [
        (&file, "wrong-words-entirely", "does not open"),
        (&truncated, &passphrase, "cut short"),
        (&tampered, &passphrase, "changed after it was saved"),
        (&huge, &passphrase, "2.0 GB"),
    ];
    for (path, input, says) in cases {
        let started = std::time::Instant::now();
        let out = there.run_with_input(&["restore", path.to_str().unwrap()], input);
        assert_eq!(out.status.code(), Some(1), "{}", path.display());
        let err = text(&out.stderr);
        assert!(
            err.contains(says) && err.contains("Nothing was changed"),
            "{}: {err}",
            path.display()
        );
        assert!(!err.contains("panicked"), "{err}");
        assert!(
            started.elapsed() < std::time::Duration::from_secs(20),
            "{} took {:?}",
            path.display(),
            started.elapsed()
        );
        assert_eq!(
            std::fs::read(there.data_dir().join("catalog.json")).unwrap(),
            catalog,
            "{}: the keys there are untouched",
            path.display()
        );
    }
    let id = kept["id"].as_str().unwrap();
    assert_eq!(
        there.keychain_secret(id).as_deref(),
        kept["secret"].as_str()
    );
    assert_eq!(there.list().len(), 1);
}

#[test]
fn a_weak_own_passphrase_is_refused_and_a_strong_one_from_standard_input_is_used() {
    let here = App::new();
    here.generate(&unique("ownpass"));
    let file = here.root.path().join("own.keyward");
    let path = file.to_str().unwrap();
    let out = here.run_with_input(
        &["backup", "--output", path, "--passphrase", "-"],
        "password1\n",
    );
    assert_eq!(out.status.code(), Some(1));
    assert!(
        text(&out.stderr).contains("too easy to guess"),
        "{}",
        text(&out.stderr)
    );
    assert!(!file.exists(), "nothing written");
    let strong = "Quiet harbour lamps at 4am; seventeen gulls";
    let out = here.run_with_input(
        &["backup", "--output", path, "--passphrase", "-"],
        &format!("{strong}\n"),
    );
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(
        !text(&out.stdout).contains("shown only this once"),
        "nothing proposed"
    );
    let there = There::start();
    let out = there.run_with_input(&["restore", path], strong);
    assert!(out.status.success(), "{}", text(&out.stderr));
}

#[test]
fn a_key_shared_here_is_received_there_and_both_audit_logs_say_so() {
    let here = App::new();
    let there = There::start();
    let made = here.generate(&unique("share"));
    let name = made["name"].as_str().unwrap();
    let file = here.root.path().join("for-bob.keyward");
    let out = here.run(&[
        "share",
        name,
        "--output",
        file.to_str().unwrap(),
        "--for",
        "Bob in Finance",
        "--expires-days",
        "3",
    ]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let stdout = text(&out.stdout);
    let passphrase = printed_passphrase(&stdout);
    assert_eq!(
        passphrase.split('-').count(),
        5,
        "a few words: {passphrase}"
    );
    assert!(stdout.contains("never in the same channel"), "{stdout}");
    assert_eq!(mode(&file), 0o600);
    let audit = std::fs::read_to_string(here.data_dir().join("audit.log")).unwrap();
    let shared = audit
        .lines()
        .find(|l| l.contains("\"shared\""))
        .expect("the share is audited");
    assert!(shared.contains("Bob in Finance"), "{shared}");

    let out = there.run_with_input(&["receive", file.to_str().unwrap(), "--json"], &passphrase);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let got = json(&text(&out.stdout));
    assert_eq!(got["name"], made["name"]);
    assert_eq!(got["credential_id"], made["credential_id"]);
    assert_ne!(got["id"], made["id"], "a new key there");
    assert_eq!(
        there
            .keychain_secret(got["id"].as_str().unwrap())
            .as_deref(),
        made["secret"].as_str(),
        "the secret, read back through the other Secret Service"
    );
    let me = keyward_core::audit::Identity::of_this_process();
    let from = format!("{} on {}", me.user, me.computer);
    let today = chrono::Utc::now().format("%Y-%m-%d").to_string();
    let listed = there.list();
    let listed = listed
        .iter()
        .find(|k| k["id"] == got["id"])
        .expect("the received key is listed there");
    for (shown, how) in [(&got, "receive --json"), (listed, "list --json")] {
        assert_eq!(shown["received_from"], from.as_str(), "{how}: {shown}");
        assert_eq!(shown["received_for"], "Bob in Finance", "{how}: {shown}");
        assert!(
            shown["received_at"]
                .as_str()
                .is_some_and(|at| at.starts_with(&today)),
            "{how}: the date it was received: {shown}"
        );
    }
    let catalog = std::fs::read_to_string(there.data_dir().join("catalog.json")).unwrap();
    assert!(
        catalog.contains("Bob in Finance"),
        "where it came from is on the key's record, not only in the audit log"
    );
    let kept_here = here.list();
    let original = kept_here.iter().find(|k| k["id"] == made["id"]).unwrap();
    assert!(
        original["received_from"].is_null(),
        "the sender's own key was not received: {original}"
    );
    let audit = std::fs::read_to_string(there.data_dir().join("audit.log")).unwrap();
    let received = audit
        .lines()
        .find(|l| l.contains("\"received\""))
        .expect("the origin is audited");
    assert!(
        received.contains("Bob in Finance") && received.contains(" on "),
        "{received}"
    );

    let again = there.run_with_input(&["receive", file.to_str().unwrap()], &passphrase);
    assert_eq!(
        again.status.code(),
        Some(1),
        "the same key twice is refused"
    );
    assert!(text(&again.stderr).contains("already has this credential ID"));
    let backup_as_share = there.run_with_input(&["restore", file.to_str().unwrap()], &passphrase);
    assert!(
        text(&backup_as_share.stderr).contains("keyward receive"),
        "{}",
        text(&backup_as_share.stderr)
    );
}

#[test]
fn a_key_shared_to_an_age_key_opens_only_with_that_identity() {
    let here = App::new();
    let there = There::start();
    let made = here.generate(&unique("agekey"));
    let identity = keyward_core::backup::AgeIdentity::generate();
    let identity_file = there.root.path().join("me.age");
    {
        use keyward_core::backup::ExposeSecret;
        use std::io::Write;
        let text = identity.to_string().expose_secret().to_owned();
        let mut f = std::fs::File::create(&identity_file).unwrap();
        writeln!(f, "# created by a test\n{text}").unwrap();
    }
    let file = here.root.path().join("for-bob.age");
    let out = here.run(&[
        "share",
        made["name"].as_str().unwrap(),
        "--output",
        file.to_str().unwrap(),
        "--to-age-key",
        &identity.to_public().to_string(),
    ]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(
        !text(&out.stdout).contains("shown only this once"),
        "no passphrase"
    );
    let out = there.run_with_input(&["receive", file.to_str().unwrap()], "any words");
    assert!(
        text(&out.stderr).contains("--identity"),
        "{}",
        text(&out.stderr)
    );
    let out = there
        .cmd(&[
            "receive",
            file.to_str().unwrap(),
            "--identity",
            identity_file.to_str().unwrap(),
            "--json",
        ])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", text(&out.stderr));
    let got = json(&text(&out.stdout));
    assert_eq!(
        there
            .keychain_secret(got["id"].as_str().unwrap())
            .as_deref(),
        made["secret"].as_str()
    );
}

/// An encrypted file as Keyward's are, holding `document` (one no Keyward writes).
fn sealed_file(dir: &Path, name: &str, document: &Value, passphrase: &str) -> PathBuf {
    let path = dir.join(name);
    let secret = keyward_core::Secret::new(passphrase.to_owned());
    let sealed = keyward_core::backup::seal_document_for_tests(document, &secret);
    std::fs::write(&path, sealed).unwrap();
    path
}

/// Whether any item of Keyward's service in the session's keychain holds `secret`
/// (other tests share this keychain, so items are not counted).
fn keychain_holds(secret: &str) -> bool {
    let out = Command::new("secret-tool")
        .args(["search", "--all", "--unlock", "service", SERVICE])
        .stdin(Stdio::null())
        .output()
        .unwrap();
    text(&out.stdout).contains(secret)
}

#[test]
fn an_expired_shared_file_and_a_backup_from_a_newer_keyward_are_refused_in_words_and_change_nothing()
 {
    let app = App::new();
    let kept = app.generate(&unique("kept"));
    let passphrase = "amber-lantern-quietly-folds-north";
    let secret = "kw_sk_EXPIRED_share_never_stored_0123456789";
    let yesterday = chrono::Utc::now() - chrono::Duration::days(1);
    let expired = sealed_file(
        app.root.path(),
        "expired.keyward",
        &serde_json::json!({
            "format": 1,
            "kind": "share",
            "keyward_version": "0.1.0",
            "made_at": (yesterday - chrono::Duration::days(7)).to_rfc3339(),
            "keys": [{
                "record": {
                    "id": "0123456789abcdef0123456789abcdef",
                    "name": "expired-share-01_01_2026-09_00",
                    "service": "expired-share",
                    "application": null,
                    "credential_id": "kwid_expiredshare",
                    "created_at": "2026-01-01T09:00:00Z",
                    "origin": "generated",
                    "notes": "",
                    "state": "active"
                },
                "secret": secret
            }],
            "vendors": [],
            "audit": [],
            "share": {
                "expires_at": yesterday.to_rfc3339(),
                "recipient": "Bob in Finance",
                "from_user": "alice",
                "from_computer": "laptop-7"
            }
        }),
        passphrase,
    );
    let newer = sealed_file(
        app.root.path(),
        "newer.keyward",
        &serde_json::json!({
            "format": 2,
            "kind": "backup",
            "keyward_version": "9.0.0",
            "made_at": chrono::Utc::now().to_rfc3339(),
            "keys": [{"record": {"id": "x", "a shape": "this Keyward does not know"}, "secret": secret}],
        }),
        passphrase,
    );
    let catalog = std::fs::read(app.catalog_path()).unwrap();
    assert!(
        keychain_holds(kept["secret"].as_str().unwrap()),
        "the check sees secrets"
    );
    let cases: [(&[&str], &str); 2] = [
        (
            &["receive", expired.to_str().unwrap()],
            "This shared key expired on",
        ),
        (
            &["restore", newer.to_str().unwrap()],
            "was made by a newer Keyward (9.0.0, file format 2)",
        ),
    ];
    for (args, says) in cases {
        let out = app.run_with_input(args, passphrase);
        let err = text(&out.stderr);
        assert_eq!(out.status.code(), Some(1), "{args:?}: {err}");
        assert!(
            err.contains(says) && err.contains("Nothing was changed"),
            "{args:?}: a plain message: {err}"
        );
        assert!(!err.contains("panicked") && !err.contains(secret), "{err}");
        assert_eq!(
            std::fs::read(app.catalog_path()).unwrap(),
            catalog,
            "{args:?}: the catalog is untouched"
        );
        assert!(
            !keychain_holds(secret),
            "{args:?}: nothing went into the keychain"
        );
    }
    assert_eq!(
        keychain_secret(kept["id"].as_str().unwrap()).as_deref(),
        kept["secret"].as_str()
    );
    assert_eq!(app.list().len(), 1);
}

#[test]
fn ctrl_c_stops_a_restore_between_keys_and_the_same_command_puts_back_the_rest() {
    let here = App::new();
    let there = There::start();
    let sheet = here.root.path().join("many.csv");
    let mut rows = String::from("service,credential_id,secret\n");
    for i in 0..600 {
        rows.push_str(&format!(
            "svc-{},cred-{i:04},restore-secret-{i:04}\n",
            i % 3
        ));
    }
    std::fs::write(&sheet, rows).unwrap();
    here.ok(&[
        "import",
        sheet.to_str().unwrap(),
        "--format",
        "csv",
        "--json",
    ]);
    let file = here.root.path().join("many.keyward");
    let passphrase = printed_passphrase(&here.ok(&["backup", "--output", file.to_str().unwrap()]));

    let mut child = there
        .cmd(&["restore", file.to_str().unwrap(), "--json"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    {
        use std::io::Write;
        let mut stdin = child.stdin.take().unwrap();
        stdin.write_all(passphrase.as_bytes()).unwrap();
    }
    let catalog = there.data_dir().join("catalog.json");
    assert!(
        poll_until(std::time::Duration::from_secs(120), || {
            std::fs::read_to_string(&catalog).is_ok_and(|c| c.contains("\"active\""))
        }),
        "the restore put its first keys back"
    );
    let sent = Command::new("kill")
        .args(["-INT", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(sent.success());
    let out = child.wait_with_output().unwrap();
    let err = text(&out.stderr);
    assert_eq!(out.status.code(), Some(130), "stopped, not killed: {err}");
    assert!(
        err.contains("Stopped (Ctrl-C)") && err.contains("run the same command again"),
        "what was done and how to continue: {err}"
    );
    let restored = json(&text(&out.stdout))["restored"]
        .as_array()
        .unwrap()
        .len();
    assert!((1..600).contains(&restored), "stopped part-way: {restored}");
    let listed = there.list();
    assert_eq!(listed.len(), restored, "the list holds what was put back");
    let records: Value = serde_json::from_str(&std::fs::read_to_string(&catalog).unwrap()).unwrap();
    let records = records["keys"].as_array().cloned().unwrap_or_default();
    assert_eq!(records.len(), restored);
    assert!(
        records.iter().all(|r| r["state"] == "active"),
        "nothing half-made is left"
    );
    let notes: Vec<_> = std::fs::read_dir(there.data_dir().join("inflight"))
        .into_iter()
        .flatten()
        .filter_map(Result::ok)
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with(".json"))
        .collect();
    assert!(notes.is_empty(), "no journal left over: {notes:?}");
    for key in listed.iter().step_by(41) {
        let n = &key["credential_id"].as_str().unwrap()["cred-".len()..];
        assert_eq!(
            there.keychain_secret(key["id"].as_str().unwrap()),
            Some(format!("restore-secret-{n}")),
            "every key put back has its secret in that keychain"
        );
    }

    let out = there.run_with_input(&["restore", file.to_str().unwrap(), "--json"], &passphrase);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let again = json(&text(&out.stdout));
    assert_eq!(again["restored"].as_array().unwrap().len(), 600 - restored);
    assert_eq!(again["already_here"].as_array().unwrap().len(), restored);
    assert_eq!(there.list().len(), 600);
}
