//! What Keyward does while no window is open, shared by the window process
//! and the light background process: the reminder task ([`reminders`]),
//! desktop notifications ([`notifier`]), the team channel ([`webhook`]), the
//! audit stream to a SIEM ([`siem`], its certificates in [`siem_tls`]) and the tray's wording ([`tray`]).
//!
//! On Linux, closing the window hands reminders over to a small process
//! (`keyward-background`, see [`agent`]) that links neither GTK nor WebKit,
//! so keeping Keyward in the tray costs a few megabytes; [`handover`] makes
//! sure only one process reminds at a time. That program is a small
//! [`supervisor`] that runs the work in a child process and starts it
//! again when it dies.

#[cfg(target_os = "linux")]
pub mod agent;
mod backup_reminder;
#[cfg(target_os = "linux")]
pub mod handover;
pub mod notifier;
pub mod reminders;
pub mod siem;
pub mod siem_tls;
#[cfg(target_os = "linux")]
pub mod supervisor;
pub mod team;
pub mod tray;
pub mod webhook;
