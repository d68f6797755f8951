use super::*;
use crate::record::test_support::record;
use chrono::TimeZone;

fn now() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 27, 12, 0, 0).unwrap()
}

fn passphrase() -> Secret {
    Secret::new("tidal-mosaic-burrow-quench-velvet-anchor".into())
}

/// A sealed backup of two keys, written to a file in `dir`.
fn backup_file(dir: &Path) -> std::path::PathBuf {
    let a = record("0a", "a");
    let b = record("0b", "b");
    let (sa, sb) = (
        Secret::new("kwsk_secret_a".into()),
        Secret::new("sk_live_b".into()),
    );
    let contents = Contents {
        kind: Kind::Backup,
        made_at: now(),
        keys: vec![
            KeyOut {
                record: &a,
                secret: &sa,
            },
            KeyOut {
                record: &b,
                secret: &sb,
            },
        ],
        vendors: vec![],
        audit: &[],
        settings: Some(&Settings::default()),
        share: None,
    };
    let sealed = seal(&contents, &Lock::Passphrase(&passphrase())).unwrap();
    let path = dir.join("keys.keyward");
    write(&path, &sealed).unwrap();
    path
}

#[test]
fn a_backup_opens_with_its_passphrase_and_holds_keys_secrets_and_settings() {
    let dir = tempfile::tempdir().unwrap();
    let path = backup_file(dir.path());
    let bytes = std::fs::read(&path).unwrap();
    assert!(
        bytes.starts_with(b"age-encryption.org/v1\n-> scrypt "),
        "an age file locked with a passphrase"
    );
    for plain in ["kwsk_secret_a", "sk_live_b", "\"0a\""] {
        assert!(
            !bytes.windows(plain.len()).any(|w| w == plain.as_bytes()),
            "{plain} is not in the file in plain text"
        );
    }
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&path).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o600, "private file");
    }
    assert!(needs_passphrase(&path).unwrap());
    let opened = open(&path, &Unlock::Passphrase(&passphrase())).unwrap();
    assert_eq!((opened.format, opened.kind), (FORMAT, Kind::Backup));
    assert_eq!(opened.keyward_version, env!("CARGO_PKG_VERSION"));
    assert_eq!(opened.keys.len(), 2);
    assert_eq!(opened.keys[0].record, record("0a", "a"));
    assert_eq!(opened.keys[0].secret.expose(), "kwsk_secret_a");
    assert_eq!(opened.keys[1].secret.expose(), "sk_live_b");
    assert_eq!(opened.settings, Some(Settings::default()));
    opened.expect(&path, Kind::Backup).unwrap();
}

#[test]
fn a_wrong_passphrase_is_said_plainly() {
    let dir = tempfile::tempdir().unwrap();
    let path = backup_file(dir.path());
    let err = open(
        &path,
        &Unlock::Passphrase(&Secret::new("tidal-mosaic".into())),
    )
    .unwrap_err();
    assert_eq!(err.code(), "wrong_passphrase", "{err}");
    assert!(err.to_string().contains("does not open"), "{err}");
    assert!(err.to_string().contains("Nothing was changed"), "{err}");
}

#[test]
fn a_file_cut_short_anywhere_is_damaged_not_a_wrong_passphrase() {
    let dir = tempfile::tempdir().unwrap();
    let path = backup_file(dir.path());
    let bytes = std::fs::read(&path).unwrap();
    for keep in [bytes.len() - 1, bytes.len() - 17, bytes.len() / 2, 40, 0] {
        let cut = dir.path().join(format!("cut-{keep}"));
        std::fs::write(&cut, &bytes[..keep]).unwrap();
        let err = open(&cut, &Unlock::Passphrase(&passphrase())).unwrap_err();
        assert_eq!(err.code(), "backup_unreadable", "cut to {keep}: {err}");
        assert!(err.to_string().contains("Nothing was changed"), "{err}");
    }
}

#[test]
fn a_changed_byte_in_the_body_or_the_header_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let path = backup_file(dir.path());
    let bytes = std::fs::read(&path).unwrap();
    let header_end = bytes.windows(4).position(|w| w == b"\n---").unwrap();
    for at in [bytes.len() - 5, bytes.len() - 40, header_end + 30] {
        let mut changed = bytes.clone();
        changed[at] ^= 0x01;
        let file = dir.path().join(format!("changed-{at}"));
        std::fs::write(&file, &changed).unwrap();
        let err = open(&file, &Unlock::Passphrase(&passphrase())).unwrap_err();
        assert_eq!(err.code(), "backup_unreadable", "byte {at}: {err}");
        assert!(err.to_string().contains("changed"), "byte {at}: {err}");
    }
}

#[test]
fn a_file_from_a_newer_keyward_names_its_version() {
    let dir = tempfile::tempdir().unwrap();
    let json = br#"{"format":2,"kind":"backup","keyward_version":"3.1.0","made_at":"2030-01-01T00:00:00Z","keys":"a new shape"}"#;
    let sealed = age::encrypt(&low_work_recipient(), json).unwrap();
    let path = dir.path().join("newer.keyward");
    std::fs::write(&path, sealed).unwrap();
    let err = open(&path, &Unlock::Passphrase(&passphrase())).unwrap_err();
    assert_eq!(err.code(), "backup_unreadable", "{err}");
    let text = err.to_string();
    assert!(
        text.contains("newer Keyward (3.1.0, file format 2)") && text.contains("Update Keyward"),
        "{text}"
    );
}

#[test]
fn an_age_file_that_is_not_keyward_json_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let sealed = age::encrypt(&low_work_recipient(), b"just some notes").unwrap();
    let path = dir.path().join("notes.age");
    std::fs::write(&path, sealed).unwrap();
    let err = open(&path, &Unlock::Passphrase(&passphrase())).unwrap_err();
    assert_eq!(err.code(), "backup_unreadable");
    assert!(err.to_string().contains("not a Keyward file"), "{err}");
}

#[test]
fn a_2_gb_file_is_refused_from_its_size_at_once() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("huge.keyward");
    // Sparse: 2 GB long without taking the disk space.
    let file = File::create(&path).unwrap();
    file.set_len(2_000_000_000).unwrap();
    drop(file);
    let started = std::time::Instant::now();
    let err = open(&path, &Unlock::Passphrase(&passphrase())).unwrap_err();
    assert!(
        started.elapsed() < std::time::Duration::from_secs(1),
        "refused without reading it: {:?}",
        started.elapsed()
    );
    assert_eq!(err.code(), "backup_unreadable");
    assert!(err.to_string().contains("2.0 GB"), "{err}");
}

#[test]
fn a_device_or_a_folder_is_not_read() {
    let dir = tempfile::tempdir().unwrap();
    for path in [Path::new("/dev/zero"), dir.path()] {
        let err = open(path, &Unlock::Passphrase(&passphrase())).unwrap_err();
        assert!(
            matches!(err, BackupError::Damaged { .. } | BackupError::Io { .. }),
            "{}: {err}",
            path.display()
        );
    }
}

#[test]
fn a_share_to_an_age_key_opens_only_with_its_identity_and_expires() {
    let dir = tempfile::tempdir().unwrap();
    let identity = age::x25519::Identity::generate();
    let key = record("0c", "c");
    let secret = Secret::new("ghp_shared".into());
    let share = ShareInfo {
        expires_at: now() + chrono::Duration::days(7),
        recipient: Some("Bob in Finance".into()),
        from_user: Some("alice".into()),
        from_computer: Some("laptop".into()),
    };
    let contents = Contents {
        kind: Kind::Share,
        made_at: now(),
        keys: vec![KeyOut {
            record: &key,
            secret: &secret,
        }],
        vendors: vec![],
        audit: &[],
        settings: None,
        share: Some(&share),
    };
    let sealed = seal(&contents, &Lock::AgeKey(&identity.to_public())).unwrap();
    let path = dir.path().join("c.keyward-share");
    write(&path, &sealed).unwrap();
    assert!(!needs_passphrase(&path).unwrap());
    let err = open(&path, &Unlock::Passphrase(&passphrase())).unwrap_err();
    assert!(err.to_string().contains("--identity"), "{err}");
    let other = age::x25519::Identity::generate();
    let err = open(&path, &Unlock::Identity(&other)).unwrap_err();
    assert_eq!(err.code(), "wrong_passphrase", "{err}");
    let opened = open(&path, &Unlock::Identity(&identity))
        .unwrap()
        .expect(&path, Kind::Share)
        .unwrap();
    assert_eq!(opened.keys[0].secret.expose(), "ghp_shared");
    assert_eq!(opened.share.as_ref(), Some(&share));
    opened.check_expiry(now()).unwrap();
    let err = opened
        .check_expiry(now() + chrono::Duration::days(7))
        .unwrap_err();
    assert_eq!(err.code(), "share_expired");
    let err = open(&path, &Unlock::Identity(&identity))
        .unwrap()
        .expect(&path, Kind::Backup)
        .unwrap_err();
    assert!(err.to_string().contains("keyward receive"), "{err}");
}

/// A passphrase recipient with the unit tests' low scrypt work factor.
fn low_work_recipient() -> age::scrypt::Recipient {
    let mut recipient = age::scrypt::Recipient::new(age::secrecy::SecretString::from(
        passphrase().expose().to_owned(),
    ));
    recipient.set_work_factor(TEST_WORK_FACTOR);
    recipient
}
