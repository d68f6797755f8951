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
//! - Files are read on every core; hits come in path order (and in text
//!   order within a file), unreadable paths in path order, whatever order
//!   the threads finish in. Progress is reported on the calling thread.

use std::fs::File;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc;

use ignore::{WalkBuilder, WalkState};
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
/// is called after each file, on the calling thread.
///
/// Files are read on every core (the walker's threads); what they find is
/// merged here and sorted by path, so the result is the same as a walk in
/// file-name order would give, whatever order the threads finish in.
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
    let mut scan = FolderScan::default();
    let mut hits: Vec<(PathBuf, Vec<Hit>)> = Vec::new();
    let (sender, receiver) = mpsc::channel::<FileOutcome>();
    std::thread::scope(|threads| {
        let walker = walk.build_parallel();
        threads.spawn(move || {
            walker.run(|| {
                let sender = sender.clone();
                Box::new(move |entry| {
                    if cancel.load(Ordering::Relaxed) {
                        // Cannot fail (see below).
                        let _ = sender.send(FileOutcome::Cancelled);
                        return WalkState::Quit;
                    }
                    let outcome = scan_entry(matcher, root, entry, cancel);
                    let quit = matches!(outcome, Some(FileOutcome::Cancelled));
                    // Sending cannot fail: the receiver is read until every
                    // sender is gone.
                    if let Some(outcome) = outcome {
                        let _ = sender.send(outcome);
                    }
                    if quit {
                        WalkState::Quit
                    } else {
                        WalkState::Continue
                    }
                })
            });
        });
        for outcome in receiver {
            match outcome {
                FileOutcome::Read {
                    path,
                    hits: found,
                    bytes,
                } => {
                    scan.files += 1;
                    scan.bytes += bytes;
                    if !found.is_empty() {
                        hits.push((path, found));
                    }
                }
                FileOutcome::Skipped { bytes } => {
                    scan.binary_skipped += 1;
                    let Some(bytes) = bytes else { continue };
                    scan.bytes += bytes;
                }
                FileOutcome::Unreadable { error, bytes } => {
                    scan.unreadable.push(error);
                    let Some(bytes) = bytes else { continue };
                    scan.bytes += bytes;
                }
                FileOutcome::Cancelled => {
                    scan.cancelled = true;
                    continue;
                }
            }
            progress(scan.files, scan.bytes);
        }
    });
    hits.sort_by(|a, b| a.0.cmp(&b.0));
    scan.hits = hits
        .into_iter()
        .flat_map(|(path, found)| found.into_iter().map(move |hit| (path.clone(), hit)))
        .collect();
    scan.unreadable.sort_by(|a, b| a.path.cmp(&b.path));
    scan
}

/// What one walked entry came to (none for folders and other non-files).
enum FileOutcome {
    /// A file read to its end, with what was found in it.
    Read {
        path: PathBuf,
        hits: Vec<Hit>,
        bytes: u64,
    },
    /// A binary file, or (bytes `None`: not opened) an archive.
    Skipped { bytes: Option<u64> },
    /// A file or folder that could not be read (bytes `None`: not opened).
    Unreadable {
        error: Unreadable,
        bytes: Option<u64>,
    },
    /// The scan was cancelled.
    Cancelled,
}

/// Scans one walked entry, if it is a regular file.
fn scan_entry(
    matcher: &Matcher,
    root: &Path,
    entry: Result<ignore::DirEntry, ignore::Error>,
    cancel: &AtomicBool,
) -> Option<FileOutcome> {
    let entry = match entry {
        Ok(entry) => entry,
        Err(error) => {
            return Some(FileOutcome::Unreadable {
                error: unreadable(root, &error),
                bytes: None,
            });
        }
    };
    if !entry.file_type().is_some_and(|t| t.is_file()) {
        return None;
    }
    let path = entry.path();
    let name = path.file_name().map(|n| n.to_string_lossy().to_lowercase());
    if name.is_some_and(|n| ARCHIVES.iter().any(|a| n.ends_with(a))) {
        return Some(FileOutcome::Skipped { bytes: None });
    }
    let file = match File::open(path) {
        Ok(file) => file,
        Err(error) => {
            return Some(FileOutcome::Unreadable {
                error: Unreadable {
                    path: path.to_owned(),
                    error: error.to_string(),
                },
                bytes: None,
            });
        }
    };
    let mut counted = Counted {
        inner: file,
        bytes: 0,
    };
    let result = matcher.scan_reader(&mut counted, cancel);
    let bytes = counted.bytes;
    Some(match result {
        Ok(TextScan::Read(hits)) => FileOutcome::Read {
            path: entry.into_path(),
            hits,
            bytes,
        },
        Ok(TextScan::Binary) => FileOutcome::Skipped { bytes: Some(bytes) },
        Ok(TextScan::Cancelled) => FileOutcome::Cancelled,
        Err(error) => FileOutcome::Unreadable {
            error: Unreadable {
                path: path.to_owned(),
                error: error.to_string(),
            },
            bytes: Some(bytes),
        },
    })
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
