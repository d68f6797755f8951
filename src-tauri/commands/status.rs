//! The start-up check: finish interrupted work and see whether the keychain answers.

use keyward_core::Code;
use serde::Serialize;
use tauri::State;

use super::{AppState, Args, CommandResult, NoArgs, blocking};

/// How the keychain answered at start, for the window's banner.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, ts_rs::TS)]
#[serde(rename_all = "snake_case")]
pub enum KeychainState {
    /// It answered.
    Ok,
    /// It is locked.
    Locked,
    /// No keychain service answers.
    Unavailable,
    /// It did not answer in time.
    Timeout,
    /// It refused Keyward.
    Denied,
    /// Anything else (the message says what).
    Error,
}

impl KeychainState {
    /// The state a keychain error's [`Code`] means.
    pub fn of(code: Code) -> Self {
        match code {
            Code::KeychainLocked => Self::Locked,
            Code::KeychainUnavailable => Self::Unavailable,
            Code::KeychainTimeout => Self::Timeout,
            Code::KeychainDenied => Self::Denied,
            _ => Self::Error,
        }
    }
}

/// What the window shows at start.
#[derive(Debug, Serialize, ts_rs::TS)]
pub struct AppStatus {
    keychain: KeychainState,
    keychain_message: Option<String>,
    recovered: Vec<String>,
}

/// Recovers interrupted operations and checks the keychain.
#[tauri::command]
pub async fn app_status(state: State<'_, AppState>, _: Args<NoArgs>) -> CommandResult<AppStatus> {
    let vault = state.vault.clone();
    blocking(move || {
        let probe = vault.recover().and_then(|recovery| {
            vault.orphans()?;
            Ok(recovery)
        });
        Ok(match probe {
            Ok(recovery) => AppStatus {
                keychain: KeychainState::Ok,
                keychain_message: None,
                recovered: recovery
                    .rolled_back
                    .into_iter()
                    .chain(recovery.finished_deletes)
                    .collect(),
            },
            Err(keyward_core::Error::Keychain(e)) => AppStatus {
                keychain: KeychainState::of(e.code()),
                keychain_message: Some(e.to_string()),
                recovered: Vec::new(),
            },
            Err(other) => return Err(other),
        })
    })
    .await
}
