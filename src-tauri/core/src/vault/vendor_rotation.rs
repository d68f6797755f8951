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
    KeyRef, SecretStore, Vault, check_keyward_token, check_not_replaced, check_secret, replace,
    successor,
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

/// Refuses a vendor rotation of `key` when Keyward made it (Keyward's own
/// rotation makes its new key) or when it was already replaced.
fn check_vendor_rotation(key: &KeyRecord) -> Result<()> {
    if key.issuer() == Issuer::Keyward {
        return Err(Error::Invalid(format!(
            "\"{}\" was made by Keyward: rotate it with Keyward's own rotation, which makes the new key for you.",
            key.name
        )));
    }
    check_not_replaced(key)
}

impl<S: SecretStore> Vault<S> {
    /// Starts a vendor key's rotation: it now waits for the new key made
    /// in the vendor's dashboard. A Keyward-issued key is rotated with
    /// [`Vault::rotate`] instead.
    pub fn start_rotation<'q>(&self, key: impl Into<KeyRef<'q>>) -> Result<KeyRecord> {
        let found = self.find(key)?;
        check_vendor_rotation(&found)?;
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
        self.settle()?;
        let old = self.find(key)?;
        check_vendor_rotation(&old)?;
        check_secret(&secret)?;
        check_keyward_token("credential ID", credential_id.as_str())?;
        check_keyward_token("secret", secret.expose())?;
        if credential_id.as_str() == old.credential_id {
            return Err(Error::Invalid(format!(
                "This is the credential ID of \"{}\", the key being replaced. Make a new key in the vendor's dashboard and paste its credential ID.",
                old.name
            )));
        }
        let new_key = successor(&old, new_name(&old.service)?, now);
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
        let record = self.change_active(&found, |record| {
            record.leaked_at.get_or_insert(now);
            if record.replaced_by.is_some() {
                record.delete_after = Some(now);
            } else if record.issuer() == Issuer::Vendor {
                record.rotation = Some(RotationStep::WaitingForNewKey);
            }
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
        self.change_active(found, |record| record.rotation = step)
    }

    /// Changes the key `found` in one catalog write, while it is still
    /// active, and returns it as changed; gone or no longer active, it is
    /// not found.
    fn change_active(
        &self,
        found: &KeyRecord,
        change: impl FnOnce(&mut KeyRecord),
    ) -> Result<KeyRecord> {
        self.catalog.update(|keys| {
            let record = keys
                .iter_mut()
                .find(|k| k.id == found.id && k.state == KeyState::Active)
                .ok_or_else(|| Error::NotFound(found.name.to_string()))?;
            change(record);
            Ok::<_, Error>(record.clone())
        })
    }
}

#[cfg(test)]
mod tests {
    use super::super::tests::{audit_entries, audited, new_key, now, vault};
    use super::*;
    use crate::memory_store::MemoryStore;
    use crate::vendor::VendorName;

    /// A Mailchimp key for the Newsletter, looked after by Sam.
    fn vendor_key(vault: &Vault<MemoryStore>, name: &str, credential_id: &str) -> KeyRecord {
        let mut key = new_key(name);
        key.application = Label::application("Newsletter").unwrap();
        key.notes = Label::notes("from the seed").unwrap();
        key.owner = Label::owner("sam@example.com").unwrap();
        key.vendor = Some(VendorName::parse("mailchimp").unwrap());
        vault
            .add(
                key,
                &Label::credential_id(credential_id).unwrap(),
                Secret::new(format!("secret-of-{credential_id}")),
            )
            .unwrap()
    }

    fn named(name: &'static str) -> impl FnOnce(&ServiceName) -> Result<KeyName> {
        move |_| Ok(KeyName::parse(name).unwrap())
    }

    fn week() -> chrono::Duration {
        chrono::Duration::days(7)
    }

    /// Finishes the rotation of "old" at [`now`] with a week's grace, pasting
    /// `credential_id` and `secret`; the new key is named `name`.
    fn paste(
        vault: &Vault<MemoryStore>,
        credential_id: &str,
        secret: &str,
        name: &'static str,
    ) -> Result<KeyRecord> {
        vault.finish_vendor_rotation(
            "old",
            &Label::credential_id(credential_id).unwrap(),
            Secret::new(secret.into()),
            named(name),
            now(),
            week(),
        )
    }

    #[test]
    fn a_vendor_rotation_waits_for_the_pasted_key_then_replaces_the_old_one_keeping_both_secrets() {
        let (_dir, vault) = audited();
        let old = vendor_key(&vault, "old", "MC-OLD-1");
        let started = vault.start_rotation("old").unwrap();
        assert_eq!(started.rotation, Some(RotationStep::WaitingForNewKey));
        assert_eq!(
            vault.find("old").unwrap().rotation,
            Some(RotationStep::WaitingForNewKey),
            "kept in the catalog: a restart shows it"
        );
        assert_eq!(vault.catalog.load().unwrap().len(), 1, "no half-made key");

        let new = paste(&vault, "MC-NEW-2", "secret-of-MC-NEW-2", "new").unwrap();
        assert_eq!(new.issuer(), Issuer::Vendor);
        assert_eq!(new.service, old.service);
        assert_eq!(new.application, old.application);
        assert_eq!(new.owner, old.owner);
        assert_eq!(new.vendor, old.vendor);
        assert_eq!(new.notes, old.notes);
        assert_eq!(new.created_at, now());
        assert_eq!(new.replaces.as_deref(), Some(old.id.as_str()));
        assert_eq!(new.rotation, None);
        let old = vault.find("old").unwrap();
        assert_eq!(old.replaced_by.as_deref(), Some(new.id.as_str()));
        assert_eq!(old.delete_after, Some(now() + week()));
        assert_eq!(old.rotation, Some(RotationStep::WaitingForOldKeyRemoval));
        let store = vault.store_for_tests();
        assert_eq!(store.get(&old.id).unwrap().expose(), "secret-of-MC-OLD-1");
        assert_eq!(store.get(&new.id).unwrap().expose(), "secret-of-MC-NEW-2");
        let view = vault.view(&old, now(), &chrono::Utc).unwrap();
        assert_eq!(view.replaced_by_name.as_deref(), Some("new"));
        let actions: Vec<_> = audit_entries(&vault)
            .into_iter()
            .map(|e| (e.action, e.key_name.unwrap_or_default()))
            .collect();
        assert_eq!(
            actions,
            [
                (AuditAction::Added, "old".into()),
                (AuditAction::RotationStarted, "old".into()),
                (AuditAction::Added, "new".into()),
                (AuditAction::Rotated, "old".into()),
            ]
        );
    }

    #[test]
    fn a_pasted_key_that_is_not_new_is_refused_and_the_rotation_keeps_waiting() {
        let (_dir, vault) = vault();
        vendor_key(&vault, "old", "MC-OLD-1");
        vendor_key(&vault, "other", "MC-OTHER-9");
        vault.start_rotation("old").unwrap();
        let paste = |cid: &str, name: &'static str| paste(&vault, cid, "s", name);
        let same = paste("MC-OLD-1", "a").unwrap_err();
        assert!(
            same.to_string().contains("the key being replaced"),
            "{same}"
        );
        let taken = paste("MC-OTHER-9", "b").unwrap_err();
        assert_eq!(taken.code(), "credential_id_taken");
        assert!(taken.to_string().contains("\"other\""), "{taken}");
        let old = vault.find("old").unwrap();
        assert_eq!(old.rotation, Some(RotationStep::WaitingForNewKey));
        assert_eq!(old.replaced_by, None);
        assert_eq!(vault.catalog.load().unwrap().len(), 2, "nothing made");
        assert_eq!(vault.store_for_tests().accounts().unwrap().len(), 2);
    }

    #[test]
    fn a_new_key_left_half_made_is_rolled_back_and_the_old_key_still_waits_for_it() {
        let (_dir, vault) = vault();
        vendor_key(&vault, "old", "MC-OLD-1");
        vault.start_rotation("old").unwrap();
        *vault.store_for_tests().fail_with.lock().unwrap() =
            Some(crate::keychain::KeychainError::TimedOut { seconds: 1 });
        let err = paste(&vault, "MC-NEW-2", "s2", "new").unwrap_err();
        assert_eq!(err.code(), "keychain_timeout");
        assert_eq!(
            vault.list(now(), &chrono::Utc).unwrap().len(),
            1,
            "the half-made key is not listed"
        );
        *vault.store_for_tests().fail_with.lock().unwrap() = None;
        assert_eq!(vault.recover().unwrap().rolled_back, ["new"]);
        let old = vault.find("old").unwrap();
        assert_eq!(old.rotation, Some(RotationStep::WaitingForNewKey));
        assert_eq!(old.replaced_by, None);
        paste(&vault, "MC-NEW-2", "s2", "new")
            .expect("pasting again works once the keychain answers");
    }

    #[test]
    fn keyward_and_vendor_keys_each_take_their_own_rotation() {
        let (_dir, vault) = vault();
        let (made, _) = vault.generate(new_key("made")).unwrap();
        vendor_key(&vault, "bought", "MC-1");
        let err = vault.start_rotation("made").unwrap_err();
        assert!(err.to_string().contains("made by Keyward"), "{err}");
        let err = vault
            .rotate("bought", named("x"), now(), week())
            .unwrap_err();
        assert!(
            err.to_string().contains("cannot make its replacement"),
            "Keyward never pretends to make a vendor's key: {err}"
        );
        assert_eq!(vault.catalog.load().unwrap().len(), 2, "nothing made");
        let (new, _) = vault
            .rotate("made", named("made-2"), now(), week())
            .unwrap();
        let old = vault.find(KeyRef::Id(&made.id)).unwrap();
        assert_eq!(old.rotation, Some(RotationStep::WaitingForOldKeyRemoval));
        assert_eq!(old.replaced_by.as_deref(), Some(new.id.as_str()));
        assert_eq!(new.issuer(), Issuer::Keyward);
    }

    #[test]
    fn cancelling_works_only_while_waiting_for_the_new_key() {
        let (_dir, vault) = audited();
        vendor_key(&vault, "k", "MC-1");
        assert_eq!(
            vault.cancel_rotation("k").unwrap_err().code(),
            "invalid_input"
        );
        vault.start_rotation("k").unwrap();
        assert_eq!(vault.cancel_rotation("k").unwrap().rotation, None);
        let entries = audit_entries(&vault);
        assert_eq!(
            entries.last().unwrap().action,
            AuditAction::RotationCancelled
        );
    }

    #[test]
    fn a_leaked_vendor_key_waits_for_its_new_key_and_is_replaced_with_no_grace_period() {
        let (_dir, vault) = audited();
        vendor_key(&vault, "old", "MC-OLD-1");
        let leaked = vault.mark_leaked("old", now()).unwrap();
        assert_eq!(leaked.leaked_at, Some(now()));
        assert_eq!(leaked.rotation, Some(RotationStep::WaitingForNewKey));
        let view = vault.view(&leaked, now(), &chrono::Utc).unwrap();
        assert!(view.leaked);
        vault.mark_leaked("old", now() + week()).unwrap();
        assert_eq!(
            vault.find("old").unwrap().leaked_at,
            Some(now()),
            "the first report counts"
        );
        paste(&vault, "MC-NEW-2", "s2", "new").unwrap();
        assert_eq!(
            vault.find("old").unwrap().delete_after,
            Some(now()),
            "no grace period for a leaked key"
        );
        let marked = audit_entries(&vault)
            .iter()
            .filter(|e| e.action == AuditAction::MarkedLeaked)
            .count();
        assert_eq!(marked, 1, "audited once");
    }

    #[test]
    fn a_leaked_keyward_key_is_rotated_with_no_grace_and_a_replaced_one_is_due_for_deletion_now() {
        let (_dir, vault) = vault();
        vault.generate(new_key("made")).unwrap();
        let leaked = vault.mark_leaked("made", now()).unwrap();
        assert_eq!(leaked.rotation, None, "the window then calls rotate_key");
        vault
            .rotate("made", named("made-2"), now(), week())
            .unwrap();
        assert_eq!(vault.find("made").unwrap().delete_after, Some(now()));

        vault.generate(new_key("other")).unwrap();
        vault
            .rotate("other", named("other-2"), now(), week())
            .unwrap();
        let later = now() + chrono::Duration::days(1);
        let leaked = vault.mark_leaked("other", later).unwrap();
        assert_eq!(leaked.delete_after, Some(later), "delete it now");
    }

    #[test]
    fn deleting_records_what_the_person_said_about_the_vendor() {
        let (_dir, vault) = audited();
        vendor_key(&vault, "a", "MC-A");
        vendor_key(&vault, "b", "MC-B");
        vault.generate(new_key("made")).unwrap();
        vault
            .delete_answered("a", VendorAnswer::DeletedAtVendor)
            .unwrap();
        vault.delete_answered("b", VendorAnswer::NotYet).unwrap();
        vault
            .delete_answered("made", VendorAnswer::NotSaid)
            .unwrap();
        let details: Vec<_> = audit_entries(&vault)
            .into_iter()
            .filter(|e| e.action == AuditAction::Deleted)
            .map(|e| (e.key_name.unwrap(), e.detail))
            .collect();
        assert_eq!(details.len(), 3);
        assert!(
            details[0]
                .1
                .as_deref()
                .unwrap()
                .contains("deleted it at the vendor"),
            "{details:?}"
        );
        assert!(
            details[1]
                .1
                .as_deref()
                .unwrap()
                .contains("NOT yet deleted at the vendor"),
            "{details:?}"
        );
        assert_eq!(details[2].1, None, "a key Keyward issued has no vendor");
    }
}
