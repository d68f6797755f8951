//! "Remind me to back up after changes" (Settings → Backup, off by
//! default): whether keys changed since the last backup, and the words of
//! the desktop notification that says so.
//!
//! Promises:
//! - The audit log is the only record read: the last `backed_up` line is
//!   the last backup, and each key made, added, received, put back,
//!   rotated or deleted after it counts once, however often it changed.
//! - At most one reminder a day: the moment of the last one is kept in
//!   `backup-reminder.json` beside the catalog (a private file, written
//!   atomically), so restarts do not repeat it.
//! - The words name how many keys and the date of the last backup, never a
//!   key's name or secret.

use std::path::{Path, PathBuf};

use chrono::{DateTime, Datelike, Duration, TimeZone, Utc};
use serde::{Deserialize, Serialize};

use crate::audit::{AuditAction, AuditEntry};
use crate::catalog::CatalogError;

/// The shortest time between two reminders.
pub const REMIND_EVERY: Duration = Duration::hours(24);

/// Keys changed since the last backup.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Unsaved {
    /// How many keys changed (each counted once).
    pub keys: usize,
    /// When the last backup was saved; `None` when there was none.
    pub last_backup: Option<DateTime<Utc>>,
}

/// The keys changed after the last backup in `entries` (the audit log,
/// oldest first), or `None` when nothing changed since.
pub fn unsaved(entries: &[AuditEntry]) -> Option<Unsaved> {
    let at = |e: &AuditEntry| {
        DateTime::parse_from_rfc3339(&e.at)
            .ok()
            .map(|t| t.with_timezone(&Utc))
    };
    let last = entries
        .iter()
        .rposition(|e| e.action == AuditAction::BackedUp);
    let since = last.map_or(entries, |i| &entries[i + 1..]);
    let mut changed: Vec<&str> = since
        .iter()
        .filter(|e| {
            matches!(
                e.action,
                AuditAction::Generated
                    | AuditAction::Added
                    | AuditAction::Received
                    | AuditAction::Restored
                    | AuditAction::Rotated
                    | AuditAction::Deleted
            )
        })
        .filter_map(|e| e.key_id.as_deref())
        .collect();
    changed.sort_unstable();
    changed.dedup();
    (!changed.is_empty()).then(|| Unsaved {
        keys: changed.len(),
        last_backup: last.and_then(|i| at(&entries[i])),
    })
}

/// The notification's title and body: "3 keys changed since your last
/// backup on 2 March. Open Keyward to back up." Dates in `tz`.
pub fn message<Tz: TimeZone>(unsaved: &Unsaved, now: DateTime<Utc>, tz: &Tz) -> (String, String)
where
    Tz::Offset: std::fmt::Display,
{
    let keys = if unsaved.keys == 1 {
        "1 key changed".to_owned()
    } else {
        format!("{} keys changed", unsaved.keys)
    };
    let since = match unsaved.last_backup {
        Some(at) => {
            let local = at.with_timezone(tz);
            let day = if local.year() == now.with_timezone(tz).year() {
                local.format("%-d %B").to_string()
            } else {
                local.format("%-d %B %Y").to_string()
            };
            format!("{keys} since your last backup on {day}.")
        }
        None => format!("{keys}, and you have no backup yet."),
    };
    (
        "Back up your keys".to_owned(),
        format!("{since} Open Keyward to back up (Settings → Backup)."),
    )
}

/// When the last backup reminder was shown, kept beside the catalog.
#[derive(Debug, Clone)]
pub struct ReminderFile {
    path: PathBuf,
}

#[derive(Debug, Default, Serialize, Deserialize)]
struct Saved {
    reminded_at: Option<DateTime<Utc>>,
}

impl ReminderFile {
    /// The file in the data folder `dir`.
    pub fn in_dir(dir: &Path) -> Self {
        Self {
            path: dir.join("backup-reminder.json"),
        }
    }

    /// When the last reminder was shown; `None` when never (or the file
    /// is unreadable: at worst one reminder too many).
    pub fn reminded_at(&self) -> Option<DateTime<Utc>> {
        let bytes = std::fs::read(&self.path).ok()?;
        serde_json::from_slice::<Saved>(&bytes).ok()?.reminded_at
    }

    /// Whether a reminder may be shown at `now` (none in the last [`REMIND_EVERY`]).
    pub fn may_remind(&self, now: DateTime<Utc>) -> bool {
        self.reminded_at()
            .is_none_or(|at| now - at >= REMIND_EVERY || at > now)
    }

    /// Remembers that a reminder was shown at `now`.
    pub fn remember(&self, now: DateTime<Utc>) -> Result<(), CatalogError> {
        let saved = Saved {
            reminded_at: Some(now),
        };
        let bytes = serde_json::to_vec(&saved).unwrap_or_default();
        crate::private_files::write_atomically(&self.path, &bytes).map_err(CatalogError::from)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry(at: &str, action: AuditAction, key: Option<&str>) -> AuditEntry {
        AuditEntry {
            at: at.into(),
            action,
            key_id: key.map(Into::into),
            key_name: key.map(Into::into),
            detail: None,
            user: None,
            computer: None,
        }
    }

    #[test]
    fn keys_changed_after_the_last_backup_count_once_each() {
        let log = [
            entry("2026-03-01T09:00:00Z", AuditAction::Generated, Some("a")),
            entry("2026-03-02T09:00:00Z", AuditAction::BackedUp, None),
            entry("2026-03-03T09:00:00Z", AuditAction::Generated, Some("b")),
            entry("2026-03-03T09:01:00Z", AuditAction::Copied, Some("a")),
            entry("2026-03-04T09:00:00Z", AuditAction::Rotated, Some("b")),
            entry("2026-03-04T09:00:00Z", AuditAction::Deleted, Some("c")),
            entry("2026-03-04T09:00:00Z", AuditAction::Added, Some("d")),
        ];
        let got = unsaved(&log).expect("changes since the backup");
        assert_eq!(got.keys, 3, "b twice, c and d; copying is no change");
        assert_eq!(
            got.last_backup,
            Some(Utc.with_ymd_and_hms(2026, 3, 2, 9, 0, 0).unwrap())
        );
        let (title, body) = message(
            &got,
            Utc.with_ymd_and_hms(2026, 3, 5, 0, 0, 0).unwrap(),
            &Utc,
        );
        assert_eq!(title, "Back up your keys");
        assert_eq!(
            body,
            "3 keys changed since your last backup on 2 March. Open Keyward to back up (Settings → Backup)."
        );
    }

    #[test]
    fn nothing_changed_since_the_backup_is_no_reminder() {
        let log = [
            entry("2026-03-01T09:00:00Z", AuditAction::Generated, Some("a")),
            entry("2026-03-02T09:00:00Z", AuditAction::BackedUp, None),
            entry("2026-03-03T09:00:00Z", AuditAction::Revealed, Some("a")),
        ];
        assert_eq!(unsaved(&log), None);
        assert_eq!(unsaved(&[]), None);
    }

    #[test]
    fn with_no_backup_yet_every_change_counts_and_the_words_say_so() {
        let log = [entry(
            "2026-03-01T09:00:00Z",
            AuditAction::Generated,
            Some("a"),
        )];
        let got = unsaved(&log).unwrap();
        let now = Utc.with_ymd_and_hms(2027, 1, 5, 0, 0, 0).unwrap();
        assert_eq!(
            message(&got, now, &Utc).1,
            "1 key changed, and you have no backup yet. Open Keyward to back up (Settings → Backup)."
        );
        let older = Unsaved {
            keys: 2,
            last_backup: Some(Utc.with_ymd_and_hms(2026, 12, 30, 9, 0, 0).unwrap()),
        };
        assert!(
            message(&older, now, &Utc)
                .1
                .contains("on 30 December 2026."),
            "another year is named"
        );
    }

    #[test]
    fn one_reminder_a_day_remembered_in_a_private_file() {
        let dir = tempfile::tempdir().unwrap();
        let file = ReminderFile::in_dir(dir.path());
        let now = Utc.with_ymd_and_hms(2026, 3, 5, 9, 0, 0).unwrap();
        assert!(file.may_remind(now), "never reminded");
        file.remember(now).unwrap();
        assert!(!file.may_remind(now + Duration::hours(23)));
        assert!(file.may_remind(now + Duration::hours(24)));
        let again = ReminderFile::in_dir(dir.path());
        assert_eq!(again.reminded_at(), Some(now), "kept across restarts");
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(dir.path().join("backup-reminder.json"))
            .unwrap()
            .permissions()
            .mode();
        assert_eq!(mode & 0o777, 0o600);
    }
}
