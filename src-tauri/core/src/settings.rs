//! The person's settings, kept in `settings.json` in the config folder
//! (`$XDG_CONFIG_HOME/app.keyward.desktop` on Linux).
//!
//! Promises: values are validated on load and save (out-of-range values are
//! refused with a plain sentence, never clamped silently); the file is
//! written atomically; a missing file means the defaults; a damaged file is
//! reported and left as it is. No secret is ever stored here (the team
//! channel's address lives in the keychain).

use std::path::{Path, PathBuf};

use chrono::Duration;
use serde::{Deserialize, Serialize};

use crate::catalog::CatalogError;
use crate::private_files::{private_dir, write_atomically};
use crate::rotation::RotationPolicy;

const FILE: &str = "settings.json";

/// Payload format for team-channel reminders.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, ts_rs::TS)]
#[serde(rename_all = "snake_case")]
pub enum WebhookFormat {
    /// Slack-compatible `{"text": ...}` (Mattermost and Rocket.Chat accept it too).
    #[default]
    Slack,
    /// Microsoft Teams-compatible message card.
    Teams,
    /// Plain JSON with the report's fields.
    Json,
}

/// Everything a person can set.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
#[serde(default)]
pub struct Settings {
    /// Calendar months a key may live (the guide says at most 3).
    pub rotation_months: u32,
    /// Days before the due date when reminders start.
    pub lead_time_days: u32,
    /// Days between repeated reminders while a key is overdue.
    pub repeat_days: u32,
    /// Days a replaced key is kept before Keyward reminds you to delete it.
    pub grace_days: u32,
    /// Desktop notifications on or off.
    pub notifications: bool,
    /// Start Keyward (in the background) when you log in.
    pub start_at_login: bool,
    /// Seconds before a copied secret is cleared from the clipboard.
    pub clipboard_clear_seconds: u32,
    /// Team-channel payload format.
    pub webhook_format: WebhookFormat,
    /// Whether team-channel digests may include credential IDs.
    pub webhook_include_credential_ids: bool,
}

impl Default for Settings {
    fn default() -> Self {
        Self {
            rotation_months: 3,
            lead_time_days: 14,
            repeat_days: 7,
            grace_days: 7,
            notifications: true,
            start_at_login: false,
            clipboard_clear_seconds: 30,
            webhook_format: WebhookFormat::Slack,
            webhook_include_credential_ids: false,
        }
    }
}

/// A setting out of range, or the file could not be used.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum SettingsError {
    /// A value is out of range; the sentence says which and what is allowed.
    #[error("{0}")]
    OutOfRange(String),
    /// The file is damaged; it was left as it was.
    #[error(
        "Keyward's settings file at {path} is damaged ({detail}). It has been left as it was; Keyward uses the default settings until you save new ones."
    )]
    Unreadable {
        /// The file.
        path: PathBuf,
        /// What the parser said.
        detail: String,
    },
    /// Reading or writing failed.
    #[error(transparent)]
    Io(#[from] CatalogError),
}

impl Settings {
    /// Checks every value; the error names the first one out of range.
    pub fn validate(&self) -> Result<(), SettingsError> {
        let check = |ok: bool, message: &str| {
            if ok {
                Ok(())
            } else {
                Err(SettingsError::OutOfRange(message.to_owned()))
            }
        };
        check(
            (1..=24).contains(&self.rotation_months),
            "The rotation period must be between 1 and 24 months.",
        )?;
        check(
            (1..=60).contains(&self.lead_time_days),
            "Reminders can start between 1 and 60 days before a key is due.",
        )?;
        check(
            (1..=60).contains(&self.repeat_days),
            "Overdue reminders can repeat every 1 to 60 days.",
        )?;
        check(
            (1..=90).contains(&self.grace_days),
            "A replaced key can be kept for 1 to 90 days.",
        )?;
        check(
            (5..=600).contains(&self.clipboard_clear_seconds),
            "The clipboard can be cleared after 5 to 600 seconds.",
        )
    }

    /// Whether the rotation period is longer than the guide's three months.
    pub fn period_exceeds_guidance(&self) -> bool {
        self.rotation_months > 3
    }

    /// The rotation policy these settings describe.
    pub fn policy(&self) -> RotationPolicy {
        RotationPolicy {
            period_months: self.rotation_months,
            lead_time: Duration::days(i64::from(self.lead_time_days)),
        }
    }

    /// The repeat interval for overdue reminders.
    pub fn repeat(&self) -> Duration {
        Duration::days(i64::from(self.repeat_days))
    }

    /// The grace period for replaced keys.
    pub fn grace(&self) -> Duration {
        Duration::days(i64::from(self.grace_days))
    }
}

/// The settings file in one config folder.
#[derive(Debug, Clone)]
pub struct SettingsFile {
    path: PathBuf,
}

impl SettingsFile {
    /// The settings file in `dir`.
    pub fn new(dir: &Path) -> Self {
        Self {
            path: dir.join(FILE),
        }
    }

    /// The file's path.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// The saved settings; the defaults when there is no file.
    pub fn load(&self) -> Result<Settings, SettingsError> {
        let bytes = match std::fs::read(&self.path) {
            Ok(bytes) => bytes,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Settings::default()),
            Err(source) => {
                return Err(CatalogError::Io {
                    action: "read",
                    path: self.path.clone(),
                    source,
                }
                .into());
            }
        };
        let settings: Settings =
            serde_json::from_slice(&bytes).map_err(|e| SettingsError::Unreadable {
                path: self.path.clone(),
                detail: e.to_string(),
            })?;
        settings.validate().map_err(|e| SettingsError::Unreadable {
            path: self.path.clone(),
            detail: e.to_string(),
        })?;
        Ok(settings)
    }

    /// The saved settings, or the defaults when the file cannot be used.
    pub fn load_or_default(&self) -> Settings {
        self.load().unwrap_or_default()
    }

    /// Validates and saves.
    pub fn save(&self, settings: &Settings) -> Result<(), SettingsError> {
        settings.validate()?;
        if let Some(dir) = self.path.parent() {
            private_dir(dir)?;
        }
        let mut bytes = serde_json::to_vec_pretty(settings).unwrap_or_default();
        bytes.push(b'\n');
        write_atomically(&self.path, &bytes)?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_follow_the_guide() {
        let settings = Settings::default();
        assert!(settings.validate().is_ok());
        assert_eq!(settings.policy(), RotationPolicy::default());
        assert!(!settings.period_exceeds_guidance());
        assert!(
            !settings.start_at_login,
            "start at login is off until the person turns it on"
        );
    }

    #[test]
    fn saving_and_loading_round_trips_and_missing_means_defaults() {
        let dir = tempfile::tempdir().unwrap();
        let file = SettingsFile::new(&dir.path().join("config"));
        assert_eq!(file.load().unwrap(), Settings::default());
        let changed = Settings {
            rotation_months: 6,
            webhook_format: WebhookFormat::Teams,
            ..Settings::default()
        };
        file.save(&changed).unwrap();
        assert_eq!(file.load().unwrap(), changed);
        assert!(changed.period_exceeds_guidance());
    }

    #[test]
    fn out_of_range_values_are_refused_in_words() {
        let bad = Settings {
            clipboard_clear_seconds: 1,
            ..Settings::default()
        };
        let err = bad.validate().unwrap_err();
        assert!(err.to_string().contains("5 to 600 seconds"), "{err}");
        let dir = tempfile::tempdir().unwrap();
        let file = SettingsFile::new(dir.path());
        assert!(file.save(&bad).is_err());
        assert!(!file.path().exists(), "nothing written");
    }

    #[test]
    fn a_damaged_file_is_reported_and_left_alone() {
        let dir = tempfile::tempdir().unwrap();
        let file = SettingsFile::new(dir.path());
        std::fs::write(file.path(), b"{not json").unwrap();
        assert!(matches!(file.load(), Err(SettingsError::Unreadable { .. })));
        assert_eq!(file.load_or_default(), Settings::default());
        assert_eq!(std::fs::read(file.path()).unwrap(), b"{not json");
    }
}
