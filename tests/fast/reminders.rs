//! The reminder task with a recording notifier and the in-memory keychain:
//! an overdue key is announced once, and the audit log says whether the
//! notification was shown.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use chrono::Utc;
use keyward::notifier::{NotShown, Notifier};
use keyward::reminders::{ReminderDeps, ReminderSink, ReminderTask};
use keyward_core::Secret;
use keyward_core::naming::{KeyName, Label, ServiceName};
use keyward_core::reminders::Reminder;
use keyward_core::rotation::RotationPolicy;
use keyward_core::vault::{NewKey, Vault};

use crate::support::Dirs;

/// A notification shown: its title and the keys it names.
type Shown = (String, Vec<String>);

/// Records what it was asked to show; answers `refuse` when set, and
/// refuses the first `fail_first` reminders as if no notification service
/// were running.
#[derive(Default)]
struct Recorder {
    shown: Mutex<Vec<Shown>>,
    refuse: Option<NotShown>,
    fail_first: AtomicUsize,
}

impl Notifier for Recorder {
    fn show_reminders(
        &self,
        reminders: &[Reminder],
        period_months: u32,
        _on_click: Box<dyn FnOnce(String) + Send + 'static>,
    ) -> Result<(), NotShown> {
        let (title, _) = keyward_core::reminders::message(reminders, period_months);
        let names = reminders.iter().map(|r| r.name.clone()).collect();
        self.shown.lock().unwrap().push((title, names));
        let failing = self
            .fail_first
            .fetch_update(Ordering::SeqCst, Ordering::SeqCst, |n| n.checked_sub(1))
            .is_ok();
        if failing {
            return Err(NotShown::NoService);
        }
        self.refuse.clone().map_or(Ok(()), Err)
    }

    fn show_message(&self, title: &str, _body: &str) -> Result<(), NotShown> {
        self.shown
            .lock()
            .unwrap()
            .push((title.to_owned(), Vec::new()));
        Ok(())
    }
}

/// Counts from the last look.
#[derive(Default)]
struct Tray(Mutex<Option<(usize, usize)>>);

impl ReminderSink for Tray {
    fn attention(&self, rotate: usize, delete: usize) {
        *self.0.lock().unwrap() = Some((rotate, delete));
    }
    fn announced(&self) {}
    fn open_key(&self, _id: String) {}
}

/// A key added `days` ago, as from a vendor's dashboard.
fn add_key(dirs: &Dirs, name: &str, days: i64) {
    let vault = Vault::new(
        dirs.catalog(),
        dirs.store.clone(),
        RotationPolicy::default(),
    );
    vault
        .add(
            NewKey {
                service: ServiceName::parse("Payments").unwrap(),
                application: None,
                name: KeyName::parse(name).unwrap(),
                notes: Label::notes("").unwrap(),
                created_at: Utc::now() - chrono::Duration::days(days),
                vendor: None,
                owner: None,
            },
            &Label::credential_id(&format!("cred-{name}")).unwrap(),
            Secret::new(format!("vendor-secret-of-{name}")),
        )
        .unwrap();
}

/// Runs the task until `notifier` recorded something (or 10 s passed);
/// what it recorded, and the tray's counts.
fn run_task(dirs: &Dirs, notifier: Arc<Recorder>) -> (Vec<Shown>, Option<(usize, usize)>) {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(1)
        .enable_all()
        .build()
        .unwrap();
    let tray = Arc::new(Tray::default());
    let task = ReminderTask::start(
        runtime.handle(),
        Duration::ZERO,
        ReminderDeps {
            catalog: dirs.catalog(),
            settings: dirs.settings(),
            audit: Some(dirs.audit()),
            keychain: dirs.store.clone(),
            notifier: notifier.clone(),
            sink: tray.clone(),
            replan: Arc::new(tokio::sync::Notify::new()),
        },
    );
    let start = Instant::now();
    while notifier.shown.lock().unwrap().is_empty() && start.elapsed() < Duration::from_secs(10) {
        std::thread::sleep(Duration::from_millis(20));
    }
    // Give the audit line (written right after the notification) its moment.
    std::thread::sleep(Duration::from_millis(200));
    drop(task);
    let shown = notifier.shown.lock().unwrap().clone();
    let counts = *tray.0.lock().unwrap();
    (shown, counts)
}

#[test]
fn an_overdue_key_is_announced_in_one_notification_and_audited_as_sent() {
    let dirs = Dirs::new();
    add_key(&dirs, "payments-old", 120);
    add_key(&dirs, "payments-new", 1);
    let (shown, counts) = run_task(&dirs, Arc::new(Recorder::default()));
    assert_eq!(shown.len(), 1, "one notification: {shown:?}");
    assert_eq!(shown[0].1, ["payments-old"], "only the overdue key");
    assert_eq!(counts, Some((1, 0)), "the tray hears of one key to rotate");
    let actions = dirs.audit_actions();
    assert_eq!(
        actions.iter().filter(|a| *a == "reminder_sent").count(),
        1,
        "{actions:?}"
    );
}

#[test]
fn a_notification_the_desktop_refused_is_audited_as_failed_with_the_reason() {
    let dirs = Dirs::new();
    add_key(&dirs, "payments-old", 120);
    let refusing = Arc::new(Recorder {
        refuse: Some(NotShown::NoService),
        ..Recorder::default()
    });
    let (shown, _) = run_task(&dirs, refusing);
    assert_eq!(shown.len(), 1);
    let log = std::fs::read_to_string(dirs.data_dir().join("audit.log")).unwrap();
    assert!(
        log.contains("reminder_failed") && log.contains("no notification service"),
        "{log}"
    );
    assert!(!log.contains("reminder_sent"), "{log}");
}

/// Polls `done` every 20 ms for up to `within`; whether it came true.
fn poll(within: Duration, mut done: impl FnMut() -> bool) -> bool {
    let start = Instant::now();
    while !done() {
        if start.elapsed() > within {
            return false;
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    true
}

#[test]
fn a_failed_notification_leaves_the_stage_unannounced_and_is_tried_again() {
    let dirs = Dirs::new();
    add_key(&dirs, "payments-old", 120);
    let notifier = Arc::new(Recorder {
        fail_first: AtomicUsize::new(1),
        ..Recorder::default()
    });
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(1)
        .enable_all()
        .build()
        .unwrap();
    let replan = Arc::new(tokio::sync::Notify::new());
    let task = ReminderTask::start(
        runtime.handle(),
        Duration::ZERO,
        ReminderDeps {
            catalog: dirs.catalog(),
            settings: dirs.settings(),
            audit: Some(dirs.audit()),
            keychain: dirs.store.clone(),
            notifier: notifier.clone(),
            sink: Arc::new(Tray::default()),
            replan: replan.clone(),
        },
    );
    let announced_at = || dirs.catalog().load().unwrap()[0].reminder.announced_at;
    let audited = |action: &str| {
        dirs.audit_actions()
            .iter()
            .filter(|a| a.as_str() == action)
            .count()
    };
    assert!(
        poll(Duration::from_secs(10), || audited("reminder_failed") == 1),
        "the failed notification is audited: {:?}",
        dirs.audit_actions()
    );
    assert_eq!(notifier.shown.lock().unwrap().len(), 1);
    assert_eq!(
        announced_at(),
        None,
        "a notification nobody saw does not mark the stage announced"
    );
    // The next look (here: the keys changed) tries again, and this time the
    // notification server takes it.
    replan.notify_one();
    assert!(
        poll(Duration::from_secs(30), || announced_at().is_some()),
        "the stage is announced once a notification was shown: {:?}",
        notifier.shown.lock().unwrap()
    );
    assert!(
        poll(Duration::from_secs(5), || audited("reminder_sent") == 1),
        "{:?}",
        dirs.audit_actions()
    );
    drop(task);
    let shown = notifier.shown.lock().unwrap().clone();
    assert_eq!(shown.len(), 2, "one failed try, one shown: {shown:?}");
    assert_eq!(shown[1].1, ["payments-old"]);
    assert_eq!(audited("reminder_failed"), 1, "{:?}", dirs.audit_actions());
}

/// A clock stopped long ago: an audit entry that took its time from it,
/// rather than from the look, is plain to see.
fn long_ago() -> chrono::DateTime<Utc> {
    chrono::DateTime::parse_from_rfc3339("2001-01-01T00:00:00Z")
        .unwrap()
        .with_timezone(&Utc)
}

#[test]
fn a_look_reads_the_clock_once_so_the_catalog_and_the_audit_log_say_the_same_time() {
    let dirs = Dirs::new();
    add_key(&dirs, "payments-old", 120);
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(1)
        .enable_all()
        .build()
        .unwrap();
    let notifier = Arc::new(Recorder::default());
    let task = ReminderTask::start(
        runtime.handle(),
        Duration::ZERO,
        ReminderDeps {
            catalog: dirs.catalog(),
            settings: dirs.settings(),
            audit: Some(keyward_core::audit::AuditLog::in_dir(
                &dirs.data_dir(),
                long_ago,
            )),
            keychain: dirs.store.clone(),
            notifier: notifier.clone(),
            sink: Arc::new(Tray::default()),
            replan: Arc::new(tokio::sync::Notify::new()),
        },
    );
    let start = Instant::now();
    let sent = || {
        std::fs::read_to_string(dirs.data_dir().join("audit.log"))
            .unwrap_or_default()
            .lines()
            .map(|line| serde_json::from_str::<serde_json::Value>(line).unwrap())
            .find(|entry| entry["action"] == "reminder_sent")
    };
    while sent().is_none() && start.elapsed() < Duration::from_secs(10) {
        std::thread::sleep(Duration::from_millis(20));
    }
    drop(task);
    let entry = sent().expect("the reminder was audited");
    let audited = chrono::DateTime::parse_from_rfc3339(entry["at"].as_str().unwrap())
        .unwrap()
        .with_timezone(&Utc);
    let announced = dirs.catalog().load().unwrap()[0]
        .reminder
        .announced_at
        .expect("the catalog remembers the announcement");
    assert_ne!(
        audited,
        long_ago(),
        "the audit entry carries the look's time, not a second reading of a clock"
    );
    assert_eq!(
        audited.timestamp(),
        announced.timestamp(),
        "the catalog and the audit log say the same moment"
    );
}
