//! The four flows over the vault: save a backup, put one back, share a
//! key, receive a shared key. Each reads or writes its file through
//! [`super`] and audits what it did.

use std::path::Path;
use std::sync::atomic::AtomicBool;

use chrono::{DateTime, Utc};

use super::{Contents, KeyOut, Kind, Lock, Opened, ShareInfo};
use crate::audit::{AuditAction, Identity};
use crate::error::{Error, Result};
use crate::keychain::SecretStore;
use crate::naming::KeyName;
use crate::record::KeyRecord;
use crate::settings::{Settings, SettingsSource};
use crate::vault::{KeyRef, RestoreReport, Vault};

/// Longest a shared file may stay valid, in days.
pub const MAX_SHARE_DAYS: u32 = 90;

/// Days a shared file stays valid unless said otherwise.
pub const DEFAULT_SHARE_DAYS: u32 = 7;

/// What happened to the settings in a backup when it was put back.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, ts_rs::TS)]
#[serde(rename_all = "snake_case")]
pub enum SettingsRestore {
    /// The backup held no saved settings.
    NotInBackup,
    /// This computer had none saved: the backup's are now in force.
    Restored,
    /// Both are the same.
    Same,
    /// This computer's own differ and were kept.
    KeptYours,
    /// The backup's are looser than the organisation allows here, or out of range.
    Refused,
}

/// Writes an encrypted backup of every key (secrets read from the
/// keychain, `progress(done, total)` after each), the audit log, the vendor
/// profiles and the saved settings to `path`. Returns how many keys it holds.
pub fn save_backup<S: SecretStore>(
    vault: &Vault<S>,
    saved_settings: Option<&Settings>,
    lock: &Lock<'_>,
    path: &Path,
    now: DateTime<Utc>,
    progress: impl FnMut(usize, usize),
    cancel: &AtomicBool,
) -> Result<usize> {
    // The passphrase's scrypt work runs while the keychain is read.
    let sealer = super::Sealer::start(lock);
    let keys = vault.secrets_for_backup(progress, cancel)?;
    let audit = match vault.audit() {
        Some(log) => log.read()?.entries,
        None => Vec::new(),
    };
    let contents = Contents {
        kind: Kind::Backup,
        made_at: now,
        keys: keys
            .iter()
            .map(|(record, secret)| KeyOut { record, secret })
            .collect(),
        vendors: vault.vendors().all()?.into_values().collect(),
        audit: &audit,
        settings: saved_settings,
        share: None,
    };
    let sealed = sealer.ready()?.seal(&contents)?;
    super::write(path, &sealed)?;
    if let Some(log) = vault.audit() {
        log.note(
            AuditAction::BackedUp,
            None,
            Some(&format!("{} keys saved to {}", keys.len(), path.display())),
        );
    }
    Ok(keys.len())
}

/// Puts back what `opened` (a backup) holds: keys (see
/// [`Vault::restore_keys`]), vendor profiles, history, and the settings when
/// this computer has none saved.
pub fn put_back<S: SecretStore>(
    vault: &Vault<S>,
    settings: &SettingsSource,
    opened: Opened,
    file: &str,
    progress: impl FnMut(usize, usize),
    cancel: &AtomicBool,
) -> Result<(RestoreReport, SettingsRestore)> {
    let mut report = RestoreReport {
        vendors_added: vault.merge_vendors(&opened.vendors)?,
        ..RestoreReport::default()
    };
    let keys = vault.restore_keys(opened.keys, file, progress, cancel)?;
    report = RestoreReport {
        vendors_added: report.vendors_added,
        ..keys
    };
    report.history_added = vault.merge_history(&opened.audit)?;
    let settings_outcome = match &opened.settings {
        None => SettingsRestore::NotInBackup,
        Some(theirs) => match settings.load().saved {
            Some(ours) if &ours == theirs => SettingsRestore::Same,
            Some(_) => SettingsRestore::KeptYours,
            None => match settings.save(theirs, vault.audit()) {
                Ok(_) => SettingsRestore::Restored,
                Err(_) => SettingsRestore::Refused,
            },
        },
    };
    if let Some(log) = vault.audit() {
        log.note(
            AuditAction::Restored,
            None,
            Some(&format!(
                "{} keys put back from {file} ({} already here, {} conflicts, {} failed{})",
                report.restored.len(),
                report.already_here.len(),
                report.conflicts.len(),
                report.failed.len(),
                if report.cancelled { ", cancelled" } else { "" }
            )),
        );
    }
    Ok((report, settings_outcome))
}

/// What [`share`] is asked to do.
pub struct ShareRequest<'a> {
    /// The key.
    pub key: KeyRef<'a>,
    /// Who it is for (free text, recorded in the audit log and the file).
    pub recipient: Option<&'a str>,
    /// Days until the file expires (1 to [`MAX_SHARE_DAYS`]).
    pub expires_days: u32,
}

/// Writes one key, with an expiry, to an encrypted file at `path`, and
/// audits who it was shared for.
pub fn share<S: SecretStore>(
    vault: &Vault<S>,
    request: &ShareRequest<'_>,
    lock: &Lock<'_>,
    path: &Path,
    now: DateTime<Utc>,
) -> Result<(KeyRecord, ShareInfo)> {
    if !(1..=MAX_SHARE_DAYS).contains(&request.expires_days) {
        return Err(Error::Invalid(format!(
            "A shared key can stay valid from 1 to {MAX_SHARE_DAYS} days. Choose a number in that range."
        )));
    }
    let recipient = request
        .recipient
        .map(str::trim)
        .filter(|r| !r.is_empty())
        .map(|r| crate::naming::Label::parse("Recipient", r, 200, false).map(|l| l.to_string()))
        .transpose()?;
    let (record, secret) = vault.secret_for_share(request.key)?;
    let me = Identity::of_this_process();
    let info = ShareInfo {
        expires_at: now + chrono::Duration::days(i64::from(request.expires_days)),
        recipient,
        from_user: Some(me.user),
        from_computer: Some(me.computer),
    };
    let vendors = match &record.vendor {
        Some(name) => vault.vendors().get(name)?.into_iter().collect(),
        None => Vec::new(),
    };
    let contents = Contents {
        kind: Kind::Share,
        made_at: now,
        keys: vec![KeyOut {
            record: &record,
            secret: &secret,
        }],
        vendors,
        audit: &[],
        settings: None,
        share: Some(&info),
    };
    let sealed = super::seal(&contents, lock)?;
    super::write(path, &sealed)?;
    if let Some(log) = vault.audit() {
        let how = match lock {
            Lock::Passphrase(_) => "locked with a passphrase",
            Lock::AgeKey(_) => "locked to an age key",
        };
        log.note(
            AuditAction::Shared,
            Some((&record.id, record.name.as_str())),
            Some(&format!(
                "shared for {} in {} ({how}), valid until {}",
                info.recipient.as_deref().unwrap_or("someone not named"),
                path.display(),
                info.expires_at
                    .to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
            )),
        );
    }
    Ok((record, info))
}

/// Adds the key in `opened` (a share, checked for expiry at `now`) as a
/// new key here, named `name` or as the sender named it.
pub fn receive<S: SecretStore>(
    vault: &Vault<S>,
    opened: Opened,
    file: &str,
    name: Option<KeyName>,
    now: DateTime<Utc>,
) -> Result<(KeyRecord, ShareInfo)> {
    opened.check_expiry(now)?;
    let Some(info) = opened.share else {
        return Err(Error::Invalid("This file holds no shared key.".into()));
    };
    let mut keys = opened.keys;
    let (Some(key), true) = (keys.pop(), keys.is_empty()) else {
        return Err(Error::Invalid(
            "This file does not hold exactly one key, so it is not a shared key Keyward made."
                .into(),
        ));
    };
    if let Some(vendor) = &key.record.vendor
        && let Some(profile) = opened.vendors.iter().find(|p| &p.name == vendor)
    {
        vault.merge_vendors(std::slice::from_ref(profile))?;
    }
    let record = vault.receive(key, &info, name, file, now)?;
    Ok((record, info))
}
