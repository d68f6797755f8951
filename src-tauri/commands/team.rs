//! The window's team-vault commands: Settings → Team (connect, test,
//! disconnect, status) and the lead's Team screen. The credential goes from
//! the window to the keychain and never back; the window learns only
//! whether this desktop is connected, where to, and how sharing goes.

use chrono::Utc;
use keyward_core::Secret;
use keyward_core::team::{Login, TeamConfig};
use keyward_core::team_view::{TeamRows, TeamRowsRequest, TeamSummary, TeamView, TeamViewBuilder};
use serde::{Deserialize, Serialize};
use tauri::State;

use super::{AppState, Args, CommandResult, IpcError, NoArgs, blocking};
use crate::team::{self, TeamError, TeamProblem, TeamStatus};

impl From<TeamError> for IpcError {
    fn from(error: TeamError) -> Self {
        match error {
            TeamError::Keychain(e) => e.into(),
            other => Self::new(keyward_core::Code::TeamVault, other.to_string()),
        }
    }
}

/// Where the team vault is and how to log in, as typed in Settings → Team.
#[derive(Deserialize, ts_rs::TS)]
pub struct TeamConnectRequest {
    /// The vault's address (https://…; http:// only to this computer).
    address: String,
    /// The KV version 2 mount.
    mount: String,
    /// The path prefix (blank: `keyward`).
    prefix: Option<String>,
    /// How to log in.
    login: Login,
    /// The token, password or AppRole secret ID (kept in the keychain).
    /// `null` to test with the one already stored.
    #[ts(type = "string | null")]
    credential: Option<Secret>,
    /// This desktop's name in the vault (blank: `<user>@<computer>`).
    desktop: Option<String>,
}

/// How a connection test or a connect went.
#[derive(Debug, Clone, Serialize, ts_rs::TS)]
pub struct TeamConnection {
    /// Whether the vault took this desktop's inventory.
    pub ok: bool,
    /// Which part was wrong (address, certificate, login, permission), when one was.
    pub problem: Option<TeamProblem>,
    /// What happened, as a sentence.
    pub message: String,
    /// This desktop's team-vault status afterwards.
    pub status: TeamStatus,
}

/// This window's config folder (beside its settings file) and data folder (its catalog's).
fn folders(state: &AppState) -> (std::path::PathBuf, std::path::PathBuf) {
    let settings = state.settings.file().path();
    let config = settings.parent().map_or_else(
        || std::path::PathBuf::from("."),
        std::path::Path::to_path_buf,
    );
    (config, state.vault.catalog().dir().to_path_buf())
}

fn blank_to_none(value: Option<String>) -> Option<String> {
    value.filter(|v| !v.trim().is_empty())
}

/// This desktop's team-vault status (never the credential).
#[tauri::command]
pub async fn team_status(state: State<'_, AppState>, _: Args<NoArgs>) -> CommandResult<TeamStatus> {
    current_status(&state).await
}

async fn current_status(state: &AppState) -> CommandResult<TeamStatus> {
    let (config, data) = folders(state);
    blocking(move || team::status(&config, &data, Utc::now()).map_err(IpcError::from)).await
}

async fn try_connection(
    state: &AppState,
    request: TeamConnectRequest,
    save: bool,
) -> CommandResult<TeamConnection> {
    let config = TeamConfig::new(
        &request.address,
        &request.mount,
        blank_to_none(request.prefix).as_deref(),
        request.login,
        blank_to_none(request.desktop).as_deref(),
    )
    .map_err(|e| IpcError::invalid(e.to_string()))?;
    let credential = match request.credential.filter(|c| !c.expose().trim().is_empty()) {
        Some(credential) => credential,
        None => {
            let store = state.keychain();
            blocking(move || team::stored_credential(&store))
                .await?
                .ok_or_else(|| {
                    IpcError::invalid("Type the token, password or secret ID to log in with.")
                })?
        }
    };
    let vault = state.vault.clone();
    let settings = state.settings_in_force();
    let desktop = config.desktop.clone();
    let now = Utc::now();
    let document = blocking(move || {
        team::inventory(vault.catalog(), &settings, &desktop, now).map_err(IpcError::from)
    })
    .await?;
    let (config_dir, data_dir) = folders(state);
    let store = state.keychain();
    let mut outcome = team::publish(&config, &credential, &document).await;
    if save && let Ok(version) = outcome {
        let (config, document) = (config.clone(), document.clone());
        outcome = blocking(move || -> CommandResult<_> {
            Ok(team::save_connection(
                &store,
                (&config_dir, &data_dir),
                &config,
                &credential,
                (&document, version),
                now,
            )
            .map(|()| version))
        })
        .await?;
    }
    let status = current_status(state).await?;
    Ok(match outcome {
        Ok(_) => TeamConnection {
            ok: true,
            problem: None,
            message: format!(
                "Connected: the vault at {} took this desktop's inventory ({} {}, metadata only).",
                config.address.as_str(),
                document.keys.len(),
                if document.keys.len() == 1 {
                    "key"
                } else {
                    "keys"
                }
            ),
            status,
        },
        Err(TeamError::Keychain(e)) => return Err(e.into()),
        Err(error) => TeamConnection {
            ok: false,
            problem: Some(error.problem()),
            message: if save {
                format!("{error} Nothing was saved.")
            } else {
                error.to_string()
            },
            status,
        },
    })
}

/// Tests a connection (address, certificate, login, permission) by
/// publishing this desktop's inventory, without saving anything.
#[tauri::command]
pub async fn test_team_connection(
    state: State<'_, AppState>,
    Args(request): Args<TeamConnectRequest>,
) -> CommandResult<TeamConnection> {
    try_connection(&state, request, false).await
}

/// Connects this desktop: tested first, then saved (the credential in the keychain).
#[tauri::command]
pub async fn connect_team(
    state: State<'_, AppState>,
    Args(request): Args<TeamConnectRequest>,
) -> CommandResult<TeamConnection> {
    try_connection(&state, request, true).await
}

/// Whether this desktop sends the lead's team digest by itself, as ticked
/// in Settings → Team.
#[derive(Deserialize, ts_rs::TS)]
pub struct TeamDigestRequest {
    /// On: Keyward sends the team digest to the team channel by itself
    /// (each key's stage once), while the window or the background runs.
    on: bool,
}

/// Turns the lead's automatic team digest on or off (`keyward team digest
/// --automatic on|off`); the background program reads it at its next look.
#[tauri::command]
pub async fn set_team_digest(
    state: State<'_, AppState>,
    Args(TeamDigestRequest { on }): Args<TeamDigestRequest>,
) -> CommandResult<TeamStatus> {
    let (config_dir, _) = folders(&state);
    blocking(move || -> CommandResult<_> {
        TeamConfig::save_send_digest(&config_dir, on)?.ok_or(TeamError::NotConnected)?;
        Ok(())
    })
    .await?;
    current_status(&state).await
}

/// Forgets the team vault (the credential leaves the keychain).
#[tauri::command]
pub async fn disconnect_team(
    state: State<'_, AppState>,
    _: Args<NoArgs>,
) -> CommandResult<TeamStatus> {
    let (config, data) = folders(&state);
    let store = state.keychain();
    blocking(move || team::disconnect(&store, &config, &data).map_err(IpcError::from)).await?;
    current_status(&state).await
}

/// The lead's Team screen, once read from the vault: held here so the page
/// receives only the summary and the rows it shows (see
/// [`keyward_core::team_view`]).
#[derive(Default)]
pub struct TeamViews(std::sync::Mutex<Option<TeamView>>);

impl TeamViews {
    fn lock(&self) -> std::sync::MutexGuard<'_, Option<TeamView>> {
        self.0
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }
}

/// The lead's view: reads every desktop's keys from the vault (overdue
/// first), keeps them here for [`team_keys`], and answers with the summary.
#[tauri::command]
pub async fn team_report(
    state: State<'_, AppState>,
    views: State<'_, TeamViews>,
    _: Args<NoArgs>,
) -> CommandResult<TeamSummary> {
    let lead_days = state.settings_in_force().settings.lead_time_days;
    let (config_dir, _) = folders(&state);
    let store = state.keychain();
    let (config, credential) = blocking(move || -> CommandResult<_> {
        let config = TeamConfig::load(&config_dir)?.ok_or(TeamError::NotConnected)?;
        let credential = team::stored_credential(&store)?.ok_or(TeamError::NotConnected)?;
        Ok((config, credential))
    })
    .await?;
    // Each document is taken apart as it arrives and dropped (see
    // TeamViewBuilder): the whole team is never held as documents.
    let (sender, mut receiver) = tokio::sync::mpsc::channel(team::READ_AT_ONCE);
    let mut builder = TeamViewBuilder::new(Utc::now(), lead_days);
    let build = tauri::async_runtime::spawn_blocking(move || {
        while let Some((place, read)) = receiver.blocking_recv() {
            builder.add(place, read);
        }
        builder
    });
    let read = team::read_team_into(&config, &credential, sender).await;
    let builder = build.await?;
    read.map_err(|error| match error {
        TeamError::Permission { .. } => IpcError::new(
            keyward_core::Code::TeamNotLead,
            "The team report is for security leads: the team vault's policy does not allow this login to read every desktop's list. Your own keys' list is still shared with your lead.",
        ),
        other => other.into(),
    })?;
    let view = blocking(move || Ok::<_, IpcError>(builder.finish())).await?;
    let summary = view.summary().clone();
    *views.lock() = Some(view);
    crate::memory::give_back_soon();
    Ok(summary)
}

/// A window of the Team screen's keys matching a search, from the report
/// read last (see [`team_report`]).
#[tauri::command]
pub async fn team_keys(
    views: State<'_, TeamViews>,
    Args(request): Args<TeamRowsRequest>,
) -> CommandResult<TeamRows> {
    let mut held = views.lock();
    let view = held.as_mut().ok_or_else(|| {
        IpcError::new(
            keyward_core::Code::TeamVault,
            "The team report is not loaded. Open the Team screen again.",
        )
    })?;
    Ok(view.rows(&request))
}
