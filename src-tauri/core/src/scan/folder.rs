//! Scanning a folder: walking it in one of two modes and scanning each file.
//!
//! Promises:
//! - [`Mode::Committable`] scans what git would commit: `.gitignore` files
//!   (and `.git/info/exclude`, the global excludes file) are respected,
//!   hidden files are scanned, `.git` is not, links are not followed (git
//!   commits a link, not what it points to).
//! - [`Mode::Everywhere`] scans every file, hidden and ignored ones too
//!   (`.env`, `.npmrc`, shell history, `.git/config`), and follows links;
//!   a link loop is reported once and ends there.
//! - Only regular files are opened (never a fifo or a device, which could
//!   block). A file or folder that cannot be read is counted and listed,
//!   and the scan goes on.

use std::fs::File;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};

use ignore::WalkBuilder;
use serde::Serialize;

use super::{Hit, Matcher, TextScan};

/// Which files a folder scan reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    /// What git would commit: ignored files and `.git` left out.
    Committable,
    /// Every file, hidden and ignored ones too, following links.
    Everywhere,
}

/// A file or folder that could not be read, and why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Unreadable {
    /// The file or folder.
    pub path: PathBuf,
    /// What went wrong, in the system's words.
    pub error: String,
}

/// What a folder scan found and read.
#[derive(Debug, Default)]
pub struct FolderScan {
    /// Each key found, with its file.
    pub hits: Vec<(PathBuf, Hit)>,
    /// Files read.
    pub files: u64,
    /// Bytes read.
    pub bytes: u64,
    /// Binary files and archives skipped.
    pub binary_skipped: u64,
    /// Files and folders that could not be read (link loops included).
    pub unreadable: Vec<Unreadable>,
    /// Whether the scan was cancelled before the end.
    pub cancelled: bool,
}

/// File name endings of archives and compressed files (skipped like binaries).
const ARCHIVES: &[&str] = &[
    ".zip", ".jar", ".war", ".gz", ".tgz", ".bz2", ".xz", ".zst", ".7z", ".rar", ".tar",
];

/// Scans the folder (or file) `root` in `mode`. `progress(files, bytes)`
/// is called after each file.
pub fn scan_folder(
    matcher: &Matcher,
    root: &Path,
    mode: Mode,
    cancel: &AtomicBool,
    mut progress: impl FnMut(u64, u64),
) -> FolderScan {
    let mut walk = WalkBuilder::new(root);
    match mode {
        Mode::Committable => {
            walk.standard_filters(false)
                .git_ignore(true)
                .git_exclude(true)
                .git_global(true)
                .parents(true)
                .require_git(false)
                .follow_links(false)
                .filter_entry(|entry| entry.file_name() != ".git");
        }
        Mode::Everywhere => {
            walk.standard_filters(false).follow_links(true);
        }
    }
    walk.sort_by_file_name(|a, b| a.cmp(b));
    let mut scan = FolderScan::default();
    for entry in walk.build() {
        if cancel.load(Ordering::Relaxed) {
            scan.cancelled = true;
            break;
        }
        let entry = match entry {
            Ok(entry) => entry,
            Err(error) => {
                scan.unreadable.push(unreadable(root, &error));
                continue;
            }
        };
        if !entry.file_type().is_some_and(|t| t.is_file()) {
            continue;
        }
        let path = entry.path();
        let name = path.file_name().map(|n| n.to_string_lossy().to_lowercase());
        if name.is_some_and(|n| ARCHIVES.iter().any(|a| n.ends_with(a))) {
            scan.binary_skipped += 1;
            continue;
        }
        let file = match File::open(path) {
            Ok(file) => file,
            Err(error) => {
                scan.unreadable.push(Unreadable {
                    path: path.to_owned(),
                    error: error.to_string(),
                });
                continue;
            }
        };
        let mut counted = Counted {
            inner: file,
            bytes: 0,
        };
        match matcher.scan_reader(&mut counted, cancel) {
            Ok(TextScan::Read(hits)) => {
                scan.files += 1;
                scan.hits
                    .extend(hits.into_iter().map(|hit| (path.to_owned(), hit)));
            }
            Ok(TextScan::Binary) => scan.binary_skipped += 1,
            Ok(TextScan::Cancelled) => {
                scan.cancelled = true;
                break;
            }
            Err(error) => scan.unreadable.push(Unreadable {
                path: path.to_owned(),
                error: error.to_string(),
            }),
        }
        scan.bytes += counted.bytes;
        progress(scan.files, scan.bytes);
    }
    scan
}

/// A walker's error as a path and a reason.
fn unreadable(root: &Path, error: &ignore::Error) -> Unreadable {
    fn path_of(error: &ignore::Error) -> Option<PathBuf> {
        match error {
            ignore::Error::WithPath { path, .. } => Some(path.clone()),
            ignore::Error::Loop { child, .. } => Some(child.clone()),
            ignore::Error::WithDepth { err, .. } | ignore::Error::WithLineNumber { err, .. } => {
                path_of(err)
            }
            ignore::Error::Partial(errors) => errors.iter().find_map(path_of),
            _ => None,
        }
    }
    fn reason(error: &ignore::Error) -> String {
        match error {
            ignore::Error::WithPath { err, .. }
            | ignore::Error::WithDepth { err, .. }
            | ignore::Error::WithLineNumber { err, .. } => reason(err),
            ignore::Error::Loop { ancestor, .. } => format!(
                "a link loop (it leads back to {}); not followed again",
                ancestor.display()
            ),
            other => other.to_string(),
        }
    }
    Unreadable {
        path: path_of(error).unwrap_or_else(|| root.to_owned()),
        error: reason(error),
    }
}

/// Counts the bytes read through it.
struct Counted<R> {
    inner: R,
    bytes: u64,
}

impl<R: std::io::Read> std::io::Read for Counted<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.bytes += n as u64;
        Ok(n)
    }
}
