//! `keyward scan`: has one of my keys leaked? Checks a folder, a git
//! repository's history or what is staged for the key secrets Keyward
//! holds, by their fingerprints.
//!
//! Contract: a hit names the key, the file (for history also the commit
//! and its author date), the line and the column, never the secret; each
//! hit is an audit entry. Exit status 0 when nothing was found, 5 when
//! something was, 1 on error. Progress goes to standard error, and only
//! when it is a terminal. Files and folders that cannot be read are listed
//! on standard error and do not stop the scan.

use std::io::IsTerminal;
use std::path::{Path, PathBuf};
use std::sync::atomic::AtomicBool;

use indicatif::{ProgressBar, ProgressStyle};
use keyward_core::audit::AuditAction;
use keyward_core::keychain::SecretStore;
use keyward_core::scan::{self, Found, Matcher, Mode};
use keyward_core::vault::Vault;
use keyward_core::{Error, Result};
use serde::Serialize;

use super::output;

/// Exit status when a key was found.
pub const FOUND: u8 = 5;

/// What `keyward scan` checks, and how it answers.
#[derive(Debug, clap::Args)]
pub struct ScanArgs {
    /// The folder or file to check; with --history, --staged or --install-hook, the git
    /// repository (default: the current folder).
    #[arg(default_value = ".")]
    pub path: PathBuf,
    /// Check hidden and ignored files too (.env, .npmrc, shell history), following links;
    /// by default only what git would commit is checked.
    #[arg(long, conflicts_with_all = ["history", "staged", "install_hook"])]
    pub everywhere: bool,
    /// Check the git repository's whole history: every version of every file ever committed.
    #[arg(long, conflicts_with_all = ["staged", "install_hook"])]
    pub history: bool,
    /// Check what is staged for the next commit (the pre-commit hook runs this).
    #[arg(long, conflicts_with = "install_hook")]
    pub staged: bool,
    /// Install a git pre-commit hook that runs `keyward scan --staged`.
    #[arg(long)]
    pub install_hook: bool,
    /// With --install-hook: replace a pre-commit hook that is already there.
    #[arg(long, requires = "install_hook")]
    pub force: bool,
    /// Print one JSON object.
    #[arg(long, conflicts_with = "install_hook")]
    pub json: bool,
}

/// One hit as printed and audited (never the secret).
#[derive(Debug, Serialize)]
struct HitOut {
    /// `stored` (a key Keyward holds) or `keyward_not_held`.
    kind: &'static str,
    key_id: Option<String>,
    key_name: Option<String>,
    /// The file (history and staged: the path in the repository).
    path: Option<String>,
    line: u64,
    column: u64,
    commit: Option<String>,
    author_date: Option<String>,
    blob: Option<String>,
}

#[derive(Debug, Serialize)]
struct Unread {
    path: String,
    error: String,
}

#[derive(Debug, Default, Serialize)]
struct ScanOut {
    hits: Vec<HitOut>,
    /// Files (folder) or blobs (repository) read.
    scanned: u64,
    bytes: u64,
    binary_skipped: u64,
    unreadable: Vec<Unread>,
    /// What git reported going wrong.
    problems: Vec<String>,
    /// How many keys were looked for.
    keys_checked: usize,
    /// Keys whose secret could not be read from the keychain to fingerprint it.
    keys_not_checked: Vec<String>,
}

fn hit_out(found: Found, at: scan::Position) -> HitOut {
    let (kind, key_id, key_name) = match found {
        Found::Stored { key_id, key_name } => ("stored", Some(key_id), Some(key_name)),
        Found::KeywardNotHeld => ("keyward_not_held", None, None),
    };
    HitOut {
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

/// A progress line on standard error when it is a terminal; hidden otherwise.
fn progress_line() -> ProgressBar {
    if !std::io::stderr().is_terminal() {
        return ProgressBar::hidden();
    }
    let bar = ProgressBar::new_spinner();
    if let Ok(style) = ProgressStyle::with_template("{spinner} {msg}") {
        bar.set_style(style);
    }
    bar.enable_steady_tick(std::time::Duration::from_millis(120));
    bar
}

fn megabytes(bytes: u64) -> String {
    format!("{:.1} MB", bytes as f64 / 1_000_000.0)
}

pub fn run<S: SecretStore>(vault: &Vault<S>, args: ScanArgs) -> Result<u8> {
    if args.install_hook {
        let program = std::env::current_exe().map_err(|e| {
            Error::Invalid(format!(
                "Keyward could not tell where its own program is ({e}), so it cannot write a hook that runs it."
            ))
        })?;
        let hook = scan::install_hook(&args.path, &program, args.force)?;
        say!(
            "Installed the pre-commit hook {}: a commit whose staged changes hold a key Keyward keeps is now refused.",
            output::shown(&hook.to_string_lossy())
        );
        return Ok(0);
    }
    let bar = progress_line();
    let keys = vault.scan_fingerprints(|done, total| {
        bar.set_message(format!("Preparing the leak check: key {done} of {total}"));
    })?;
    let mut out = ScanOut {
        keys_checked: keys.keys.len(),
        keys_not_checked: keys.unreadable.iter().map(|(n, _)| n.clone()).collect(),
        ..Default::default()
    };
    for (name, error) in &keys.unreadable {
        keyward_core::note!(
            "keyward: warning: \"{}\" was not looked for: its secret could not be read from the keychain. {error}",
            output::shown(name)
        );
    }
    let matcher = Matcher::new(keys);
    let cancel = AtomicBool::new(false);
    let what = if args.history || args.staged {
        "blobs"
    } else {
        "files"
    };
    let progress = |count: u64, bytes: u64| {
        bar.set_message(format!("Checked {count} {what} ({})", megabytes(bytes)));
    };
    if args.history || args.staged {
        let found = if args.history {
            scan::scan_history(&matcher, &args.path, &cancel, progress)?
        } else {
            scan::scan_staged(&matcher, &args.path, &cancel)?
        };
        out.scanned = found.blobs;
        out.bytes = found.bytes;
        out.binary_skipped = found.binary_skipped;
        out.problems = found.problems;
        for hit in found.hits {
            let mut shown = hit_out(hit.hit.found, hit.hit.at);
            shown.path = hit.path;
            shown.commit = hit.commit;
            shown.author_date = hit.author_date;
            shown.blob = Some(hit.blob);
            out.hits.push(shown);
        }
    } else {
        let mode = if args.everywhere {
            Mode::Everywhere
        } else {
            Mode::Committable
        };
        if !args.path.exists() {
            return Err(Error::Invalid(format!(
                "{} does not exist. Give a folder or file to check.",
                output::shown(&args.path.to_string_lossy())
            )));
        }
        let found = scan::scan_folder(&matcher, &args.path, mode, &cancel, progress);
        out.scanned = found.files;
        out.bytes = found.bytes;
        out.binary_skipped = found.binary_skipped;
        out.unreadable = found
            .unreadable
            .into_iter()
            .map(|u| Unread {
                path: u.path.to_string_lossy().into_owned(),
                error: u.error,
            })
            .collect();
        for (path, hit) in found.hits {
            let mut shown = hit_out(hit.found, hit.at);
            shown.path = Some(path.to_string_lossy().into_owned());
            out.hits.push(shown);
        }
    }
    bar.finish_and_clear();
    audit(vault, &args.path, &out.hits);
    print(&out, &args, what);
    Ok(if out.hits.is_empty() { 0 } else { FOUND })
}

/// Where a hit is, in words: `path:line:column` (and the commit).
fn place(hit: &HitOut) -> String {
    let path = output::shown(hit.path.as_deref().unwrap_or("(a file in no commit)")).into_owned();
    let mut text = format!("{path}:{}:{}", hit.line, hit.column);
    match (&hit.commit, &hit.blob) {
        (Some(commit), _) => {
            let date = hit
                .author_date
                .as_deref()
                .unwrap_or("")
                .get(..10)
                .unwrap_or("");
            text.push_str(&format!(
                " in commit {} of {date}",
                &commit[..commit.len().min(12)]
            ));
        }
        (None, Some(blob)) if hit.path.is_none() => {
            text = format!(
                "git object {blob}, in no commit (the index, a stash or left over), line {} column {}",
                hit.line, hit.column
            );
        }
        _ => {}
    }
    text
}

fn audit<S: SecretStore>(vault: &Vault<S>, root: &Path, hits: &[HitOut]) {
    let Some(log) = vault.audit() else {
        return;
    };
    let root = root.to_string_lossy();
    for hit in hits {
        let mut detail = format!("found in {}", place(hit));
        if hit.commit.is_some() || hit.blob.is_some() {
            detail.push_str(&format!(" (repository {root})"));
        }
        if hit.kind == "keyward_not_held" {
            detail = format!("a Keyward key that Keyward does not hold {detail}");
        }
        let key = hit.key_id.as_deref().zip(hit.key_name.as_deref());
        log.note(AuditAction::LeakFound, key, Some(&detail));
    }
}

fn print(out: &ScanOut, args: &ScanArgs, what: &str) {
    for unread in &out.unreadable {
        keyward_core::note!(
            "keyward: could not read {}: {}",
            output::shown(&unread.path),
            output::shown(&unread.error)
        );
    }
    for problem in &out.problems {
        keyward_core::note!("keyward: git reported: {}", output::shown(problem));
    }
    if args.json {
        say!("{}", output::json_text(out, true));
        return;
    }
    for hit in &out.hits {
        match &hit.key_name {
            Some(name) => say!("LEAKED  {}  {}", output::shown(name), place(hit)),
            None => say!(
                "FOUND   a Keyward key that Keyward does not hold (someone else's, or deleted)  {}",
                place(hit)
            ),
        }
    }
    let mut summary = format!(
        "Checked {} {what} ({}) for {} {}",
        out.scanned,
        megabytes(out.bytes),
        out.keys_checked,
        if out.keys_checked == 1 { "key" } else { "keys" }
    );
    if out.binary_skipped > 0 {
        summary.push_str(&format!("; skipped {} binary", out.binary_skipped));
    }
    if !out.unreadable.is_empty() {
        summary.push_str(&format!("; {} could not be read", out.unreadable.len()));
    }
    summary.push('.');
    say!("{summary}");
    if out.hits.is_empty() {
        say!("No key found.");
    } else {
        say!(
            "Found {} {}. A leaked key must be replaced: run keyward leaked NAME for each key named above, then remove it from the file (and from the history with a tool such as git filter-repo).",
            out.hits.len(),
            if out.hits.len() == 1 {
                "place"
            } else {
                "places"
            }
        );
    }
}
