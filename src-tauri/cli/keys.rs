//! The handlers behind each command. Each validates its raw input once,
//! then calls the core.

use std::io::{self, BufRead, IsTerminal, Read, Write};

use chrono::Utc;
use keyward_core::keychain::SecretStore;
use keyward_core::naming::Label;
use keyward_core::rotation::RotationStatus;
use keyward_core::settings::Effective;
use keyward_core::vault::{KeyRef, Vault};
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
            recover(vault)?;
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
        } => {
            let credential_id = Label::credential_id(&credential_id)?;
            let new = key_input(&key, created.as_deref()).into_new_key(false, now)?;
            let secret = read_secret()?;
            recover(vault)?;
            let record = vault.add(new, &credential_id, secret)?;
            output::created(
                &record.view(&vault.policy(), now, &chrono::Local),
                None,
                key.json,
            );
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
            recover(vault)?;
            let (_, secret) = vault.reveal(&name_or_id, now)?;
            let mut out = io::stdout().lock();
            writeln!(out, "{}", secret.expose())
                .and_then(|()| out.flush())
                .map_err(|e| Error::Invalid(format!("Could not print the secret: {e}.")))?;
        }
        Command::Delete { name_or_id, yes } => {
            recover(vault)?;
            let record = vault.find(&name_or_id)?;
            if !yes {
                confirm_delete(record.name.as_str())?;
            }
            let record = vault.delete(KeyRef::Id(&record.id))?;
            say!("Deleted {} permanently.", record.name);
        }
        Command::Check { json } => {
            let recovery = vault.recover()?;
            let orphans = vault.orphans()?;
            output::check(&recovery, &orphans, json);
        }
        Command::Settings { json } => output::settings(settings, json),
        Command::Lead(command) => return super::lead::run(vault, settings, command, now),
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
fn read_secret() -> Result<Secret> {
    let stdin = io::stdin();
    let text = if stdin.is_terminal() {
        eprint!("Paste the credential secret and press Enter (it will not be shown): ");
        read_hidden_line()?
    } else {
        let mut text = String::new();
        stdin
            .lock()
            .take(64 * 1024)
            .read_to_string(&mut text)
            .map_err(|e| {
                Error::Invalid(format!(
                    "Could not read the secret from standard input: {e}."
                ))
            })?;
        text
    };
    let mut secret = zeroize::Zeroizing::new(text);
    // Drop one trailing line break, as `echo` or a pasted line adds.
    while secret.ends_with(['\n', '\r']) {
        secret.pop();
    }
    Ok(Secret::new(std::mem::take(&mut *secret)))
}

/// Reads a line from the terminal with echo turned off.
pub(super) fn read_hidden_line() -> Result<String> {
    let echo = |on: bool| {
        std::process::Command::new("stty")
            .arg(if on { "echo" } else { "-echo" })
            .stdin(std::process::Stdio::inherit())
            .status()
    };
    let hidden = echo(false).is_ok_and(|s| s.success());
    let mut line = String::new();
    let result = io::stdin().lock().read_line(&mut line);
    if hidden {
        let _ = echo(true);
        keyward_core::note!();
    }
    result.map_err(|e| Error::Invalid(format!("Could not read the secret: {e}.")))?;
    Ok(line)
}

/// Asks on the terminal; refuses when there is none.
fn confirm_delete(name: &str) -> Result<()> {
    if !io::stdin().is_terminal() {
        return Err(Error::Invalid(format!(
            "Deleting \"{name}\" cannot be undone, and there is no terminal to ask you to confirm. Add --yes to delete it."
        )));
    }
    keyward_core::note!(
        "This permanently deletes \"{name}\" from the keychain and from Keyward. It cannot be undone.\n\
         Check first that no application still uses this key.\n\
         Type the key's name to confirm:"
    );
    let mut answer = String::new();
    io::stdin()
        .lock()
        .read_line(&mut answer)
        .map_err(|e| Error::Invalid(format!("Could not read your answer: {e}.")))?;
    if answer.trim() != name {
        return Err(Error::Invalid(
            "The name did not match, so nothing was deleted.".into(),
        ));
    }
    Ok(())
}

/// Finishes or undoes what an interrupted Keyward left, and says so.
fn recover<S: SecretStore>(vault: &Vault<S>) -> Result<()> {
    let report = vault.recover()?;
    output::recovery_notes(&report);
    Ok(())
}
