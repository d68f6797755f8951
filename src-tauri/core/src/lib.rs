//! Keyward's domain, with no desktop or Tauri dependency, shared by the
//! window and the `keyward` command line.
//!
//! - [`naming`]: validated names and the `<service>-<dd_mm_yyyy>-<hh_mm>` convention;
//! - [`generate`]: credential IDs and secrets from the OS random source;
//! - [`rotation`]: due dates and status, with `now` passed in;
//! - [`record`]: key metadata and the read model;
//! - [`attention`]: whether a key needs rotating or deleting now, and how that is said;
//! - [`catalog`]: the metadata file (atomic writes, cross-process lock);
//! - [`private_files`]: private folders, atomic writes, files never written through links;
//! - [`keychain`]: the OS keychain, time-bounded, with plain errors;
//! - [`journal`]: the note of each key being created or deleted, beside the catalog;
//! - [`vault`]: the create/delete protocol over catalog and keychain, and recovery;
//! - [`audit`] and [`audit_chain`]: the append-only audit log, each line chained to the one before;
//! - [`siem`]: the audit stream's target, place and RFC 5424 / CEF messages (no network);
//! - [`fingerprint`] and [`scan`]: keyed fingerprints of stored secrets, and the leak scan of folders and git history;
//! - [`settings`] and [`policy`]: the person's settings and the organisation's limits;
//! - [`report`]: the rotation report (CSV and JSON);
//! - [`vendor`]: who issued a vendor's key, and vendor profiles;
//! - [`team_channel`]: the team channel's address and message payloads (no network);
//! - [`team`] and [`team_report`]: the team vault's settings, the inventory document a desktop
//!   publishes, and the lead's view of every desktop's document (no network);
//! - [`backup`]: encrypted backups and shared keys (age), and their passphrases;
//! - [`import`]: keys read from a spreadsheet, KeePassXC or Bitwarden export, previewed before anything is written;
//! - [`env`]: the environment variables Keyward heeds, read once per process;
//! - [`local_time`], [`reminders`] and [`secret`]: the person's calendar, reminder stages, and the redacting secret type;
//! - [`rfc3339`]: instants in JSON as RFC 3339 UTC text to the second, for typed read models;
//! - `memory_store` (feature `test-support`): an in-memory keychain for tests without a desktop session.

/// Writes a line to standard error like `eprintln!`, but never panics: a
/// closed standard error (`keyward due 2>&1 | true`) loses the line quietly
/// instead of ending Keyward with a panic and the wrong exit status.
#[macro_export]
macro_rules! note {
    () => {
        $crate::note!("")
    };
    ($($arg:tt)*) => {{
        use ::std::io::Write as _;
        let _ = ::std::writeln!(::std::io::stderr(), $($arg)*);
    }};
}

pub mod attention;
pub mod audit;
pub mod audit_chain;
pub mod backup;
pub mod catalog;
pub mod env;
pub mod error;
pub mod fingerprint;
pub mod generate;
pub mod import;
pub mod journal;
pub mod keychain;
pub mod local_time;
pub mod naming;
pub mod policy;
pub mod private_files;
pub mod record;
pub mod reminders;
pub mod report;
pub mod rfc3339;
pub mod rotation;
pub mod scan;
pub mod secret;
pub mod settings;
pub mod siem;
pub mod team;
pub mod team_channel;
pub mod team_report;
pub mod team_view;
pub mod vault;
pub mod vendor;

mod faults;
#[cfg(any(test, feature = "test-support"))]
pub mod memory_store;

pub use error::{Code, Error, Result};
pub use secret::Secret;

/// The app identifier: keychain service name and data folder name.
pub const APP_ID: &str = keychain::SERVICE;

/// The platform config folder for Keyward (`$XDG_CONFIG_HOME/app.keyward.desktop` on Linux).
pub fn default_config_dir() -> Option<std::path::PathBuf> {
    dirs::config_dir().map(|d| d.join(APP_ID))
}

/// The platform data folder for Keyward (`$XDG_DATA_HOME/app.keyward.desktop` on Linux).
pub fn default_data_dir() -> Option<std::path::PathBuf> {
    dirs::data_dir().map(|d| d.join(APP_ID))
}

/// The data folder every Keyward process uses: `KEYWARD_DATA_DIR` if set,
/// else the platform's (see [`env`]).
pub fn data_dir() -> Result<std::path::PathBuf, Error> {
    env::process().data_dir()
}

/// The config folder every Keyward process uses: `KEYWARD_CONFIG_DIR` if
/// set, else the platform's (see [`env`]).
pub fn config_dir() -> Result<std::path::PathBuf, Error> {
    env::process().config_dir()
}
