//! Commands for the settings screen.

use keyward_core::settings::Settings;
use tauri::State;

use super::{AppState, CommandResult, IpcError};

/// The saved settings (the defaults when none were saved).
#[tauri::command]
pub fn get_settings(state: State<'_, AppState>) -> Settings {
    state.settings.load_or_default()
}

/// Validates and saves the settings, then applies them.
#[tauri::command]
pub fn save_settings(state: State<'_, AppState>, settings: Settings) -> CommandResult<Settings> {
    state.settings.save(&settings).map_err(|error| IpcError {
        code: match error {
            keyward_core::settings::SettingsError::OutOfRange(_) => "invalid_input",
            _ => "io",
        },
        message: error.to_string(),
    })?;
    crate::autostart::set(settings.start_at_login).map_err(|error| IpcError {
        code: "io",
        message: format!(
            "Your settings were saved, but Keyward could not change whether it starts at login ({error})."
        ),
    })?;
    state
        .clipboard
        .set_clear_after(std::time::Duration::from_secs(u64::from(
            settings.clipboard_clear_seconds,
        )));
    state.keys_changed();
    Ok(settings)
}
