//! The window's import: choose a file, preview it with a column mapping,
//! import on a thread of its own with progress and cancel, then offer to
//! delete the source file.
//!
//! Promises: nothing is written before `start_import`, which the window
//! calls only when the person confirms. The preview and the status hold no
//! secret (the file is read again for the import, and its cells are wiped
//! after each use). One import runs at a time; cancelling stops it after
//! the batch in progress, and running it again continues (see
//! `keyward_core::vault::Vault::import`). The source is deleted only on
//! request, after an import of that file in which no secret was left out.

use std::collections::HashSet;
use std::path::{Path, PathBuf};

use keyward_core::Code;
use keyward_core::import::{self, Field, Format, Mapping, Plan, Preview, Refusal, Table};
use keyward_core::keychain::SharedStore;
use keyward_core::vault::{Vault, source_digest};
use serde::{Deserialize, Serialize};
use tauri::{AppHandle, Runtime, State};

use super::job::{Job, JobState, Progress, Status};
use super::pick::{Picker, pick};
use super::{AppState, Args, CommandResult, IpcError, NoArgs};

/// A file to preview or import, and how its columns map.
#[derive(Debug, Clone, Deserialize, ts_rs::TS)]
pub struct ImportRequest {
    /// The export file.
    pub path: String,
    /// What kind of file it is.
    pub format: Format,
    /// For each column, the field it becomes (`null`: left out); absent:
    /// the format's defaults.
    #[serde(default)]
    pub mapping: Option<Vec<Option<Field>>>,
}

/// The request to delete an import's source: `{ path }`.
#[derive(Debug, Deserialize, ts_rs::TS)]
pub struct ImportSourceRequest {
    /// The file imported.
    pub path: String,
}

/// A row that could not be written, with why.
#[derive(Debug, Clone, Serialize, ts_rs::TS)]
pub struct ImportFailure {
    /// The row.
    #[ts(type = "number")]
    pub row: usize,
    /// Why, as the window shows it.
    pub error: IpcError,
}

/// How an import ended.
#[derive(Debug, Clone, Serialize, ts_rs::TS)]
pub struct ImportResult {
    /// Keys made.
    #[ts(type = "number")]
    pub imported: usize,
    /// The names of the first keys made (at most 20).
    pub names: Vec<String>,
    /// Rows refused before writing (skipped ones included), with why.
    pub refused: Vec<Refusal>,
    /// Rows that could not be written.
    pub failed: Vec<ImportFailure>,
    /// Whether the person stopped it.
    pub cancelled: bool,
    /// Whether deleting the source would lose no secret (every row with
    /// one is in Keyward).
    pub source_deletable: bool,
}

/// What the window's import shows besides its state (`idle`,
/// `importing`, `done`, `cancelled` or `failed`).
#[derive(Debug, Clone, Default, Serialize, ts_rs::TS)]
pub struct ImportDetail {
    /// The file (as given).
    pub path: Option<String>,
    /// Keys written so far (in batches), of `total`.
    #[ts(type = "number")]
    pub done: usize,
    /// Keys to write.
    #[ts(type = "number")]
    pub total: usize,
    /// The result, once over.
    pub result: Option<ImportResult>,
}

/// Where the window's import is.
pub type ImportStatus = Status<ImportDetail>;

/// The window's one import.
pub type Imports = Job<ImportStatus>;

/// Asks the person for the export file (the system's file picker).
#[tauri::command]
pub async fn choose_import_file<R: Runtime>(
    app: AppHandle<R>,
    _: Args<NoArgs>,
) -> CommandResult<Option<String>> {
    let picker = Picker::open_file("Choose the file to import keys from")
        .filter("Exports (CSV, JSON)", &["csv", "json", "txt"])
        .refused_as("read", "a file");
    let path = pick(&app, picker).await?;
    Ok(path.map(|path| path.display().to_string()))
}

/// Reads and plans the import `request` describes (nothing is written).
fn planned(
    vault: &Vault<SharedStore>,
    request: &ImportRequest,
) -> Result<(Plan, String), IpcError> {
    let path = request.path.trim();
    if path.is_empty() {
        return Err(IpcError::invalid("Choose the file to import first."));
    }
    let bytes = import::read_source(Path::new(path)).map_err(keyward_core::Error::from)?;
    let digest = source_digest(&bytes);
    let table = Table::parse(request.format, &bytes).map_err(keyward_core::Error::from)?;
    drop(bytes);
    let mapping = match &request.mapping {
        None => Mapping::default_for(&table),
        Some(fields) => {
            let mut mapping = Mapping::default();
            for (at, field) in fields.iter().enumerate().take(table.columns.len()) {
                if let Some(field) = field {
                    mapping.set(at, *field);
                }
            }
            mapping
        }
    };
    let earlier: HashSet<String> = vault.imported_earlier(&digest)?;
    let keys = vault.catalog().load()?;
    let now = chrono::Utc::now();
    Ok((
        import::plan(table, &mapping, &keys, &earlier, now, &chrono::Local),
        digest,
    ))
}

/// The preview of an import: the first rows (secrets masked), the mapping,
/// the keys it would make and every row it would refuse, with why.
#[tauri::command]
pub async fn preview_import(
    state: State<'_, AppState>,
    Args(request): Args<ImportRequest>,
) -> CommandResult<Preview> {
    let vault = state.vault.clone();
    super::blocking(move || planned(&vault, &request).map(|(plan, _)| plan.preview())).await
}

/// Starts the import the person confirmed; refused while one runs.
#[tauri::command]
pub async fn start_import(
    state: State<'_, AppState>,
    imports: State<'_, Imports>,
    Args(request): Args<ImportRequest>,
) -> CommandResult<ImportStatus> {
    let first = Status::started(
        JobState::Importing,
        ImportDetail {
            path: Some(request.path.clone()),
            ..ImportDetail::default()
        },
    );
    let busy = || {
        IpcError::new(
            Code::Busy,
            "An import is already running. Wait for it or cancel it first.",
        )
    };
    let vault = state.vault.clone();
    let replan = state.replan.clone();
    imports.start("import", first, busy, move |progress| {
        let result = run_import(&vault, &request, &progress);
        progress.update(|status| {
            status.end(result, |detail, result| {
                let ended = if result.cancelled {
                    JobState::Cancelled
                } else {
                    JobState::Done
                };
                detail.result = Some(result);
                ended
            });
        });
        replan.notify_one();
    })
}

fn run_import(
    vault: &Vault<SharedStore>,
    request: &ImportRequest,
    progress: &Progress<ImportStatus>,
) -> Result<ImportResult, IpcError> {
    let (mut plan, digest) = planned(vault, request)?;
    let source = PathBuf::from(request.path.trim()).file_name().map_or_else(
        || request.path.clone(),
        |n| n.to_string_lossy().into_owned(),
    );
    let ready = std::mem::take(&mut plan.ready);
    progress.update(|status| status.detail.total = ready.len());
    let outcome = vault.import(&digest, &source, ready, |done, _| {
        progress.update(|status| status.detail.done = done);
        !progress.cancelled()
    })?;
    let source_deletable =
        !outcome.cancelled && outcome.failed.is_empty() && plan.rows_not_kept().is_empty();
    Ok(ImportResult {
        imported: outcome.imported.len(),
        names: outcome
            .imported
            .iter()
            .take(20)
            .map(|(_, r)| r.name.to_string())
            .collect(),
        refused: plan.refused,
        failed: outcome
            .failed
            .into_iter()
            .map(|(row, error)| ImportFailure {
                row,
                error: error.into(),
            })
            .collect(),
        cancelled: outcome.cancelled,
        source_deletable,
    })
}

/// Where the import is (and its result once over).
#[tauri::command]
pub fn import_status(imports: State<'_, Imports>, _: Args<NoArgs>) -> ImportStatus {
    imports.status()
}

/// Stops the running import after the batch in progress.
#[tauri::command]
pub fn cancel_import(imports: State<'_, Imports>, _: Args<NoArgs>) {
    imports.cancel();
}

/// Deletes the file just imported (it holds secrets in plain text); only
/// after an import of that very file in which no secret was left out.
#[tauri::command]
pub async fn delete_import_source(
    imports: State<'_, Imports>,
    Args(request): Args<ImportSourceRequest>,
) -> CommandResult<()> {
    let allowed = {
        let status = imports.status();
        status.state == JobState::Done
            && status.detail.path.as_deref() == Some(request.path.as_str())
            && status
                .detail
                .result
                .as_ref()
                .is_some_and(|r| r.source_deletable)
    };
    if !allowed {
        return Err(IpcError::invalid(
            "Keyward deletes a file only right after importing every key in it. Delete it yourself once you have checked the keys.",
        ));
    }
    let path = PathBuf::from(request.path);
    tauri::async_runtime::spawn_blocking(move || import::delete_source(&path))
        .await
        .map_err(IpcError::internal)?
        .map_err(|e| IpcError::from(keyward_core::Error::from(e)))
}
