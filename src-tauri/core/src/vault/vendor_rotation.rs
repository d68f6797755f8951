//! Rotating a vendor's key, saying a key leaked, and deleting with what the
//! person said about the vendor.
//!
//! A vendor rotation is started on the old key (`waiting_for_new_key`, kept
//! in the catalog so a restart shows it), then finished by pasting the key
//! the vendor's dashboard made: the new key inherits service, application,
//! owner, vendor and notes, and the old key is replaced in the same write
//! that completes the new one (`waiting_for_old_key_removal`). Keyward never
//! makes a key for a vendor and never says it did.

use chrono::{DateTime, Utc};

use super::{
    KeyRef, NewKey, SecretStore, Vault, check_keyward_token, check_not_replaced, check_secret,
    replace,
};
use crate::audit::AuditAction;
use crate::error::{Error, Result};
use crate::naming::{KeyName, Label, ServiceName};
use crate::record::{Issuer, KeyRecord, KeyState, Origin, RotationStep};
use crate::secret::Secret;

/// What the person said, when deleting a vendor's key, about the vendor.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum VendorAnswer {
    /// "I deleted it at the vendor."
    DeletedAtVendor,
    /// "Not yet": it still works at the vendor.
    NotYet,
    /// Not asked (a script deleting with `--yes`).
    NotSaid,
}

impl VendorAnswer {
    /// The answer from the window's or the command line's yes/no.
    pub fn from_choice(revoked_at_vendor: Option<bool>) -> Self {
        match revoked_at_vendor {
            Some(true) => Self::DeletedAtVendor,
            Some(false) => Self::NotYet,
            None => Self::NotSaid,
        }
    }

    fn detail(self) -> &'static str {
        match self {
            Self::DeletedAtVendor => {
                "Keyward's copy removed; the person said they deleted it at the vendor"
            }
            Self::NotYet => {
                "Keyward's copy removed; NOT yet deleted at the vendor: the key keeps working there until it is deleted or revoked"
            }
            Self::NotSaid => {
                "Keyward's copy removed; not said whether it was deleted at the vendor"
            }
        }
    }
}

impl<S: SecretStore> Vault<S> {
    /// Starts a vendor key's rotation: it now waits for the new key made
    /// in the vendor's dashboard. A Keyward-issued key is rotated with
    /// [`Vault::rotate`] instead.
    pub fn start_rotation<'q>(&self, key: impl Into<KeyRef<'q>>) -> Result<KeyRecord> {
        let found = self.find(key)?;
        if found.issuer() == Issuer::Keyward {
            return Err(Error::Invalid(format!(
                "\"{}\" was made by Keyward: rotate it with Keyward's own rotation, which makes the new key for you.",
                found.name
            )));
        }
        check_not_replaced(&found)?;
        if found.rotation == Some(RotationStep::WaitingForNewKey) {
            return Ok(found);
        }
        let record = self.set_rotation(&found, Some(RotationStep::WaitingForNewKey))?;
        self.note(AuditAction::RotationStarted, &record);
        Ok(record)
    }

    /// Cancels a vendor rotation that is still waiting for the new key.
    pub fn cancel_rotation<'q>(&self, key: impl Into<KeyRef<'q>>) -> Result<KeyRecord> {
        let found = self.find(key)?;
        if found.rotation != Some(RotationStep::WaitingForNewKey) {
            return Err(Error::Invalid(format!(
                "\"{}\" has no rotation waiting for a new key, so there is nothing to cancel.",
                found.name
            )));
        }
        let record = self.set_rotation(&found, None)?;
        self.note(AuditAction::RotationCancelled, &record);
        Ok(record)
    }

    /// Finishes a vendor rotation with the key the vendor's dashboard made:
    /// `credential_id` and `secret` become a new key (named by `new_name`
    /// from the service) with the old key's service, application, owner,
    /// vendor and notes; the old key is replaced, to be deleted after
    /// `grace` (at once when it leaked). Returns the new key.
    pub fn finish_vendor_rotation<'q>(
        &self,
        key: impl Into<KeyRef<'q>>,
        credential_id: &Label,
        secret: Secret,
        new_name: impl FnOnce(&ServiceName) -> Result<KeyName>,
        now: DateTime<Utc>,
        grace: chrono::Duration,
    ) -> Result<KeyRecord> {
        let old = self.find(key)?;
        if old.issuer() == Issuer::Keyward {
            return Err(Error::Invalid(format!(
                "\"{}\" was made by Keyward: rotate it with Keyward's own rotation, which makes the new key for you.",
                old.name
            )));
        }
        check_not_replaced(&old)?;
        check_secret(&secret)?;
        check_keyward_token("credential ID", credential_id.as_str())?;
        check_keyward_token("secret", secret.expose())?;
        if credential_id.as_str() == old.credential_id {
            return Err(Error::Invalid(format!(
                "This is the credential ID of \"{}\", the key being replaced. Make a new key in the vendor's dashboard and paste its credential ID.",
                old.name
            )));
        }
        let new_key = NewKey {
            service: old.service.clone(),
            application: old.application.clone(),
            name: new_name(&old.service)?,
            notes: old.notes.clone(),
            created_at: now,
            vendor: old.vendor.clone(),
            owner: old.owner.clone(),
        };
        let new = self.create_replacing(
            new_key,
            credential_id.to_string(),
            &secret,
            Origin::Added,
            Some(old.id.clone()),
            |old| replace(old, now, grace),
        )?;
        self.note(AuditAction::Added, &new);
        self.note_rotated(&old, &new, " (made at the vendor and pasted into Keyward)");
        Ok(new)
    }

    /// Records that a key leaked (audited). A vendor's key not yet replaced
    /// starts its rotation; a key already replaced is to be deleted now.
    /// A Keyward-issued key is then rotated with no grace period
    /// ([`Vault::rotate`] gives a leaked key none).
    pub fn mark_leaked<'q>(
        &self,
        key: impl Into<KeyRef<'q>>,
        now: DateTime<Utc>,
    ) -> Result<KeyRecord> {
        let found = self.find(key)?;
        let record = self.catalog.update(|keys| {
            let record = keys
                .iter_mut()
                .find(|k| k.id == found.id && k.state == KeyState::Active)
                .ok_or_else(|| Error::NotFound(found.name.to_string()))?;
            record.leaked_at.get_or_insert(now);
            if record.replaced_by.is_some() {
                record.delete_after = Some(now);
            } else if record.issuer() == Issuer::Vendor {
                record.rotation = Some(RotationStep::WaitingForNewKey);
            }
            Ok::<_, Error>(record.clone())
        })?;
        if found.leaked_at.is_none() {
            self.note(AuditAction::MarkedLeaked, &record);
        }
        Ok(record)
    }

    /// Deletes a key (see [`Vault::delete`]) and records in the audit log
    /// what the person said about the vendor's copy.
    pub fn delete_answered<'q>(
        &self,
        key: impl Into<KeyRef<'q>>,
        answer: VendorAnswer,
    ) -> Result<KeyRecord> {
        let found = self.find(key)?;
        let detail = (found.issuer() == Issuer::Vendor).then(|| answer.detail());
        self.delete_noting(KeyRef::Id(&found.id), detail)
    }

    fn set_rotation(&self, found: &KeyRecord, step: Option<RotationStep>) -> Result<KeyRecord> {
        self.catalog.update(|keys| {
            let record = keys
                .iter_mut()
                .find(|k| k.id == found.id && k.state == KeyState::Active)
                .ok_or_else(|| Error::NotFound(found.name.to_string()))?;
            record.rotation = step;
            Ok::<_, Error>(record.clone())
        })
    }
}
