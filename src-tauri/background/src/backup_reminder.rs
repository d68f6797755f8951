//! The optional reminder to back up after changes (see
//! `keyward_core::backup::reminder`): when it is turned on, keys changed
//! since the last backup and no such reminder was shown in the last day,
//! one desktop notification says how many and since when.
//!
//! Promises: it runs on a thread of its own after the reminder task's
//! look, one check at a time, so it never delays or replaces a rotation
//! reminder; it reads the settings, the audit log and its own small file,
//! never the keychain; a failure is said on standard error and nothing else.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use chrono::{Local, Utc};
use keyward_core::backup::reminder::{ReminderFile, message, unsaved};

use crate::reminders::ReminderDeps;

/// Checks, on a blocking thread, whether to remind the person to back up,
/// and does so. `running` keeps it to one check at a time.
pub(crate) fn check(deps: &Arc<ReminderDeps>, running: &Arc<AtomicBool>) {
    let settings = deps.settings.load().settings;
    if !settings.backup_reminder {
        return;
    }
    let file = ReminderFile::in_dir(deps.catalog.dir());
    if !file.may_remind(Utc::now()) || running.swap(true, Ordering::SeqCst) {
        return;
    }
    let (deps, running) = (deps.clone(), running.clone());
    tokio::task::spawn_blocking(move || {
        remind(&deps, &file, settings.notifications);
        running.store(false, Ordering::SeqCst);
    });
}

fn remind(deps: &ReminderDeps, file: &ReminderFile, notifications: bool) {
    let Some(audit) = &deps.audit else { return };
    let entries = match audit.read() {
        Ok(read) => read.entries,
        Err(error) => {
            keyward_core::note!(
                "keyward: the backup reminder could not read the audit log: {error}"
            );
            return;
        }
    };
    let Some(changed) = unsaved(&entries) else {
        return;
    };
    let now = Utc::now();
    let (title, body) = message(&changed, now, &Local);
    if !notifications {
        keyward_core::note!("keyward: {body}");
    } else if let Err(error) = deps.notifier.show_message(&title, &body) {
        keyward_core::note!("keyward: {body} (no notification: {error})");
    }
    if let Err(error) = file.remember(now) {
        keyward_core::note!(
            "keyward: the backup reminder could not remember it was shown: {error}"
        );
    }
}
