//! The handlers behind each command. Each validates its raw input once,
//! then calls the core.

use std::io::{self, Write};

use chrono::Utc;
use keyward_core::keychain::SecretStore;
use keyward_core::naming::Label;
use keyward_core::record::Issuer;
use keyward_core::rotation::RotationStatus;
use keyward_core::settings::Effective;
use keyward_core::vault::{KeyRef, Vault, VendorAnswer};
use keyward_core::{Error, Result, Secret};

use super::output;
use super::{Command, KeyArgs};
use crate::input::KeyInput;

/// Exit status of `due` when keys are due soon but none is overdue.
pub const DUE_SOON: u8 = 3;
/// Exit status of `due` when at least one key is overdue.
pub const OVERDUE: u8 = 4;

pub fn run<S: SecretStore>(vault: &Vault<S>, settings: &Effective, command: Command) -> Result<u8> {
    let now = Utc::now();
    match command {
        Command::Generate { key } => {
            let new = key_input(&key, None).into_new_key(false, now)?;
            let (record, secret) = vault.generate(new)?;
            output::created(
                &record.view(&vault.policy(), now, &chrono::Local),
                Some(&secret),
                key.json,
            );
        }
        Command::Add {
            key,
            credential_id,
            created,
            vendor,
        } => {
            let credential_id = Label::credential_id(&credential_id)?;
            let mut input = key_input(&key, created.as_deref());
            input.vendor = vendor.as_deref();
            let new = input.into_new_key(false, now)?;
            let secret = read_secret()?;
            let record = vault.add(new, &credential_id, secret)?;
            output::created(&vault.view(&record, now, &chrono::Local)?, None, key.json);
        }
        Command::List { json } => {
            let keys = sorted(vault.list(now, &chrono::Local)?);
            output::keys_with_period(
                &keys,
                json,
                "Keyward has no keys yet. Create one with: keyward generate --service NAME",
                settings,
            );
        }
        Command::Due { json } => {
            let keys: Vec<_> = sorted(vault.list(now, &chrono::Local)?)
                .into_iter()
                .filter(|k| k.status != RotationStatus::Ok)
                .collect();
            output::keys_with_period(&keys, json, "No key needs rotating.", settings);
            if !json {
                say!(
                    "Keys are due for rotation every {}.",
                    settings.period_words()
                );
            }
            let worst = keys.iter().map(|k| k.status).max();
            return Ok(match worst {
                Some(RotationStatus::Overdue) => OVERDUE,
                Some(_) => DUE_SOON,
                None => 0,
            });
        }
        Command::Reveal { name_or_id } => {
            let (_, secret) = vault.reveal(&name_or_id, now)?;
            let mut out = io::stdout().lock();
            writeln!(out, "{}", secret.expose())
                .and_then(|()| out.flush())
                .map_err(|e| Error::Invalid(format!("Could not print the secret: {e}.")))?;
        }
        Command::Delete {
            name_or_id,
            yes,
            revoked_at_vendor,
        } => {
            let record = vault.find(&name_or_id)?;
            let view = vault.view(&record, now, &chrono::Local)?;
            let vendor = view.vendor_display_name.as_deref().map_or_else(
                || "the vendor".to_owned(),
                |v| output::shown(v).into_owned(),
            );
            let words = super::vendor::delete_words(&record, &vendor);
            let is_vendor = record.issuer() == Issuer::Vendor;
            let mut answer = revoked_at_vendor;
            if !yes {
                confirm_delete(record.name.as_str(), &words)?;
                if is_vendor && answer.is_none() {
                    answer = Some(ask_revoked_at_vendor(&vendor)?);
                }
            }
            let record = vault.delete_answered(
                KeyRef::Id(&record.id),
                VendorAnswer::from_choice(answer.filter(|_| is_vendor)),
            )?;
            say!("Deleted Keyward's copy of \"{}\".", record.name);
            match (is_vendor, answer) {
                (true, Some(true)) => say!("You said you deleted it at {vendor} too."),
                (true, _) => {
                    say!("The key keeps working at {vendor} until it is deleted or revoked there.");
                    if let Some(url) = &view.vendor_dashboard_url {
                        say!("Delete it in {vendor}'s dashboard: {}", output::shown(url));
                    }
                }
                (false, _) => say!(
                    "If {} still accepts this key, remove it there too: until then it keeps working.",
                    record.service
                ),
            }
        }
        Command::Edit {
            name_or_id,
            application,
            notes,
            owner,
            vendor,
        } => super::vendor::edit(
            vault,
            &name_or_id,
            [
                application.as_deref(),
                notes.as_deref(),
                owner.as_deref(),
                vendor.as_deref(),
            ],
            now,
        )?,
        Command::Rotate {
            name_or_id,
            credential_id,
            name,
            cancel,
            json,
        } => super::vendor::rotate(
            vault,
            settings,
            super::vendor::RotateArgs {
                name_or_id: &name_or_id,
                credential_id: credential_id.as_deref(),
                name: name.as_deref(),
                cancel,
                json,
            },
            now,
        )?,
        Command::Leaked { name_or_id, json } => {
            super::vendor::leaked(vault, settings, &name_or_id, json, now)?;
        }
        Command::Vendor { action } => super::vendor::vendor(vault, action)?,
        Command::Check { json } => {
            let recovery = vault.recover()?;
            let orphans = vault.orphans()?;
            output::check(&recovery, &orphans, json);
        }
        Command::Settings { json } => output::settings(settings, json),
        Command::Lead(command) => return super::lead::run(vault, settings, command, now),
        Command::Scan(args) => return super::scan::run(vault, args),
        Command::Team { action } => {
            return super::team::run(vault, settings, action);
        }
        Command::Import(args) => return super::import::run(vault, args),
        Command::Audit { action } => return super::audit::run(vault, action),
        Command::Move(command) => return super::backup::run(vault, settings, command, now),
    }
    Ok(0)
}

fn key_input<'a>(key: &'a KeyArgs, created: Option<&'a str>) -> KeyInput<'a> {
    KeyInput {
        service: &key.service,
        application: key.application.as_deref(),
        name: key.name.as_deref(),
        notes: key.notes.as_deref(),
        created,
        vendor: None,
        owner: key.owner.as_deref(),
    }
}

/// Newest first, the order people expect when they have just made a key.
fn sorted(mut keys: Vec<keyward_core::record::KeyView>) -> Vec<keyward_core::record::KeyView> {
    keys.sort_by(|a, b| {
        b.created_at
            .cmp(&a.created_at)
            .then_with(|| a.name.cmp(&b.name))
    });
    keys
}

/// Reads the secret of `keyward add` from standard input (never the command line).
pub(super) fn read_secret() -> Result<Secret> {
    let mut secret =
        super::prompt::hidden_or_piped("Paste the credential secret", "secret", 64 * 1024)?;
    // Drop one trailing line break, as `echo` or a pasted line adds.
    while secret.ends_with(['\n', '\r']) {
        secret.pop();
    }
    Ok(Secret::new(std::mem::take(&mut *secret)))
}

/// Asks on the terminal; refuses when there is none.
fn confirm_delete(name: &str, words: &str) -> Result<()> {
    super::prompt::type_name_to_confirm(
        name,
        &format!(
            "{words} This cannot be undone.\n\
             Check first that no application still uses this key.\n\
             Type the key's name to confirm:"
        ),
        format!(
            "Deleting Keyward's copy of \"{name}\" cannot be undone, and there is no terminal to ask you to confirm. Add --yes to delete it."
        ),
    )
}

/// Asks whether the person deleted the vendor's key at the vendor too.
fn ask_revoked_at_vendor(vendor: &str) -> Result<bool> {
    keyward_core::note!("Did you delete or revoke it at {vendor} too? Type yes, or no if not yet:");
    match super::prompt::answer()?
        .trim()
        .to_ascii_lowercase()
        .as_str()
    {
        "yes" | "y" => Ok(true),
        "no" | "n" | "not yet" => Ok(false),
        _ => Err(Error::Invalid(
            "Answer yes or no. Nothing was deleted.".into(),
        )),
    }
}
