//! Commands that copy to the clipboard. The secret goes from the keychain to
//! the clipboard without passing through the window.

use chrono::Utc;
use keyward_core::vault::KeyRef;
use serde::Serialize;
use tauri::State;

use super::{AppState, Args, CommandResult, IpcError, KeyRequest, blocking};

/// How long the copied secret stays on the clipboard.
#[derive(Debug, Serialize, ts_rs::TS)]
pub struct Copied {
    clear_after_seconds: u64,
}

/// Copies a key's secret; the clipboard is cleared after a while.
#[tauri::command]
pub async fn copy_secret(
    state: State<'_, AppState>,
    Args(KeyRequest { id }): Args<KeyRequest>,
) -> CommandResult<Copied> {
    let vault = state.vault.clone();
    let clipboard = state.clipboard.clone();
    let (_, secret) = blocking(move || vault.secret_for_copy(KeyRef::Id(&id), Utc::now())).await?;
    clipboard.copy_secret(secret)?;
    Ok(Copied {
        clear_after_seconds: clipboard.clear_after().as_secs(),
    })
}

/// Copies a key's credential ID (not secret: it stays on the clipboard).
#[tauri::command]
pub async fn copy_credential_id(
    state: State<'_, AppState>,
    Args(KeyRequest { id }): Args<KeyRequest>,
) -> CommandResult<()> {
    let vault = state.vault.clone();
    let record = blocking(move || vault.find(KeyRef::Id(&id))).await?;
    state
        .clipboard
        .copy_text(&record.credential_id)
        .map_err(IpcError::from)
}
