//! The person's settings, kept in `settings.json` in the config folder
//! (`$XDG_CONFIG_HOME/app.keyward.desktop` on Linux), and the settings in
//! force once the organisation's policy ([`crate::policy`]) is applied.
//!
//! Promises: values are validated on load and save (out-of-range values are
//! refused with a plain sentence, never clamped silently); the file is
//! written atomically; a missing file means the defaults; a damaged or
//! out-of-range file is reported and left as it is, and the guide's
//! defaults apply until the person saves new settings (never anything
//! looser). Every part of Keyward that needs the settings gets them from
//! [`SettingsSource::load`], which returns the settings in force together
//! with what went wrong, so nobody can read a damaged file silently. Saving
//! refuses any value looser than the organisation allows, and each changed
//! value is an audit entry (old → new). No secret is ever stored here (the
//! team channel's address lives in the keychain).

use std::path::{Path, PathBuf};

use chrono::Duration;
use serde::{Deserialize, Serialize};

use crate::audit::{AuditAction, AuditLog};

use crate::policy::{OrgPolicy, PolicyFile};
use crate::private_files::{FileError, private_dir, write_atomically};
use crate::reminders::ReminderPolicy;
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
    /// A desktop notification, at most daily, when keys changed since the
    /// last backup (Settings → Backup; off by default).
    pub backup_reminder: bool,
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
            backup_reminder: false,
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
        "Keyward's settings file at {path} is damaged ({detail}). It has been left as it was. Until you save your settings again, Keyward uses the guide's defaults: keys rotated every 3 months, reminders from 14 days before, repeated every 7 days."
    )]
    Unreadable {
        /// The file.
        path: PathBuf,
        /// What the parser said.
        detail: String,
    },
    /// A value is looser than the organisation's policy allows; the
    /// sentence names the organisation's limit.
    #[error("{0}")]
    NotAllowed(String),
    /// Reading or writing failed.
    #[error(transparent)]
    Io(#[from] FileError),
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

    /// The reminder rules these settings describe.
    pub fn reminder_policy(&self) -> ReminderPolicy {
        ReminderPolicy {
            rotation: self.policy(),
            repeat: self.repeat(),
        }
    }

    /// `(field, old, new)` for every value that differs from `old`.
    pub fn changes_from(&self, old: &Settings) -> Vec<(String, String, String)> {
        let (Ok(serde_json::Value::Object(new)), Ok(serde_json::Value::Object(old))) =
            (serde_json::to_value(self), serde_json::to_value(old))
        else {
            return Vec::new();
        };
        new.iter()
            .filter_map(|(field, value)| {
                let before = old.get(field).cloned().unwrap_or(serde_json::Value::Null);
                (before != *value).then(|| (field.clone(), plain(&before), plain(value)))
            })
            .collect()
    }
}

fn plain(value: &serde_json::Value) -> String {
    match value {
        serde_json::Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

/// Where the rotation period in force comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
#[serde(rename_all = "snake_case")]
pub enum PeriodSource {
    /// The person's own setting.
    Person,
    /// The organisation's policy (its limit is shorter than, or equal to, the person's choice).
    Organisation,
    /// The guide's default: nothing was saved.
    Defaults,
    /// The guide's default, because the settings file is damaged or out of range.
    DefaultsAfterDamage,
}

impl PeriodSource {
    /// The wire name, as in `due --json` and the report.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Person => "person",
            Self::Organisation => "organisation",
            Self::Defaults => "defaults",
            Self::DefaultsAfterDamage => "defaults_after_damage",
        }
    }

    /// In words, after "3 months": "(your setting)".
    pub fn words(self) -> &'static str {
        match self {
            Self::Person => "your setting",
            Self::Organisation => "your organisation's policy",
            Self::Defaults => "the guide's default",
            Self::DefaultsAfterDamage => {
                "the guide's default, because your settings file is damaged"
            }
        }
    }
}

/// The settings in force, and what went wrong getting them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Effective {
    /// The settings in force: the person's (or the defaults) with the organisation's limits applied.
    pub settings: Settings,
    /// What the person saved, when the file exists and is sound.
    pub saved: Option<Settings>,
    /// The organisation's limits in force (the strictest reading when its file is broken).
    pub policy: OrgPolicy,
    /// Whether the settings file is damaged or out of range (the defaults apply instead).
    pub settings_damaged: bool,
    /// What went wrong, one plain sentence each (damaged settings, broken policy).
    pub problems: Vec<String>,
}

impl Effective {
    /// Where the rotation period in force comes from.
    pub fn period_source(&self) -> PeriodSource {
        let chosen = self.saved.as_ref().map_or(3, |s| s.rotation_months);
        if self.policy.rotation_months.is_some_and(|cap| cap <= chosen) {
            PeriodSource::Organisation
        } else if self.settings_damaged {
            PeriodSource::DefaultsAfterDamage
        } else if self.saved.is_none() {
            PeriodSource::Defaults
        } else {
            PeriodSource::Person
        }
    }

    /// "3 months (your organisation's policy)".
    pub fn period_words(&self) -> String {
        let months = self.settings.rotation_months;
        format!(
            "{months} {} ({})",
            if months == 1 { "month" } else { "months" },
            self.period_source().words()
        )
    }
}

/// The person's settings file together with the organisation's policy file:
/// the one way to read the settings in force.
#[derive(Debug, Clone)]
pub struct SettingsSource {
    file: SettingsFile,
    policy: PolicyFile,
}

impl SettingsSource {
    /// Settings in the config folder `dir`, limited by `policy`.
    pub fn new(dir: &Path, policy: PolicyFile) -> Self {
        Self {
            file: SettingsFile::new(dir),
            policy,
        }
    }

    /// The person's settings file.
    pub fn file(&self) -> &SettingsFile {
        &self.file
    }

    /// The organisation's policy file.
    pub fn policy_file(&self) -> &PolicyFile {
        &self.policy
    }

    /// The settings in force and what went wrong. Never fails: a damaged or
    /// unreadable settings file gives the guide's defaults, a broken policy
    /// its strictest reading, each with a sentence in `problems`. Neither
    /// file is changed.
    pub fn load(&self) -> Effective {
        let mut problems = Vec::new();
        let (saved, damaged) = match self.file.load_saved() {
            Ok(saved) => (saved, false),
            Err(error) => {
                problems.push(error.to_string());
                (None, true)
            }
        };
        let read = self.policy.read();
        problems.extend(read.problem);
        let base = saved.clone().unwrap_or_default();
        Effective {
            settings: read.policy.apply(&base),
            saved,
            policy: read.policy,
            settings_damaged: damaged,
            problems,
        }
    }

    /// Validates `settings` against the allowed ranges and the
    /// organisation's policy, saves them, and records each changed value in
    /// `audit`. Returns the settings now in force.
    pub fn save(
        &self,
        settings: &Settings,
        audit: Option<&AuditLog>,
    ) -> Result<Effective, SettingsError> {
        settings.validate()?;
        let before = self.load();
        if let Some(breach) = before.policy.breaches(settings).into_iter().next() {
            return Err(SettingsError::NotAllowed(breach.message));
        }
        self.file.save(settings)?;
        let old = before.saved.clone().unwrap_or_default();
        if let Some(audit) = audit {
            for (field, from, to) in settings.changes_from(&old) {
                audit.note(
                    AuditAction::SettingsChanged,
                    None,
                    Some(&format!("{field}: {from} → {to}")),
                );
            }
        }
        Ok(self.load())
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

    /// The saved settings; the defaults when there is no file. (Only for
    /// changing the file: to know the settings in force, use [`SettingsSource::load`].)
    pub fn load(&self) -> Result<Settings, SettingsError> {
        Ok(self.load_saved()?.unwrap_or_default())
    }

    /// The saved settings; `None` when there is no file.
    fn load_saved(&self) -> Result<Option<Settings>, SettingsError> {
        let bytes = match std::fs::read(&self.path) {
            Ok(bytes) => bytes,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
            // Said like damage, so the sentence tells that the guide's
            // defaults apply (not advice about a full disk).
            Err(source) => {
                return Err(SettingsError::Unreadable {
                    path: self.path.clone(),
                    detail: format!("it could not be read: {source}"),
                });
            }
        };
        let damaged = |detail: String| SettingsError::Unreadable {
            path: self.path.clone(),
            detail,
        };
        // An object, field by field: serde would also take an array for a struct.
        let value: serde_json::Value =
            serde_json::from_slice(&bytes).map_err(|e| damaged(e.to_string()))?;
        if !value.is_object() {
            return Err(damaged("it is not a JSON object of settings".to_owned()));
        }
        let settings: Settings =
            serde_json::from_value(value).map_err(|e| damaged(e.to_string()))?;
        settings.validate().map_err(|e| SettingsError::Unreadable {
            path: self.path.clone(),
            detail: e.to_string(),
        })?;
        Ok(Some(settings))
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
        assert_eq!(std::fs::read(file.path()).unwrap(), b"{not json");
    }

    fn source(dir: &Path) -> SettingsSource {
        SettingsSource::new(dir, PolicyFile::new(dir.join("policy.json")))
    }

    #[test]
    fn damaged_or_out_of_range_settings_fall_back_to_the_guide_loudly_and_stay_as_they_were() {
        let dir = tempfile::tempdir().unwrap();
        let source = source(dir.path());
        let loose = Settings {
            rotation_months: 12,
            lead_time_days: 2,
            repeat_days: 30,
            ..Settings::default()
        };
        source.save(&loose, None).unwrap();
        let saved = std::fs::read(source.file().path()).unwrap();
        let truncated = &saved[..saved.len() / 2];
        for damage in [
            truncated.to_vec(),
            b"{\"rotation_months\": 0}".to_vec(),
            b"{\"rotation_months\": 12, \"repeat_days\": 0}".to_vec(),
            b"{\"lead_time_days\": -5}".to_vec(),
            b"[]".to_vec(),
        ] {
            std::fs::write(source.file().path(), &damage).unwrap();
            let effective = source.load();
            let shown = String::from_utf8_lossy(&damage);
            assert_eq!(
                effective.settings.reminder_policy(),
                ReminderPolicy::default(),
                "the guide's 3 months, 14 days, 7 days for {shown}"
            );
            assert!(effective.settings.notifications, "{shown}");
            assert!(effective.settings_damaged);
            assert_eq!(effective.period_source(), PeriodSource::DefaultsAfterDamage);
            assert_eq!(effective.problems.len(), 1, "reported: {shown}");
            assert!(
                effective.problems[0].contains("damaged")
                    && effective.problems[0].contains("settings.json"),
                "in plain words, naming the file: {}",
                effective.problems[0]
            );
            assert_eq!(
                std::fs::read(source.file().path()).unwrap(),
                damage,
                "left as it was"
            );
        }
    }

    #[test]
    fn a_settings_file_that_cannot_be_read_says_the_guides_defaults_apply() {
        let dir = tempfile::tempdir().unwrap();
        let source = source(dir.path());
        // Not a file Keyward can read (a folder in its place).
        std::fs::create_dir(source.file().path()).unwrap();
        let effective = source.load();
        assert_eq!(
            effective.settings.reminder_policy(),
            ReminderPolicy::default()
        );
        assert_eq!(effective.period_source(), PeriodSource::DefaultsAfterDamage);
        let problem = &effective.problems[0];
        assert!(
            problem.contains("settings.json")
                && problem.contains("guide's defaults")
                && !problem.contains("disk is not full"),
            "says what Keyward does now, not advice about writing: {problem}"
        );
    }

    #[test]
    fn the_settings_in_force_are_the_stricter_of_person_and_organisation() {
        let dir = tempfile::tempdir().unwrap();
        let source = source(dir.path());
        assert_eq!(source.load().period_source(), PeriodSource::Defaults);
        source
            .save(
                &Settings {
                    rotation_months: 6,
                    ..Settings::default()
                },
                None,
            )
            .unwrap();
        let effective = source.load();
        assert_eq!(effective.settings.rotation_months, 6);
        assert_eq!(effective.period_source(), PeriodSource::Person);
        assert!(effective.problems.is_empty());

        std::fs::write(dir.path().join("policy.json"), r#"{"rotation_months": 3}"#).unwrap();
        let effective = source.load();
        assert_eq!(
            effective.settings.rotation_months, 3,
            "the organisation's cap wins"
        );
        assert_eq!(effective.period_source(), PeriodSource::Organisation);
        assert_eq!(
            effective.period_words(),
            "3 months (your organisation's policy)"
        );
        assert_eq!(
            effective.saved.unwrap().rotation_months,
            6,
            "the file is not rewritten"
        );

        source
            .save(
                &Settings {
                    rotation_months: 2,
                    ..Settings::default()
                },
                None,
            )
            .unwrap();
        assert_eq!(
            source.load().period_source(),
            PeriodSource::Person,
            "stricter: the person's"
        );
    }

    #[test]
    fn saving_a_looser_value_is_refused_naming_the_limit_and_writes_nothing() {
        let dir = tempfile::tempdir().unwrap();
        let source = source(dir.path());
        std::fs::write(
            dir.path().join("policy.json"),
            r#"{"rotation_months": 3, "notifications_required": true}"#,
        )
        .unwrap();
        let err = source
            .save(
                &Settings {
                    rotation_months: 6,
                    ..Settings::default()
                },
                None,
            )
            .unwrap_err();
        assert!(matches!(err, SettingsError::NotAllowed(_)));
        assert!(err.to_string().contains("at least every 3 months"), "{err}");
        let err = source
            .save(
                &Settings {
                    notifications: false,
                    ..Settings::default()
                },
                None,
            )
            .unwrap_err();
        assert!(err.to_string().contains("notifications"), "{err}");
        assert!(!source.file().path().exists(), "nothing written");
    }

    #[test]
    fn a_broken_policy_applies_its_strictest_reading_and_is_reported() {
        let dir = tempfile::tempdir().unwrap();
        let source = source(dir.path());
        source
            .save(
                &Settings {
                    rotation_months: 12,
                    notifications: false,
                    ..Settings::default()
                },
                None,
            )
            .unwrap();
        std::fs::write(dir.path().join("policy.json"), "{\"rotation_months\": 6,").unwrap();
        let effective = source.load();
        assert_eq!(effective.problems.len(), 1);
        assert!(
            effective.problems[0].contains("policy"),
            "{:?}",
            effective.problems
        );
        assert_eq!(effective.settings.rotation_months, 3);
        assert!(effective.settings.notifications);
        assert_eq!(effective.period_source(), PeriodSource::Organisation);
    }

    #[test]
    fn every_changed_value_is_audited_old_to_new() {
        let dir = tempfile::tempdir().unwrap();
        let source = source(dir.path());
        let audit = AuditLog::in_dir(dir.path(), chrono::Utc::now);
        source
            .save(
                &Settings {
                    rotation_months: 2,
                    clipboard_clear_seconds: 20,
                    ..Settings::default()
                },
                Some(&audit),
            )
            .unwrap();
        source
            .save(
                &Settings {
                    rotation_months: 2,
                    clipboard_clear_seconds: 20,
                    ..Settings::default()
                },
                Some(&audit),
            )
            .unwrap();
        let details: Vec<_> = audit
            .read()
            .unwrap()
            .entries
            .into_iter()
            .map(|e| {
                assert_eq!(e.action, AuditAction::SettingsChanged);
                e.detail.unwrap()
            })
            .collect();
        assert_eq!(
            details,
            ["clipboard_clear_seconds: 30 → 20", "rotation_months: 3 → 2"],
            "one entry per changed field; saving the same values again adds none"
        );
    }
}
