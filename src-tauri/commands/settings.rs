//! Commands for the settings screen, and what the window says about the
//! settings in force (a damaged settings file, a broken or limiting
//! organisation policy).

use keyward_core::Code;
use keyward_core::policy::OrgPolicy;
use keyward_core::settings::{PeriodSource, Settings};
use serde::{Deserialize, Serialize};
use tauri::State;

use super::{AppState, Args, CommandResult, IpcError, NoArgs};

/// What the window needs to know about the settings in force, beyond their values.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ts_rs::TS)]
pub struct SettingsStatus {
    /// The organisation's limits in force (all `null` when there is no policy;
    /// the strictest reading when its file is broken).
    pub policy: OrgPolicy,
    /// What went wrong reading the settings or the policy, one sentence each
    /// (for the window's banner). Empty when all is well.
    pub problems: Vec<String>,
    /// The rotation period in force, in months.
    pub rotation_months: u32,
    /// Where it comes from.
    pub rotation_period_source: PeriodSource,
}

/// The settings in force: the person's, with the organisation's limits
/// applied (the guide's defaults when the file is damaged or missing).
#[tauri::command]
pub fn get_settings(state: State<'_, AppState>, _: Args<NoArgs>) -> Settings {
    state.settings_in_force().settings
}

/// The organisation's limits, the period in force and its source, and what
/// went wrong reading the settings.
#[tauri::command]
pub fn settings_status(state: State<'_, AppState>, _: Args<NoArgs>) -> SettingsStatus {
    let effective = state.settings_in_force();
    SettingsStatus {
        policy: effective.policy,
        problems: effective.problems.clone(),
        rotation_months: effective.settings.rotation_months,
        rotation_period_source: effective.period_source(),
    }
}

/// Settings to save.
#[derive(Debug, Deserialize, ts_rs::TS)]
pub struct SaveSettingsRequest {
    /// All of them, as the Settings screen shows them.
    settings: Settings,
}

/// Validates and saves the settings (refusing values looser than the
/// organisation allows), records each change in the audit log, then applies them.
#[tauri::command]
pub fn save_settings(
    state: State<'_, AppState>,
    Args(SaveSettingsRequest { settings }): Args<SaveSettingsRequest>,
) -> CommandResult<Settings> {
    state.settings.save(&settings, state.vault.audit())?;
    let effective = state.settings_in_force();
    crate::autostart::set(settings.start_at_login).map_err(|error| {
        IpcError::new(
            Code::Io,
            format!(
                "Your settings were saved, but Keyward could not change whether it starts at login ({error})."
            ),
        )
    })?;
    state
        .clipboard
        .set_clear_after(std::time::Duration::from_secs(u64::from(
            settings.clipboard_clear_seconds,
        )));
    state.keys_changed();
    Ok(effective.settings)
}
