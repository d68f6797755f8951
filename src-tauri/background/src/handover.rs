//! Only one Keyward process reminds at a time: the one that owns the
//! session-bus name [`BUS_NAME`].
//!
//! The window takes the name over when it starts ([`take_over`]); the
//! background process holds it only until then ([`join`]) and steps aside
//! when it loses it. A second background process finds the name taken and
//! does not start. Releasing is dropping the [`Claim`] (or the process
//! ending), which the bus notices at once.

use zbus::blocking::Connection;
use zbus::fdo::{RequestNameFlags, RequestNameReply};

/// The name whose owner sends the reminders.
pub const BUS_NAME: &str = "app.keyward.desktop.Reminders";

/// Ownership of [`BUS_NAME`]; dropping it gives the name back.
pub struct Claim {
    connection: Connection,
    lost: zbus::blocking::fdo::NameLostIterator,
}

impl Claim {
    /// Blocks until another process (the window) takes the name.
    pub fn wait_until_taken(mut self) {
        for signal in self.lost.by_ref() {
            if signal.args().is_ok_and(|args| args.name() == BUS_NAME) {
                return;
            }
        }
    }

    /// Gives the name back now (before starting the process that takes it).
    pub fn release(self) {
        let _ = self.connection.release_name(BUS_NAME);
    }
}

fn request(flags: enumflags2::BitFlags<RequestNameFlags>) -> zbus::Result<Option<Claim>> {
    let connection = Connection::session()?;
    // Listen before asking, so a take-over right after cannot be missed.
    let lost = zbus::blocking::fdo::DBusProxy::new(&connection)?.receive_name_lost()?;
    match connection.request_name_with_flags(BUS_NAME, flags) {
        Ok(RequestNameReply::PrimaryOwner | RequestNameReply::AlreadyOwner) => {
            Ok(Some(Claim { connection, lost }))
        }
        Ok(RequestNameReply::InQueue | RequestNameReply::Exists) | Err(zbus::Error::NameTaken) => {
            Ok(None)
        }
        Err(error) => Err(error),
    }
}

/// For the window: takes the name, from the background process if it runs
/// (which then exits). `None` when another window already holds it.
pub fn take_over() -> zbus::Result<Option<Claim>> {
    request(RequestNameFlags::ReplaceExisting | RequestNameFlags::DoNotQueue)
}

/// For the background process: takes the name unless another Keyward holds
/// it (`None`), and lets the window take it later.
pub fn join() -> zbus::Result<Option<Claim>> {
    request(RequestNameFlags::AllowReplacement | RequestNameFlags::DoNotQueue)
}
