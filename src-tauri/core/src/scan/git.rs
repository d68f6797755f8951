//! Scanning a git repository: its whole history, or what is staged for
//! the next commit; and the pre-commit hook that runs the latter.
//!
//! Promises:
//! - History: every object of the repository is read once, through one
//!   `git cat-file --batch-all-objects --unordered --batch` (each unique
//!   blob once, whatever number of commits and paths share it); only blobs
//!   are scanned. Git's output is read ahead on a thread of its own, into a
//!   few megabytes of buffers, while the calling thread matches, so git
//!   never waits for the matcher.
//! - The commits, paths and author dates are looked up only when a blob
//!   holds a key: one `git log --raw` pass, started at the first hit and
//!   run beside the rest of the scan (its output goes to an unnamed
//!   temporary file, not into memory), read once the scan is over.
//! - A blob in no commit (only in the index, a stash or left over) is still
//!   reported, without a commit.
//! - Staged: the blobs `git diff --cached` names (added, copied, modified,
//!   renamed) are scanned whole.
//! - What git says on standard error when it fails (a corrupt object, for
//!   example) is reported as a problem; what was read until then counts.
//! - The hook is installed where git looks for hooks (`core.hooksPath`
//!   respected) and an existing hook is never overwritten unless asked.

use std::collections::{HashMap, HashSet};
use std::fs::File;
use std::io::{self, BufRead, BufReader, Read, Seek, Write};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::atomic::AtomicBool;

use chrono::{DateTime, Utc};

use crate::error::{Error, Result};

use super::ahead::{Coalesce, read_ahead};
use super::{Hit, Matcher, TextScan};

/// Buffers (of [`AHEAD_SIZE`] bytes) git's output is read ahead into.
const AHEAD_BUFFERS: usize = 8;
const AHEAD_SIZE: usize = 1 << 20;

/// A key found in a repository.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GitHit {
    /// The blob that holds it.
    pub blob: String,
    /// A commit that added it at `path`, if any.
    pub commit: Option<String>,
    /// That commit's author date.
    pub author_date: Option<DateTime<Utc>>,
    /// The path the blob had there (or is staged at).
    pub path: Option<String>,
    /// The key and where in the blob.
    pub hit: Hit,
}

/// What a repository scan found and read.
#[derive(Debug, Default)]
pub struct GitScan {
    /// Each key found.
    pub hits: Vec<GitHit>,
    /// Blobs read.
    pub blobs: u64,
    /// Bytes read.
    pub bytes: u64,
    /// Binary blobs skipped.
    pub binary_skipped: u64,
    /// What git reported going wrong.
    pub problems: Vec<String>,
    /// Whether the scan was cancelled before the end.
    pub cancelled: bool,
}

fn git(repo: &Path) -> Command {
    let mut command = Command::new("git");
    command
        .arg("-C")
        .arg(repo)
        .args(["-c", "core.quotepath=off"])
        .stdin(Stdio::null());
    command
}

fn git_failed(what: &str, detail: impl std::fmt::Display) -> Error {
    Error::Invalid(format!(
        "Keyward could not {what}: {detail}. Check that git is installed and that the folder is a git repository."
    ))
}

/// Runs `git ARGS` in `repo`; its standard output.
fn git_output(repo: &Path, args: &[&str], what: &str) -> Result<String> {
    let out = git(repo)
        .args(args)
        .output()
        .map_err(|e| git_failed(what, e))?;
    if !out.status.success() {
        return Err(git_failed(
            what,
            String::from_utf8_lossy(&out.stderr).trim(),
        ));
    }
    Ok(String::from_utf8_lossy(&out.stdout).into_owned())
}

/// Reads `git cat-file --batch` output from `out`, scanning each blob.
fn read_batch(
    matcher: &Matcher,
    mut out: impl BufRead,
    cancel: &AtomicBool,
    scan: &mut GitScan,
    mut on_hits: impl FnMut(&str, Vec<Hit>),
    mut progress: impl FnMut(u64, u64),
) -> io::Result<()> {
    let mut header = String::new();
    loop {
        header.clear();
        if out.read_line(&mut header)? == 0 {
            return Ok(());
        }
        let mut fields = header.split_whitespace();
        let (Some(id), Some(kind), Some(size)) = (fields.next(), fields.next(), fields.next())
        else {
            // "<id> missing": a damaged object (git says why on its standard error).
            let id = header.split_whitespace().next().unwrap_or_default();
            scan.problems.push(format!(
                "git object {id} could not be read (damaged or missing), so it was skipped"
            ));
            continue;
        };
        let size: u64 = size.parse().map_err(|_| {
            io::Error::new(io::ErrorKind::InvalidData, format!("git said: {header}"))
        })?;
        if kind != "blob" {
            skip(&mut out, size + 1)?;
            continue;
        }
        let id = id.to_owned();
        // A blob wholly in what was read already is scanned where it lies;
        // a longer one is read through, a chunk at a time.
        let whole = out.fill_buf()?;
        let (outcome, left) = match usize::try_from(size).ok().and_then(|n| whole.get(..n)) {
            Some(text) => (matcher.scan_bytes(text, cancel), size),
            None => {
                let mut body = (&mut out).take(size);
                let outcome = matcher.scan_reader(&mut body, cancel)?;
                (outcome, body.limit())
            }
        };
        if !tally(outcome, &id, size, scan, &mut on_hits, &mut progress) {
            return Ok(());
        }
        // What the matcher did not take, and the newline after the blob.
        skip(&mut out, left + 1)?;
    }
}

/// Passes over the next `n` bytes of `out`.
fn skip(out: &mut impl BufRead, mut n: u64) -> io::Result<()> {
    while n > 0 {
        let available = out.fill_buf()?.len();
        if available == 0 {
            return Err(io::ErrorKind::UnexpectedEof.into());
        }
        let step = usize::try_from(n).unwrap_or(usize::MAX).min(available);
        out.consume(step);
        n -= step as u64;
    }
    Ok(())
}

/// Counts one blob's `outcome` into `scan`; false when the scan was cancelled.
fn tally(
    outcome: TextScan,
    id: &str,
    size: u64,
    scan: &mut GitScan,
    on_hits: &mut impl FnMut(&str, Vec<Hit>),
    progress: &mut impl FnMut(u64, u64),
) -> bool {
    match outcome {
        TextScan::Read(hits) => {
            scan.blobs += 1;
            if !hits.is_empty() {
                on_hits(id, hits);
            }
        }
        TextScan::Binary => scan.binary_skipped += 1,
        TextScan::Cancelled => {
            scan.cancelled = true;
            return false;
        }
    }
    scan.bytes += size;
    progress(scan.blobs, scan.bytes);
    true
}

/// Fails, in plain words, unless `repo` is a git repository git can open.
pub fn check_repository(repo: &Path) -> Result<()> {
    git_output(repo, &["rev-parse", "--git-dir"], "open the repository").map(drop)
}

/// Scans every blob in the repository at `repo` once, then finds the
/// commits and paths of the blobs that hold a key.
pub fn scan_history(
    matcher: &Matcher,
    repo: &Path,
    cancel: &AtomicBool,
    progress: impl FnMut(u64, u64),
) -> Result<GitScan> {
    check_repository(repo)?;
    let mut child = git(repo)
        .args([
            "cat-file",
            "--batch-all-objects",
            "--unordered",
            "--batch=%(objectname) %(objecttype) %(objectsize)",
        ])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|e| git_failed("read the repository", e))?;
    let mut scan = GitScan::default();
    let mut found: Vec<(String, Hit)> = Vec::new();
    let stdout = child.stdout.take().expect("piped");
    let coalesce = widen_pipe(&stdout).map(|size| Coalesce {
        bytes: size / 4,
        pause: std::time::Duration::from_micros(200),
    });
    let stderr = child.stderr.take().expect("piped");
    let errors = std::thread::spawn(move || {
        let mut text = String::new();
        let _ = BufReader::new(stderr).read_to_string(&mut text);
        text
    });
    let (ahead, reader) = read_ahead(stdout, AHEAD_BUFFERS, AHEAD_SIZE, coalesce);
    // Where the blobs with a key were added: looked up beside the scan,
    // from the first hit on.
    let mut log: Option<Result<LogRun>> = None;
    let read = read_batch(
        matcher,
        ahead,
        cancel,
        &mut scan,
        |id, hits| {
            if log.is_none() {
                log = Some(LogRun::start(repo));
            }
            found.extend(hits.into_iter().map(|h| (id.to_owned(), h)));
        },
        progress,
    );
    if scan.cancelled {
        let _ = child.kill();
        if let Some(Ok(run)) = &mut log {
            run.stop();
        }
    }
    let status = child
        .wait()
        .map_err(|e| git_failed("read the repository", e))?;
    let _ = reader.join();
    let said = errors.join().unwrap_or_default();
    if let Err(e) = read {
        scan.problems.push(format!("reading git's output: {e}"));
    }
    if !status.success() && !scan.cancelled {
        scan.problems.extend(
            said.lines()
                .filter(|l| !l.trim().is_empty())
                .map(str::to_owned),
        );
        if scan.problems.is_empty() {
            scan.problems
                .push(format!("git cat-file ended with {status}"));
        }
    }
    if let Some(run) = log {
        let wanted: HashSet<&str> = found.iter().map(|(id, _)| id.as_str()).collect();
        // Cancelled: the hits read so far are kept, without their commits.
        let places = if scan.cancelled {
            Places::new()
        } else {
            run?.places(&wanted)?
        };
        for (blob, hit) in found {
            match places.get(&blob) {
                Some(list) => {
                    for (commit, date, path) in list {
                        scan.hits.push(GitHit {
                            blob: blob.clone(),
                            commit: Some(commit.clone()),
                            author_date: *date,
                            path: Some(path.clone()),
                            hit: hit.clone(),
                        });
                    }
                }
                None => scan.hits.push(GitHit {
                    blob,
                    commit: None,
                    author_date: None,
                    path: None,
                    hit,
                }),
            }
        }
    }
    Ok(scan)
}

/// By blob: (commit, author date, path) of each commit that added it.
type Places = HashMap<String, Vec<(String, Option<DateTime<Utc>>, String)>>;

/// Makes git's standard output pipe as large as the system allows for
/// anyone (1 MiB by default on Linux), so git can write ahead while the
/// reader waits for more; the pipe's new size, if it could be changed.
fn widen_pipe(pipe: &std::process::ChildStdout) -> Option<usize> {
    #[cfg(target_os = "linux")]
    {
        use std::os::fd::AsRawFd;
        let max = std::fs::read_to_string("/proc/sys/fs/pipe-max-size")
            .ok()
            .and_then(|s| s.trim().parse::<libc::c_int>().ok())
            .unwrap_or(1 << 20)
            .min(1 << 20);
        // SAFETY: F_SETPIPE_SZ on a pipe this process owns; a failure
        // (an older kernel, a limit) leaves the pipe as it was.
        let size = unsafe { libc::fcntl(pipe.as_raw_fd(), libc::F_SETPIPE_SZ, max) };
        usize::try_from(size).ok().filter(|&s| s >= 1 << 18)
    }
    #[cfg(not(target_os = "linux"))]
    {
        let _ = pipe;
        None
    }
}

/// `git log --all --raw` running beside the scan, writing to an unnamed
/// temporary file (gone with the file handle, whatever happens).
struct LogRun {
    child: Child,
    out: File,
}

impl LogRun {
    /// Starts the log of every commit with the blobs each added.
    fn start(repo: &Path) -> Result<Self> {
        let what = "read the repository's history";
        let out = tempfile::tempfile().map_err(|e| git_failed(what, e))?;
        let child = git(repo)
            .args([
                "log",
                "--all",
                "--raw",
                "--no-abbrev",
                "--no-renames",
                "--format=commit %H %aI",
            ])
            .stdout(out.try_clone().map_err(|e| git_failed(what, e))?)
            .stderr(Stdio::piped())
            .spawn()
            .map_err(|e| git_failed(what, e))?;
        Ok(Self { child, out })
    }

    /// Stops it (the scan was cancelled).
    fn stop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }

    /// Waits for it; for each of the `wanted` blobs, the commits (with
    /// author date) that added it and at which path.
    fn places(self, wanted: &HashSet<&str>) -> Result<Places> {
        let what = "read the repository's history";
        let Self { child, mut out } = self;
        let done = child.wait_with_output().map_err(|e| git_failed(what, e))?;
        if !done.status.success() {
            return Err(git_failed(
                what,
                String::from_utf8_lossy(&done.stderr).trim(),
            ));
        }
        out.rewind().map_err(|e| git_failed(what, e))?;
        where_added(BufReader::with_capacity(1 << 16, out), wanted).map_err(|e| git_failed(what, e))
    }
}

/// For each of the `wanted` blobs: the commits (with author date) that
/// added it and at which path, from `git log --raw` output.
fn where_added(mut log: impl BufRead, wanted: &HashSet<&str>) -> io::Result<Places> {
    let mut places = Places::new();
    let mut current: Option<(String, Option<DateTime<Utc>>)> = None;
    let mut bytes = Vec::new();
    loop {
        bytes.clear();
        if log.read_until(b'\n', &mut bytes)? == 0 {
            break;
        }
        let text = String::from_utf8_lossy(&bytes);
        let line = text.strip_suffix('\n').unwrap_or(&text);
        if let Some(rest) = line.strip_prefix("commit ") {
            let mut parts = rest.splitn(2, ' ');
            // git's strict ISO 8601 (`%aI`) is RFC 3339: kept as an instant.
            current = Some((
                parts.next().unwrap_or_default().to_owned(),
                DateTime::parse_from_rfc3339(parts.next().unwrap_or_default())
                    .ok()
                    .map(|date| date.with_timezone(&Utc)),
            ));
        } else if let Some(raw) = line.strip_prefix(':') {
            // ":old_mode new_mode old_id new_id status\tpath"
            let Some((meta, path)) = raw.split_once('\t') else {
                continue;
            };
            let Some(new_id) = meta.split_whitespace().nth(3) else {
                continue;
            };
            if let (true, Some((commit, date))) = (wanted.contains(new_id), &current) {
                places.entry(new_id.to_owned()).or_default().push((
                    commit.clone(),
                    *date,
                    path.to_owned(),
                ));
            }
        }
    }
    Ok(places)
}

/// Scans what is staged for the next commit in the repository at `repo`.
pub fn scan_staged(matcher: &Matcher, repo: &Path, cancel: &AtomicBool) -> Result<GitScan> {
    let diff = git_output(
        repo,
        &[
            "diff",
            "--cached",
            "--raw",
            "--no-abbrev",
            "--no-renames",
            "--diff-filter=ACMRT",
        ],
        "read what is staged",
    )?;
    let mut staged: Vec<(String, String)> = Vec::new();
    for line in diff.lines() {
        let Some((meta, path)) = line.strip_prefix(':').and_then(|r| r.split_once('\t')) else {
            continue;
        };
        if let Some(id) = meta.split_whitespace().nth(3) {
            staged.push((id.to_owned(), path.to_owned()));
        }
    }
    let mut scan = GitScan::default();
    if staged.is_empty() {
        return Ok(scan);
    }
    let mut child = git(repo)
        .args([
            "cat-file",
            "--batch=%(objectname) %(objecttype) %(objectsize)",
        ])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .map_err(|e| git_failed("read what is staged", e))?;
    let mut stdin = child.stdin.take().expect("piped");
    let ids: Vec<String> = staged.iter().map(|(id, _)| id.clone()).collect();
    let writer = std::thread::spawn(move || -> io::Result<()> {
        for id in ids {
            writeln!(stdin, "{id}")?;
        }
        Ok(())
    });
    let stdout = child.stdout.take().expect("piped");
    let mut found: Vec<(String, Hit)> = Vec::new();
    let read = read_batch(
        matcher,
        BufReader::with_capacity(1 << 16, stdout),
        cancel,
        &mut scan,
        |id, hits| found.extend(hits.into_iter().map(|h| (id.to_owned(), h))),
        |_, _| {},
    );
    let _ = child.kill();
    let _ = child.wait();
    let _ = writer.join();
    read.map_err(|e| git_failed("read what is staged", e))?;
    for (blob, hit) in found {
        for (_, path) in staged.iter().filter(|(id, _)| *id == blob) {
            scan.hits.push(GitHit {
                blob: blob.clone(),
                commit: None,
                author_date: None,
                path: Some(path.clone()),
                hit: hit.clone(),
            });
        }
    }
    Ok(scan)
}

/// The pre-commit hook's text: runs `program scan --staged`.
fn hook_text(program: &Path) -> String {
    let quoted = program.to_string_lossy().replace('\'', r"'\''");
    format!(
        "#!/bin/sh\n# Installed by `keyward scan --install-hook`: refuses a commit whose staged\n# changes hold a key Keyward keeps (keyward scan --staged exits 5).\nexec '{quoted}' scan --staged\n"
    )
}

/// Installs the pre-commit hook in the repository at `repo`, running
/// `program`; refuses to replace an existing hook unless `force`. Returns
/// the hook's path.
pub fn install_hook(repo: &Path, program: &Path, force: bool) -> Result<PathBuf> {
    let hooks = git_output(
        repo,
        &["rev-parse", "--path-format=absolute", "--git-path", "hooks"],
        "find the repository's hooks folder",
    )?;
    let hooks = PathBuf::from(hooks.trim());
    std::fs::create_dir_all(&hooks)
        .map_err(crate::private_files::FileError::io("create", &hooks))?;
    let path = hooks.join("pre-commit");
    if !force && std::fs::symlink_metadata(&path).is_ok() {
        return Err(Error::Invalid(format!(
            "{} already has a pre-commit hook, so Keyward left it as it is. Add the line `keyward scan --staged` to it yourself, or run keyward scan --install-hook --force to replace it.",
            path.display()
        )));
    }
    if force {
        let _ = std::fs::remove_file(&path);
    }
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o755);
    let mut file = options
        .open(&path)
        .map_err(crate::private_files::FileError::io("create", &path))?;
    file.write_all(hook_text(program).as_bytes())
        .map_err(crate::private_files::FileError::io("write", &path))?;
    Ok(path)
}
