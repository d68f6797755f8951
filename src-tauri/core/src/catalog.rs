//! The catalog: the file of key records (metadata only) in the data folder.
//!
//! Promises:
//! - Writes are atomic: a new file is written beside the old one, flushed to
//!   disk, renamed over it, and the folder is flushed. A crash leaves either
//!   the old catalog or the new one, never a mix.
//! - A catalog that cannot be read is never overwritten: every change first
//!   reads the file and stops with [`CatalogError::Unreadable`] if that fails.
//! - Changes from several processes (window and CLI) are serialized by an
//!   exclusive lock on `catalog.lock`; each change re-reads the file under
//!   the lock, so none is lost.
//! - Files and folders are private to the user (0600 / 0700 on Unix), made
//!   and written through [`crate::private_files`].
//! - Linear in the number of keys, and read once per process while the file
//!   does not change: the records last read or written are kept with the
//!   file's identity (device, inode, size, change times), and a later read
//!   or change parses the file again only when that identity differs. Every
//!   write replaces the file by a rename, so a change by another process is
//!   always seen.

use std::fs::{self, File};
use std::io::{self, Read};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use serde::{Deserialize, Serialize};

use crate::private_files::{private_dir, private_options, write_atomically};
use crate::record::KeyRecord;

const CATALOG_FILE: &str = "catalog.json";
const LOCK_FILE: &str = "catalog.lock";
const FORMAT: u32 = 1;

/// Why the catalog could not be used. `Display` is for people.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum CatalogError {
    /// The file exists but is damaged or not a catalog. It was left as it is.
    #[error(
        "Keyward's list of keys at {path} is damaged and could not be read ({detail}). It has been left exactly as it was, and your secrets in the keychain are untouched. Restore the file from a backup, or move it aside to start a new list; `keyward check` lists the keys still in the keychain."
    )]
    Unreadable {
        /// The catalog file.
        path: PathBuf,
        /// What the parser said.
        detail: String,
    },
    /// Made by a newer Keyward.
    #[error(
        "Keyward's list of keys at {path} was written by a newer version of Keyward. Update Keyward to use it; the file has been left as it was."
    )]
    TooNew {
        /// The catalog file.
        path: PathBuf,
    },
    /// The disk refused a read or write.
    #[error("Keyward could not {action} {path}: {source}. {}", advice(source))]
    Io {
        /// What Keyward was doing ("read", "write", ...).
        action: &'static str,
        /// The file or folder.
        path: PathBuf,
        /// The operating system's error.
        source: io::Error,
    },
    /// A file or folder is not safe to use as it is (a link, another user's,
    /// open to others); it was left as it is. The sentence says what to do.
    #[error("{reason}")]
    Unsafe {
        /// The file or folder.
        path: PathBuf,
        /// What is wrong and what to do, as a sentence.
        reason: String,
    },
}

impl CatalogError {
    pub(crate) fn io<'a>(
        action: &'static str,
        path: &'a Path,
    ) -> impl FnOnce(io::Error) -> Self + 'a {
        move |source| Self::Io {
            action,
            path: path.to_owned(),
            source,
        }
    }
}

/// What to check after the disk refused a read or write, by what it said.
fn advice(error: &io::Error) -> &'static str {
    match error.kind() {
        io::ErrorKind::NotFound => "Check that the folder exists.",
        io::ErrorKind::PermissionDenied | io::ErrorKind::ReadOnlyFilesystem => {
            "Check that you may write there."
        }
        io::ErrorKind::StorageFull | io::ErrorKind::QuotaExceeded => {
            "Free some space on the disk and try again."
        }
        _ => "Check that the disk is not full and that you may write there.",
    }
}

#[derive(Debug, Deserialize)]
struct CatalogFile {
    format: u32,
    keys: Vec<KeyRecord>,
}

/// What is written: the records are borrowed, not copied.
#[derive(Serialize)]
struct CatalogFileRef<'a> {
    format: u32,
    keys: &'a [KeyRecord],
}

#[derive(Deserialize)]
struct FormatOnly {
    format: u32,
}

/// The catalog in one data folder. Clones share what was last read.
#[derive(Debug, Clone)]
pub struct Catalog {
    dir: PathBuf,
    memo: Arc<Mutex<Option<Memo>>>,
}

/// The records of the file whose identity is `stamp`.
#[derive(Debug)]
struct Memo {
    stamp: Stamp,
    keys: Vec<KeyRecord>,
}

/// A file's identity: equal stamps mean the same, unchanged file. Writes
/// replace the file by a rename (a new inode, new times), and an edit in
/// place changes its modification time.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Stamp {
    dev: u64,
    ino: u64,
    len: u64,
    modified: (i64, i64),
    changed: (i64, i64),
}

impl Stamp {
    /// `None` where the platform gives no inode (then every read parses).
    fn of(metadata: &fs::Metadata) -> Option<Self> {
        #[cfg(unix)]
        {
            use std::os::unix::fs::MetadataExt;
            Some(Self {
                dev: metadata.dev(),
                ino: metadata.ino(),
                len: metadata.len(),
                modified: (metadata.mtime(), metadata.mtime_nsec()),
                changed: (metadata.ctime(), metadata.ctime_nsec()),
            })
        }
        #[cfg(not(unix))]
        {
            let _ = metadata;
            None
        }
    }
}

/// Holds the catalog's exclusive lock until dropped.
struct LockGuard(File);

impl Drop for LockGuard {
    fn drop(&mut self) {
        // Closing the file releases the lock too; unlocking first just makes it prompt.
        let _ = self.0.unlock();
    }
}

impl Catalog {
    /// Uses (and creates if needed) the data folder `dir`. A folder that is
    /// not safe to use ([`private_dir`]) opens, but every read and change
    /// then fails with [`CatalogError::Unsafe`], so the window can say why.
    pub fn open(dir: impl Into<PathBuf>) -> Result<Self, CatalogError> {
        let dir = dir.into();
        match private_dir(&dir) {
            Ok(()) | Err(CatalogError::Unsafe { .. }) => Ok(Self {
                dir,
                memo: Arc::default(),
            }),
            Err(other) => Err(other),
        }
    }

    /// The data folder.
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// The catalog file's path.
    pub fn path(&self) -> PathBuf {
        self.dir.join(CATALOG_FILE)
    }

    /// Every record, as last written. A missing file is an empty catalog.
    pub fn load(&self) -> Result<Vec<KeyRecord>, CatalogError> {
        self.read(<[KeyRecord]>::to_vec)
    }

    /// Calls `look` with every record, as last written, without copying
    /// them. A missing file is an empty catalog.
    pub fn read<T>(&self, look: impl FnOnce(&[KeyRecord]) -> T) -> Result<T, CatalogError> {
        let (keys, stamp) = self.current()?;
        let out = look(&keys);
        self.remember(stamp, keys);
        Ok(out)
    }

    /// Applies `change` to the records under the exclusive lock and saves the
    /// result atomically. If `change` fails, nothing is written.
    pub fn update<T, E>(
        &self,
        change: impl FnOnce(&mut Vec<KeyRecord>) -> Result<T, E>,
    ) -> Result<T, E>
    where
        E: From<CatalogError>,
    {
        let _lock = self.lock()?;
        let (mut keys, _) = self.current()?;
        // If `change` fails, nothing is remembered: it may have altered `keys`.
        let out = change(&mut keys)?;
        self.save(&keys)?;
        // Under the lock nobody else can have replaced the file since.
        let stamp = fs::metadata(self.path()).ok().and_then(|m| Stamp::of(&m));
        self.remember(stamp, keys);
        Ok(out)
    }

    /// The records in the file now, and the file's stamp: the remembered
    /// records (taken, not copied) if the file is still the one they came
    /// from, else read and parsed. The memo's lock is held only briefly, so
    /// `read` and `update` callbacks may use the catalog too.
    fn current(&self) -> Result<(Vec<KeyRecord>, Option<Stamp>), CatalogError> {
        private_dir(&self.dir)?;
        let path = self.path();
        let held = self.memo().take();
        let mut file = match File::open(&path) {
            Ok(file) => file,
            Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok((Vec::new(), None)),
            Err(e) => return Err(CatalogError::io("read", &path)(e)),
        };
        let metadata = file.metadata().map_err(CatalogError::io("read", &path))?;
        let stamp = Stamp::of(&metadata);
        if let (Some(stamp), Some(held)) = (&stamp, held)
            && held.stamp == *stamp
        {
            return Ok((held.keys, Some(held.stamp)));
        }
        let mut bytes = Vec::with_capacity(usize::try_from(metadata.len()).unwrap_or(0));
        file.read_to_end(&mut bytes)
            .map_err(CatalogError::io("read", &path))?;
        Ok((parse(&path, &bytes)?, stamp))
    }

    /// Remembers `keys` as the content of the file stamped `stamp`.
    fn remember(&self, stamp: Option<Stamp>, keys: Vec<KeyRecord>) {
        if let Some(stamp) = stamp {
            *self.memo() = Some(Memo { stamp, keys });
        }
    }

    fn memo(&self) -> std::sync::MutexGuard<'_, Option<Memo>> {
        // Whatever a panic left here is checked against the file's stamp
        // before use, so a poisoned lock is still safe to use.
        self.memo.lock().unwrap_or_else(|e| e.into_inner())
    }

    fn lock(&self) -> Result<LockGuard, CatalogError> {
        private_dir(&self.dir)?;
        let path = self.dir.join(LOCK_FILE);
        let file = private_options()
            .read(true)
            .write(true)
            .create(true)
            .truncate(false)
            .open(&path)
            .map_err(CatalogError::io("open", &path))?;
        file.lock().map_err(CatalogError::io("lock", &path))?;
        Ok(LockGuard(file))
    }

    fn save(&self, keys: &[KeyRecord]) -> Result<(), CatalogError> {
        let path = self.path();
        let body = CatalogFileRef {
            format: FORMAT,
            keys,
        };
        // Compact: a third smaller and quicker to write and read than
        // indented JSON, which matters with tens of thousands of keys.
        let mut bytes = serde_json::to_vec(&body).map_err(|e| CatalogError::Io {
            action: "prepare",
            path: path.clone(),
            source: io::Error::other(e),
        })?;
        bytes.push(b'\n');
        write_atomically(&path, &bytes)
    }
}

fn parse(path: &Path, bytes: &[u8]) -> Result<Vec<KeyRecord>, CatalogError> {
    let unreadable = |detail: String| CatalogError::Unreadable {
        path: path.to_owned(),
        detail,
    };
    let too_new = || CatalogError::TooNew {
        path: path.to_owned(),
    };
    // One pass in the usual case; the format alone is read only to tell a
    // newer Keyward's file from a damaged one.
    let file: CatalogFile = match serde_json::from_slice(bytes) {
        Ok(file) => file,
        Err(e) => {
            return Err(match serde_json::from_slice::<FormatOnly>(bytes) {
                Ok(format) if format.format > FORMAT => too_new(),
                _ => unreadable(e.to_string()),
            });
        }
    };
    if file.format > FORMAT {
        return Err(too_new());
    }
    let mut ids = std::collections::HashSet::new();
    if let Some(dup) = file.keys.iter().find(|k| !ids.insert(k.id.as_str())) {
        return Err(unreadable(format!("the key id {} appears twice", dup.id)));
    }
    Ok(file.keys)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::naming::{KeyName, Label, ServiceName};
    use crate::record::{History, KeyState, Origin};
    use chrono::{TimeZone, Utc};

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
            reminder: Default::default(),
            replaced_by: None,
            delete_after: None,
            issuer: None,
            vendor: None,
            owner: None,
            leaked_at: None,
            rotation: None,
            replaces: None,
        }
    }

    fn add(catalog: &Catalog, id: &str) {
        catalog
            .update(|keys| {
                keys.push(record(id, id));
                Ok::<_, CatalogError>(())
            })
            .unwrap();
    }

    #[test]
    fn a_missing_catalog_is_empty_and_updates_round_trip() {
        let dir = tempfile::tempdir().unwrap();
        let catalog = Catalog::open(dir.path().join("data")).unwrap();
        assert!(catalog.load().unwrap().is_empty());
        add(&catalog, "a");
        add(&catalog, "b");
        let names: Vec<_> = catalog.load().unwrap().into_iter().map(|k| k.id).collect();
        assert_eq!(names, ["a", "b"]);
    }

    #[cfg(unix)]
    #[test]
    fn files_are_private_to_the_user() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let catalog = Catalog::open(dir.path().join("data")).unwrap();
        add(&catalog, "a");
        let mode = |p: &Path| fs::metadata(p).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode(catalog.dir()), 0o700);
        assert_eq!(mode(&catalog.path()), 0o600);
    }

    #[cfg(unix)]
    #[test]
    fn a_folder_others_can_write_to_opens_but_is_never_read_or_written() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let catalog = Catalog::open(dir.path()).unwrap();
        add(&catalog, "a");
        fs::set_permissions(dir.path(), fs::Permissions::from_mode(0o777)).unwrap();
        let catalog = Catalog::open(dir.path()).expect("opens, so the window can say why");
        assert!(matches!(catalog.load(), Err(CatalogError::Unsafe { .. })));
        let before = fs::read(catalog.path()).unwrap();
        let changed = catalog.update(|keys| {
            keys.clear();
            Ok::<_, CatalogError>(())
        });
        assert!(matches!(changed, Err(CatalogError::Unsafe { .. })));
        assert_eq!(fs::read(catalog.path()).unwrap(), before);
    }

    #[test]
    fn a_corrupt_catalog_is_reported_and_left_byte_identical() {
        let dir = tempfile::tempdir().unwrap();
        let catalog = Catalog::open(dir.path()).unwrap();
        let garbage = b"{\"format\": 1, \"keys\": [ {\"id\": truncated";
        fs::write(catalog.path(), garbage).unwrap();
        let err = catalog
            .update(|keys| {
                keys.clear();
                Ok::<_, CatalogError>(())
            })
            .unwrap_err();
        assert!(matches!(err, CatalogError::Unreadable { .. }), "{err:?}");
        assert!(err.to_string().contains("left exactly as it was"));
        assert_eq!(fs::read(catalog.path()).unwrap(), garbage);
    }

    #[test]
    fn a_catalog_from_a_newer_version_is_not_touched() {
        let dir = tempfile::tempdir().unwrap();
        let catalog = Catalog::open(dir.path()).unwrap();
        let newer = b"{\"format\": 99, \"keys\": [], \"future\": true}";
        fs::write(catalog.path(), newer).unwrap();
        assert!(matches!(catalog.load(), Err(CatalogError::TooNew { .. })));
        let result = catalog.update(|_| Ok::<_, CatalogError>(()));
        assert!(result.is_err());
        assert_eq!(fs::read(catalog.path()).unwrap(), newer);
    }

    #[test]
    fn duplicate_ids_make_the_catalog_unreadable() {
        let dir = tempfile::tempdir().unwrap();
        let catalog = Catalog::open(dir.path()).unwrap();
        let body = CatalogFileRef {
            format: 1,
            keys: &[record("x", "a"), record("x", "b")],
        };
        fs::write(catalog.path(), serde_json::to_vec(&body).unwrap()).unwrap();
        assert!(matches!(
            catalog.load(),
            Err(CatalogError::Unreadable { .. })
        ));
    }

    #[test]
    fn a_failed_write_keeps_the_old_catalog_and_leaves_no_temp_file() {
        let dir = tempfile::tempdir().unwrap();
        let catalog = Catalog::open(dir.path()).unwrap();
        add(&catalog, "a");
        let before = fs::read(catalog.path()).unwrap();
        crate::private_files::faults::FAIL_BEFORE_RENAME.with(|f| f.set(true));
        let result = catalog.update(|keys| {
            keys.push(record("b", "b"));
            Ok::<_, CatalogError>(())
        });
        assert!(result.is_err(), "the injected fault must surface");
        assert_eq!(
            fs::read(catalog.path()).unwrap(),
            before,
            "old catalog intact"
        );
        let leftovers: Vec<_> = fs::read_dir(dir.path())
            .unwrap()
            .map(|e| e.unwrap().file_name().into_string().unwrap())
            .filter(|n| n.ends_with(".tmp"))
            .collect();
        assert!(leftovers.is_empty(), "temp files left: {leftovers:?}");
    }

    #[test]
    fn a_stale_temp_file_from_a_crash_does_not_affect_reading() {
        let dir = tempfile::tempdir().unwrap();
        let catalog = Catalog::open(dir.path()).unwrap();
        add(&catalog, "a");
        fs::write(dir.path().join(".catalog.json.999.tmp"), b"{half").unwrap();
        assert_eq!(catalog.load().unwrap().len(), 1);
        add(&catalog, "b");
        assert_eq!(catalog.load().unwrap().len(), 2);
    }

    #[test]
    fn a_failing_change_writes_nothing() {
        let dir = tempfile::tempdir().unwrap();
        let catalog = Catalog::open(dir.path()).unwrap();
        add(&catalog, "a");
        let before = fs::read(catalog.path()).unwrap();
        let result: Result<(), CatalogError> = catalog.update(|keys| {
            keys.clear();
            Err(CatalogError::TooNew { path: "x".into() })
        });
        assert!(result.is_err());
        assert_eq!(fs::read(catalog.path()).unwrap(), before);
    }

    #[test]
    fn a_reader_that_remembers_the_file_still_sees_every_change_by_others() {
        let dir = tempfile::tempdir().unwrap();
        let mine = Catalog::open(dir.path()).unwrap();
        // Another process: a catalog that shares nothing with `mine`.
        let other = Catalog::open(dir.path()).unwrap();
        add(&mine, "a");
        assert_eq!(mine.load().unwrap().len(), 1);
        add(&other, "b");
        assert_eq!(mine.load().unwrap().len(), 2, "a change by rename is seen");
        add(&mine, "c");
        assert_eq!(other.read(|keys| keys.len()).unwrap(), 3);
        // An edit in place (same file, new content) is seen too.
        let mut edited = fs::read_to_string(mine.path()).unwrap();
        edited = edited.replace("\"c\"", "\"d\"");
        std::thread::sleep(std::time::Duration::from_millis(20));
        fs::write(mine.path(), edited).unwrap();
        let ids: Vec<String> = mine.load().unwrap().into_iter().map(|k| k.id).collect();
        assert_eq!(ids, ["a", "b", "d"]);
        fs::remove_file(mine.path()).unwrap();
        assert!(
            mine.load().unwrap().is_empty(),
            "a removed file is an empty catalog"
        );
    }

    #[test]
    fn a_failed_change_is_not_remembered() {
        let dir = tempfile::tempdir().unwrap();
        let catalog = Catalog::open(dir.path()).unwrap();
        add(&catalog, "a");
        let result: Result<(), CatalogError> = catalog.update(|keys| {
            keys.clear();
            Err(CatalogError::TooNew { path: "x".into() })
        });
        assert!(result.is_err());
        assert_eq!(
            catalog.load().unwrap().len(),
            1,
            "the file's keys, not the failed change's"
        );
    }

    #[test]
    fn concurrent_updates_from_many_threads_lose_nothing() {
        let dir = tempfile::tempdir().unwrap();
        let catalog = Catalog::open(dir.path()).unwrap();
        std::thread::scope(|scope| {
            for t in 0..4 {
                let catalog = catalog.clone();
                scope.spawn(move || {
                    for i in 0..15 {
                        add(&catalog, &format!("t{t}-{i}"));
                    }
                });
            }
        });
        assert_eq!(catalog.load().unwrap().len(), 60);
    }
}
