//! `keyward team ...`: connect this desktop to the team vault (OpenBao or
//! HashiCorp Vault), share its inventory, and the lead's team report.
//!
//! The credential (token, password, AppRole secret ID) is read from
//! standard input only (hidden on a terminal), kept in the keychain once
//! the connection works, and never printed.

use std::path::{Path, PathBuf};

use chrono::Utc;
use clap::Subcommand;
use keyward_core::keychain::{OsKeychain, SecretStore};
use keyward_core::settings::Effective;
use keyward_core::team::{Login, TeamConfig};
use keyward_core::team_report::{self, TeamReport};
use keyward_core::vault::Vault;
use keyward_core::{Error, Result, Secret};

use super::lead::ReportFormatArg;
use crate::team::{self, Published, TeamError};

/// `keyward team ...`
#[derive(Debug, Subcommand)]
pub enum TeamAction {
    /// Connect this desktop to the team vault; the credential is read from standard input.
    ///
    /// The connection is tested by publishing this desktop's inventory (metadata only, never
    /// a secret); only when that works is anything saved: the credential in the keychain,
    /// the rest in Keyward's settings.
    Connect {
        /// The vault's address (https://...; http:// only to this computer).
        url: String,
        /// The KV version 2 engine's mount, e.g. "secret".
        #[arg(long)]
        mount: String,
        /// The path prefix inside the mount (default "keyward").
        #[arg(long)]
        prefix: Option<String>,
        /// Log in with a token, read from standard input ("-").
        #[arg(long, value_name = "-", group = "login")]
        token: Option<String>,
        /// Log in with the userpass method as USER; the password from standard input.
        #[arg(long, value_name = "USER", group = "login")]
        userpass: Option<String>,
        /// Log in with AppRole as ROLE_ID; the secret ID from standard input.
        #[arg(long, value_name = "ROLE_ID", group = "login")]
        approle: Option<String>,
        /// This desktop's name in the vault (default: <user>@<computer>).
        #[arg(long)]
        desktop: Option<String>,
    },
    /// Whether this desktop is connected, and when its inventory was last shared.
    Status {
        /// Print one JSON object.
        #[arg(long)]
        json: bool,
    },
    /// Forget the team vault (the credential leaves the keychain; what was shared stays there).
    Disconnect,
    /// Share this desktop's inventory now.
    Publish {
        /// Print one JSON object.
        #[arg(long)]
        json: bool,
    },
    /// Share a key with the team: its secret and metadata go to <prefix>/shared/<name> in the vault.
    ///
    /// Written only if no shared key has that name yet (check-and-set), so nobody overwrites a
    /// colleague's. Colleagues the vault's policy allows can then copy it. Audited here.
    Share {
        /// The key's name, id or credential ID (or 4 or more characters of it).
        name_or_id: String,
    },
    /// List the shared keys this desktop may see in the team vault.
    Shared {
        /// Print a JSON array of names (with --versions, of objects: name, version, updated_at).
        #[arg(long)]
        json: bool,
        /// Show each shared key's version and when it was last written.
        #[arg(long)]
        versions: bool,
    },
    /// Copy a shared key from the team vault into this Keyward (its secret into the keychain); audited here.
    Copy {
        /// The shared key's name.
        name: String,
    },
    /// Rotate a shared key in the team vault: its new secret, read from standard input (hidden on
    /// a terminal), replaces the old one for everyone the vault's policy lets read it.
    ///
    /// Written with check-and-set: when a colleague changed the shared key first (or it is no
    /// longer at --version), nothing is overwritten and you are told. Revoking the old secret
    /// happens at the vendor, in its dashboard. Audited here (`team_rotated`).
    Rotate {
        /// The shared key's name.
        name: String,
        /// Rotate only if the shared key is still at this version (as `team shared --json` shows).
        #[arg(long)]
        version: Option<u64>,
        /// The vendor's new credential ID, when the new secret came with one.
        #[arg(long, value_name = "ID")]
        credential_id: Option<String>,
    },
    /// Delete a shared key from the team vault, for every colleague.
    ///
    /// Nobody's Keyward lists or copies it afterwards; the vault keeps its history for auditors.
    /// Copies already made stay in colleagues' keychains, and the key keeps working at its
    /// vendor until it is revoked there, in the vendor's dashboard. Audited here (`team_unshared`).
    Unshare {
        /// The shared key's name.
        name: String,
        /// Delete only if the shared key is still at this version.
        #[arg(long)]
        version: Option<u64>,
        /// Do not ask for confirmation.
        #[arg(long)]
        yes: bool,
    },
    /// For leads: tell the team channel about the whole team's keys that need rotating.
    ///
    /// "12 keys overdue across 5 people", then the keys: each key's stage (due soon, overdue)
    /// once, an overdue key again every repeat period, as for this desktop's reminders. Sends it
    /// now (exit status 1 when the message was not delivered); with `--automatic on`, Keyward
    /// sends it by itself from then on (in the background, once per stage), `off` stops that.
    Digest {
        /// `on`: Keyward sends the team digest by itself; `off`: only when asked.
        #[arg(long, value_name = "on|off", value_parser = ["on", "off"])]
        automatic: Option<String>,
    },
    /// For leads: every desktop's keys, overdue first (needs read access to the inventory).
    Report {
        /// `csv` (for spreadsheets) or `json`.
        #[arg(long, value_enum, default_value_t = ReportFormatArg::Csv)]
        format: ReportFormatArg,
        /// Write to FILE (a new file readable only by you; "-" is standard output).
        #[arg(long, value_name = "FILE")]
        output: Option<PathBuf>,
    },
}

fn keychain() -> OsKeychain {
    OsKeychain::from_environment(keyward_core::env::process())
}

fn runtime() -> Result<tokio::runtime::Runtime> {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .map_err(|e| {
            Error::Invalid(format!(
                "Keyward could not start talking to the vault: {e}."
            ))
        })
}

fn team_error(error: TeamError) -> Error {
    match error {
        TeamError::Keychain(e) => e.into(),
        other => Error::Invalid(other.to_string()),
    }
}

pub fn run<S: SecretStore>(
    vault: &Vault<S>,
    settings: &Effective,
    action: TeamAction,
) -> Result<u8> {
    let data_dir = vault.catalog().dir();
    let config_dir = super::config_dir()?;
    match action {
        TeamAction::Connect {
            url,
            mount,
            prefix,
            token,
            userpass,
            approle,
            desktop,
        } => {
            let (login, what) = match (token, userpass, approle) {
                (Some(token), None, None) => {
                    if token != "-" {
                        return Err(Error::Invalid(
                            "Give the token on standard input (--token -), so it stays out of your shell history.".into(),
                        ));
                    }
                    (Login::Token, "token")
                }
                (None, Some(user), None) => (Login::Userpass { user }, "password"),
                (None, None, Some(role_id)) => (Login::Approle { role_id }, "secret ID"),
                _ => {
                    return Err(Error::Invalid(
                        "Say how to log in: --token -, --userpass USER or --approle ROLE_ID."
                            .into(),
                    ));
                }
            };
            let config =
                TeamConfig::new(&url, &mount, prefix.as_deref(), login, desktop.as_deref())
                    .map_err(|e| Error::Invalid(e.to_string()))?;
            let credential = read_credential(what)?;
            let catalog = keyward_core::catalog::Catalog::open(data_dir)?;
            let now = Utc::now();
            let document =
                team::inventory(&catalog, settings, &config.desktop, now).map_err(team_error)?;
            let connected = runtime()?.block_on(team::connect(
                &keychain(),
                (&config_dir, data_dir),
                &config,
                &credential,
                &document,
                now,
            ));
            match connected {
                Ok(_) => {
                    say!(
                        "Connected to the team vault at {} (mount {}, prefix {}) as desktop {}.",
                        config.address.as_str(),
                        config.mount,
                        config.prefix,
                        config.desktop
                    );
                    say!(
                        "Shared this desktop's inventory ({} {}, metadata only). The {what} is kept in {}.",
                        document.keys.len(),
                        if document.keys.len() == 1 {
                            "key"
                        } else {
                            "keys"
                        },
                        keyward_core::keychain::store_name::YOUR_IN
                    );
                }
                Err(error) => {
                    return Err(Error::Invalid(format!(
                        "{} Nothing was saved.",
                        team_error(error)
                    )));
                }
            }
        }
        TeamAction::Status { json } => {
            let status = team::status(&config_dir, data_dir, Utc::now()).map_err(team_error)?;
            if json {
                say!("{}", super::output::json_text(&status, false));
            } else if status.connected {
                say!(
                    "Connected to the team vault at {} (mount {}, prefix {}) with {}, as desktop {}.",
                    status.address.as_deref().unwrap_or(""),
                    status.mount.as_deref().unwrap_or(""),
                    status.prefix.as_deref().unwrap_or(""),
                    status.login.as_deref().unwrap_or(""),
                    status.desktop.as_deref().unwrap_or("")
                );
                say!("Inventory: {}.", status.shared_words);
                if let Some(error) = &status.last_error {
                    say!(
                        "The last try failed: {} Keyward tries again by itself.",
                        super::output::shown(error)
                    );
                }
            } else {
                say!(
                    "This desktop is not connected to a team vault. Connect it with: keyward team connect URL --mount M --token -"
                );
            }
        }
        TeamAction::Disconnect => {
            team::disconnect(&keychain(), &config_dir, data_dir).map_err(team_error)?;
            say!(
                "Disconnected from the team vault. What this desktop shared stays there until your vault administrator removes it."
            );
        }
        TeamAction::Publish { json } => {
            let config = TeamConfig::load(&config_dir)?
                .ok_or_else(|| team_error(TeamError::NotConnected))?;
            let credential = team::stored_credential(&keychain())?
                .ok_or_else(|| team_error(TeamError::NotConnected))?;
            let catalog = keyward_core::catalog::Catalog::open(data_dir)?;
            let now = Utc::now();
            let document =
                team::inventory(&catalog, settings, &config.desktop, now).map_err(team_error)?;
            let published = runtime()?
                .block_on(team::publish_if_due(
                    &config,
                    &credential,
                    &document,
                    data_dir,
                    true,
                    now,
                ))
                .map_err(team_error)?;
            let (version, keys) = match published {
                Published::Shared { version, keys } => (version, keys),
                Published::Unchanged => (0, document.keys.len()),
            };
            if json {
                say!(
                    "{}",
                    serde_json::json!({"desktop": config.desktop, "version": version, "keys": keys})
                );
            } else {
                say!(
                    "Shared this desktop's inventory ({keys} {}) as version {version} of {}.",
                    if keys == 1 { "key" } else { "keys" },
                    config.inventory_path()
                );
            }
        }
        TeamAction::Digest { automatic: None } => {
            return digest(data_dir, settings, &config_dir);
        }
        TeamAction::Digest {
            automatic: Some(on),
        } => automatic_digest(&config_dir, on == "on")?,
        TeamAction::Share { name_or_id } => share(vault, settings, &config_dir, &name_or_id)?,
        TeamAction::Shared { json, versions } => list_shared(&config_dir, json, versions)?,
        TeamAction::Rotate {
            name,
            version,
            credential_id,
        } => rotate_shared(vault, &config_dir, &name, version, credential_id.as_deref())?,
        TeamAction::Unshare { name, version, yes } => {
            unshare(vault, &config_dir, &name, version, yes)?;
        }
        TeamAction::Copy { name } => copy(vault, &config_dir, &name)?,
        TeamAction::Report { format, output } => {
            let config = TeamConfig::load(&config_dir)?
                .ok_or_else(|| team_error(TeamError::NotConnected))?;
            let credential = team::stored_credential(&keychain())?
                .ok_or_else(|| team_error(TeamError::NotConnected))?;
            let reads = runtime()?
                .block_on(team::read_team(&config, &credential))
                .map_err(team_error)?;
            let report = TeamReport::build(reads, Utc::now(), settings.settings.lead_time_days);
            for warning in &report.warnings {
                keyward_core::note!("keyward: warning: {}", super::output::shown(warning));
            }
            let text = match format {
                ReportFormatArg::Csv => team_report::to_csv(&report, &chrono::Local),
                ReportFormatArg::Json => team_report::to_json(&report),
            };
            let what = format!(
                "{} keys on {} desktops, {} overdue",
                report.keys.len(),
                report.desktops.len(),
                report.overdue()
            );
            super::lead::write_report_text(&text, output.as_deref(), &what)?;
        }
    }
    Ok(0)
}

fn connected(config_dir: &Path) -> Result<(TeamConfig, Secret)> {
    let config =
        TeamConfig::load(config_dir)?.ok_or_else(|| team_error(TeamError::NotConnected))?;
    let credential =
        team::stored_credential(&keychain())?.ok_or_else(|| team_error(TeamError::NotConnected))?;
    Ok((config, credential))
}

/// `keyward team share NAME_OR_ID`.
fn share<S: SecretStore>(
    vault: &Vault<S>,
    settings: &Effective,
    config_dir: &Path,
    name_or_id: &str,
) -> Result<()> {
    let (config, credential) = connected(config_dir)?;
    let record = vault.find(name_or_id)?;
    let shared = team::shared::shared_key_of(&record, settings, &config.desktop, Utc::now())
        .ok_or_else(|| {
            Error::Invalid(format!(
                "\"{}\" is not an active key, so it cannot be shared.",
                record.name
            ))
        })?;
    let secret = keychain().get(&record.id)?;
    let path = config.shared_path(record.name.as_str());
    let version = runtime()?
        .block_on(team::share_key(&config, &credential, &shared, &secret))
        .map_err(|error| match error {
            TeamError::Conflict => Error::Invalid(format!(
                "The team vault already has a shared key called \"{}\", so nothing was overwritten. Rotate it there, or share this key under another name.",
                record.name
            )),
            other => team_error(other),
        })?;
    if let Some(audit) = vault.audit() {
        audit.note(
            keyward_core::audit::AuditAction::TeamShared,
            Some((&record.id, record.name.as_str())),
            Some(&format!(
                "to the team vault at {}/{path}, version {version}",
                config.mount
            )),
        );
    }
    say!(
        "Shared \"{}\" with the team at {}/{path}. Colleagues the vault's policy allows can copy it with: keyward team copy {}",
        record.name,
        config.mount,
        record.name
    );
    Ok(())
}

/// `keyward team shared [--json] [--versions]`. A login the policy does
/// not let list them hears so calmly (or gets `[]`), as in the window.
fn list_shared(config_dir: &Path, json: bool, versions: bool) -> Result<()> {
    let (config, credential) = connected(config_dir)?;
    let entries = match runtime()?.block_on(team::shared::list(&config, &credential)) {
        Ok(entries) => entries,
        Err(TeamError::Permission { action: "list", .. }) => {
            if json {
                say!("[]");
            } else {
                say!("{}", team::shared::NONE_SHOWN);
            }
            return Ok(());
        }
        Err(error) => return Err(team_error(error)),
    };
    if json && versions {
        say!("{}", super::output::json_text(&entries, false));
    } else if json {
        let names: Vec<&str> = entries.iter().map(|e| e.name.as_str()).collect();
        say!("{}", super::output::json_text(&names, false));
    } else if entries.is_empty() {
        say!("No shared keys that this desktop may see.");
    } else {
        let copy_only = |e: &team::shared::SharedEntry| {
            e.may_rotate == Some(false) && e.may_delete == Some(false)
        };
        for entry in &entries {
            let written = entry
                .version
                .filter(|_| versions)
                .map(|version| {
                    let at = entry
                        .updated_at
                        .as_deref()
                        .map(|at| format!(", written {}", local_date(at)))
                        .unwrap_or_default();
                    format!("  version {version}{at}")
                })
                .unwrap_or_default();
            let only = if copy_only(entry) {
                "  (copy only)"
            } else {
                ""
            };
            say!("{}{written}{only}", super::output::shown(&entry.name));
        }
        if entries.iter().any(copy_only) {
            say!(
                "Keys marked \"copy only\" can be rotated or deleted only by those the team vault allows: ask your security lead."
            );
        }
    }
    Ok(())
}

/// An RFC 3339 instant from the vault as the date on this person's
/// calendar (`TZ`); text that is not one as it is.
fn local_date(rfc3339: &str) -> String {
    keyward_core::local_time::local_text(rfc3339, &chrono::Local, false)
}

/// `keyward team copy NAME`.
fn copy<S: SecretStore>(vault: &Vault<S>, config_dir: &Path, name: &str) -> Result<()> {
    let (config, credential) = connected(config_dir)?;
    let (shared, secret, version) = runtime()?
        .block_on(team::read_shared(&config, &credential, name))
        .map_err(team_error)?;
    let path = config.shared_path(name);
    // The day it was made on this person's calendar (a key made late on
    // the 28th in UTC may be the 29th here).
    let raw = &shared.key.created_at;
    let created = match chrono::DateTime::parse_from_rfc3339(raw) {
        Ok(at) => keyward_core::local_time::local_text_of(at.to_utc(), &chrono::Local, false),
        // Not an instant (a date alone, or nothing): as before.
        Err(_) => raw.get(..10).unwrap_or_default().to_owned(),
    };
    let input = crate::input::KeyInput {
        service: &shared.key.service,
        application: shared.key.application.as_deref(),
        name: Some(&shared.key.name),
        notes: Some(&format!(
            "Copied from the team vault ({}/{path}), shared by {}.",
            config.mount, shared.shared_by
        )),
        created: Some(&created),
        vendor: shared.key.vendor.as_deref(),
        owner: shared.key.owner.as_deref(),
    };
    let new = input.into_new_key(false, Utc::now())?;
    let credential_id = keyward_core::naming::Label::credential_id(&shared.credential_id)?;
    let record = vault.add(new, &credential_id, secret)?;
    if let Some(audit) = vault.audit() {
        audit.note(
            keyward_core::audit::AuditAction::TeamCopied,
            Some((&record.id, record.name.as_str())),
            Some(&format!(
                "read from the team vault at {}/{path}, version {version}, shared by {}",
                config.mount, shared.shared_by
            )),
        );
    }
    say!(
        "Copied the shared key \"{}\" from the team vault into Keyward (its secret is in {}).",
        record.name,
        keyward_core::keychain::store_name::YOUR_IN
    );
    Ok(())
}

/// `keyward team rotate NAME`: the new secret from standard input.
fn rotate_shared<S: SecretStore>(
    vault: &Vault<S>,
    config_dir: &Path,
    name: &str,
    version: Option<u64>,
    credential_id: Option<&str>,
) -> Result<()> {
    let (config, credential) = connected(config_dir)?;
    team::shared::check_name(name).map_err(team_error)?;
    let secret = read_credential("new secret")?;
    let rotated = runtime()?
        .block_on(team::shared::rotate(
            &config,
            &credential,
            name,
            &secret,
            credential_id,
            version,
        ))
        .map_err(team_error)?;
    if let Some(audit) = vault.audit() {
        audit.note(
            keyward_core::audit::AuditAction::TeamRotated,
            None,
            Some(&format!(
                "shared key \"{name}\" in the team vault at {}/{}, version {} replaced by version {}",
                config.mount,
                config.shared_path(name),
                rotated.from_version,
                rotated.version
            )),
        );
    }
    say!(
        "Rotated the shared key \"{name}\" in the team vault: version {} replaced version {}. Colleagues get the new secret when they copy it (keyward team copy {name}); copies they made before keep the old one. Revoke the old secret at the vendor, in its dashboard.",
        rotated.version,
        rotated.from_version
    );
    Ok(())
}

/// `keyward team unshare NAME`.
fn unshare<S: SecretStore>(
    vault: &Vault<S>,
    config_dir: &Path,
    name: &str,
    version: Option<u64>,
    yes: bool,
) -> Result<()> {
    let (config, credential) = connected(config_dir)?;
    team::shared::check_name(name).map_err(team_error)?;
    if !yes {
        super::prompt::type_name_to_confirm(
            name,
            &format!(
                "This deletes the shared key \"{name}\" from the team vault for every colleague (the vault keeps its history for auditors).\n\
                 Copies already made stay where they are, and the key keeps working at its vendor until you revoke it there.\n\
                 Type the shared key's name to confirm:"
            ),
            format!(
                "Deleting the shared key \"{name}\" from the team vault removes it for every colleague, and there is no terminal to ask you to confirm. Add --yes to delete it."
            ),
        )?;
    }
    let deleted = runtime()?
        .block_on(team::shared::delete(&config, &credential, name, version))
        .map_err(team_error)?;
    if let Some(audit) = vault.audit() {
        audit.note(
            keyward_core::audit::AuditAction::TeamUnshared,
            None,
            Some(&format!(
                "shared key \"{name}\" deleted from the team vault at {}/{}{}",
                config.mount,
                config.shared_path(name),
                if deleted > 0 {
                    format!(", version {deleted}")
                } else {
                    String::new()
                }
            )),
        );
    }
    say!(
        "Deleted the shared key \"{name}\" from the team vault: no colleague can list or copy it any more (the vault keeps its history for auditors). Copies already made stay in colleagues' Keyward, and the key keeps working at its vendor until you revoke it there, in the vendor's dashboard."
    );
    Ok(())
}

/// `keyward team digest --automatic on|off`.
fn automatic_digest(config_dir: &Path, on: bool) -> Result<()> {
    let mut config =
        TeamConfig::load(config_dir)?.ok_or_else(|| team_error(TeamError::NotConnected))?;
    config.send_digest = on;
    config.save(config_dir)?;
    if on {
        say!(
            "Keyward will send the team digest to the team channel by itself: each key's stage once, while Keyward runs (in the window or the background). It needs read access to every desktop's inventory and a team channel."
        );
    } else {
        say!("Keyward will send the team digest only when asked (`keyward team digest`).");
    }
    Ok(())
}

/// `keyward team digest`.
fn digest(data_dir: &Path, settings: &Effective, config_dir: &Path) -> Result<u8> {
    use crate::team::digest::{DigestError, DigestOutcome, send_team_digest};
    let config =
        TeamConfig::load(config_dir)?.ok_or_else(|| team_error(TeamError::NotConnected))?;
    let store = keychain();
    let credential =
        team::stored_credential(&store)?.ok_or_else(|| team_error(TeamError::NotConnected))?;
    let Some(url) = crate::webhook::config::stored_url(&store)? else {
        keyward_core::note!("keyward: {}", crate::webhook::WebhookError::NotConfigured);
        return Ok(1);
    };
    let audit = keyward_core::audit::AuditLog::in_dir(data_dir, Utc::now);
    let sent = runtime()?.block_on(send_team_digest(
        &config,
        &credential,
        &url,
        &settings.settings,
        data_dir,
        Some(&audit),
    ));
    match sent {
        Ok(DigestOutcome::NothingNew) => {
            say!(
                "Nothing new to tell the team channel: every key that needs rotating was announced at its stage."
            );
            Ok(0)
        }
        Ok(DigestOutcome::Sent {
            title,
            keys,
            warnings,
        }) => {
            for warning in &warnings {
                keyward_core::note!("keyward: warning: {}", super::output::shown(warning));
            }
            say!(
                "Told the team channel: {title} ({keys} {}).",
                if keys == 1 { "key" } else { "keys" }
            );
            Ok(0)
        }
        Err(DigestError::Vault(error)) => Err(team_error(error)),
        Err(error) => {
            keyward_core::note!("keyward: {}", super::output::shown(&error.to_string()));
            Ok(1)
        }
    }
}

/// Reads the credential from standard input (hidden on a terminal).
fn read_credential(what: &str) -> Result<Secret> {
    let text =
        super::prompt::hidden_or_piped(&format!("Type or paste the {what}"), what, 16 * 1024)?;
    let trimmed = text.trim();
    if trimmed.is_empty() {
        return Err(Error::Invalid(format!(
            "No {what} was given. Pipe it into the command, for example: printf '%s' \"$TOKEN\" | keyward team connect …"
        )));
    }
    Ok(Secret::new(trimmed.to_owned()))
}
