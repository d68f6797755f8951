//! Desktop notifications for reminders (notify-rust).
//!
//! Promises: one notification for a group of reminders; the text holds key
//! names and dates, never a secret; a missing notification service is
//! logged once and otherwise ignored (the window and the tray still show
//! the reminder); waiting for a click runs on a thread of its own, so
//! nothing blocks.

use std::sync::atomic::{AtomicBool, Ordering};

use keyward_core::reminders::{Reminder, message};
use notify_rust::{Notification, Timeout, Urgency};

/// Shows reminder notifications.
#[derive(Default)]
pub struct Notifier {
    failure_logged: AtomicBool,
}

impl Notifier {
    /// Shows one notification for `reminders`; `on_click` gets the first
    /// key's id when the person clicks it. Returns whether it was shown.
    pub fn show(
        &self,
        reminders: &[Reminder],
        period_months: u32,
        on_click: impl FnOnce(String) + Send + 'static,
    ) -> bool {
        let Some(first) = reminders.first() else {
            return false;
        };
        let (title, body) = message(reminders, period_months);
        let result = Notification::new()
            .appname("Keyward")
            .summary(&title)
            .body(&body)
            .icon("keyward")
            .action("default", "Open Keyward")
            .urgency(Urgency::Normal)
            .timeout(Timeout::Never)
            .show();
        match result {
            Ok(handle) => {
                self.failure_logged.store(false, Ordering::Relaxed);
                let id = first.id.clone();
                let spawned = std::thread::Builder::new()
                    .name("notification-click".into())
                    .spawn(move || {
                        handle.wait_for_action(|action| {
                            if action == "default" {
                                on_click(id);
                            }
                        });
                    });
                if let Err(error) = spawned {
                    eprintln!("keyward: could not wait for a notification click: {error}");
                }
                true
            }
            Err(error) => {
                if !self.failure_logged.swap(true, Ordering::Relaxed) {
                    eprintln!(
                        "keyward: desktop notifications are not available ({error}); reminders are shown in the window and the tray instead."
                    );
                }
                false
            }
        }
    }
}
