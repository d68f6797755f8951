//! Desktop notifications for reminders.
//!
//! Promises: one notification for a group of reminders; the text holds key
//! names and dates, never a secret; [`DesktopNotifier::show`] says whether the
//! notification server accepted the notification and, when it did not, why
//! in plain words (the audit log records exactly that); a missing
//! notification service is said once on standard error (the window and the
//! tray still show the reminder); a reminder about a key past its due date
//! stays until dismissed, any other expires as the desktop's notifications
//! usually do; a click is accepted only from the notification server that
//! took the notification — on the freedesktop bus, the unique bus name that
//! answered `Notify`, for the id it gave back — so no other local program
//! can make Keyward open its window; waiting for a click runs on a thread
//! of its own, so nothing blocks.
//!
//! The reminder task takes any [`Notifier`]: the desktop's
//! ([`DesktopNotifier`]) in the app, a recorder in tests that run without a
//! desktop session.
//!
//! On Linux and the BSDs the notification goes straight over the session
//! bus (see `xdg`); on macOS and Windows through notify-rust, which offers
//! no click there.

use std::sync::atomic::{AtomicBool, Ordering};

use keyward_core::reminders::{Reminder, Stage, message};

/// Why a reminder's notification was not shown, in plain words.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum NotShown {
    /// The person turned desktop notifications off.
    #[error("desktop notifications are turned off in Settings")]
    TurnedOff,
    /// Nothing on the desktop shows notifications.
    #[error("no notification service is running in this desktop session")]
    NoService,
    /// The desktop session's message bus could not be reached.
    #[error("the desktop session's message bus is not available ({0})")]
    NoBus(String),
    /// The notification service answered with an error.
    #[error("the notification service did not take it ({0})")]
    Refused(String),
}

/// Whether a notification about `reminders` stays until dismissed: only
/// when a key in it is past its due date.
pub fn stays_until_dismissed(reminders: &[Reminder]) -> bool {
    reminders
        .iter()
        .any(|r| matches!(r.stage, Stage::Due | Stage::Overdue(_)))
}

/// What the reminder task and the leak check use to show notifications.
pub trait Notifier: Send + Sync + 'static {
    /// Shows one notification for `reminders`; `on_click` gets the first
    /// key's id when the person clicks it. `Ok` once the notification
    /// server accepted it.
    fn show_reminders(
        &self,
        reminders: &[Reminder],
        period_months: u32,
        on_click: Box<dyn FnOnce(String) + Send + 'static>,
    ) -> Result<(), NotShown>;

    /// Shows one plain notification (no click), for events other than
    /// reminders, such as a leak check that found keys.
    fn show_message(&self, title: &str, body: &str) -> Result<(), NotShown>;
}

/// Shows notifications on this desktop.
#[derive(Default)]
pub struct DesktopNotifier {
    failure_logged: AtomicBool,
}

impl Notifier for DesktopNotifier {
    fn show_reminders(
        &self,
        reminders: &[Reminder],
        period_months: u32,
        on_click: Box<dyn FnOnce(String) + Send + 'static>,
    ) -> Result<(), NotShown> {
        self.show(reminders, period_months, on_click)
    }

    fn show_message(&self, title: &str, body: &str) -> Result<(), NotShown> {
        show_once(title, body)
    }
}

impl DesktopNotifier {
    /// Shows one notification for `reminders`; `on_click` gets the first
    /// key's id when the person clicks it. `Ok` once the notification
    /// server accepted it.
    pub fn show(
        &self,
        reminders: &[Reminder],
        period_months: u32,
        on_click: impl FnOnce(String) + Send + 'static,
    ) -> Result<(), NotShown> {
        let Some(first) = reminders.first() else {
            return Ok(());
        };
        let (title, body) = message(reminders, period_months);
        let persistent = stays_until_dismissed(reminders);
        match platform::show(&title, &body, persistent) {
            Ok(shown) => {
                self.failure_logged.store(false, Ordering::Relaxed);
                let id = first.id.clone();
                let spawned = std::thread::Builder::new()
                    .name("notification-click".into())
                    .spawn(move || {
                        if shown.wait_for_click() {
                            on_click(id);
                        }
                    });
                if let Err(error) = spawned {
                    keyward_core::note!(
                        "keyward: could not wait for a notification click: {error}"
                    );
                }
                Ok(())
            }
            Err(reason) => {
                if !self.failure_logged.swap(true, Ordering::Relaxed) {
                    keyward_core::note!(
                        "keyward: desktop notifications are not available ({reason}); reminders are shown in the window and the tray instead."
                    );
                }
                Err(reason)
            }
        }
    }
}

/// Shows one plain notification (no click), for events other than
/// reminders, such as a leak check that found keys. `Ok` once the
/// notification server accepted it.
pub fn show_once(title: &str, body: &str) -> Result<(), NotShown> {
    platform::show(title, body, true).map(|_| ())
}

#[cfg(all(unix, not(target_os = "macos")))]
use xdg as platform;

/// The freedesktop notification protocol, spoken directly on the session
/// bus so that the server's identity is known.
#[cfg(all(unix, not(target_os = "macos")))]
mod xdg {
    use std::collections::HashMap;
    use std::time::Duration;

    use zbus::blocking::MessageIterator;
    use zbus::blocking::fdo::DBusProxy;
    use zbus::message::Type;
    use zbus::names::OwnedUniqueName;
    use zbus::zvariant::Value;
    use zbus::{MatchRule, fdo};

    use super::NotShown;

    const SERVER: &str = "org.freedesktop.Notifications";
    const PATH: &str = "/org/freedesktop/Notifications";
    const BUS: &str = "org.freedesktop.DBus";
    /// Longest wait for the server to answer `Notify`.
    const ANSWER_WITHIN: Duration = Duration::from_secs(10);

    /// A notification the server accepted.
    pub struct Shown {
        incoming: MessageIterator,
        /// The unique bus name of the server that answered.
        server: OwnedUniqueName,
        /// The id it gave the notification.
        id: u32,
    }

    fn refused(error: impl std::fmt::Display) -> NotShown {
        NotShown::Refused(error.to_string())
    }

    fn no_service(error: &zbus::Error) -> bool {
        const GONE: [&str; 2] = [
            "org.freedesktop.DBus.Error.ServiceUnknown",
            "org.freedesktop.DBus.Error.NameHasNoOwner",
        ];
        match error {
            zbus::Error::MethodError(name, ..) => GONE.contains(&name.as_str()),
            zbus::Error::FDO(error) => matches!(
                **error,
                fdo::Error::ServiceUnknown(_) | fdo::Error::NameHasNoOwner(_)
            ),
            _ => false,
        }
    }

    /// Asks the session's notification server to show it.
    pub fn show(title: &str, body: &str, persistent: bool) -> Result<Shown, NotShown> {
        let connection = zbus::blocking::connection::Builder::session()
            .map(|b| b.method_timeout(ANSWER_WITHIN))
            .and_then(zbus::blocking::connection::Builder::build)
            .map_err(|e| NotShown::NoBus(e.to_string()))?;
        // Listen before asking, so that a click right after cannot be missed:
        // the server's signals, and the bus saying the server went away.
        let bus = DBusProxy::new(&connection).map_err(refused)?;
        let rules = [
            MatchRule::builder()
                .msg_type(Type::Signal)
                .interface(SERVER)
                .and_then(|r| r.path(PATH)),
            MatchRule::builder()
                .msg_type(Type::Signal)
                .sender(BUS)
                .and_then(|r| r.member("NameOwnerChanged")),
        ];
        for rule in rules {
            let rule = rule.map_err(refused)?.build();
            bus.add_match_rule(rule).map_err(refused)?;
        }
        let incoming = MessageIterator::from(&connection);
        let hints: HashMap<&str, Value<'_>> = HashMap::from([("urgency", Value::U8(1))]);
        let expire_ms: i32 = if persistent { 0 } else { -1 };
        let reply = connection
            .call_method(
                Some(SERVER),
                PATH,
                Some(SERVER),
                "Notify",
                &(
                    "Keyward",
                    0u32,
                    "keyward",
                    title,
                    body,
                    vec!["default", "Open Keyward"],
                    hints,
                    expire_ms,
                ),
            )
            .map_err(|error| {
                if no_service(&error) {
                    NotShown::NoService
                } else {
                    refused(error)
                }
            })?;
        let id: u32 = reply.body().deserialize().map_err(refused)?;
        let server = reply
            .header()
            .sender()
            .map(|name| OwnedUniqueName::from(name.to_owned()))
            .ok_or_else(|| refused("its answer carried no sender"))?;
        Ok(Shown {
            incoming,
            server,
            id,
        })
    }

    impl Shown {
        /// Blocks until the person clicks the notification (`true`), or it
        /// closes or its server goes away (`false`). Only signals sent by
        /// the server that took the notification count; the bus itself
        /// fills in a signal's sender, so no other program can pose as it.
        pub fn wait_for_click(self) -> bool {
            let Self {
                incoming,
                server,
                id,
            } = self;
            for message in incoming {
                let Ok(message) = message else {
                    return false;
                };
                let header = message.header();
                if header.message_type() != Type::Signal {
                    continue;
                }
                let sender = header.sender().map(zbus::names::UniqueName::as_str);
                let member = header.member().map(zbus::names::MemberName::as_str);
                let interface = header.interface().map(zbus::names::InterfaceName::as_str);
                match (interface, member) {
                    (Some(SERVER), Some("ActionInvoked")) if sender == Some(server.as_str()) => {
                        if let Ok((clicked, action)) = message.body().deserialize::<(u32, &str)>()
                            && clicked == id
                            && action == "default"
                        {
                            return true;
                        }
                    }
                    (Some(SERVER), Some("NotificationClosed"))
                        if sender == Some(server.as_str()) =>
                    {
                        if let Ok((closed, _reason)) = message.body().deserialize::<(u32, u32)>()
                            && closed == id
                        {
                            return false;
                        }
                    }
                    (_, Some("NameOwnerChanged")) if sender == Some(BUS) => {
                        if let Ok((name, _old, new)) =
                            message.body().deserialize::<(&str, &str, &str)>()
                            && name == server.as_str()
                            && new.is_empty()
                        {
                            return false;
                        }
                    }
                    _ => {}
                }
            }
            false
        }
    }
}

#[cfg(not(all(unix, not(target_os = "macos"))))]
use other as platform;

/// macOS and Windows, through notify-rust: no urgency, and no click.
#[cfg(not(all(unix, not(target_os = "macos"))))]
mod other {
    use notify_rust::{Notification, Timeout};

    use super::NotShown;

    /// A notification the system accepted.
    pub struct Shown;

    /// Asks the system to show it.
    pub fn show(title: &str, body: &str, persistent: bool) -> Result<Shown, NotShown> {
        Notification::new()
            .appname("Keyward")
            .summary(title)
            .body(body)
            .timeout(if persistent {
                Timeout::Never
            } else {
                Timeout::Default
            })
            .show()
            .map(|_| Shown)
            .map_err(|error| NotShown::Refused(error.to_string()))
    }

    impl Shown {
        /// These systems report no click to the program.
        pub fn wait_for_click(self) -> bool {
            false
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn reminder(stage: Stage) -> Reminder {
        Reminder {
            id: "id".into(),
            name: "svc-01_01_2026-09_00".into(),
            stage,
            starts_at: chrono::Utc::now(),
            days_overdue: 0,
            leaked: false,
        }
    }

    #[test]
    fn only_reminders_past_the_due_date_stay_until_dismissed() {
        assert!(!stays_until_dismissed(&[reminder(Stage::Upcoming)]));
        assert!(!stays_until_dismissed(&[reminder(Stage::DeleteReplaced)]));
        assert!(stays_until_dismissed(&[reminder(Stage::Due)]));
        assert!(stays_until_dismissed(&[reminder(Stage::Overdue(2))]));
        assert!(
            stays_until_dismissed(&[reminder(Stage::Upcoming), reminder(Stage::Overdue(0))]),
            "a group with one overdue key stays"
        );
    }
}
