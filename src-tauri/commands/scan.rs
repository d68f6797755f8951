//! The window's leak check: choose a folder, start a check, follow its
//! progress, cancel it, read its report; list, add and remove the folders
//! checked every day (the same list as `keyward scan --watched`).
//!
//! Promises: one check runs at a time, on a blocking thread of its own;
//! the window asks for its state (`leak_scan_status`) rather than waiting,
//! so it can draw progress and cancel at any moment. The report names keys
//! and places, never a secret. A finished check that found something is
//! also said in a desktop notification (best effort: without a notification
//! service the window's result is enough).

use std::path::PathBuf;

use keyward_core::scan::watch::{Scope, WatchFile};
use keyward_core::scan::{Progress, ScanReport};
use serde::{Deserialize, Serialize};
use tauri::{AppHandle, Runtime, State};

use keyward_core::Code;

use super::job::{Job, JobState, Status};
use super::pick::{Picker, pick};
use super::{AppState, Args, CommandResult, IpcError, NoArgs};

/// What to check.
#[derive(Debug, Clone, Deserialize, ts_rs::TS)]
pub struct LeakScanRequest {
    /// The folder, file or git repository.
    pub path: String,
    /// What to read: `committable` (what git would commit), `everywhere`
    /// (hidden and ignored files too) or `history` (the repository's whole history).
    #[ts(type = "'committable' | 'everywhere' | 'history'")]
    pub scope: String,
    /// Check the folder again every day while Keyward runs (see `keyward scan --watch`).
    #[serde(default)]
    pub watch: bool,
}

/// What the window's leak check shows besides its state: `idle` (none
/// yet), `preparing` (making fingerprints), `scanning`, `done`,
/// `cancelled` or `failed`.
#[derive(Debug, Clone, Default, Serialize, ts_rs::TS)]
pub struct LeakScanDetail {
    /// What is checked (the path as given).
    pub path: Option<String>,
    /// Keys fingerprinted so far, of `keys_total` (while preparing).
    pub keys_done: u64,
    /// Keys to fingerprint.
    pub keys_total: u64,
    /// Files or blobs read so far.
    pub scanned: u64,
    /// Bytes read so far.
    pub bytes: u64,
    /// The result, once done.
    pub report: Option<ScanReport>,
}

/// Where the window's leak check is.
pub type LeakScanStatus = Status<LeakScanDetail>;

/// The window's one leak check.
pub type LeakScans = Job<LeakScanStatus>;

/// Asks the person for a folder to check (the system's folder picker); the
/// chosen path, or nothing when they cancelled.
#[tauri::command]
pub async fn choose_scan_folder<R: Runtime>(
    app: AppHandle<R>,
    _: Args<NoArgs>,
) -> CommandResult<Option<String>> {
    let picker =
        Picker::folder("Choose a folder to check for leaked keys").refused_as("check", "a folder");
    let path = pick(&app, picker).await?;
    Ok(path.map(|path| path.display().to_string()))
}

/// What to check, from the window's words.
fn scope_of(scope: &str) -> Result<Scope, IpcError> {
    match scope {
        "committable" => Ok(Scope::Committable),
        "everywhere" => Ok(Scope::Everywhere),
        "history" => Ok(Scope::History),
        other => Err(IpcError::invalid(format!(
            "Keyward does not know the kind of check \"{other}\"."
        ))),
    }
}

/// A folder to check every day.
#[derive(Debug, Clone, Deserialize, ts_rs::TS)]
pub struct WatchRequest {
    /// The folder or git repository.
    pub path: String,
    /// What to check there (as in [`LeakScanRequest`]).
    #[ts(type = "'committable' | 'everywhere' | 'history'")]
    pub scope: String,
}

/// A folder no longer to check every day.
#[derive(Debug, Clone, Deserialize, ts_rs::TS)]
pub struct UnwatchRequest {
    /// The folder, as [`WatchedFolder::path`] gives it.
    pub path: String,
}

/// One folder checked every day.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ts_rs::TS)]
pub struct WatchedFolder {
    /// The folder or repository (absolute).
    pub path: String,
    /// What is checked there.
    #[ts(type = "'committable' | 'everywhere' | 'history'")]
    pub scope: &'static str,
    /// When it was last checked (RFC 3339), if it was.
    pub last_checked: Option<String>,
}

/// The folders checked every day, in the order added.
fn watched_list(dir: &std::path::Path) -> keyward_core::Result<Vec<WatchedFolder>> {
    Ok(WatchFile::in_dir(dir)
        .load()?
        .folders
        .into_iter()
        .map(|w| WatchedFolder {
            path: w.path.display().to_string(),
            scope: match w.scope {
                Scope::Committable => "committable",
                Scope::Everywhere => "everywhere",
                Scope::History => "history",
            },
            last_checked: w.last_checked.map(|at| at.to_rfc3339()),
        })
        .collect())
}

/// The folders checked every day.
#[tauri::command]
pub async fn watched_folders(
    state: State<'_, AppState>,
    _: Args<NoArgs>,
) -> CommandResult<Vec<WatchedFolder>> {
    let dir = state.vault.catalog().dir().to_owned();
    super::blocking(move || watched_list(&dir)).await
}

/// Adds a folder to those checked every day (first checked by the
/// reminder task, which is woken for it); the list after.
#[tauri::command]
pub async fn watch_folder(
    state: State<'_, AppState>,
    Args(request): Args<WatchRequest>,
) -> CommandResult<Vec<WatchedFolder>> {
    let scope = scope_of(&request.scope)?;
    let given = request.path.trim();
    if given.is_empty() {
        return Err(IpcError::invalid(
            "Choose a folder to check every day first.",
        ));
    }
    let path = std::fs::canonicalize(given).map_err(|e| {
        IpcError::invalid(format!(
            "Keyward cannot check {given} every day: {e}. Choose a folder that exists."
        ))
    })?;
    let dir = state.vault.catalog().dir().to_owned();
    let list = super::blocking(move || {
        if scope == Scope::History {
            keyward_core::scan::check_repository(&path)?;
        }
        WatchFile::in_dir(&dir).watch(&path, scope, None, &[])?;
        watched_list(&dir)
    })
    .await?;
    // The reminder task checks folders that are due: this one, now.
    state.keys_changed();
    Ok(list)
}

/// Stops checking a folder every day; the list after.
#[tauri::command]
pub async fn unwatch_folder(
    state: State<'_, AppState>,
    Args(request): Args<UnwatchRequest>,
) -> CommandResult<Vec<WatchedFolder>> {
    let dir = state.vault.catalog().dir().to_owned();
    super::blocking(move || {
        WatchFile::in_dir(&dir).unwatch(std::path::Path::new(&request.path))?;
        watched_list(&dir)
    })
    .await
}

/// Starts a leak check; refused while one runs.
#[tauri::command]
pub async fn start_leak_scan(
    state: State<'_, AppState>,
    scans: State<'_, LeakScans>,
    Args(request): Args<LeakScanRequest>,
) -> CommandResult<LeakScanStatus> {
    let path = PathBuf::from(request.path.trim());
    if request.path.trim().is_empty() {
        return Err(IpcError::invalid("Choose a folder to check first."));
    }
    let scope = scope_of(&request.scope)?;
    let path = std::fs::canonicalize(&path).unwrap_or(path);
    let target = scope.target(&path);
    let watch = request.watch;
    let first = Status::started(
        JobState::Preparing,
        LeakScanDetail {
            path: Some(request.path.clone()),
            ..LeakScanDetail::default()
        },
    );
    let busy = || {
        IpcError::new(
            Code::Busy,
            "A leak check is already running. Wait for it or cancel it first.",
        )
    };
    let vault = state.vault.clone();
    scans.start("leak-check", first, busy, move |progress| {
        let result =
            keyward_core::scan::run_scan(&vault, &target, progress.cancel_flag(), |step| {
                progress.update(|status| match step {
                    Progress::Fingerprints { done, total } => {
                        status.detail.keys_done = done as u64;
                        status.detail.keys_total = total as u64;
                    }
                    Progress::Scanned { count, bytes } => {
                        status.state = JobState::Scanning;
                        status.detail.scanned = count;
                        status.detail.bytes = bytes;
                    }
                });
            });
        let result = result.and_then(|report| {
            if watch && !report.cancelled {
                WatchFile::in_dir(vault.catalog().dir()).watch(
                    target.path(),
                    scope,
                    Some(chrono::Utc::now()),
                    &report.hits,
                )?;
            }
            Ok(report)
        });
        let found = result.as_ref().map_or(0, |r| r.hits.len());
        let path = target.path().display().to_string();
        progress.update(|status| {
            status.end(result, |detail, report| {
                let ended = if report.cancelled {
                    JobState::Cancelled
                } else {
                    JobState::Done
                };
                detail.scanned = report.scanned;
                detail.bytes = report.bytes;
                detail.report = Some(report);
                ended
            });
        });
        if found > 0 && !progress.cancelled() {
            notify_found(found, &path);
        }
    })
}

/// Says on the desktop that a leak check found keys (best effort).
fn notify_found(found: usize, path: &str) {
    let body = format!(
        "{found} {} in {path}. Open Keyward's leak check to see which keys, and replace them.",
        if found == 1 {
            "place holds a key"
        } else {
            "places hold keys"
        }
    );
    let _ = keyward_background::notifier::show_once("Keyward found keys in files", &body);
}

/// Where the leak check is (and its report once done).
#[tauri::command]
pub fn leak_scan_status(scans: State<'_, LeakScans>, _: Args<NoArgs>) -> LeakScanStatus {
    scans.status()
}

/// Cancels the running leak check; it stops between chunks of a file and
/// leaves nothing behind (no audit entry, no partial report kept as done).
#[tauri::command]
pub fn cancel_leak_scan(scans: State<'_, LeakScans>, _: Args<NoArgs>) {
    scans.cancel();
}
