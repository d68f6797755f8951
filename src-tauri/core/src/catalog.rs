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
//! - Keys being created or deleted are noted beside the catalog
//!   ([`crate::journal`]); every read shows them as `pending` or
//!   `deleting`, so a create or delete writes the catalog once
//!   ([`Catalog::add`], [`Catalog::remove`]).
//! - A save writes out only the records that changed: the text of every
//!   other record is copied from the file last read or written (kept with
//!   the records), so saving after a small change costs about a copy of the
//!   file. A record's text is reused only when the record is equal to the
//!   one that text was read from or written for.

use std::fs::{self, File};
use std::io::{self, Read};
use std::ops::Range;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use serde::Deserialize;

use crate::journal;
use crate::keychain::store_name::YOUR_IN;
use crate::private_files::{FileError, open_lock_file, private_dir, write_atomically};
use crate::record::KeyRecord;

const CATALOG_FILE: &str = "catalog.json";
const LOCK_FILE: &str = "catalog.lock";
/// The catalog format this version writes. 2: records may carry fields a
/// Keyward of format 1 does not know (issuer, vendor, owner, leaked_at,
/// rotation, replaces) and keys in flight are noted beside the catalog; a
/// format-1 Keyward would drop those fields on its next save, so it must
/// refuse the file as too new instead. Format-1 files are still read.
const FORMAT: u32 = 2;
/// How a catalog written by this version starts: compact JSON, the format
/// first, then the records one after the other.
const HEAD: &[u8] = b"{\"format\":2,\"keys\":[";
/// How it ends, after the last record.
const TAIL: &[u8] = b"]}\n";

/// Why the catalog could not be used. `Display` is for people.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum CatalogError {
    /// The file exists but is damaged or not a catalog. It was left as it is.
    #[error(
        "Keyward's list of keys at {path} is damaged and could not be read ({detail}). It has been left exactly as it was, and your secrets in {YOUR_IN} are untouched. Restore the file from a backup, or move it aside to start a new list; `keyward check` lists the keys still in {YOUR_IN}."
    )]
    Unreadable {
        /// The catalog file.
        path: PathBuf,
        /// What the parser said.
        detail: String,
    },
    /// A note of a key being created or deleted ([`crate::journal`]) is
    /// damaged or not Keyward's. It was left as it is.
    #[error(
        "Keyward's note of a key being created or deleted, {path}, is damaged and could not be read ({detail}). It has been left exactly as it was, and so have your list of keys and your secrets in {YOUR_IN}; Keyward changes nothing until the note is dealt with. Close every Keyward window, move the file out of that folder, then run `keyward check`: it finishes what it can and lists any secret left without a key."
    )]
    JournalUnreadable {
        /// The note's file.
        path: PathBuf,
        /// What is wrong with it.
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
    /// A file or folder could not be used: the disk refused, or it is not
    /// safe to use as it is (see [`crate::private_files`]).
    #[error(transparent)]
    File(#[from] FileError),
}

#[derive(Debug, Deserialize)]
struct CatalogFile {
    format: u32,
    keys: Vec<KeyRecord>,
}

/// What is written (see [`compose`]): the records are borrowed, not copied.
#[cfg(test)]
#[derive(serde::Serialize)]
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

/// The records of the file whose identity is `stamp`, and its text when
/// known.
#[derive(Debug)]
struct Memo {
    stamp: Stamp,
    keys: Vec<KeyRecord>,
    text: Option<Text>,
}

/// A catalog file's bytes and where each record's JSON object is in them,
/// in the order of the records they go with.
#[derive(Debug)]
struct Text {
    bytes: Vec<u8>,
    records: Vec<Range<usize>>,
}

/// What a change started from: the records and the text they were read
/// from or written as.
struct Before {
    keys: Vec<KeyRecord>,
    text: Text,
}

impl Before {
    /// The text of `record` if it is unchanged: equal to the record at the
    /// same place before. `next` is where the search starts and is moved
    /// past the record found: records are mostly in the same order as
    /// before, with a few added, removed or changed.
    fn text_of<'a>(
        &'a self,
        record: &KeyRecord,
        next: &mut usize,
        by_id: &mut Option<rustc_hash::FxHashMap<&'a str, usize>>,
    ) -> Option<&'a [u8]> {
        // Look a few places ahead first (a record removed in between), then
        // everywhere, by id.
        let near = (*next..self.keys.len().min(*next + 4)).find(|&i| self.keys[i].id == record.id);
        let at = near.or_else(|| {
            by_id
                .get_or_insert_with(|| {
                    self.keys
                        .iter()
                        .enumerate()
                        .map(|(i, k)| (k.id.as_str(), i))
                        .collect()
                })
                .get(record.id.as_str())
                .copied()
        })?;
        *next = at + 1;
        (self.keys[at] == *record).then(|| &self.text.bytes[self.text.records[at].clone()])
    }
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
    /// then fails with [`FileError::Unsafe`], so the window can say why.
    pub fn open(dir: impl Into<PathBuf>) -> Result<Self, CatalogError> {
        let dir = dir.into();
        match private_dir(&dir) {
            Ok(()) | Err(FileError::Unsafe { .. }) => Ok(Self {
                dir,
                memo: Arc::default(),
            }),
            Err(other) => Err(other.into()),
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
    /// them. A missing file is an empty catalog. Keys being created or
    /// deleted ([`crate::journal`]) are among them, `pending` or `deleting`.
    pub fn read<T>(&self, look: impl FnOnce(&[KeyRecord]) -> T) -> Result<T, CatalogError> {
        let (keys, stamp, text) = self.current()?;
        let out = with_notes(&self.dir, &keys, look);
        self.remember(stamp, keys, text);
        out
    }

    /// Notes the record `choose` returns, `pending` or `deleting`, as being
    /// created or deleted ([`crate::journal`]), under the exclusive lock:
    /// `choose` sees the records as [`Catalog::read`] does and may refuse.
    pub fn note<E>(
        &self,
        choose: impl FnOnce(&[KeyRecord]) -> Result<KeyRecord, E>,
    ) -> Result<KeyRecord, E>
    where
        E: From<CatalogError>,
    {
        let _lock = self.lock()?;
        let (keys, stamp, text) = self.current()?;
        let chosen = with_notes(&self.dir, &keys, choose);
        self.remember(stamp, keys, text);
        let record = chosen??;
        journal::write(&self.dir, &record)?;
        Ok(record)
    }

    /// Removes the note of key `id` once its change is in the catalog or
    /// undone (none is fine).
    pub fn clear_note(&self, id: &str) -> Result<(), CatalogError> {
        journal::remove(&self.dir, id)
    }

    /// Removes the note of key `id` if the catalog has overtaken it (a
    /// created key that is in the catalog, a deleted one that is gone).
    /// For recovery, while no operation on the key runs.
    pub fn clear_overtaken_note(&self, id: &str) -> Result<bool, CatalogError> {
        let _lock = self.lock()?;
        let (keys, stamp, text) = self.current()?;
        let overtaken = journal::read_all(&self.dir).map(|notes| {
            notes
                .iter()
                .any(|n| n.id == id && journal::overtaken(n, &keys))
        });
        self.remember(stamp, keys, text);
        if overtaken? {
            journal::remove(&self.dir, id)?;
            return Ok(true);
        }
        Ok(false)
    }

    /// The ids of every key noted as being created or deleted.
    pub fn noted_ids(&self) -> Result<Vec<String>, CatalogError> {
        Ok(journal::read_all(&self.dir)?
            .into_iter()
            .map(|n| n.id)
            .collect())
    }

    /// Applies `change` to the records under the exclusive lock and saves the
    /// result atomically. If `change` fails, nothing is written. These are
    /// the records of the file only: a key noted as being created
    /// ([`Catalog::note`]) is not among them until a change adds it.
    pub fn update<T, E>(
        &self,
        change: impl FnOnce(&mut Vec<KeyRecord>) -> Result<T, E>,
    ) -> Result<T, E>
    where
        E: From<CatalogError>,
    {
        let _lock = self.lock()?;
        let (mut keys, _, text) = self.current()?;
        // Kept to tell which records `change` leaves as they were.
        let before = text.map(|text| Before {
            keys: keys.clone(),
            text,
        });
        // If `change` fails, nothing is remembered: it may have altered `keys`.
        let out = change(&mut keys)?;
        let text = self.save(&keys, before.as_ref())?;
        drop(before);
        self.remember_written(keys, text);
        Ok(out)
    }

    /// Adds `record` after the others, under the exclusive lock, if `check`
    /// accepts the records (those of the file, as [`Catalog::update`] sees
    /// them). The other records' text is copied as it is.
    pub fn add<E>(
        &self,
        record: &KeyRecord,
        check: impl FnOnce(&[KeyRecord]) -> Result<(), E>,
    ) -> Result<(), E>
    where
        E: From<CatalogError>,
    {
        let _lock = self.lock()?;
        let (mut keys, stamp, text) = self.current()?;
        if let Err(refused) = check(&keys) {
            self.remember(stamp, keys, text);
            return Err(refused);
        }
        let mut text = self.text_of(&keys, text)?;
        // `…}]}\n` becomes `…},{record}]}\n`.
        text.bytes.truncate(text.bytes.len() - TAIL.len());
        if !keys.is_empty() {
            text.bytes.push(b',');
        }
        let start = text.bytes.len();
        serde_json::to_writer(&mut text.bytes, record).map_err(|e| self.unprepared(e))?;
        text.records.push(start..text.bytes.len());
        text.bytes.extend_from_slice(TAIL);
        write_atomically(&self.path(), &text.bytes).map_err(CatalogError::from)?;
        keys.push(record.clone());
        self.remember_written(keys, text);
        Ok(())
    }

    /// Removes the record of key `id`, if there, under the exclusive lock.
    /// The other records' text is copied as it is.
    pub fn remove(&self, id: &str) -> Result<(), CatalogError> {
        let _lock = self.lock()?;
        let (mut keys, stamp, text) = self.current()?;
        let Some(at) = keys.iter().position(|k| k.id == id) else {
            self.remember(stamp, keys, text);
            return Ok(());
        };
        let mut text = self.text_of(&keys, text)?;
        let record = text.records.remove(at);
        // With the comma before it, or the one after it for the first record.
        let cut = if at > 0 {
            record.start - 1..record.end
        } else if !text.records.is_empty() {
            record.start..record.end + 1
        } else {
            record
        };
        let cut_len = cut.len();
        text.bytes.drain(cut);
        for later in &mut text.records[at..] {
            later.start -= cut_len;
            later.end -= cut_len;
        }
        write_atomically(&self.path(), &text.bytes).map_err(CatalogError::from)?;
        keys.remove(at);
        self.remember_written(keys, text);
        Ok(())
    }

    /// `text` (the file's text), or the text written for `keys` when the
    /// file's layout is not this version's.
    fn text_of(&self, keys: &[KeyRecord], text: Option<Text>) -> Result<Text, CatalogError> {
        match text {
            Some(text) => Ok(text),
            None => compose(keys, None).map_err(|e| self.unprepared(e)),
        }
    }

    fn unprepared(&self, error: serde_json::Error) -> CatalogError {
        FileError::io("prepare", &self.path())(io::Error::other(error)).into()
    }

    /// Remembers `keys` and `text` as just written, under the lock.
    fn remember_written(&self, keys: Vec<KeyRecord>, text: Text) {
        // Under the lock nobody else can have replaced the file since.
        let stamp = fs::metadata(self.path()).ok().and_then(|m| Stamp::of(&m));
        self.remember(stamp, keys, Some(text));
    }

    /// The records in the file now, the file's stamp and its text when
    /// known: the remembered records (taken, not copied) if the file is
    /// still the one they came from, else read and parsed. The memo's lock
    /// is held only briefly, so `read` and `update` callbacks may use the
    /// catalog too.
    #[allow(
        clippy::type_complexity,
        reason = "the records, their stamp and their text, read together"
    )]
    fn current(&self) -> Result<(Vec<KeyRecord>, Option<Stamp>, Option<Text>), CatalogError> {
        private_dir(&self.dir)?;
        let path = self.path();
        let held = self.memo().take();
        let mut file = match File::open(&path) {
            Ok(file) => file,
            Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok((Vec::new(), None, None)),
            Err(e) => return Err(FileError::io("read", &path)(e).into()),
        };
        let metadata = file.metadata().map_err(FileError::io("read", &path))?;
        let stamp = Stamp::of(&metadata);
        if let (Some(stamp), Some(held)) = (&stamp, held)
            && held.stamp == *stamp
        {
            return Ok((held.keys, Some(held.stamp), held.text));
        }
        let mut bytes = Vec::with_capacity(usize::try_from(metadata.len()).unwrap_or(0));
        file.read_to_end(&mut bytes)
            .map_err(FileError::io("read", &path))?;
        let (keys, records) = parse(&path, &bytes)?;
        let text = records.map(|records| Text { bytes, records });
        Ok((keys, stamp, text))
    }

    /// Remembers `keys` (and their `text`) as the content of the file
    /// stamped `stamp`.
    fn remember(&self, stamp: Option<Stamp>, keys: Vec<KeyRecord>, text: Option<Text>) {
        if let Some(stamp) = stamp {
            *self.memo() = Some(Memo { stamp, keys, text });
        }
    }

    fn memo(&self) -> std::sync::MutexGuard<'_, Option<Memo>> {
        // Whatever a panic left here is checked against the file's stamp
        // before use, so a poisoned lock is still safe to use.
        self.memo
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    fn lock(&self) -> Result<LockGuard, CatalogError> {
        private_dir(&self.dir)?;
        let path = self.dir.join(LOCK_FILE);
        let file = open_lock_file(&path)?;
        file.lock().map_err(FileError::io("lock", &path))?;
        Ok(LockGuard(file))
    }

    /// Writes `keys` atomically, copying the text of the records that
    /// `before` shows unchanged, and returns the text written.
    fn save(&self, keys: &[KeyRecord], before: Option<&Before>) -> Result<Text, CatalogError> {
        let text = compose(keys, before).map_err(|e| self.unprepared(e))?;
        write_atomically(&self.path(), &text.bytes).map_err(CatalogError::from)?;
        Ok(text)
    }
}

/// The catalog file for `keys`: compact JSON (a third smaller and quicker to
/// write and read than indented JSON, which matters with tens of thousands
/// of keys), the same bytes as serializing `CatalogFileRef`, with the
/// text of each record unchanged since `before` copied rather than
/// serialized again.
fn compose(keys: &[KeyRecord], before: Option<&Before>) -> serde_json::Result<Text> {
    let guess = before.map_or(keys.len() * 320, |b| b.text.bytes.len() + 1024);
    let mut bytes = Vec::with_capacity(guess + HEAD.len() + TAIL.len());
    let mut records = Vec::with_capacity(keys.len());
    bytes.extend_from_slice(HEAD);
    let (mut next, mut by_id) = (0, None);
    for (i, record) in keys.iter().enumerate() {
        if i > 0 {
            bytes.push(b',');
        }
        let start = bytes.len();
        match before.and_then(|b| b.text_of(record, &mut next, &mut by_id)) {
            Some(text) => bytes.extend_from_slice(text),
            None => serde_json::to_writer(&mut bytes, record)?,
        }
        records.push(start..bytes.len());
    }
    bytes.extend_from_slice(TAIL);
    Ok(Text { bytes, records })
}

/// Calls `look` with `keys` as the notes of keys being created or deleted
/// show them ([`journal::apply`]); copied only when there are notes.
fn with_notes<T>(
    dir: &Path,
    keys: &[KeyRecord],
    look: impl FnOnce(&[KeyRecord]) -> T,
) -> Result<T, CatalogError> {
    let notes = journal::read_all(dir)?;
    if notes.is_empty() {
        return Ok(look(keys));
    }
    let mut shown = keys.to_vec();
    journal::apply(&mut shown, notes);
    Ok(look(&shown))
}

/// The records in `bytes`, and where each one's text is when the file is in
/// the form this version writes.
#[allow(
    clippy::type_complexity,
    reason = "the records and where each one's text is, parsed together"
)]
fn parse(
    path: &Path,
    bytes: &[u8],
) -> Result<(Vec<KeyRecord>, Option<Vec<Range<usize>>>), CatalogError> {
    let unreadable = |detail: String| CatalogError::Unreadable {
        path: path.to_owned(),
        detail,
    };
    // Anything the quick reading does not take (another layout, a newer
    // format, damage) is read and reported by the full reading below.
    let (keys, records) = match parse_written(bytes) {
        Some((keys, records)) => (keys, Some(records)),
        None => (parse_any(path, bytes)?, None),
    };
    let mut ids = rustc_hash::FxHashSet::default();
    ids.reserve(keys.len());
    if let Some(dup) = keys.iter().find(|k| !ids.insert(k.id.as_str())) {
        return Err(unreadable(format!("the key id {} appears twice", dup.id)));
    }
    drop(ids);
    Ok((keys, records))
}

/// Reads a catalog in exactly the form [`compose`] writes, record by
/// record, noting where each record's text is; `None` for anything else.
fn parse_written(bytes: &[u8]) -> Option<(Vec<KeyRecord>, Vec<Range<usize>>)> {
    let mut at = HEAD.len();
    if !bytes.starts_with(HEAD) {
        return None;
    }
    let (mut keys, mut records) = (Vec::new(), Vec::new());
    if bytes.get(at) == Some(&b']') {
        at += 1;
    } else {
        loop {
            let mut one =
                serde_json::Deserializer::from_slice(bytes.get(at..)?).into_iter::<KeyRecord>();
            let record = one.next()?.ok()?;
            let end = at + one.byte_offset();
            // Only the object itself: no spaces around it.
            if bytes.get(at) != Some(&b'{') || bytes.get(end - 1) != Some(&b'}') {
                return None;
            }
            keys.push(record);
            records.push(at..end);
            at = end + 1;
            match bytes.get(end)? {
                b',' => {}
                b']' => break,
                _ => return None,
            }
        }
    }
    (bytes.get(at..)? == &TAIL[1..]).then_some((keys, records))
}

/// Reads a catalog in any layout, saying what is wrong with one that is not.
fn parse_any(path: &Path, bytes: &[u8]) -> Result<Vec<KeyRecord>, CatalogError> {
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
    Ok(file.keys)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::naming::Label;
    use crate::record::test_support::record;

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
        assert!(matches!(
            catalog.load(),
            Err(CatalogError::File(FileError::Unsafe { .. }))
        ));
        let before = fs::read(catalog.path()).unwrap();
        let changed = catalog.update(|keys| {
            keys.clear();
            Ok::<_, CatalogError>(())
        });
        assert!(matches!(
            changed,
            Err(CatalogError::File(FileError::Unsafe { .. }))
        ));
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
        assert_eq!(other.read(<[KeyRecord]>::len).unwrap(), 3);
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

    /// The file as serializing every record anew writes it.
    fn written_anew(keys: &[KeyRecord]) -> Vec<u8> {
        let mut bytes = serde_json::to_vec(&CatalogFileRef {
            format: FORMAT,
            keys,
        })
        .unwrap();
        bytes.push(b'\n');
        bytes
    }

    #[test]
    fn a_save_writes_the_same_file_as_writing_every_record_anew() {
        let dir = tempfile::tempdir().unwrap();
        let catalog = Catalog::open(dir.path()).unwrap();
        for id in ["a", "b", "c", "d", "e", "f"] {
            add(&catalog, id);
        }
        type Change = fn(&mut Vec<KeyRecord>);
        let changes: [(&str, Change); 6] = [
            ("one changed", |keys| {
                keys[2].notes = Label::notes("new").unwrap();
            }),
            ("one removed", |keys| keys.retain(|k| k.id != "b")),
            ("one added", |keys| keys.push(record("g", "g"))),
            ("reordered", |keys| keys.reverse()),
            ("first and last removed", |keys| {
                keys.remove(0);
                keys.pop();
            }),
            ("all removed", |keys| keys.clear()),
        ];
        for (what, change) in changes {
            catalog
                .update(|keys| {
                    change(keys);
                    Ok::<_, CatalogError>(())
                })
                .unwrap();
            let keys = Catalog::open(dir.path()).unwrap().load().unwrap();
            assert_eq!(catalog.load().unwrap(), keys, "{what}: the same records");
            assert_eq!(
                fs::read(catalog.path()).unwrap(),
                written_anew(&keys),
                "{what}: the same bytes"
            );
        }
    }

    #[test]
    fn adding_and_removing_one_record_write_the_same_file_as_writing_every_record_anew() {
        let dir = tempfile::tempdir().unwrap();
        let catalog = Catalog::open(dir.path()).unwrap();
        let same_as_anew = |what: &str| {
            let keys = Catalog::open(dir.path()).unwrap().load().unwrap();
            assert_eq!(catalog.load().unwrap(), keys, "{what}: the same records");
            assert_eq!(
                fs::read(catalog.path()).unwrap(),
                written_anew(&keys),
                "{what}: the same bytes"
            );
            keys.into_iter().map(|k| k.id).collect::<Vec<_>>()
        };
        for id in ["a", "b", "c", "d"] {
            catalog
                .add(&record(id, id), |_| Ok::<_, CatalogError>(()))
                .unwrap();
            same_as_anew("added");
        }
        let refused = catalog.add(&record("e", "e"), |keys| {
            assert_eq!(keys.len(), 4, "the check sees the records");
            Err(CatalogError::TooNew { path: "x".into() })
        });
        assert!(refused.is_err());
        catalog.remove("nobody").unwrap();
        for (id, left) in [
            ("b", &["a", "c", "d"][..]),
            ("a", &["c", "d"]),
            ("d", &["c"]),
            ("c", &[]),
        ] {
            catalog.remove(id).unwrap();
            assert_eq!(same_as_anew("removed"), left);
        }
        // A file in another layout is written in this version's.
        let pretty = serde_json::to_vec_pretty(&CatalogFileRef {
            format: 1,
            keys: &[record("x", "x"), record("y", "y")],
        })
        .unwrap();
        fs::write(catalog.path(), pretty).unwrap();
        catalog.remove("x").unwrap();
        assert_eq!(same_as_anew("removed from another layout"), ["y"]);
    }

    #[test]
    fn a_save_copies_the_text_of_unchanged_records_and_writes_changed_ones_anew() {
        let dir = tempfile::tempdir().unwrap();
        let catalog = Catalog::open(dir.path()).unwrap();
        add(&catalog, "a");
        add(&catalog, "b");
        // Record a as another program may write it: same value, other text.
        let plain = fs::read_to_string(catalog.path()).unwrap();
        let escaped = plain.replacen("\"cid-a\"", "\"cid-\\u0061\"", 1);
        assert_ne!(plain, escaped);
        fs::write(catalog.path(), &escaped).unwrap();
        let reader = Catalog::open(dir.path()).unwrap();
        assert_eq!(reader.load().unwrap()[0].credential_id, "cid-a");

        reader
            .update(|keys| {
                keys[1].notes = Label::notes("changed").unwrap();
                Ok::<_, CatalogError>(())
            })
            .unwrap();
        let text = fs::read_to_string(catalog.path()).unwrap();
        assert!(text.contains("cid-\\u0061"), "a's text was copied: {text}");
        assert!(text.contains("changed"), "b was written anew: {text}");

        reader
            .update(|keys| {
                keys[0].notes = Label::notes("changed too").unwrap();
                Ok::<_, CatalogError>(())
            })
            .unwrap();
        let keys = reader.load().unwrap();
        assert_eq!(
            fs::read(catalog.path()).unwrap(),
            written_anew(&keys),
            "a changed, so it was written anew"
        );
    }

    #[test]
    fn a_catalog_in_another_layout_is_read_and_saved_compact() {
        let dir = tempfile::tempdir().unwrap();
        let catalog = Catalog::open(dir.path()).unwrap();
        let keys = [record("a", "a"), record("b", "b")];
        let pretty = serde_json::to_vec_pretty(&CatalogFileRef {
            format: 1,
            keys: &keys,
        })
        .unwrap();
        fs::write(catalog.path(), pretty).unwrap();
        assert_eq!(catalog.load().unwrap(), keys);
        catalog
            .update(|keys| {
                keys.pop();
                Ok::<_, CatalogError>(())
            })
            .unwrap();
        assert_eq!(fs::read(catalog.path()).unwrap(), written_anew(&keys[..1]));
    }

    #[test]
    fn a_format_1_catalog_is_read_and_saved_as_format_2_which_format_1_refuses() {
        let dir = tempfile::tempdir().unwrap();
        let catalog = Catalog::open(dir.path()).unwrap();
        let keys = [record("a", "a")];
        let old = serde_json::to_vec(&CatalogFileRef {
            format: 1,
            keys: &keys,
        })
        .unwrap();
        fs::write(catalog.path(), old).unwrap();
        assert_eq!(catalog.load().unwrap(), keys);
        add(&catalog, "b");
        let saved: serde_json::Value =
            serde_json::from_slice(&fs::read(catalog.path()).unwrap()).unwrap();
        // A format-1 Keyward refuses anything above 1 as too new, instead of
        // dropping the fields it does not know on its next save.
        assert_eq!(saved["format"], 2);
        assert_eq!(saved["keys"].as_array().unwrap().len(), 2);
    }

    #[test]
    fn damage_after_the_last_record_makes_the_catalog_unreadable() {
        let dir = tempfile::tempdir().unwrap();
        let catalog = Catalog::open(dir.path()).unwrap();
        add(&catalog, "a");
        let mut bytes = fs::read(catalog.path()).unwrap();
        bytes.truncate(bytes.len() - 2);
        bytes.extend_from_slice(b",}\n");
        fs::write(catalog.path(), &bytes).unwrap();
        assert!(matches!(
            Catalog::open(dir.path()).unwrap().load(),
            Err(CatalogError::Unreadable { .. })
        ));
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
