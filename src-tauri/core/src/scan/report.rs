//! One leak check from start to end, as the command line and the window
//! run it: fingerprints made where missing, the scan, one audit entry per
//! hit, and a report that names keys and places, never a secret.

use std::collections::BTreeSet;
use std::path::PathBuf;
use std::sync::atomic::AtomicBool;

use chrono::{DateTime, TimeZone, Utc};
use serde::Serialize;

use super::{Found, GitScan, Matcher, Mode, Position, scan_folder, scan_history, scan_staged};
use crate::audit::AuditAction;
use crate::error::{Error, Result};
use crate::keychain::SecretStore;
use crate::vault::Vault;

/// What a leak check looks at.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Target {
    /// A folder or file, in a mode.
    Folder(PathBuf, Mode),
    /// A git repository's whole history.
    History(PathBuf),
    /// What is staged for the next commit in a git repository.
    Staged(PathBuf),
}

impl Target {
    /// The folder, file or repository.
    pub fn path(&self) -> &std::path::Path {
        match self {
            Self::Folder(path, _) | Self::History(path) | Self::Staged(path) => path,
        }
    }

    /// Whether it reads git blobs rather than files.
    pub fn reads_blobs(&self) -> bool {
        !matches!(self, Self::Folder(..))
    }
}

/// How far a leak check is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Progress {
    /// Making missing fingerprints: `done` of `total` keys.
    Fingerprints {
        /// Keys done.
        done: usize,
        /// Keys to do.
        total: usize,
    },
    /// Scanning: files (or blobs) and bytes read so far.
    Scanned {
        /// Files or blobs read.
        count: u64,
        /// Bytes read.
        bytes: u64,
    },
}

/// One place a key was found. Never holds the secret.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ts_rs::TS)]
pub struct LeakHit {
    /// `stored` (a key Keyward holds) or `keyward_not_held` (a Keyward
    /// key Keyward does not hold: a colleague's, or a deleted one).
    #[ts(type = "'stored' | 'keyward_not_held'")]
    pub kind: &'static str,
    /// The key's id (stored keys).
    pub key_id: Option<String>,
    /// The key's name (stored keys).
    pub key_name: Option<String>,
    /// The file (history and staged: the path in the repository).
    pub path: Option<String>,
    /// Line, from 1.
    pub line: u64,
    /// Column in characters, from 1.
    pub column: u64,
    /// The commit that added it (history).
    pub commit: Option<String>,
    /// That commit's author date (history); RFC 3339 UTC in JSON.
    #[ts(type = "string | null")]
    pub author_date: Option<DateTime<Utc>>,
    /// The git object that holds it (history, staged).
    pub blob: Option<String>,
}

impl LeakHit {
    fn new(found: Found, at: Position) -> Self {
        let (kind, key_id, key_name) = match found {
            Found::Stored { key_id, key_name } => ("stored", Some(key_id), Some(key_name)),
            Found::KeywardNotHeld => ("keyward_not_held", None, None),
        };
        Self {
            kind,
            key_id,
            key_name,
            path: None,
            line: at.line,
            column: at.column,
            commit: None,
            author_date: None,
            blob: None,
        }
    }

    /// Where it is, in words: `path:line:column`, and the commit with its
    /// author date as a calendar date in `tz` (the person's).
    pub fn place_in<Tz: TimeZone>(&self, tz: &Tz) -> String {
        match (&self.path, &self.commit) {
            (Some(path), Some(commit)) => format!(
                "{path}:{}:{} in commit {} of {}",
                self.line,
                self.column,
                &commit[..commit.len().min(12)],
                self.author_date.map_or_else(String::new, |date| {
                    date.with_timezone(tz).date_naive().to_string()
                })
            ),
            (Some(path), None) => format!("{path}:{}:{}", self.line, self.column),
            (None, _) => format!(
                "git object {}, in no commit (the index, a stash or left over), line {} column {}",
                self.blob.as_deref().unwrap_or("?"),
                self.line,
                self.column
            ),
        }
    }
}

/// A file or folder that could not be read.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ts_rs::TS)]
pub struct UnreadablePath {
    /// The file or folder.
    pub path: String,
    /// Why, in the system's words.
    pub error: String,
}

/// What a leak check found and read.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, ts_rs::TS)]
pub struct ScanReport {
    /// Each place a key was found.
    pub hits: Vec<LeakHit>,
    /// Files (folder) or blobs (repository) read.
    pub scanned: u64,
    /// Bytes read.
    pub bytes: u64,
    /// Binary files and archives skipped.
    pub binary_skipped: u64,
    /// Files and folders that could not be read (link loops included).
    pub unreadable: Vec<UnreadablePath>,
    /// What git reported going wrong (a corrupt object, for example).
    pub problems: Vec<String>,
    /// How many keys were looked for.
    pub keys_checked: u64,
    /// Keys whose secret could not be read from the keychain to fingerprint them.
    pub keys_not_checked: Vec<String>,
    /// Whether the check was cancelled before the end.
    pub cancelled: bool,
}

fn from_git(report: &mut ScanReport, found: GitScan) {
    report.scanned = found.blobs;
    report.bytes = found.bytes;
    report.binary_skipped = found.binary_skipped;
    report.problems = found.problems;
    report.cancelled = found.cancelled;
    for hit in found.hits {
        let mut shown = LeakHit::new(hit.hit.found, hit.hit.at);
        shown.path = hit.path;
        shown.commit = hit.commit;
        shown.author_date = hit.author_date;
        shown.blob = Some(hit.blob);
        report.hits.push(shown);
    }
}

/// Runs one leak check of `target` with the keys of `vault`, reporting
/// progress, and audits each hit. Cancelling stops it between chunks; a
/// cancelled check audits nothing.
pub fn run_scan<S: SecretStore>(
    vault: &Vault<S>,
    target: &Target,
    cancel: &AtomicBool,
    mut progress: impl FnMut(Progress),
) -> Result<ScanReport> {
    if !target.path().exists() {
        return Err(Error::Invalid(format!(
            "{} does not exist. Choose a folder or file to check.",
            target.path().display()
        )));
    }
    let keys =
        vault.scan_fingerprints(|done, total| progress(Progress::Fingerprints { done, total }))?;
    let mut report = ScanReport {
        keys_checked: keys.keys.len() as u64,
        keys_not_checked: keys.unreadable.iter().map(|(n, _)| n.clone()).collect(),
        ..Default::default()
    };
    let looked_for: BTreeSet<String> = keys.keys.iter().map(|(id, _, _)| id.clone()).collect();
    let matcher = Matcher::new(keys);
    let scanned = |count, bytes| progress(Progress::Scanned { count, bytes });
    match target {
        Target::History(repo) => {
            from_git(&mut report, scan_history(&matcher, repo, cancel, scanned)?);
        }
        Target::Staged(repo) => from_git(&mut report, scan_staged(&matcher, repo, cancel)?),
        Target::Folder(path, mode) => {
            let found = scan_folder(&matcher, path, *mode, cancel, scanned);
            report.scanned = found.files;
            report.bytes = found.bytes;
            report.binary_skipped = found.binary_skipped;
            report.cancelled = found.cancelled;
            report.unreadable = found
                .unreadable
                .into_iter()
                .map(|u| UnreadablePath {
                    path: u.path.to_string_lossy().into_owned(),
                    error: u.error,
                })
                .collect();
            for (path, hit) in found.hits {
                let mut shown = LeakHit::new(hit.found, hit.at);
                shown.path = Some(path.to_string_lossy().into_owned());
                report.hits.push(shown);
            }
        }
    }
    if !report.cancelled {
        audit(vault, target, &report.hits);
        record_checks(vault, &looked_for, &report.hits);
    }
    Ok(report)
}

/// Records, beside the audit log and by its clock, which keys this check
/// looked for and found ([`super::checks`]). Best effort: a record that
/// cannot be written does not fail the check.
fn record_checks<S: SecretStore>(
    vault: &Vault<S>,
    looked_for: &BTreeSet<String>,
    hits: &[LeakHit],
) {
    let Some(log) = vault.audit() else {
        return;
    };
    let found: BTreeSet<String> = hits.iter().filter_map(|h| h.key_id.clone()).collect();
    let dir = vault.catalog().dir();
    if let Err(error) = super::checks::LeakChecks::record(dir, looked_for, &found, log.now()) {
        crate::note!("keyward: the leak check was not recorded for the team inventory: {error}");
    }
}

/// One `leak_found` audit entry per hit.
fn audit<S: SecretStore>(vault: &Vault<S>, target: &Target, hits: &[LeakHit]) {
    let Some(log) = vault.audit() else {
        return;
    };
    for hit in hits {
        let mut detail = format!("found in {}", hit.place_in(&chrono::Local));
        if target.reads_blobs() {
            detail.push_str(&format!(" (repository {})", target.path().display()));
        }
        if hit.kind == "keyward_not_held" {
            detail = format!("a Keyward key that Keyward does not hold {detail}");
        }
        let key = hit.key_id.as_deref().zip(hit.key_name.as_deref());
        log.note(AuditAction::LeakFound, key, Some(&detail));
    }
}

#[cfg(test)]
mod tests {
    use chrono::{TimeZone, Utc};
    use chrono_tz::{America, Pacific};

    use super::LeakHit;

    fn in_history(author_date: &str) -> LeakHit {
        LeakHit {
            kind: "stored_key",
            key_id: None,
            key_name: None,
            path: Some("config/settings.yml".into()),
            line: 3,
            column: 11,
            commit: Some("0123456789abcdef0123".into()),
            author_date: Some(
                chrono::DateTime::parse_from_rfc3339(author_date)
                    .unwrap()
                    .with_timezone(&Utc),
            ),
            blob: Some("b".into()),
        }
    }

    #[test]
    fn a_commits_date_is_said_as_the_calendar_date_where_the_person_is() {
        // Written on the 28th in Berlin at 23:30: already the 29th in Kiritimati
        // (UTC+14), still the 28th in Los Angeles, and the 28th in UTC (21:30).
        let hit = in_history("2026-05-28T23:30:00+02:00");
        assert_eq!(
            hit.place_in(&Pacific::Kiritimati),
            "config/settings.yml:3:11 in commit 0123456789ab of 2026-05-29",
            "not the author's own calendar date cut from the text"
        );
        assert_eq!(
            hit.place_in(&America::Los_Angeles),
            "config/settings.yml:3:11 in commit 0123456789ab of 2026-05-28"
        );
        let early = in_history("2026-05-29T01:30:00+02:00");
        assert_eq!(
            early.place_in(&America::Los_Angeles),
            "config/settings.yml:3:11 in commit 0123456789ab of 2026-05-28",
            "the 29th in Berlin at 01:30 is still the 28th in Los Angeles"
        );
        assert_eq!(
            early.place_in(&Utc),
            "config/settings.yml:3:11 in commit 0123456789ab of 2026-05-28"
        );
    }

    #[test]
    fn a_commits_date_crosses_as_rfc3339_utc() {
        let hit = in_history("2026-05-28T23:30:00+02:00");
        let json = serde_json::to_value(&hit).unwrap();
        assert_eq!(json["author_date"], "2026-05-28T21:30:00Z");
        assert_eq!(
            Utc.with_ymd_and_hms(2026, 5, 28, 21, 30, 0).unwrap(),
            hit.author_date.unwrap()
        );
    }
}
