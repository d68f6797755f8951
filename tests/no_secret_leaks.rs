//! Secrets never touch a file: every file the app wrote is searched for them.

use crate::util::*;

#[test]
fn no_file_the_app_wrote_contains_a_secret() {
    let app = App::new();
    let generated = app.generate(&unique("leakcheck"));
    let secret = generated["secret"].as_str().unwrap().to_owned();
    let name = generated["name"].as_str().unwrap().to_owned();
    let pasted = "sk_live_PASTED_secret_0123456789";
    let out = app.run_with_input(
        &["add", "--service", "pasted", "--credential-id", "cid-1"],
        pasted,
    );
    assert!(out.status.success(), "{}", text(&out.stderr));
    app.ok(&["reveal", &name]);
    app.ok(&["list"]);
    app.ok(&["list", "--json"]);
    app.run(&["due", "--json"]);
    app.ok(&["check"]);

    let mut files = Vec::new();
    files_under(app.root.path(), &mut files);
    assert!(
        files.iter().any(|f| f.ends_with("catalog.json")),
        "the app wrote its catalog under the test folders: {files:?}"
    );
    for file in &files {
        let bytes = std::fs::read(file).unwrap();
        let content = String::from_utf8_lossy(&bytes);
        for needle in [&secret[..], &secret[5..25], pasted, &pasted[8..24]] {
            assert!(
                !content.contains(needle),
                "{} contains (part of) a secret",
                file.display()
            );
        }
    }
}

/// The commands for vendor keys (edit, vendor profiles, rotate, leaked,
/// delete) never put a secret in a file, and print one only where asked:
/// the new key of Keyward's own rotation, shown once.
#[test]
fn vendor_key_commands_never_write_a_secret_and_print_one_only_where_asked() {
    let app = App::new();
    let old_secret = "sk_live_VENDOR_old_0123456789abcdef";
    let new_secret = "sk_live_VENDOR_new_fedcba9876543210";
    let service = unique("vendorleak");
    let out = app.run_with_input(
        &[
            "add",
            "--service",
            &service,
            "--credential-id",
            "VL-OLD-1",
            "--vendor",
            "Stripe",
            "--owner",
            "sam@example.com",
        ],
        old_secret,
    );
    assert!(out.status.success(), "{}", text(&out.stderr));
    let mut printed = text(&out.stdout) + &text(&out.stderr);
    let mut run = |args: &[&str], input: Option<&str>| {
        let out = match input {
            Some(input) => app.run_with_input(args, input),
            None => app.run(args),
        };
        assert!(out.status.success(), "{args:?}: {}", text(&out.stderr));
        printed.push_str(&text(&out.stdout));
        printed.push_str(&text(&out.stderr));
        text(&out.stdout)
    };
    run(
        &[
            "vendor",
            "set",
            "stripe",
            "--dashboard",
            "https://dashboard.stripe.com/apikeys",
        ],
        None,
    );
    run(&["vendor", "list", "--json"], None);
    run(
        &[
            "edit",
            "VL-OLD",
            "--application",
            "Shop",
            "--notes",
            "rotated yearly",
        ],
        None,
    );
    run(&["leaked", "VL-OLD-1"], None);
    run(
        &["rotate", "VL-OLD-1", "--credential-id", "VL-NEW-2"],
        Some(new_secret),
    );
    run(&["list", "--json"], None);
    run(&["report", "--format", "json"], None);
    run(&["report", "--format", "csv"], None);
    run(
        &["delete", "VL-OLD-1", "--yes", "--revoked-at-vendor", "yes"],
        None,
    );
    let generated = app.generate(&unique("ownkey"));
    let made_secret = generated["secret"].as_str().unwrap().to_owned();
    let rotated = run(
        &["rotate", generated["name"].as_str().unwrap(), "--json"],
        None,
    );
    let rotated_secret = json(&rotated)["secret"].as_str().unwrap().to_owned();
    let before_rotation_output = printed.replace(&rotated, "");
    for needle in [old_secret, new_secret, &made_secret[..]] {
        assert!(
            !before_rotation_output.contains(needle),
            "a secret was printed unasked: {before_rotation_output}"
        );
    }

    let mut files = Vec::new();
    files_under(app.root.path(), &mut files);
    assert!(
        files.iter().any(|f| f.ends_with("vendors.json")),
        "{files:?}"
    );
    assert!(files.iter().any(|f| f.ends_with("audit.log")), "{files:?}");
    for file in &files {
        let content = String::from_utf8_lossy(&std::fs::read(file).unwrap()).into_owned();
        for needle in [
            old_secret,
            &old_secret[8..24],
            new_secret,
            &new_secret[8..24],
            &made_secret[..],
            &rotated_secret[..],
            &rotated_secret[5..25],
        ] {
            assert!(
                !content.contains(needle),
                "{} contains (part of) a secret",
                file.display()
            );
        }
    }
}

/// The team vault's flows (connect with userpass, publish, status, the
/// lead's report, a failed publish, disconnect) put neither a key's secret
/// nor the vault credential in any file the app wrote, in what they print,
/// or in what the vault holds.
#[test]
fn team_vault_flows_never_write_or_print_a_secret_or_the_vault_credential() {
    let _team = crate::team_vault::TEAM
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner);
    let mut bao = crate::openbao::OpenBao::start();
    let password = "team-PASSWORD-never-anywhere-0123";
    bao.policy("lead", &crate::openbao::lead_policy("leak@check"));
    bao.userpass("leaky", password, &["lead"]);
    let app = App::new();
    let generated = app.generate(&unique("teamleak"));
    let secret = generated["secret"].as_str().unwrap().to_owned();
    let mut printed = String::new();
    let mut run = |args: &[&str], input: Option<&str>, ok: bool| {
        let out = match input {
            Some(input) => app.run_with_input(args, input),
            None => app.run(args),
        };
        assert_eq!(out.status.success(), ok, "{args:?}: {}", text(&out.stderr));
        printed.push_str(&text(&out.stdout));
        printed.push_str(&text(&out.stderr));
    };
    let address = bao.address();
    run(
        &[
            "team",
            "connect",
            &address,
            "--mount",
            "secret",
            "--userpass",
            "leaky",
            "--desktop",
            "leak@check",
        ],
        Some(password),
        true,
    );
    run(&["team", "status"], None, true);
    run(&["team", "status", "--json"], None, true);
    run(&["team", "publish"], None, true);
    run(&["team", "report", "--format", "json"], None, true);
    run(&["team", "report", "--format", "csv"], None, true);
    let stored = bao
        .read("keyward/inventory/leak@check")
        .unwrap()
        .to_string();
    bao.stop();
    run(&["team", "publish"], None, false);
    run(&["team", "status"], None, true);

    let needles = [&secret[..], &secret[5..25], password, &password[5..20]];
    for needle in needles {
        assert!(!printed.contains(needle), "printed a secret: {printed}");
        assert!(
            !stored.contains(needle),
            "the vault holds a secret: {stored}"
        );
    }
    let mut files = Vec::new();
    files_under(app.root.path(), &mut files);
    assert!(
        files.iter().any(|f| f.ends_with("team-state.json")),
        "the team flows wrote their state under the test folders: {files:?}"
    );
    for file in &files {
        let content = String::from_utf8_lossy(&std::fs::read(file).unwrap()).into_owned();
        for needle in needles {
            assert!(
                !content.contains(needle),
                "{} contains a secret",
                file.display()
            );
        }
    }
    let out = app.run(&["team", "disconnect"]);
    assert!(out.status.success());
    assert!(!text(&out.stdout).contains(password));
}

/// An import (KeePassXC, Bitwarden, a spreadsheet killed part-way and
/// continued) leaves no secret in any file Keyward wrote: the data folder,
/// its journals and notes, the temp folder.
#[test]
fn imports_never_write_a_secret_to_a_file() {
    let app = App::new();
    let fixtures = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/import");
    let sources = app.root.path().join("sources");
    std::fs::create_dir_all(&sources).unwrap();
    let sheet = sources.join("sheet.csv");
    let mut rows = String::from("service,credential_id,secret\n");
    for i in 0..150 {
        rows.push_str(&format!("svc,leak-cid-{i},LEAKCHECK-sheet-secret-{i:04}\n"));
    }
    std::fs::write(&sheet, rows).unwrap();
    let out = app
        .cmd(&["import", sheet.to_str().unwrap(), "--format", "csv"])
        .env("KEYWARD_TEST_ABORT_AT", "import:after-keychain")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), None, "killed mid-import");
    app.ok(&["import", sheet.to_str().unwrap(), "--format", "csv"]);
    for (file, format) in [
        ("keepassxc.csv", "keepassxc"),
        ("bitwarden.json", "bitwarden"),
    ] {
        let path = fixtures.join(file);
        app.ok(&[
            "import",
            path.to_str().unwrap(),
            "--format",
            format,
            "--dry-run",
        ]);
        app.ok(&[
            "import",
            path.to_str().unwrap(),
            "--format",
            format,
            "--json",
        ]);
    }
    let mut files = Vec::new();
    files_under(app.root.path(), &mut files);
    assert!(
        files.iter().any(|f| f.ends_with("catalog.json")),
        "{files:?}"
    );
    for file in files.iter().filter(|f| !f.starts_with(&sources)) {
        let content = String::from_utf8_lossy(&std::fs::read(file).unwrap()).into_owned();
        for needle in [
            "LEAKCHECK-sheet-secret",
            "sk_live_51HxFIXTUREsecretStripe",
            "5f0c1e7b9d3a4b2c8e6f7a1d0b9c8e7f",
            "wJalrXUtnFEMI",
            "sntrys_FIXTUREtoken",
            "SG.FIXTUREsendgridKey",
            "sk-proj-FIXTUREopenaiKey",
            "ghp_FIXTUREgithubToken",
        ] {
            assert!(
                !content.contains(needle),
                "{} contains (part of) a secret",
                file.display()
            );
        }
    }
}

/// Backups and shared keys put secrets only into their encrypted files:
/// no other file the app wrote (temp folders too) holds one, and neither
/// encrypted file holds one in plain text.
#[test]
fn backup_restore_share_and_receive_never_write_a_plaintext_secret() {
    let app = App::new();
    let made = app.generate(&unique("movecheck"));
    let secret = made["secret"].as_str().unwrap().to_owned();
    let name = made["name"].as_str().unwrap().to_owned();
    let backup = app.root.path().join("tmp").join("all.keyward");
    let shared = app.root.path().join("tmp").join("one.keyward");
    let out = app.ok(&["backup", "--output", backup.to_str().unwrap()]);
    let backup_passphrase = out
        .lines()
        .find(|l| l.starts_with("    "))
        .unwrap()
        .trim()
        .to_owned();
    let out = app.ok(&[
        "share",
        &name,
        "--output",
        shared.to_str().unwrap(),
        "--for",
        "Bob",
    ]);
    let share_passphrase = out
        .lines()
        .find(|l| l.starts_with("    "))
        .unwrap()
        .trim()
        .to_owned();
    app.ok(&["delete", &name, "--yes"]);
    let out = app.run_with_input(&["restore", backup.to_str().unwrap()], &backup_passphrase);
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert_eq!(
        keychain_secret(made["id"].as_str().unwrap()).as_deref(),
        Some(&secret[..])
    );
    app.ok(&["delete", &name, "--yes"]);
    let out = app.run_with_input(&["receive", shared.to_str().unwrap()], &share_passphrase);
    assert!(out.status.success(), "{}", text(&out.stderr));

    let mut files = Vec::new();
    files_under(app.root.path(), &mut files);
    assert!(
        files.contains(&backup) && files.contains(&shared),
        "{files:?}"
    );
    for file in &files {
        let bytes = std::fs::read(file).unwrap();
        for needle in [&secret[..], &secret[5..25], &secret[30..]] {
            assert!(
                !bytes.windows(needle.len()).any(|w| w == needle.as_bytes()),
                "{} contains (part of) a secret",
                file.display()
            );
        }
    }
}
