//! Commands for security leads: the audit log, the report, and the team
//! channel. The webhook address goes from the window to the keychain and
//! never back: the window only learns whether one is set up.

use chrono::Utc;
use keyward_core::Secret;
use keyward_core::audit::AuditEntry;
use keyward_core::settings::{Settings, WebhookFormat};
use keyward_core::team_channel::Digest;
use serde::{Deserialize, Serialize};
use tauri::{AppHandle, Runtime, State};

use super::pick::{Picker, pick};
use super::{AppState, Args, CommandResult, NoArgs, blocking};
use crate::webhook::config::{self, WebhookStatus};
use crate::webhook::{self, WebhookError};

/// The report's file formats.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
#[serde(rename_all = "snake_case")]
pub enum ReportFormat {
    /// Comma-separated values, for spreadsheets.
    Csv,
    /// JSON, for scripts.
    Json,
}

/// The answer to "Send a test message".
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ts_rs::TS)]
pub struct WebhookTest {
    /// Whether the channel accepted it.
    pub delivered: bool,
    /// What happened, as a sentence.
    pub message: String,
}

/// Whose activity to read.
#[derive(Debug, Deserialize, ts_rs::TS)]
pub struct AuditLogRequest {
    /// One key's id, or `null` for all keys.
    #[serde(default)]
    id: Option<String>,
}

/// What Keyward did, newest first: for the key `id`, or for all keys.
#[tauri::command]
pub async fn audit_log(
    state: State<'_, AppState>,
    Args(AuditLogRequest { id }): Args<AuditLogRequest>,
) -> CommandResult<Vec<AuditEntry>> {
    let vault = state.vault.clone();
    blocking(move || match vault.audit() {
        Some(audit) => audit.newest_first(id.as_deref()),
        None => Ok(Vec::new()),
    })
    .await
}

/// Which report to save.
#[derive(Debug, Deserialize, ts_rs::TS)]
pub struct SaveReportRequest {
    /// Its file format.
    format: ReportFormat,
}

/// Asks where to save the report, then saves it (readable only by the
/// person). The path it was saved to, or `null` when the person cancelled.
#[tauri::command]
pub async fn save_report<R: Runtime>(
    app: AppHandle<R>,
    state: State<'_, AppState>,
    Args(SaveReportRequest { format }): Args<SaveReportRequest>,
) -> CommandResult<Option<String>> {
    let vault = state.vault.clone();
    let source = state.settings_in_force().period_source();
    let now = Utc::now();
    let text = blocking(move || -> keyward_core::Result<_> {
        let rows = keyward_core::report::rows_with_vendors(
            &vault.catalog().load()?,
            vault.vendor_profiles(),
            &vault.policy(),
            source,
            now,
            &chrono::Local,
        );
        Ok(match format {
            ReportFormat::Csv => keyward_core::report::to_csv(&rows, &chrono::Local),
            ReportFormat::Json => keyward_core::report::to_json(&rows),
        })
    })
    .await?;
    let (name, extension) = match format {
        ReportFormat::Csv => ("CSV spreadsheet", "csv"),
        ReportFormat::Json => ("JSON", "json"),
    };
    let extensions = [extension];
    let picker = Picker::save_file("Save the rotation report")
        .filter(name, &extensions)
        .file_name(format!(
            "keyward-report-{}.{extension}",
            chrono::Local::now().format("%Y-%m-%d")
        ))
        .refused_as("save to", "a folder");
    let Some(path) = pick(&app, picker).await? else {
        return Ok(None);
    };
    let shown = path.display().to_string();
    blocking(move || -> keyward_core::Result<_> {
        keyward_core::private_files::write_atomically(&path, text.as_bytes())?;
        Ok(())
    })
    .await?;
    Ok(Some(shown))
}

/// Whether a team channel is set up (never its address).
#[tauri::command]
pub async fn get_webhook(
    state: State<'_, AppState>,
    _: Args<NoArgs>,
) -> CommandResult<WebhookStatus> {
    webhook_status(state).await
}

async fn webhook_status(state: State<'_, AppState>) -> CommandResult<WebhookStatus> {
    let vault = state.vault.clone();
    let settings = state.settings_in_force().settings;
    blocking(move || config::status(vault.store(), &settings, vault.audit())).await
}

/// A team channel to set up. The address is wiped after use.
#[derive(Deserialize, ts_rs::TS)]
pub struct SetWebhookRequest {
    /// The webhook address (a secret: kept in the keychain).
    #[ts(type = "string")]
    url: Secret,
    /// The message format the channel reads.
    format: WebhookFormat,
    /// Whether messages name keys' credential IDs.
    include_credential_ids: bool,
}

/// Stores the team channel's address in the keychain and its format in the settings.
#[tauri::command]
pub async fn set_webhook(
    state: State<'_, AppState>,
    Args(SetWebhookRequest {
        url,
        format,
        include_credential_ids,
    }): Args<SetWebhookRequest>,
) -> CommandResult<WebhookStatus> {
    // Read the settings first: a damaged file is reported, never overwritten.
    let mut settings = state.settings.file().load()?;
    let store = state.keychain();
    blocking(move || config::set_url(&store, url.expose())).await?;
    settings.webhook_format = format;
    settings.webhook_include_credential_ids = include_credential_ids;
    state.settings.save(&settings, state.vault.audit())?;
    webhook_status(state).await
}

/// Removes the team channel's address.
#[tauri::command]
pub async fn clear_webhook(
    state: State<'_, AppState>,
    _: Args<NoArgs>,
) -> CommandResult<WebhookStatus> {
    let store = state.keychain();
    blocking(move || config::clear_url(&store)).await?;
    webhook_status(state).await
}

/// Sends a test message to the team channel and says how it went.
#[tauri::command]
pub async fn test_webhook(
    state: State<'_, AppState>,
    _: Args<NoArgs>,
) -> CommandResult<WebhookTest> {
    let settings: Settings = state.settings_in_force().settings;
    let audit = state.vault.audit().cloned();
    let format = settings.webhook_format;
    let sent = webhook::send_to_team(
        state.keychain(),
        &settings,
        &Digest::test_message(),
        audit.as_ref(),
    )
    .await;
    Ok(match sent {
        Ok(Some(_)) => WebhookTest {
            delivered: true,
            message: format!(
                "The test message was delivered to your team channel ({} format).",
                webhook::format_name(format)
            ),
        },
        Ok(None) => WebhookTest {
            delivered: false,
            message: WebhookError::NotConfigured.to_string(),
        },
        Err(WebhookError::Keychain(e)) => return Err(e.into()),
        Err(error) => WebhookTest {
            delivered: false,
            message: format!("The test message was not delivered. {error}"),
        },
    })
}
