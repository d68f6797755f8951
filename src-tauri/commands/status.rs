//! The start-up check: finish interrupted work and see whether the keychain answers.

use keyward_core::keychain::KeychainError;
use serde::Serialize;
use tauri::State;

use super::{AppState, CommandResult, blocking};

/// What the window shows at start.
#[derive(Debug, Serialize, ts_rs::TS)]
pub struct AppStatus {
    #[ts(type = "\"ok\" | \"locked\" | \"unavailable\" | \"timeout\" | \"denied\" | \"error\"")]
    keychain: &'static str,
    keychain_message: Option<String>,
    recovered: Vec<String>,
}

/// Recovers interrupted operations and checks the keychain.
#[tauri::command]
pub async fn app_status(state: State<'_, AppState>) -> CommandResult<AppStatus> {
    let vault = state.vault.clone();
    blocking(move || {
        let probe = vault.recover().and_then(|recovery| {
            vault.orphans()?;
            Ok(recovery)
        });
        Ok(match probe {
            Ok(recovery) => AppStatus {
                keychain: "ok",
                keychain_message: None,
                recovered: recovery
                    .rolled_back
                    .into_iter()
                    .chain(recovery.finished_deletes)
                    .collect(),
            },
            Err(keyward_core::Error::Keychain(e)) => AppStatus {
                keychain: match e {
                    KeychainError::Locked => "locked",
                    KeychainError::Unavailable { .. } => "unavailable",
                    KeychainError::TimedOut { .. } => "timeout",
                    KeychainError::Denied => "denied",
                    _ => "error",
                },
                keychain_message: Some(e.to_string()),
                recovered: Vec::new(),
            },
            Err(other) => return Err(other),
        })
    })
    .await
}
