//! The security lead's commands: `keyward report` and `keyward webhook`.
//!
//! The webhook address is a secret: it is read from the command line or
//! standard input, checked, stored in the keychain, and never printed.

use std::path::{Path, PathBuf};

use chrono::{DateTime, Utc};
use clap::{Subcommand, ValueEnum};
use keyward_core::keychain::{OsKeychain, SecretStore};
use keyward_core::private_files::FileError;
use keyward_core::report;
use keyward_core::settings::{Effective, WebhookFormat};
use keyward_core::team_channel::Digest;
use keyward_core::vault::Vault;
use keyward_core::{Error, Result};
use zeroize::Zeroizing;

use crate::webhook::{self, WebhookError, config};

/// Exit status when a test message was not delivered.
const NOT_DELIVERED: u8 = 1;

/// Commands for security leads.
#[derive(Debug, Subcommand)]
pub enum LeadCommand {
    /// Write the rotation report: every key with its dates and status (never a secret).
    Report {
        /// `csv` (for spreadsheets) or `json`.
        #[arg(long, value_enum, default_value_t = ReportFormatArg::Csv)]
        format: ReportFormatArg,
        /// Write to FILE (a new file readable only by you; "-" is standard output).
        #[arg(long, value_name = "FILE")]
        output: Option<PathBuf>,
    },
    /// Set up, test or remove the team channel that receives rotation reminders.
    Webhook {
        /// What to do with the team channel.
        #[command(subcommand)]
        action: WebhookAction,
    },
}

/// `keyward webhook ...`
#[derive(Debug, Subcommand)]
pub enum WebhookAction {
    /// Store the channel's incoming-webhook address in the keychain. Give "-"
    /// to read it from standard input, which keeps it out of your shell history.
    Set {
        /// The address (https://...), or "-" to read it from standard input.
        url: String,
        /// How messages are shaped: slack, teams or json.
        #[arg(long, value_enum)]
        format: Option<FormatArg>,
        /// Whether messages may include credential IDs (off unless you say true).
        #[arg(long, value_name = "true|false")]
        include_credential_ids: Option<bool>,
    },
    /// Remove the team channel's address from the keychain.
    Clear,
    /// Send a test message. Exit status 1 when it was not delivered.
    Test,
    /// Whether a team channel is set up, and how (never its address).
    Status {
        /// Print one JSON object.
        #[arg(long)]
        json: bool,
    },
}

/// Report file formats.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ReportFormatArg {
    /// Comma-separated values (RFC 4180), for spreadsheets.
    Csv,
    /// A JSON array with the fields of `keyward list --json` and more.
    Json,
}

/// Team-channel message formats.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum FormatArg {
    /// Slack, Mattermost, Rocket.Chat: `{"text": ...}`.
    Slack,
    /// Microsoft Teams: a message card.
    Teams,
    /// Plain JSON with the report's fields.
    Json,
}

impl From<FormatArg> for WebhookFormat {
    fn from(format: FormatArg) -> Self {
        match format {
            FormatArg::Slack => Self::Slack,
            FormatArg::Teams => Self::Teams,
            FormatArg::Json => Self::Json,
        }
    }
}

pub fn run<S: SecretStore>(
    vault: &Vault<S>,
    settings: &Effective,
    command: LeadCommand,
    now: DateTime<Utc>,
) -> Result<u8> {
    match command {
        LeadCommand::Report { format, output } => {
            report(vault, settings, format, output.as_deref(), now)
        }
        LeadCommand::Webhook { action } => webhook_command(vault, settings, action),
    }
}

fn report<S: SecretStore>(
    vault: &Vault<S>,
    settings: &Effective,
    format: ReportFormatArg,
    output: Option<&Path>,
    now: DateTime<Utc>,
) -> Result<u8> {
    let rows = report::rows_with_vendors(
        &vault.catalog().load()?,
        vault.vendor_profiles(),
        &vault.policy(),
        settings.period_source(),
        now,
        &chrono::Local,
    );
    let text = match format {
        ReportFormatArg::Csv => report::to_csv(&rows, &chrono::Local),
        ReportFormatArg::Json => report::to_json(&rows),
    };
    let what = format!(
        "{} {}",
        rows.len(),
        if rows.len() == 1 { "key" } else { "keys" }
    );
    write_report_text(&text, output, &what)?;
    Ok(0)
}

/// Prints a report's `text`, or writes it to `output` (a new private file
/// renamed over it), saying "Wrote the report (WHAT) to FILE.".
pub(super) fn write_report_text(text: &str, output: Option<&Path>, what: &str) -> Result<()> {
    match output.filter(|path| path.as_os_str() != "-") {
        None => super::output::raw(text.as_bytes()),
        Some(path) => {
            let path = std::path::absolute(path).map_err(|e| {
                Error::Invalid(format!(
                    "Could not use {} for the report: {e}.",
                    path.display()
                ))
            })?;
            keyward_core::private_files::write_atomically(&path, text.as_bytes()).map_err(
                |error| match error {
                    FileError::Unsafe { reason, .. } => Error::Invalid(format!(
                        "{reason} To print the report on standard output instead, use --output -."
                    )),
                    other => other.into(),
                },
            )?;
            say!("Wrote the report ({what}) to {}.", path.display());
        }
    }
    Ok(())
}

fn keychain() -> OsKeychain {
    OsKeychain::from_environment(keyward_core::env::process())
}

fn webhook_command<S: SecretStore>(
    vault: &Vault<S>,
    effective: &Effective,
    action: WebhookAction,
) -> Result<u8> {
    let store = keychain();
    match action {
        WebhookAction::Set {
            url,
            format,
            include_credential_ids,
        } => {
            let raw = if url == "-" {
                read_url()?
            } else {
                Zeroizing::new(url)
            };
            let source = super::settings_source()?;
            // Read the settings first: a damaged file is reported, never overwritten.
            let mut settings = source
                .file()
                .load()
                .map_err(|e| Error::Invalid(e.to_string()))?;
            config::set_url(&store, &raw).map_err(webhook_error)?;
            if format.is_some() || include_credential_ids.is_some() {
                if let Some(format) = format {
                    settings.webhook_format = format.into();
                }
                if let Some(include) = include_credential_ids {
                    settings.webhook_include_credential_ids = include;
                }
                source
                    .save(&settings, vault.audit())
                    .map_err(|e| Error::Invalid(e.to_string()))?;
            }
            say!(
                "Saved the team channel's address in {} ({} format, {} credential IDs).",
                keyward_core::keychain::store_name::YOUR_IN,
                webhook::format_name(settings.webhook_format),
                if settings.webhook_include_credential_ids {
                    "with"
                } else {
                    "without"
                }
            );
            say!("Send a test message with: keyward webhook test");
        }
        WebhookAction::Clear => {
            config::clear_url(&store)?;
            say!("Removed the team channel's address. Keyward sends no more team messages.");
        }
        WebhookAction::Test => {
            let settings = &effective.settings;
            let Some(url) = config::stored_url(&store)? else {
                keyward_core::note!("keyward: {}", WebhookError::NotConfigured);
                return Ok(NOT_DELIVERED);
            };
            let runtime = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .map_err(|e| Error::Invalid(format!("Keyward could not start sending: {e}.")))?;
            let sent = runtime.block_on(webhook::send_digest(
                &url,
                settings.webhook_format,
                settings.webhook_include_credential_ids,
                &Digest::test_message(),
                vault.audit(),
            ));
            match sent {
                Ok(delivery) => say!(
                    "Delivered a test message to the team channel ({} format{}).",
                    webhook::format_name(settings.webhook_format),
                    if delivery.attempts > 1 {
                        format!(", after {} tries", delivery.attempts)
                    } else {
                        String::new()
                    }
                ),
                Err(error) => {
                    keyward_core::note!(
                        "keyward: The test message was not delivered. {}",
                        super::output::shown(&error.to_string())
                    );
                    return Ok(NOT_DELIVERED);
                }
            }
        }
        WebhookAction::Status { json } => {
            let status = config::status(&store, &effective.settings, vault.audit())?;
            if json {
                say!("{}", super::output::json_text(&status, false));
            } else if status.configured {
                say!(
                    "A team channel is set up: {} format, {} credential IDs.",
                    webhook::format_name(status.format),
                    if status.include_credential_ids {
                        "with"
                    } else {
                        "without"
                    }
                );
                if let Some(reason) = status.last_error {
                    say!(
                        "The last message was not delivered: {}.",
                        super::output::shown(&reason)
                    );
                }
            } else {
                say!("No team channel is set up. Add one with: keyward webhook set -");
            }
        }
    }
    Ok(0)
}

fn webhook_error(error: WebhookError) -> Error {
    match error {
        WebhookError::Keychain(e) => e.into(),
        other => Error::Invalid(other.to_string()),
    }
}

/// Reads the webhook address from standard input (hidden on a terminal).
fn read_url() -> Result<Zeroizing<String>> {
    let text =
        super::prompt::hidden_or_piped("Paste the webhook address", "webhook address", 16 * 1024)?;
    Ok(Zeroizing::new(text.trim().to_owned()))
}
