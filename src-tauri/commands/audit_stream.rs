//! Commands for the audit log's hash chain and the audit stream to a SIEM:
//! "Check the log" on the Activity screen, and Settings → Audit stream.
//! Sending is not done here: the stream task of the window (or of the
//! background program) sends what the audit log holds, so nothing the
//! window asks waits on the network.

use keyward_core::audit::AuditAction;
use keyward_core::audit_chain::ChainCheck;
use keyward_core::siem::{StreamFiles, StreamStatus, StreamTarget};
use serde::Deserialize;
use tauri::State;

use super::{AppState, Args, CommandResult, IpcError, NoArgs, blocking};

fn files(state: &AppState) -> StreamFiles {
    StreamFiles::in_dir(state.vault.catalog().dir())
}

/// Checks the audit log's hash chain and says which lines were changed,
/// removed, put in or moved.
#[tauri::command]
pub async fn verify_audit_log(
    state: State<'_, AppState>,
    _: Args<NoArgs>,
) -> CommandResult<ChainCheck> {
    let vault = state.vault.clone();
    blocking(move || match vault.audit() {
        Some(audit) => audit.verify(),
        None => Ok(keyward_core::audit_chain::verify(b"")),
    })
    .await
}

/// Whether the audit stream is on, where it goes and how it is doing.
#[tauri::command]
pub async fn get_audit_stream(
    state: State<'_, AppState>,
    _: Args<NoArgs>,
) -> CommandResult<StreamStatus> {
    let files = files(&state);
    blocking(move || files.status()).await
}

/// Where to send the audit stream.
#[derive(Debug, Deserialize, ts_rs::TS)]
pub struct SetAuditStreamRequest {
    /// `HOST:PORT` of the SIEM's syslog receiver.
    address: String,
    /// Whether to use TLS.
    tls: bool,
    /// Whether plain TCP to another computer is allowed.
    allow_plain_tcp: bool,
    /// Whether to send the entries already in the log too.
    from_start: bool,
}

/// Turns the audit stream on (or changes where it goes); audited.
#[tauri::command]
pub async fn set_audit_stream(
    state: State<'_, AppState>,
    Args(request): Args<SetAuditStreamRequest>,
) -> CommandResult<StreamStatus> {
    let target = StreamTarget::parse(&request.address, request.tls, request.allow_plain_tcp)
        .map_err(|e| IpcError::invalid(e.to_string()))?;
    let files = files(&state);
    let audit = state.vault.audit().cloned();
    blocking(move || {
        let before = files.target()?;
        files.set_target(&target, request.from_start)?;
        if let Some(audit) = audit {
            let was = before.map_or_else(|| "off".to_owned(), |t| t.describe());
            audit.note(
                AuditAction::SettingsChanged,
                None,
                Some(&format!("audit_stream: {was} → {}", target.describe())),
            );
        }
        files.status()
    })
    .await
}

/// Turns the audit stream off; audited.
#[tauri::command]
pub async fn turn_off_audit_stream(
    state: State<'_, AppState>,
    _: Args<NoArgs>,
) -> CommandResult<StreamStatus> {
    let files = files(&state);
    let audit = state.vault.audit().cloned();
    blocking(move || {
        if let Some(before) = files.target()? {
            files.turn_off()?;
            if let Some(audit) = audit {
                audit.note(
                    AuditAction::SettingsChanged,
                    None,
                    Some(&format!("audit_stream: {} → off", before.describe())),
                );
            }
        }
        files.status()
    })
    .await
}
