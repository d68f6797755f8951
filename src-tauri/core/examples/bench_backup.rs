//! Backup and restore of N keys against the real keychain, for
//! `.ci/bench-backup` (a report, not a test). Run inside a private session.
//!
//! 1. The keychain's own cost per item: M direct writes, then M reads.
//! 2. Restore: a backup file of N keys (sealed here) opened and put back
//!    into an empty data folder (secrets into the keychain), per key.
//! 3. Backup: every key's secret read back from the keychain, the file
//!    sealed and written; and the same without the keychain reads.
//!
//! Usage: `bench_backup WORK_DIR N [M]` (M defaults to 1,000).

use std::sync::atomic::AtomicBool;
use std::time::Instant;

use chrono::Utc;
use keyward_core::audit::AuditLog;
use keyward_core::backup::{self, Contents, KeyOut, Kind, Lock, Unlock};
use keyward_core::catalog::Catalog;
use keyward_core::keychain::{OsKeychain, SecretStore};
use keyward_core::naming::{KeyName, Label, ServiceName};
use keyward_core::record::{History, KeyRecord, KeyState, Origin};
use keyward_core::rotation::RotationPolicy;
use keyward_core::vault::Vault;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut args = std::env::args().skip(1);
    let (Some(work), Some(count)) = (args.next(), args.next()) else {
        return Err("usage: bench_backup WORK_DIR N [M]".into());
    };
    let work = std::path::PathBuf::from(work);
    let count: usize = count.parse()?;
    let raw: usize = args.next().map(|m| m.parse()).transpose()?.unwrap_or(1000);
    let keychain = OsKeychain::from_environment(keyward_core::env::process());

    // 1. The keychain alone (gnome-keyring rewrites its keyring file on
    // every write, so the cost grows with the items it holds: measured
    // here on an empty keyring, and again below beside N items).
    let (put_ms, get_ms) = raw_costs(&keychain, raw)?;
    println!(
        "keychain write per item: {put_ms:.2} ms, read {get_ms:.2} ms ({raw} items, empty keyring)"
    );

    // 2. Restore.
    let now = Utc::now();
    let mut keys = Vec::with_capacity(count);
    for i in 0..count {
        let credential = keyward_core::generate::generate_credential()?;
        keys.push((record(i, &credential.id, now)?, credential.secret));
    }
    let passphrase = backup::propose(backup::BACKUP_WORDS)?;
    let file = work.join("bench.keyward");
    let started = Instant::now();
    let contents = Contents {
        kind: Kind::Backup,
        made_at: now,
        keys: keys
            .iter()
            .map(|(record, secret)| KeyOut { record, secret })
            .collect(),
        vendors: vec![],
        audit: &[],
        settings: None,
        share: None,
    };
    backup::write(
        &file,
        &backup::seal(&contents, &Lock::Passphrase(&passphrase))?,
    )?;
    let seal_ms = ms(started);
    let size = std::fs::metadata(&file)?.len();
    let data = work.join("restored");
    let vault = Vault::new(
        Catalog::open(&data)?,
        keychain.clone(),
        RotationPolicy::default(),
    )
    .with_audit(AuditLog::in_dir(&data, Utc::now));
    let started = Instant::now();
    let opened = backup::open(&file, &Unlock::Passphrase(&passphrase))?;
    let open_ms = ms(started);
    let started = Instant::now();
    let report = vault.restore_keys(opened.keys, "bench", |_, _| {}, &AtomicBool::new(false))?;
    let restore_ms = ms(started);
    assert_eq!(report.restored.len(), count, "every key put back");
    let (full_put_ms, full_get_ms) = raw_costs(&keychain, raw)?;
    println!(
        "keychain write per item: {full_put_ms:.2} ms, read {full_get_ms:.2} ms ({raw} items, beside the {count} restored)"
    );
    let put_ms = (put_ms + full_put_ms) / 2.0;
    println!(
        "restore of {count} keys: open (scrypt + decrypt, {:.1} MB) {open_ms:.0} ms; put back {restore_ms:.0} ms = {:.2} ms per key (keychain write alone, mean of empty and full keyring: {put_ms:.2} ms, {:.0}% of it)",
        size as f64 / 1e6,
        restore_ms / count as f64,
        100.0 * put_ms * count as f64 / restore_ms
    );

    // 3. Backup.
    let out = work.join("again.keyward");
    let started = Instant::now();
    let saved = backup::save_backup(
        &vault,
        None,
        &Lock::Passphrase(&passphrase),
        &out,
        Utc::now(),
        |_, _| {},
        &AtomicBool::new(false),
    )?;
    let backup_ms = ms(started);
    let started = Instant::now();
    let secrets = vault.secrets_for_backup(|_, _| {}, &AtomicBool::new(false))?;
    let reads_ms = ms(started);
    drop(secrets);
    println!(
        "backup of {saved} keys: {backup_ms:.0} ms in all; its keychain reads alone {reads_ms:.0} ms; the rest (catalog, audit, JSON, scrypt ~1 s, encryption, write) {:.0} ms (aim: at most 2,000 ms)",
        backup_ms - reads_ms
    );
    println!("sealing {count} keys from memory (no keychain): {seal_ms:.0} ms");

    for (record, _) in &keys {
        keychain.remove(&record.id)?;
    }
    Ok(())
}

/// Mean ms per direct keychain write and read of `raw` items (removed after).
fn raw_costs(keychain: &OsKeychain, raw: usize) -> Result<(f64, f64), Box<dyn std::error::Error>> {
    let secret = keyward_core::generate::generate_credential()?.secret;
    let started = Instant::now();
    for i in 0..raw {
        keychain.put(&format!("bench-raw-{i}"), &secret)?;
    }
    let put_ms = ms(started) / raw as f64;
    let started = Instant::now();
    for i in 0..raw {
        keychain.get(&format!("bench-raw-{i}"))?;
    }
    let get_ms = ms(started) / raw as f64;
    for i in 0..raw {
        keychain.remove(&format!("bench-raw-{i}"))?;
    }
    Ok((put_ms, get_ms))
}

fn ms(started: Instant) -> f64 {
    started.elapsed().as_secs_f64() * 1000.0
}

fn record(
    i: usize,
    credential_id: &str,
    now: chrono::DateTime<Utc>,
) -> Result<KeyRecord, Box<dyn std::error::Error>> {
    Ok(KeyRecord {
        id: format!("{i:032x}"),
        name: KeyName::parse(&format!("bench-{i}"))?,
        service: ServiceName::parse(&format!("service-{}", i % 250))?,
        application: Label::application("Billing")?,
        credential_id: credential_id.to_owned(),
        created_at: now,
        origin: Origin::Generated,
        notes: Label::notes("")?,
        state: KeyState::Active,
        history: History::default(),
        reminder: Default::default(),
        replaced_by: None,
        delete_after: None,
        issuer: None,
        vendor: None,
        owner: None,
        leaked_at: None,
        rotation: None,
        replaces: None,
        received: None,
    })
}
