//! The lead's team digest: one team channel message about the whole team's
//! keys that need rotating ("12 keys overdue across 5 people"), each key's
//! stage once, with the team channel's rules (`keyward_core::team_report::
//! TeamDigestState`). `keyward team digest` sends it on demand; a lead who
//! turned on "Send the team digest to the team channel" has it sent by
//! [`TeamDigestTask`], in the background program and the window.
//!
//! Promises:
//! - The task runs on its own and nothing waits for it: the reminders go on
//!   while it reads the vault or posts to the channel; keychain reads run
//!   off the async threads and the report is built on a blocking thread.
//! - It sends only when this desktop is connected to the team vault, the
//!   setting is on and a team channel is set up; a desktop whose login
//!   cannot read every inventory is told so once and looked at again hourly.
//! - A vault or channel that is down is tried again after a back-off that
//!   doubles from 30 seconds to an hour; the keys not delivered stay due,
//!   so nothing announced is lost and nothing is announced twice.
//! - A change to the team settings (connecting, the setting turned on, from
//!   Settings or the command line) wakes it at once, so a digest turned on
//!   is sent within seconds, not at the next hourly look.
//! - It stops when its handle is dropped.

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use chrono::Utc;
use keyward_core::Secret;
use keyward_core::audit::AuditLog;
use keyward_core::keychain::OsKeychain;
use keyward_core::settings::{Settings, SettingsSource};
use keyward_core::team::TeamConfig;
use keyward_core::team_report::{TeamDigestState, TeamReport, team_digest};
use tokio::sync::Notify;

use super::TeamError;
use crate::webhook::WebhookError;

/// How often the task looks again when nothing is due (or it cannot send).
pub const LOOK_EVERY: Duration = Duration::from_secs(3600);

/// The first pause after a failure; it doubles up to [`LOOK_EVERY`].
pub const FIRST_BACKOFF: Duration = Duration::from_secs(30);

/// What one digest did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DigestOutcome {
    /// Every key that needs rotating was announced at its stage already.
    NothingNew,
    /// The message was delivered: its title and how many keys it named.
    Sent {
        /// "12 keys overdue across 5 people".
        title: String,
        /// Keys announced.
        keys: usize,
        /// The report's warnings (documents cut or not shown), as sentences.
        warnings: Vec<String>,
    },
}

/// Why a digest was not sent. `Display` is a sentence for people.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum DigestError {
    /// Reading the team's inventories failed.
    #[error(transparent)]
    Vault(#[from] TeamError),
    /// The team channel did not take it.
    #[error("The team digest was not delivered. {0}")]
    Channel(#[from] WebhookError),
    /// The record of what was announced could not be saved.
    #[error("The team digest was sent, but Keyward could not note it ({0}); it may be sent again.")]
    Local(String),
}

/// Reads every desktop's inventory, works out which keys to announce at
/// `settings`' stages, and posts one message to the channel at `url`.
/// What was announced is saved in `data_dir` only once delivered.
pub async fn send_team_digest(
    config: &TeamConfig,
    credential: &Secret,
    url: &Secret,
    settings: &Settings,
    data_dir: &Path,
    audit: Option<&AuditLog>,
) -> Result<DigestOutcome, DigestError> {
    let reads = super::read_team(config, credential).await?;
    let now = Utc::now();
    let lead_days = settings.lead_time_days;
    // Up to 100,000 keys: built off the async threads, so reminders go on.
    let report = tokio::task::spawn_blocking(move || TeamReport::build(reads, now, lead_days))
        .await
        .map_err(|e| DigestError::Local(e.to_string()))?;
    let mut state = TeamDigestState::load(data_dir);
    let due = state.due(&report, now, settings.repeat_days);
    if due.is_empty() {
        return Ok(DigestOutcome::NothingNew);
    }
    let message = team_digest(&report, &due, &chrono::Local);
    crate::webhook::send_digest(url, settings.webhook_format, false, &message, audit).await?;
    state.announced(&report, &due, now);
    state
        .save(data_dir)
        .map_err(|e| DigestError::Local(e.to_string()))?;
    Ok(DigestOutcome::Sent {
        title: message.title,
        keys: due.len(),
        warnings: report.warnings.clone(),
    })
}

/// Owns the lead's digest task; dropping it stops the task.
pub struct TeamDigestTask {
    task: tokio::task::JoinHandle<()>,
}

impl Drop for TeamDigestTask {
    fn drop(&mut self) {
        self.task.abort();
    }
}

impl TeamDigestTask {
    /// Starts sending the lead's digest on `runtime` when the setting is on.
    pub fn start(
        runtime: &tokio::runtime::Handle,
        data_dir: PathBuf,
        config_dir: PathBuf,
        settings: SettingsSource,
        audit: Option<AuditLog>,
    ) -> Self {
        let changed = Arc::new(Notify::new());
        let watcher = watch_settings(&config_dir, Arc::clone(&changed));
        let task = runtime.spawn(async move {
            let _watcher = watcher;
            let mut failures = 0u32;
            let mut said_not_lead = false;
            loop {
                let wait = match once(&data_dir, &config_dir, &settings, audit.as_ref()).await {
                    Ok(()) => {
                        failures = 0;
                        said_not_lead = false;
                        LOOK_EVERY
                    }
                    Err(Look::Idle) => LOOK_EVERY,
                    Err(Look::NotLead(error)) => {
                        if !said_not_lead {
                            keyward_core::note!("keyward: the team digest was not sent: {error}");
                            said_not_lead = true;
                        }
                        LOOK_EVERY
                    }
                    Err(Look::Failed(error)) => {
                        keyward_core::note!("keyward: {error}");
                        failures = failures.saturating_add(1);
                        backoff(failures)
                    }
                };
                tokio::select! {
                    () = tokio::time::sleep(wait) => {}
                    () = changed.notified() => {}
                }
            }
        });
        Self { task }
    }
}

/// Wakes the task when the team settings file is written (every change is
/// an atomic rename), whoever wrote it. `None` (with a note on standard
/// error) when the folder cannot be watched: the hourly look remains.
fn watch_settings(config_dir: &Path, changed: Arc<Notify>) -> Option<notify::RecommendedWatcher> {
    use notify::Watcher;
    let file = TeamConfig::path_in(config_dir);
    let handler = move |event: notify::Result<notify::Event>| {
        if let Ok(event) = event
            && !matches!(event.kind, notify::EventKind::Access(_))
            && event.paths.iter().any(|p| p == &file)
        {
            changed.notify_one();
        }
    };
    let watched = keyward_core::private_files::private_dir(config_dir)
        .map_err(|e| e.to_string())
        .and_then(|()| {
            let mut watcher = notify::recommended_watcher(handler).map_err(|e| e.to_string())?;
            watcher
                .watch(config_dir, notify::RecursiveMode::NonRecursive)
                .map_err(|e| e.to_string())?;
            Ok(watcher)
        });
    match watched {
        Ok(watcher) => Some(watcher),
        Err(error) => {
            keyward_core::note!(
                "keyward: a team digest turned on is sent within an hour (cannot watch the team settings: {error})"
            );
            None
        }
    }
}

/// 30 s after the first failure, doubling to an hour.
fn backoff(failures: u32) -> Duration {
    let doublings = failures.saturating_sub(1).min(10);
    (FIRST_BACKOFF * 2u32.pow(doublings)).min(LOOK_EVERY)
}

/// Why one look sent nothing.
enum Look {
    /// Not set up to send (not connected, setting off, no channel).
    Idle,
    /// This desktop's login cannot read every inventory.
    NotLead(TeamError),
    /// The vault or the channel is down (or the keychain): try again soon.
    Failed(DigestError),
}

async fn once(
    data_dir: &Path,
    config_dir: &Path,
    settings: &SettingsSource,
    audit: Option<&AuditLog>,
) -> Result<(), Look> {
    let config = match TeamConfig::load(config_dir) {
        Ok(Some(config)) if config.send_digest => config,
        _ => return Err(Look::Idle),
    };
    let secrets = tokio::task::spawn_blocking(|| {
        let store = OsKeychain::from_environment(keyward_core::env::process());
        let credential = super::stored_credential(&store)?;
        let url = crate::webhook::config::stored_url(&store)?;
        Ok::<_, keyward_core::keychain::KeychainError>((credential, url))
    })
    .await
    .map_err(|_| Look::Idle)?;
    let (credential, url) = match secrets {
        Ok((Some(credential), Some(url))) => (credential, url),
        Ok(_) => return Err(Look::Idle),
        Err(error) => return Err(Look::Failed(DigestError::Vault(error.into()))),
    };
    let settings = settings.load().settings;
    match send_team_digest(&config, &credential, &url, &settings, data_dir, audit).await {
        Ok(_) => Ok(()),
        Err(DigestError::Vault(error @ (TeamError::Permission { .. } | TeamError::Login))) => {
            Err(Look::NotLead(error))
        }
        Err(error) => Err(Look::Failed(error)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn failures_back_off_from_30_seconds_doubling_up_to_an_hour() {
        assert_eq!(backoff(1), Duration::from_secs(30));
        assert_eq!(backoff(2), Duration::from_secs(60));
        assert_eq!(backoff(30), LOOK_EVERY);
    }
}
