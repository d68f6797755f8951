//! Folders the person chose to have checked for leaks every day.
//!
//! Promises:
//! - The list lives in `leak-watch.json` beside the catalog (private,
//!   written atomically): each folder with what to check, when it was last
//!   checked and which hits were already announced. No secret is in it.
//! - [`recheck_due`] checks each folder not checked for a day, audits its
//!   hits (through [`super::run_scan`]) and hands on only the hits not
//!   announced before: a key found in the same place is announced once, as
//!   long as it stays there (found again after it was gone, it is new).
//! - Each change (add, remove, a check recorded) reads, changes and writes
//!   the file under an exclusive lock on `leak-watch.lock` beside it, so the
//!   window, the command line and the daily check never undo each other's
//!   change (on Unix; elsewhere changes are not locked).
//! - The time is passed in; nothing here reads the clock.

use std::io::Read;
use std::path::{Path, PathBuf};
use std::sync::atomic::AtomicBool;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use super::{LeakHit, Mode, Target, run_scan};
use crate::error::Result;
use crate::keychain::SecretStore;
use crate::private_files::{open_read, write_atomically};
use crate::vault::Vault;

/// The file's name in the data folder.
pub const FILE: &str = "leak-watch.json";

/// How often a watched folder is checked.
pub const EVERY: chrono::Duration = chrono::Duration::days(1);

/// What to check in a watched folder.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Scope {
    /// What git would commit.
    Committable,
    /// Every file, hidden and ignored ones too.
    Everywhere,
    /// The git repository's whole history.
    History,
}

impl Scope {
    /// The check of `path` in this scope.
    pub fn target(self, path: &Path) -> Target {
        let path = path.to_owned();
        match self {
            Self::Committable => Target::Folder(path, Mode::Committable),
            Self::Everywhere => Target::Folder(path, Mode::Everywhere),
            Self::History => Target::History(path),
        }
    }
}

/// One watched folder.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Watched {
    /// The folder or repository (absolute).
    pub path: PathBuf,
    /// What is checked.
    pub scope: Scope,
    /// When it was last checked.
    pub last_checked: Option<DateTime<Utc>>,
    /// The hits already announced ([`hit_id`]).
    #[serde(default)]
    pub announced: Vec<String>,
}

/// The watched folders.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct WatchList {
    /// In the order added.
    pub folders: Vec<Watched>,
}

/// Names a hit for "announced already": key, place and commit.
pub fn hit_id(hit: &LeakHit) -> String {
    format!(
        "{}|{}|{}|{}|{}",
        hit.key_id.as_deref().unwrap_or("-"),
        hit.path.as_deref().unwrap_or("-"),
        hit.line,
        hit.column,
        hit.commit.as_deref().or(hit.blob.as_deref()).unwrap_or("-")
    )
}

/// `leak-watch.json` in a data folder.
#[derive(Debug, Clone)]
pub struct WatchFile {
    path: PathBuf,
}

impl WatchFile {
    /// The file in the data folder `dir`.
    pub fn in_dir(dir: &Path) -> Self {
        Self {
            path: dir.join(FILE),
        }
    }

    /// The watched folders (none when the file is missing).
    pub fn load(&self) -> Result<WatchList> {
        let Some(mut file) = open_read(&self.path)? else {
            return Ok(WatchList::default());
        };
        let mut text = String::new();
        file.read_to_string(&mut text)
            .map_err(crate::private_files::FileError::io("read", &self.path))?;
        serde_json::from_str(&text).map_err(|e| {
            crate::Error::Invalid(format!(
                "{} is damaged ({e}), so the folders checked every day are not known. Remove it and choose the folders again.",
                self.path.display()
            ))
        })
    }

    /// Holds the exclusive lock on the list's changes until dropped.
    fn lock(&self) -> Result<ChangeLock> {
        change_lock(&self.path.with_extension("lock"))
    }

    fn save(&self, list: &WatchList) -> Result<()> {
        // Paths, dates and strings always serialize.
        let text = serde_json::to_vec_pretty(list).expect("watch list serializes");
        Ok(write_atomically(&self.path, &text)?)
    }

    /// Watches `path` in `scope`, as checked at `checked` with `hits`
    /// (already shown to the person, so not announced again); replaces an
    /// earlier entry for the same path.
    pub fn watch(
        &self,
        path: &Path,
        scope: Scope,
        checked: Option<DateTime<Utc>>,
        hits: &[LeakHit],
    ) -> Result<()> {
        let _lock = self.lock()?;
        let mut list = self.load()?;
        list.folders.retain(|w| w.path != path);
        list.folders.push(Watched {
            path: path.to_owned(),
            scope,
            last_checked: checked,
            announced: hits.iter().map(hit_id).collect(),
        });
        self.save(&list)
    }

    /// Stops watching `path`; whether it was watched.
    pub fn unwatch(&self, path: &Path) -> Result<bool> {
        let _lock = self.lock()?;
        let mut list = self.load()?;
        let before = list.folders.len();
        list.folders.retain(|w| w.path != path);
        if list.folders.len() == before {
            return Ok(false);
        }
        self.save(&list)?;
        Ok(true)
    }

    /// Records a check of `path` at `now` with `hits`; returns the hits not
    /// announced before.
    fn checked(&self, path: &Path, now: DateTime<Utc>, hits: &[LeakHit]) -> Result<Vec<LeakHit>> {
        let _lock = self.lock()?;
        let mut list = self.load()?;
        let Some(entry) = list.folders.iter_mut().find(|w| w.path == path) else {
            return Ok(Vec::new());
        };
        let new: Vec<LeakHit> = hits
            .iter()
            .filter(|h| !entry.announced.contains(&hit_id(h)))
            .cloned()
            .collect();
        entry.last_checked = Some(now);
        entry.announced = hits.iter().map(hit_id).collect();
        self.save(&list)?;
        Ok(new)
    }
}

/// Holds an exclusive lock on the file `path` (made when missing) until
/// dropped, so processes that read, change and write a file beside it take
/// turns (on Unix; elsewhere changes are not locked).
pub(super) fn change_lock(path: &Path) -> Result<ChangeLock> {
    let file = crate::private_files::open_lock_file(path)?;
    #[cfg(unix)]
    {
        use std::os::fd::AsRawFd;
        // The lock is released when the file closes (ChangeLock drops).
        loop {
            // SAFETY: flock on a descriptor this function owns and keeps open.
            if unsafe { libc::flock(file.as_raw_fd(), libc::LOCK_EX) } == 0 {
                break;
            }
            let error = std::io::Error::last_os_error();
            if error.kind() != std::io::ErrorKind::Interrupted {
                return Err(crate::private_files::FileError::io("lock", path)(error).into());
            }
        }
    }
    Ok(ChangeLock(file))
}

/// The lock of [`change_lock`]: released when dropped (the file closes).
pub(super) struct ChangeLock(
    #[expect(dead_code, reason = "held for its drop, which releases the lock")] std::fs::File,
);

/// Which watched folders are due at `now`: never checked, or not for a day.
pub fn due(list: &WatchList, now: DateTime<Utc>) -> Vec<Watched> {
    list.folders
        .iter()
        .filter(|w| w.last_checked.is_none_or(|at| now - at >= EVERY))
        .cloned()
        .collect()
}

/// Checks every watched folder that is due at `now`; `announce(folder,
/// new_hits)` for each with hits not announced before. A folder that
/// cannot be checked (gone, not a repository) is said through `failed`
/// and tried again next day.
pub fn recheck_due<S: SecretStore>(
    vault: &Vault<S>,
    now: DateTime<Utc>,
    mut announce: impl FnMut(&Watched, &[LeakHit]),
    mut failed: impl FnMut(&Watched, &crate::Error),
) -> Result<()> {
    let file = WatchFile::in_dir(vault.catalog().dir());
    for folder in due(&file.load()?, now) {
        let target = folder.scope.target(&folder.path);
        match run_scan(vault, &target, &AtomicBool::new(false), |_| {}) {
            Ok(report) => {
                let new = file.checked(&folder.path, now, &report.hits)?;
                if !new.is_empty() {
                    announce(&folder, &new);
                }
            }
            Err(error) => {
                file.checked(&folder.path, now, &[])?;
                failed(&folder, &error);
            }
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn hit(line: u64) -> LeakHit {
        LeakHit {
            kind: "stored",
            key_id: Some("k".into()),
            key_name: Some("name".into()),
            path: Some("/x/.env".into()),
            line,
            column: 1,
            commit: None,
            author_date: None,
            blob: None,
        }
    }

    fn at(hours: i64) -> DateTime<Utc> {
        DateTime::from_timestamp(1_800_000_000 + hours * 3600, 0).unwrap()
    }

    #[test]
    fn a_folder_is_due_daily_and_each_hit_is_announced_once_while_it_stays() {
        let dir = tempfile::tempdir().unwrap();
        let file = WatchFile::in_dir(dir.path());
        let folder = Path::new("/x");
        file.watch(folder, Scope::Everywhere, Some(at(0)), &[hit(1)])
            .unwrap();
        assert!(due(&file.load().unwrap(), at(23)).is_empty());
        assert_eq!(due(&file.load().unwrap(), at(24)).len(), 1);
        // Seen when watching: not new. Line 2 is new.
        let new = file.checked(folder, at(24), &[hit(1), hit(2)]).unwrap();
        assert_eq!(new, [hit(2)]);
        assert!(
            file.checked(folder, at(48), &[hit(1), hit(2)])
                .unwrap()
                .is_empty()
        );
        // Gone, then back: new again.
        assert!(file.checked(folder, at(72), &[hit(1)]).unwrap().is_empty());
        assert_eq!(
            file.checked(folder, at(96), &[hit(1), hit(2)]).unwrap(),
            [hit(2)]
        );
        assert!(file.unwatch(folder).unwrap());
        assert!(!file.unwatch(folder).unwrap());
        assert!(file.load().unwrap().folders.is_empty());
    }
    #[test]
    fn changes_made_at_the_same_time_all_stay() {
        let dir = tempfile::tempdir().unwrap();
        let threads: Vec<_> = (0..4)
            .map(|t| {
                let file = WatchFile::in_dir(dir.path());
                std::thread::spawn(move || {
                    for i in 0..25 {
                        let path = PathBuf::from(format!("/t{t}/f{i}"));
                        file.watch(&path, Scope::Everywhere, None, &[]).unwrap();
                        if i % 5 == 0 {
                            assert!(file.unwatch(&path).unwrap(), "{path:?} was just added");
                        }
                    }
                })
            })
            .collect();
        for thread in threads {
            thread.join().unwrap();
        }
        let list = WatchFile::in_dir(dir.path()).load().unwrap();
        assert_eq!(list.folders.len(), 4 * 20, "no change undid another");
    }
}
