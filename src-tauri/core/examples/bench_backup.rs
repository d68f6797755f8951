//! Restore and backup of N keys against the real keychain, for
//! `.ci/bench-backup` (a report, not a test). Run inside a private session.
//!
//! gnome-keyring's own cost per item grows with the items it holds (it
//! rewrites its whole keyring file on each write to an on-disk collection),
//! so the restore is measured in windows: the keys are put back STEP at a
//! time, and before and after each window RAW items are written straight
//! into the keychain (then read, then removed); the mean of the two is the
//! keychain's own cost at the window's keyring sizes. Each window prints
//! Keyward's time per key beside it.
//! Then a backup of the N keys, its keychain reads timed apart from the
//! rest (history, JSON, encryption, writing the file; the scrypt work runs
//! during the reads) in the same run: the reads end with the last progress
//! call.
//!
//! Usage: `bench_backup WORK_DIR N [STEP [RAW]]` (STEP defaults to N / 10,
//! RAW to 200). The keys are left in the keychain (the session's keyring is
//! thrown away with the session).

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
        return Err("usage: bench_backup WORK_DIR N [STEP [RAW]]".into());
    };
    let work = std::path::PathBuf::from(work);
    let count: usize = count.parse()?;
    let step: usize = args
        .next()
        .map(|m| m.parse())
        .transpose()?
        .unwrap_or((count / 10).max(1));
    let raw: usize = args.next().map(|m| m.parse()).transpose()?.unwrap_or(200);
    let keychain = OsKeychain::from_environment(keyward_core::env::process());

    // The backup file of N keys, sealed from memory (no keychain).
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
    drop(contents);
    drop(keys);
    let seal_ms = ms(started);
    let size = std::fs::metadata(&file)?.len();

    // Restore, window by window.
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
    println!(
        "restore of {count} keys ({:.1} MB file): opening it (scrypt + decryption) {open_ms:.0} ms; then the keys put back {step} at a time:",
        size as f64 / 1e6
    );
    println!(
        "{:>13}  {:>15}  {:>22}  {:>21}  {:>14}",
        "keyring items",
        "restore ms/key",
        "keychain write ms/item",
        "keychain read ms/item",
        "write's share"
    );
    let mut left = opened.keys.into_iter();
    let (mut done, mut restore_ms, mut write_sum) = (0, 0.0, 0.0);
    while done < count {
        let window: Vec<_> = left.by_ref().take(step).collect();
        let n = window.len();
        let before = raw_costs(&keychain, raw)?;
        let started = Instant::now();
        let report = vault.restore_keys(window, "bench", |_, _| {}, &AtomicBool::new(false))?;
        let window_ms = ms(started);
        // The keychain's cost grows with the items it holds: its cost over
        // the window is taken as the mean of before and after it.
        let after = raw_costs(&keychain, raw)?;
        let (put_ms, get_ms) = ((before.0 + after.0) / 2.0, (before.1 + after.1) / 2.0);
        assert_eq!(report.restored.len(), n, "every key put back");
        let per_key = window_ms / n as f64;
        println!(
            "{:>13}  {per_key:>15.2}  {put_ms:>22.2}  {get_ms:>21.2}  {:>13.0}%",
            format!("{done}–{}", done + n),
            100.0 * put_ms / per_key
        );
        done += n;
        restore_ms += window_ms;
        write_sum += put_ms * n as f64;
    }
    println!(
        "restore in all: {count} keys put back in {:.1} s = {:.2} ms per key; the keychain's own writes at the same sizes would take {:.1} s ({:.0}% of it)",
        restore_ms / 1000.0,
        restore_ms / count as f64,
        write_sum / 1000.0,
        100.0 * write_sum / restore_ms
    );

    // Backup: the keychain reads end with the last progress call.
    let (_, get_ms) = raw_costs(&keychain, raw)?;
    let out = work.join("again.keyward");
    let started = Instant::now();
    let mut reads_done = started;
    let saved = backup::save_backup(
        &vault,
        None,
        &Lock::Passphrase(&passphrase),
        &out,
        Utc::now(),
        |_, _| reads_done = Instant::now(),
        &AtomicBool::new(false),
    )?;
    let backup_ms = ms(started);
    let reads_ms = reads_done.duration_since(started).as_secs_f64() * 1000.0;
    println!(
        "backup of {saved} keys: {backup_ms:.0} ms in all = the keychain reads (with the catalog load) {reads_ms:.0} ms ({:.2} ms per key; a direct read {get_ms:.2} ms per item) + the rest after the last read (history, JSON, encryption, the file written; the passphrase's scrypt work runs during the reads) {:.0} ms (aim: at most 2,000 ms)",
        reads_ms / saved.max(1) as f64,
        backup_ms - reads_ms
    );
    println!("sealing the {count} keys from memory, for comparison (no keychain): {seal_ms:.0} ms");
    // The passphrase's scrypt work alone (age tunes it to about a second on
    // the computer, on purpose): an empty backup sealed.
    let started = Instant::now();
    backup::seal(
        &Contents {
            kind: Kind::Backup,
            made_at: now,
            keys: vec![],
            vendors: vec![],
            audit: &[],
            settings: None,
            share: None,
        },
        &Lock::Passphrase(&passphrase),
    )?;
    println!(
        "of which the passphrase's scrypt work (an empty backup sealed): {:.0} ms",
        ms(started)
    );
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
