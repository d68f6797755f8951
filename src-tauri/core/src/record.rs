//! What Keyward knows about a key, apart from its secret.
//!
//! A [`KeyRecord`] is metadata only: it is what the catalog file stores, and
//! it has no field that could hold a secret. [`KeyView`] is the read model
//! shown to people and scripts (`keyward list --json`, the window).

use chrono::{DateTime, TimeZone, Utc};
use serde::{Deserialize, Serialize};

use std::collections::{BTreeMap, HashMap};

use crate::naming::{KeyName, Label, ServiceName};
use crate::reminders::ReminderState;
use crate::rotation::{RotationPolicy, RotationStatus, age_days};
use crate::vendor::{VendorName, VendorProfile};

/// Where a key came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Origin {
    /// Made by Keyward.
    Generated,
    /// Made elsewhere and recorded in Keyward.
    Added,
}

/// Who issued a key: Keyward itself (for a service the organisation runs),
/// or a vendor, whose dashboard made it. Keyward can neither make nor revoke
/// a vendor's key at the vendor.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
#[serde(rename_all = "snake_case")]
pub enum Issuer {
    /// Keyward generated the credential.
    Keyward,
    /// A vendor issued it; Keyward keeps a copy.
    Vendor,
}

impl From<Origin> for Issuer {
    /// Catalogs from before issuers existed: generated keys are Keyward's,
    /// added keys a vendor's.
    fn from(origin: Origin) -> Self {
        match origin {
            Origin::Generated => Self::Keyward,
            Origin::Added => Self::Vendor,
        }
    }
}

/// How far a rotation has come, kept on the OLD key so that a restart shows
/// it ("rotation in progress") instead of a half-made key.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
#[serde(rename_all = "snake_case")]
pub enum RotationStep {
    /// A vendor rotation was started: the new key has not been pasted yet.
    WaitingForNewKey,
    /// The new key is saved; this old key is replaced and waits to be
    /// deleted at the vendor and in Keyward.
    WaitingForOldKeyRemoval,
}

impl Issuer {
    /// The name used in JSON and CSV.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Keyward => "keyward",
            Self::Vendor => "vendor",
        }
    }
}

impl RotationStep {
    /// The name used in JSON and CSV.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::WaitingForNewKey => "waiting_for_new_key",
            Self::WaitingForOldKeyRemoval => "waiting_for_old_key_removal",
        }
    }
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

/// Where a key handed over by a colleague came from, kept on its record
/// when it is received (`keyward receive`, "Add from a shared file"). The
/// texts come from the shared file, so they were checked as outside text
/// (bounded, one line, nothing invisible) before they were kept.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Received {
    /// When it was received here.
    pub at: DateTime<Utc>,
    /// The sender's account name, as the shared file says.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub from_user: Option<Label>,
    /// The sender's computer, as the shared file says.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub from_computer: Option<Label>,
    /// Who the sender said it was for (free text).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub shared_for: Option<Label>,
}

impl Received {
    /// The longest sender or recipient text kept.
    pub const TEXT_MAX: usize = 200;

    /// Where a key came from, read from a shared file's outside text:
    /// anything too long, multi-line or with invisible characters is left out.
    pub fn from_file(
        at: DateTime<Utc>,
        from_user: Option<&str>,
        from_computer: Option<&str>,
        shared_for: Option<&str>,
    ) -> Self {
        let clean = |what: &'static str, raw: Option<&str>| {
            raw.and_then(|r| Label::parse(what, r, Self::TEXT_MAX, false).ok())
                .filter(|l| !l.as_str().is_empty())
        };
        Self {
            at,
            from_user: clean("Sender", from_user),
            from_computer: clean("Sender's computer", from_computer),
            shared_for: clean("Recipient", shared_for),
        }
    }

    /// "sam on laptop-7", "sam", "someone on laptop-7" or "someone".
    pub fn from_words(&self) -> String {
        match (&self.from_user, &self.from_computer) {
            (Some(user), Some(computer)) => format!("{user} on {computer}"),
            (Some(user), None) => user.to_string(),
            (None, Some(computer)) => format!("someone on {computer}"),
            (None, None) => "someone".into(),
        }
    }
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
    /// Who issued the key; missing in catalogs from before issuers existed,
    /// where [`KeyRecord::issuer`] takes it from `origin`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub issuer: Option<Issuer>,
    /// The vendor's profile name, for a vendor's key.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub vendor: Option<VendorName>,
    /// Who looks after the key: a person's name or email.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub owner: Option<Label>,
    /// When someone said the key leaked.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub leaked_at: Option<DateTime<Utc>>,
    /// How far a rotation of this (old) key has come.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rotation: Option<RotationStep>,
    /// The id of the key this one replaced (set when it is created by a
    /// rotation, so an interrupted rotation can be finished).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub replaces: Option<String>,
    /// Where the key came from when a colleague handed it over; missing
    /// for every other key and in catalogs from before it was kept.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub received: Option<Received>,
}

/// What a key's view needs from outside its record: vendor profiles and
/// the names of the keys that replaced others.
#[derive(Debug, Default)]
pub struct ViewContext {
    /// Vendor profiles by name.
    pub vendors: BTreeMap<VendorName, VendorProfile>,
    /// Key names by id (at least those of replacing keys).
    pub names: HashMap<String, String>,
}

fn empty_notes() -> Label {
    // An empty string is always a valid label.
    Label::notes("").unwrap_or_else(|_| unreachable!("empty notes are valid"))
}

impl KeyRecord {
    /// Who issued the key (from `origin` in catalogs from before issuers).
    pub fn issuer(&self) -> Issuer {
        self.issuer.unwrap_or(self.origin.into())
    }

    /// The read model of this key at `now`, with dates counted in the
    /// person's time zone `tz` (the instants themselves are RFC 3339 UTC),
    /// without vendor profiles or the replacing key's name (see [`KeyRecord::view_in`]).
    pub fn view<Tz: TimeZone>(
        &self,
        policy: &RotationPolicy,
        now: DateTime<Utc>,
        tz: &Tz,
    ) -> KeyView {
        self.view_in(policy, now, tz, &ViewContext::default())
    }

    /// [`KeyRecord::view`] with the vendor's profile and the replacing
    /// key's name taken from `context`.
    pub fn view_in<Tz: TimeZone>(
        &self,
        policy: &RotationPolicy,
        now: DateTime<Utc>,
        tz: &Tz,
        context: &ViewContext,
    ) -> KeyView {
        let profile = self.vendor.as_ref().and_then(|v| context.vendors.get(v));
        // The view holds what its JSON says: instants to the second.
        let second = crate::rfc3339::to_the_second;
        let dates = policy.due_dates(self.created_at, tz);
        KeyView {
            id: self.id.clone(),
            name: self.name.to_string(),
            service: self.service.to_string(),
            application: self
                .application
                .as_ref()
                .map(std::string::ToString::to_string),
            credential_id: self.credential_id.clone(),
            notes: self.notes.to_string(),
            created_at: second(self.created_at),
            rotate_by: second(dates.due),
            age_days: age_days(self.created_at, now, tz),
            status: dates.status(now),
            attention: crate::attention::Attention::of(self, dates.status(now), now),
            days_until_due: dates.days_until_due(now, tz),
            last_copied_at: self.history.copied_at.map(second),
            last_revealed_at: self.history.revealed_at.map(second),
            replaced_by: self.replaced_by.clone(),
            delete_after: self.delete_after.map(second),
            snoozed_until: self.reminder.snoozed_until.filter(|t| *t > now).map(second),
            issuer: self.issuer(),
            vendor: self.vendor.as_ref().map(std::string::ToString::to_string),
            vendor_display_name: match (profile, &self.vendor) {
                (Some(profile), _) => Some(profile.display_name.to_string()),
                (None, vendor) => vendor.as_ref().map(std::string::ToString::to_string),
            },
            vendor_dashboard_url: profile
                .and_then(|p| p.dashboard_url.as_ref())
                .map(|u| u.as_str().to_owned()),
            owner: self.owner.as_ref().map(std::string::ToString::to_string),
            leaked: self.leaked_at.is_some(),
            leaked_at: self.leaked_at.map(second),
            rotation: self.rotation,
            replaced_by_name: self
                .replaced_by
                .as_ref()
                .and_then(|id| context.names.get(id).cloned()),
            received_from: self.received.as_ref().map(Received::from_words),
            received_for: self
                .received
                .as_ref()
                .and_then(|r| r.shared_for.as_ref())
                .map(std::string::ToString::to_string),
            received_at: self.received.as_ref().map(|r| second(r.at)),
        }
    }
}

/// Shortest part of a credential ID a search or a `NAME_OR_ID` finds it by.
pub const CREDENTIAL_FRAGMENT_MIN: usize = 4;

/// Whether `query` is `credential_id` or a part of it at least
/// [`CREDENTIAL_FRAGMENT_MIN`] characters long, ignoring case.
pub fn credential_id_matches(credential_id: &str, query: &str) -> bool {
    let query = query.trim();
    query.chars().count() >= CREDENTIAL_FRAGMENT_MIN
        && credential_id.to_lowercase().contains(&query.to_lowercase())
}

impl KeyView {
    /// Whether this key matches a search typed by a person: every word of
    /// `query` appears (ignoring case) in the name, service, application,
    /// vendor or owner, or is the credential ID or a part of it at least
    /// [`CREDENTIAL_FRAGMENT_MIN`] characters long.
    pub fn matches_search(&self, query: &str) -> bool {
        let haystack = [
            self.name.as_str(),
            self.service.as_str(),
            self.application.as_deref().unwrap_or(""),
            self.vendor_display_name.as_deref().unwrap_or(""),
            self.owner.as_deref().unwrap_or(""),
        ]
        .join(" ")
        .to_lowercase();
        query
            .to_lowercase()
            .split_whitespace()
            .all(|word| haystack.contains(word) || credential_id_matches(&self.credential_id, word))
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
    #[serde(with = "crate::rfc3339")]
    #[ts(type = "string")]
    pub created_at: DateTime<Utc>,
    /// Rotation due time, RFC 3339 UTC.
    #[serde(with = "crate::rfc3339")]
    #[ts(type = "string")]
    pub rotate_by: DateTime<Utc>,
    /// Whole days since creation.
    pub age_days: i64,
    /// `ok`, `due_soon` or `overdue`.
    pub status: RotationStatus,
    /// Whether the key needs rotating or deleting now (see [`crate::attention`]).
    pub attention: crate::attention::Attention,
    /// Whole days until due; negative when overdue.
    pub days_until_due: i64,
    /// Last copy of the secret, RFC 3339 UTC.
    #[serde(default, with = "crate::rfc3339::option")]
    #[ts(type = "string | null")]
    pub last_copied_at: Option<DateTime<Utc>>,
    /// Last reveal of the secret, RFC 3339 UTC.
    #[serde(default, with = "crate::rfc3339::option")]
    #[ts(type = "string | null")]
    pub last_revealed_at: Option<DateTime<Utc>>,
    /// Id of the key that replaced this one, once rotated.
    pub replaced_by: Option<String>,
    /// When a replaced key should be deleted, RFC 3339 UTC.
    #[serde(default, with = "crate::rfc3339::option")]
    #[ts(type = "string | null")]
    pub delete_after: Option<DateTime<Utc>>,
    /// Reminders for this key are paused until then, RFC 3339 UTC.
    #[serde(default, with = "crate::rfc3339::option")]
    #[ts(type = "string | null")]
    pub snoozed_until: Option<DateTime<Utc>>,
    /// `keyward` (Keyward made it) or `vendor` (a vendor's dashboard did).
    pub issuer: Issuer,
    /// The vendor's profile name.
    pub vendor: Option<String>,
    /// The vendor's display name (its name when it has no profile).
    pub vendor_display_name: Option<String>,
    /// The vendor's `https://` dashboard, where keys are made and revoked.
    pub vendor_dashboard_url: Option<String>,
    /// Who looks after the key: a person's name or email.
    pub owner: Option<String>,
    /// Someone said the key leaked.
    pub leaked: bool,
    /// When it was said to have leaked, RFC 3339 UTC.
    #[serde(default, with = "crate::rfc3339::option")]
    #[ts(type = "string | null")]
    pub leaked_at: Option<DateTime<Utc>>,
    /// How far a rotation of this key has come; `null` when none is in progress.
    pub rotation: Option<RotationStep>,
    /// Name of the key that replaced this one.
    pub replaced_by_name: Option<String>,
    /// Who handed this key over ("sam on laptop-7"), for a key received
    /// from a shared file.
    pub received_from: Option<String>,
    /// Who the sender said it was for, for a key received from a shared file.
    pub received_for: Option<String>,
    /// When it was received from a shared file, RFC 3339 UTC.
    #[serde(default, with = "crate::rfc3339::option")]
    #[ts(type = "string | null")]
    pub received_at: Option<DateTime<Utc>>,
}

#[cfg(test)]
mod tests {
    use super::test_support::record;
    use super::*;
    use crate::naming::{Label, ServiceName};
    use chrono::TimeZone;

    #[test]
    fn search_matches_every_word_in_name_service_or_application() {
        let record = KeyRecord {
            application: Label::application("Billing Web").unwrap(),
            origin: Origin::Generated,
            ..sample()
        };
        let view = record.view(&RotationPolicy::default(), record.created_at, &Utc);
        assert!(view.matches_search("PAYMENTS billing"));
        assert!(view.matches_search(""));
        assert!(!view.matches_search("payments stripe"));
    }

    #[test]
    fn search_finds_a_key_by_its_credential_id_or_a_part_of_at_least_four_characters() {
        let mut record = sample();
        record.credential_id = "kwid_UUe7xQ2".into();
        let view = record.view(&RotationPolicy::default(), record.created_at, &Utc);
        assert!(view.matches_search("kwid_UUe7xQ2"), "whole");
        assert!(view.matches_search("uue7"), "fragment, any case");
        assert!(view.matches_search("payments UUe7x"), "with another word");
        assert!(!view.matches_search("uue"), "three characters are too few");
        assert!(!view.matches_search("uue8"));
    }

    #[test]
    fn a_record_from_before_issuers_takes_its_issuer_from_its_origin() {
        let old = r#"{"id":"a","name":"k","service":"svc","application":null,"credential_id":"c","created_at":"2026-01-01T00:00:00Z","origin":"added","notes":"","state":"active"}"#;
        let record: KeyRecord = serde_json::from_str(old).unwrap();
        assert_eq!(record.issuer(), Issuer::Vendor);
        let generated = old.replace("added", "generated");
        let record: KeyRecord = serde_json::from_str(&generated).unwrap();
        assert_eq!(record.issuer(), Issuer::Keyward);
        let view = record.view(&RotationPolicy::default(), record.created_at, &Utc);
        assert_eq!(
            (view.leaked, view.rotation, view.vendor, view.owner),
            (false, None, None, None)
        );
        assert_eq!(record.received, None, "not received from a colleague");
        assert_eq!(
            (view.received_from, view.received_for, view.received_at),
            (None, None, None)
        );
    }

    #[test]
    fn a_received_key_shows_who_sent_it_for_whom_and_when() {
        let at = Utc.with_ymd_and_hms(2026, 3, 2, 10, 0, 0).unwrap();
        let record = KeyRecord {
            received: Some(Received::from_file(
                at,
                Some("sam"),
                Some("laptop-7"),
                Some("Bob in Finance"),
            )),
            ..sample()
        };
        let text = serde_json::to_string(&record).unwrap();
        let back: KeyRecord = serde_json::from_str(&text).unwrap();
        assert_eq!(back, record, "kept in the catalog as it was");
        let view = record.view(&RotationPolicy::default(), at, &Utc);
        assert_eq!(view.received_from.as_deref(), Some("sam on laptop-7"));
        assert_eq!(view.received_for.as_deref(), Some("Bob in Finance"));
        assert_eq!(
            view.received_at.map(crate::rfc3339::text).as_deref(),
            Some("2026-03-02T10:00:00Z")
        );
    }

    #[test]
    fn outside_text_from_a_shared_file_is_left_out_when_it_is_not_one_plain_line() {
        let at = Utc.with_ymd_and_hms(2026, 3, 2, 10, 0, 0).unwrap();
        let long = "x".repeat(Received::TEXT_MAX + 1);
        let received = Received::from_file(at, Some("sam\u{202E}"), Some(&long), Some("a\nb"));
        assert_eq!(
            (
                received.from_user,
                received.from_computer,
                received.shared_for
            ),
            (None, None, None)
        );
        let received = Received::from_file(at, None, Some("laptop-7"), Some("  "));
        assert_eq!(received.from_words(), "someone on laptop-7");
        assert_eq!(received.shared_for, None, "blank is nothing");
    }

    #[test]
    fn a_views_json_keeps_every_date_as_rfc_3339_utc_text_to_the_second() {
        let at = |d: u32, h: u32| {
            Utc.with_ymd_and_hms(2026, 3, d, h, 0, 5).unwrap() + chrono::Duration::milliseconds(750)
        };
        let mut record = KeyRecord {
            replaced_by: Some("new".into()),
            delete_after: Some(at(20, 9)),
            leaked_at: Some(at(3, 23)),
            received: Some(Received::from_file(at(2, 10), Some("sam"), None, None)),
            ..sample()
        };
        record.created_at += chrono::Duration::milliseconds(250);
        record.history.copied_at = Some(at(4, 1));
        record.history.revealed_at = Some(at(5, 2));
        record.reminder.snoozed_until = Some(at(30, 12));
        let view = record.view(&RotationPolicy::default(), at(10, 0), &Utc);
        let json = serde_json::to_string(&view).unwrap();
        assert_eq!(
            json,
            concat!(
                r#"{"id":"id","name":"payments-api-26_08_2026-09_48","service":"payments-api","application":null,"#,
                r#""credential_id":"cid","notes":"","created_at":"2026-08-26T09:48:00Z","rotate_by":"2026-11-26T09:48:00Z","#,
                r#""age_days":0,"status":"ok","attention":"none","days_until_due":261,"#,
                r#""last_copied_at":"2026-03-04T01:00:05Z","last_revealed_at":"2026-03-05T02:00:05Z","replaced_by":"new","#,
                r#""delete_after":"2026-03-20T09:00:05Z","snoozed_until":"2026-03-30T12:00:05Z","issuer":"vendor","#,
                r#""vendor":null,"vendor_display_name":null,"vendor_dashboard_url":null,"owner":null,"#,
                r#""leaked":true,"leaked_at":"2026-03-03T23:00:05Z","rotation":null,"replaced_by_name":null,"#,
                r#""received_from":"sam","received_for":null,"received_at":"2026-03-02T10:00:05Z"}"#
            ),
            "the JSON the window and `--json` read: instants in UTC to the second, with a Z"
        );
        let back: KeyView = serde_json::from_str(&json).unwrap();
        assert_eq!(back, view, "the view holds exactly what its JSON says");
    }

    fn sample() -> KeyRecord {
        KeyRecord {
            service: ServiceName::parse("payments-api").unwrap(),
            credential_id: "cid".into(),
            created_at: Utc.with_ymd_and_hms(2026, 8, 26, 9, 48, 0).unwrap(),
            origin: Origin::Added,
            ..record("id", "payments-api-26_08_2026-09_48")
        }
    }
}

/// Records for tests across the crate.
#[cfg(test)]
pub(crate) mod test_support {
    use super::*;
    use crate::naming::{KeyName, Label, ServiceName};
    use chrono::TimeZone;

    /// An active key generated by Keyward: `id`, named `name`, for the
    /// service `svc`, credential ID `cid-{id}`, created 2026-01-01 00:00
    /// UTC, with no application, notes, history or links. Tests set other
    /// fields with struct-update syntax.
    pub(crate) fn record(id: &str, name: &str) -> KeyRecord {
        KeyRecord {
            id: id.into(),
            name: KeyName::parse(name).unwrap(),
            service: ServiceName::parse("svc").unwrap(),
            application: None,
            credential_id: format!("cid-{id}"),
            created_at: Utc.with_ymd_and_hms(2026, 1, 1, 0, 0, 0).unwrap(),
            origin: Origin::Generated,
            notes: Label::notes("").unwrap(),
            state: KeyState::Active,
            history: History::default(),
            reminder: ReminderState::default(),
            replaced_by: None,
            delete_after: None,
            issuer: None,
            vendor: None,
            owner: None,
            leaked_at: None,
            rotation: None,
            replaces: None,
            received: None,
        }
    }
}
