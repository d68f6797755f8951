//! The CLI flows people and scripts rely on, against the real keychain.

use crate::util::*;

#[test]
fn generate_stores_in_keychain_list_shows_reveal_returns_and_delete_removes_both() {
    let app = App::new();
    let service = unique("payments");
    let key = app.generate(&service);
    for field in [
        "id",
        "name",
        "service",
        "application",
        "credential_id",
        "secret",
        "created_at",
        "rotate_by",
    ] {
        assert!(
            key.get(field).is_some(),
            "generate --json lacks {field}: {key}"
        );
    }
    let id = key["id"].as_str().unwrap();
    let name = key["name"].as_str().unwrap();
    let secret = key["secret"].as_str().unwrap();
    assert!(
        secret.starts_with("kwsk_") && secret.len() == 54,
        "secret format: {secret}"
    );
    assert!(
        name.starts_with(&format!("{service}-")),
        "conventional name: {name}"
    );

    assert_eq!(
        keychain_secret(id).as_deref(),
        Some(secret),
        "the keychain holds the secret"
    );

    let listed = app.list();
    assert_eq!(listed.len(), 1);
    let entry = &listed[0];
    assert_eq!(entry["name"], name);
    assert_eq!(entry["status"], "ok");
    assert_eq!(entry["age_days"], 0);
    assert!(entry.get("secret").is_none(), "list never shows a secret");
    for field in [
        "id",
        "service",
        "application",
        "credential_id",
        "created_at",
        "rotate_by",
    ] {
        assert!(entry.get(field).is_some(), "list --json lacks {field}");
    }

    assert_eq!(
        app.ok(&["reveal", name]),
        format!("{secret}\n"),
        "reveal prints the secret alone"
    );
    assert_eq!(
        app.ok(&["reveal", id]),
        format!("{secret}\n"),
        "reveal also takes the id"
    );

    let out = app.ok(&["delete", name, "--yes"]);
    assert!(out.contains("Deleted"), "{out}");
    assert_eq!(keychain_secret(id), None, "gone from the keychain");
    assert!(app.list().is_empty(), "gone from the list");
    assert!(
        app.catalog_records().is_empty(),
        "gone from the catalog file"
    );
}

#[test]
fn human_output_shows_the_secret_once_with_advice() {
    let app = App::new();
    let out = app.ok(&[
        "generate",
        "--service",
        &unique("crm"),
        "--application",
        "Billing web app",
    ]);
    assert!(out.contains("Credential ID:     kwid_"), "{out}");
    assert!(out.contains("Credential secret: kwsk_"), "{out}");
    assert!(
        out.contains("never put it in a code"),
        "the guide's advice: {out}"
    );
    let table = app.ok(&["list"]);
    assert!(table.starts_with("NAME"), "{table}");
    assert!(table.contains("Billing web app"), "{table}");
    assert!(!table.contains("kwsk_"), "no secret in the table");
}

#[test]
fn add_reads_the_secret_from_stdin_and_the_date_from_a_conventional_name() {
    let app = App::new();
    let out = app.run_with_input(
        &[
            "add",
            "--service",
            "legacy",
            "--credential-id",
            "AKIA-OLD-1",
            "--name",
            "legacy-15_01_2024-10_30",
            "--json",
        ],
        "sk_live_pasted_secret\n",
    );
    assert!(out.status.success(), "{}", text(&out.stderr));
    let key = json(&text(&out.stdout));
    assert!(key.get("secret").is_none(), "add does not echo the secret");
    assert!(
        key["created_at"].as_str().unwrap().starts_with("2024-01-1"),
        "date from the name: {key}"
    );
    assert_eq!(key["status"], "overdue");
    let id = key["id"].as_str().unwrap();
    assert_eq!(
        keychain_secret(id).as_deref(),
        Some("sk_live_pasted_secret"),
        "trailing newline dropped"
    );
    assert_eq!(
        app.ok(&["reveal", "legacy-15_01_2024-10_30"]),
        "sk_live_pasted_secret\n"
    );
}

#[test]
fn add_with_created_sets_the_age_and_without_it_uses_today() {
    let app = App::new();
    let created = days_ago(40);
    let out = app.run_with_input(
        &[
            "add",
            "--service",
            "billing",
            "--credential-id",
            "ID1",
            "--created",
            &created,
            "--json",
        ],
        "s1",
    );
    assert!(out.status.success(), "{}", text(&out.stderr));
    let key = json(&text(&out.stdout));
    assert_eq!(key["age_days"], 40);
    assert!(key["name"].as_str().unwrap().starts_with("billing-"));
    let today = app.run_with_input(
        &[
            "add",
            "--service",
            "other",
            "--credential-id",
            "ID2",
            "--json",
        ],
        "s2",
    );
    assert_eq!(
        json(&text(&today.stdout))["age_days"],
        0,
        "{}",
        text(&today.stderr)
    );
}

#[test]
fn due_lists_keys_needing_rotation_with_an_exit_status_scripts_can_test() {
    let app = App::new();
    let due = app.run(&["due"]);
    assert_eq!(due.status.code(), Some(0), "nothing due: exit 0");
    assert!(text(&due.stdout).contains("No key needs rotating"));

    let add = |service: &str, days: i64| {
        let out = app.run_with_input(
            &[
                "add",
                "--service",
                service,
                "--credential-id",
                service,
                "--created",
                &days_ago(days),
            ],
            "secret-value",
        );
        assert!(out.status.success(), "{}", text(&out.stderr));
    };
    add("fresh", 5);
    add("soon", 85);
    let due = app.run(&["due", "--json"]);
    assert_eq!(due.status.code(), Some(3), "due soon only: exit 3");
    let keys = json(&text(&due.stdout));
    assert_eq!(keys.as_array().unwrap().len(), 1, "{keys}");
    assert_eq!(keys[0]["status"], "due_soon");

    add("stale", 120);
    let due = app.run(&["due", "--json"]);
    assert_eq!(due.status.code(), Some(4), "something overdue: exit 4");
    let statuses: Vec<_> = json(&text(&due.stdout))
        .as_array()
        .unwrap()
        .iter()
        .map(|k| k["status"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(statuses.len(), 2);
    assert!(statuses.contains(&"overdue".to_owned()) && statuses.contains(&"due_soon".to_owned()));
    let human = text(&app.run(&["due"]).stdout);
    assert!(
        human.contains("Rotate now —") && human.contains("overdue"),
        "{human}"
    );
}

#[test]
fn delete_without_yes_and_without_a_terminal_refuses_and_keeps_the_key() {
    let app = App::new();
    let key = app.generate(&unique("keep"));
    let out = app.run(&["delete", key["name"].as_str().unwrap()]);
    assert_eq!(out.status.code(), Some(1));
    let err = text(&out.stderr);
    assert!(
        err.contains("cannot be undone") && err.contains("--yes"),
        "{err}"
    );
    assert_eq!(app.list().len(), 1);
    assert!(keychain_secret(key["id"].as_str().unwrap()).is_some());
}

/// `keyward ARGS` on a real terminal (`script` gives it one), with
/// `typed` as what the person types; all it printed, prompts included.
fn on_a_terminal(app: &App, args: &[&str], typed: &str) -> (Option<i32>, String) {
    use std::io::Write as _;
    let inner = app.cmd(args);
    let line = std::iter::once(env!("CARGO_BIN_EXE_keyward"))
        .chain(args.iter().copied())
        .collect::<Vec<_>>()
        .join(" ");
    let mut cmd = std::process::Command::new("script");
    cmd.args(["-qec", &line, "/dev/null"]);
    for (name, value) in inner.get_envs() {
        match value {
            Some(value) => cmd.env(name, value),
            None => cmd.env_remove(name),
        };
    }
    let mut child = cmd
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("script (util-linux) runs");
    // Typed once the question is up: the terminal hands it to the prompt.
    std::thread::sleep(std::time::Duration::from_millis(700));
    let mut stdin = child.stdin.take().unwrap();
    stdin.write_all(format!("{typed}\n").as_bytes()).unwrap();
    let out = child.wait_with_output().unwrap();
    drop(stdin);
    (out.status.code(), text(&out.stdout))
}

#[test]
fn delete_on_a_terminal_asks_for_the_name_and_only_the_exact_name_deletes() {
    let app = App::new();
    let key = app.generate(&unique("typed"));
    let name = key["name"].as_str().unwrap();
    let (status, said) = on_a_terminal(&app, &["delete", name], "not-the-name");
    assert!(
        said.contains("Type the key's name to confirm:"),
        "the question is asked on the terminal: {said}"
    );
    assert!(
        said.contains("The name did not match, so nothing was deleted."),
        "{said}"
    );
    assert_eq!(status, Some(1), "{said}");
    assert_eq!(app.list().len(), 1, "a wrong name keeps the key");

    let (status, said) = on_a_terminal(&app, &["delete", name], name);
    assert_eq!(status, Some(0), "the exact name confirms: {said}");
    assert!(app.list().is_empty(), "the key is deleted: {said}");
    assert!(keychain_secret(key["id"].as_str().unwrap()).is_none());
}

#[test]
fn hostile_input_is_refused_in_plain_words_and_changes_nothing() {
    let app = App::new();
    app.generate(&unique("base"));
    let before = std::fs::read(app.catalog_path()).unwrap();
    // The OS caps one argument at 128 KiB; 10 MB names are covered by the core unit tests.
    let huge = "a".repeat(120_000);
    let cases: Vec<(Vec<&str>, &str)> = vec![
        (vec!["generate", "--service", "../../etc"], "slash"),
        (
            vec!["generate", "--service", "svc", "--name", "evil\u{202E}txt"],
            "invisible",
        ),
        (
            vec!["generate", "--service", "<img src=x onerror=alert(1)>"],
            "cannot contain",
        ),
        (
            vec!["generate", "--service", "svc", "--name", &huge],
            "too long",
        ),
        (
            vec![
                "generate",
                "--service",
                "svc",
                "--application",
                "line\nbreak",
            ],
            "invisible",
        ),
        (vec!["reveal", "no-such-key"], "no key called"),
        (vec!["delete", "no-such-key", "--yes"], "no key called"),
    ];
    for (args, expected) in cases {
        let out = app.run(&args);
        let err = text(&out.stderr);
        assert_eq!(out.status.code(), Some(1), "{:?} should fail", &args[..2]);
        assert!(
            err.to_lowercase().contains(expected),
            "{:?}: {err}",
            &args[..2]
        );
        assert!(
            err.len() < 600,
            "the message stays short even for huge input"
        );
        assert!(!err.contains("panicked"), "{err}");
    }
    let bad_date = app.run_with_input(
        &[
            "add",
            "--service",
            "s",
            "--credential-id",
            "x",
            "--created",
            "26/08/2026",
        ],
        "s",
    );
    assert!(text(&bad_date.stderr).contains("YYYY-MM-DD"));
    let empty_secret = app.run_with_input(&["add", "--service", "s", "--credential-id", "x"], "");
    assert!(text(&empty_secret.stderr).contains("secret is empty"));
    assert_eq!(
        std::fs::read(app.catalog_path()).unwrap(),
        before,
        "nothing changed"
    );
}

#[test]
fn a_name_already_taken_is_refused_with_advice() {
    let app = App::new();
    app.ok(&["generate", "--service", "svc", "--name", "taken-name"]);
    let out = app.run(&["generate", "--service", "svc", "--name", "taken-name"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(text(&out.stderr).contains("already exists"));
    assert_eq!(app.list().len(), 1);
}

#[test]
fn two_processes_writing_at_once_lose_nothing() {
    let app = App::new();
    std::thread::scope(|scope| {
        for writer in 0..2 {
            let app = &app;
            scope.spawn(move || {
                for i in 0..8 {
                    app.ok(&["generate", "--service", &format!("writer{writer}-{i}")]);
                }
            });
        }
    });
    let keys = app.list();
    assert_eq!(keys.len(), 16, "every key from both writers is listed");
    for key in keys {
        let id = key["id"].as_str().unwrap();
        assert!(
            keychain_secret(id).is_some(),
            "{} has its secret",
            key["name"]
        );
    }
}

#[test]
fn the_command_line_names_the_secret_store_the_way_linux_desktops_do() {
    let app = App::new();
    app.generate(&unique("store-words"));
    // Other tests' keys share the session's keyring: either line of check may be said.
    let said = app.ok(&["check"]);
    assert!(
        said.contains("Every secret Keyward keeps in your keyring belongs to a key in its list.")
            || said.contains("The keyring holds"),
        "{said}"
    );
    assert!(!said.to_lowercase().contains("keychain"), "{said}");
}
