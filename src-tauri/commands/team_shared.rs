//! The window's shared-key commands (the Team screen's "Shared keys" and a
//! key's "Share with the team…"): list what the team vault lets this person
//! see, copy a shared key's secret to the clipboard, rotate it for everyone
//! and delete it for everyone. Each is audited on this desktop's side.
//!
//! Promises: a shared key's secret goes from the vault to the clipboard
//! (cleared after a while, as for the person's own keys) and never to the
//! window; a new secret comes from the window once and goes only to the
//! vault; a rotation or delete that a colleague's change overtook is
//! refused with the code `team_conflict` and overwrites nothing.

use chrono::Utc;
use keyward_core::Secret;
use keyward_core::audit::AuditAction;
use keyward_core::team::TeamConfig;
use serde::{Deserialize, Serialize};
use tauri::State;

use super::{AppState, Args, CommandResult, IpcError, KeyRequest, NoArgs, blocking};
use crate::team::shared::{SharedEntry, SharedRotated};
use crate::team::{self, TeamError};

/// One shared key, by name.
#[derive(Deserialize, ts_rs::TS)]
pub struct SharedKeyRequest {
    /// The shared key's name.
    name: String,
}

/// A new secret for a shared key.
#[derive(Deserialize, ts_rs::TS)]
pub struct RotateSharedRequest {
    /// The shared key's name.
    name: String,
    /// The version the person saw (the rotation is refused if it changed).
    #[ts(type = "number | null")]
    version: Option<u64>,
    /// The new secret (never sent back).
    #[ts(type = "string")]
    secret: Secret,
    /// The vendor's new credential ID, when there is one.
    credential_id: Option<String>,
}

/// Deleting a shared key for everyone.
#[derive(Deserialize, ts_rs::TS)]
pub struct UnshareRequest {
    /// The shared key's name.
    name: String,
    /// The version the person saw (the delete is refused if it changed).
    #[ts(type = "number | null")]
    version: Option<u64>,
}

/// A shared key's secret copied to the clipboard.
#[derive(Debug, Serialize, ts_rs::TS)]
pub struct SharedCopied {
    /// The version read.
    #[ts(type = "number")]
    version: u64,
    /// Seconds until the clipboard is cleared.
    #[ts(type = "number")]
    clear_after_seconds: u64,
}

fn shared_error(error: TeamError) -> IpcError {
    match error {
        TeamError::SharedChanged { .. } | TeamError::Conflict => {
            IpcError::new(keyward_core::Code::TeamConflict, error.to_string())
        }
        other => other.into(),
    }
}

/// The team-vault settings and credential, or "not connected".
async fn connected(state: &AppState) -> CommandResult<(TeamConfig, Secret)> {
    let config_dir = state.settings.file().path().parent().map_or_else(
        || std::path::PathBuf::from("."),
        std::path::Path::to_path_buf,
    );
    let store = state.keychain();
    blocking(move || -> CommandResult<_> {
        let config = TeamConfig::load(&config_dir)?.ok_or(TeamError::NotConnected)?;
        let credential = team::stored_credential(&store)?.ok_or(TeamError::NotConnected)?;
        Ok((config, credential))
    })
    .await
}

fn note(state: &AppState, action: AuditAction, key: Option<(&str, &str)>, detail: &str) {
    if let Some(audit) = state.vault.audit() {
        audit.note(action, key, Some(detail));
    }
}

/// The shared keys this person may see in the team vault (never a secret).
#[tauri::command]
pub async fn shared_keys(
    state: State<'_, AppState>,
    _: Args<NoArgs>,
) -> CommandResult<Vec<SharedEntry>> {
    let (config, credential) = connected(&state).await?;
    team::shared::list(&config, &credential)
        .await
        .map_err(|error| match error {
            TeamError::Permission { action: "list", .. } => IpcError::new(
                keyward_core::Code::TeamSharedNotGranted,
                team::shared::NONE_SHOWN,
            ),
            other => shared_error(other),
        })
}

/// Copies a shared key's secret from the vault to the clipboard (cleared
/// after a while); audited here.
#[tauri::command]
pub async fn copy_shared_secret(
    state: State<'_, AppState>,
    Args(SharedKeyRequest { name }): Args<SharedKeyRequest>,
) -> CommandResult<SharedCopied> {
    team::shared::check_name(&name).map_err(shared_error)?;
    let (config, credential) = connected(&state).await?;
    let (shared, secret, version) = team::read_shared(&config, &credential, &name)
        .await
        .map_err(shared_error)?;
    note(
        &state,
        AuditAction::TeamSecretCopied,
        None,
        &format!(
            "shared key \"{name}\" read from the team vault at {}/{}, version {version}, shared by {}, copied to the clipboard",
            config.mount,
            config.shared_path(&name),
            shared.shared_by
        ),
    );
    state.clipboard.copy_secret(secret)?;
    Ok(SharedCopied {
        version,
        clear_after_seconds: state.clipboard.clear_after().as_secs(),
    })
}

/// Rotates a shared key for everyone: the new secret becomes its newest
/// version (check-and-set on the version the person saw); audited here.
#[tauri::command]
pub async fn rotate_shared_key(
    state: State<'_, AppState>,
    Args(request): Args<RotateSharedRequest>,
) -> CommandResult<SharedRotated> {
    let (config, credential) = connected(&state).await?;
    let rotated = team::shared::rotate(
        &config,
        &credential,
        &request.name,
        &request.secret,
        request.credential_id.as_deref(),
        request.version,
    )
    .await
    .map_err(shared_error)?;
    note(
        &state,
        AuditAction::TeamRotated,
        None,
        &format!(
            "shared key \"{}\" in the team vault at {}/{}, version {} replaced by version {}",
            request.name,
            config.mount,
            config.shared_path(&request.name),
            rotated.from_version,
            rotated.version
        ),
    );
    Ok(rotated)
}

/// Deletes a shared key from the team vault for everyone (the vault keeps
/// its history); audited here.
#[tauri::command]
pub async fn unshare_key(
    state: State<'_, AppState>,
    Args(request): Args<UnshareRequest>,
) -> CommandResult<()> {
    let (config, credential) = connected(&state).await?;
    let deleted = team::shared::delete(&config, &credential, &request.name, request.version)
        .await
        .map_err(shared_error)?;
    note(
        &state,
        AuditAction::TeamUnshared,
        None,
        &format!(
            "shared key \"{}\" deleted from the team vault at {}/{}{}",
            request.name,
            config.mount,
            config.shared_path(&request.name),
            if deleted > 0 {
                format!(", version {deleted}")
            } else {
                String::new()
            }
        ),
    );
    Ok(())
}

/// Shares one of this person's keys with the team: its secret and metadata
/// go to `<prefix>/shared/<name>`, only if no shared key has that name
/// (check-and-set); audited here.
#[tauri::command]
pub async fn share_with_team(
    state: State<'_, AppState>,
    Args(KeyRequest { id }): Args<KeyRequest>,
) -> CommandResult<SharedEntry> {
    let (config, credential) = connected(&state).await?;
    let vault = state.vault.clone();
    let settings = state.settings_in_force();
    let desktop = config.desktop.clone();
    let (record, shared, secret) = blocking(move || -> CommandResult<_> {
        let record = vault.find(keyward_core::vault::KeyRef::Id(&id))?;
        let shared = team::shared::shared_key_of(&record, &settings, &desktop, Utc::now())
            .ok_or_else(|| {
                IpcError::invalid(format!(
                    "\"{}\" is not an active key, so it cannot be shared.",
                    record.name
                ))
            })?;
        let secret = vault.store().get(&record.id)?;
        Ok((record, shared, secret))
    })
    .await?;
    let name = record.name.as_str().to_owned();
    let version = team::share_key(&config, &credential, &shared, &secret)
        .await
        .map_err(|error| match error {
            TeamError::Conflict => IpcError::new(
                keyward_core::Code::TeamConflict,
                format!(
                    "The team vault already has a shared key called \"{name}\", so nothing was overwritten. Rotate it there, or share this key under another name."
                ),
            ),
            other => other.into(),
        })?;
    note(
        &state,
        AuditAction::TeamShared,
        Some((&record.id, &name)),
        &format!(
            "to the team vault at {}/{}, version {version}",
            config.mount,
            config.shared_path(&name)
        ),
    );
    Ok(SharedEntry {
        name,
        version: Some(version),
        updated_at: None,
        may_rotate: None,
        may_delete: None,
    })
}
