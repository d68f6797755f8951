//! The headless command line: `keyward <command>`.
//!
//! Contract relied on by scripts: results go to standard output (`--json`
//! gives machine-readable output), errors go to standard error in plain
//! words with a non-zero exit status, and a failed command changes nothing.
//! Exit statuses: 0 success, 1 error, 2 wrong usage; `keyward due` also
//! uses 3 (some keys due soon, none overdue) and 4 (at least one overdue);
//! `keyward scan` uses 5 (a key was found).

/// `println!` for results: a closed pipe ends the output quietly (see [`output`]).
macro_rules! say {
    () => {
        $crate::cli::output::line(format_args!(""))
    };
    ($($arg:tt)*) => {
        $crate::cli::output::line(format_args!($($arg)*))
    };
}

mod audit;
mod backup;
mod import;
mod interrupt;
mod keys;
mod lead;
mod output;
mod prompt;
mod scan;
mod team;
mod vendor;

use std::process::ExitCode;

use clap::{Parser, Subcommand};
use keyward_core::catalog::Catalog;
use keyward_core::keychain::OsKeychain;
use keyward_core::policy::PolicyFile;
use keyward_core::settings::{Effective, SettingsSource};
use keyward_core::vault::Vault;

/// Keyward keeps your organisation's API keys safe. Run it without a command to open the window.
#[derive(Debug, Parser)]
#[command(name = "keyward", version, about, long_about = None)]
pub struct Args {
    /// What to do; without one, the Keyward window opens.
    #[command(subcommand)]
    pub command: Option<Command>,
    /// Start in the background (tray and reminders) without opening the window.
    #[arg(long, conflicts_with_all = ["show_key", "show_keys"])]
    pub background: bool,
    /// Open the window on this key (used when a reminder is clicked).
    #[arg(long, value_name = "ID", hide = true, conflicts_with = "show_keys")]
    pub show_key: Option<String>,
    /// Open the window on these keys (used by the tray's "N keys need rotating").
    #[arg(long, value_name = "WHICH", hide = true)]
    pub show_keys: Option<ShownKeys>,
}

/// Which keys `--show-keys` opens the window on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum ShownKeys {
    /// The keys that need rotating (due soon or overdue, not yet replaced).
    NeedsRotating,
}

impl Args {
    /// What the window is asked to show first, if anything.
    pub fn open_request(&self) -> Option<keyward_background::tray::OpenRequest> {
        use keyward_background::tray::OpenRequest;
        match (&self.show_key, self.show_keys) {
            (Some(id), _) => Some(OpenRequest::Key { id: id.clone() }),
            (None, Some(ShownKeys::NeedsRotating)) => Some(OpenRequest::NeedsRotating),
            (None, None) => None,
        }
    }
}

/// The headless commands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Create a new API key and show its credential ID and secret once.
    Generate {
        /// What the key is for and what it is called.
        #[command(flatten)]
        key: KeyArgs,
    },
    /// Record an existing key; its secret is read from standard input.
    Add {
        /// What the key is for and what it is called.
        #[command(flatten)]
        key: KeyArgs,
        /// The key's credential ID.
        #[arg(long)]
        credential_id: String,
        /// When the key was created (YYYY-MM-DD); default: from a conventional name, else today.
        #[arg(long, value_name = "YYYY-MM-DD")]
        created: Option<String>,
        /// The vendor that issued the key, e.g. "mailchimp" (see `keyward vendor`).
        #[arg(long)]
        vendor: Option<String>,
    },
    /// List every key with its age and rotation status (never a secret).
    List {
        /// Print a JSON array.
        #[arg(long)]
        json: bool,
    },
    /// Print a key's secret alone on standard output.
    Reveal {
        /// The key's name, id or credential ID (or 4 or more characters of it).
        name_or_id: String,
    },
    /// Delete Keyward's copy of a key (it keeps working where it was issued until deleted there).
    ///
    /// Removes the key's secret from the keychain and its entry from Keyward. The key itself
    /// keeps working wherever it is accepted (at the vendor, for a vendor's key) until it is
    /// deleted or revoked there.
    Delete {
        /// The key's name, id or credential ID (or 4 or more characters of it).
        name_or_id: String,
        /// Do not ask for confirmation.
        #[arg(long)]
        yes: bool,
        /// For a vendor's key: whether you deleted it at the vendor too (recorded in the audit log).
        #[arg(long, value_name = "yes|no", value_parser = parse_yes_no)]
        revoked_at_vendor: Option<bool>,
    },
    /// Change a key's application, notes, owner or vendor.
    ///
    /// Only the options given change; "" clears one. Secrets and credential IDs are never
    /// edited: a different secret is a new key.
    Edit {
        /// The key's name, id or credential ID (or 4 or more characters of it).
        name_or_id: String,
        /// The application that uses the key.
        #[arg(long)]
        application: Option<String>,
        /// Notes about the key.
        #[arg(long)]
        notes: Option<String>,
        /// Who looks after the key: a person's name or email.
        #[arg(long)]
        owner: Option<String>,
        /// The vendor that issued the key (vendor keys only).
        #[arg(long)]
        vendor: Option<String>,
    },
    /// Replace a key (Keyward's own: a new key is made; a vendor's: give the key made there).
    ///
    /// A key Keyward issued: a new key is made and printed once. A vendor's key: give the key
    /// you made in the vendor's dashboard with --credential-id and its secret on standard
    /// input; without --credential-id the rotation starts and waits for it.
    Rotate {
        /// The key's name, id or credential ID (or 4 or more characters of it).
        name_or_id: String,
        /// The credential ID of the new key the vendor made.
        #[arg(long, conflicts_with = "cancel")]
        credential_id: Option<String>,
        /// The new key's name (default: <service>-<dd_mm_yyyy>-<hh_mm> of now).
        #[arg(long, conflicts_with = "cancel")]
        name: Option<String>,
        /// Stop a vendor rotation that is still waiting for the new key.
        #[arg(long)]
        cancel: bool,
        /// Print one JSON object.
        #[arg(long)]
        json: bool,
    },
    /// Say that a key leaked, and start replacing it with no grace period.
    ///
    /// Recorded in the audit log and shown in the list, the report and the team channel. A
    /// key Keyward issued is replaced at once (the new key printed once); a vendor's key must
    /// be revoked at the vendor now, then replaced with `keyward rotate`.
    Leaked {
        /// The key's name, id or credential ID (or 4 or more characters of it).
        name_or_id: String,
        /// Print one JSON object.
        #[arg(long)]
        json: bool,
    },
    /// Vendor profiles: display name, the dashboard where keys are made and revoked, notes.
    Vendor {
        /// What to do.
        #[command(subcommand)]
        action: vendor::VendorAction,
    },
    /// List keys that are due soon or overdue. Exit status: 0 none, 3 due soon only, 4 some overdue.
    Due {
        /// Print a JSON array.
        #[arg(long)]
        json: bool,
    },
    /// Finish or undo operations left half-done, and report keychain items Keyward has no record of.
    Check {
        /// Print one JSON object.
        #[arg(long)]
        json: bool,
    },
    /// Show the settings in force, the organisation's limits, and any problem reading them.
    Settings {
        /// Print one JSON object.
        #[arg(long)]
        json: bool,
    },
    /// Check files, git history or staged changes for the keys Keyward holds (has one leaked?).
    ///
    /// Each key found is named with its file, line and column (and commit), never its secret,
    /// and recorded in the audit log. Exit status: 0 nothing found, 5 found, 1 error.
    Scan(scan::ScanArgs),
    /// Import keys from a CSV file, a KeePassXC CSV export or a Bitwarden JSON export.
    ///
    /// Shows the keys to be made and every row refused with why, then asks (on a terminal).
    /// Keys whose credential ID Keyward already has are skipped and listed; a run stopped
    /// part-way is continued by running the same command again.
    Import(import::ImportArgs),
    /// For security leads: the rotation report and the team channel.
    #[command(flatten)]
    Lead(lead::LeadCommand),
    /// The team vault (OpenBao or HashiCorp Vault): connect, share this desktop's inventory, team report.
    Team {
        /// What to do.
        #[command(subcommand)]
        action: team::TeamAction,
    },
    /// For security leads: check the audit log's hash chain, or send it to a SIEM.
    Audit {
        /// What to do.
        #[command(subcommand)]
        action: audit::AuditCommand,
    },
    /// Encrypted backups, and keys handed to colleagues.
    #[command(flatten)]
    Move(backup::MoveCommand),
}

/// The options `generate` and `add` share.
#[derive(Debug, clap::Args)]
pub struct KeyArgs {
    /// The service the key is for, e.g. "payments-api".
    #[arg(long)]
    pub service: String,
    /// The application that uses the key.
    #[arg(long)]
    pub application: Option<String>,
    /// The key's name (default: <service>-<dd_mm_yyyy>-<hh_mm> of its creation).
    #[arg(long)]
    pub name: Option<String>,
    /// Notes about the key.
    #[arg(long)]
    pub notes: Option<String>,
    /// Who looks after the key: a person's name or email.
    #[arg(long)]
    pub owner: Option<String>,
    /// Print one JSON object.
    #[arg(long)]
    pub json: bool,
}

/// `yes`/`no` (also `true`/`false`).
fn parse_yes_no(raw: &str) -> Result<bool, String> {
    match raw.trim().to_ascii_lowercase().as_str() {
        "yes" | "y" | "true" => Ok(true),
        "no" | "n" | "false" | "not-yet" => Ok(false),
        _ => Err("say yes or no".into()),
    }
}

/// Exit status for "something failed".
const FAILURE: u8 = 1;

/// Runs one command and returns the process exit status.
pub fn run(command: Command) -> ExitCode {
    let result = open_vault().and_then(|(vault, settings)| {
        let vault = vault.on_recovery(output::recovery_notes);
        report_problems(&settings);
        keys::run(&vault, &settings, command)
    });
    if let Some(error) = output::write_error() {
        keyward_core::note!("keyward: Keyward could not write its output: {error}.");
        return ExitCode::from(FAILURE);
    }
    match result {
        Ok(code) => ExitCode::from(code),
        Err(error) => {
            keyward_core::note!("keyward: {}", output::shown_lines(&error.to_string(), true));
            ExitCode::from(FAILURE)
        }
    }
}

pub use keyward_core::{config_dir, data_dir};

/// The person's settings and the organisation's policy of this computer.
pub fn settings_source() -> Result<SettingsSource, keyward_core::Error> {
    Ok(SettingsSource::new(
        &config_dir()?,
        PolicyFile::from_environment(keyward_core::env::process()),
    ))
}

/// Says on standard error what was wrong with the settings or the policy
/// (Keyward then uses the guide's defaults or the policy's strictest reading).
pub fn report_problems(settings: &Effective) {
    for problem in &settings.problems {
        keyward_core::note!("keyward: warning: {}", output::shown_lines(problem, true));
    }
}

/// The vault over the user's catalog and the OS keychain, with the rotation
/// policy of the settings in force, and those settings.
pub fn open_vault() -> Result<(Vault<OsKeychain>, Effective), keyward_core::Error> {
    let catalog = Catalog::open(data_dir()?)?;
    let keychain = OsKeychain::from_environment(keyward_core::env::process());
    let settings = settings_source()?.load();
    let audit = keyward_core::audit::AuditLog::in_dir(catalog.dir(), chrono::Utc::now);
    let vault = Vault::new(catalog, keychain, settings.settings.policy()).with_audit(audit);
    Ok((vault, settings))
}
