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
use std::path::PathBuf;
use std::sync::atomic::AtomicBool;

use indicatif::{ProgressBar, ProgressStyle};
use keyward_core::keychain::SecretStore;
use keyward_core::scan::watch::{Scope, WatchFile};
use keyward_core::scan::{self, Mode, Progress, ScanReport, Target};
use keyward_core::vault::Vault;
use keyward_core::{Error, Result};

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
    /// After this check, check the folder again every day while Keyward runs (window or
    /// background), with a desktop notification for keys found there.
    #[arg(long, conflicts_with_all = ["staged", "install_hook", "unwatch", "watched"])]
    pub watch: bool,
    /// Stop checking the folder every day.
    #[arg(long, conflicts_with_all = ["staged", "install_hook", "history", "everywhere", "watched"])]
    pub unwatch: bool,
    /// List the folders checked every day.
    #[arg(long, conflicts_with_all = ["staged", "install_hook", "history", "everywhere"])]
    pub watched: bool,
    /// Print one JSON object.
    #[arg(long, conflicts_with = "install_hook")]
    pub json: bool,
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
    let watch_file = WatchFile::in_dir(vault.catalog().dir());
    if args.watched {
        let list = watch_file.load()?;
        if args.json {
            say!("{}", output::json_text(&list, true));
        } else if list.folders.is_empty() {
            say!("No folder is checked every day. Add one with: keyward scan PATH --watch");
        } else {
            for folder in &list.folders {
                let when = folder.last_checked.map_or_else(
                    || "not yet checked".to_owned(),
                    |at| {
                        format!(
                            "last checked {}",
                            at.with_timezone(&chrono::Local).format("%Y-%m-%d %H:%M")
                        )
                    },
                );
                say!(
                    "{}  ({}, {when})",
                    output::shown(&folder.path.to_string_lossy()),
                    match folder.scope {
                        Scope::Committable => "what git would commit",
                        Scope::Everywhere => "every file",
                        Scope::History => "whole history",
                    }
                );
            }
        }
        return Ok(0);
    }
    if args.unwatch {
        let path = absolute(&args.path);
        if watch_file.unwatch(&path)? {
            say!(
                "{} is no longer checked every day.",
                output::shown(&path.to_string_lossy())
            );
        } else {
            say!(
                "{} was not checked every day (see keyward scan --watched).",
                output::shown(&path.to_string_lossy())
            );
        }
        return Ok(0);
    }
    let target = if args.history {
        Target::History(args.path.clone())
    } else if args.staged {
        Target::Staged(args.path.clone())
    } else if args.everywhere {
        Target::Folder(args.path.clone(), Mode::Everywhere)
    } else {
        Target::Folder(args.path.clone(), Mode::Committable)
    };
    let what = if target.reads_blobs() {
        "blobs"
    } else {
        "files"
    };
    let bar = progress_line();
    let report = scan::run_scan(vault, &target, &AtomicBool::new(false), |progress| {
        bar.set_message(match progress {
            Progress::Fingerprints { done, total } => {
                format!("Preparing the leak check: key {done} of {total}")
            }
            Progress::Scanned { count, bytes } => {
                format!("Checked {count} {what} ({})", megabytes(bytes))
            }
        });
    })?;
    bar.finish_and_clear();
    print(&report, args.json, what);
    if args.watch {
        let scope = if args.history {
            Scope::History
        } else if args.everywhere {
            Scope::Everywhere
        } else {
            Scope::Committable
        };
        let path = absolute(&args.path);
        watch_file.watch(&path, scope, Some(chrono::Utc::now()), &report.hits)?;
        keyward_core::note!(
            "keyward: {} will be checked again every day while Keyward runs; keys found there then are announced on the desktop.",
            output::shown(&path.to_string_lossy())
        );
    }
    Ok(if report.hits.is_empty() { 0 } else { FOUND })
}

fn print(report: &ScanReport, json: bool, what: &str) {
    for name in &report.keys_not_checked {
        keyward_core::note!(
            "keyward: warning: \"{}\" was not looked for: its secret could not be read from {}.",
            output::shown(name),
            keyward_core::keychain::store_name::YOUR_IN
        );
    }
    for unread in &report.unreadable {
        keyward_core::note!(
            "keyward: could not read {}: {}",
            output::shown(&unread.path),
            output::shown(&unread.error)
        );
    }
    for problem in &report.problems {
        keyward_core::note!("keyward: git reported: {}", output::shown(problem));
    }
    if json {
        say!("{}", output::json_text(report, true));
        return;
    }
    for hit in &report.hits {
        let place = output::shown(&hit.place_in(&chrono::Local)).into_owned();
        match &hit.key_name {
            Some(name) => say!("LEAKED  {}  {place}", output::shown(name)),
            None => say!(
                "FOUND   a Keyward key that Keyward does not hold (someone else's, or deleted)  {place}"
            ),
        }
    }
    let mut summary = format!(
        "Checked {} {what} ({}) for {} {}",
        report.scanned,
        megabytes(report.bytes),
        report.keys_checked,
        if report.keys_checked == 1 {
            "key"
        } else {
            "keys"
        }
    );
    if report.binary_skipped > 0 {
        summary.push_str(&format!("; skipped {} binary", report.binary_skipped));
    }
    if !report.unreadable.is_empty() {
        summary.push_str(&format!("; {} could not be read", report.unreadable.len()));
    }
    summary.push('.');
    say!("{summary}");
    if report.hits.is_empty() {
        say!("No key found.");
    } else {
        say!(
            "Found {} {}. A leaked key must be replaced: run keyward leaked NAME for each key named above, then remove it from the file (and from the history with a tool such as git filter-repo).",
            report.hits.len(),
            if report.hits.len() == 1 {
                "place"
            } else {
                "places"
            }
        );
    }
}

/// `path` made absolute (resolved when it exists), so the daily check finds it
/// from any working folder.
fn absolute(path: &std::path::Path) -> PathBuf {
    std::fs::canonicalize(path)
        .or_else(|_| std::path::absolute(path))
        .unwrap_or_else(|_| path.to_owned())
}
