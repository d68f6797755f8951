//! `keyward backup`, `restore`, `share` and `receive`: keys in and out of
//! encrypted files (see `keyward_core::backup`).
//!
//! Passphrases are never taken from the command line (it shows in process
//! lists and shell history): a proposed one is printed once on standard
//! output; a person's own, and the one that opens a file, are read from the
//! terminal with echo off, or from standard input when it is not a terminal.

use std::io::{self, IsTerminal, Read};
use std::path::{Path, PathBuf};
use std::str::FromStr;
use std::sync::atomic::AtomicBool;

use chrono::{DateTime, Utc};
use clap::Subcommand;
use indicatif::{ProgressBar, ProgressStyle};
use keyward_core::backup::{self, Kind, Lock, SettingsRestore, ShareRequest, Unlock};
use keyward_core::keychain::SecretStore;
use keyward_core::naming::KeyName;
use keyward_core::settings::Effective;
use keyward_core::vault::{KeyRef, Vault};
use keyward_core::{Error, Result, Secret};
use zeroize::Zeroizing;

use super::output;

/// Moving keys between computers and people.
#[derive(Debug, Subcommand)]
pub enum MoveCommand {
    /// Save every key (secrets too), the history and the settings in one encrypted file.
    ///
    /// Keyward proposes a passphrase and prints it once: write it down and keep it apart from
    /// the file. With --passphrase - your own is read from standard input (or asked for on a
    /// terminal); an easily guessed one is refused.
    Backup {
        /// The file to write (a new private file; an existing one is replaced).
        #[arg(long, value_name = "FILE")]
        output: PathBuf,
        /// "-": use your own passphrase, read from standard input instead of a proposed one.
        #[arg(long, value_name = "-")]
        passphrase: Option<String>,
    },
    /// Put back the keys, history and settings of a backup (the passphrase from standard input).
    ///
    /// Keys are merged by id: keys already here are left as they are; a key whose name or
    /// credential ID another key here has is left out and listed.
    Restore {
        /// The backup file.
        file: PathBuf,
        /// Print one JSON object.
        #[arg(long)]
        json: bool,
    },
    /// Write one key to an encrypted file for a colleague, with a fresh passphrase shown once.
    ///
    /// Tell the passphrase by phone or in person, never in the same channel as the file. With
    /// --to-age-key the file is locked to the colleague's age public key instead.
    Share {
        /// The key's name, id or credential ID (or 4 or more characters of it).
        name_or_id: String,
        /// The file to write.
        #[arg(long, value_name = "FILE")]
        output: PathBuf,
        /// Who it is for (recorded in your audit log and in the file).
        #[arg(long = "for", value_name = "RECIPIENT")]
        recipient: Option<String>,
        /// Days until the file can no longer be opened (1 to 90).
        #[arg(long, value_name = "N", default_value_t = backup::DEFAULT_SHARE_DAYS)]
        expires_days: u32,
        /// Lock the file to this age public key (age1…) instead of a passphrase.
        #[arg(long, value_name = "AGE_PUBKEY")]
        to_age_key: Option<String>,
    },
    /// Turn on or off the reminder to back up after keys change (off unless turned on).
    ///
    /// When on, Keyward's background program shows a desktop notification, at most once a
    /// day, when keys were added, rotated or deleted since the last backup.
    BackupReminder {
        /// on or off.
        #[arg(value_name = "on|off", value_parser = parse_on_off, action = clap::ArgAction::Set)]
        state: bool,
    },
    /// Add a key from a colleague's shared file (the passphrase from standard input).
    Receive {
        /// The shared file.
        file: PathBuf,
        /// For a file locked to your age key: your age identity file (AGE-SECRET-KEY-1…).
        #[arg(long, value_name = "FILE")]
        identity: Option<PathBuf>,
        /// A name for the key here (default: the name the sender gave it).
        #[arg(long)]
        name: Option<String>,
        /// Print one JSON object.
        #[arg(long)]
        json: bool,
    },
}

pub fn run<S: SecretStore>(
    vault: &Vault<S>,
    settings: &Effective,
    command: MoveCommand,
    now: DateTime<Utc>,
) -> Result<u8> {
    match command {
        MoveCommand::Backup { output, passphrase } => {
            save(vault, settings, &output, passphrase.as_deref(), now)
        }
        MoveCommand::Restore { file, json } => restore(vault, &file, json),
        MoveCommand::Share {
            name_or_id,
            output,
            recipient,
            expires_days,
            to_age_key,
        } => share(
            vault,
            &ShareRequest {
                key: KeyRef::NameOrId(&name_or_id),
                recipient: recipient.as_deref(),
                expires_days,
            },
            &output,
            to_age_key.as_deref(),
            now,
        ),
        MoveCommand::BackupReminder { state } => backup_reminder(vault, state),
        MoveCommand::Receive {
            file,
            identity,
            name,
            json,
        } => receive(
            vault,
            &file,
            identity.as_deref(),
            name.as_deref(),
            json,
            now,
        ),
    }
}

/// `on`/`off` (also `yes`/`no`, `true`/`false`).
fn parse_on_off(raw: &str) -> std::result::Result<bool, String> {
    match raw.trim().to_ascii_lowercase().as_str() {
        "on" | "yes" | "true" => Ok(true),
        "off" | "no" | "false" => Ok(false),
        _ => Err("say on or off".into()),
    }
}

fn backup_reminder<S: SecretStore>(vault: &Vault<S>, on: bool) -> Result<u8> {
    let source = super::settings_source()?;
    // Read the settings first: a damaged file is reported, never overwritten.
    let mut settings = source
        .file()
        .load()
        .map_err(|e| Error::Invalid(e.to_string()))?;
    settings.backup_reminder = on;
    source
        .save(&settings, vault.audit())
        .map_err(|e| Error::Invalid(e.to_string()))?;
    if on {
        say!(
            "Keyward will remind you, at most once a day, when keys changed since your last backup (keyward backup)."
        );
    } else {
        say!("Keyward will not remind you to back up.");
    }
    Ok(0)
}

fn save<S: SecretStore>(
    vault: &Vault<S>,
    settings: &Effective,
    path: &Path,
    own: Option<&str>,
    now: DateTime<Utc>,
) -> Result<u8> {
    let (passphrase, proposed) = match own {
        Some("-") => {
            let passphrase = read_passphrase("Choose a passphrase for the backup", true)?;
            let user = keyward_core::audit::Identity::of_this_process().user;
            backup::check_strength(&passphrase, &[&user])?;
            (passphrase, false)
        }
        Some(_) => {
            return Err(Error::Invalid(
                "Give your passphrase on standard input with --passphrase - (never on the command line, where others can see it)."
                    .into(),
            ));
        }
        None => (backup::propose(backup::BACKUP_WORDS)?, true),
    };
    let bar = progress_bar("Reading secrets from the keychain");
    let count = backup::save_backup(
        vault,
        settings.saved.as_ref(),
        &Lock::Passphrase(&passphrase),
        path,
        now,
        |done, total| update(&bar, done, total),
        &AtomicBool::new(false),
    )?;
    bar.finish_and_clear();
    say!(
        "Saved {} to {} (encrypted, readable only by you).",
        keys_words(count),
        output::shown(&path.display().to_string())
    );
    if proposed {
        say!();
        say!("The passphrase that opens it, shown only this once:");
        say!();
        output::line(format_args!("    {}", passphrase.expose()));
        say!();
        say!(
            "Write it down and keep it apart from the file: without it the backup cannot be opened."
        );
    }
    Ok(0)
}

fn restore<S: SecretStore>(vault: &Vault<S>, path: &Path, json: bool) -> Result<u8> {
    let passphrase = read_passphrase("Passphrase of the backup", false)?;
    let opened =
        backup::open(path, &Unlock::Passphrase(&passphrase))?.expect(path, Kind::Backup)?;
    drop(passphrase);
    let bar = progress_bar("Putting keys back into the keychain");
    let file = path.display().to_string();
    let interrupt = super::interrupt::Interrupt::watch()?;
    let (report, settings) = backup::put_back(
        vault,
        &super::settings_source()?,
        opened,
        &file,
        |done, total| update(&bar, done, total),
        interrupt.flag(),
    )?;
    bar.finish_and_clear();
    let stopped = report.cancelled && interrupt.asked();
    drop(interrupt);
    if stopped {
        keyward_core::note!(
            "keyward: Stopped (Ctrl-C) between keys: every key put back is complete, in the keychain and in the list, and nothing half-made was kept. To put back the rest, run the same command again: the keys already here are left as they are."
        );
    }
    if json {
        output::json_line(
            &serde_json::json!({
                "restored": report.restored,
                "already_here": report.already_here,
                "conflicts": report.conflicts,
                "failed": report.failed,
                "history_added": report.history_added,
                "vendors_added": report.vendors_added,
                "settings": settings,
            }),
            true,
        );
    } else {
        say!(
            "Put back {} from {}.",
            keys_words(report.restored.len()),
            output::shown(&file)
        );
        if !report.already_here.is_empty() {
            say!(
                "{} already here, left as they are.",
                keys_words(report.already_here.len())
            );
        }
        for (title, list) in [
            (
                "Left out, because they clash with keys here:",
                &report.conflicts,
            ),
            (
                "Not put back, because the keychain refused them:",
                &report.failed,
            ),
        ] {
            if !list.is_empty() {
                say!("{title}");
                for c in list {
                    say!(
                        "  {}: {}",
                        output::shown(&c.name),
                        output::shown_lines(&c.reason, false)
                    );
                }
            }
        }
        say!(
            "History: {} added.",
            entries_words(report.history_added, "entry", "entries")
        );
        say!(
            "{}",
            match settings {
                SettingsRestore::NotInBackup => "The backup held no saved settings.",
                SettingsRestore::Restored => "Settings: put back from the backup.",
                SettingsRestore::Same => "Settings: the same as the backup's.",
                SettingsRestore::KeptYours =>
                    "Settings: yours differ from the backup's and were kept.",
                SettingsRestore::Refused =>
                    "Settings: the backup's are not allowed here (your organisation's limits), so the current ones stay.",
            }
        );
    }
    Ok(if stopped {
        super::interrupt::STOPPED
    } else if report.conflicts.is_empty() && report.failed.is_empty() {
        0
    } else {
        1
    })
}

fn share<S: SecretStore>(
    vault: &Vault<S>,
    request: &ShareRequest<'_>,
    path: &Path,
    to_age_key: Option<&str>,
    now: DateTime<Utc>,
) -> Result<u8> {
    let recipient;
    let passphrase;
    let lock = match to_age_key {
        Some(key) => {
            recipient = backup::AgeRecipient::from_str(key.trim()).map_err(|_| {
                Error::Invalid(
                    "That is not an age public key. It starts with age1 (the colleague gets it from `age-keygen`)."
                        .into(),
                )
            })?;
            Lock::AgeKey(&recipient)
        }
        None => {
            passphrase = backup::propose(backup::SHARE_WORDS)?;
            Lock::Passphrase(&passphrase)
        }
    };
    let (record, info) = backup::share(vault, request, &lock, path, now)?;
    say!(
        "Wrote \"{}\" to {} for {}; it can be opened until {}.",
        record.name,
        output::shown(&path.display().to_string()),
        output::shown(info.recipient.as_deref().unwrap_or("your colleague")),
        info.expires_at
            .with_timezone(&chrono::Local)
            .format("%Y-%m-%d %H:%M")
    );
    match lock {
        Lock::Passphrase(passphrase) => {
            say!();
            say!("The passphrase, shown only this once:");
            say!();
            output::line(format_args!("    {}", passphrase.expose()));
            say!();
            say!(
                "Tell it by phone or in person, never in the same channel as the file. They open it with: keyward receive FILE"
            );
        }
        Lock::AgeKey(_) => say!(
            "Only the holder of that age key can open it: keyward receive FILE --identity THEIR_IDENTITY_FILE"
        ),
    }
    Ok(0)
}

fn receive<S: SecretStore>(
    vault: &Vault<S>,
    path: &Path,
    identity: Option<&Path>,
    name: Option<&str>,
    json: bool,
    now: DateTime<Utc>,
) -> Result<u8> {
    let name = name.map(KeyName::parse).transpose()?;
    let opened = match identity {
        Some(file) => {
            let identity = read_identity(file)?;
            backup::open(path, &Unlock::Identity(&identity))?
        }
        None => {
            if !backup::needs_passphrase(path)? {
                return Err(backup::BackupError::NeedsIdentity {
                    file: path.display().to_string(),
                }
                .into());
            }
            let passphrase = read_passphrase("Passphrase of the shared key", false)?;
            backup::open(path, &Unlock::Passphrase(&passphrase))?
        }
    }
    .expect(path, Kind::Share)?;
    let file = path.display().to_string();
    let (record, info) = backup::receive(vault, opened, &file, name, now)?;
    if json {
        let view = vault.view(&record, now, &chrono::Local)?;
        output::json_line(&view, true);
    } else {
        let from = info.from_user.as_deref().unwrap_or("someone");
        say!(
            "Added \"{}\" ({}), shared by {}{}.",
            record.name,
            record.service,
            output::shown(from),
            info.from_computer
                .as_deref()
                .map(|c| format!(" on {}", output::shown(c)))
                .unwrap_or_default()
        );
        say!(
            "Delete {} now: the key is in your keychain, and the file is no longer needed.",
            output::shown(&file)
        );
    }
    Ok(0)
}

/// An age identity file: the first `AGE-SECRET-KEY-1…` line.
fn read_identity(path: &Path) -> Result<backup::AgeIdentity> {
    let text = Zeroizing::new(std::fs::read_to_string(path).map_err(|e| {
        Error::Invalid(format!(
            "Could not read the identity file {}: {e}.",
            output::shown(&path.display().to_string())
        ))
    })?);
    text.lines()
        .map(str::trim)
        .filter(|l| l.starts_with("AGE-SECRET-KEY-1"))
        .find_map(|l| backup::AgeIdentity::from_str(l).ok())
        .ok_or_else(|| {
            Error::Invalid(format!(
                "{} holds no age identity (a line starting AGE-SECRET-KEY-1).",
                output::shown(&path.display().to_string())
            ))
        })
}

/// Reads a passphrase: on a terminal with echo off (twice when `confirm`),
/// else all of standard input without its last line break.
fn read_passphrase(prompt: &str, confirm: bool) -> Result<Secret> {
    let stdin = io::stdin();
    if stdin.is_terminal() {
        eprint!("{prompt} (it will not be shown): ");
        let first = Zeroizing::new(super::prompt::read_hidden_line()?);
        if confirm {
            eprint!("Type it again: ");
            let again = Zeroizing::new(super::prompt::read_hidden_line()?);
            if *again != *first {
                return Err(Error::Invalid(
                    "The two passphrases differ. Nothing was written.".into(),
                ));
            }
        }
        return Ok(trimmed(first));
    }
    let mut text = Zeroizing::new(String::new());
    stdin
        .lock()
        .take(4096)
        .read_to_string(&mut text)
        .map_err(|e| {
            Error::Invalid(format!(
                "Could not read the passphrase from standard input: {e}."
            ))
        })?;
    if text.trim().is_empty() {
        return Err(Error::Invalid(
            "No passphrase came on standard input. Pipe it in (for example from your password manager), or run this on a terminal to type it."
                .into(),
        ));
    }
    Ok(trimmed(text))
}

/// Without trailing line breaks (what `echo` or Enter adds).
fn trimmed(mut text: Zeroizing<String>) -> Secret {
    while text.ends_with(['\n', '\r']) {
        text.pop();
    }
    Secret::new(std::mem::take(&mut *text))
}

fn progress_bar(message: &'static str) -> ProgressBar {
    if !io::stderr().is_terminal() {
        return ProgressBar::hidden();
    }
    let bar = ProgressBar::new(0);
    if let Ok(style) = ProgressStyle::with_template(
        "{msg} {bar:30} {pos}/{len} (Ctrl-C stops; keys done so far stay whole)",
    ) {
        bar.set_style(style);
    }
    bar.set_message(message);
    bar
}

fn update(bar: &ProgressBar, done: usize, total: usize) {
    bar.set_length(total as u64);
    bar.set_position(done as u64);
}

fn keys_words(n: usize) -> String {
    entries_words(n, "key", "keys")
}

fn entries_words(n: usize, one: &str, many: &str) -> String {
    if n == 1 {
        format!("1 {one}")
    } else {
        format!("{n} {many}")
    }
}
