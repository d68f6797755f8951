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
    Ok(if report.hits.is_empty() { 0 } else { FOUND })
}

fn print(report: &ScanReport, json: bool, what: &str) {
    for name in &report.keys_not_checked {
        keyward_core::note!(
            "keyward: warning: \"{}\" was not looked for: its secret could not be read from the keychain.",
            output::shown(name)
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
        let place = output::shown(&hit.place()).into_owned();
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
