//! Ctrl-C (SIGINT) and SIGTERM during `keyward import` and `keyward
//! restore`: the first asks the work to stop after the keys in hand, so
//! every key is whole (secret in the keychain and record in the list) or
//! absent, and the command says what was done and how to continue; a
//! second one ends Keyward at once (the next start rolls back a key left
//! half-made, as after a crash).

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use keyward_core::{Error, Result};
use signal_hook::consts::{SIGINT, SIGTERM};
use signal_hook::{SigId, flag, low_level};

/// Exit status of a command stopped by Ctrl-C or SIGTERM (128 + SIGINT, as shells use).
pub const STOPPED: u8 = 130;

/// Watches for Ctrl-C and SIGTERM while it lives.
pub struct Interrupt {
    asked: Arc<AtomicBool>,
    ids: Vec<SigId>,
}

impl Interrupt {
    /// Starts watching.
    pub fn watch() -> Result<Self> {
        let asked = Arc::new(AtomicBool::new(false));
        let mut ids = Vec::new();
        let failed =
            |e: std::io::Error| Error::Invalid(format!("Keyward could not watch for Ctrl-C: {e}."));
        for signal in [SIGINT, SIGTERM] {
            // A second signal, once the first was seen, ends Keyward at once.
            ids.push(
                flag::register_conditional_shutdown(signal, 1, asked.clone()).map_err(failed)?,
            );
            ids.push(flag::register(signal, asked.clone()).map_err(failed)?);
        }
        Ok(Self { asked, ids })
    }

    /// Set once a stop was asked for.
    pub fn flag(&self) -> &AtomicBool {
        &self.asked
    }

    /// Whether a stop was asked for.
    pub fn asked(&self) -> bool {
        self.asked.load(Ordering::SeqCst)
    }
}

impl Drop for Interrupt {
    fn drop(&mut self) {
        for id in self.ids.drain(..) {
            low_level::unregister(id);
        }
    }
}
