//! Commands for reminders: rotate, snooze, and opening a key from a notification.

use chrono::Utc;
use keyward_core::naming::ServiceName;
use keyward_core::record::KeyView;
use keyward_core::vault::KeyRef;
use tauri::State;

use super::keys::GeneratedKey;
use super::{AppState, CommandResult, IpcError, blocking};
use crate::input::suggested_name;

/// Replaces a key with a new one (same service and application) and marks
/// the old one for deletion after the grace period. The new secret is shown once.
#[tauri::command]
pub async fn rotate_key(state: State<'_, AppState>, id: String) -> CommandResult<GeneratedKey> {
    let vault = state.vault.clone();
    let settings = state.settings_in_force().settings;
    let generated = blocking(move || {
        let now = Utc::now();
        vault.recover()?;
        let name = |service: &ServiceName| suggested_name(service.as_str(), now);
        let (new, secret) = vault.rotate(KeyRef::Id(&id), name, now, settings.grace())?;
        Ok(GeneratedKey::new(
            new.view(&vault.policy(), now, &chrono::Local),
            &secret,
        ))
    })
    .await?;
    state.keys_changed();
    Ok(generated)
}

/// Pauses reminders for a key for 1 or 7 days, within the organisation's
/// limits on pausing (refused in words naming the limit); audited.
#[tauri::command]
pub async fn snooze_key(
    state: State<'_, AppState>,
    id: String,
    days: u32,
) -> CommandResult<KeyView> {
    if !matches!(days, 1 | 7) {
        return Err(IpcError {
            code: "invalid_input",
            message: "Reminders can be paused for 1 day or 7 days.".into(),
        });
    }
    let effective = state.settings_in_force();
    let rules = effective.settings.reminder_policy();
    let limits = effective.policy;
    let vault = state.vault.clone();
    let view = blocking(move || {
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
pub fn take_open_request(state: State<'_, AppState>) -> Option<crate::tray::OpenRequest> {
    state
        .open_request
        .lock()
        .ok()
        .and_then(|mut request| request.take())
}
