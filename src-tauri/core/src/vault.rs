//! The create/delete protocol over the catalog and the keychain.
//!
//! Promises (the consistency protocol):
//! - create: record `pending` → keychain write → record `active`;
//! - delete: record `deleting` → keychain delete (already gone counts as done) → record removed;
//! - the `pending` and `deleting` steps are notes in the [`crate::journal`]
//!   (every reader of the catalog sees them as those states), so the
//!   catalog itself is written once per create or delete; catalogs that
//!   hold those states themselves (written by earlier versions) are
//!   recovered just the same;
//! - if Keyward stops at any point, [`Vault::recover`] finishes or rolls back
//!   what was left half-done, so a key ends with both its record and its
//!   secret, or neither. A `pending` key is rolled back: its secret was never shown.
//! - the vault runs that recovery itself before every operation that makes,
//!   deletes, reads the secret of, backs up, restores, shares or receives
//!   keys (and before an import is planned), so no caller has to remember
//!   it; what it found goes to the reporter given to [`Vault::on_recovery`].
//! - an operation in progress holds a lock on `inflight/<id>.lock`, so
//!   recovery in another process never undoes work that is still running.
//! - listing and looking up never touch the keychain.
//! - names and ids are never confused: the window names keys by id only
//!   ([`KeyRef::Id`]); what a person types ([`KeyRef::NameOrId`]) that is the
//!   name of one key and the id of another is refused, naming both; and no
//!   new key may be named with another key's id.
//! - reading a secret (reveal, copy) never depends on writing: when the
//!   time it was shown or copied cannot be saved, the secret is still
//!   returned and the failure goes to standard error and the audit entry.
//! - a credential ID or secret that starts like a Keyward key but fails its
//!   checksum is refused when added (see [`crate::generate::check_token`]).
//! - a credential ID is recorded once: creating a key whose credential ID
//!   another key has is refused, naming that key.
//! - what a person types finds a key by its exact name, id or credential
//!   ID, or else by a part of its credential ID of at least four characters;
//!   anything that could mean more than one key is refused, listing them.
//! - once leak scans are in use, a key's fingerprint is written when it is
//!   stored and dropped when it is deleted (see [`fingerprints`]).
//! - a rotation's progress is kept on the old key ([`RotationStep`]); a new
//!   key made by a rotation names the key it replaces (`replaces`), so a
//!   rotation interrupted between the two is finished by [`Vault::recover`].

use std::fs::{self, File};
use std::path::PathBuf;

use chrono::{DateTime, TimeZone, Utc};

use crate::audit::{AuditAction, AuditLog};
use crate::catalog::Catalog;
use crate::error::{Error, Result};
use crate::faults;
use crate::generate::{Credential, TokenCheck, check_token, generate_credential, random_hex};
use crate::keychain::{KeychainError, SecretStore};
use crate::naming::{KeyName, Label, ServiceName};
use crate::policy::OrgPolicy;
use crate::private_files::private_dir;
use crate::record::{
    History, KeyRecord, KeyState, KeyView, Origin, RotationStep, ViewContext, credential_id_matches,
};
use crate::reminders::{ReminderPolicy, SnoozeStage};
use crate::rotation::RotationPolicy;
use crate::secret::Secret;
use crate::vendor::{VendorName, Vendors};

mod changes;
mod fingerprints;
mod import;
mod restore;
mod vendor_rotation;

pub use changes::KeyChanges;
pub use fingerprints::ScanKeys;
pub use import::{BATCH as IMPORT_BATCH, ImportOutcome, source_digest};
pub use restore::{Conflict, RestoreReport};
pub use vendor_rotation::VendorAnswer;

/// Longest secret accepted from a person, in bytes.
pub const SECRET_MAX: usize = 8192;

/// What a new key is called and belongs to.
#[derive(Debug, Clone)]
pub struct NewKey {
    /// Service the key is for.
    pub service: ServiceName,
    /// Application that will use it.
    pub application: Option<Label>,
    /// Its unique name.
    pub name: KeyName,
    /// Free notes.
    pub notes: Label,
    /// When it was created.
    pub created_at: DateTime<Utc>,
    /// The vendor that issued it (added keys).
    pub vendor: Option<VendorName>,
    /// Who looks after it.
    pub owner: Option<Label>,
}

/// How a command names a key.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum KeyRef<'a> {
    /// By its id only: the window, which always knows the id.
    Id(&'a str),
    /// As a person types it: a key's exact name, id or credential ID, or a
    /// part of its credential ID (at least four characters).
    NameOrId(&'a str),
}

impl<'a> From<&'a str> for KeyRef<'a> {
    fn from(query: &'a str) -> Self {
        Self::NameOrId(query)
    }
}

impl<'a> From<&'a String> for KeyRef<'a> {
    fn from(query: &'a String) -> Self {
        Self::NameOrId(query)
    }
}

impl KeyRef<'_> {
    fn text(&self) -> &str {
        match self {
            Self::Id(text) | Self::NameOrId(text) => text,
        }
    }
}

/// What [`Vault::recover`] found and did.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Recovery {
    /// Keys whose creation was interrupted, now removed (record and secret).
    pub rolled_back: Vec<String>,
    /// Keys whose deletion was interrupted, now finished.
    pub finished_deletes: Vec<String>,
    /// Keys that could not be cleaned up yet, with the reason.
    pub failed: Vec<(String, KeychainError)>,
}

impl Recovery {
    /// Whether anything was found.
    pub fn is_empty(&self) -> bool {
        self.rolled_back.is_empty() && self.finished_deletes.is_empty() && self.failed.is_empty()
    }
}

/// The catalog and the keychain, kept consistent.
pub struct Vault<S> {
    catalog: Catalog,
    store: S,
    /// Changes when the settings in force change (see [`Vault::set_policy`]).
    policy: std::sync::RwLock<RotationPolicy>,
    audit: Option<AuditLog>,
    vendors: Vendors,
    /// Told what each recovery the vault runs itself found.
    on_recovery: Option<RecoveryReporter>,
}

/// Told what a recovery the vault ran itself found (see [`Vault::on_recovery`]).
type RecoveryReporter = Box<dyn Fn(&Recovery) + Send + Sync>;

/// Keychain accounts starting with this belong to Keyward's settings (for
/// example the team channel's address), not to a key: never orphans.
pub const SETTING_ACCOUNT_PREFIX: &str = "setting:";

/// Marks a key as being worked on by this process until dropped.
struct Claim {
    _file: File,
    path: PathBuf,
}

impl Drop for Claim {
    fn drop(&mut self) {
        // Best effort: a leftover empty lock file is harmless and reused.
        let _ = fs::remove_file(&self.path);
    }
}

impl<S: SecretStore> Vault<S> {
    /// A vault over `catalog` and `store`.
    pub fn new(catalog: Catalog, store: S, policy: RotationPolicy) -> Self {
        let vendors = Vendors::in_dir(catalog.dir());
        Self {
            catalog,
            store,
            policy: std::sync::RwLock::new(policy),
            audit: None,
            vendors,
            on_recovery: None,
        }
    }

    /// Tells `report` what each recovery the vault runs itself (before an
    /// operation) found, when it found anything: the command line says it
    /// on standard error. Without one, recovery still runs, silently.
    pub fn on_recovery(mut self, report: impl Fn(&Recovery) + Send + Sync + 'static) -> Self {
        self.on_recovery = Some(Box::new(report));
        self
    }

    /// Records what happens to keys in `audit` (after each success only).
    pub fn with_audit(mut self, audit: AuditLog) -> Self {
        self.audit = Some(audit);
        self
    }

    /// The audit log, if one is kept, so other parts can record their events.
    pub fn audit(&self) -> Option<&AuditLog> {
        self.audit.as_ref()
    }

    /// The secret store, for tests in other modules.
    #[cfg(test)]
    pub(crate) fn store_for_tests(&self) -> &S {
        &self.store
    }

    /// The keychain this vault keeps secrets in, for the app's other uses
    /// of it (settings kept there, such as the team channel's address).
    pub fn store(&self) -> &S {
        &self.store
    }

    /// The same vault over a shared handle to its keychain, so the app's
    /// state can hold the OS keychain or, in tests without a desktop
    /// session, an in-memory one.
    pub fn into_shared(self) -> Vault<crate::keychain::SharedStore>
    where
        S: 'static,
    {
        let policy = self
            .policy
            .into_inner()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        Vault {
            catalog: self.catalog,
            store: std::sync::Arc::new(self.store),
            policy: std::sync::RwLock::new(policy),
            audit: self.audit,
            vendors: self.vendors,
            on_recovery: self.on_recovery,
        }
    }

    /// Records `action` on `record`; a failed write never fails the operation.
    fn note(&self, action: AuditAction, record: &KeyRecord) {
        if let Some(audit) = &self.audit {
            audit.note(action, Some((&record.id, record.name.as_str())), None);
        }
    }

    /// The catalog.
    pub fn catalog(&self) -> &Catalog {
        &self.catalog
    }

    /// The rotation policy in force.
    pub fn policy(&self) -> RotationPolicy {
        // A poisoned lock still holds a whole policy (it is only ever replaced).
        *self
            .policy
            .read()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// Puts `policy` in force (the settings in force changed).
    pub fn set_policy(&self, policy: RotationPolicy) {
        *self
            .policy
            .write()
            .unwrap_or_else(std::sync::PoisonError::into_inner) = policy;
    }

    /// The vendor profiles kept beside the catalog.
    pub fn vendors(&self) -> &Vendors {
        &self.vendors
    }

    /// Every complete key, as seen at `now` with dates counted in `tz`.
    /// Never touches the keychain.
    pub fn list<Tz: TimeZone>(&self, now: DateTime<Utc>, tz: &Tz) -> Result<Vec<KeyView>> {
        let policy = self.policy();
        let vendors = self.vendor_profiles();
        Ok(self.catalog.read(|keys| {
            let context = ViewContext {
                vendors,
                names: replacer_names(keys),
            };
            keys.iter()
                .filter(|k| k.state == KeyState::Active)
                .map(|k| k.view_in(&policy, now, tz, &context))
                .collect()
        })?)
    }

    /// The read model of `record` at `now`, with its vendor's profile and
    /// the name of the key that replaced it.
    pub fn view<Tz: TimeZone>(
        &self,
        record: &KeyRecord,
        now: DateTime<Utc>,
        tz: &Tz,
    ) -> Result<KeyView> {
        let mut names = std::collections::HashMap::new();
        if let Some(new_id) = &record.replaced_by {
            let name = self.catalog.read(|keys| {
                keys.iter()
                    .find(|k| &k.id == new_id)
                    .map(|k| k.name.to_string())
            })?;
            if let Some(name) = name {
                names.insert(new_id.clone(), name);
            }
        }
        let context = ViewContext {
            vendors: self.vendor_profiles(),
            names,
        };
        Ok(record.view_in(&self.policy(), now, tz, &context))
    }

    /// The vendor profiles for showing keys; a damaged `vendors.json` is
    /// said on standard error and shows keys with their vendor's name only.
    pub fn vendor_profiles(
        &self,
    ) -> std::collections::BTreeMap<VendorName, crate::vendor::VendorProfile> {
        self.vendors.all().unwrap_or_else(|error| {
            crate::note!("keyward: warning: {error}");
            Default::default()
        })
    }

    /// The complete key `key` names (see [`KeyRef`]). Exact matches (id,
    /// name, credential ID) come first; a part of a credential ID is tried
    /// only when nothing matches exactly. More than one match is refused
    /// as [`Error::Ambiguous`], listing them.
    pub fn find<'q>(&self, key: impl Into<KeyRef<'q>>) -> Result<KeyRecord> {
        let key = key.into();
        let query = key.text();
        let typed = matches!(key, KeyRef::NameOrId(_));
        self.catalog.read(|keys| {
            let active = || keys.iter().filter(|k| k.state == KeyState::Active);
            let exact: Vec<(&'static str, &KeyRecord)> = active()
                .filter_map(|record| {
                    if record.id == query {
                        Some(("the id of", record))
                    } else if typed && record.name.as_str() == query {
                        Some(("the name of", record))
                    } else if typed && record.credential_id == query {
                        Some(("the credential ID of", record))
                    } else {
                        None
                    }
                })
                .collect();
            let matches = if exact.is_empty() && typed {
                active()
                    .filter(|record| credential_id_matches(&record.credential_id, query))
                    .map(|record| ("part of the credential ID of", record))
                    .collect()
            } else {
                exact
            };
            match matches.as_slice() {
                [] => Err(Error::NotFound(query.to_owned())),
                [(_, record)] => Ok((*record).clone()),
                more => Err(ambiguous(query, more)),
            }
        })?
    }

    /// Whether no key is called `name` or has it as its id. A key left
    /// half-made by an operation that is over (for example a keychain that
    /// did not answer in time) does not count: it is rolled back by
    /// [`Vault::recover`], which creating a key runs first, so the name is
    /// free once the keychain answers again.
    pub fn name_available(&self, name: &KeyName) -> Result<bool> {
        let clashes: Vec<(String, KeyState)> = self.catalog.read(|keys| {
            keys.iter()
                .filter(|k| &k.name == name || k.id == name.as_str())
                .map(|k| (k.id.clone(), k.state))
                .collect()
        })?;
        for (id, state) in clashes {
            let unfinished = state == KeyState::Pending && self.claim(&id)?.is_some();
            if !unfinished {
                return Ok(false);
            }
        }
        Ok(true)
    }

    /// Generates a credential and stores it as a new key. The secret is
    /// returned once, for showing to the person.
    pub fn generate(&self, key: NewKey) -> Result<(KeyRecord, Secret)> {
        self.settle()?;
        let Credential { id, secret } = generate_credential()?;
        let record = self.create(key, id, &secret, Origin::Generated)?;
        self.note(AuditAction::Generated, &record);
        Ok((record, secret))
    }

    /// Records an existing key made elsewhere.
    pub fn add(&self, key: NewKey, credential_id: &Label, secret: Secret) -> Result<KeyRecord> {
        self.settle()?;
        check_secret(&secret)?;
        check_keyward_token("credential ID", credential_id.as_str())?;
        check_keyward_token("secret", secret.expose())?;
        let record = self.create(key, credential_id.to_string(), &secret, Origin::Added)?;
        self.note(AuditAction::Added, &record);
        Ok(record)
    }

    /// Reads a key's secret from the keychain and remembers that it was
    /// shown (if that cannot be saved, the secret is still returned).
    pub fn reveal<'q>(
        &self,
        key: impl Into<KeyRef<'q>>,
        now: DateTime<Utc>,
    ) -> Result<(KeyRecord, Secret)> {
        self.read_secret(key, AuditAction::Revealed, "shown", |h| {
            h.revealed_at = Some(now);
        })
    }

    /// Reads a key's secret for copying and remembers that it was copied
    /// (if that cannot be saved, the secret is still returned).
    pub fn secret_for_copy<'q>(
        &self,
        key: impl Into<KeyRef<'q>>,
        now: DateTime<Utc>,
    ) -> Result<(KeyRecord, Secret)> {
        self.read_secret(key, AuditAction::Copied, "copied", |h| {
            h.copied_at = Some(now);
        })
    }

    /// Reads a key's secret for a person, marks its history with `mark`
    /// and audits it as `action` (the secret is returned even when the
    /// mark cannot be saved; the audit entry says so).
    fn read_secret<'q>(
        &self,
        key: impl Into<KeyRef<'q>>,
        action: AuditAction,
        what: &str,
        mark: impl FnOnce(&mut History),
    ) -> Result<(KeyRecord, Secret)> {
        self.settle()?;
        let record = self.find(key)?;
        let secret = self.store.get(&record.id)?;
        let saved = self.touch(&record.id, mark);
        self.note_use(action, &record, what, saved);
        Ok((record, secret))
    }

    /// Audits a reveal or copy, saying when its time could not be saved.
    fn note_use(&self, action: AuditAction, record: &KeyRecord, what: &str, saved: Result<()>) {
        let detail = saved.err().map(|error| {
            let detail = format!(
                "Keyward could not save when \"{}\" was last {what}: {error}",
                record.name
            );
            crate::note!("keyward: {detail} The secret itself was read correctly.");
            detail
        });
        if let Some(audit) = &self.audit {
            audit.note(
                action,
                Some((&record.id, record.name.as_str())),
                detail.as_deref(),
            );
        }
    }

    /// Rotates a Keyward-issued key: generates its replacement (same
    /// service, application, owner and notes, named by `new_name` from the
    /// service), and marks the old key replaced, to be deleted after `grace`
    /// (at once when it leaked), in the same write that completes the new
    /// key. A vendor's key is refused: Keyward cannot make a key a vendor
    /// accepts (see [`Vault::finish_vendor_rotation`]). Returns the new key and its secret.
    pub fn rotate<'q>(
        &self,
        key: impl Into<KeyRef<'q>>,
        new_name: impl FnOnce(&ServiceName) -> Result<KeyName>,
        now: DateTime<Utc>,
        grace: chrono::Duration,
    ) -> Result<(KeyRecord, Secret)> {
        self.settle()?;
        let old = self.find(key)?;
        if old.issuer() == crate::record::Issuer::Vendor {
            return Err(Error::Invalid(format!(
                "\"{}\" was issued by {}, not by Keyward, so Keyward cannot make its replacement: only the vendor can. Make a new key in the vendor's dashboard, then paste it into Keyward (keyward rotate {} --credential-id NEW_ID, with the secret on standard input).",
                old.name,
                old.vendor
                    .as_ref()
                    .map_or_else(|| "a vendor".to_owned(), std::string::ToString::to_string),
                old.name
            )));
        }
        check_not_replaced(&old)?;
        let Credential { id, secret } = generate_credential()?;
        let new_key = successor(&old, new_name(&old.service)?, now);
        let new = self.create_replacing(
            new_key,
            id,
            &secret,
            Origin::Generated,
            Some(old.id.clone()),
            |old| replace(old, now, grace),
        )?;
        self.note(AuditAction::Generated, &new);
        self.note_rotated(&old, &new, "");
        Ok((new, secret))
    }

    /// Audits that `old` was replaced by `new`.
    fn note_rotated(&self, old: &KeyRecord, new: &KeyRecord, how: &str) {
        if let Some(audit) = &self.audit {
            let detail = format!("replaced by {}{how}", new.name);
            audit.note(
                AuditAction::Rotated,
                Some((&old.id, old.name.as_str())),
                Some(&detail),
            );
        }
    }

    /// Pauses reminders for a key for `days` from `now`, within the
    /// organisation's `limits` (length, and pauses per stage under `rules`),
    /// and records it in the audit log. A refusal names the limit. Stages
    /// are counted on the wall clock of `tz`.
    pub fn snooze<'q, Tz: TimeZone>(
        &self,
        key: impl Into<KeyRef<'q>>,
        now: DateTime<Utc>,
        days: u32,
        rules: &ReminderPolicy,
        limits: &OrgPolicy,
        tz: &Tz,
    ) -> Result<KeyRecord> {
        let record = self.find(key)?;
        let until = now + chrono::Duration::days(i64::from(days));
        let (snoozed, stage, count) = self.catalog.update(|keys| {
            let key = keys
                .iter_mut()
                .find(|k| k.id == record.id)
                .ok_or_else(|| Error::NotFound(record.name.to_string()))?;
            let stage = SnoozeStage::of(rules.stage(key, now, tz).0);
            limits
                .check_snooze(days, key.reminder.snoozes_at(stage))
                .map_err(Error::Invalid)?;
            crate::reminders::snooze(key, until, stage);
            let count = key.reminder.snoozes_at(stage);
            Ok::<_, Error>((key.clone(), stage, count))
        })?;
        if let Some(audit) = &self.audit {
            let detail = format!(
                "reminders paused for {days} {} until {}; pause {count} at stage {}",
                if days == 1 { "day" } else { "days" },
                until.to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
                serde_json::to_value(stage)
                    .ok()
                    .and_then(|v| v.as_str().map(str::to_owned))
                    .unwrap_or_default()
            );
            audit.note(
                AuditAction::Snoozed,
                Some((&snoozed.id, snoozed.name.as_str())),
                Some(&detail),
            );
        }
        Ok(snoozed)
    }

    /// Deletes Keyward's copy of a key: its secret from the keychain and
    /// its record. (The key itself stays valid wherever it is accepted until
    /// it is deleted or revoked there.)
    pub fn delete<'q>(&self, key: impl Into<KeyRef<'q>>) -> Result<KeyRecord> {
        self.delete_noting(key, None)
    }

    /// [`Vault::delete`], with `detail` in the audit entry.
    fn delete_noting<'q>(
        &self,
        key: impl Into<KeyRef<'q>>,
        detail: Option<&str>,
    ) -> Result<KeyRecord> {
        self.settle()?;
        let record = self.find(key)?;
        let _claim = self
            .claim(&record.id)?
            .ok_or_else(|| Error::Busy(record.name.to_string()))?;
        self.catalog.note(|keys| {
            let key = keys
                .iter()
                .find(|k| k.id == record.id && k.state == KeyState::Active)
                .ok_or_else(|| Error::NotFound(record.name.to_string()))?;
            Ok::<_, Error>(KeyRecord {
                state: KeyState::Deleting,
                ..key.clone()
            })
        })?;
        faults::point("delete:after-deleting");
        match self.store.remove(&record.id) {
            Ok(()) => {}
            // The keychain may still do it: keep the intent; recovery finishes it.
            Err(e @ KeychainError::TimedOut { .. }) => return Err(e.into()),
            Err(e) => {
                self.catalog.clear_note(&record.id)?;
                return Err(e.into());
            }
        }
        faults::point("delete:after-keychain");
        self.catalog.remove(&record.id)?;
        self.clear_finished_note(&record);
        self.forget_fingerprint(&record.id);
        if let Some(audit) = &self.audit {
            audit.note(
                AuditAction::Deleted,
                Some((&record.id, record.name.as_str())),
                detail,
            );
        }
        Ok(record)
    }

    /// Runs [`Vault::recover`] before an operation that needs every key
    /// whole, and tells the reporter (see [`Vault::on_recovery`]) what it
    /// found. A key left half-made by an earlier operation of this process
    /// (a keychain that did not answer in time) is cleaned up here too.
    pub(crate) fn settle(&self) -> Result<()> {
        let report = self.recover()?;
        if !report.is_empty()
            && let Some(tell) = &self.on_recovery
        {
            tell(&report);
        }
        Ok(())
    }

    /// Finishes or rolls back operations that a stopped Keyward left half-done.
    /// Touches the keychain only for such keys. The vault runs it itself
    /// before the operations that need it; call it to see the report (at
    /// start, or for `keyward check`).
    pub fn recover(&self) -> Result<Recovery> {
        let mut report = Recovery::default();
        let unfinished: Vec<String> = self.catalog.read(|keys| {
            keys.iter()
                .filter(|k| k.state != KeyState::Active)
                .map(|k| k.id.clone())
                .collect()
        })?;
        for id in unfinished {
            let Some(_claim) = self.claim(&id)? else {
                continue; // another process is working on it right now
            };
            // Re-read under the claim: the owner may have finished meanwhile.
            let Some(record) = self.catalog.read(|keys| {
                keys.iter()
                    .find(|k| k.id == id && k.state != KeyState::Active)
                    .cloned()
            })?
            else {
                continue;
            };
            match self.store.remove(&record.id) {
                Ok(()) => {
                    self.forget(&record.id)?;
                    let list = match record.state {
                        KeyState::Pending => &mut report.rolled_back,
                        _ => &mut report.finished_deletes,
                    };
                    list.push(record.name.to_string());
                }
                Err(e) => report.failed.push((record.name.to_string(), e)),
            }
        }
        // Notes of operations that finished but stopped before removing them.
        for id in self.catalog.noted_ids()? {
            if let Some(_claim) = self.claim(&id)? {
                self.catalog.clear_overtaken_note(&id)?;
            }
        }
        Ok(report)
    }

    /// Keychain items under Keyward's service that no record accounts for
    /// (settings kept in the keychain, `setting:…`, are not orphans).
    pub fn orphans(&self) -> Result<Vec<String>> {
        let known: std::collections::HashSet<String> = self
            .catalog
            .read(|keys| keys.iter().map(|k| k.id.clone()).collect())?;
        Ok(self
            .store
            .accounts()?
            .into_iter()
            .filter(|a| !known.contains(a) && !a.starts_with(SETTING_ACCOUNT_PREFIX))
            .collect())
    }

    fn create(
        &self,
        key: NewKey,
        credential_id: String,
        secret: &Secret,
        origin: Origin,
    ) -> Result<KeyRecord> {
        self.create_replacing(key, credential_id, secret, origin, None, |_| Ok(()))
    }

    /// [`Vault::create`] for a key that replaces the key with id
    /// `replaces`: `link` changes that old key in the same write that makes
    /// the new key complete, so a rotation is either done or not started
    /// (an interrupted one leaves a pending new key, which recovery rolls back).
    fn create_replacing(
        &self,
        key: NewKey,
        credential_id: String,
        secret: &Secret,
        origin: Origin,
        replaces: Option<String>,
        link: impl FnOnce(&mut KeyRecord) -> Result<()>,
    ) -> Result<KeyRecord> {
        if let Some(vendor) = &key.vendor {
            self.vendors.ensure(vendor)?;
        }
        let record = KeyRecord {
            id: random_hex(16)?,
            name: key.name,
            service: key.service,
            application: key.application,
            credential_id,
            created_at: key.created_at,
            origin,
            notes: key.notes,
            state: KeyState::Pending,
            history: History::default(),
            reminder: Default::default(),
            replaced_by: None,
            delete_after: None,
            issuer: Some(origin.into()),
            vendor: key.vendor,
            owner: key.owner,
            leaked_at: None,
            rotation: None,
            replaces,
            received: None,
        };
        self.store_new(record, secret, link)
    }

    /// The create protocol for a prepared `record` (state `Pending`, its
    /// vendor's profile present): note → keychain → catalog (see
    /// [`Vault::create_replacing`] for `link`).
    fn store_new(
        &self,
        record: KeyRecord,
        secret: &Secret,
        link: impl FnOnce(&mut KeyRecord) -> Result<()>,
    ) -> Result<KeyRecord> {
        let _claim = self
            .claim(&record.id)?
            .ok_or_else(|| Error::Busy(record.name.to_string()))?;
        self.catalog.note(|keys| {
            free_to_create(keys, &record)?;
            Ok::<_, Error>(record.clone())
        })?;
        faults::point("create:after-pending");
        match self.store.put(&record.id, secret) {
            Ok(()) => {}
            // The write may still land: leave it pending; recovery removes both.
            Err(e @ KeychainError::TimedOut { .. }) => return Err(e.into()),
            Err(e) => {
                // Nothing was stored: drop the note. Should that fail too,
                // the key stays pending and the next recovery removes it.
                self.catalog.clear_note(&record.id)?;
                return Err(e.into());
            }
        }
        faults::point("create:after-keychain");
        self.remember_fingerprint(&record.id, secret);
        let record = KeyRecord {
            state: KeyState::Active,
            ..record
        };
        // One write makes the new key complete and, for a rotation, links
        // the old key to it: a rotation is either done or not started. The
        // note kept the name; checking again guards against a Keyward that
        // writes `pending` into the catalog itself (an earlier version).
        let added = match &record.replaces {
            None => self
                .catalog
                .add(&record, |keys| free_to_create(keys, &record)),
            Some(old_id) => self.catalog.update(|keys| {
                free_to_create(keys, &record)?;
                let old = keys
                    .iter_mut()
                    .find(|k| &k.id == old_id && k.state == KeyState::Active)
                    .ok_or_else(|| Error::NotFound(old_id.clone()))?;
                link(old)?;
                old.replaced_by = Some(record.id.clone());
                keys.push(record.clone());
                Ok::<_, Error>(())
            }),
        };
        if let Err(e) = added {
            // Not added: undo the keychain write. Should that fail, the note
            // stays and the next recovery removes the secret.
            if self.store.remove(&record.id).is_ok() {
                self.forget_fingerprint(&record.id);
                self.catalog.clear_note(&record.id)?;
            }
            return Err(e);
        }
        faults::point("create:after-active");
        self.clear_finished_note(&record);
        Ok(record)
    }

    /// Removes the note of an operation that is complete. Should that fail,
    /// the operation still succeeded (the note no longer changes anything
    /// and the next recovery removes it), so it is only said.
    fn clear_finished_note(&self, record: &KeyRecord) {
        if let Err(error) = self.catalog.clear_note(&record.id) {
            crate::note!(
                "keyward: \"{}\" is done, but Keyward could not tidy up after it: {error}",
                record.name
            );
        }
    }

    fn claim(&self, id: &str) -> Result<Option<Claim>> {
        let dir = self.catalog.dir().join("inflight");
        private_dir(&dir)?;
        let path = dir.join(format!("{id}.lock"));
        let file = crate::private_files::open_lock_file(&path)?;
        match file.try_lock() {
            Ok(()) => Ok(Some(Claim { _file: file, path })),
            Err(fs::TryLockError::WouldBlock) => Ok(None),
            Err(fs::TryLockError::Error(e)) => {
                Err(crate::private_files::FileError::io("lock", &path)(e).into())
            }
        }
    }

    /// Writes a protocol state into the catalog itself, as earlier versions did.
    #[cfg(test)]
    fn set_state(&self, id: &str, from: KeyState, to: KeyState) -> Result<()> {
        self.catalog.update(|keys| {
            let key = keys
                .iter_mut()
                .find(|k| k.id == id && k.state == from)
                .ok_or_else(|| Error::NotFound(id.to_owned()))?;
            key.state = to;
            Ok(())
        })
    }

    /// Removes key `id`'s record and then its note.
    fn forget(&self, id: &str) -> Result<()> {
        self.catalog.remove(id)?;
        Ok(self.catalog.clear_note(id)?)
    }

    fn touch(&self, id: &str, change: impl FnOnce(&mut History)) -> Result<()> {
        self.catalog.update(|keys| {
            if let Some(key) = keys.iter_mut().find(|k| k.id == id) {
                change(&mut key.history);
            }
            Ok::<_, Error>(())
        })
    }
}

/// The new key that replaces `old`, named `name` and made at `now`: it
/// keeps the old key's service, application, notes, vendor and owner.
fn successor(old: &KeyRecord, name: KeyName, now: DateTime<Utc>) -> NewKey {
    NewKey {
        service: old.service.clone(),
        application: old.application.clone(),
        name,
        notes: old.notes.clone(),
        created_at: now,
        vendor: old.vendor.clone(),
        owner: old.owner.clone(),
    }
}

/// Refuses to replace a key twice.
fn check_not_replaced(old: &KeyRecord) -> Result<()> {
    if old.replaced_by.is_some() {
        return Err(Error::Invalid(format!(
            "\"{}\" has already been replaced. Delete it once no application uses it.",
            old.name
        )));
    }
    Ok(())
}

/// Refuses a new key `record` whose credential ID another key has, or
/// whose name is another key's name or id. The credential ID is checked
/// first: the same key recorded again usually gets the same suggested name
/// too, and "choose another name" would only lead to a second refusal.
fn free_to_create(keys: &[KeyRecord], record: &KeyRecord) -> Result<()> {
    if let Some(other) = keys
        .iter()
        .find(|k| k.credential_id == record.credential_id && k.id != record.id)
    {
        return Err(Error::CredentialIdTaken(other.name.to_string()));
    }
    if keys
        .iter()
        .any(|k| k.name == record.name && k.id != record.id)
    {
        return Err(Error::NameTaken(record.name.to_string()));
    }
    if keys.iter().any(|k| k.id == record.name.as_str()) {
        return Err(Error::Invalid(format!(
            "\"{}\" is the id of another key. Choose another name, so that names and ids are never confused.",
            record.name
        )));
    }
    Ok(())
}

/// Marks `old` replaced at `now`: delete it after `grace`, at once when it
/// leaked; its rotation now waits for the old key to be removed.
fn replace(old: &mut KeyRecord, now: DateTime<Utc>, grace: chrono::Duration) -> Result<()> {
    check_not_replaced(old)?;
    let grace = if old.leaked_at.is_some() {
        chrono::Duration::zero()
    } else {
        grace
    };
    old.delete_after = Some(now + grace);
    old.history.rotated_at = Some(now);
    old.reminder = Default::default();
    old.rotation = Some(RotationStep::WaitingForOldKeyRemoval);
    Ok(())
}

/// The names of the keys that replaced others, by id.
fn replacer_names(keys: &[KeyRecord]) -> std::collections::HashMap<String, String> {
    let wanted: std::collections::HashSet<&str> = keys
        .iter()
        .filter_map(|k| k.replaced_by.as_deref())
        .collect();
    if wanted.is_empty() {
        return Default::default();
    }
    keys.iter()
        .filter(|k| wanted.contains(k.id.as_str()))
        .map(|k| (k.id.clone(), k.name.to_string()))
        .collect()
}

/// Most candidates an ambiguity lists by name.
const CANDIDATES_SHOWN: usize = 10;

/// "could mean N keys", each described by how it matched.
fn ambiguous(query: &str, matches: &[(&'static str, &KeyRecord)]) -> Error {
    let mut candidates: Vec<String> = matches
        .iter()
        .take(CANDIDATES_SHOWN)
        .map(|(how, record)| format!("{how} the key \"{}\" (id {})", record.name, record.id))
        .collect();
    if matches.len() > CANDIDATES_SHOWN {
        candidates.push(format!("and {} more", matches.len() - CANDIDATES_SHOWN));
    }
    let query = query
        .chars()
        .filter(|c| !c.is_control())
        .take(100)
        .collect();
    Error::Ambiguous { query, candidates }
}

/// Refuses a value that starts like a Keyward credential ID or secret but
/// fails its checksum; values in other formats pass as they are.
fn check_keyward_token(what: &str, value: &str) -> Result<()> {
    match check_token(value) {
        TokenCheck::Damaged => Err(Error::Invalid(format!(
            "This looks like a Keyward key with a typo: the {what} starts like one Keyward made, but its check characters do not match, so a character was changed, added or lost. Copy it again from where you kept it."
        ))),
        TokenCheck::Valid | TokenCheck::Foreign => Ok(()),
    }
}

/// Checks a secret typed or pasted by a person.
pub fn check_secret(secret: &Secret) -> Result<()> {
    if secret.is_empty() {
        return Err(Error::Invalid(
            "The secret is empty. Paste the credential secret and try again.".into(),
        ));
    }
    if secret.len() > SECRET_MAX {
        return Err(Error::Invalid(format!(
            "The secret is too long (more than {SECRET_MAX} characters). Check that you pasted only the secret."
        )));
    }
    if secret.expose().chars().any(char::is_control) {
        return Err(Error::Invalid(
            "The secret contains a line break or another invisible character. Paste only the secret itself."
                .into(),
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::memory_store::MemoryStore;
    use chrono::TimeZone;

    pub(super) fn vault() -> (tempfile::TempDir, Vault<MemoryStore>) {
        let dir = tempfile::tempdir().unwrap();
        let catalog = Catalog::open(dir.path()).unwrap();
        (
            dir,
            Vault::new(catalog, MemoryStore::default(), RotationPolicy::default()),
        )
    }

    pub(super) fn new_key(name: &str) -> NewKey {
        NewKey {
            service: ServiceName::parse("svc").unwrap(),
            application: None,
            name: KeyName::parse(name).unwrap(),
            notes: Label::notes("").unwrap(),
            created_at: Utc.with_ymd_and_hms(2026, 1, 1, 9, 0, 0).unwrap(),
            vendor: None,
            owner: None,
        }
    }

    /// A vault that keeps an audit log in its folder, stamped [`now`].
    pub(super) fn audited() -> (tempfile::TempDir, Vault<MemoryStore>) {
        let dir = tempfile::tempdir().unwrap();
        let vault = Vault::new(
            Catalog::open(dir.path()).unwrap(),
            MemoryStore::default(),
            RotationPolicy::default(),
        )
        .with_audit(crate::audit::AuditLog::in_dir(dir.path(), now));
        (dir, vault)
    }

    /// Checks that a scan finds `count` keys, each fingerprinted from its
    /// secret in the keychain when it was stored: the scan reads none.
    pub(super) fn assert_every_key_fingerprinted(vault: &Vault<MemoryStore>, count: usize) {
        let mut later = 0;
        let scan = vault.scan_fingerprints(|_, _| later += 1).unwrap();
        assert_eq!(later, 0, "every key was fingerprinted as it was stored");
        assert_eq!(scan.keys.len(), count);
        for (id, _, fingerprint) in &scan.keys {
            let secret = vault.store_for_tests().get(id).unwrap();
            assert_eq!(
                crate::fingerprint::unhex(&fingerprint.mac),
                Some(scan.hasher.mac(secret.expose().as_bytes()))
            );
        }
    }

    /// What the vault's audit log holds, oldest first.
    pub(super) fn audit_entries(vault: &Vault<MemoryStore>) -> Vec<crate::audit::AuditEntry> {
        vault.audit().unwrap().read().unwrap().entries
    }

    pub(super) fn now() -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 3, 25, 9, 0, 0).unwrap()
    }

    #[test]
    fn generate_stores_the_secret_and_an_active_record() {
        let (_dir, vault) = vault();
        let (record, secret) = vault.generate(new_key("k1")).unwrap();
        assert_eq!(record.state, KeyState::Active);
        assert_eq!(vault.store.get(&record.id).unwrap(), secret);
        let listed = vault.list(now(), &Utc).unwrap();
        assert_eq!(listed.len(), 1);
        assert_eq!(listed[0].name, "k1");
        assert_eq!(listed[0].status, crate::rotation::RotationStatus::DueSoon);
    }

    #[test]
    fn a_taken_name_is_refused_and_nothing_is_stored() {
        let (_dir, vault) = vault();
        vault.generate(new_key("k1")).unwrap();
        let err = vault.generate(new_key("k1")).unwrap_err();
        assert!(matches!(err, Error::NameTaken(_)), "{err:?}");
        assert_eq!(vault.store.accounts().unwrap().len(), 1);
        assert_eq!(vault.catalog.load().unwrap().len(), 1);
    }

    #[test]
    fn a_keychain_failure_on_create_leaves_no_record() {
        let (_dir, vault) = vault();
        *vault.store.fail_with.lock().unwrap() = Some(KeychainError::Locked);
        let err = vault.generate(new_key("k1")).unwrap_err();
        assert_eq!(err.code(), "keychain_locked");
        assert!(vault.catalog.load().unwrap().is_empty());
    }

    #[test]
    fn a_keychain_timeout_on_create_is_cleaned_up_by_recovery() {
        let (_dir, vault) = vault();
        *vault.store.fail_with.lock().unwrap() = Some(KeychainError::TimedOut { seconds: 1 });
        assert!(vault.generate(new_key("k1")).is_err());
        assert_eq!(vault.catalog.load().unwrap()[0].state, KeyState::Pending);
        assert!(
            vault.list(now(), &Utc).unwrap().is_empty(),
            "pending keys are not listed"
        );
        *vault.store.fail_with.lock().unwrap() = None;
        let report = vault.recover().unwrap();
        assert_eq!(report.rolled_back, ["k1"]);
        assert!(vault.catalog.load().unwrap().is_empty());
    }

    #[test]
    fn a_name_left_by_a_timed_out_create_is_free_again_and_creating_it_cleans_up() {
        let (_dir, vault) = vault();
        *vault.store.fail_with.lock().unwrap() = Some(KeychainError::TimedOut { seconds: 1 });
        assert!(vault.generate(new_key("k1")).is_err());
        let name = KeyName::parse("k1").unwrap();
        assert!(
            vault.name_available(&name).unwrap(),
            "the half-made key is not a key with this name"
        );
        *vault.store.fail_with.lock().unwrap() = None;
        vault.recover().unwrap();
        let (made, _) = vault.generate(new_key("k1")).unwrap();
        let records = vault.catalog.load().unwrap();
        assert_eq!(records.len(), 1, "{records:?}");
        assert_eq!(records[0].id, made.id);
        assert!(!vault.name_available(&name).unwrap(), "now it is taken");
    }

    #[test]
    fn a_name_being_created_right_now_is_taken() {
        let (_dir, vault) = vault();
        *vault.store.fail_with.lock().unwrap() = Some(KeychainError::TimedOut { seconds: 1 });
        assert!(vault.generate(new_key("k1")).is_err());
        let id = vault.catalog.load().unwrap()[0].id.clone();
        let _in_progress = vault.claim(&id).unwrap().unwrap();
        let name = KeyName::parse("k1").unwrap();
        assert!(!vault.name_available(&name).unwrap());
    }

    #[test]
    fn delete_removes_secret_and_record_and_tolerates_a_missing_secret() {
        let (_dir, vault) = vault();
        let (a, _) = vault.generate(new_key("a")).unwrap();
        let (b, _) = vault.generate(new_key("b")).unwrap();
        vault.delete("a").unwrap();
        assert!(!vault.store.contains(&a.id));
        vault.store.remove(&b.id).unwrap(); // someone else removed it
        vault.delete(&b.id).unwrap();
        assert!(vault.catalog.load().unwrap().is_empty());
        assert!(matches!(vault.delete("a"), Err(Error::NotFound(_))));
    }

    #[test]
    fn a_failed_keychain_delete_keeps_the_key() {
        let (_dir, vault) = vault();
        vault.generate(new_key("a")).unwrap();
        *vault.store.fail_with.lock().unwrap() = Some(KeychainError::Locked);
        assert!(vault.delete("a").is_err());
        assert_eq!(vault.catalog.load().unwrap()[0].state, KeyState::Active);
    }

    #[test]
    fn recovery_finishes_interrupted_deletes_and_rolls_back_interrupted_creates() {
        let (_dir, vault) = vault();
        let (a, _) = vault.generate(new_key("a")).unwrap();
        let (b, _) = vault.generate(new_key("b")).unwrap();
        vault
            .set_state(&a.id, KeyState::Active, KeyState::Deleting)
            .unwrap();
        vault
            .set_state(&b.id, KeyState::Active, KeyState::Pending)
            .unwrap();
        let report = vault.recover().unwrap();
        assert_eq!(report.finished_deletes, ["a"]);
        assert_eq!(report.rolled_back, ["b"]);
        assert!(vault.store.accounts().unwrap().is_empty());
        assert!(vault.catalog.load().unwrap().is_empty());
        assert!(
            vault.recover().unwrap().is_empty(),
            "a second run finds nothing"
        );
    }

    #[test]
    fn an_operation_after_a_crash_recovers_first_without_being_asked() {
        let (_dir, vault) = vault();
        let told = std::sync::Arc::new(std::sync::Mutex::new(Vec::new()));
        let heard = told.clone();
        let vault = vault.on_recovery(move |report| {
            heard
                .lock()
                .unwrap()
                .push((report.rolled_back.clone(), report.finished_deletes.clone()));
        });
        let (a, _) = vault.generate(new_key("a")).unwrap();
        let (b, _) = vault.generate(new_key("b")).unwrap();
        // As a crash leaves them: a create and a delete half-done.
        vault
            .set_state(&a.id, KeyState::Active, KeyState::Pending)
            .unwrap();
        vault
            .set_state(&b.id, KeyState::Active, KeyState::Deleting)
            .unwrap();
        assert!(told.lock().unwrap().is_empty(), "nothing to recover so far");

        let (c, _) = vault.generate(new_key("c")).unwrap();

        assert_eq!(
            vault.store.accounts().unwrap(),
            [c.id],
            "generating recovered first: the half-made and half-deleted secrets are gone"
        );
        let left: Vec<String> = vault
            .catalog
            .load()
            .unwrap()
            .into_iter()
            .map(|k| k.name.to_string())
            .collect();
        assert_eq!(left, ["c"], "only the new key has a record");
        assert_eq!(
            *told.lock().unwrap(),
            [(vec!["a".to_owned()], vec!["b".to_owned()])],
            "the reporter heard what recovery did, once"
        );
        assert!(vault.recover().unwrap().is_empty(), "nothing is left to do");
    }

    #[test]
    fn a_secret_is_read_only_after_recovery_has_run() {
        let (_dir, vault) = vault();
        let (a, _) = vault.generate(new_key("a")).unwrap();
        let (b, _) = vault.generate(new_key("b")).unwrap();
        vault
            .set_state(&a.id, KeyState::Active, KeyState::Pending)
            .unwrap();
        vault.reveal(KeyRef::Id(&b.id), now()).unwrap();
        assert!(
            !vault.store.contains(&a.id),
            "showing a secret recovered the half-made key first"
        );
    }

    #[test]
    fn recovery_leaves_keys_that_another_process_is_working_on() {
        let (_dir, vault) = vault();
        let (a, _) = vault.generate(new_key("a")).unwrap();
        vault
            .set_state(&a.id, KeyState::Active, KeyState::Pending)
            .unwrap();
        let held = vault.claim(&a.id).unwrap().expect("first claim succeeds");
        assert!(vault.recover().unwrap().is_empty());
        assert_eq!(vault.catalog.load().unwrap().len(), 1);
        drop(held);
        assert_eq!(vault.recover().unwrap().rolled_back, ["a"]);
    }

    /// The records in the catalog file itself, without the notes.
    fn in_file(vault: &Vault<MemoryStore>) -> Vec<(String, KeyState)> {
        let file: serde_json::Value =
            serde_json::from_slice(&fs::read(vault.catalog.path()).unwrap()).unwrap();
        file["keys"]
            .as_array()
            .unwrap()
            .iter()
            .map(|k| {
                let state = serde_json::from_value(k["state"].clone()).unwrap();
                (k["id"].as_str().unwrap().to_owned(), state)
            })
            .collect()
    }

    fn note_path(vault: &Vault<MemoryStore>, id: &str) -> PathBuf {
        vault
            .catalog
            .dir()
            .join("inflight")
            .join(format!("{id}.json"))
    }

    #[test]
    fn work_in_flight_is_noted_beside_the_catalog_and_the_catalog_written_once() {
        let (_dir, vault) = vault();
        let (a, _) = vault.generate(new_key("a")).unwrap();
        assert_eq!(in_file(&vault), [(a.id.clone(), KeyState::Active)]);
        assert!(!note_path(&vault, &a.id).exists(), "no note once done");

        *vault.store.fail_with.lock().unwrap() = Some(KeychainError::TimedOut { seconds: 1 });
        assert!(vault.generate(new_key("b")).is_err());
        assert!(vault.delete("a").is_err());
        let stamp = fs::metadata(vault.catalog.path())
            .unwrap()
            .modified()
            .unwrap();
        let b = vault.catalog.load().unwrap()[1].clone();
        assert_eq!(
            in_file(&vault),
            [(a.id.clone(), KeyState::Active)],
            "the catalog file holds neither step in flight"
        );
        assert!(note_path(&vault, &a.id).exists() && note_path(&vault, &b.id).exists());
        let seen: Vec<_> = vault
            .catalog
            .load()
            .unwrap()
            .into_iter()
            .map(|k| (k.name.to_string(), k.state))
            .collect();
        assert_eq!(
            seen,
            [
                ("a".to_owned(), KeyState::Deleting),
                ("b".to_owned(), KeyState::Pending)
            ],
            "readers see the notes as the protocol's states"
        );
        assert!(vault.list(now(), &Utc).unwrap().is_empty());
        assert!(matches!(vault.find("a"), Err(Error::NotFound(_))));
        assert_eq!(
            fs::metadata(vault.catalog.path())
                .unwrap()
                .modified()
                .unwrap(),
            stamp,
            "reading wrote nothing"
        );

        *vault.store.fail_with.lock().unwrap() = None;
        let report = vault.recover().unwrap();
        assert_eq!(
            (report.finished_deletes, report.rolled_back),
            (vec!["a".to_owned()], vec!["b".to_owned()])
        );
        assert!(in_file(&vault).is_empty());
        assert!(vault.store.accounts().unwrap().is_empty());
        assert!(!note_path(&vault, &a.id).exists() && !note_path(&vault, &b.id).exists());
    }

    #[test]
    fn notes_the_catalog_has_overtaken_change_nothing_and_recovery_removes_them() {
        let (_dir, vault) = vault();
        let (a, secret) = vault.generate(new_key("a")).unwrap();
        // Stopped after the catalog change, before removing the notes: a
        // created key already in the catalog, a deleted one already gone.
        let mut created = a.clone();
        created.state = KeyState::Pending;
        crate::journal::write(vault.catalog.dir(), &created).unwrap();
        let mut deleted = crate::record::test_support::record("gone", "gone");
        deleted.state = KeyState::Deleting;
        crate::journal::write(vault.catalog.dir(), &deleted).unwrap();
        assert_eq!(vault.list(now(), &Utc).unwrap().len(), 1, "a is listed");
        assert!(vault.recover().unwrap().is_empty(), "nothing to report");
        assert!(!note_path(&vault, &a.id).exists() && !note_path(&vault, "gone").exists());
        assert_eq!(
            vault.store.get(&a.id).unwrap(),
            secret,
            "a keeps its secret"
        );
        assert_eq!(vault.find("a").unwrap().state, KeyState::Active);
    }

    #[test]
    fn a_damaged_note_is_refused_in_plain_words_and_nothing_is_lost() {
        let (_dir, vault) = vault();
        let (a, secret) = vault.generate(new_key("a")).unwrap();
        let catalog_before = fs::read(vault.catalog.path()).unwrap();
        let damaged = b"{\"format\":1,\"key\":{\"id\":";
        fs::write(note_path(&vault, "0123abcd"), damaged).unwrap();
        let refusals = [
            vault.list(now(), &Utc).map(|_| ()).unwrap_err(),
            vault.generate(new_key("b")).map(|_| ()).unwrap_err(),
            vault.delete("a").map(|_| ()).unwrap_err(),
            vault.recover().map(|_| ()).unwrap_err(),
        ];
        for refusal in refusals {
            assert_eq!(refusal.code(), "catalog_unreadable", "{refusal}");
            let message = refusal.to_string();
            assert!(
                message.contains("0123abcd.json")
                    && message.contains("is damaged")
                    && message.contains("left exactly as it was"),
                "{message}"
            );
        }
        assert_eq!(fs::read(note_path(&vault, "0123abcd")).unwrap(), damaged);
        assert_eq!(fs::read(vault.catalog.path()).unwrap(), catalog_before);
        assert_eq!(vault.store.get(&a.id).unwrap(), secret);
        assert_eq!(vault.store.accounts().unwrap().len(), 1);

        fs::remove_file(note_path(&vault, "0123abcd")).unwrap();
        assert_eq!(vault.list(now(), &Utc).unwrap().len(), 1);
    }

    #[cfg(unix)]
    #[test]
    fn a_link_planted_as_a_note_is_refused_and_nothing_is_lost() {
        let (dir, vault) = vault();
        let (a, secret) = vault.generate(new_key("a")).unwrap();
        let catalog_before = fs::read(vault.catalog.path()).unwrap();
        // A link in place of the note of a key being deleted, to a file
        // that reads as a note.
        let bait = dir.path().join("bait.json");
        let mut deleting = a.clone();
        deleting.state = KeyState::Deleting;
        fs::write(
            &bait,
            serde_json::to_vec(&serde_json::json!({"format": 1, "key": deleting})).unwrap(),
        )
        .unwrap();
        let bait_before = fs::read(&bait).unwrap();
        std::os::unix::fs::symlink(&bait, note_path(&vault, &a.id)).unwrap();
        for refusal in [
            vault.list(now(), &Utc).map(|_| ()).unwrap_err(),
            vault.delete("a").map(|_| ()).unwrap_err(),
            vault.recover().map(|_| ()).unwrap_err(),
        ] {
            assert_eq!(refusal.code(), "unsafe_file", "{refusal}");
            assert!(refusal.to_string().contains("is a link"), "{refusal}");
        }
        assert_eq!(fs::read(vault.catalog.path()).unwrap(), catalog_before);
        assert_eq!(fs::read(&bait).unwrap(), bait_before);
        assert_eq!(vault.store.get(&a.id).unwrap(), secret, "not deleted");
        assert!(
            fs::symlink_metadata(note_path(&vault, &a.id))
                .unwrap()
                .file_type()
                .is_symlink(),
            "left as it is"
        );
    }

    #[test]
    fn orphans_are_keychain_items_without_a_record() {
        let (_dir, vault) = vault();
        let (a, _) = vault.generate(new_key("a")).unwrap();
        vault.store.insert("stray", "x");
        assert_eq!(vault.orphans().unwrap(), ["stray"]);
        assert!(!vault.orphans().unwrap().contains(&a.id));
    }

    #[test]
    fn settings_kept_in_the_keychain_are_not_orphans() {
        let (_dir, vault) = vault();
        vault.store.insert(
            crate::team_channel::WEBHOOK_URL_ACCOUNT,
            "https://hooks.example.com/x",
        );
        vault.store.insert("setting:future-setting", "x");
        vault.store.insert("stray", "x");
        assert_eq!(vault.orphans().unwrap(), ["stray"]);
    }

    #[test]
    fn reveal_returns_the_secret_and_remembers_it() {
        let (_dir, vault) = vault();
        let (_, secret) = vault.generate(new_key("a")).unwrap();
        let (_, shown) = vault.reveal("a", now()).unwrap();
        assert_eq!(shown, secret);
        assert_eq!(vault.find("a").unwrap().history.revealed_at, Some(now()));
    }

    #[test]
    fn a_name_that_is_another_keys_id_is_refused_as_ambiguous_but_ids_stay_exact() {
        let (_dir, vault) = vault();
        let (a, _) = vault.generate(new_key("a")).unwrap();
        let err = vault.generate(new_key(&a.id)).unwrap_err();
        assert!(
            err.to_string().contains("is the id of another key"),
            "{err}"
        );
        let (b, _) = vault.generate(new_key("b")).unwrap();
        // A catalog from before that rule: b is named with a's id.
        vault
            .catalog
            .update(|keys| {
                keys.iter_mut().find(|k| k.id == b.id).unwrap().name = KeyName::parse(&a.id)?;
                Ok::<_, Error>(())
            })
            .unwrap();
        let err = vault.delete(a.id.as_str()).unwrap_err();
        assert!(
            err.to_string().contains("could mean two keys") && err.to_string().contains(&b.id),
            "{err}"
        );
        assert_eq!(vault.catalog.load().unwrap().len(), 2, "nothing deleted");
        assert_eq!(vault.find(KeyRef::Id(&a.id)).unwrap().id, a.id);
        assert_eq!(vault.find(b.id.as_str()).unwrap().id, b.id);
        assert!(matches!(
            vault.find(KeyRef::Id("a")),
            Err(Error::NotFound(_))
        ));
        vault.delete(KeyRef::Id(&a.id)).unwrap();
        assert_eq!(
            vault.find(a.id.as_str()).unwrap().id,
            b.id,
            "no longer ambiguous"
        );
    }

    #[test]
    fn a_keyward_token_with_a_typo_is_refused_and_other_formats_pass() {
        let (_dir, vault) = vault();
        let made = generate_credential().unwrap();
        let mut typo = made.id.clone().into_bytes();
        typo[8] = if typo[8] == b'a' { b'b' } else { b'a' };
        let typo = String::from_utf8(typo).unwrap();
        let secret = || Secret::new(made.secret.expose().to_owned());
        let err = vault
            .add(
                new_key("a"),
                &Label::credential_id(&typo).unwrap(),
                secret(),
            )
            .unwrap_err();
        assert!(
            err.to_string()
                .contains("looks like a Keyward key with a typo")
        );
        let short = &made.secret.expose()[..made.secret.len() - 1];
        let err = vault
            .add(
                new_key("a"),
                &Label::credential_id(&made.id).unwrap(),
                Secret::new(short.to_owned()),
            )
            .unwrap_err();
        assert!(
            err.to_string()
                .contains("looks like a Keyward key with a typo")
        );
        assert!(vault.catalog.load().unwrap().is_empty());
        vault
            .add(
                new_key("a"),
                &Label::credential_id(&made.id).unwrap(),
                secret(),
            )
            .unwrap();
        vault
            .add(
                new_key("b"),
                &Label::credential_id("AKIA123").unwrap(),
                Secret::new("sk_live_1".into()),
            )
            .unwrap();
    }

    #[test]
    fn reveal_and_copy_return_the_secret_when_the_catalog_cannot_be_written() {
        let (_dir, vault) = vault();
        let (_, secret) = vault.generate(new_key("a")).unwrap();
        crate::private_files::faults::FAIL_BEFORE_RENAME.with(|f| f.set(true));
        let (_, shown) = vault.reveal("a", now()).unwrap();
        assert_eq!(shown, secret);
        assert_eq!(
            vault.find("a").unwrap().history.revealed_at,
            None,
            "not saved"
        );
        crate::private_files::faults::FAIL_BEFORE_RENAME.with(|f| f.set(true));
        let (_, copied) = vault.secret_for_copy("a", now()).unwrap();
        assert_eq!(copied, secret);
    }

    #[test]
    fn added_secrets_are_checked() {
        let (_dir, vault) = vault();
        let cid = Label::credential_id("AKIA123").unwrap();
        for bad in ["", "two\nlines", &"x".repeat(SECRET_MAX + 1)] {
            let err = vault
                .add(new_key("a"), &cid, Secret::new(bad.into()))
                .unwrap_err();
            assert_eq!(err.code(), "invalid_input");
        }
        assert!(vault.catalog.load().unwrap().is_empty());
        let record = vault
            .add(new_key("a"), &cid, Secret::new("sk_live_1".into()))
            .unwrap();
        assert_eq!(record.origin, Origin::Added);
        assert_eq!(vault.store.get(&record.id).unwrap().expose(), "sk_live_1");
    }

    #[test]
    fn rotation_makes_a_new_key_and_marks_the_old_one_for_deletion() {
        let (_dir, vault) = vault();
        let mut key = new_key("old");
        key.application = Label::application("Billing").unwrap();
        let (old, _) = vault.generate(key).unwrap();
        let (new, secret) = vault
            .rotate(
                "old",
                |_| Ok(KeyName::parse("new").unwrap()),
                now(),
                chrono::Duration::days(7),
            )
            .unwrap();
        assert_eq!(new.service, old.service);
        assert_eq!(new.application, old.application);
        assert_eq!(vault.store.get(&new.id).unwrap(), secret);
        let old = vault.find("old").unwrap();
        assert_eq!(old.replaced_by.as_deref(), Some(new.id.as_str()));
        assert_eq!(old.delete_after, Some(now() + chrono::Duration::days(7)));
        assert!(
            vault.store.contains(&old.id),
            "the old key stays valid until deleted"
        );
        let again = vault.rotate(
            "old",
            |_| Ok(KeyName::parse("newer").unwrap()),
            now(),
            chrono::Duration::days(7),
        );
        assert_eq!(again.unwrap_err().code(), "invalid_input");
    }

    #[test]
    fn snoozing_pauses_reminders() {
        let (_dir, vault) = vault();
        vault.generate(new_key("k")).unwrap();
        let until = now() + chrono::Duration::days(1);
        let record = vault
            .snooze(
                "k",
                now(),
                1,
                &ReminderPolicy::default(),
                &OrgPolicy::default(),
                &Utc,
            )
            .unwrap();
        assert_eq!(record.reminder.snoozed_until, Some(until));
        assert_eq!(vault.find("k").unwrap().reminder.snoozed_until, Some(until));
    }

    #[test]
    fn snoozing_is_capped_by_the_organisation_per_stage_and_audited() {
        let dir = tempfile::tempdir().unwrap();
        let vault = Vault::new(
            Catalog::open(dir.path()).unwrap(),
            MemoryStore::default(),
            RotationPolicy::default(),
        )
        .with_audit(AuditLog::in_dir(dir.path(), now));
        // Created four months before `now`: overdue.
        let mut key = new_key("k");
        key.created_at = now() - chrono::Duration::days(120);
        vault.generate(key).unwrap();
        let rules = ReminderPolicy::default();
        let limits = OrgPolicy {
            max_snooze_days: Some(3),
            max_snoozes_per_stage: Some(2),
            ..OrgPolicy::default()
        };
        let too_long = vault
            .snooze("k", now(), 7, &rules, &limits, &Utc)
            .unwrap_err();
        assert!(
            too_long.to_string().contains("at most 3 days"),
            "{too_long}"
        );
        assert_eq!(
            vault.find("k").unwrap().reminder.snoozed_until,
            None,
            "not paused"
        );
        vault.snooze("k", now(), 1, &rules, &limits, &Utc).unwrap();
        // A week later is a later overdue repeat: still the same stage for counting.
        let later = now() + chrono::Duration::days(8);
        vault.snooze("k", later, 1, &rules, &limits, &Utc).unwrap();
        let third = vault
            .snooze(
                "k",
                later + chrono::Duration::days(8),
                1,
                &rules,
                &limits,
                &Utc,
            )
            .unwrap_err();
        assert!(third.to_string().contains("at most twice"), "{third}");
        let snoozes = vault.find("k").unwrap().reminder.snoozes.unwrap();
        assert_eq!((snoozes.stage, snoozes.count), (SnoozeStage::Overdue, 2));
        let entries = audit_entries(&vault);
        let snoozed: Vec<_> = entries
            .iter()
            .filter(|e| e.action == AuditAction::Snoozed)
            .collect();
        assert_eq!(snoozed.len(), 2, "each pause is audited, refusals are not");
        assert!(
            snoozed[0]
                .detail
                .as_deref()
                .unwrap()
                .contains("paused for 1 day"),
            "{:?}",
            snoozed[0].detail
        );
    }

    #[test]
    fn the_catalog_never_holds_a_secret() {
        let (_dir, vault) = vault();
        let (_, secret) = vault.generate(new_key("a")).unwrap();
        let text = fs::read_to_string(vault.catalog.path()).unwrap();
        assert!(!text.contains(secret.expose()));
        assert!(!text.contains(&secret.expose()[5..20]));
    }
}
