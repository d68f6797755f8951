//! Scanning a git repository: its whole history, or what is staged for
//! the next commit; and the pre-commit hook that runs the latter.
//!
//! Promises:
//! - History: every object of the repository is read once, through one
//!   `git cat-file --batch-all-objects --batch` (each unique blob once,
//!   whatever number of commits and paths share it); only blobs are
//!   scanned. The commits, paths and author dates are looked up afterwards,
//!   and only for the blobs that hold a key (one `git log --raw` pass).
//! - A blob in no commit (only in the index, a stash or left over) is still
//!   reported, without a commit.
//! - Staged: the blobs `git diff --cached` names (added, copied, modified,
//!   renamed) are scanned whole.
//! - What git says on standard error when it fails (a corrupt object, for
//!   example) is reported as a problem; what was read until then counts.
//! - The hook is installed where git looks for hooks (`core.hooksPath`
//!   respected) and an existing hook is never overwritten unless asked.

use std::collections::{HashMap, HashSet};
use std::io::{self, BufRead, BufReader, Read, Write};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::atomic::AtomicBool;

use crate::error::{Error, Result};

use super::{Hit, Matcher, TextScan};

/// A key found in a repository.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GitHit {
    /// The blob that holds it.
    pub blob: String,
    /// A commit that added it at `path`, if any.
    pub commit: Option<String>,
    /// That commit's author date (RFC 3339).
    pub author_date: Option<String>,
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
    out: impl Read,
    cancel: &AtomicBool,
    scan: &mut GitScan,
    mut on_hits: impl FnMut(&str, Vec<Hit>),
    mut progress: impl FnMut(u64, u64),
) -> io::Result<()> {
    let mut out = BufReader::with_capacity(1 << 16, out);
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
        let id = id.to_owned();
        let mut body = (&mut out).take(size);
        if kind == "blob" {
            match matcher.scan_reader(&mut body, cancel)? {
                TextScan::Read(hits) => {
                    scan.blobs += 1;
                    if !hits.is_empty() {
                        on_hits(&id, hits);
                    }
                }
                TextScan::Binary => scan.binary_skipped += 1,
                TextScan::Cancelled => {
                    scan.cancelled = true;
                    return Ok(());
                }
            }
            scan.bytes += size;
            progress(scan.blobs, scan.bytes);
        }
        io::copy(&mut body, &mut io::sink())?;
        let mut newline = [0u8; 1];
        out.read_exact(&mut newline)?;
    }
}

/// Scans every blob in the repository at `repo` once, then finds the
/// commits and paths of the blobs that hold a key.
pub fn scan_history(
    matcher: &Matcher,
    repo: &Path,
    cancel: &AtomicBool,
    progress: impl FnMut(u64, u64),
) -> Result<GitScan> {
    git_output(repo, &["rev-parse", "--git-dir"], "open the repository")?;
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
    let stderr = child.stderr.take().expect("piped");
    let errors = std::thread::spawn(move || {
        let mut text = String::new();
        let _ = BufReader::new(stderr).read_to_string(&mut text);
        text
    });
    let read = read_batch(
        matcher,
        stdout,
        cancel,
        &mut scan,
        |id, hits| found.extend(hits.into_iter().map(|h| (id.to_owned(), h))),
        progress,
    );
    if scan.cancelled {
        let _ = child.kill();
    }
    let status = child
        .wait()
        .map_err(|e| git_failed("read the repository", e))?;
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
    if !found.is_empty() {
        let wanted: HashSet<&str> = found.iter().map(|(id, _)| id.as_str()).collect();
        let places = where_added(repo, &wanted)?;
        for (blob, hit) in found {
            match places.get(&blob) {
                Some(list) => {
                    for (commit, date, path) in list {
                        scan.hits.push(GitHit {
                            blob: blob.clone(),
                            commit: Some(commit.clone()),
                            author_date: Some(date.clone()),
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
type Places = HashMap<String, Vec<(String, String, String)>>;

/// For each of the `wanted` blobs: the commits (with author date) that
/// added it and at which path.
fn where_added(repo: &Path, wanted: &HashSet<&str>) -> Result<Places> {
    let log = git_output(
        repo,
        &[
            "log",
            "--all",
            "--raw",
            "--no-abbrev",
            "--no-renames",
            "--format=commit %H %aI",
        ],
        "read the repository's history",
    )?;
    let mut places = Places::new();
    let mut current: Option<(String, String)> = None;
    for line in log.lines() {
        if let Some(rest) = line.strip_prefix("commit ") {
            let mut parts = rest.splitn(2, ' ');
            current = Some((
                parts.next().unwrap_or_default().to_owned(),
                parts.next().unwrap_or_default().to_owned(),
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
                    date.clone(),
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
        stdout,
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
    std::fs::create_dir_all(&hooks).map_err(crate::catalog::CatalogError::io("create", &hooks))?;
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
        .map_err(crate::catalog::CatalogError::io("create", &path))?;
    file.write_all(hook_text(program).as_bytes())
        .map_err(crate::catalog::CatalogError::io("write", &path))?;
    Ok(path)
}
