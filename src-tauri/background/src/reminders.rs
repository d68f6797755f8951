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
//! records them (audit log: `reminder_sent` only when the notification
//! server accepted it, else `reminder_failed` and why), then sends one
//! digest to the team channel, if one is set up, on a task of its own so
//! that nothing waits. Reminders never go silent: the catalog marks a stage
//! announced only once the notification server took the notification (or
//! the person turned notifications off); a failed notification is said on
//! standard error and tried again at the next look, and the digest waits
//! for it.
//!
//! Calm: reminders that come due close together are one notification. After
//! a change to the keys, a look updates the tray at once but announces only
//! once the keys have not changed for [`Settle::QUIET`] (so 29 keys added
//! one after another are one notification); and the task wakes
//! [`TOGETHER`] after a stage boundary, so that every key whose stage
//! starts within that window is announced with it.

use std::sync::Arc;
use std::time::{Duration, Instant};

use chrono::{DateTime, Local, Utc};
use keyward_core::attention::{Attention, AttentionCounts};
use keyward_core::audit::{AuditAction, AuditLog};
use keyward_core::catalog::Catalog;
use keyward_core::record::KeyState;
use keyward_core::reminders::{Plan, ReminderPolicy, mark_announced};
use keyward_core::settings::{Settings, SettingsSource};
use keyward_core::team_channel::Digest;
use tokio::sync::{Notify, watch};

use crate::notifier::{NotShown, Notifier};
use keyward_core::keychain::SharedStore;

/// Longest sleep between looks at the catalog.
pub const MAX_SLEEP: Duration = Duration::from_secs(3600);

/// Stages that start within this long of each other are announced together.
pub const TOGETHER: Duration = Duration::from_secs(10);

/// Holds announcements back while the keys are changing, so that a burst of
/// changes is one notification. Pure: the time is passed in.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Settle {
    /// The first change not yet announced, and the latest.
    pending: Option<(Instant, Instant)>,
}

impl Settle {
    /// Announce once the keys have not changed for this long…
    pub const QUIET: Duration = TOGETHER;
    /// …or this long after the first change, even if changes keep coming.
    pub const LONGEST: Duration = Duration::from_secs(60);

    /// The keys or the settings changed at `now`.
    pub fn changed(&mut self, now: Instant) {
        let first = self.pending.map_or(now, |(first, _)| first);
        self.pending = Some((first, now));
    }

    /// How long a look at `now` must still hold announcements back; `None`
    /// when it may announce.
    pub fn hold(&self, now: Instant) -> Option<Duration> {
        let (first, last) = self.pending?;
        let ready = (last + Self::QUIET).min(first + Self::LONGEST);
        ready
            .checked_duration_since(now)
            .filter(|left| !left.is_zero())
    }

    /// A look announced everything due: nothing is pending any more.
    pub fn announced(&mut self) {
        self.pending = None;
    }
}

/// How long to sleep after a look at `now` whose plan wakes at `next_wake`:
/// until [`TOGETHER`] after it (so stages starting close together are one
/// look), at least a second and at most [`MAX_SLEEP`].
pub fn sleep_after(next_wake: Option<DateTime<Utc>>, now: DateTime<Utc>) -> Duration {
    next_wake
        .map_or(MAX_SLEEP, |t| {
            (t - now).to_std().unwrap_or(Duration::ZERO) + TOGETHER
        })
        .clamp(Duration::from_secs(1), MAX_SLEEP)
}

/// What the task reports after each look (for the tray).
pub trait ReminderSink: Send + Sync + 'static {
    /// How many keys need rotating and how many replaced keys can be deleted.
    fn attention(&self, rotate: usize, delete: usize);
    /// Reminders were announced (the catalog changed).
    fn announced(&self);
    /// The person clicked a notification about key `id`.
    fn open_key(&self, id: String);
}

/// What the reminder task works with, handed over in one piece.
pub struct ReminderDeps {
    /// The list of keys.
    pub catalog: Catalog,
    /// The person's settings and the organisation's policy.
    pub settings: SettingsSource,
    /// Where reminders sent (or not) are recorded.
    pub audit: Option<AuditLog>,
    /// The keychain: the team channel's address for digests, fingerprints
    /// for the daily leak check (never a key's secret otherwise).
    pub keychain: SharedStore,
    /// Shows the notifications.
    pub notifier: Arc<dyn Notifier>,
    /// Told what each look found (for the tray).
    pub sink: Arc<dyn ReminderSink>,
    /// Whoever holds it makes the task look again at once.
    pub replan: Arc<Notify>,
}

/// Handle of the running task; dropping it stops the task. Whoever holds
/// `replan` (in [`ReminderDeps`]) makes it look again at once.
pub struct ReminderTask {
    stop: watch::Sender<bool>,
}

impl ReminderTask {
    /// Starts the task on `runtime`; its first look at the catalog comes
    /// `first_look` from now.
    pub fn start(
        runtime: &tokio::runtime::Handle,
        first_look: Duration,
        deps: ReminderDeps,
    ) -> Self {
        let deps = Arc::new(deps);
        let (stop, mut stopped) = watch::channel(false);
        let said = Arc::new(Said::default());
        let leak_check = Arc::new(std::sync::atomic::AtomicBool::new(false));
        let backup_check = Arc::new(std::sync::atomic::AtomicBool::new(false));
        let watcher = watch_catalog(&deps.catalog, deps.replan.clone());
        let log_sleep = keyward_core::env::process().log_reminders;
        runtime.spawn(async move {
            // Kept alive as long as the task runs.
            let _watcher = watcher;
            tokio::select! {
                () = tokio::time::sleep(first_look) => {}
                _ = stopped.changed() => return,
            }
            let mut settle = Settle::default();
            loop {
                // Debug builds: a test makes every look fail (a panic).
                #[cfg(debug_assertions)]
                if keyward_core::env::process().abort_at.as_deref() == Some("reminder-look") {
                    panic!("a test asked the reminder task to fail here (reminder-look)");
                }
                let hold = settle.hold(Instant::now());
                let started = Instant::now();
                let until_next = look(&deps, hold.is_none(), &said).await;
                if hold.is_none() {
                    settle.announced();
                }
                recheck_leaks(&deps, &leak_check);
                if hold.is_none() {
                    crate::backup_reminder::check(&deps, &backup_check);
                }
                let sleep = hold.map_or(until_next, |hold| hold.min(until_next));
                if log_sleep {
                    keyward_core::note!(
                        "keyward: reminder task sleeps for {} s (the look took {} ms)",
                        sleep.as_secs(),
                        started.elapsed().as_millis()
                    );
                }
                tokio::select! {
                    () = tokio::time::sleep(sleep) => {}
                    () = deps.replan.notified() => settle.changed(Instant::now()),
                    _ = stopped.changed() => break,
                }
            }
        });
        Self { stop }
    }
}

/// Checks the folders the person chose (`keyward scan --watch`) that were
/// not checked for a day, on a thread of its own (one check at a time, so
/// a long one never delays reminders), and announces hits not announced
/// before in one desktop notification per folder (when notifications are on).
fn recheck_leaks(deps: &Arc<ReminderDeps>, running: &Arc<std::sync::atomic::AtomicBool>) {
    use keyward_core::scan::watch::{WatchFile, due, recheck_due};
    use std::sync::atomic::Ordering;
    // One reading of the clock: what is due is checked when it was found due.
    let now = Utc::now();
    let watched = WatchFile::in_dir(deps.catalog.dir()).load();
    if !watched.is_ok_and(|list| !due(&list, now).is_empty()) {
        return;
    }
    if running.swap(true, Ordering::SeqCst) {
        return;
    }
    let (deps, running) = (deps.clone(), running.clone());
    tokio::task::spawn_blocking(move || {
        let effective = deps.settings.load().settings;
        let mut vault = keyward_core::vault::Vault::new(
            deps.catalog.clone(),
            deps.keychain.clone(),
            effective.policy(),
        );
        if let Some(audit) = deps.audit.clone() {
            vault = vault.with_audit(audit);
        }
        let result = recheck_due(
            &vault,
            now,
            |folder, hits| {
                let mut names: Vec<&str> = hits
                    .iter()
                    .map(|h| {
                        h.key_name
                            .as_deref()
                            .unwrap_or("a Keyward key Keyward does not hold")
                    })
                    .collect();
                names.dedup();
                let body = format!(
                    "{} {} in {}: {}. Open Keyward's leak check to see where, and replace {}.",
                    hits.len(),
                    if hits.len() == 1 {
                        "new place holds a key"
                    } else {
                        "new places hold keys"
                    },
                    folder.path.display(),
                    names.join(", "),
                    if names.len() == 1 { "it" } else { "them" }
                );
                if !effective.notifications {
                    keyward_core::note!("keyward: leak check: {body}");
                } else if let Err(error) = deps
                    .notifier
                    .show_message("Keyward found keys in files", &body)
                {
                    keyward_core::note!("keyward: leak check: {body} (no notification: {error})");
                }
            },
            |folder, error| {
                keyward_core::note!(
                    "keyward: the daily leak check of {} failed: {error}",
                    folder.path.display()
                );
            },
        );
        if let Err(error) = result {
            keyward_core::note!("keyward: the daily leak check could not run: {error}");
        }
        running.store(false, Ordering::SeqCst);
    });
}

/// Wakes the task when the catalog file is replaced (every change is an
/// atomic rename), whoever changed it. `None` (with a note on standard
/// error) when the platform cannot watch files: the hourly look remains.
pub(crate) fn watch_catalog(
    catalog: &Catalog,
    replan: Arc<Notify>,
) -> Option<notify::RecommendedWatcher> {
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
            keyward_core::note!(
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

/// The settings problems last written to the log, so each is said once
/// while it lasts (and again if it comes back after being fixed).
#[derive(Default)]
struct Said(std::sync::Mutex<Vec<String>>);

impl Said {
    /// Writes `problems` to the log (standard error) unless they were the last said.
    fn problems(&self, problems: &[String]) {
        let Ok(mut said) = self.0.lock() else { return };
        if said.as_slice() != problems {
            for problem in problems {
                keyward_core::note!("keyward: warning: {problem}");
            }
            *said = problems.to_vec();
        }
    }
}

/// One look: plan, update the tray and, when `may_announce`, announce,
/// record and send; returns how long to sleep.
async fn look(deps: &Arc<ReminderDeps>, may_announce: bool, said: &Arc<Said>) -> Duration {
    // One reading of the clock for the whole look.
    let now = Utc::now();
    let result = {
        let (deps, said) = (deps.clone(), said.clone());
        tokio::task::spawn_blocking(move || announce(&deps, may_announce, &said, now)).await
    };
    let (plan, digest) = match result {
        Ok(Ok(outcome)) => outcome,
        Ok(Err(error)) => {
            keyward_core::note!("keyward: reminders are paused: {error}");
            return MAX_SLEEP;
        }
        Err(error) => {
            keyward_core::note!("keyward: the reminder task failed: {error}");
            return MAX_SLEEP;
        }
    };
    if let Some((digest, settings)) = digest {
        let (audit, keychain) = (deps.audit.clone(), deps.keychain.clone());
        tokio::spawn(async move {
            // Every outcome is in the audit log; a failure is also said here.
            if let Err(error) =
                crate::webhook::send_to_team(keychain, &settings, &digest, audit.as_ref()).await
            {
                keyward_core::note!(
                    "keyward: the reminder could not be sent to the team channel: {error}"
                );
            }
        });
    }
    sleep_after(plan.next_wake, now)
}

/// The blocking part of a look at `now`: plan, update the tray and, when
/// `may_announce`, notify and record. `now` is the look's one reading of the
/// clock: the plan, the catalog, the audit entries and the digest all say
/// that time. Returns the plan and, when there were reminders, the
/// team-channel digest.
fn announce(
    deps: &ReminderDeps,
    may_announce: bool,
    said: &Said,
    now: DateTime<Utc>,
) -> Result<(Plan, Option<(Digest, Settings)>), keyward_core::Error> {
    let ReminderDeps {
        catalog,
        settings,
        audit,
        notifier,
        sink,
        ..
    } = deps;
    let audit = audit.as_ref();
    let effective = settings.load();
    said.problems(&effective.problems);
    let source = effective.period_source();
    let settings = effective.settings;
    let policy: ReminderPolicy = settings.reminder_policy();
    let records = catalog.load()?;
    let plan = policy.plan(&records, now, &Local);
    let counts = AttentionCounts::of(
        records
            .iter()
            .filter(|r| r.state == KeyState::Active)
            .map(|r| Attention::of(r, policy.rotation.status(r.created_at, now, &Local), now)),
    );
    sink.attention(counts.rotate, counts.delete);
    if plan.announce.is_empty() || !may_announce {
        return Ok((plan, None));
    }
    let shown = if settings.notifications {
        let clicked = sink.clone();
        notifier.show_reminders(
            &plan.announce,
            settings.rotation_months,
            Box::new(move |id| clicked.open_key(id)),
        )
    } else {
        Err(NotShown::TurnedOff)
    };
    // Only a notification the server took (or one the person turned off)
    // ends the announcement; a failed one is tried again at the next look.
    let delivered = matches!(shown, Ok(()) | Err(NotShown::TurnedOff));
    if delivered {
        catalog.update(|keys| {
            mark_announced(keys, &plan.announce, now);
            Ok::<_, keyward_core::Error>(())
        })?;
        sink.announced();
    } else if let Err(reason) = &shown {
        keyward_core::note!(
            "keyward: the notification about {} {} was not shown ({reason}); it is tried again at the next look",
            plan.announce.len(),
            if plan.announce.len() == 1 {
                "key"
            } else {
                "keys"
            }
        );
    }
    let (title, _) = keyward_core::reminders::message(&plan.announce, settings.rotation_months);
    // What the audit log says: sent only when the notification server took it.
    let (action, detail) = match shown {
        Ok(()) => (AuditAction::ReminderSent, title.clone()),
        Err(reason) => (AuditAction::ReminderFailed, reason.to_string()),
    };
    if let Some(audit) = audit {
        // One write and one flush for all of them, however many keys.
        let entries: Vec<_> = plan
            .announce
            .iter()
            .map(|reminder| {
                audit
                    .entry_at(action, now)
                    .for_key(&reminder.id, &reminder.name)
                    .with_detail(&detail)
            })
            .collect();
        audit.note_all(&entries);
    }
    if !delivered {
        // The team hears once, with the announcement, not at every retry.
        return Ok((plan, None));
    }
    // The digest names the most urgent keys only: rows for those, a count for the rest.
    let ids: std::collections::HashSet<&str> = plan
        .announce
        .iter()
        .take(keyward_core::team_channel::DIGEST_MAX_KEYS)
        .map(|a| a.id.as_str())
        .collect();
    let named: Vec<_> = records
        .into_iter()
        .filter(|r| ids.contains(r.id.as_str()))
        .collect();
    let digest = Digest::for_keys_of(
        title,
        keyward_core::report::rows(&named, &policy.rotation, source, now, &Local),
        plan.announce.len(),
        &Local,
    );
    Ok((plan, Some((digest, settings))))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_burst_of_changes_is_announced_once_the_keys_are_quiet() {
        let start = Instant::now();
        let at = |s: u64| start + Duration::from_secs(s);
        let mut settle = Settle::default();
        assert_eq!(
            settle.hold(at(0)),
            None,
            "nothing changed: announce at once"
        );
        // 29 keys added, one every 400 ms.
        for n in 0..29 {
            settle.changed(start + Duration::from_millis(400 * n));
            assert!(
                settle
                    .hold(start + Duration::from_millis(400 * n))
                    .is_some(),
                "held back while keys keep coming"
            );
        }
        let last = start + Duration::from_millis(400 * 28);
        assert_eq!(settle.hold(last), Some(Settle::QUIET));
        assert!(settle.hold(last + Settle::QUIET / 2).is_some());
        assert_eq!(settle.hold(last + Settle::QUIET), None, "quiet: announce");
        settle.announced();
        assert_eq!(settle.hold(last + Settle::QUIET), None);
    }

    #[test]
    fn changes_that_never_stop_do_not_hold_reminders_back_forever() {
        let start = Instant::now();
        let mut settle = Settle::default();
        let mut now = start;
        while now < start + Settle::LONGEST {
            settle.changed(now);
            now += Duration::from_secs(1);
        }
        assert_eq!(settle.hold(now), None, "at most {:?}", Settle::LONGEST);
    }

    #[test]
    fn the_task_wakes_just_after_a_stage_boundary_so_close_ones_come_together() {
        let now = Utc::now();
        let boundary = now + chrono::Duration::seconds(30);
        assert_eq!(
            sleep_after(Some(boundary), now),
            Duration::from_secs(30) + TOGETHER
        );
        assert_eq!(sleep_after(None, now), MAX_SLEEP);
        assert_eq!(
            sleep_after(Some(now - chrono::Duration::seconds(5)), now),
            TOGETHER,
            "a boundary just passed"
        );
        assert_eq!(
            sleep_after(Some(now + chrono::Duration::days(3)), now),
            MAX_SLEEP
        );
    }
}
