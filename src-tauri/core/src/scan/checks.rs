//! When each key was last checked for leaks, and when a check last found
//! it: what the team inventory publishes as a key's "last leak check".
//!
//! Promises:
//! - The record lives in `leak-checks.json` beside the catalog (private,
//!   written atomically): per key id, the time of the last finished check
//!   that looked for it and the time of the last check that found it. No
//!   secret, path or place is in it (the audit log says where).
//! - A finished check (not cancelled) is recorded for every key it looked
//!   for, under an exclusive lock on `leak-checks.lock`, so checks run by
//!   the window, the command line and the daily check never undo each
//!   other's record. A later check that does not find a key keeps the time
//!   an earlier one found it: a leak stays a leak until the key is replaced.
//! - The record is information only: a missing or damaged file reads as
//!   "never checked", and a record that cannot be written never fails the
//!   check itself.
//! - The time is passed in; nothing here reads the clock.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use super::watch::change_lock;
use crate::error::Result;
use crate::private_files::write_atomically;

/// The file's name in the data folder.
pub const FILE: &str = "leak-checks.json";

/// One key's leak checks.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct KeyChecks {
    /// When the last finished check looked for it.
    pub checked_at: DateTime<Utc>,
    /// When a check last found it (in any place it looked).
    #[serde(default)]
    pub found_at: Option<DateTime<Utc>>,
}

/// Every key's leak checks, by key id.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct LeakChecks {
    /// Key id → its checks.
    pub keys: BTreeMap<String, KeyChecks>,
}

impl LeakChecks {
    /// The file in the data folder `dir`.
    pub fn path_in(dir: &Path) -> PathBuf {
        dir.join(FILE)
    }

    /// The record in the data folder `dir`; missing or damaged reads as empty.
    pub fn load(dir: &Path) -> Self {
        std::fs::read(Self::path_in(dir))
            .ok()
            .and_then(|bytes| serde_json::from_slice(&bytes).ok())
            .unwrap_or_default()
    }

    /// The checks of the key `id`, if it was ever checked.
    pub fn of(&self, id: &str) -> Option<&KeyChecks> {
        self.keys.get(id)
    }

    /// Records a check finished at `now` that looked for the keys `looked_for`
    /// and found the keys `found` (ids). Keys no longer looked for and never
    /// found are forgotten (they were deleted).
    pub fn record(
        dir: &Path,
        looked_for: &BTreeSet<String>,
        found: &BTreeSet<String>,
        now: DateTime<Utc>,
    ) -> Result<()> {
        let path = Self::path_in(dir);
        let _lock = change_lock(&path.with_extension("lock"))?;
        let mut checks = Self::load(dir);
        checks.add(looked_for, found, now);
        // Ids and dates always serialize.
        let text = serde_json::to_vec_pretty(&checks).expect("leak checks serialize");
        Ok(write_atomically(&path, &text)?)
    }

    fn add(&mut self, looked_for: &BTreeSet<String>, found: &BTreeSet<String>, now: DateTime<Utc>) {
        self.keys
            .retain(|id, checks| looked_for.contains(id) || checks.found_at.is_some());
        for id in looked_for {
            let entry = self.keys.entry(id.clone()).or_insert(KeyChecks {
                checked_at: now,
                found_at: None,
            });
            entry.checked_at = entry.checked_at.max(now);
            if found.contains(id) {
                entry.found_at = Some(entry.found_at.map_or(now, |at| at.max(now)));
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(hour: u32) -> DateTime<Utc> {
        use chrono::TimeZone as _;
        Utc.with_ymd_and_hms(2026, 11, 27, hour, 0, 0).unwrap()
    }

    fn ids(list: &[&str]) -> BTreeSet<String> {
        list.iter().map(|s| (*s).to_owned()).collect()
    }

    #[test]
    fn a_check_records_every_key_looked_for_and_keeps_a_leak_found_earlier() {
        let dir = tempfile::tempdir().unwrap();
        assert_eq!(LeakChecks::load(dir.path()), LeakChecks::default());
        LeakChecks::record(dir.path(), &ids(&["a", "b"]), &ids(&["b"]), at(1)).unwrap();
        LeakChecks::record(dir.path(), &ids(&["a", "b"]), &ids(&[]), at(2)).unwrap();
        let checks = LeakChecks::load(dir.path());
        let a = checks.of("a").unwrap();
        assert_eq!((a.checked_at, a.found_at), (at(2), None));
        let b = checks.of("b").unwrap();
        assert_eq!(
            (b.checked_at, b.found_at),
            (at(2), Some(at(1))),
            "a later clean check of another folder does not unsay the leak"
        );
    }

    #[test]
    fn a_deleted_key_is_forgotten_and_a_damaged_file_reads_as_never_checked() {
        let dir = tempfile::tempdir().unwrap();
        LeakChecks::record(dir.path(), &ids(&["a", "gone"]), &ids(&[]), at(1)).unwrap();
        LeakChecks::record(dir.path(), &ids(&["a"]), &ids(&[]), at(2)).unwrap();
        assert!(LeakChecks::load(dir.path()).of("gone").is_none());
        std::fs::write(LeakChecks::path_in(dir.path()), "{ not json").unwrap();
        assert_eq!(LeakChecks::load(dir.path()), LeakChecks::default());
        LeakChecks::record(dir.path(), &ids(&["a"]), &ids(&["a"]), at(3)).unwrap();
        assert_eq!(
            LeakChecks::load(dir.path()).of("a").unwrap().found_at,
            Some(at(3))
        );
    }
}
