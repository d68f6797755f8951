//! Keys in and out of encrypted files: reading every secret for a backup,
//! putting keys back from one, and adding a key a colleague shared.
//!
//! Promises:
//! - Restoring follows the create protocol in batches: the batch's records
//!   go into the catalog as `pending` in one write (each key claimed, so no
//!   recovery elsewhere undoes it meanwhile), then each secret goes into
//!   the keychain, then one write makes the stored keys `active` and drops
//!   the others. A crash at any point leaves `pending` keys that
//!   [`Vault::recover`] rolls back (record and secret): every key is whole
//!   or absent, and the catalog is written twice per batch, not twice per key.
//! - Keys merge by id: a key already here (same id, same credential ID) is
//!   left as it is; a key whose id, credential ID or name another key here
//!   has is a [`Conflict`], left out and reported; nothing here is ever
//!   replaced or removed.
//! - Cancelling stops before the next key; the keys stored so far stay
//!   (each is complete), the rest are left out and reported.
//! - A received key is a new key here (a fresh id) made through the create
//!   protocol; where it came from (sender, who it was for, when it arrived)
//!   is kept on its record and goes into the audit log.

use std::sync::atomic::{AtomicBool, Ordering};

use chrono::{DateTime, Utc};

use super::{Claim, KeyRef, Vault, check_secret};
use crate::audit::{AuditAction, AuditEntry};
use crate::backup::{KeyIn, ShareInfo};
use crate::error::{Error, Result};
use crate::generate::random_hex;
use crate::keychain::{KeychainError, SecretStore};
use crate::naming::KeyName;
use crate::record::{History, KeyRecord, KeyState, Origin, Received};
use crate::secret::Secret;
use crate::vendor::VendorProfile;

/// Keys per batch: each is claimed (an open lock file) while its batch runs.
const BATCH: usize = 200;

/// A key from a file that was left out, and why.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, ts_rs::TS)]
pub struct Conflict {
    /// The key's name in the file.
    pub name: String,
    /// Its id in the file.
    pub id: String,
    /// Why it was left out, in words.
    pub reason: String,
}

/// What a restore did.
#[derive(Debug, Default, Clone, PartialEq, Eq, serde::Serialize, ts_rs::TS)]
pub struct RestoreReport {
    /// Names of the keys put back (record and secret).
    pub restored: Vec<String>,
    /// Names of keys that were already here, unchanged.
    pub already_here: Vec<String>,
    /// Keys left out because they clash with keys here.
    pub conflicts: Vec<Conflict>,
    /// Keys that could not be stored (the keychain refused), with why.
    pub failed: Vec<Conflict>,
    /// Keys not tried because the restore was cancelled.
    pub not_tried: usize,
    /// Whether the restore was cancelled.
    pub cancelled: bool,
    /// Audit entries from the backup added to this log.
    pub history_added: usize,
    /// Vendor profiles from the backup added here.
    pub vendors_added: usize,
}

impl<S: SecretStore> Vault<S> {
    /// Every complete key with its secret (one keychain read each, with
    /// `progress(done, total)` after each). A secret that cannot be read
    /// stops it, naming the key: a backup never silently lacks a key.
    /// `cancel` stops it before the next read ([`Error::Cancelled`]).
    pub fn secrets_for_backup(
        &self,
        mut progress: impl FnMut(usize, usize),
        cancel: &AtomicBool,
    ) -> Result<Vec<(KeyRecord, Secret)>> {
        self.settle()?;
        let keys: Vec<KeyRecord> = self.catalog.read(|keys| {
            keys.iter()
                .filter(|k| k.state == KeyState::Active)
                .cloned()
                .collect()
        })?;
        let total = keys.len();
        let mut out = Vec::with_capacity(total);
        for (done, record) in keys.into_iter().enumerate() {
            if cancel.load(Ordering::Relaxed) {
                return Err(Error::Cancelled);
            }
            let secret = self.store.get(&record.id).map_err(|e| {
                Error::Invalid(format!(
                    "Keyward could not read the secret of \"{}\" from the keychain, so no backup was written: {e}",
                    record.name
                ))
            })?;
            out.push((record, secret));
            progress(done + 1, total);
        }
        Ok(out)
    }

    /// A key and its secret, for writing into a shared file. Nothing is
    /// recorded here; the caller audits the share.
    pub fn secret_for_share(&self, key: KeyRef<'_>) -> Result<(KeyRecord, Secret)> {
        self.settle()?;
        let record = self.find(key)?;
        let secret = self.store.get(&record.id)?;
        Ok((record, secret))
    }

    /// Puts `keys` back (see the module's promises), `progress(done,
    /// total)` after each key; each key put back is audited as restored
    /// from `source`.
    pub fn restore_keys(
        &self,
        keys: Vec<KeyIn>,
        source: &str,
        mut progress: impl FnMut(usize, usize),
        cancel: &AtomicBool,
    ) -> Result<RestoreReport> {
        self.settle()?;
        let mut report = RestoreReport::default();
        let total = keys.len();
        let mut done = 0;
        let mut keys = keys.into_iter().peekable();
        while keys.peek().is_some() {
            let batch: Vec<KeyIn> = keys.by_ref().take(BATCH).collect();
            if cancel.load(Ordering::Relaxed) {
                report.cancelled = true;
                report.not_tried += batch.len();
                continue;
            }
            let stored = self.restore_batch(batch, &mut report, cancel, &mut |n| {
                done += n;
                progress(done, total);
            })?;
            if let Some(audit) = &self.audit {
                let detail = format!("restored from the backup {source}");
                let entries: Vec<AuditEntry> = stored
                    .iter()
                    .map(|r| {
                        audit
                            .entry(AuditAction::Restored)
                            .for_key(&r.id, r.name.as_str())
                            .with_detail(&detail)
                    })
                    .collect();
                audit.note_all(&entries);
            }
            report
                .restored
                .extend(stored.into_iter().map(|r| r.name.to_string()));
        }
        progress(total, total);
        Ok(report)
    }

    /// One batch: pending in one write, keychain, active in one write.
    fn restore_batch(
        &self,
        batch: Vec<KeyIn>,
        report: &mut RestoreReport,
        cancel: &AtomicBool,
        advance: &mut dyn FnMut(usize),
    ) -> Result<Vec<KeyRecord>> {
        // Claim each acceptable key, so no recovery undoes it while it runs.
        let mut claimed: Vec<(KeyIn, Claim)> = Vec::with_capacity(batch.len());
        for key in batch {
            if let Err(reason) = acceptable(&key) {
                report.conflicts.push(conflict(&key.record, reason));
                advance(1);
                continue;
            }
            match self.claim(&key.record.id)? {
                Some(claim) => claimed.push((key, claim)),
                None => {
                    report.conflicts.push(conflict(
                        &key.record,
                        "another Keyward is changing a key with this id right now".into(),
                    ));
                    advance(1);
                }
            }
        }
        for vendor in claimed.iter().filter_map(|(k, _)| k.record.vendor.as_ref()) {
            self.vendors.ensure(vendor)?;
        }
        // One write: the new keys as `pending`; the others sorted out.
        let (pending, skipped) = self.catalog.update(|current| {
            let mut pending = Vec::new();
            let mut skipped = Vec::new();
            for (i, (key, _)) in claimed.iter().enumerate() {
                match merge(current, &key.record) {
                    Merge::New => {
                        current.push(KeyRecord {
                            state: KeyState::Pending,
                            ..key.record.clone()
                        });
                        pending.push(i);
                    }
                    Merge::AlreadyHere => skipped.push((i, None)),
                    Merge::Conflict(reason) => skipped.push((i, Some(reason))),
                }
            }
            Ok::<_, Error>((pending, skipped))
        })?;
        for (i, reason) in skipped {
            let record = &claimed[i].0.record;
            match reason {
                None => report.already_here.push(record.name.to_string()),
                Some(reason) => report.conflicts.push(conflict(record, reason)),
            }
            advance(1);
        }
        // The keychain, key by key.
        let mut stored = Vec::new();
        let mut dropped = Vec::new();
        for (n, &i) in pending.iter().enumerate() {
            let key = &claimed[i].0;
            if cancel.load(Ordering::Relaxed) {
                report.cancelled = true;
                report.not_tried += pending.len() - n;
                dropped.extend(pending[n..].iter().map(|&i| claimed[i].0.record.id.clone()));
                break;
            }
            match self.store.put(&key.record.id, &key.secret) {
                Ok(()) => stored.push(i),
                // The write may still land: leave it pending for recovery.
                Err(e @ KeychainError::TimedOut { .. }) => {
                    report.failed.push(conflict(&key.record, e.to_string()));
                }
                Err(e) => {
                    report.failed.push(conflict(&key.record, e.to_string()));
                    dropped.push(key.record.id.clone());
                }
            }
            advance(1);
        }
        // One write: stored keys complete, the others gone again.
        let stored_ids: std::collections::HashSet<&str> = stored
            .iter()
            .map(|&i| claimed[i].0.record.id.as_str())
            .collect();
        let finished = self.catalog.update(|current| {
            current.retain(|k| !dropped.contains(&k.id) || k.state != KeyState::Pending);
            let mut finished = Vec::new();
            for key in current.iter_mut() {
                if key.state == KeyState::Pending && stored_ids.contains(key.id.as_str()) {
                    key.state = KeyState::Active;
                    finished.push(key.clone());
                }
            }
            Ok::<_, Error>(finished)
        });
        let finished = match finished {
            Ok(finished) => finished,
            Err(e) => {
                // The secrets stay with their pending records; recovery
                // removes both.
                return Err(e);
            }
        };
        self.remember_fingerprints(stored.iter().map(|&i| {
            let (key, _) = &claimed[i];
            (key.record.id.as_str(), &key.secret)
        }));
        Ok(finished)
    }

    /// Adds a key a colleague shared, as a new key here (a fresh id; named
    /// `name` or as the sender named it), keeping where it came from on its
    /// record (received at `now`) and in the audit log.
    pub fn receive(
        &self,
        key: KeyIn,
        share: &ShareInfo,
        name: Option<KeyName>,
        file: &str,
        now: DateTime<Utc>,
    ) -> Result<KeyRecord> {
        self.settle()?;
        check_secret(&key.secret)?;
        let shared = key.record;
        if let Some(vendor) = &shared.vendor {
            self.vendors.ensure(vendor)?;
        }
        let issuer = shared.issuer();
        let received = Received::from_file(
            now,
            share.from_user.as_deref(),
            share.from_computer.as_deref(),
            share.recipient.as_deref(),
        );
        let record = KeyRecord {
            id: random_hex(16)?,
            name: name.unwrap_or(shared.name),
            service: shared.service,
            application: shared.application,
            credential_id: shared.credential_id,
            created_at: shared.created_at,
            origin: Origin::Added,
            notes: shared.notes,
            state: KeyState::Pending,
            history: History::default(),
            reminder: Default::default(),
            replaced_by: None,
            delete_after: None,
            issuer: Some(issuer),
            vendor: shared.vendor,
            owner: shared.owner,
            leaked_at: shared.leaked_at,
            rotation: None,
            replaces: None,
            received: Some(received),
        };
        let record = self.store_new(record, &key.secret, |_| Ok(()))?;
        if let Some(audit) = &self.audit {
            let from = record
                .received
                .as_ref()
                .map_or_else(|| "someone".into(), Received::from_words);
            let detail = format!(
                "received from {from} in the shared file {file}{}",
                share
                    .recipient
                    .as_deref()
                    .map(|r| format!(" (shared for {r})"))
                    .unwrap_or_default(),
            );
            audit.note(
                AuditAction::Received,
                Some((&record.id, record.name.as_str())),
                Some(&detail),
            );
        }
        Ok(record)
    }

    /// Adds the vendor profiles this Keyward does not have yet (profiles
    /// here are kept as they are). Returns how many were added.
    pub fn merge_vendors(&self, profiles: &[VendorProfile]) -> Result<usize> {
        let have = self.vendors.all()?;
        let mut added = 0;
        for profile in profiles {
            if !have.contains_key(&profile.name) {
                self.vendors.save(profile.clone())?;
                added += 1;
            }
        }
        Ok(added)
    }

    /// Appends the audit entries of a backup that this log lacks (an entry
    /// equal in every field is already here), oldest first, in one write.
    /// Returns how many were added.
    pub fn merge_history(&self, entries: &[AuditEntry]) -> Result<usize> {
        let Some(audit) = &self.audit else {
            return Ok(0);
        };
        let line = |e: &AuditEntry| serde_json::to_string(e).unwrap_or_default();
        let have: std::collections::HashSet<String> =
            audit.read()?.entries.iter().map(line).collect();
        let missing: Vec<AuditEntry> = entries
            .iter()
            .filter(|e| !have.contains(&line(e)))
            .cloned()
            .collect();
        audit.append_all(&missing)?;
        Ok(missing.len())
    }
}

/// How a key from a file meets the keys here.
enum Merge {
    New,
    AlreadyHere,
    Conflict(String),
}

fn merge(current: &[KeyRecord], incoming: &KeyRecord) -> Merge {
    if let Some(same_id) = current.iter().find(|k| k.id == incoming.id) {
        return if same_id.credential_id == incoming.credential_id {
            Merge::AlreadyHere
        } else {
            Merge::Conflict(format!(
                "a different key here has the same id (\"{}\")",
                same_id.name
            ))
        };
    }
    if let Some(other) = current
        .iter()
        .find(|k| k.credential_id == incoming.credential_id)
    {
        return Merge::Conflict(format!(
            "this credential ID is already here, as the key \"{}\"",
            other.name
        ));
    }
    if current
        .iter()
        .any(|k| k.name == incoming.name || k.id == incoming.name.as_str())
    {
        return Merge::Conflict(
            "another key here has this name; rename that key or delete it, then restore again"
                .into(),
        );
    }
    Merge::New
}

/// Refuses keys no Keyward writes: an id that is not lowercase hex (it
/// names a lock file), a secret Keyward would not accept.
fn acceptable(key: &KeyIn) -> std::result::Result<(), String> {
    let id = &key.record.id;
    if id.is_empty() || id.len() > 64 || !id.bytes().all(|b| b.is_ascii_hexdigit()) {
        return Err("its id is not one Keyward makes".into());
    }
    check_secret(&key.secret).map_err(|e| e.to_string())
}

fn conflict(record: &KeyRecord, reason: String) -> Conflict {
    Conflict {
        name: record.name.to_string(),
        id: record.id.clone(),
        reason,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::vault::tests::{audited, new_key, now, vault};
    use chrono::Utc;

    /// Every key of `from` with its secret, as a file would carry them.
    fn carried<S: SecretStore>(from: &Vault<S>) -> Vec<KeyIn> {
        from.secrets_for_backup(|_, _| {}, &AtomicBool::new(false))
            .unwrap()
            .into_iter()
            .map(|(record, secret)| KeyIn { record, secret })
            .collect()
    }

    #[test]
    fn once_scans_are_in_use_a_restore_fingerprints_its_keys_with_one_keychain_read_per_batch() {
        let (_a, from) = vault();
        for i in 0..(BATCH + 50) {
            from.generate(new_key(&format!("k{i}"))).unwrap();
        }
        let (_b, to) = audited();
        to.scan_fingerprints(|_, _| {}).unwrap();
        let reads = to.store_for_tests().reads();
        let report = to
            .restore_keys(
                carried(&from),
                "keys.keyward",
                |_, _| {},
                &AtomicBool::new(false),
            )
            .unwrap();
        assert_eq!(report.restored.len(), BATCH + 50);
        assert_eq!(
            to.store_for_tests().reads() - reads,
            2,
            "the fingerprint key is read once per batch, not once per key"
        );
        crate::vault::tests::assert_every_key_fingerprinted(&to, BATCH + 50);
    }

    #[test]
    fn restored_keys_keep_their_ids_metadata_and_secrets() {
        let (_a, from) = vault();
        let (k1, s1) = from.generate(new_key("k1")).unwrap();
        let (k2, s2) = from.generate(new_key("k2")).unwrap();
        from.reveal("k2", now()).unwrap();
        let (_b, to) = audited();
        let mut seen = Vec::new();
        let report = to
            .restore_keys(
                carried(&from),
                "keys.keyward",
                |done, total| seen.push((done, total)),
                &AtomicBool::new(false),
            )
            .unwrap();
        assert_eq!(report.restored, ["k1", "k2"]);
        assert!(report.conflicts.is_empty() && report.failed.is_empty());
        assert_eq!(seen.last(), Some(&(2, 2)), "progress to the end");
        assert_eq!(to.store_for_tests().get(&k1.id).unwrap(), s1);
        assert_eq!(to.store_for_tests().get(&k2.id).unwrap(), s2);
        let back = to.find(KeyRef::Id(&k2.id)).unwrap();
        assert_eq!(back, from.find("k2").unwrap(), "every field, history too");
        assert!(
            to.catalog().noted_ids().unwrap().is_empty(),
            "no notes left"
        );
        let restored: Vec<_> = crate::vault::tests::audit_entries(&to)
            .into_iter()
            .filter(|e| e.action == AuditAction::Restored)
            .collect();
        assert_eq!(restored.len(), 2, "each key audited");
        assert!(
            restored[0]
                .detail
                .as_deref()
                .unwrap()
                .contains("keys.keyward")
        );
    }

    #[test]
    fn restoring_merges_by_id_and_reports_conflicts_without_changing_keys_here() {
        let (_a, from) = vault();
        let (same, _) = from.generate(new_key("same")).unwrap();
        from.generate(new_key("clash")).unwrap();
        let (moved, _) = from.generate(new_key("moved")).unwrap();
        from.generate(new_key("new")).unwrap();
        let (_b, to) = vault();
        // "same" is already here (same id); "clash" is another key's name
        // here; "moved" has its credential ID here under another id.
        to.restore_keys(
            carried(&from)
                .into_iter()
                .filter(|k| k.record.id == same.id)
                .collect(),
            "f",
            |_, _| {},
            &AtomicBool::new(false),
        )
        .unwrap();
        let (here, here_secret) = to.generate(new_key("clash")).unwrap();
        to.add(
            new_key("moved-here"),
            &crate::naming::Label::credential_id(&moved.credential_id).unwrap(),
            Secret::new("other".into()),
        )
        .unwrap();
        let catalog_before = to.catalog().load().unwrap();
        let report = to
            .restore_keys(carried(&from), "f", |_, _| {}, &AtomicBool::new(false))
            .unwrap();
        assert_eq!(report.restored, ["new"]);
        assert_eq!(report.already_here, ["same"]);
        let conflicts: Vec<(&str, &str)> = report
            .conflicts
            .iter()
            .map(|c| (c.name.as_str(), c.reason.as_str()))
            .collect();
        assert_eq!(conflicts.len(), 2, "{conflicts:?}");
        assert!(conflicts[0].0 == "clash" && conflicts[0].1.contains("has this name"));
        assert!(conflicts[1].0 == "moved" && conflicts[1].1.contains("\"moved-here\""));
        let after = to.catalog().load().unwrap();
        for key in &catalog_before {
            assert!(after.contains(key), "{} unchanged", key.name);
        }
        assert_eq!(to.store_for_tests().get(&here.id).unwrap(), here_secret);
    }

    #[test]
    fn a_keychain_failure_leaves_no_half_restored_key() {
        let (_a, from) = vault();
        for n in 0..3 {
            from.generate(new_key(&format!("k{n}"))).unwrap();
        }
        let (_b, to) = vault();
        *to.store_for_tests().fail_with.lock().unwrap() = Some(KeychainError::Locked);
        let report = to
            .restore_keys(carried(&from), "f", |_, _| {}, &AtomicBool::new(false))
            .unwrap();
        assert_eq!(report.failed.len(), 3);
        assert!(
            report.failed[0].reason.contains("locked"),
            "{:?}",
            report.failed
        );
        assert!(to.catalog().load().unwrap().is_empty(), "no record left");
        // A time-out may still land: the keys stay pending, and recovery
        // removes record and secret.
        *to.store_for_tests().fail_with.lock().unwrap() =
            Some(KeychainError::TimedOut { seconds: 1 });
        to.restore_keys(carried(&from), "f", |_, _| {}, &AtomicBool::new(false))
            .unwrap();
        assert!(to.list(now(), &Utc).unwrap().is_empty(), "none listed");
        *to.store_for_tests().fail_with.lock().unwrap() = None;
        assert_eq!(to.recover().unwrap().rolled_back.len(), 3);
        assert!(to.catalog().load().unwrap().is_empty());
        assert!(to.store_for_tests().accounts().unwrap().is_empty());
    }

    #[test]
    fn cancelling_keeps_the_keys_stored_so_far_whole_and_leaves_out_the_rest() {
        let (_a, from) = vault();
        for n in 0..450 {
            from.generate(new_key(&format!("k{n}"))).unwrap();
        }
        let (_b, to) = vault();
        let cancel = AtomicBool::new(false);
        let report = to
            .restore_keys(
                carried(&from),
                "f",
                |done, _| {
                    if done == 250 {
                        cancel.store(true, Ordering::Relaxed);
                    }
                },
                &cancel,
            )
            .unwrap();
        assert!(report.cancelled);
        assert_eq!(report.restored.len(), 250);
        assert_eq!(report.not_tried, 200);
        let records = to.catalog().load().unwrap();
        assert_eq!(records.len(), 250);
        assert!(records.iter().all(|r| r.state == KeyState::Active));
        let mut accounts = to.store_for_tests().accounts().unwrap();
        let mut ids: Vec<String> = records.iter().map(|r| r.id.clone()).collect();
        accounts.sort();
        ids.sort();
        assert_eq!(accounts, ids, "each restored key has its secret, no other");
    }

    #[test]
    fn a_key_with_an_id_keyward_never_makes_is_left_out() {
        let (_a, from) = vault();
        from.generate(new_key("k")).unwrap();
        let mut keys = carried(&from);
        keys[0].record.id = "../../escape".into();
        let (_b, to) = vault();
        let report = to
            .restore_keys(keys, "f", |_, _| {}, &AtomicBool::new(false))
            .unwrap();
        assert_eq!(report.conflicts.len(), 1);
        assert!(to.catalog().load().unwrap().is_empty());
    }

    #[test]
    fn a_received_key_is_a_new_key_here_and_its_origin_is_audited() {
        let (_a, from) = vault();
        let (sent, secret) = from.generate(new_key("sent")).unwrap();
        let (_b, to) = audited();
        let share = ShareInfo {
            expires_at: now(),
            recipient: Some("Bob".into()),
            from_user: Some("alice".into()),
            from_computer: Some("laptop".into()),
        };
        let key = carried(&from).pop().unwrap();
        let got = to
            .receive(key, &share, None, "sent.keyward", now())
            .unwrap();
        assert_ne!(got.id, sent.id, "a fresh id");
        let received = got.received.as_ref().expect("its origin is on the record");
        assert_eq!(
            (received.from_words(), received.at),
            ("alice on laptop".to_owned(), now())
        );
        assert_eq!(
            received
                .shared_for
                .as_ref()
                .map(crate::naming::Label::as_str),
            Some("Bob")
        );
        assert_eq!(
            to.catalog().load().unwrap()[0].received,
            got.received,
            "kept in the catalog"
        );
        assert_eq!(
            (got.name.as_str(), &got.credential_id, got.origin),
            ("sent", &sent.credential_id, Origin::Added)
        );
        assert_eq!(
            got.issuer(),
            crate::record::Issuer::Keyward,
            "who issued it stays"
        );
        assert_eq!(to.store_for_tests().get(&got.id).unwrap(), secret);
        let entry = crate::vault::tests::audit_entries(&to).pop().unwrap();
        assert_eq!(entry.action, AuditAction::Received);
        let detail = entry.detail.unwrap();
        assert!(
            detail.contains("alice on laptop") && detail.contains("Bob"),
            "{detail}"
        );
        let again = to.receive(carried(&from).pop().unwrap(), &share, None, "f", now());
        assert_eq!(again.unwrap_err().code(), "credential_id_taken");
    }

    #[test]
    fn history_and_vendors_merge_without_duplicates() {
        let (_a, from) = audited();
        from.generate(new_key("k")).unwrap();
        let entries = from.audit().unwrap().read().unwrap().entries;
        let (_b, to) = audited();
        assert_eq!(to.merge_history(&entries).unwrap(), 1);
        assert_eq!(to.merge_history(&entries).unwrap(), 0, "already there");
        let profile = VendorProfile::bare(crate::vendor::VendorName::parse("stripe").unwrap());
        assert_eq!(to.merge_vendors(std::slice::from_ref(&profile)).unwrap(), 1);
        assert_eq!(to.merge_vendors(&[profile]).unwrap(), 0);
    }
}
