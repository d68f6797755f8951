//! Commands for rotation (Keyward-issued and vendor keys), leaks, snoozing,
//! and opening a key from a notification.

use chrono::Utc;
use keyward_core::naming::ServiceName;
use keyward_core::record::KeyView;
use keyward_core::vault::KeyRef;
use tauri::State;

use super::keys::GeneratedKey;
use super::{AppState, Args, CommandResult, IpcError, KeyRequest, NoArgs, blocking};
use crate::input::replacement_name;

/// Replaces a Keyward-issued key with a new one (same service, application,
/// owner and notes) and marks the old one for deletion after the grace
/// period (none when it leaked). The new secret is shown once. A vendor's
/// key is refused: see `start_rotation` and `finish_vendor_rotation`.
#[tauri::command]
pub async fn rotate_key(
    state: State<'_, AppState>,
    Args(KeyRequest { id }): Args<KeyRequest>,
) -> CommandResult<GeneratedKey> {
    let vault = state.vault.clone();
    let settings = state.settings_in_force().settings;
    let generated = blocking(move || -> keyward_core::Result<_> {
        let now = Utc::now();
        let name = |service: &ServiceName| replacement_name(&vault, service, now);
        let (new, secret) = vault.rotate(KeyRef::Id(&id), name, now, settings.grace())?;
        Ok(GeneratedKey::new(
            vault.view(&new, now, &chrono::Local)?,
            &secret,
        ))
    })
    .await?;
    state.keys_changed();
    Ok(generated)
}

/// A request to pause a key's reminders.
#[derive(Debug, serde::Deserialize, ts_rs::TS)]
pub struct SnoozeRequest {
    /// The key's id.
    id: String,
    /// For how long: 1 or 7 days.
    days: u32,
}

/// Pauses reminders for a key for 1 or 7 days, within the organisation's
/// limits on pausing (refused in words naming the limit); audited.
#[tauri::command]
pub async fn snooze_key(
    state: State<'_, AppState>,
    Args(SnoozeRequest { id, days }): Args<SnoozeRequest>,
) -> CommandResult<KeyView> {
    if !matches!(days, 1 | 7) {
        return Err(IpcError::invalid(
            "Reminders can be paused for 1 day or 7 days.",
        ));
    }
    let effective = state.settings_in_force();
    let rules = effective.settings.reminder_policy();
    let limits = effective.policy;
    let vault = state.vault.clone();
    let view = blocking(move || -> keyward_core::Result<_> {
        let now = Utc::now();
        let record = vault.snooze(KeyRef::Id(&id), now, days, &rules, &limits, &chrono::Local)?;
        Ok(record.view(&vault.policy(), now, &chrono::Local))
    })
    .await?;
    state.keys_changed();
    Ok(view)
}

/// What the window was asked to show, if anything (taken once): a clicked
/// notification's key, or the tray's keys that need rotating.
#[tauri::command]
pub fn take_open_request(
    state: State<'_, AppState>,
    _: Args<NoArgs>,
) -> Option<crate::tray::OpenRequest> {
    state
        .open_request
        .lock()
        .ok()
        .and_then(|mut request| request.take())
}

/// Starts a vendor key's rotation: the key now waits for the new key made
/// in the vendor's dashboard (shown as "rotation in progress" until then).
/// A Keyward-issued key is refused (`invalid_input`): use `rotate_key`.
#[tauri::command]
pub async fn start_rotation(
    state: State<'_, AppState>,
    Args(KeyRequest { id }): Args<KeyRequest>,
) -> CommandResult<KeyView> {
    let vault = state.vault.clone();
    let view = blocking(move || {
        let record = vault.start_rotation(KeyRef::Id(&id))?;
        vault.view(&record, Utc::now(), &chrono::Local)
    })
    .await?;
    state.keys_changed();
    Ok(view)
}

/// Cancels a vendor rotation that still waits for the new key.
#[tauri::command]
pub async fn cancel_rotation(
    state: State<'_, AppState>,
    Args(KeyRequest { id }): Args<KeyRequest>,
) -> CommandResult<KeyView> {
    let vault = state.vault.clone();
    let view = blocking(move || {
        let record = vault.cancel_rotation(KeyRef::Id(&id))?;
        vault.view(&record, Utc::now(), &chrono::Local)
    })
    .await?;
    state.keys_changed();
    Ok(view)
}

/// The key a vendor's dashboard made, pasted to finish a vendor rotation.
/// The secret is wiped after use.
#[derive(serde::Deserialize, ts_rs::TS)]
pub struct VendorRotateRequest {
    /// The old key's id.
    id: String,
    /// The new key's credential ID.
    credential_id: String,
    /// The new key's secret.
    #[ts(type = "string")]
    secret: keyward_core::Secret,
    /// A name for the new key; `null` or blank: the conventional name from now.
    name: Option<String>,
}

/// Finishes a vendor rotation with the pasted key: the NEW key (inheriting
/// service, application, owner, vendor and notes) is returned; the old key
/// is replaced, to be deleted after the grace period (at once if it leaked).
#[tauri::command]
pub async fn finish_vendor_rotation(
    state: State<'_, AppState>,
    Args(request): Args<VendorRotateRequest>,
) -> CommandResult<KeyView> {
    let vault = state.vault.clone();
    let settings = state.settings_in_force().settings;
    let view = blocking(move || {
        let now = Utc::now();
        let credential_id = keyward_core::naming::Label::credential_id(&request.credential_id)?;
        let secret = keyward_core::Secret::new(request.secret.expose().trim().to_owned());
        let chosen = request
            .name
            .as_deref()
            .map(str::trim)
            .filter(|n| !n.is_empty())
            .map(keyward_core::naming::KeyName::parse)
            .transpose()?;
        let name = |service: &ServiceName| match chosen {
            Some(name) => Ok(name),
            None => replacement_name(&vault, service, now),
        };
        let new = vault.finish_vendor_rotation(
            KeyRef::Id(&request.id),
            &credential_id,
            secret,
            name,
            now,
            settings.grace(),
        )?;
        vault.view(&new, now, &chrono::Local)
    })
    .await?;
    state.keys_changed();
    Ok(view)
}

/// Records that a key leaked (audited). A vendor's key then waits for its
/// new key with no grace period; for a Keyward-issued key the window calls
/// `rotate_key` next, which gives a leaked key no grace period.
#[tauri::command]
pub async fn mark_leaked(
    state: State<'_, AppState>,
    Args(KeyRequest { id }): Args<KeyRequest>,
) -> CommandResult<KeyView> {
    let vault = state.vault.clone();
    let view = blocking(move || {
        let now = Utc::now();
        let record = vault.mark_leaked(KeyRef::Id(&id), now)?;
        vault.view(&record, now, &chrono::Local)
    })
    .await?;
    state.keys_changed();
    Ok(view)
}
