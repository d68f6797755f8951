//! What Keyward knows about a key, apart from its secret.
//!
//! A [`KeyRecord`] is metadata only: it is what the catalog file stores, and
//! it has no field that could hold a secret. [`KeyView`] is the read model
//! shown to people and scripts (`keyward list --json`, the window).

use chrono::{DateTime, SecondsFormat, TimeZone, Utc};
use serde::{Deserialize, Serialize};

use crate::naming::{KeyName, Label, ServiceName};
use crate::reminders::ReminderState;
use crate::rotation::{RotationPolicy, RotationStatus, age_days};

/// Where a key came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Origin {
    /// Made by Keyward.
    Generated,
    /// Made elsewhere and recorded in Keyward.
    Added,
}

/// Where a key is in the create/delete protocol (see `vault`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum KeyState {
    /// Being created: the secret may or may not be in the keychain yet.
    Pending,
    /// Complete: the secret is in the keychain.
    Active,
    /// Being deleted: the secret may or may not still be in the keychain.
    Deleting,
}

/// Moments worth remembering about a key.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct History {
    /// Last time the secret was copied.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub copied_at: Option<DateTime<Utc>>,
    /// Last time the secret was shown.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub revealed_at: Option<DateTime<Utc>>,
    /// When this key was replaced by a newer one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rotated_at: Option<DateTime<Utc>>,
}

/// A key's metadata. The secret lives in the keychain under `id`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct KeyRecord {
    /// Random, stable identifier; also the keychain account name.
    pub id: String,
    /// Unique, human-readable name.
    pub name: KeyName,
    /// The service the key is for.
    pub service: ServiceName,
    /// The application that uses the key.
    #[serde(default)]
    pub application: Option<Label>,
    /// The public half of the credential.
    pub credential_id: String,
    /// When the key was created (UTC).
    pub created_at: DateTime<Utc>,
    /// Generated here or added.
    pub origin: Origin,
    /// Free notes.
    #[serde(default = "empty_notes")]
    pub notes: Label,
    /// Protocol state.
    pub state: KeyState,
    /// Copy/reveal/rotate moments.
    #[serde(default)]
    pub history: History,
    /// What reminders were given, and any snooze.
    #[serde(default)]
    pub reminder: ReminderState,
    /// The id of the key that replaced this one (set by rotation).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub replaced_by: Option<String>,
    /// When a replaced key should be deleted.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub delete_after: Option<DateTime<Utc>>,
}

fn empty_notes() -> Label {
    // An empty string is always a valid label.
    Label::notes("").unwrap_or_else(|_| unreachable!("empty notes are valid"))
}

impl KeyRecord {
    /// The read model of this key at `now`, with dates counted in the
    /// person's time zone `tz` (the instants themselves are RFC 3339 UTC).
    pub fn view<Tz: TimeZone>(
        &self,
        policy: &RotationPolicy,
        now: DateTime<Utc>,
        tz: &Tz,
    ) -> KeyView {
        let rfc3339 = |t: DateTime<Utc>| t.to_rfc3339_opts(SecondsFormat::Secs, true);
        let dates = policy.due_dates(self.created_at, tz);
        KeyView {
            id: self.id.clone(),
            name: self.name.to_string(),
            service: self.service.to_string(),
            application: self.application.as_ref().map(|a| a.to_string()),
            credential_id: self.credential_id.clone(),
            notes: self.notes.to_string(),
            created_at: rfc3339(self.created_at),
            rotate_by: rfc3339(dates.due),
            age_days: age_days(self.created_at, now, tz),
            status: dates.status(now),
            days_until_due: dates.days_until_due(now, tz),
            last_copied_at: self.history.copied_at.map(rfc3339),
            last_revealed_at: self.history.revealed_at.map(rfc3339),
            replaced_by: self.replaced_by.clone(),
            delete_after: self.delete_after.map(rfc3339),
            snoozed_until: self
                .reminder
                .snoozed_until
                .filter(|t| *t > now)
                .map(rfc3339),
        }
    }
}

impl KeyView {
    /// Whether this key matches a search typed by a person: every word of
    /// `query` appears (ignoring case) in the name, service or application.
    pub fn matches_search(&self, query: &str) -> bool {
        let haystack = [
            self.name.as_str(),
            self.service.as_str(),
            self.application.as_deref().unwrap_or(""),
        ]
        .join(" ")
        .to_lowercase();
        query
            .to_lowercase()
            .split_whitespace()
            .all(|word| haystack.contains(word))
    }
}

/// A key as people and scripts see it. Never holds a secret.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
pub struct KeyView {
    /// Stable identifier.
    pub id: String,
    /// Name.
    pub name: String,
    /// Service.
    pub service: String,
    /// Application using the key, if recorded.
    pub application: Option<String>,
    /// Public half of the credential.
    pub credential_id: String,
    /// Notes.
    pub notes: String,
    /// Creation time, RFC 3339 UTC.
    pub created_at: String,
    /// Rotation due time, RFC 3339 UTC.
    pub rotate_by: String,
    /// Whole days since creation.
    pub age_days: i64,
    /// `ok`, `due_soon` or `overdue`.
    pub status: RotationStatus,
    /// Whole days until due; negative when overdue.
    pub days_until_due: i64,
    /// Last copy of the secret, RFC 3339 UTC.
    pub last_copied_at: Option<String>,
    /// Last reveal of the secret, RFC 3339 UTC.
    pub last_revealed_at: Option<String>,
    /// Id of the key that replaced this one, once rotated.
    pub replaced_by: Option<String>,
    /// When a replaced key should be deleted, RFC 3339 UTC.
    pub delete_after: Option<String>,
    /// Reminders for this key are paused until then, RFC 3339 UTC.
    pub snoozed_until: Option<String>,
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::naming::{KeyName, Label, ServiceName};
    use chrono::TimeZone;

    #[test]
    fn search_matches_every_word_in_name_service_or_application() {
        let record = KeyRecord {
            id: "id".into(),
            name: KeyName::parse("payments-api-26_08_2026-09_48").unwrap(),
            service: ServiceName::parse("payments-api").unwrap(),
            application: Label::application("Billing Web").unwrap(),
            credential_id: "cid".into(),
            created_at: Utc.with_ymd_and_hms(2026, 8, 26, 9, 48, 0).unwrap(),
            origin: Origin::Generated,
            notes: Label::notes("").unwrap(),
            state: KeyState::Active,
            history: History::default(),
            reminder: ReminderState::default(),
            replaced_by: None,
            delete_after: None,
        };
        let view = record.view(&RotationPolicy::default(), record.created_at, &Utc);
        assert!(view.matches_search("PAYMENTS billing"));
        assert!(view.matches_search(""));
        assert!(!view.matches_search("payments stripe"));
    }
}
