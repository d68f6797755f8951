//! The task that keeps this desktop's inventory published in the team
//! vault, in the window and in the background program.
//!
//! Promises: it runs on its own and nothing waits for it; it publishes a
//! few seconds after the keys change (whoever changed them: it watches the
//! catalog file), at least once a day, and after a failure again after the
//! back-off in `team-state.json` (30 s doubling to an hour). It reads the
//! credential from the keychain off the async threads, only when it is
//! about to publish. It stops when its handle is dropped.

use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use chrono::{DateTime, Utc};
use keyward_core::catalog::Catalog;
use keyward_core::keychain::OsKeychain;
use keyward_core::settings::SettingsSource;
use keyward_core::team::{PublishState, TeamConfig};
use tokio::sync::Notify;

use super::TeamError;

/// Changes closer together than this are published once.
pub const SETTLE: Duration = Duration::from_secs(2);

/// The longest sleep: the settings are read again this often, so a desktop
/// connected from the command line starts publishing within it.
pub const MAX_SLEEP: Duration = Duration::from_secs(300);

/// Owns the publishing task; dropping it stops the task.
pub struct TeamPublisher {
    task: tokio::task::JoinHandle<()>,
}

impl Drop for TeamPublisher {
    fn drop(&mut self) {
        self.task.abort();
    }
}

impl TeamPublisher {
    /// Starts publishing on `runtime`. `changed` may also be notified by
    /// the window when it changed the keys or the team settings.
    pub fn start(
        runtime: &tokio::runtime::Handle,
        catalog: Catalog,
        config_dir: PathBuf,
        settings: SettingsSource,
        changed: Arc<Notify>,
    ) -> Self {
        let task = runtime.spawn(async move {
            let _watcher = crate::reminders::watch_catalog(&catalog, changed.clone());
            loop {
                let wait = once(&catalog, &config_dir, &settings, Utc::now()).await;
                tokio::select! {
                    () = tokio::time::sleep(wait) => {}
                    () = changed.notified() => tokio::time::sleep(SETTLE).await,
                }
            }
        });
        Self { task }
    }
}

/// One look at `now` (read once by the caller: the document, the decision
/// and what `team-state.json` records all say this time): publishes if
/// due; how long to sleep before the next look.
async fn once(
    catalog: &Catalog,
    config_dir: &std::path::Path,
    settings: &SettingsSource,
    now: DateTime<Utc>,
) -> Duration {
    let Ok(Some(config)) = TeamConfig::load(config_dir) else {
        return MAX_SLEEP;
    };
    let data_dir = catalog.dir().to_owned();
    let document = match super::inventory(catalog, &settings.load(), &config.desktop, now) {
        Ok(document) => document,
        Err(error) => {
            keyward_core::note!("keyward: the team inventory was not shared: {error}");
            return MAX_SLEEP;
        }
    };
    let state = PublishState::load(&data_dir);
    let next = state.next_publish(&document.content_hash(), now);
    if next > now {
        return until(next, now);
    }
    let credential = tokio::task::spawn_blocking(|| {
        super::stored_credential(&OsKeychain::from_environment(keyward_core::env::process()))
    })
    .await;
    let credential = match credential {
        Ok(Ok(Some(credential))) => credential,
        Ok(Ok(None)) => {
            record_failure(&data_dir, TeamError::NotConnected, now);
            return MAX_SLEEP;
        }
        Ok(Err(error)) => {
            record_failure(&data_dir, error.into(), now);
            return PublishState::load(&data_dir)
                .backoff()
                .to_std()
                .unwrap_or(MAX_SLEEP);
        }
        Err(_) => return MAX_SLEEP,
    };
    let outcome =
        super::publish_if_due(&config, &credential, &document, &data_dir, false, now).await;
    if let Err(error) = outcome {
        keyward_core::note!("keyward: the team inventory was not shared: {error}");
    }
    let state = PublishState::load(&data_dir);
    until(state.next_publish(&document.content_hash(), now), now)
}

/// The sleep from `now` to `next`: at least a second, at most [`MAX_SLEEP`].
fn until(next: DateTime<Utc>, now: DateTime<Utc>) -> Duration {
    (next - now)
        .to_std()
        .unwrap_or(Duration::from_secs(1))
        .clamp(Duration::from_secs(1), MAX_SLEEP)
}

fn record_failure(data_dir: &std::path::Path, error: TeamError, now: DateTime<Utc>) {
    let mut state = PublishState::load(data_dir);
    state.failed(error.to_string(), now);
    let _ = state.save(data_dir);
}
