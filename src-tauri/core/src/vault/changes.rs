//! Editing what people may change about a key: application, notes, owner
//! and vendor. The secret and the credential ID are never edited: a
//! different secret is a new key.

use std::fmt::Write as _;

use super::{KeyRef, SecretStore, Vault};
use crate::audit::AuditAction;
use crate::error::{Error, Result};
use crate::naming::Label;
use crate::record::{Issuer, KeyRecord};
use crate::vendor::{VendorName, VendorProfile, VendorView};

/// What to change about a key; `None` leaves a field as it is.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct KeyChanges {
    /// The application (`Some(None)` clears it).
    pub application: Option<Option<Label>>,
    /// The notes.
    pub notes: Option<Label>,
    /// The owner (`Some(None)` clears it).
    pub owner: Option<Option<Label>>,
    /// The vendor (`Some(None)` clears it).
    pub vendor: Option<Option<VendorName>>,
}

impl KeyChanges {
    /// Puts the changes into `record`.
    fn apply(self, record: &mut KeyRecord) {
        if let Some(application) = self.application {
            record.application = application;
        }
        if let Some(notes) = self.notes {
            record.notes = notes;
        }
        if let Some(owner) = self.owner {
            record.owner = owner;
        }
        if let Some(vendor) = self.vendor {
            record.vendor = vendor;
        }
    }

    /// Validates raw text; `None` leaves a field as it is, blank clears it.
    pub fn parse(
        application: Option<&str>,
        notes: Option<&str>,
        owner: Option<&str>,
        vendor: Option<&str>,
    ) -> Result<Self> {
        Ok(Self {
            application: application.map(Label::application).transpose()?,
            notes: notes.map(Label::notes).transpose()?,
            owner: owner.map(Label::owner).transpose()?,
            vendor: vendor
                .map(|v| {
                    (!v.trim().is_empty())
                        .then(|| VendorName::parse(v))
                        .transpose()
                })
                .transpose()?,
        })
    }
}

/// A value in an audit detail: quoted, shortened, "—" for none.
fn shown(value: Option<&str>) -> String {
    match value {
        None | Some("") => "—".into(),
        Some(text) => {
            let one_line: String = text
                .chars()
                .map(|c| if c.is_control() { ' ' } else { c })
                .collect();
            let mut short: String = one_line.chars().take(60).collect();
            if one_line.chars().count() > 60 {
                short.push('…');
            }
            format!("\"{short}\"")
        }
    }
}

impl<S: SecretStore> Vault<S> {
    /// Changes a key's application, notes, owner or vendor, and records
    /// old → new in the audit log (nothing is written when nothing
    /// changes). A key Keyward issued has no vendor. Setting a vendor with
    /// no profile makes a bare one (its display name is its name).
    pub fn edit<'q>(&self, key: impl Into<KeyRef<'q>>, changes: KeyChanges) -> Result<KeyRecord> {
        let found = self.find(key)?;
        if let Some(Some(vendor)) = &changes.vendor {
            if found.issuer() == Issuer::Keyward {
                return Err(Error::Invalid(format!(
                    "\"{}\" was made by Keyward for a service your organisation runs, so it has no vendor. A vendor is set only on keys a vendor's dashboard issued.",
                    found.name
                )));
            }
            self.vendors.ensure(vendor)?;
        }
        let mut wanted = found.clone();
        changes.clone().apply(&mut wanted);
        if wanted == found {
            return Ok(found);
        }
        let (before, after) = self.catalog.update(|keys| {
            let record = keys
                .iter_mut()
                .find(|k| k.id == found.id)
                .ok_or_else(|| Error::NotFound(found.name.to_string()))?;
            let before = record.clone();
            changes.apply(record);
            Ok::<_, Error>((before, record.clone()))
        })?;
        if before != after
            && let Some(audit) = &self.audit
        {
            audit.note(
                AuditAction::Edited,
                Some((&after.id, after.name.as_str())),
                Some(&edit_detail(&before, &after)),
            );
        }
        Ok(after)
    }
}

impl<S: SecretStore> Vault<S> {
    /// Every vendor profile, by name.
    pub fn vendor_list(&self) -> Result<Vec<VendorView>> {
        Ok(self
            .vendors
            .all()?
            .values()
            .map(VendorProfile::view)
            .collect())
    }

    /// Saves a vendor's profile; audited with what changed.
    pub fn save_vendor(&self, profile: VendorProfile) -> Result<VendorView> {
        let before = self.vendors.save(profile.clone())?;
        if before.as_ref() != Some(&profile)
            && let Some(audit) = &self.audit
        {
            let text = |p: Option<&VendorProfile>| {
                p.map(|p| {
                    format!(
                        "{} ({})",
                        p.display_name,
                        p.dashboard_url
                            .as_ref()
                            .map_or("no dashboard address", |u| u.as_str())
                    )
                })
            };
            let detail = format!(
                "vendor {}: {} → {}",
                profile.name,
                shown(text(before.as_ref()).as_deref()),
                shown(text(Some(&profile)).as_deref())
            );
            audit.note(AuditAction::VendorSaved, None, Some(&detail));
        }
        Ok(profile.view())
    }
}

/// "application: "A" → "B"; owner: — → "sam@example.com"".
fn edit_detail(before: &KeyRecord, after: &KeyRecord) -> String {
    let mut detail = String::new();
    let mut field = |name: &str, old: Option<&str>, new: Option<&str>| {
        if old != new {
            if !detail.is_empty() {
                detail.push_str("; ");
            }
            let _ = write!(detail, "{name}: {} → {}", shown(old), shown(new));
        }
    };
    field(
        "application",
        before.application.as_ref().map(Label::as_str),
        after.application.as_ref().map(Label::as_str),
    );
    field(
        "notes",
        Some(before.notes.as_str()),
        Some(after.notes.as_str()),
    );
    field(
        "owner",
        before.owner.as_ref().map(Label::as_str),
        after.owner.as_ref().map(Label::as_str),
    );
    field(
        "vendor",
        before.vendor.as_ref().map(VendorName::as_str),
        after.vendor.as_ref().map(VendorName::as_str),
    );
    detail
}

#[cfg(test)]
mod tests {
    use super::super::NewKey;
    use super::super::tests::{audit_entries, audited, new_key, now, vault};
    use super::*;
    use crate::memory_store::MemoryStore;
    use crate::secret::Secret;

    fn added(vault: &Vault<MemoryStore>, name: &str, credential_id: &str) -> KeyRecord {
        add(
            vault,
            new_key(name),
            credential_id,
            &format!("sk_live_{name}"),
        )
        .unwrap()
    }

    /// Adds `key` with a pasted `credential_id` and `secret`.
    fn add(
        vault: &Vault<MemoryStore>,
        key: NewKey,
        credential_id: &str,
        secret: &str,
    ) -> Result<KeyRecord> {
        vault.add(
            key,
            &Label::credential_id(credential_id).unwrap(),
            Secret::new(secret.into()),
        )
    }

    #[test]
    fn editing_changes_only_what_is_given_and_audits_old_and_new() {
        let (_dir, vault) = audited();
        added(&vault, "k", "AKIA0001");
        let changes = KeyChanges::parse(
            Some("Newsletter"),
            None,
            Some("sam@example.com"),
            Some("Mailchimp"),
        )
        .unwrap();
        let edited = vault.edit("k", changes).unwrap();
        assert_eq!(edited.application.unwrap().as_str(), "Newsletter");
        assert_eq!(edited.owner.unwrap().as_str(), "sam@example.com");
        assert_eq!(edited.vendor.as_ref().unwrap().as_str(), "mailchimp");
        assert_eq!(edited.credential_id, "AKIA0001", "never edited");
        let vendor = VendorName::parse("mailchimp").unwrap();
        assert_eq!(
            vault
                .vendors()
                .get(&vendor)
                .unwrap()
                .unwrap()
                .display_name
                .as_str(),
            "mailchimp",
            "a bare profile was made for the new vendor"
        );
        vault
            .edit("k", KeyChanges::parse(None, None, Some(""), None).unwrap())
            .unwrap();
        let again = vault
            .edit("k", KeyChanges::parse(None, None, Some(""), None).unwrap())
            .unwrap();
        assert_eq!(again.owner, None);
        let entries = audit_entries(&vault);
        let edits: Vec<_> = entries
            .iter()
            .filter(|e| e.action == AuditAction::Edited)
            .filter_map(|e| e.detail.clone())
            .collect();
        assert_eq!(
            edits,
            [
                "application: — → \"Newsletter\"; owner: — → \"sam@example.com\"; vendor: — → \"mailchimp\"",
                "owner: \"sam@example.com\" → —",
            ],
            "one entry per real change, none when nothing changed"
        );
    }

    #[test]
    fn edits_are_validated_and_a_keyward_key_has_no_vendor() {
        let (_dir, vault) = vault();
        vault.generate(new_key("made")).unwrap();
        for (owner, fragment) in [
            ("sam@", "not an email address"),
            ("a@b@example.com", "not an email address"),
            ("sam @example.com", "cannot contain"),
            ("line\nbreak", "invisible"),
        ] {
            let err = KeyChanges::parse(None, None, Some(owner), None).unwrap_err();
            assert_eq!(err.code(), "invalid_input");
            assert!(err.to_string().contains(fragment), "{owner:?}: {err}");
        }
        assert!(KeyChanges::parse(None, None, Some("Sam Jones"), None).is_ok());
        let err = vault
            .edit(
                "made",
                KeyChanges::parse(None, None, None, Some("stripe")).unwrap(),
            )
            .unwrap_err();
        assert!(err.to_string().contains("has no vendor"), "{err}");
        assert!(
            vault.vendors().all().unwrap().is_empty(),
            "no profile made for a refused edit"
        );
    }

    #[test]
    fn a_key_is_found_by_its_credential_id_whole_or_by_four_or_more_characters() {
        let (_dir, vault) = vault();
        let a = added(&vault, "a", "AB-UUe7xQ2abc");
        let b = added(&vault, "b", "AKIA-UUE8-zzz");
        assert_eq!(vault.find("AB-UUe7xQ2abc").unwrap().id, a.id, "whole");
        assert_eq!(vault.find("ue7x").unwrap().id, a.id, "a part, any case");
        assert_eq!(vault.find("uue8").unwrap().id, b.id);
        for short in ["zzz", "uue", "UUE"] {
            assert_eq!(
                vault.find(short).unwrap_err().code(),
                "not_found",
                "{short}: three characters are too few"
            );
        }
        assert_eq!(
            vault.find("-uue").unwrap_err().code(),
            "ambiguous_key",
            "both have -UUe"
        );
    }

    #[test]
    fn a_fragment_of_several_keys_is_refused_listing_them_and_exact_matches_win() {
        let (_dir, vault) = vault();
        let a = added(&vault, "a", "AKIA-1111");
        let b = added(&vault, "b", "AKIA-2222");
        let err = vault.find("akia").unwrap_err();
        assert_eq!(err.code(), "ambiguous_key");
        let text = err.to_string();
        assert!(
            text.contains("could mean two keys")
                && text.contains(&a.id)
                && text.contains(&b.id)
                && text.contains("part of the credential ID of the key \"a\""),
            "{text}"
        );
        // A key named like a fragment of another's credential ID: the exact name wins.
        let named = added(&vault, "AKIA", "other-1");
        assert_eq!(vault.find("AKIA").unwrap().id, named.id);
        assert_eq!(
            vault.find(KeyRef::Id("AKIA-1111")).unwrap_err().code(),
            "not_found",
            "the window names keys by id only"
        );
    }

    #[test]
    fn a_credential_id_another_key_has_is_refused_naming_that_key() {
        let (_dir, vault) = vault();
        added(&vault, "first", "AKIA-SAME");
        let err = add(&vault, new_key("second"), "AKIA-SAME", "sk_other").unwrap_err();
        assert_eq!(err.code(), "credential_id_taken");
        assert!(err.to_string().contains("\"first\""), "{err}");
        assert_eq!(vault.catalog.load().unwrap().len(), 1, "nothing recorded");
        assert_eq!(
            vault.store_for_tests().accounts().unwrap().len(),
            1,
            "nothing in the keychain"
        );
    }

    #[test]
    fn a_damaged_vendors_file_never_hides_the_keys() {
        let (dir, vault) = vault();
        let mut key = new_key("k");
        key.vendor = Some(VendorName::parse("stripe").unwrap());
        add(&vault, key, "AKIA0001", "sk_1").unwrap();
        std::fs::write(dir.path().join("vendors.json"), "{damaged").unwrap();
        let listed = vault.list(now(), &chrono::Utc).unwrap();
        assert_eq!(listed[0].vendor_display_name.as_deref(), Some("stripe"));
        assert_eq!(vault.vendor_list().unwrap_err().code(), "unsafe_file");
    }

    #[test]
    fn vendor_profiles_are_saved_audited_and_shown_on_their_keys() {
        let (_dir, vault) = audited();
        let mut key = new_key("k");
        key.vendor = Some(VendorName::parse("stripe").unwrap());
        key.owner = Label::owner("Sam").unwrap();
        add(&vault, key, "AKIA0001", "sk_1").unwrap();
        let view = &vault.list(now(), &chrono::Utc).unwrap()[0];
        assert_eq!(view.vendor_display_name.as_deref(), Some("stripe"));
        assert_eq!(view.vendor_dashboard_url, None);
        let saved = vault
            .save_vendor(
                crate::vendor::VendorRequest {
                    name: "stripe".into(),
                    display_name: "Stripe".into(),
                    dashboard_url: Some("https://dashboard.stripe.com/apikeys".into()),
                    notes: String::new(),
                }
                .parse()
                .unwrap(),
            )
            .unwrap();
        assert_eq!(saved.display_name, "Stripe");
        let view = &vault.list(now(), &chrono::Utc).unwrap()[0];
        assert_eq!(view.vendor_display_name.as_deref(), Some("Stripe"));
        assert_eq!(
            view.vendor_dashboard_url.as_deref(),
            Some("https://dashboard.stripe.com/apikeys")
        );
        assert_eq!(view.owner.as_deref(), Some("Sam"));
        assert_eq!(view.issuer, Issuer::Vendor);
        let entries = audit_entries(&vault);
        assert!(
            entries.iter().any(|e| e.action == AuditAction::VendorSaved
                && e.detail
                    .as_deref()
                    .is_some_and(|d| d.contains("dashboard.stripe.com"))),
            "{entries:?}"
        );
    }
}
