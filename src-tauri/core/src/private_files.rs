//! How Keyward makes, checks and writes its files: the data and config
//! folders, the catalog, the settings, the audit log and the reports it
//! saves for people. Every file Keyward writes goes through this module.
//!
//! Promises (Unix; elsewhere the platform's defaults apply):
//! - [`private_dir`] creates a folder readable only by the user (0700). An
//!   existing folder that belongs to another user, or that other people can
//!   write to, is refused with a sentence saying how to fix it (someone may
//!   have put files in it); one that other people can only read is made
//!   private, and a note on standard error says so.
//! - [`write_atomically`] never writes through an existing file. It writes a
//!   new file created exclusively (`O_EXCL`, mode 0600, an unpredictable
//!   name: [`tempfile`]) beside the target, flushes it, renames it over the
//!   target and flushes the folder, so a crash leaves the old content or the
//!   new, and the result is a 0600 regular file of the user. An existing
//!   target that is not a regular file (a link, a device such as
//!   `/dev/stdout`, a fifo, a folder) or that belongs to another user is
//!   refused and left as it is.
//! - [`open_append`] and [`open_read`] never follow a link (`O_NOFOLLOW`):
//!   a link, a file that is not a regular file, or one of another user is
//!   refused; a file others can read is made private (0600) before use.
//! - [`open_lock_file`] is the one way a file locked to take turns with
//!   other processes is opened: made 0600 when missing, never emptied, and,
//!   like [`open_append`], never through a link nor on another user's file.
//! - Every failure is a [`FileError`]: the disk's refusal with the file and
//!   what Keyward was doing ([`FileError::Io`]), or a refusal of a file
//!   that is not safe to use ([`FileError::Unsafe`]), each a sentence naming
//!   the file, what is wrong and what to do. It is the one file error of
//!   the core: the catalog's, the audit log's, an import's and the audit
//!   stream's file problems are this type, and it becomes an error code in
//!   one place ([`FileError::code`]).

use std::fs::{self, File, OpenOptions};
use std::io::{self, Write};
use std::path::{Path, PathBuf};

/// A file or folder Keyward could not use, said as a sentence that names it.
#[derive(Debug, thiserror::Error)]
pub enum FileError {
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

impl FileError {
    /// Turns the operating system's error while doing `action` ("read",
    /// "write", ...) to `path` into a [`FileError::Io`]; for `map_err`.
    pub fn io<'a>(action: &'static str, path: &'a Path) -> impl FnOnce(io::Error) -> Self + 'a {
        move |source| Self::Io {
            action,
            path: path.to_owned(),
            source,
        }
    }

    /// The code scripts and the window act on: `io` for the disk's refusal,
    /// `unsafe_file` for a file Keyward would not use.
    pub fn code(&self) -> crate::Code {
        match self {
            Self::Io { .. } => crate::Code::Io,
            Self::Unsafe { .. } => crate::Code::UnsafeFile,
        }
    }

    /// The file or folder concerned.
    pub fn path(&self) -> &Path {
        match self {
            Self::Io { path, .. } | Self::Unsafe { path, .. } => path,
        }
    }

    /// Whether the disk said there is no such file.
    pub fn is_not_found(&self) -> bool {
        matches!(self, Self::Io { source, .. } if source.kind() == io::ErrorKind::NotFound)
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

/// Creates `dir` (and its parents) readable only by the user, or checks an
/// existing one: refused when it belongs to another user or others can
/// write to it; made private when others can only read it.
pub fn private_dir(dir: &Path) -> Result<(), FileError> {
    create_dir_all(dir).map_err(FileError::io("create the folder", dir))?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::{MetadataExt, PermissionsExt};
        let meta = fs::metadata(dir).map_err(FileError::io("check the folder", dir))?;
        let shown = dir.display();
        if !meta.is_dir() {
            return Err(unsafe_file(
                dir,
                format!("{shown} is not a folder, so Keyward cannot keep its files there."),
            ));
        }
        if meta.uid() != effective_uid() {
            return Err(unsafe_file(
                dir,
                format!(
                    "The folder {shown} belongs to another user, so Keyward does not keep your files there. Set KEYWARD_DATA_DIR to a folder of your own, or give the folder back to yourself."
                ),
            ));
        }
        let mode = meta.mode() & 0o777;
        if mode & 0o022 != 0 {
            return Err(unsafe_file(
                dir,
                format!(
                    "Other people can change files in Keyward's folder {shown} (its permissions are {mode:03o}), so Keyward does not use it: someone could have replaced your list of keys or your audit log. Check the files in it, then make it private with: chmod 700 '{shown}'"
                ),
            ));
        }
        if mode & 0o077 != 0 {
            fs::set_permissions(dir, fs::Permissions::from_mode(0o700))
                .map_err(FileError::io("make private", dir))?;
            crate::note!(
                "keyward: other people could read Keyward's folder {shown} (permissions {mode:03o}); Keyward made it private (700)."
            );
        }
    }
    Ok(())
}

fn create_dir_all(dir: &Path) -> io::Result<()> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::DirBuilderExt;
        fs::DirBuilder::new()
            .recursive(true)
            .mode(0o700)
            .create(dir)
    }
    #[cfg(not(unix))]
    {
        fs::create_dir_all(dir)
    }
}

/// Writes `bytes` to `path` so that a crash leaves the old or the new
/// content, never writing through what is there (see the module's promises).
pub fn write_atomically(path: &Path, bytes: &[u8]) -> Result<(), FileError> {
    check_target(path)?;
    let dir = match path.parent() {
        Some(dir) if !dir.as_os_str().is_empty() => dir,
        _ => Path::new("."),
    };
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "file".into());
    // Said of the folder, not of the hidden temporary file made in it.
    fs::metadata(dir).map_err(FileError::io("find the folder", dir))?;
    // Exclusive create, mode 0600, random name: nothing planted can catch it.
    let mut temp = tempfile::Builder::new()
        .prefix(&format!(".{name}."))
        .suffix(".tmp")
        .tempfile_in(dir)
        .map_err(FileError::io("create a file in", dir))?;
    let temp_path = temp.path().to_owned();
    temp.write_all(bytes)
        .map_err(FileError::io("write", &temp_path))?;
    temp.as_file()
        .sync_all()
        .map_err(FileError::io("flush", &temp_path))?;
    faults::before_rename()?;
    // On failure the temporary file is removed when `temp` is dropped.
    temp.persist(path)
        .map_err(|e| FileError::io("replace", path)(e.error))?;
    sync_dir(dir).map_err(FileError::io("flush", dir))
}

/// Refuses an existing `path` that is not a regular file of the user.
fn check_target(path: &Path) -> Result<(), FileError> {
    let meta = match fs::symlink_metadata(path) {
        Ok(meta) => meta,
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(()),
        Err(e) => return Err(FileError::io("check", path)(e)),
    };
    check_regular_and_owned(path, &meta)
}

fn check_regular_and_owned(path: &Path, meta: &fs::Metadata) -> Result<(), FileError> {
    let shown = path.display();
    let file_type = meta.file_type();
    if !file_type.is_file() {
        let what = if file_type.is_symlink() {
            "a link"
        } else if file_type.is_dir() {
            "a folder"
        } else {
            "a device, pipe or socket"
        };
        return Err(unsafe_file(
            path,
            format!(
                "{shown} is {what}, not a regular file, so Keyward does not write to it (it could send the file somewhere else). Choose another file name, or, if it is one of Keyward's own files and you did not make that {what}, remove it and try again."
            ),
        ));
    }
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt;
        if meta.uid() != effective_uid() {
            return Err(unsafe_file(
                path,
                format!(
                    "{shown} belongs to another user, so Keyward does not write to it. Choose another file name, or remove that file first."
                ),
            ));
        }
    }
    Ok(())
}

/// Opens `path` for appending (created 0600 if missing), never through a
/// link; a file others can read is made private first.
pub fn open_append(path: &Path) -> Result<File, FileError> {
    let mut options = no_follow_options();
    options.read(true).append(true).create(true);
    let file = open_checked(path, &options)?;
    make_private(path, &file)?;
    Ok(file)
}

/// Opens `path` for reading, never through a link; `None` when it does not exist.
pub fn open_read(path: &Path) -> Result<Option<File>, FileError> {
    let mut options = no_follow_options();
    options.read(true);
    match open_checked(path, &options) {
        Ok(file) => Ok(Some(file)),
        Err(error) if error.is_not_found() => Ok(None),
        Err(e) => Err(e),
    }
}

fn open_checked(path: &Path, options: &OpenOptions) -> Result<File, FileError> {
    let file = match options.open(path) {
        Ok(file) => file,
        // O_NOFOLLOW on a link fails with ELOOP: say what it is.
        Err(e) if is_link_refusal(&e) => {
            let meta = fs::symlink_metadata(path).map_err(FileError::io("open", path))?;
            return Err(check_regular_and_owned(path, &meta)
                .err()
                .unwrap_or_else(|| FileError::io("open", path)(e)));
        }
        Err(e) => return Err(FileError::io("open", path)(e)),
    };
    let meta = file.metadata().map_err(FileError::io("check", path))?;
    check_regular_and_owned(path, &meta)?;
    Ok(file)
}

fn is_link_refusal(error: &io::Error) -> bool {
    #[cfg(unix)]
    {
        error.raw_os_error() == Some(libc::ELOOP)
    }
    #[cfg(not(unix))]
    {
        let _ = error;
        false
    }
}

fn make_private(path: &Path, file: &File) -> Result<(), FileError> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let meta = file.metadata().map_err(FileError::io("check", path))?;
        let mode = meta.permissions().mode() & 0o777;
        if mode & 0o077 != 0 {
            file.set_permissions(fs::Permissions::from_mode(0o600))
                .map_err(FileError::io("make private", path))?;
            crate::note!(
                "keyward: other people could read {} (permissions {mode:03o}); Keyward made it private (600).",
                path.display()
            );
        }
    }
    #[cfg(not(unix))]
    let _ = (path, file);
    Ok(())
}

/// Options for a file Keyward creates itself: 0600, links not followed.
fn no_follow_options() -> OpenOptions {
    let mut options = OpenOptions::new();
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600).custom_flags(libc::O_NOFOLLOW);
    }
    options
}

/// Opens the lock file `path` for reading and writing, made private (0600)
/// when missing and never emptied: the one way Keyward opens the files it
/// locks to take turns with other processes (the catalog's, the vendor
/// profiles', the watched folders', a key's claim in `inflight/`). Like
/// [`open_append`], it never goes through a link and refuses what is not a
/// regular file of this user's, so a link planted in the data folder cannot
/// make Keyward create or hold open a file elsewhere.
pub fn open_lock_file(path: &Path) -> Result<File, FileError> {
    let mut options = no_follow_options();
    options.read(true).write(true).create(true).truncate(false);
    open_checked(path, &options)
}

/// Flushes `dir` itself to disk, so a rename or removal in it survives a crash.
pub(crate) fn sync_dir(dir: &Path) -> io::Result<()> {
    #[cfg(unix)]
    {
        File::open(dir)?.sync_all()
    }
    #[cfg(not(unix))]
    {
        let _ = dir;
        Ok(())
    }
}

#[cfg(unix)]
fn effective_uid() -> u32 {
    // SAFETY: geteuid has no preconditions and cannot fail.
    unsafe { libc::geteuid() }
}

fn unsafe_file(path: &Path, reason: String) -> FileError {
    FileError::Unsafe {
        path: path.to_owned(),
        reason,
    }
}

/// Test-only switch that makes the next atomic write fail just before the rename.
pub(crate) mod faults {
    use super::FileError;

    #[cfg(test)]
    thread_local! {
        pub static FAIL_BEFORE_RENAME: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
    }

    pub fn before_rename() -> Result<(), FileError> {
        #[cfg(test)]
        if FAIL_BEFORE_RENAME.with(|f| f.replace(false)) {
            return Err(FileError::Io {
                action: "replace",
                path: "test".into(),
                source: std::io::Error::other("injected fault"),
            });
        }
        Ok(())
    }
}

#[cfg(all(test, unix))]
mod tests {
    use super::*;
    use std::os::unix::fs::{PermissionsExt, symlink};

    fn mode(path: &Path) -> u32 {
        fs::metadata(path).unwrap().permissions().mode() & 0o777
    }

    #[test]
    fn a_lock_file_is_made_private_and_never_emptied() {
        let root = tempfile::tempdir().unwrap();
        let path = root.path().join("x.lock");
        drop(open_lock_file(&path).unwrap());
        assert_eq!(mode(&path), 0o600, "a new lock file is the user's only");
        fs::write(&path, b"kept").unwrap();
        drop(open_lock_file(&path).unwrap());
        assert_eq!(
            fs::read(&path).unwrap(),
            b"kept",
            "opening it again empties nothing"
        );
    }

    #[test]
    fn a_lock_file_is_never_opened_through_a_link() {
        let root = tempfile::tempdir().unwrap();
        let elsewhere = root.path().join("elsewhere");
        let link = root.path().join("catalog.lock");
        symlink(&elsewhere, &link).unwrap();
        let err = open_lock_file(&link).unwrap_err();
        assert!(err.to_string().contains("is a link"), "{err}");
        assert!(!elsewhere.exists(), "nothing made where the link points");

        fs::write(&elsewhere, b"precious").unwrap();
        fs::set_permissions(&elsewhere, fs::Permissions::from_mode(0o644)).unwrap();
        assert!(open_lock_file(&link).is_err());
        assert_eq!(fs::read(&elsewhere).unwrap(), b"precious");
        assert_eq!(mode(&elsewhere), 0o644, "the linked file is left as it was");
    }

    #[test]
    fn writing_into_a_missing_folder_says_the_folder_is_missing_not_the_disk_full() {
        let root = tempfile::tempdir().unwrap();
        let target = root.path().join("nodir").join("keys.csv");
        let message = write_atomically(&target, b"x").unwrap_err().to_string();
        assert!(
            message.contains(&root.path().join("nodir").display().to_string()),
            "names the folder: {message}"
        );
        assert!(
            message.contains("Check that the folder exists"),
            "{message}"
        );
        assert!(
            !message.contains(".keys.csv.") && !message.contains("disk is not full"),
            "no hidden temporary file and no advice that does not fit: {message}"
        );
    }

    #[test]
    fn a_new_folder_is_private_and_a_readable_one_is_made_private() {
        let root = tempfile::tempdir().unwrap();
        let dir = root.path().join("a").join("b");
        private_dir(&dir).unwrap();
        assert_eq!(mode(&dir), 0o700);
        fs::set_permissions(&dir, fs::Permissions::from_mode(0o755)).unwrap();
        private_dir(&dir).unwrap();
        assert_eq!(mode(&dir), 0o700, "tightened");
    }

    #[test]
    fn a_folder_others_can_write_to_is_refused_and_left_as_it_is() {
        let root = tempfile::tempdir().unwrap();
        for loose in [0o777, 0o770, 0o702, 0o1777] {
            fs::set_permissions(root.path(), fs::Permissions::from_mode(loose)).unwrap();
            let err = private_dir(root.path()).unwrap_err();
            assert!(matches!(err, FileError::Unsafe { .. }), "{loose:o}");
            assert!(err.to_string().contains("chmod 700"), "{err}");
            assert_eq!(
                fs::metadata(root.path()).unwrap().permissions().mode() & 0o7777,
                loose
            );
        }
    }

    #[test]
    fn writing_replaces_the_target_with_a_private_regular_file() {
        let root = tempfile::tempdir().unwrap();
        let path = root.path().join("out.csv");
        fs::write(&path, "old").unwrap();
        fs::set_permissions(&path, fs::Permissions::from_mode(0o666)).unwrap();
        write_atomically(&path, b"new").unwrap();
        assert_eq!(fs::read(&path).unwrap(), b"new");
        assert_eq!(mode(&path), 0o600);
        let names: Vec<_> = fs::read_dir(root.path()).unwrap().collect();
        assert_eq!(names.len(), 1, "no temporary file left");
    }

    #[test]
    fn writing_refuses_links_fifos_and_folders_and_leaves_them_alone() {
        let root = tempfile::tempdir().unwrap();
        let victim = root.path().join("victim");
        fs::write(&victim, "precious").unwrap();
        let link = root.path().join("link");
        symlink(&victim, &link).unwrap();
        let dangling = root.path().join("dangling");
        symlink(root.path().join("nowhere"), &dangling).unwrap();
        let folder = root.path().join("folder");
        fs::create_dir(&folder).unwrap();
        for target in [&link, &dangling, &folder, Path::new("/dev/null")] {
            let err = write_atomically(target, b"report").unwrap_err();
            assert!(
                err.to_string().contains("not a regular file"),
                "{target:?}: {err}"
            );
        }
        assert_eq!(fs::read(&victim).unwrap(), b"precious");
        assert!(
            fs::symlink_metadata(&link)
                .unwrap()
                .file_type()
                .is_symlink()
        );
        assert!(!root.path().join("nowhere").exists());
    }

    #[test]
    fn appending_never_follows_a_link_and_makes_a_readable_file_private() {
        let root = tempfile::tempdir().unwrap();
        let victim = root.path().join("victim");
        fs::write(&victim, "precious").unwrap();
        let link = root.path().join("audit.log");
        symlink(&victim, &link).unwrap();
        let err = open_append(&link).unwrap_err();
        assert!(err.to_string().contains("is a link"), "{err}");
        assert!(open_read(&link).is_err(), "not read through a link either");
        fs::remove_file(&link).unwrap();

        let mut file = open_append(&link).unwrap();
        file.write_all(b"line\n").unwrap();
        assert_eq!(mode(&link), 0o600, "created private");
        fs::set_permissions(&link, fs::Permissions::from_mode(0o644)).unwrap();
        drop(open_append(&link).unwrap());
        assert_eq!(mode(&link), 0o600, "made private");
        assert!(open_read(&root.path().join("missing")).unwrap().is_none());
    }

    #[test]
    fn a_file_error_says_what_was_done_to_which_file_and_what_to_check() {
        let error = FileError::io("write", Path::new("/d/catalog.json"))(io::Error::from(
            io::ErrorKind::PermissionDenied,
        ));
        let said = error.to_string();
        assert!(
            said.starts_with("Keyward could not write /d/catalog.json: ")
                && said.ends_with("Check that you may write there."),
            "one plain sentence: {said}"
        );
        assert_eq!(error.code(), crate::Code::Io);
        assert_eq!(error.path(), Path::new("/d/catalog.json"));
        assert!(!error.is_not_found());
        assert!(
            FileError::io("read", Path::new("x"))(io::ErrorKind::NotFound.into()).is_not_found()
        );
        let refused = unsafe_file(Path::new("x"), "x is a link.".into());
        assert_eq!(refused.code(), crate::Code::UnsafeFile);
        assert_eq!(refused.to_string(), "x is a link.");
    }
}
