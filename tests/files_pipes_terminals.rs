//! Files, pipes and terminals, tried the way a hostile or unlucky user
//! would: planted links and files, loose folders, closed pipes, keychain
//! items with terminal escapes in their names, names that look like ids,
//! mistyped Keyward keys and a data folder that cannot be written.

use std::os::unix::fs::{FileTypeExt, MetadataExt, PermissionsExt, symlink};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use serde_json::json;

use crate::ipc::{invoke, window};
use crate::util::*;

fn is_root() -> bool {
    std::fs::metadata("/proc/self").is_ok_and(|m| m.uid() == 0)
}

fn mode(path: &Path) -> u32 {
    std::fs::metadata(path).unwrap().permissions().mode() & 0o777
}

fn chmod(path: &Path, mode: u32) {
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(mode)).unwrap();
}

/// Gives `path` to the unprivileged user `nobody` (possible as root only).
fn give_to_nobody(path: &Path) {
    let status = Command::new("chown")
        .args(["-h", "65534:65534"])
        .arg(path)
        .status()
        .unwrap();
    assert!(status.success(), "chown failed");
}

// ---- report --output -------------------------------------------------------

#[test]
fn report_temp_files_planted_under_every_guessable_name_catch_nothing() {
    let app = App::new();
    app.generate(&unique("planted"));
    let reports = app.root.path().join("reports");
    std::fs::create_dir_all(&reports).unwrap();
    let victim = app.root.path().join("victim.txt");
    std::fs::write(&victim, "precious\n").unwrap();
    // The next process ids are easy to guess: plant a link to the victim
    // under half of the temp names Keyward could use, and a world-writable
    // file of someone else under the other half.
    // The last process id handed out is the last field of /proc/loadavg.
    let loadavg = std::fs::read_to_string("/proc/loadavg").unwrap();
    let last: u32 = loadavg.split_whitespace().last().unwrap().parse().unwrap();
    for pid in last + 1..last + 400 {
        let temp = reports.join(format!(".keys.csv.{pid}.tmp"));
        if pid % 2 == 0 {
            symlink(&victim, &temp).unwrap();
        } else {
            std::fs::write(&temp, "").unwrap();
            chmod(&temp, 0o666);
            if is_root() {
                give_to_nobody(&temp);
            }
        }
    }
    let file = reports.join("keys.csv");
    let out = app.run(&["report", "--output", file.to_str().unwrap()]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert_eq!(
        std::fs::read_to_string(&victim).unwrap(),
        "precious\n",
        "a planted link made Keyward write the report into another file"
    );
    let meta = std::fs::symlink_metadata(&file).unwrap();
    assert!(meta.file_type().is_file(), "the report is a regular file");
    assert_eq!(
        meta.permissions().mode() & 0o777,
        0o600,
        "a planted file made the report readable by others"
    );
    assert_eq!(
        meta.uid(),
        std::fs::metadata("/proc/self").unwrap().uid(),
        "the report belongs to the person who wrote it"
    );
    assert!(
        std::fs::read_to_string(&file)
            .unwrap()
            .starts_with("Key ID,Name,")
    );
}

#[test]
fn report_output_dash_writes_the_report_to_standard_output() {
    let app = App::new();
    app.generate(&unique("dash"));
    let out = app.run(&["report", "--format", "json", "--output", "-"]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let rows = json(&text(&out.stdout));
    assert_eq!(rows.as_array().map(Vec::len), Some(1), "the report: {rows}");
    assert!(
        !app.root.path().join("-").exists() && !Path::new("-").exists(),
        "no file called '-' was made"
    );
}

#[test]
fn report_output_refuses_links_fifos_folders_and_files_of_someone_else() {
    let app = App::new();
    app.generate(&unique("targets"));
    let dir = app.root.path().join("targets");
    std::fs::create_dir_all(&dir).unwrap();
    let victim = dir.join("victim.txt");
    std::fs::write(&victim, "precious\n").unwrap();

    let link = dir.join("link.csv");
    symlink(&victim, &link).unwrap();
    let like_dev_stdout = dir.join("stdout");
    symlink("/proc/self/fd/1", &like_dev_stdout).unwrap();
    let fifo = dir.join("fifo.csv");
    assert!(
        Command::new("mkfifo")
            .arg(&fifo)
            .status()
            .unwrap()
            .success()
    );
    let folder = dir.join("folder.csv");
    std::fs::create_dir(&folder).unwrap();

    for target in [&link, &like_dev_stdout, &fifo, &folder] {
        let out = app.run(&["report", "--output", target.to_str().unwrap()]);
        let stderr = text(&out.stderr);
        assert_eq!(out.status.code(), Some(1), "{target:?} was accepted");
        assert!(
            stderr.contains("not a regular file") && stderr.contains("--output -"),
            "a plain message for {target:?}: {stderr}"
        );
        assert!(!stderr.contains("panicked"), "{stderr}");
    }
    assert!(
        std::fs::symlink_metadata(&link)
            .unwrap()
            .file_type()
            .is_symlink()
    );
    assert!(
        std::fs::symlink_metadata(&like_dev_stdout)
            .unwrap()
            .file_type()
            .is_symlink(),
        "a link like /dev/stdout is left as it is"
    );
    assert!(
        std::fs::symlink_metadata(&fifo)
            .unwrap()
            .file_type()
            .is_fifo()
    );
    assert_eq!(std::fs::read_to_string(&victim).unwrap(), "precious\n");

    // A file of the person's own with a loose mode is replaced by a private one.
    let own = dir.join("own.csv");
    std::fs::write(&own, "old").unwrap();
    chmod(&own, 0o666);
    app.ok(&["report", "--output", own.to_str().unwrap()]);
    assert_eq!(mode(&own), 0o600);

    if is_root() {
        let theirs = dir.join("theirs.csv");
        std::fs::write(&theirs, "theirs\n").unwrap();
        chmod(&theirs, 0o666);
        give_to_nobody(&theirs);
        let out = app.run(&["report", "--output", theirs.to_str().unwrap()]);
        assert_eq!(out.status.code(), Some(1), "another user's file was used");
        assert!(
            text(&out.stderr).contains("belongs to another user"),
            "{}",
            text(&out.stderr)
        );
        assert_eq!(std::fs::read_to_string(&theirs).unwrap(), "theirs\n");
        assert_eq!(std::fs::metadata(&theirs).unwrap().uid(), 65534);
    }
}

// ---- data folder and audit.log ---------------------------------------------

/// Makes the data folder with `mode` before Keyward first runs.
fn data_folder_with_mode(app: &App, mode: u32) -> PathBuf {
    let dir = app.data_dir();
    std::fs::create_dir_all(&dir).unwrap();
    chmod(&dir, mode);
    dir
}

#[test]
fn a_data_folder_readable_by_others_is_made_private_and_keyward_says_so() {
    let app = App::new();
    let dir = data_folder_with_mode(&app, 0o755);
    let out = app.run(&["list"]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert_eq!(mode(&dir), 0o700, "the data folder was used as it was");
    assert!(
        text(&out.stderr).contains("made it private"),
        "{}",
        text(&out.stderr)
    );
}

#[test]
fn a_data_folder_others_can_write_to_is_refused_in_plain_words() {
    let app = App::new();
    let dir = data_folder_with_mode(&app, 0o777);
    let out = app.run(&["generate", "--service", &unique("loose")]);
    assert_eq!(out.status.code(), Some(1), "a loose data folder was used");
    let stderr = text(&out.stderr);
    assert!(
        stderr.contains("can change files in") && stderr.contains("chmod 700"),
        "{stderr}"
    );
    assert!(!dir.join("catalog.json").exists(), "nothing was written");
    assert_eq!(mode(&dir), 0o777, "left for the person to check");
}

#[test]
fn the_window_says_in_plain_words_why_a_loose_data_folder_is_not_used() {
    let app = App::new();
    data_folder_with_mode(&app, 0o777);
    let win = window(&app, "main");
    let err = invoke(&win, "list_keys", json!({})).unwrap_err();
    assert_eq!(err["code"], "unsafe_file", "{err}");
    let message = err["message"].as_str().unwrap();
    assert!(
        message.contains("can change files in") && message.contains("chmod 700"),
        "{message}"
    );
}

#[test]
fn a_link_planted_as_audit_log_is_not_written_through() {
    let app = App::new();
    let dir = data_folder_with_mode(&app, 0o700);
    let victim = app.root.path().join("victim.log");
    std::fs::write(&victim, "precious\n").unwrap();
    symlink(&victim, dir.join("audit.log")).unwrap();
    let out = app.run(&["generate", "--service", &unique("linked")]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert_eq!(
        std::fs::read_to_string(&victim).unwrap(),
        "precious\n",
        "the audit entry went through the link"
    );
    let stderr = text(&out.stderr);
    assert!(
        stderr.contains("audit.log") && stderr.contains("is a link"),
        "{stderr}"
    );
}

#[test]
fn an_audit_log_readable_by_others_is_made_private() {
    let app = App::new();
    app.generate(&unique("loose-log"));
    let log = app.data_dir().join("audit.log");
    chmod(&log, 0o644);
    let out = app.run(&["generate", "--service", &unique("loose-log")]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert_eq!(mode(&log), 0o600, "a loose audit.log was used as it was");
    assert!(
        text(&out.stderr).contains("made it private"),
        "{}",
        text(&out.stderr)
    );
    assert_eq!(crate::audit::entries(&app).len(), 2);
}

#[test]
fn an_audit_log_of_someone_else_is_not_written() {
    if !is_root() {
        // Only root can give a file away; nothing to try otherwise.
        return;
    }
    let app = App::new();
    app.generate(&unique("their-log"));
    let log = app.data_dir().join("audit.log");
    give_to_nobody(&log);
    let before = std::fs::read(&log).unwrap();
    let out = app.run(&["generate", "--service", &unique("their-log")]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert_eq!(std::fs::read(&log).unwrap(), before, "written through");
    assert!(
        text(&out.stderr).contains("belongs to another user"),
        "{}",
        text(&out.stderr)
    );
}

// ---- pipes ----------------------------------------------------------------

/// Runs `keyward ARGS` with standard output a pipe whose reading end is
/// already closed, as `keyward ARGS | head -1` is once head has its line.
fn run_into_closed_pipe(app: &App, args: &[&str]) -> std::process::Output {
    let (reader, writer) = std::io::pipe().unwrap();
    drop(reader);
    app.cmd(args)
        .stdout(writer)
        .stderr(Stdio::piped())
        .output()
        .unwrap()
}

#[test]
fn list_and_due_into_a_closed_pipe_exit_quietly_and_due_keeps_its_status() {
    let app = App::new();
    let out = app.run_with_input(
        &[
            "add",
            "--service",
            &unique("piped"),
            "--credential-id",
            "AKIA-PIPE",
            "--created",
            &days_ago(120),
        ],
        "sk_live_pipe",
    );
    assert!(out.status.success(), "{}", text(&out.stderr));
    for (args, status) in [
        (&["list"][..], 0),
        (&["list", "--json"][..], 0),
        (&["due"][..], 4),
        (&["due", "--json"][..], 4),
        (&["report"][..], 0),
    ] {
        let out = run_into_closed_pipe(&app, args);
        assert_eq!(
            out.status.code(),
            Some(status),
            "{args:?}: {}",
            text(&out.stderr)
        );
        assert_eq!(text(&out.stderr), "", "{args:?} exits quietly");
    }
    // The same through a real shell pipe, as a person types it.
    let out = Command::new("bash")
        .args([
            "-c",
            "set -o pipefail; \"$0\" due | head -1 >/dev/null",
            env!("CARGO_BIN_EXE_keyward"),
        ])
        .envs(
            app.cmd(&[])
                .get_envs()
                .filter_map(|(k, v)| Some((k.to_owned(), v?.to_owned()))),
        )
        .env_remove("KEYWARD_DATA_DIR")
        .stdin(Stdio::null())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(4), "{}", text(&out.stderr));
    assert!(!text(&out.stderr).contains("panicked"));
}

/// Runs `keyward ARGS` with standard output and standard error one pipe
/// whose reading end is already closed, as `keyward ARGS 2>&1 | true`.
fn run_with_both_into_closed_pipe(app: &App, args: &[&str]) -> std::process::Output {
    let (reader, writer) = std::io::pipe().unwrap();
    drop(reader);
    app.cmd(args)
        .stdout(writer.try_clone().unwrap())
        .stderr(writer)
        .output()
        .unwrap()
}

#[test]
fn warnings_into_a_closed_pipe_never_panic_and_due_keeps_its_status() {
    let app = App::new();
    // Each of these makes Keyward say something on standard error first.
    data_folder_with_mode(&app, 0o755);
    let settings = app.settings_path();
    std::fs::create_dir_all(settings.parent().unwrap()).unwrap();
    std::fs::write(&settings, r#"{"rotation_months": 0}"#).unwrap();
    let out = app.run_with_input(
        &[
            "add",
            "--service",
            &unique("warned"),
            "--credential-id",
            "AKIA-WARN",
            "--created",
            &days_ago(120),
        ],
        "sk_live_warn",
    );
    assert!(out.status.success(), "{}", text(&out.stderr));
    chmod(&app.data_dir(), 0o755);
    for (args, status) in [
        (&["due"][..], 4),
        (&["due", "--json"][..], 4),
        (&["list"][..], 0),
        (&["report"][..], 0),
    ] {
        let out = run_with_both_into_closed_pipe(&app, args);
        assert_eq!(out.status.code(), Some(status), "{args:?} (101 is a panic)");
    }
}

#[test]
fn the_background_program_with_a_closed_standard_error_still_reminds() {
    // Started as `keyward --background 2>&1 | logger` after the logger went
    // away: its warnings cannot be written, and reminders must go on.
    let app = App::new();
    let _alone = APP_RUNNING
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner);
    let out = app.run_with_input(
        &[
            "add",
            "--service",
            &unique("bg-closed"),
            "--credential-id",
            "AKIA-BG",
            "--created",
            &days_ago(120),
            "--json",
        ],
        "sk_live_bg",
    );
    assert!(out.status.success(), "{}", text(&out.stderr));
    let name = json(&text(&out.stdout))["name"]
        .as_str()
        .unwrap()
        .to_owned();
    // Damaged settings: the background program warns before its first look.
    let settings = app.settings_path();
    std::fs::create_dir_all(settings.parent().unwrap()).unwrap();
    std::fs::write(&settings, r#"{"rotation_months": 0}"#).unwrap();
    let (reader, writer) = std::io::pipe().unwrap();
    drop(reader);
    let mut child = app
        .cmd(&["--background"])
        .stdout(writer.try_clone().unwrap())
        .stderr(writer)
        .spawn()
        .unwrap();
    let reminded = poll_until(std::time::Duration::from_secs(20), || {
        std::fs::read_to_string(app.data_dir().join("audit.log"))
            .unwrap_or_default()
            .lines()
            .map(json)
            .any(|e| e["action"] == "reminder_sent" && e["key_name"] == name.as_str())
    });
    app.stop_processes();
    let _ = child.kill();
    let _ = child.wait();
    assert!(reminded, "the overdue key was reminded");
}

// ---- terminals --------------------------------------------------------------

/// Removes a keychain item planted by a test, even when the test fails.
struct Planted(String);

impl Drop for Planted {
    fn drop(&mut self) {
        let _ = Command::new("secret-tool")
            .args(["clear", "service", SERVICE, "username", &self.0])
            .status();
    }
}

#[test]
fn check_shows_planted_keychain_names_escaped_never_raw() {
    let app = App::new();
    let marker = unique("esc");
    let hostile = format!("{marker}\u{1b}]0;pwned\u{7}\u{1b}[2J\u{202e}gpj.exe\u{9b}31m");
    keychain_store(&hostile, "planted");
    let _cleanup = Planted(hostile.clone());
    for args in [&["check"][..], &["check", "--json"][..]] {
        let out = app.run(args);
        assert!(out.status.success(), "{}", text(&out.stderr));
        let stdout = text(&out.stdout);
        assert!(stdout.contains(&marker), "the item is listed: {stdout}");
        for raw in ['\u{1b}', '\u{7}', '\u{202e}', '\u{9b}'] {
            assert!(
                !stdout.contains(raw),
                "{args:?} printed {raw:?} raw: {stdout:?}"
            );
        }
        if args.len() == 1 {
            assert!(
                stdout.contains(r"\u{1b}]0;pwned\u{7}") && stdout.contains(r"\u{202e}gpj.exe"),
                "shown visibly: {stdout}"
            );
        } else {
            let check = json(&stdout);
            assert!(
                check["orphans"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .any(|o| o == hostile.as_str()),
                "JSON keeps the exact name: {check}"
            );
        }
    }
    // What a person typed comes back escaped too.
    let out = app.run(&["reveal", "\u{1b}[31mred"]);
    assert_eq!(out.status.code(), Some(1));
    let stderr = text(&out.stderr);
    assert!(
        !stderr.contains('\u{1b}') && stderr.contains(r"\u{1b}[31mred"),
        "{stderr:?}"
    );
}

// ---- names and ids ----------------------------------------------------------

#[test]
fn a_key_named_with_another_keys_id_never_makes_delete_or_reveal_take_the_other_key() {
    let app = App::new();
    let first = app.generate(&unique("first"));
    let first_id = first["id"].as_str().unwrap().to_owned();
    let first_name = first["name"].as_str().unwrap().to_owned();
    let out = app.run(&["generate", "--service", "second", "--name", &first_id]);
    assert_eq!(
        out.status.code(),
        Some(1),
        "a new key may not be named with another key's id"
    );
    assert!(text(&out.stderr).contains("is the id of another key"));
    // A list of keys from before that rule (or edited by hand) can still hold one.
    let second = app.generate(&unique("second"));
    let second_id = second["id"].as_str().unwrap().to_owned();
    let catalog = std::fs::read_to_string(app.catalog_path()).unwrap();
    let second_name = second["name"].as_str().unwrap();
    std::fs::write(
        app.catalog_path(),
        catalog.replace(&format!("\"{second_name}\""), &format!("\"{first_id}\"")),
    )
    .unwrap();
    assert!(app.names().contains(&first_id), "set up: {:?}", app.names());

    for args in [
        &["delete", &first_id, "--yes"][..],
        &["reveal", &first_id][..],
    ] {
        let out = app.run(args);
        assert_eq!(out.status.code(), Some(1), "{args:?} was not refused");
        let stderr = text(&out.stderr);
        assert!(
            stderr.contains("both") && stderr.contains(&first_name) && stderr.contains(&second_id),
            "the message lists both keys: {stderr}"
        );
        assert_eq!(text(&out.stdout), "", "no secret printed");
    }
    assert_eq!(app.list().len(), 2, "nothing was deleted");
    assert!(keychain_secret(&first_id).is_some());

    // The window names keys by id only: it reveals the key with that id.
    let win = window(&app, "main");
    let shown = invoke(&win, "reveal_secret", json!({"id": first_id})).unwrap();
    assert_eq!(shown, first["secret"], "the window took the other key");
    let shown = invoke(&win, "reveal_secret", json!({"id": second_id})).unwrap();
    assert_eq!(shown, second["secret"]);

    // Unambiguous names and ids still work.
    assert_eq!(
        app.ok(&["reveal", &first_name]),
        format!("{}\n", first["secret"].as_str().unwrap())
    );
    app.ok(&["delete", &second_id, "--yes"]);
    assert_eq!(app.names(), [first_name]);
    assert!(keychain_secret(&first_id).is_some(), "the other key stays");
    assert_eq!(keychain_secret(&second_id), None);
}

// ---- mistyped Keyward keys --------------------------------------------------

/// `token` with one character of its random part changed.
fn typo(token: &str) -> String {
    let mut bytes = token.as_bytes().to_vec();
    bytes[9] = if bytes[9] == b'a' { b'b' } else { b'a' };
    String::from_utf8(bytes).unwrap()
}

#[test]
fn add_refuses_a_keyward_credential_id_or_secret_with_a_typo() {
    let app = App::new();
    let made = app.generate(&unique("typo-src"));
    let id = made["credential_id"].as_str().unwrap();
    let secret = made["secret"].as_str().unwrap();
    for (credential_id, pasted) in [
        (typo(id), secret.to_owned()),
        (id.to_owned(), typo(secret)),
        (id.to_owned(), secret[..secret.len() - 1].to_owned()),
    ] {
        let out = app.run_with_input(
            &[
                "add",
                "--service",
                &unique("typo"),
                "--credential-id",
                &credential_id,
            ],
            &pasted,
        );
        assert_eq!(
            out.status.code(),
            Some(1),
            "a damaged Keyward key was added"
        );
        assert!(
            text(&out.stderr).contains("looks like a Keyward key with a typo"),
            "{}",
            text(&out.stderr)
        );
    }
    assert_eq!(app.list().len(), 1, "nothing was added");
    // The exact values, and keys of other vendors, are accepted as before
    // (once the original is deleted: a credential ID is recorded only once).
    app.ok(&["delete", made["name"].as_str().unwrap(), "--yes"]);
    let out = app.run_with_input(
        &["add", "--service", &unique("copy"), "--credential-id", id],
        secret,
    );
    assert!(out.status.success(), "{}", text(&out.stderr));
    let out = app.run_with_input(
        &[
            "add",
            "--service",
            &unique("vendor"),
            "--credential-id",
            "kwidget-123",
        ],
        "kwsk-not-ours",
    );
    assert!(out.status.success(), "{}", text(&out.stderr));

    // The window's Add screen gets the same answer.
    let win = window(&app, "main");
    let err = invoke(
        &win,
        "add_key",
        json!({"service": "svc", "application": null, "name": null,
            "credential_id": typo(id), "secret": secret, "created": null, "notes": null}),
    )
    .unwrap_err();
    assert_eq!(err["code"], "invalid_input");
    assert!(
        err["message"]
            .as_str()
            .unwrap()
            .contains("looks like a Keyward key with a typo"),
        "{err}"
    );
}

// ---- a data folder that cannot be written -----------------------------------

/// Makes a folder read-only for Keyward until dropped: a read-only bind
/// mount as root (where permissions do not stop writes), mode 0500 otherwise.
struct ReadOnly(PathBuf, bool);

impl ReadOnly {
    fn new(dir: &Path) -> Self {
        if is_root() {
            let run = |args: &[&str]| {
                let status = Command::new("mount").args(args).arg(dir).arg(dir).status();
                assert!(status.unwrap().success(), "mount {args:?} failed");
            };
            run(&["--bind"]);
            let status = Command::new("mount")
                .args(["-o", "remount,bind,ro"])
                .arg(dir)
                .status();
            let guard = Self(dir.to_owned(), true);
            assert!(status.unwrap().success(), "read-only remount failed");
            guard
        } else {
            chmod(dir, 0o500);
            Self(dir.to_owned(), false)
        }
    }
}

impl Drop for ReadOnly {
    fn drop(&mut self) {
        if self.1 {
            let _ = Command::new("umount").arg(&self.0).status();
        } else {
            chmod(&self.0, 0o700);
        }
    }
}

#[test]
fn reveal_and_copy_give_the_secret_when_the_data_folder_cannot_be_written() {
    let app = App::new();
    let key = app.generate(&unique("readonly"));
    let name = key["name"].as_str().unwrap();
    let secret = key["secret"].as_str().unwrap();
    let before = std::fs::read(app.catalog_path()).unwrap();
    let win = window(&app, "main");
    let _read_only = ReadOnly::new(&app.data_dir());
    assert!(
        std::fs::write(app.data_dir().join("probe"), "x").is_err(),
        "the folder is read-only"
    );

    let out = app.run(&["reveal", name]);
    assert!(
        out.status.success(),
        "reveal failed because the catalog could not be written: {}",
        text(&out.stderr)
    );
    assert_eq!(text(&out.stdout), format!("{secret}\n"));
    let stderr = text(&out.stderr);
    assert!(
        stderr.contains("could not") && stderr.contains("last shown"),
        "the missed history update is noted: {stderr}"
    );

    let copied = invoke(&win, "copy_secret", json!({"id": key["id"]}));
    assert!(copied.is_ok(), "Copy failed: {copied:?}");
    assert_eq!(std::fs::read(app.catalog_path()).unwrap(), before);
}
