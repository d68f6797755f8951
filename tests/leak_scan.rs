//! The leak check (`keyward scan`) against real files, real git
//! repositories made here and the real keychain: ignored files, history,
//! a colleague's key, keys split across lines, binary files, link loops,
//! unreadable folders and the pre-commit hook in a real `git commit`.

use std::os::unix::fs::{MetadataExt, PermissionsExt, symlink};
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

use serde_json::Value;

use crate::util::*;

/// A folder outside the app's folders for the planted files (so the "no
/// secret in any file Keyward wrote" check does not find the plants).
fn plant_dir() -> tempfile::TempDir {
    tempfile::Builder::new()
        .prefix("keyward-scan-")
        .tempdir()
        .unwrap()
}

/// `command` with the environment `app` gives Keyward, so a hook started
/// by it runs this test's Keyward.
fn with_app_env(app: &App, mut command: Command) -> Command {
    let base = app.cmd(&[]);
    for (key, value) in base.get_envs() {
        match value {
            Some(value) => command.env(key, value),
            None => command.env_remove(key),
        };
    }
    command
        .env("GIT_AUTHOR_NAME", "Sam Tester")
        .env("GIT_AUTHOR_EMAIL", "sam@example.com")
        .env("GIT_COMMITTER_NAME", "Sam Tester")
        .env("GIT_COMMITTER_EMAIL", "sam@example.com")
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .env("GIT_CONFIG_GLOBAL", "/dev/null")
        .stdin(Stdio::null());
    command
}

fn git(app: &App, repo: &Path, args: &[&str]) -> Output {
    let mut command = with_app_env(app, Command::new("git"));
    command.arg("-C").arg(repo).args(args);
    command.output().expect("git runs")
}

fn git_ok(app: &App, repo: &Path, args: &[&str]) -> String {
    let out = git(app, repo, args);
    assert!(
        out.status.success(),
        "git {args:?} failed: {}",
        text(&out.stderr)
    );
    text(&out.stdout)
}

fn new_repo(app: &App, dir: &Path) {
    git_ok(app, dir, &["init", "-q", "-b", "main"]);
}

/// Adds a key made elsewhere with `secret`; its name.
fn add_key(app: &App, secret: &str) -> String {
    let service = unique("scanned");
    let out = app.run_with_input(
        &[
            "add",
            "--service",
            &service,
            "--credential-id",
            &unique("CID"),
            "--json",
        ],
        secret,
    );
    assert!(out.status.success(), "{}", text(&out.stderr));
    json(&text(&out.stdout))["name"]
        .as_str()
        .unwrap()
        .to_owned()
}

/// A generated key: (name, secret).
fn generated_key(app: &App) -> (String, String) {
    let made = app.generate(&unique("scanned"));
    (
        made["name"].as_str().unwrap().to_owned(),
        made["secret"].as_str().unwrap().to_owned(),
    )
}

/// `keyward scan ARGS --json`: (exit status, parsed output, stderr).
fn scan_json(app: &App, args: &[&str]) -> (i32, Value, String) {
    let mut all = vec!["scan"];
    all.extend_from_slice(args);
    all.push("--json");
    let out = app.run(&all);
    let stdout = text(&out.stdout);
    (
        out.status.code().unwrap_or(-1),
        serde_json::from_str(&stdout).unwrap_or_else(|e| {
            panic!(
                "scan --json gave no JSON ({e}): {stdout}\n{}",
                text(&out.stderr)
            )
        }),
        text(&out.stderr),
    )
}

fn hits(report: &Value) -> Vec<Value> {
    report["hits"].as_array().cloned().unwrap_or_default()
}

fn path_str(path: &Path) -> &str {
    path.to_str().unwrap()
}

fn is_root() -> bool {
    std::fs::metadata("/proc/self").is_ok_and(|m| m.uid() == 0)
}

#[test]
fn a_key_in_an_ignored_env_file_is_found_only_when_checking_everywhere() {
    let app = App::new();
    let (name, secret) = generated_key(&app);
    let dir = plant_dir();
    let repo = dir.path();
    new_repo(&app, repo);
    std::fs::write(repo.join(".gitignore"), ".env\n").unwrap();
    std::fs::write(
        repo.join("app.py"),
        "import os\nKEY = os.environ['API_KEY']\n",
    )
    .unwrap();
    std::fs::write(repo.join(".env"), format!("# local\nAPI_KEY={secret}\n")).unwrap();

    let (status, report, stderr) = scan_json(&app, &[path_str(repo)]);
    assert_eq!(
        status, 0,
        "what git would commit holds no key: {report} {stderr}"
    );
    assert!(hits(&report).is_empty());
    assert!(report["scanned"].as_u64().unwrap() >= 2, "{report}");

    let (status, report, _) = scan_json(&app, &[path_str(repo), "--everywhere"]);
    assert_eq!(status, 5, "{report}");
    let found = hits(&report);
    assert_eq!(found.len(), 1, "{report}");
    assert_eq!(found[0]["key_name"], name.as_str());
    assert_eq!(found[0]["kind"], "stored");
    assert_eq!(found[0]["path"], path_str(&repo.join(".env")));
    assert_eq!(
        (found[0]["line"].as_u64(), found[0]["column"].as_u64()),
        (Some(2), Some(9))
    );

    // The words: key name, file, line and column, never the secret.
    let out = app.run(&["scan", path_str(repo), "--everywhere"]);
    assert_eq!(out.status.code(), Some(5));
    let said = text(&out.stdout);
    assert!(said.contains(&name), "{said}");
    assert!(
        said.contains(&format!("{}:2:9", repo.join(".env").display())),
        "{said}"
    );
    assert!(!said.contains(&secret[5..]) && !text(&out.stderr).contains(&secret[5..]));
}

#[test]
fn history_finds_a_key_without_a_prefix_committed_then_removed() {
    let app = App::new();
    // A vendor-style secret with no known prefix.
    let secret = app.generate(&unique("source"))["secret"].as_str().unwrap()[5..].to_owned();
    let name = add_key(&app, &secret);
    let dir = plant_dir();
    let repo = dir.path();
    new_repo(&app, repo);
    std::fs::write(repo.join("README"), "hello\n").unwrap();
    git_ok(&app, repo, &["add", "."]);
    git_ok(&app, repo, &["commit", "-q", "-m", "first"]);
    std::fs::create_dir(repo.join("config")).unwrap();
    std::fs::write(
        repo.join("config/settings.yml"),
        format!("service:\n  url: https://api.example.com\n  token: \"{secret}\"\n"),
    )
    .unwrap();
    git_ok(&app, repo, &["add", "."]);
    git_ok(&app, repo, &["commit", "-q", "-m", "add settings"]);
    let leaking = git_ok(&app, repo, &["rev-parse", "HEAD"]).trim().to_owned();
    std::fs::write(
        repo.join("config/settings.yml"),
        "service:\n  token: ${TOKEN}\n",
    )
    .unwrap();
    git_ok(&app, repo, &["commit", "-q", "-am", "take the token out"]);

    let (status, report, _) = scan_json(&app, &[path_str(repo), "--everywhere"]);
    assert_eq!(status, 0, "the files today hold no key: {report}");

    let (status, report, stderr) = scan_json(&app, &[path_str(repo), "--history"]);
    assert_eq!(status, 5, "{report} {stderr}");
    let found = hits(&report);
    assert_eq!(found.len(), 1, "one blob, added by one commit: {report}");
    assert_eq!(found[0]["key_name"], name.as_str());
    assert_eq!(found[0]["commit"], leaking.as_str());
    assert_eq!(found[0]["path"], "config/settings.yml");
    assert_eq!(
        (found[0]["line"].as_u64(), found[0]["column"].as_u64()),
        (Some(3), Some(11))
    );
    let date = found[0]["author_date"].as_str().unwrap();
    assert!(chrono::DateTime::parse_from_rfc3339(date).is_ok(), "{date}");

    let out = app.run(&["scan", path_str(repo), "--history"]);
    let said = text(&out.stdout);
    assert!(
        said.contains(&leaking[..12]) && said.contains(&name),
        "{said}"
    );
}

#[test]
fn a_colleagues_keyward_key_is_reported_and_a_key_split_across_lines_is_not() {
    let app = App::new();
    let (_, mine) = generated_key(&app);
    // A colleague's Keyward: another data folder, the same kind of key.
    let elsewhere = plant_dir();
    let out = app
        .cmd(&["generate", "--service", &unique("colleague"), "--json"])
        .env("XDG_DATA_HOME", elsewhere.path())
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", text(&out.stderr));
    let theirs = json(&text(&out.stdout))["secret"]
        .as_str()
        .unwrap()
        .to_owned();
    let dir = plant_dir();
    std::fs::write(
        dir.path().join("notes.md"),
        format!(
            "Use this one:\n    export TOKEN={theirs}\nand not this, split by the mail program:\n    {}\n{}\n",
            &mine[..30],
            &mine[30..]
        ),
    )
    .unwrap();
    let (status, report, _) = scan_json(&app, &[path_str(dir.path())]);
    assert_eq!(status, 5, "{report}");
    let found = hits(&report);
    assert_eq!(
        found.len(),
        1,
        "only the colleague's key, not the split one: {report}"
    );
    assert_eq!(found[0]["kind"], "keyward_not_held");
    assert_eq!(found[0]["key_name"], Value::Null);
    assert_eq!(
        (found[0]["line"].as_u64(), found[0]["column"].as_u64()),
        (Some(2), Some(18))
    );
    let out = app.run(&["scan", path_str(dir.path())]);
    assert!(
        text(&out.stdout).contains("a Keyward key that Keyward does not hold"),
        "{}",
        text(&out.stdout)
    );

    // Joined again, it is found as the person's own key.
    std::fs::write(dir.path().join("notes.md"), format!("{mine}\n")).unwrap();
    let (status, report, _) = scan_json(&app, &[path_str(dir.path())]);
    assert_eq!(
        (status, hits(&report)[0]["kind"].clone()),
        (5, "stored".into())
    );
}

#[test]
fn binary_files_link_loops_and_unreadable_folders_are_counted_and_the_scan_goes_on() {
    let app = App::new();
    let (name, secret) = generated_key(&app);
    let dir = plant_dir();
    let root = dir.path();
    std::fs::write(root.join("found.txt"), format!("{secret}\n")).unwrap();
    let mut binary = b"\x7fELF\x02\x01\x01\0\0\0".to_vec();
    binary.extend_from_slice(secret.as_bytes());
    std::fs::write(root.join("program.bin"), &binary).unwrap();
    std::fs::create_dir(root.join("deep")).unwrap();
    symlink("..", root.join("deep/loop")).unwrap();
    let locked = root.join("locked");
    std::fs::create_dir(&locked).unwrap();
    std::fs::write(locked.join("hidden.txt"), format!("{secret}\n")).unwrap();
    std::fs::set_permissions(&locked, std::fs::Permissions::from_mode(0o000)).unwrap();

    // Root reads every folder: drop that power so the folder is unreadable.
    let base = app.cmd(&["scan", path_str(root), "--everywhere", "--json"]);
    let mut command = if is_root() {
        let mut c = Command::new("setpriv");
        c.args([
            "--inh-caps=-dac_override,-dac_read_search",
            "--bounding-set=-dac_override,-dac_read_search",
            "--",
        ])
        .arg(base.get_program())
        .args(base.get_args());
        with_app_env(&app, c)
    } else {
        base
    };
    let mut child = command
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let status = wait_within(&mut child, std::time::Duration::from_secs(60));
    let out = child.wait_with_output().unwrap();
    std::fs::set_permissions(&locked, std::fs::Permissions::from_mode(0o700)).unwrap();
    let report = json(&text(&out.stdout));
    assert_eq!(status.code(), Some(5), "{report} {}", text(&out.stderr));
    let found = hits(&report);
    assert_eq!(found.len(), 1, "the text file only: {report}");
    assert_eq!(found[0]["key_name"], name.as_str());
    assert_eq!(found[0]["path"], path_str(&root.join("found.txt")));
    assert_eq!(report["binary_skipped"], 1, "{report}");
    let unreadable = report["unreadable"].as_array().unwrap();
    let listed = |end: &str| {
        unreadable
            .iter()
            .any(|u| u["path"].as_str().unwrap().ends_with(end))
    };
    assert!(listed("locked"), "the locked folder is listed: {report}");
    assert!(listed("loop"), "the link loop is listed: {report}");
    assert!(
        text(&out.stderr).contains("could not read"),
        "{}",
        text(&out.stderr)
    );
}

#[test]
fn the_pre_commit_hook_refuses_a_commit_that_holds_a_key_in_a_real_git_commit() {
    let app = App::new();
    let (name, secret) = generated_key(&app);
    let dir = plant_dir();
    let repo = dir.path();
    new_repo(&app, repo);
    std::fs::write(repo.join("README"), "hello\n").unwrap();
    git_ok(&app, repo, &["add", "."]);
    git_ok(&app, repo, &["commit", "-q", "-m", "before the hook"]);

    let said = app.ok(&["scan", "--install-hook", path_str(repo)]);
    let hook = repo.join(".git/hooks/pre-commit");
    assert!(said.contains("pre-commit"), "{said}");
    assert!(std::fs::metadata(&hook).unwrap().permissions().mode() & 0o111 != 0);
    let installed = std::fs::read_to_string(&hook).unwrap();

    // An existing hook is kept unless --force.
    let out = app.run(&["scan", "--install-hook", path_str(repo)]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        text(&out.stderr).contains("--force"),
        "{}",
        text(&out.stderr)
    );
    assert_eq!(std::fs::read_to_string(&hook).unwrap(), installed);
    std::fs::write(&hook, "#!/bin/sh\nexit 0\n").unwrap();
    app.ok(&["scan", "--install-hook", path_str(repo), "--force"]);
    assert_eq!(std::fs::read_to_string(&hook).unwrap(), installed);

    // A commit holding the key is refused, naming it.
    std::fs::write(
        repo.join("deploy.sh"),
        format!("curl -H 'Authorization: {secret}' x\n"),
    )
    .unwrap();
    git_ok(&app, repo, &["add", "deploy.sh"]);
    let out = git(&app, repo, &["commit", "-q", "-m", "deploy script"]);
    assert!(!out.status.success(), "the commit went through");
    let said = format!("{}{}", text(&out.stdout), text(&out.stderr));
    assert!(
        said.contains(&name) && said.contains("deploy.sh:1:"),
        "{said}"
    );
    assert!(!said.contains(&secret[5..]), "the hook printed the secret");
    assert_eq!(
        git_ok(&app, repo, &["rev-list", "--count", "HEAD"]).trim(),
        "1",
        "nothing was committed"
    );
    let (status, report, _) = scan_json(&app, &["--staged", path_str(repo)]);
    assert_eq!(
        (status, hits(&report)[0]["path"].clone()),
        (5, "deploy.sh".into())
    );

    // Without the key the same commit goes through.
    std::fs::write(
        repo.join("deploy.sh"),
        "curl -H \"Authorization: $TOKEN\" x\n",
    )
    .unwrap();
    git_ok(&app, repo, &["add", "deploy.sh"]);
    git_ok(&app, repo, &["commit", "-q", "-m", "deploy script"]);
    assert_eq!(
        git_ok(&app, repo, &["rev-list", "--count", "HEAD"]).trim(),
        "2"
    );
}

#[test]
fn no_output_file_or_audit_line_of_a_scan_holds_a_secret() {
    let app = App::new();
    let (name, secret) = generated_key(&app);
    let plain = app.generate(&unique("source"))["secret"].as_str().unwrap()[5..].to_owned();
    let plain_name = add_key(&app, &plain);
    let dir = plant_dir();
    let repo = dir.path();
    new_repo(&app, repo);
    std::fs::write(repo.join("a.env"), format!("A={secret}\nB={plain}\n")).unwrap();
    git_ok(&app, repo, &["add", "."]);
    git_ok(&app, repo, &["commit", "-q", "-m", "keys"]);
    let mut outputs = Vec::new();
    for args in [
        vec!["scan", path_str(repo)],
        vec!["scan", path_str(repo), "--json"],
        vec!["scan", path_str(repo), "--everywhere"],
        vec!["scan", path_str(repo), "--history", "--json"],
        vec!["scan", path_str(repo), "--history"],
    ] {
        let out = app.run(&args);
        assert_eq!(
            out.status.code(),
            Some(5),
            "{args:?}: {}",
            text(&out.stderr)
        );
        outputs.push(text(&out.stdout));
        outputs.push(text(&out.stderr));
    }
    let audit = std::fs::read_to_string(app.data_dir().join("audit.log")).unwrap();
    let leak_lines: Vec<&str> = audit
        .lines()
        .filter(|l| l.contains("\"leak_found\""))
        .collect();
    assert!(leak_lines.len() >= 10, "an audit entry per hit: {audit}");
    assert!(
        leak_lines.iter().any(|l| l.contains(&name))
            && leak_lines.iter().any(|l| l.contains(&plain_name))
    );
    let fingerprints = app.data_dir().join("fingerprints.json");
    assert_eq!(
        std::fs::metadata(&fingerprints)
            .unwrap()
            .permissions()
            .mode()
            & 0o777,
        0o600
    );

    let mut files: Vec<PathBuf> = Vec::new();
    files_under(app.root.path(), &mut files);
    for needle in [&secret[..], &secret[5..25], &plain[..], &plain[4..24]] {
        for said in &outputs {
            assert!(
                !said.contains(needle),
                "an output holds (part of) a secret: {said}"
            );
        }
        for file in &files {
            let content = String::from_utf8_lossy(&std::fs::read(file).unwrap()).into_owned();
            assert!(
                !content.contains(needle),
                "{} holds (part of) a secret",
                file.display()
            );
        }
    }
}

#[test]
fn the_windows_leak_check_commands_run_a_check_and_report_it_without_the_secret() {
    use crate::ipc::{invoke, window};
    let app = App::new();
    let (name, secret) = generated_key(&app);
    let dir = plant_dir();
    std::fs::write(
        dir.path().join("config.ini"),
        format!("[api]\nkey = {secret}\n"),
    )
    .unwrap();
    let win = window(&app, "main");
    let idle = invoke(&win, "leak_scan_status", serde_json::json!({})).unwrap();
    assert_eq!(idle["state"], "idle");
    let request = |scope: &str| serde_json::json!({"path": path_str(dir.path()), "scope": scope});
    let refused = invoke(&win, "start_leak_scan", request("sideways")).unwrap_err();
    assert_eq!(refused["code"], "invalid_input");
    let started = invoke(&win, "start_leak_scan", request("committable")).unwrap();
    assert_eq!(started["state"], "preparing");
    let mut status = Value::Null;
    poll_until(std::time::Duration::from_secs(20), || {
        status = invoke(&win, "leak_scan_status", serde_json::json!({})).unwrap();
        status["state"] == "done"
    });
    assert_eq!(status["state"], "done", "{status}");
    let found = hits(&status["report"]);
    assert_eq!(found.len(), 1, "{status}");
    assert_eq!(found[0]["key_name"], name.as_str());
    assert_eq!(
        (found[0]["line"].as_u64(), found[0]["column"].as_u64()),
        (Some(2), Some(7))
    );
    assert!(!status.to_string().contains(&secret[5..]));
}

#[test]
fn a_repository_with_a_damaged_object_is_reported_and_the_history_scan_goes_on() {
    let app = App::new();
    let (name, secret) = generated_key(&app);
    let dir = plant_dir();
    let repo = dir.path();
    new_repo(&app, repo);
    std::fs::write(repo.join("a.txt"), "first file\n").unwrap();
    std::fs::write(repo.join("b.txt"), "second file\n").unwrap();
    std::fs::write(repo.join("z.txt"), format!("token {secret}\n")).unwrap();
    git_ok(&app, repo, &["add", "."]);
    git_ok(&app, repo, &["commit", "-q", "-m", "files"]);
    let damaged = git_ok(&app, repo, &["rev-parse", "HEAD:b.txt"])
        .trim()
        .to_owned();
    let object = repo
        .join(".git/objects")
        .join(&damaged[..2])
        .join(&damaged[2..]);
    std::fs::set_permissions(&object, std::fs::Permissions::from_mode(0o644)).unwrap();
    std::fs::write(&object, "not a git object").unwrap();

    let (status, report, stderr) = scan_json(&app, &[path_str(repo), "--history"]);
    assert_eq!(
        status, 5,
        "the key in another object is still found: {report} {stderr}"
    );
    assert_eq!(hits(&report)[0]["key_name"], name.as_str());
    let problems = report["problems"].to_string();
    assert!(
        problems.contains(&damaged),
        "the damaged object is named: {report}"
    );
    assert!(stderr.contains(&damaged), "{stderr}");
}

/// Moves the last daily check of every watched folder back two days.
fn age_watched_folders(app: &App) {
    let path = app.data_dir().join("leak-watch.json");
    let mut list: Value = json(&std::fs::read_to_string(&path).unwrap());
    let two_days_ago = (chrono::Utc::now() - chrono::Duration::days(2)).to_rfc3339();
    for folder in list["folders"].as_array_mut().unwrap() {
        folder["last_checked"] = two_days_ago.clone().into();
    }
    std::fs::write(&path, list.to_string()).unwrap();
}

fn last_checked(app: &App) -> String {
    let list = json(&std::fs::read_to_string(app.data_dir().join("leak-watch.json")).unwrap());
    list["folders"][0]["last_checked"].to_string()
}

#[test]
fn a_watched_folder_is_checked_daily_in_the_background_and_a_key_found_there_is_announced_once() {
    use crate::reminders::{NotifyMonitor, start_in_background, stop};
    let app = App::new();
    let _alone = APP_RUNNING
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner);
    let (name, secret) = generated_key(&app);
    let dir = plant_dir();
    let folder = dir.path().canonicalize().unwrap();
    let out = app.run(&["scan", path_str(&folder), "--everywhere", "--watch"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let listed = app.ok(&["scan", "--watched"]);
    assert!(
        listed.contains(path_str(&folder)) && listed.contains("every file"),
        "{listed}"
    );

    // A key lands there after the check, and a day goes by.
    std::fs::write(folder.join(".env"), format!("TOKEN={secret}\n")).unwrap();
    age_watched_folders(&app);
    let monitor = NotifyMonitor::start(&app);
    let child = start_in_background(&app);
    assert!(
        poll_until(std::time::Duration::from_secs(30), || monitor
            .id_of_notification_mentioning(&name)
            .is_some()),
        "no notification named the key"
    );
    let err = stop(&app, child);
    let audit = std::fs::read_to_string(app.data_dir().join("audit.log")).unwrap();
    assert!(
        audit
            .lines()
            .any(|l| l.contains("\"leak_found\"") && l.contains(&name)),
        "{audit}"
    );
    assert!(!err.contains(&secret[5..]) && !audit.contains(&secret[5..]));

    // The next day the same key in the same place is not announced again.
    age_watched_folders(&app);
    let before = last_checked(&app);
    let child = start_in_background(&app);
    assert!(
        poll_until(std::time::Duration::from_secs(30), || last_checked(&app)
            != before),
        "the folder was not checked again"
    );
    std::thread::sleep(std::time::Duration::from_secs(1));
    stop(&app, child);
    assert_eq!(
        monitor.calls_mentioning(&name).len(),
        1,
        "announced once while it stays there"
    );
    app.ok(&["scan", path_str(&folder), "--unwatch"]);
    assert!(app.ok(&["scan", "--watched"]).contains("No folder"));
    let _ = Command::new("dunstctl").arg("close-all").status();
}

#[test]
fn the_window_lists_adds_and_removes_the_folders_checked_every_day() {
    use crate::ipc::{invoke, window};
    let app = App::new();
    let win = window(&app, "main");
    let none = invoke(&win, "watched_folders", serde_json::json!({})).unwrap();
    assert_eq!(none, serde_json::json!([]), "nothing watched yet");
    let dir = plant_dir();
    let repo = plant_dir();
    new_repo(&app, repo.path());
    let add = |path: &Path, scope: &str| {
        invoke(
            &win,
            "watch_folder",
            serde_json::json!({"path": path_str(path), "scope": scope}),
        )
    };
    add(dir.path(), "everywhere").unwrap();
    let list = add(repo.path(), "history").unwrap();
    let paths: Vec<&str> = list
        .as_array()
        .unwrap()
        .iter()
        .map(|w| w["path"].as_str().unwrap())
        .collect();
    let dir_path = dir.path().canonicalize().unwrap();
    let repo_path = repo.path().canonicalize().unwrap();
    assert_eq!(
        paths,
        [path_str(&dir_path), path_str(&repo_path)],
        "in the order added, as absolute paths: {list}"
    );
    assert_eq!(list[0]["scope"], "everywhere");
    assert_eq!(list[1]["scope"], "history");
    assert!(
        list[0]["last_checked"].is_null(),
        "added, not checked yet: {list}"
    );
    // The command line sees the same list.
    let said = app.ok(&["scan", "--watched"]);
    assert!(said.contains(path_str(&repo_path)), "{said}");

    // Bad input is refused in plain words.
    let missing = add(&dir.path().join("gone"), "everywhere").unwrap_err();
    assert_eq!(missing["code"], "invalid_input", "{missing}");
    let not_repo = add(dir.path(), "history").unwrap_err();
    assert_eq!(not_repo["code"], "invalid_input", "{not_repo}");
    assert!(
        not_repo["message"]
            .as_str()
            .unwrap()
            .contains("git repository"),
        "{not_repo}"
    );
    let sideways = add(dir.path(), "sideways").unwrap_err();
    assert_eq!(sideways["code"], "invalid_input");

    let left = invoke(
        &win,
        "unwatch_folder",
        serde_json::json!({"path": path_str(&dir_path)}),
    )
    .unwrap();
    assert_eq!(left.as_array().unwrap().len(), 1, "{left}");
    assert_eq!(left[0]["path"], path_str(&repo_path));
    let again = invoke(&win, "watched_folders", serde_json::json!({})).unwrap();
    assert_eq!(again, left, "the list is kept");
}

#[test]
fn a_leaking_commits_date_is_said_as_the_calendar_date_where_the_person_is() {
    let app = App::new();
    let secret = app.generate(&unique("source"))["secret"].as_str().unwrap()[5..].to_owned();
    let name = add_key(&app, &secret);
    let dir = plant_dir();
    let repo = dir.path();
    new_repo(&app, repo);
    std::fs::write(repo.join("token.txt"), format!("token = \"{secret}\"\n")).unwrap();
    git_ok(&app, repo, &["add", "."]);
    // Late on the 28th in Berlin: the 29th in Kiritimati, the 28th in Los Angeles.
    let mut commit = with_app_env(&app, Command::new("git"));
    commit
        .env("GIT_AUTHOR_DATE", "2026-05-28T23:30:00+02:00")
        .arg("-C")
        .arg(repo)
        .args(["commit", "-q", "-m", "add the token"]);
    let out = commit.output().expect("git runs");
    assert!(out.status.success(), "git commit: {}", text(&out.stderr));

    for (zone, date) in [
        ("Pacific/Kiritimati", "2026-05-29"),
        ("America/Los_Angeles", "2026-05-28"),
    ] {
        let out = app
            .cmd(&["scan", path_str(repo), "--history"])
            .env("TZ", zone)
            .output()
            .unwrap();
        let said = text(&out.stdout);
        assert_eq!(out.status.code(), Some(5), "{said} {}", text(&out.stderr));
        assert!(
            said.contains(&name) && said.contains(&format!(" of {date}")),
            "in {zone} the commit's date is that zone's calendar date, {date}: {said}"
        );
        let (_, report, _) = scan_json(&app, &[path_str(repo), "--history"]);
        assert_eq!(
            hits(&report)[0]["author_date"],
            "2026-05-28T21:30:00Z",
            "the JSON instant is RFC 3339 UTC: {report}"
        );
    }
}
