//! The commands for what people change about keys: `edit`, `rotate`,
//! `leaked` and `vendor`. What they print is true to who issued the key:
//! Keyward makes new keys only for keys it issued; a vendor's key is
//! replaced by pasting the key the vendor's dashboard made.

use chrono::{DateTime, Utc};
use clap::Subcommand;
use keyward_core::keychain::SecretStore;
use keyward_core::naming::{KeyName, Label, ServiceName};
use keyward_core::record::{Issuer, KeyRecord};
use keyward_core::settings::Effective;
use keyward_core::vault::{KeyChanges, KeyRef, Vault};
use keyward_core::vendor::{VendorName, VendorRequest};
use keyward_core::{Error, Result};

use super::output::{self, json_text, shown};
use crate::input::replacement_name;

/// `keyward vendor ...`
#[derive(Debug, Subcommand)]
pub enum VendorAction {
    /// Save a vendor's profile (only the options given change).
    Set {
        /// The vendor's name, e.g. "mailchimp".
        name: String,
        /// How people call the vendor, e.g. "Mailchimp".
        #[arg(long)]
        display_name: Option<String>,
        /// The https:// address of the dashboard where its keys are made and revoked ("" removes it).
        #[arg(long, value_name = "URL")]
        dashboard: Option<String>,
        /// Notes, e.g. "ask Finance for access".
        #[arg(long)]
        notes: Option<String>,
    },
    /// List the vendor profiles.
    List {
        /// Print a JSON array.
        #[arg(long)]
        json: bool,
    },
}

/// `keyward edit`: changes only the options given; "" clears one.
pub fn edit<S: SecretStore>(
    vault: &Vault<S>,
    name_or_id: &str,
    changes: [Option<&str>; 4],
    now: DateTime<Utc>,
) -> Result<()> {
    let [application, notes, owner, vendor] = changes;
    if changes.iter().all(Option::is_none) {
        return Err(Error::Invalid(
            "Say what to change: --application, --notes, --owner or --vendor (\"\" clears one). Secrets and credential IDs are never edited: a different secret is a new key."
                .into(),
        ));
    }
    let changes = KeyChanges::parse(application, notes, owner, vendor)?;
    let before = vault.find(name_or_id)?;
    let record = vault.edit(KeyRef::Id(&before.id), changes)?;
    if record == before {
        say!("Nothing changed for \"{}\".", record.name);
    } else {
        say!("Saved the changes to \"{}\".", record.name);
    }
    let view = vault.view(&record, now, &chrono::Local)?;
    let none = || "—".to_owned();
    say!(
        "  Application: {}",
        view.application
            .as_deref()
            .map_or_else(none, |a| shown(a).into_owned())
    );
    say!(
        "  Owner:       {}",
        view.owner
            .as_deref()
            .map_or_else(none, |o| shown(o).into_owned())
    );
    say!(
        "  Vendor:      {}",
        view.vendor_display_name
            .as_deref()
            .map_or_else(none, |v| shown(v).into_owned())
    );
    Ok(())
}

/// What `keyward rotate` was asked.
pub struct RotateArgs<'a> {
    /// The key.
    pub name_or_id: &'a str,
    /// The new key's credential ID (vendor keys).
    pub credential_id: Option<&'a str>,
    /// The new key's name.
    pub name: Option<&'a str>,
    /// Cancel a vendor rotation still waiting for its new key.
    pub cancel: bool,
    /// Print JSON.
    pub json: bool,
}

/// `keyward rotate`: a Keyward-issued key gets a new key, printed once; a
/// vendor's key takes the key its dashboard made (`--credential-id`, the
/// secret on standard input), or without one starts waiting for it.
pub fn rotate<S: SecretStore>(
    vault: &Vault<S>,
    settings: &Effective,
    args: RotateArgs<'_>,
    now: DateTime<Utc>,
) -> Result<()> {
    let old = vault.find(args.name_or_id)?;
    let chosen = args
        .name
        .map(str::trim)
        .filter(|n| !n.is_empty())
        .map(KeyName::parse)
        .transpose()?;
    let name = |service: &ServiceName| match chosen {
        Some(name) => Ok(name),
        None => replacement_name(vault, service, now),
    };
    if args.cancel {
        let record = vault.cancel_rotation(KeyRef::Id(&old.id))?;
        say!(
            "Cancelled the rotation of \"{}\": nothing was replaced.",
            record.name
        );
        return Ok(());
    }
    let grace = settings.settings.grace();
    match (old.issuer(), args.credential_id) {
        (Issuer::Keyward, Some(_)) => Err(Error::Invalid(format!(
            "\"{}\" was made by Keyward, so Keyward makes its new key: run keyward rotate without --credential-id.",
            old.name
        ))),
        (Issuer::Keyward, None) => {
            let (new, secret) = vault.rotate(KeyRef::Id(&old.id), name, now, grace)?;
            let view = vault.view(&new, now, &chrono::Local)?;
            output::created(&view, Some(&secret), args.json);
            if !args.json {
                replaced_note(vault, &old.id)?;
            }
            Ok(())
        }
        (Issuer::Vendor, None) => {
            let record = vault.start_rotation(KeyRef::Id(&old.id))?;
            if args.json {
                let view = vault.view(&record, now, &chrono::Local)?;
                say!("{}", json_text(&view, false));
                return Ok(());
            }
            let view = vault.view(&record, now, &chrono::Local)?;
            let vendor = vendor_words(&view);
            say!(
                "Rotation of \"{}\" started. Keyward cannot make a key {vendor} accepts: only {vendor} can.",
                record.name
            );
            match &view.vendor_dashboard_url {
                Some(url) => say!("1. Make a new key in {vendor}'s dashboard: {}", shown(url)),
                None => say!("1. Make a new key in {vendor}'s dashboard."),
            }
            say!(
                "2. Give it to Keyward: keyward rotate {} --credential-id NEW_ID (the new secret on standard input).",
                record.name
            );
            say!(
                "Until then the key shows \"rotation in progress\"; keyward rotate {} --cancel stops it.",
                record.name
            );
            Ok(())
        }
        (Issuer::Vendor, Some(credential_id)) => {
            let credential_id = Label::credential_id(credential_id)?;
            let secret = super::keys::read_secret()?;
            let new = vault.finish_vendor_rotation(
                KeyRef::Id(&old.id),
                &credential_id,
                secret,
                name,
                now,
                grace,
            )?;
            let view = vault.view(&new, now, &chrono::Local)?;
            if args.json {
                say!("{}", json_text(&view, false));
                return Ok(());
            }
            say!(
                "Saved the new key from {} as \"{}\" (same service, application, owner and notes).",
                vendor_words(&view),
                new.name
            );
            replaced_note(vault, &old.id)?;
            Ok(())
        }
    }
}

/// "Put the new key into …; the old key keeps working until …".
fn replaced_note<S: SecretStore>(vault: &Vault<S>, old_id: &str) -> Result<()> {
    let old = vault.find(KeyRef::Id(old_id))?;
    let application = old.application.as_ref().map_or_else(
        || "the application that used the old key".to_owned(),
        |a| shown(a.as_str()).into_owned(),
    );
    say!("Put the new key into {application}.");
    let when = old
        .delete_after
        .filter(|after| old.leaked_at.is_none() && *after > Utc::now())
        .map(|after| {
            format!(
                "after {}",
                keyward_core::local_time::local_text_of(after, &chrono::Local, false)
            )
        })
        .unwrap_or_else(|| "now".to_owned());
    match old.issuer() {
        Issuer::Vendor => say!(
            "The old key \"{}\" keeps working at the vendor until it is deleted there: delete it in the vendor's dashboard {when}, then here (keyward delete {}).",
            old.name,
            old.name
        ),
        Issuer::Keyward => say!(
            "The old key \"{}\" keeps working until it is deleted: delete it {when} (keyward delete {}).",
            old.name,
            old.name
        ),
    }
    Ok(())
}

/// The vendor as people call it, or "the vendor".
fn vendor_words(view: &keyward_core::record::KeyView) -> String {
    view.vendor_display_name
        .as_deref()
        .map_or_else(|| "the vendor".to_owned(), |v| shown(v).into_owned())
}

/// `keyward leaked`: records the leak; a vendor's key waits for its new
/// key (revoke the old one at the vendor first); a Keyward-issued key is
/// replaced at once with no grace period, its new secret printed once.
pub fn leaked<S: SecretStore>(
    vault: &Vault<S>,
    settings: &Effective,
    name_or_id: &str,
    json: bool,
    now: DateTime<Utc>,
) -> Result<()> {
    let found = vault.find(name_or_id)?;
    let record = vault.mark_leaked(KeyRef::Id(&found.id), now)?;
    let view = vault.view(&record, now, &chrono::Local)?;
    match (record.issuer(), record.replaced_by.is_some()) {
        (Issuer::Keyward, false) => {
            let name = |service: &ServiceName| replacement_name(vault, service, now);
            let (new, secret) =
                vault.rotate(KeyRef::Id(&record.id), name, now, settings.settings.grace())?;
            let new_view = vault.view(&new, now, &chrono::Local)?;
            if !json {
                say!(
                    "Marked \"{}\" as leaked, and replaced it with a new key at once:",
                    record.name
                );
                say!();
            }
            output::created(&new_view, Some(&secret), json);
            if !json {
                replaced_note(vault, &record.id)?;
            }
        }
        (_, true) => {
            if json {
                say!("{}", json_text(&view, false));
            } else {
                say!(
                    "Marked \"{}\" as leaked. It was already replaced: delete it now{}.",
                    record.name,
                    if record.issuer() == Issuer::Vendor {
                        " at the vendor, then here"
                    } else {
                        ""
                    }
                );
            }
        }
        (Issuer::Vendor, false) => {
            if json {
                say!("{}", json_text(&view, false));
                return Ok(());
            }
            let vendor = vendor_words(&view);
            say!("Marked \"{}\" as leaked.", record.name);
            match &view.vendor_dashboard_url {
                Some(url) => say!(
                    "1. Revoke it at {vendor} now, in the dashboard: {}",
                    shown(url)
                ),
                None => say!("1. Revoke it at {vendor} now, in the vendor's dashboard."),
            }
            say!("   Keyward cannot revoke it: the key keeps working until {vendor} revokes it.");
            say!(
                "2. Make a new key there and give it to Keyward: keyward rotate {} --credential-id NEW_ID (the new secret on standard input).",
                record.name
            );
        }
    }
    Ok(())
}

/// `keyward vendor ...`
pub fn vendor<S: SecretStore>(vault: &Vault<S>, action: VendorAction) -> Result<()> {
    match action {
        VendorAction::Set {
            name,
            display_name,
            dashboard,
            notes,
        } => {
            let slug = VendorName::parse(&name)?;
            let current = vault.vendors().get(&slug)?;
            let current_view = current
                .as_ref()
                .map(keyward_core::vendor::VendorProfile::view);
            let request = VendorRequest {
                name: slug.to_string(),
                display_name: display_name
                    .or_else(|| current_view.as_ref().map(|v| v.display_name.clone()))
                    .unwrap_or_default(),
                dashboard_url: dashboard
                    .or_else(|| current_view.as_ref().and_then(|v| v.dashboard_url.clone())),
                notes: notes
                    .or_else(|| current_view.as_ref().map(|v| v.notes.clone()))
                    .unwrap_or_default(),
            };
            let saved = vault.save_vendor(request.parse()?)?;
            say!(
                "Saved the vendor \"{}\" ({}).",
                saved.name,
                shown(&saved.display_name)
            );
            match &saved.dashboard_url {
                Some(url) => say!("  Dashboard: {}", shown(url)),
                None => say!("  Dashboard: not known (add one with --dashboard https://...)"),
            }
        }
        VendorAction::List { json } => {
            let vendors = vault.vendor_list()?;
            if json {
                say!("{}", json_text(&vendors, true));
            } else if vendors.is_empty() {
                say!(
                    "No vendors yet. Add one with: keyward vendor set NAME --dashboard https://..."
                );
            } else {
                for v in vendors {
                    say!(
                        "{}  {}  {}",
                        v.name,
                        shown(&v.display_name),
                        v.dashboard_url
                            .as_deref()
                            .map_or_else(|| "(no dashboard)".to_owned(), |u| shown(u).into_owned())
                    );
                }
            }
        }
    }
    Ok(())
}

/// What deleting a key means, said before and after: Keyward removes its
/// own copy; the key keeps working wherever it is accepted.
pub fn delete_words(record: &KeyRecord, vendor: &str) -> String {
    match record.issuer() {
        Issuer::Vendor => format!(
            "Keyward removes its own copy of \"{}\" (the secret in {} and its entry in Keyward). The key keeps working at {vendor} until it is deleted or revoked there.",
            record.name,
            keyward_core::keychain::store_name::YOUR_IN
        ),
        Issuer::Keyward => format!(
            "Keyward removes \"{}\" (the secret in {} and its entry in Keyward). If {} still accepts this key, remove it there too: until then the key keeps working.",
            record.name,
            keyward_core::keychain::store_name::YOUR_IN,
            record.service
        ),
    }
}
