//! The background reminder task.
//!
//! Started with the app and owned by a [`ReminderTask`] handle that stops it
//! when dropped. It sleeps until the next reminder boundary (a stage
//! starting, a snooze ending), capped at an hour so a suspended machine or a
//! changed clock is noticed, and re-plans at once when told that keys or
//! settings changed: by the window directly, and by any other Keyward (the
//! command line) through a watch on the catalog file. It reads the catalog and settings; it never touches the
//! window's page, and reads the keychain only for the team channel's address
//! when there is a reminder to send there (never a key's secret).
//!
//! A look that finds reminders shows one desktop notification first, then
//! records them (catalog and audit log), then sends one digest to the team
//! channel, if one is set up, on a task of its own so that nothing waits.

use std::sync::Arc;
use std::time::Duration;

use chrono::Utc;
use keyward_core::audit::{AuditAction, AuditLog};
use keyward_core::catalog::Catalog;
use keyward_core::keychain::OsKeychain;
use keyward_core::record::KeyState;
use keyward_core::reminders::{Plan, ReminderPolicy, Stage, mark_announced};
use keyward_core::rotation::RotationStatus;
use keyward_core::settings::Settings;
use keyward_core::settings::SettingsFile;
use keyward_core::team_channel::Digest;
use tokio::sync::{Notify, watch};

use crate::notifier::Notifier;

/// Longest sleep between looks at the catalog.
pub const MAX_SLEEP: Duration = Duration::from_secs(3600);

/// What the task reports after each look (for the tray).
pub trait ReminderSink: Send + Sync + 'static {
    /// How many keys need rotating and how many replaced keys can be deleted.
    fn attention(&self, rotate: usize, delete: usize);
    /// Reminders were announced (the catalog changed).
    fn announced(&self);
    /// The person clicked a notification about key `id`.
    fn open_key(&self, id: String);
}

/// Handle of the running task; dropping it stops the task. Whoever holds
/// `replan` (given to [`ReminderTask::start`]) makes it look again at once.
pub struct ReminderTask {
    stop: watch::Sender<bool>,
}

impl ReminderTask {
    /// Starts the task on `runtime`; its first look at the catalog comes
    /// `first_look` from now.
    pub fn start(
        runtime: &tokio::runtime::Handle,
        first_look: Duration,
        catalog: Catalog,
        settings: SettingsFile,
        audit: Option<AuditLog>,
        replan: Arc<Notify>,
        sink: Arc<dyn ReminderSink>,
    ) -> Self {
        let (stop, mut stopped) = watch::channel(false);
        let notifier = Arc::new(Notifier::default());
        let watcher = watch_catalog(&catalog, replan.clone());
        runtime.spawn(async move {
            // Kept alive as long as the task runs.
            let _watcher = watcher;
            tokio::select! {
                () = tokio::time::sleep(first_look) => {}
                _ = stopped.changed() => return,
            }
            loop {
                let sleep = look(&catalog, &settings, audit.as_ref(), &notifier, &sink).await;
                if std::env::var_os("KEYWARD_LOG_REMINDERS").is_some() {
                    eprintln!("keyward: reminder task sleeps for {} s", sleep.as_secs());
                }
                tokio::select! {
                    () = tokio::time::sleep(sleep) => {}
                    () = replan.notified() => {}
                    _ = stopped.changed() => break,
                }
            }
        });
        Self { stop }
    }
}

/// Wakes the task when the catalog file is replaced (every change is an
/// atomic rename), whoever changed it. `None` (with a note on standard
/// error) when the platform cannot watch files: the hourly look remains.
fn watch_catalog(catalog: &Catalog, replan: Arc<Notify>) -> Option<notify::RecommendedWatcher> {
    use notify::Watcher;
    let file = catalog.path();
    let handler = move |event: notify::Result<notify::Event>| {
        if let Ok(event) = event
            && !matches!(event.kind, notify::EventKind::Access(_))
            && event.paths.iter().any(|p| p == &file)
        {
            replan.notify_one();
        }
    };
    let watched = notify::recommended_watcher(handler).and_then(|mut watcher| {
        watcher.watch(catalog.dir(), notify::RecursiveMode::NonRecursive)?;
        Ok(watcher)
    });
    match watched {
        Ok(watcher) => Some(watcher),
        Err(error) => {
            eprintln!(
                "keyward: changes from the command line are noticed within an hour (cannot watch the list of keys: {error})"
            );
            None
        }
    }
}

impl Drop for ReminderTask {
    fn drop(&mut self) {
        let _ = self.stop.send(true);
    }
}

/// One look: plan, announce, record, send; returns how long to sleep.
async fn look(
    catalog: &Catalog,
    settings: &SettingsFile,
    audit: Option<&AuditLog>,
    notifier: &Arc<Notifier>,
    sink: &Arc<dyn ReminderSink>,
) -> Duration {
    let (catalog, settings, notifier, sink) = (
        catalog.clone(),
        settings.clone(),
        notifier.clone(),
        sink.clone(),
    );
    let log = audit.cloned();
    let result = tokio::task::spawn_blocking(move || {
        announce(&catalog, &settings, log.as_ref(), &notifier, &sink)
    })
    .await;
    let (plan, digest) = match result {
        Ok(Ok(outcome)) => outcome,
        Ok(Err(error)) => {
            eprintln!("keyward: reminders are paused: {error}");
            return MAX_SLEEP;
        }
        Err(error) => {
            eprintln!("keyward: the reminder task failed: {error}");
            return MAX_SLEEP;
        }
    };
    if let Some((digest, settings)) = digest {
        let audit = audit.cloned();
        tokio::spawn(async move {
            let keychain = OsKeychain::new(OsKeychain::timeout_from_env());
            // Every outcome is in the audit log; a failure is also said here.
            if let Err(error) =
                crate::webhook::send_to_team(keychain, &settings, &digest, audit.as_ref()).await
            {
                eprintln!("keyward: the reminder could not be sent to the team channel: {error}");
            }
        });
    }
    let until_next = plan
        .next_wake
        .and_then(|t| (t - Utc::now()).to_std().ok())
        .unwrap_or(MAX_SLEEP);
    until_next.clamp(Duration::from_secs(1), MAX_SLEEP)
}

/// The blocking part of a look: plan, update the tray, notify, record.
/// Returns the plan and, when there were reminders, the team-channel digest.
fn announce(
    catalog: &Catalog,
    settings: &SettingsFile,
    audit: Option<&AuditLog>,
    notifier: &Notifier,
    sink: &Arc<dyn ReminderSink>,
) -> Result<(Plan, Option<(Digest, Settings)>), keyward_core::Error> {
    let now = Utc::now();
    let settings = settings.load_or_default();
    let policy = ReminderPolicy {
        rotation: settings.policy(),
        repeat: settings.repeat(),
    };
    let records = catalog.load()?;
    let plan = policy.plan(&records, now);
    let (mut rotate, mut delete) = (0, 0);
    for record in records.iter().filter(|r| r.state == KeyState::Active) {
        match policy.stage(record, now).0 {
            Some(Stage::DeleteReplaced) => delete += 1,
            _ if record.replaced_by.is_some() => {}
            _ if policy.rotation.status(record.created_at, now) != RotationStatus::Ok => {
                rotate += 1
            }
            _ => {}
        }
    }
    sink.attention(rotate, delete);
    if plan.announce.is_empty() {
        return Ok((plan, None));
    }
    if settings.notifications {
        let clicked = sink.clone();
        notifier.show(&plan.announce, settings.rotation_months, move |id| {
            clicked.open_key(id)
        });
    }
    catalog.update(|keys| {
        mark_announced(keys, &plan.announce, now);
        Ok::<_, keyward_core::Error>(())
    })?;
    sink.announced();
    let (title, _) = keyward_core::reminders::message(&plan.announce, settings.rotation_months);
    if let Some(audit) = audit {
        for reminder in &plan.announce {
            audit.note(
                AuditAction::ReminderSent,
                Some((&reminder.id, &reminder.name)),
                Some(&title),
            );
        }
    }
    let announced: Vec<_> = records
        .into_iter()
        .filter(|r| plan.announce.iter().any(|a| a.id == r.id))
        .collect();
    let digest = Digest::for_keys(
        title,
        keyward_core::report::rows(&announced, &policy.rotation, now),
    );
    Ok((plan, Some((digest, settings))))
}
