//! Writing an import: the planned keys ([`crate::import::Planned`]) made
//! through the create protocol, in batches, resumable after a crash.
//!
//! Promises:
//! - each key is all or nothing, as [`Vault::add`]: its note (`pending`,
//!   in `inflight/`, one note for the batch) is on disk before its secret
//!   goes to the keychain, and
//!   it becomes complete in the catalog only after the keychain took the
//!   secret; a crash leaves notes that [`Vault::recover`] rolls back. Keys
//!   are written in batches of [`BATCH`]: one catalog write and one audit
//!   write per batch, so the keychain's own cost dominates;
//! - the import journal (`imports/<digest>.json`, keyed by the source
//!   file's SHA-256) lists the ids of the keys made so far; a run of the
//!   same file after a crash or a cancel plans those rows as imported
//!   earlier (skipped and listed), and the journal is removed when a run
//!   goes through to the end. It holds ids only, never a secret;
//! - `progress(done, total)` is called after each batch; returning `false`
//!   stops the import there (keys made so far stay, complete).

use std::collections::HashSet;
use std::path::PathBuf;

use serde::{Deserialize, Serialize};

use super::{Claim, Vault, free_to_create};
use crate::audit::AuditAction;
use crate::catalog::CatalogError;
use crate::error::{Error, Result};
use crate::faults;
use crate::generate::random_hex;
use crate::import::Planned;
use crate::journal;
use crate::keychain::{KeychainError, SecretStore};
use crate::private_files::{open_read, private_dir, write_atomically};
use crate::record::{History, KeyRecord, KeyState, Origin};
use crate::secret::Secret;

/// How many keys are made between two catalog writes.
pub const BATCH: usize = 100;

const FOLDER: &str = "imports";
const FORMAT: u32 = 1;

/// What an import did.
#[derive(Debug, Default)]
pub struct ImportOutcome {
    /// The keys made, with the row each came from.
    pub imported: Vec<(usize, KeyRecord)>,
    /// The rows that could not be written, with why (nothing of them was kept).
    pub failed: Vec<(usize, Error)>,
    /// Whether the person stopped it before the end.
    pub cancelled: bool,
}

#[derive(Serialize, Deserialize)]
struct ImportJournal {
    format: u32,
    /// The file's name, for people reading the folder.
    source: String,
    /// The ids of the keys made by this import so far.
    key_ids: Vec<String>,
}

/// The SHA-256 of an import's source, in hex: names its journal.
pub fn source_digest(bytes: &[u8]) -> String {
    use sha2::Digest;
    sha2::Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

impl<S: SecretStore> Vault<S> {
    fn import_journal_path(&self, digest: &str) -> PathBuf {
        self.catalog
            .dir()
            .join(FOLDER)
            .join(format!("{digest}.json"))
    }

    /// The ids of the keys an earlier, unfinished run of the import of the
    /// file with SHA-256 `digest` made (none when there was none). Asked
    /// before an import is planned and when it starts, so recovery runs
    /// first (see [`Vault::recover`]).
    pub fn imported_earlier(&self, digest: &str) -> Result<HashSet<String>> {
        self.settle()?;
        let path = self.import_journal_path(digest);
        let Some(mut file) = open_read(&path)? else {
            return Ok(HashSet::new());
        };
        let mut text = Vec::new();
        std::io::Read::read_to_end(&mut file, &mut text)
            .map_err(crate::private_files::FileError::io("read", &path))?;
        let journal: ImportJournal = serde_json::from_slice(&text).map_err(|e| {
            Error::Catalog(CatalogError::JournalUnreadable {
                path: path.clone(),
                detail: e.to_string(),
            })
        })?;
        Ok(journal.key_ids.into_iter().collect())
    }

    fn save_import_journal(&self, digest: &str, source: &str, ids: &[String]) -> Result<()> {
        let path = self.import_journal_path(digest);
        if let Some(dir) = path.parent() {
            private_dir(dir)?;
        }
        let bytes = serde_json::to_vec(&ImportJournal {
            format: FORMAT,
            source: source.to_owned(),
            key_ids: ids.to_vec(),
        })
        .map_err(|e| {
            crate::private_files::FileError::io("prepare", &path)(std::io::Error::other(e))
        })?;
        Ok(write_atomically(&path, &bytes)?)
    }

    /// Makes the `planned` keys of the import of `source` (SHA-256
    /// `digest`), batch by batch (see the module's promises).
    pub fn import(
        &self,
        digest: &str,
        source: &str,
        planned: Vec<Planned>,
        mut progress: impl FnMut(usize, usize) -> bool,
    ) -> Result<ImportOutcome> {
        let total = planned.len();
        let mut outcome = ImportOutcome::default();
        let mut ids: Vec<String> = self.imported_earlier(digest)?.into_iter().collect();
        let mut planned = planned.into_iter().peekable();
        let mut done = 0;
        while planned.peek().is_some() {
            let batch: Vec<Planned> = planned.by_ref().take(BATCH).collect();
            done += batch.len();
            let made = self.import_batch(source, batch, &mut outcome.failed)?;
            if !made.is_empty() {
                ids.extend(made.iter().map(|(_, r)| r.id.clone()));
                self.save_import_journal(digest, source, &ids)?;
                faults::point("import:after-batch");
            }
            outcome.imported.extend(made);
            if !progress(done, total) && done < total {
                outcome.cancelled = true;
                return Ok(outcome);
            }
        }
        // Gone through to the end: nothing left to resume.
        let path = self.import_journal_path(digest);
        match std::fs::remove_file(&path) {
            Ok(()) => {}
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
            Err(e) => crate::note!(
                "keyward: the import is done, but Keyward could not remove its journal {}: {e}",
                path.display()
            ),
        }
        Ok(outcome)
    }

    /// One batch: one note for the batch, the keychain writes, one catalog
    /// write, one audit write.
    fn import_batch(
        &self,
        source: &str,
        batch: Vec<Planned>,
        failed: &mut Vec<(usize, Error)>,
    ) -> Result<Vec<(usize, KeyRecord)>> {
        let dir = self.catalog.dir().to_owned();
        // Checked against the catalog and the batch itself here; checked
        // again under the catalog's lock when the batch is added.
        let mut known = self.catalog.load()?;
        let mut claimed: Vec<(usize, KeyRecord, Secret, Claim)> = Vec::with_capacity(batch.len());
        for Planned {
            row,
            key,
            credential_id,
            secret,
        } in batch
        {
            let result = (|| -> Result<(KeyRecord, Claim)> {
                if let Some(vendor) = &key.vendor {
                    self.vendors.ensure(vendor)?;
                }
                let record = KeyRecord {
                    id: random_hex(16)?,
                    name: key.name,
                    service: key.service,
                    application: key.application,
                    credential_id: credential_id.to_string(),
                    created_at: key.created_at,
                    origin: Origin::Added,
                    notes: key.notes,
                    state: KeyState::Pending,
                    history: History::default(),
                    reminder: Default::default(),
                    replaced_by: None,
                    delete_after: None,
                    issuer: Some(Origin::Added.into()),
                    vendor: key.vendor,
                    owner: key.owner,
                    leaked_at: None,
                    rotation: None,
                    replaces: None,
                    received: None,
                };
                free_to_create(&known, &record)?;
                let claim = self
                    .claim(&record.id)?
                    .ok_or_else(|| Error::Busy(record.name.to_string()))?;
                Ok((record, claim))
            })();
            match result {
                Ok((record, claim)) => {
                    known.push(record.clone());
                    claimed.push((row, record, secret, claim));
                }
                Err(e) => failed.push((row, e)),
            }
        }
        if claimed.is_empty() {
            return Ok(Vec::new());
        }
        // One note, flushed once, for the whole batch, before any secret
        // goes to the keychain.
        let batch_name = random_hex(8)?;
        let records: Vec<KeyRecord> = claimed.iter().map(|(_, r, _, _)| r.clone()).collect();
        journal::write_batch(&dir, &batch_name, &records)?;
        let mut stored: Vec<(usize, KeyRecord, Claim)> = Vec::with_capacity(claimed.len());
        // Keys whose secret may be in the keychain without their record:
        // they stay noted, for recovery to remove.
        let mut still_pending: Vec<KeyRecord> = Vec::new();
        let mut secrets: Vec<(String, Secret)> = Vec::with_capacity(claimed.len());
        for (row, record, secret, claim) in claimed {
            match self.store.put(&record.id, &secret) {
                Ok(()) => {
                    secrets.push((record.id.clone(), secret));
                    stored.push((row, record, claim));
                }
                // The write may still land: recovery removes it.
                Err(e @ KeychainError::TimedOut { .. }) => {
                    still_pending.push(record);
                    failed.push((row, e.into()));
                }
                Err(e) => failed.push((row, e.into())),
            }
        }
        self.remember_fingerprints(secrets.iter().map(|(id, secret)| (id.as_str(), secret)));
        drop(secrets);
        faults::point("import:after-keychain");
        // One write makes the whole batch complete; a key another process
        // took the name or credential ID of meanwhile is undone alone.
        let mut refused: Vec<(usize, Error)> = Vec::new();
        let added = self.catalog.update(|keys| {
            refused.clear();
            for (row, record, _) in &stored {
                let active = KeyRecord {
                    state: KeyState::Active,
                    ..record.clone()
                };
                match free_to_create(keys, &active) {
                    Ok(()) => keys.push(active),
                    Err(e) => refused.push((*row, e)),
                }
            }
            Ok::<_, Error>(())
        });
        let refused_rows: HashSet<usize> = refused.iter().map(|(row, _)| *row).collect();
        let mut made = Vec::with_capacity(stored.len());
        for (row, record, claim) in stored {
            if added.is_err() || refused_rows.contains(&row) {
                // Not added: undo the keychain write, or leave it noted.
                if self.store.remove(&record.id).is_ok() {
                    self.forget_fingerprint(&record.id);
                } else {
                    still_pending.push(record);
                }
            } else {
                made.push((
                    row,
                    KeyRecord {
                        state: KeyState::Active,
                        ..record
                    },
                    claim,
                ));
            }
        }
        faults::point("import:after-catalog");
        // The batch is done: its note goes, or keeps only what recovery must undo.
        let tidied = if still_pending.is_empty() {
            journal::remove_batch(&dir, &batch_name)
        } else {
            journal::write_batch(&dir, &batch_name, &still_pending)
        };
        if let Err(error) = tidied {
            crate::note!(
                "keyward: the keys are imported, but Keyward could not tidy up after them: {error}"
            );
        }
        added?;
        failed.extend(refused);
        let made: Vec<(usize, KeyRecord)> = made
            .into_iter()
            .map(|(row, record, _claim)| (row, record))
            .collect();
        if let Some(audit) = &self.audit {
            let entries: Vec<_> = made
                .iter()
                .map(|(row, record)| {
                    audit
                        .entry(AuditAction::Added)
                        .for_key(&record.id, record.name.as_str())
                        .with_detail(&format!("imported from {source}, row {row}"))
                })
                .collect();
            audit.note_all(&entries);
        }
        Ok(made)
    }
}

#[cfg(test)]
mod tests {
    use std::collections::HashSet;

    use super::super::tests::{audit_entries, audited, now};
    use crate::import::{Format, Mapping, Table, plan};
    use crate::keychain::SecretStore;
    use crate::record::KeyState;

    fn rows(n: usize) -> String {
        let mut text = String::from("service,credential_id,secret,created\n");
        for i in 0..n {
            text.push_str(&format!("svc{},cid-{i},secret-{i},2026-01-02\n", i % 7));
        }
        text
    }

    fn planned(
        vault: &super::Vault<crate::memory_store::MemoryStore>,
        text: &str,
    ) -> crate::import::Plan {
        let table = Table::parse(Format::Csv, text.as_bytes()).unwrap();
        let mapping = Mapping::default_for(&table);
        let keys = vault.catalog().load().unwrap();
        let earlier = vault
            .imported_earlier(&super::source_digest(text.as_bytes()))
            .unwrap();
        plan(table, &mapping, &keys, &earlier, now(), &chrono::Utc)
    }

    #[test]
    fn once_scans_are_in_use_an_import_fingerprints_its_keys_with_one_keychain_read_per_batch() {
        let (_dir, vault) = audited();
        vault.scan_fingerprints(|_, _| {}).unwrap();
        let text = rows(250);
        let plan = planned(&vault, &text);
        let reads = vault.store_for_tests().reads();
        let outcome = vault
            .import("d2", "keys.csv", plan.ready, |_, _| true)
            .unwrap();
        assert_eq!(outcome.imported.len(), 250);
        assert_eq!(
            vault.store_for_tests().reads() - reads,
            250_usize.div_ceil(super::BATCH),
            "the fingerprint key is read once per batch, not once per key"
        );
        crate::vault::tests::assert_every_key_fingerprinted(&vault, 250);
    }

    #[test]
    fn an_import_makes_every_key_with_its_secret_in_batches_and_audits_each() {
        let (_dir, vault) = audited();
        let text = rows(250);
        let plan = planned(&vault, &text);
        let mut calls = Vec::new();
        let outcome = vault
            .import("d1", "keys.csv", plan.ready, |done, total| {
                calls.push((done, total));
                true
            })
            .unwrap();
        assert_eq!(outcome.imported.len(), 250);
        assert!(outcome.failed.is_empty() && !outcome.cancelled);
        assert_eq!(
            calls,
            [(100, 250), (200, 250), (250, 250)],
            "progress per batch"
        );
        let keys = vault.catalog().load().unwrap();
        assert_eq!(keys.len(), 250);
        assert!(keys.iter().all(|k| k.state == KeyState::Active));
        let store = vault.store_for_tests();
        for (row, record) in &outcome.imported {
            let secret = store.get(&record.id).unwrap();
            assert_eq!(secret.expose(), format!("secret-{}", row - 2));
        }
        let entries = audit_entries(&vault);
        assert_eq!(entries.len(), 250);
        assert!(
            entries[0]
                .detail
                .as_deref()
                .unwrap()
                .contains("imported from keys.csv, row 2"),
            "{:?}",
            entries[0]
        );
        assert!(
            !vault.catalog().dir().join("imports/d1.json").exists(),
            "a finished import leaves no journal"
        );
        assert!(
            vault.catalog().noted_ids().unwrap().is_empty(),
            "no note left"
        );
    }

    #[test]
    fn a_cancelled_import_keeps_what_it_made_and_a_rerun_skips_those_rows() {
        let (_dir, vault) = audited();
        let text = rows(250);
        let digest = super::source_digest(text.as_bytes());
        let plan = planned(&vault, &text);
        let outcome = vault
            .import(&digest, "keys.csv", plan.ready, |done, _| done < 100)
            .unwrap();
        assert!(outcome.cancelled);
        assert_eq!(outcome.imported.len(), 100);
        assert_eq!(vault.imported_earlier(&digest).unwrap().len(), 100);

        let again = planned(&vault, &text);
        assert_eq!(again.ready.len(), 150);
        assert_eq!(again.refused.len(), 100);
        assert!(
            again
                .refused
                .iter()
                .all(|r| r.kind == crate::import::RefusalKind::ImportedEarlier)
        );
        let outcome = vault
            .import(&digest, "keys.csv", again.ready, |_, _| true)
            .unwrap();
        assert_eq!(outcome.imported.len(), 150);
        assert_eq!(vault.catalog().load().unwrap().len(), 250);
        assert!(vault.imported_earlier(&digest).unwrap().is_empty());
    }

    #[test]
    fn a_keychain_refusal_fails_that_key_alone_and_leaves_nothing_of_it() {
        let (_dir, vault) = audited();
        let plan = planned(&vault, &rows(3));
        *vault.store_for_tests().fail_with.lock().unwrap() =
            Some(crate::keychain::KeychainError::Denied);
        let outcome = vault.import("d", "k.csv", plan.ready, |_, _| true).unwrap();
        assert_eq!(outcome.failed.len(), 3);
        assert!(outcome.imported.is_empty());
        *vault.store_for_tests().fail_with.lock().unwrap() = None;
        assert!(vault.catalog().load().unwrap().is_empty());
        assert!(vault.catalog().noted_ids().unwrap().is_empty());
        assert!(vault.store_for_tests().accounts().unwrap().is_empty());
        let _: HashSet<String> = vault.imported_earlier("d").unwrap();
    }
}
