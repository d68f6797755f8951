//! The journal of keys being created or deleted: one small file per key,
//! `inflight/<id>.json` in the data folder, beside the catalog.
//!
//! Creating or deleting a key first says so here, then calls the keychain,
//! then changes the catalog once, then removes the note. The catalog, which
//! may hold 100,000 keys, is written once per operation instead of twice,
//! and the protocol's promises stay as they were (see `vault`): every
//! reader of the catalog sees a key noted here as `pending` or `deleting`,
//! exactly as if that state were written in the catalog itself.
//!
//! Promises:
//! - A note is written atomically and flushed ([`write_atomically`]) before
//!   the keychain is called, and removed (the folder flushed) only after the
//!   catalog change it leads to is on disk: a crash at any point leaves a
//!   note that says what was under way, or no note and a finished change.
//! - A note is the key's whole record, in the state it is in while the
//!   operation runs: `pending` (being created: the record is not in the
//!   catalog yet) or `deleting` (being deleted: the record is in the catalog).
//! - A note that the catalog has overtaken (a created key already in the
//!   catalog, a deleted key already gone from it) changes nothing and is
//!   removed by the next recovery.
//! - A note that cannot be read (damaged, not a regular file of the user,
//!   a link, another key's record) is refused in plain words and left as it
//!   is; nothing else is changed until it is dealt with.
//! - Keys created together (a batch of an import) may share one note,
//!   `inflight/batch-<name>.json`, holding their `pending` records: written
//!   and flushed once for the batch, read as if each key had its own note.
//!   Removing one key's note takes it out of its batch (the batch note is
//!   removed once empty).

use std::fs;
use std::io::{self, Read};
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::catalog::CatalogError;
use crate::private_files::{open_read, private_dir, write_atomically};
use crate::record::{KeyRecord, KeyState};

/// The folder of notes (and of the locks of operations in flight).
pub const FOLDER: &str = "inflight";
const SUFFIX: &str = ".json";
const BATCH_PREFIX: &str = "batch-";
const FORMAT: u32 = 1;

#[derive(Serialize)]
struct BatchRef<'a> {
    format: u32,
    keys: &'a [KeyRecord],
}

#[derive(Deserialize)]
struct Batch {
    format: u32,
    keys: Vec<KeyRecord>,
}

#[derive(Serialize)]
struct NoteRef<'a> {
    format: u32,
    key: &'a KeyRecord,
}

#[derive(Deserialize)]
struct Note {
    format: u32,
    key: KeyRecord,
}

fn folder(data_dir: &Path) -> PathBuf {
    data_dir.join(FOLDER)
}

fn path(data_dir: &Path, id: &str) -> PathBuf {
    folder(data_dir).join(format!("{id}{SUFFIX}"))
}

/// Notes that `record` (in state `pending` or `deleting`) is being created
/// or deleted.
pub fn write(data_dir: &Path, record: &KeyRecord) -> Result<(), CatalogError> {
    debug_assert!(
        record.state != KeyState::Active,
        "only work in flight is noted"
    );
    let dir = folder(data_dir);
    private_dir(&dir)?;
    let path = path(data_dir, &record.id);
    let bytes = serde_json::to_vec(&NoteRef {
        format: FORMAT,
        key: record,
    })
    .map_err(|e| crate::private_files::FileError::io("prepare", &path)(io::Error::other(e)))?;
    write_atomically(&path, &bytes).map_err(CatalogError::from)
}

fn batch_path(data_dir: &Path, name: &str) -> PathBuf {
    folder(data_dir).join(format!("{BATCH_PREFIX}{name}{SUFFIX}"))
}

/// Notes that every one of `records` (all `pending`) is being created, in
/// the one note of batch `name` (replacing what it held).
pub fn write_batch(data_dir: &Path, name: &str, records: &[KeyRecord]) -> Result<(), CatalogError> {
    debug_assert!(
        records.iter().all(|r| r.state == KeyState::Pending),
        "a batch notes keys being created"
    );
    let dir = folder(data_dir);
    private_dir(&dir)?;
    let path = batch_path(data_dir, name);
    let bytes = serde_json::to_vec(&BatchRef {
        format: FORMAT,
        keys: records,
    })
    .map_err(|e| crate::private_files::FileError::io("prepare", &path)(io::Error::other(e)))?;
    write_atomically(&path, &bytes).map_err(CatalogError::from)
}

/// Removes the note of batch `name` (none is fine), flushing the folder.
pub fn remove_batch(data_dir: &Path, name: &str) -> Result<(), CatalogError> {
    remove_file(data_dir, &batch_path(data_dir, name))
}

fn remove_file(data_dir: &Path, path: &Path) -> Result<(), CatalogError> {
    match fs::remove_file(path) {
        Ok(()) => {}
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(()),
        Err(e) => return Err(crate::private_files::FileError::io("remove", path)(e).into()),
    }
    let dir = folder(data_dir);
    crate::private_files::sync_dir(&dir)
        .map_err(crate::private_files::FileError::io("flush", &dir))
        .map_err(CatalogError::from)
}

/// Removes the note of key `id` (none is fine) and flushes the folder, so
/// the removal survives a crash; a key noted in a batch is taken out of it.
pub fn remove(data_dir: &Path, id: &str) -> Result<(), CatalogError> {
    remove_file(data_dir, &path(data_dir, id))?;
    for name in batch_names(data_dir)? {
        let mut keys = read_batch(data_dir, &name)?;
        let before = keys.len();
        keys.retain(|k| k.id != id);
        if keys.len() == before {
            continue;
        }
        if keys.is_empty() {
            remove_batch(data_dir, &name)?;
        } else {
            write_batch(data_dir, &name, &keys)?;
        }
    }
    Ok(())
}

/// The names of the batch notes.
fn batch_names(data_dir: &Path) -> Result<Vec<String>, CatalogError> {
    let dir = folder(data_dir);
    let entries = match fs::read_dir(&dir) {
        Ok(entries) => entries,
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(Vec::new()),
        Err(e) => return Err(crate::private_files::FileError::io("read", &dir)(e).into()),
    };
    let mut names = Vec::new();
    for entry in entries {
        let entry = entry.map_err(crate::private_files::FileError::io("read", &dir))?;
        if let Some(name) = entry
            .file_name()
            .to_str()
            .and_then(|n| n.strip_prefix(BATCH_PREFIX))
            .and_then(|n| n.strip_suffix(SUFFIX))
        {
            names.push(name.to_owned());
        }
    }
    names.sort();
    Ok(names)
}

fn read_batch(data_dir: &Path, name: &str) -> Result<Vec<KeyRecord>, CatalogError> {
    let path = batch_path(data_dir, name);
    let damaged = |detail: String| CatalogError::JournalUnreadable {
        path: path.clone(),
        detail,
    };
    let Some(mut file) = open_read(&path)? else {
        return Ok(Vec::new()); // removed meanwhile
    };
    let mut bytes = Vec::new();
    file.read_to_end(&mut bytes)
        .map_err(crate::private_files::FileError::io("read", &path))?;
    let batch: Batch = serde_json::from_slice(&bytes).map_err(|e| damaged(e.to_string()))?;
    if batch.format > FORMAT {
        return Err(damaged(
            "it was written by a newer version of Keyward".into(),
        ));
    }
    if batch.keys.iter().any(|k| k.state != KeyState::Pending) {
        return Err(damaged("it notes a key that is not being created".into()));
    }
    Ok(batch.keys)
}

/// Every note, in the order of the keys' ids. No folder means no notes.
pub fn read_all(data_dir: &Path) -> Result<Vec<KeyRecord>, CatalogError> {
    let dir = folder(data_dir);
    let entries = match fs::read_dir(&dir) {
        Ok(entries) => entries,
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(Vec::new()),
        Err(e) => return Err(crate::private_files::FileError::io("read", &dir)(e).into()),
    };
    let mut ids = Vec::new();
    for entry in entries {
        let entry = entry.map_err(crate::private_files::FileError::io("read", &dir))?;
        let name = entry.file_name();
        // Temporary files of a write in progress start with a dot.
        if let Some(id) = name.to_str().and_then(|n| n.strip_suffix(SUFFIX))
            && !id.starts_with('.')
            && !id.starts_with(BATCH_PREFIX)
        {
            ids.push(id.to_owned());
        }
    }
    ids.sort();
    let mut notes: Vec<KeyRecord> = ids
        .iter()
        .map(|id| read(data_dir, id))
        .collect::<Result<_, _>>()?;
    let names = batch_names(data_dir)?;
    if !names.is_empty() {
        for name in names {
            notes.extend(read_batch(data_dir, &name)?);
        }
        notes.sort_by(|a, b| a.id.cmp(&b.id));
    }
    Ok(notes)
}

fn read(data_dir: &Path, id: &str) -> Result<KeyRecord, CatalogError> {
    let path = path(data_dir, id);
    let damaged = |detail: String| CatalogError::JournalUnreadable {
        path: path.clone(),
        detail,
    };
    // Never through a link, only a regular file of the user.
    let mut file = open_read(&path)?.ok_or_else(|| damaged("it disappeared while read".into()))?;
    let mut bytes = Vec::new();
    file.read_to_end(&mut bytes)
        .map_err(crate::private_files::FileError::io("read", &path))?;
    let note: Note = serde_json::from_slice(&bytes).map_err(|e| damaged(e.to_string()))?;
    if note.format > FORMAT {
        return Err(damaged(
            "it was written by a newer version of Keyward".into(),
        ));
    }
    if note.key.id != id {
        return Err(damaged(format!(
            "it holds the key with id {}, not {id}",
            note.key.id
        )));
    }
    if note.key.state == KeyState::Active {
        return Err(damaged("it notes no operation in flight".into()));
    }
    Ok(note.key)
}

/// `keys` (the catalog's records) as they stand with the `notes` applied:
/// a key being deleted is `deleting`, a key being created is added as
/// `pending` after the others. Notes the catalog has overtaken change nothing.
pub fn apply(keys: &mut Vec<KeyRecord>, notes: Vec<KeyRecord>) {
    for note in notes {
        let existing = keys.iter_mut().find(|k| k.id == note.id);
        match (note.state, existing) {
            (KeyState::Deleting, Some(key)) => key.state = KeyState::Deleting,
            (KeyState::Pending, None) => keys.push(note),
            // Overtaken: created and in the catalog, or deleted and gone.
            _ => {}
        }
    }
}

/// Whether the note `note` has been overtaken by `keys` (see [`apply`]).
pub fn overtaken(note: &KeyRecord, keys: &[KeyRecord]) -> bool {
    let in_catalog = keys.iter().any(|k| k.id == note.id);
    match note.state {
        KeyState::Pending => in_catalog,
        _ => !in_catalog,
    }
}

#[cfg(all(test, unix))]
mod tests {
    use super::*;
    use crate::record::test_support::record;

    #[test]
    fn a_note_round_trips_and_removing_it_twice_is_fine() {
        let dir = tempfile::tempdir().unwrap();
        let mut key = record("k1", "one");
        key.state = KeyState::Pending;
        write(dir.path(), &key).unwrap();
        assert_eq!(read_all(dir.path()).unwrap(), [key]);
        remove(dir.path(), "k1").unwrap();
        remove(dir.path(), "k1").unwrap();
        assert!(read_all(dir.path()).unwrap().is_empty());
    }

    #[test]
    fn a_batch_note_reads_as_one_note_per_key_and_removing_its_keys_removes_it() {
        let dir = tempfile::tempdir().unwrap();
        let pending = |id: &str| {
            let mut key = record(id, id);
            key.state = KeyState::Pending;
            key
        };
        let mut single = record("m", "m");
        single.state = KeyState::Deleting;
        write(dir.path(), &single).unwrap();
        write_batch(dir.path(), "b1", &[pending("z"), pending("a")]).unwrap();
        let ids: Vec<String> = read_all(dir.path())
            .unwrap()
            .into_iter()
            .map(|k| k.id)
            .collect();
        assert_eq!(ids, ["a", "m", "z"], "in the order of the ids");
        remove(dir.path(), "z").unwrap();
        let ids: Vec<String> = read_all(dir.path())
            .unwrap()
            .into_iter()
            .map(|k| k.id)
            .collect();
        assert_eq!(ids, ["a", "m"]);
        remove(dir.path(), "a").unwrap();
        assert!(
            !dir.path().join("inflight/batch-b1.json").exists(),
            "an empty batch note is removed"
        );
        remove_batch(dir.path(), "b1").unwrap();
        assert_eq!(read_all(dir.path()).unwrap().len(), 1);
    }

    #[test]
    fn notes_apply_to_the_catalog_and_overtaken_notes_change_nothing() {
        let mut keys = vec![record("a", "a"), record("b", "b")];
        let mut deleting = record("a", "a");
        deleting.state = KeyState::Deleting;
        let mut gone = record("z", "z");
        gone.state = KeyState::Deleting;
        let mut pending = record("c", "c");
        pending.state = KeyState::Pending;
        let mut created = record("b", "b");
        created.state = KeyState::Pending;
        let notes = vec![deleting, gone, pending.clone(), created];
        assert_eq!(
            notes
                .iter()
                .map(|n| overtaken(n, &keys))
                .collect::<Vec<_>>(),
            [false, true, false, true]
        );
        apply(&mut keys, notes);
        let states: Vec<_> = keys.iter().map(|k| (k.id.as_str(), k.state)).collect();
        assert_eq!(
            states,
            [
                ("a", KeyState::Deleting),
                ("b", KeyState::Active),
                ("c", KeyState::Pending)
            ]
        );
    }
}
