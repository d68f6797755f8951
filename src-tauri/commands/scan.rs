//! The window's leak check: choose a folder, start a check, follow its
//! progress, cancel it, read its report.
//!
//! Promises: one check runs at a time, on a blocking thread of its own;
//! the window asks for its state (`leak_scan_status`) rather than waiting,
//! so it can draw progress and cancel at any moment. The report names keys
//! and places, never a secret. A finished check that found something is
//! also said in a desktop notification (best effort: without a notification
//! service the window's result is enough).

use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};

use keyward_core::scan::watch::{Scope, WatchFile};
use keyward_core::scan::{Progress, ScanReport};
use serde::{Deserialize, Serialize};
use tauri::{AppHandle, Runtime, State};
use tauri_plugin_dialog::DialogExt;

use keyward_core::Code;

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

/// Where the window's leak check is.
#[derive(Debug, Clone, Serialize, ts_rs::TS)]
pub struct LeakScanStatus {
    /// `idle` (none yet), `preparing` (making fingerprints), `scanning`,
    /// `done`, `cancelled` or `failed`.
    #[ts(type = "'idle' | 'preparing' | 'scanning' | 'done' | 'cancelled' | 'failed'")]
    pub state: &'static str,
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
    /// Why it failed.
    pub error: Option<IpcError>,
}

impl Default for LeakScanStatus {
    fn default() -> Self {
        Self {
            state: "idle",
            path: None,
            keys_done: 0,
            keys_total: 0,
            scanned: 0,
            bytes: 0,
            report: None,
            error: None,
        }
    }
}

/// The window's one leak check, shared with its thread.
#[derive(Default)]
pub struct LeakScans {
    status: Arc<Mutex<LeakScanStatus>>,
    cancel: Mutex<Arc<AtomicBool>>,
}

impl LeakScans {
    fn update(status: &Mutex<LeakScanStatus>, change: impl FnOnce(&mut LeakScanStatus)) {
        let mut guard = status
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        change(&mut guard);
    }
}

/// Asks the person for a folder to check (the system's folder picker); the
/// chosen path, or nothing when they cancelled.
#[tauri::command]
pub async fn choose_scan_folder<R: Runtime>(
    app: AppHandle<R>,
    _: Args<NoArgs>,
) -> CommandResult<Option<String>> {
    let (tx, rx) = tokio::sync::oneshot::channel();
    app.dialog()
        .file()
        .set_title("Choose a folder to check for leaked keys")
        .pick_folder(move |path| {
            let _ = tx.send(path);
        });
    let Some(chosen) = rx.await.map_err(IpcError::internal)? else {
        return Ok(None);
    };
    let path = chosen.into_path().map_err(|e| {
        IpcError::invalid(format!(
            "Keyward cannot check that place ({e}). Choose a folder on this computer."
        ))
    })?;
    Ok(Some(path.display().to_string()))
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
    let scope = match request.scope.as_str() {
        "committable" => Scope::Committable,
        "everywhere" => Scope::Everywhere,
        "history" => Scope::History,
        other => {
            return Err(IpcError::invalid(format!(
                "Keyward does not know the kind of check \"{other}\"."
            )));
        }
    };
    let path = std::fs::canonicalize(&path).unwrap_or(path);
    let target = scope.target(&path);
    let watch = request.watch;
    let cancel = Arc::new(AtomicBool::new(false));
    {
        let mut status = scans
            .status
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        if matches!(status.state, "preparing" | "scanning") {
            return Err(IpcError::new(
                Code::Busy,
                "A leak check is already running. Wait for it or cancel it first.",
            ));
        }
        *status = LeakScanStatus {
            state: "preparing",
            path: Some(request.path.clone()),
            ..Default::default()
        };
        *scans
            .cancel
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner) = cancel.clone();
    }
    let vault = state.vault.clone();
    let shared = scans.status.clone();
    let started = shared
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
        .clone();
    std::thread::Builder::new()
        .name("leak-check".into())
        .spawn(move || {
            let result = keyward_core::scan::run_scan(&vault, &target, &cancel, |progress| {
                LeakScans::update(&shared, |status| match progress {
                    Progress::Fingerprints { done, total } => {
                        status.keys_done = done as u64;
                        status.keys_total = total as u64;
                    }
                    Progress::Scanned { count, bytes } => {
                        status.state = "scanning";
                        status.scanned = count;
                        status.bytes = bytes;
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
            LeakScans::update(&shared, |status| match result {
                Ok(report) => {
                    status.state = if report.cancelled {
                        "cancelled"
                    } else {
                        "done"
                    };
                    status.scanned = report.scanned;
                    status.bytes = report.bytes;
                    status.report = Some(report);
                }
                Err(error) => {
                    status.state = "failed";
                    status.error = Some(error.into());
                }
            });
            if found > 0 && !cancel.load(Ordering::Relaxed) {
                notify_found(found, &path);
            }
        })
        .map_err(IpcError::internal)?;
    Ok(started)
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
    scans
        .status
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
        .clone()
}

/// Cancels the running leak check; it stops between chunks of a file and
/// leaves nothing behind (no audit entry, no partial report kept as done).
#[tauri::command]
pub fn cancel_leak_scan(scans: State<'_, LeakScans>, _: Args<NoArgs>) {
    scans
        .cancel
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
        .store(true, Ordering::Relaxed);
}
