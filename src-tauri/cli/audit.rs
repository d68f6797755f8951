//! `keyward audit`: check the audit log's hash chain, and send the audit
//! log to a SIEM.
//!
//! Contract: `audit verify` exits 0 when the log is intact, [`TAMPERED`]
//! when a line was changed, removed, put in or moved (each named with its
//! line), 1 when the log cannot be read. `audit stream set` only writes the
//! stream's target: sending is done by Keyward's window or background
//! program, so no command waits on the network. Certificates given to
//! `set` are read and checked first (`keyward_background::siem_tls`); any
//! refusal changes nothing. Those not named are kept; `--no-ca` and
//! `--no-client-cert` remove them, `off` removes everything (the client
//! key leaves the keychain). `status` shows subjects and expiry dates, never
//! the key.

use chrono::Local;
use clap::Subcommand;
use keyward_core::audit::AuditAction;
use keyward_core::keychain::SecretStore;
use keyward_core::siem::{StreamFiles, StreamStatus, StreamTarget};
use keyward_core::vault::Vault;
use keyward_core::{Error, Result};

use super::output;

/// Exit status of `audit verify` when the log was tampered with.
pub const TAMPERED: u8 = 6;

/// `keyward audit ...`
#[derive(Debug, Subcommand)]
pub enum AuditCommand {
    /// Check that no line of the audit log was changed, removed, put in or moved.
    /// Exit status: 0 intact, 6 tampered with, 1 error.
    Verify {
        /// Print one JSON object.
        #[arg(long)]
        json: bool,
    },
    /// Send every audit entry to a SIEM (syslog over TCP, CEF).
    Stream {
        /// What to do with the stream.
        #[command(subcommand)]
        action: StreamAction,
    },
}

/// `keyward audit stream ...`
#[derive(Debug, Subcommand)]
pub enum StreamAction {
    /// Send each new audit entry to HOST:PORT as RFC 5424 syslog with a CEF message.
    Set {
        /// The SIEM's syslog receiver, e.g. siem.example.com:6514.
        #[arg(value_name = "HOST:PORT")]
        address: String,
        /// Use TLS (the server's certificate must be trusted by this computer, or by --ca).
        #[arg(long)]
        tls: bool,
        /// Allow plain TCP to another computer (anyone on the network could read the entries).
        #[arg(long, conflicts_with_all = ["tls", "ca", "client_cert"])]
        allow_plain_tcp: bool,
        /// Trust only this certificate authority (PEM) for the SIEM's certificate; implies --tls.
        /// Kept for later `set` commands until --no-ca.
        #[arg(long, value_name = "FILE")]
        ca: Option<std::path::PathBuf>,
        /// Trust the system's certificates again instead of the --ca chosen before.
        #[arg(long, conflicts_with = "ca")]
        no_ca: bool,
        /// Show the SIEM this client certificate (PEM); implies --tls. Needs --client-key.
        #[arg(long, value_name = "FILE", requires = "client_key")]
        client_cert: Option<std::path::PathBuf>,
        /// The client certificate's private key (PEM, not encrypted). Read once into the
        /// keychain; Keyward never keeps it in a file. You may delete the file afterwards.
        #[arg(long, value_name = "FILE", requires = "client_cert")]
        client_key: Option<std::path::PathBuf>,
        /// Stop showing a client certificate (its key leaves the keychain).
        #[arg(long, conflicts_with = "client_cert")]
        no_client_cert: bool,
        /// Also send the entries already in the audit log (default: from now on).
        #[arg(long)]
        from_start: bool,
    },
    /// Whether the stream is on, where it goes, what was delivered and what waits.
    Status {
        /// Print one JSON object.
        #[arg(long)]
        json: bool,
    },
    /// Stop sending audit entries.
    Off,
}

pub fn run<S: SecretStore>(vault: &Vault<S>, command: AuditCommand) -> Result<u8> {
    let dir = vault.catalog().dir();
    match command {
        AuditCommand::Verify { json } => {
            let log = keyward_core::audit::AuditLog::in_dir(dir, chrono::Utc::now);
            let check = log.verify()?;
            if json {
                say!("{}", output::json_text(&check, false));
            } else {
                say!("{}", check.summary);
                if check.problems.len() > 1 {
                    for problem in &check.problems {
                        say!("  line {}: {}", problem.line, problem.message);
                    }
                }
                if let Some(hash) = &check.last_hash {
                    say!("SHA-256 of the last line (compare with your SIEM's copy): {hash}");
                }
            }
            Ok(if check.intact { 0 } else { TAMPERED })
        }
        AuditCommand::Stream { action } => stream(vault, StreamFiles::in_dir(dir), action),
    }
}

fn stream<S: SecretStore>(
    vault: &Vault<S>,
    files: StreamFiles,
    action: StreamAction,
) -> Result<u8> {
    match action {
        StreamAction::Set {
            address,
            tls,
            allow_plain_tcp,
            ca,
            no_ca,
            client_cert,
            client_key,
            no_client_cert,
            from_start,
        } => {
            use keyward_background::siem_tls::{Choice, set_up};
            let tls = tls || ca.is_some() || client_cert.is_some();
            let target = StreamTarget::parse(&address, tls, allow_plain_tcp)
                .map_err(|e| Error::Invalid(e.to_string()))?;
            let ca = match (ca, no_ca) {
                (Some(path), _) => Choice::Set(path),
                (None, true) => Choice::Remove,
                (None, false) => Choice::Keep,
            };
            let client = match (client_cert, client_key, no_client_cert) {
                (Some(cert), Some(key), _) => Choice::Set((cert, key)),
                (_, _, true) => Choice::Remove,
                _ => Choice::Keep,
            };
            let setup = set_up(
                &files,
                vault.store(),
                target,
                ca,
                client,
                from_start,
                &chrono::Local::now(),
            )
            .map_err(setup_error)?;
            if let Some(audit) = vault.audit() {
                audit.note(
                    AuditAction::SettingsChanged,
                    None,
                    Some(&setup.audit_detail()),
                );
            }
            let target = setup.target;
            say!(
                "Audit entries are sent to {}{}.",
                target.describe(),
                if from_start {
                    ", starting with the first line of the audit log"
                } else {
                    ", from now on"
                }
            );
            say_certificates(&target);
            for warning in &setup.warnings {
                say!("{}", output::shown(warning));
            }
            if !target.tls && !target.is_loopback() {
                say!(
                    "Warning: in plain TCP anyone on the network between here and the SIEM can read the entries."
                );
            }
            say!(
                "They are sent while Keyward runs (its window, or `keyward --background`); check with: keyward audit stream status"
            );
        }
        StreamAction::Status { json } => {
            let status = files.status()?;
            if json {
                say!("{}", output::json_text(&status, false));
            } else {
                say_status(&status);
            }
        }
        StreamAction::Off => {
            let before = keyward_background::siem_tls::turn_off(&files, vault.store())
                .map_err(setup_error)?;
            match before {
                Some(target) => {
                    if let Some(audit) = vault.audit() {
                        audit.note(
                            AuditAction::SettingsChanged,
                            None,
                            Some(&format!("audit_stream: {} → off", target.describe())),
                        );
                    }
                    say!("The audit stream is off: Keyward sends no more audit entries.");
                }
                None => say!("The audit stream was already off."),
            }
        }
    }
    Ok(0)
}

/// A refusal from setting up the stream, as the CLI's error.
fn setup_error(error: keyward_background::siem_tls::SetupError) -> Error {
    use keyward_background::siem_tls::{CertificateError, SetupError};
    match error {
        SetupError::Files(e) => Error::Catalog(e),
        SetupError::Certificate(CertificateError::Keychain(e)) => Error::Keychain(e),
        e => Error::Invalid(e.to_string()),
    }
}

/// The stream's certificate authority and client certificate: subjects and
/// expiry dates (never the key).
fn say_certificates(target: &StreamTarget) {
    let until = |at: chrono::DateTime<chrono::Utc>| {
        keyward_core::local_time::local_text_of(at, &Local, false)
    };
    if let Some(ca) = &target.ca {
        say!(
            "The SIEM's certificate must be signed by {} (valid until {}, from {}); no other authority is trusted for the stream.",
            output::shown(&ca.subject),
            until(ca.not_after),
            output::shown(&ca.path)
        );
    }
    if let Some(cert) = &target.client_cert {
        let expired = cert.not_after < chrono::Utc::now();
        say!(
            "Keyward shows the client certificate {} ({} {}, from {}); its private key is in {}.",
            output::shown(&cert.subject),
            if expired { "EXPIRED on" } else { "valid until" },
            until(cert.not_after),
            output::shown(&cert.path),
            keyward_core::keychain::store_name::YOUR_IN
        );
    }
}

fn say_status(status: &StreamStatus) {
    let Some(target) = &status.target else {
        say!("The audit stream is off. Turn it on with: keyward audit stream set HOST:PORT --tls");
        return;
    };
    let when = |at: &Option<chrono::DateTime<chrono::Utc>>| {
        at.map(|t| t.with_timezone(&Local).format("%Y-%m-%d %H:%M").to_string())
    };
    say!("Audit entries go to {}.", target.describe());
    say_certificates(target);
    let entries = |n: u64| {
        if n == 1 {
            "1 entry".to_owned()
        } else {
            format!("{n} entries")
        }
    };
    match when(&status.last_delivered_at) {
        Some(at) => say!("{} delivered, the last at {at}.", entries(status.delivered)),
        None => say!("Nothing delivered yet."),
    }
    if status.waiting > 0 {
        say!(
            "{} waiting in the audit log (sent while Keyward runs: its window, or `keyward --background`).",
            entries(status.waiting)
        );
    }
    if let Some(error) = &status.last_error {
        say!(
            "The last try failed{}: {}",
            when(&status.last_error_at).map_or_else(String::new, |at| format!(" at {at}")),
            output::shown(error)
        );
    }
}
