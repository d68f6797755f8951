//! The clipboard, careful with secrets.
//!
//! Promises: a copied secret is marked so clipboard managers do not keep it
//! (where the platform allows), and it is cleared after [`CLEAR_AFTER`] and
//! when Keyward quits — but only if the clipboard still holds that secret,
//! so whatever the person copied since is left alone.

use std::sync::Mutex;
use std::time::Duration;

use arboard::Clipboard;
use keyward_core::Secret;

/// How long a copied secret stays on the clipboard.
pub const CLEAR_AFTER: Duration = Duration::from_secs(30);

/// The clipboard could not be used.
#[derive(Debug, thiserror::Error)]
#[error(
    "Keyward could not use the clipboard ({0}). Reveal the secret instead and copy it by hand."
)]
pub struct ClipboardError(String);

/// The system clipboard plus the secret Keyward last put on it.
pub struct SecretClipboard {
    inner: Mutex<Option<Clipboard>>,
    last_secret: Mutex<Option<Secret>>,
    clear_after: Mutex<Duration>,
}

impl Default for SecretClipboard {
    fn default() -> Self {
        Self {
            inner: Mutex::new(None),
            last_secret: Mutex::new(None),
            clear_after: Mutex::new(CLEAR_AFTER),
        }
    }
}

impl SecretClipboard {
    /// How long secrets stay.
    pub fn clear_after(&self) -> Duration {
        self.clear_after.lock().map_or(CLEAR_AFTER, |d| *d)
    }

    /// Changes how long secrets stay (from the settings).
    pub fn set_clear_after(&self, after: Duration) {
        if let Ok(mut current) = self.clear_after.lock() {
            *current = after;
        }
    }

    fn with<T>(
        &self,
        f: impl FnOnce(&mut Clipboard) -> Result<T, arboard::Error>,
    ) -> Result<T, ClipboardError> {
        let mut guard = self
            .inner
            .lock()
            .map_err(|_| ClipboardError("busy".into()))?;
        if guard.is_none() {
            *guard = Some(Clipboard::new().map_err(|e| ClipboardError(e.to_string()))?);
        }
        let clipboard = guard
            .as_mut()
            .ok_or_else(|| ClipboardError("unavailable".into()))?;
        f(clipboard).map_err(|e| ClipboardError(e.to_string()))
    }

    /// Puts ordinary text on the clipboard.
    pub fn copy_text(&self, text: &str) -> Result<(), ClipboardError> {
        self.with(|c| c.set_text(text))
    }

    /// Puts a secret on the clipboard, hidden from clipboard history, and
    /// schedules clearing it.
    pub fn copy_secret(self: &std::sync::Arc<Self>, secret: Secret) -> Result<(), ClipboardError> {
        self.with(|c| {
            let set = c.set();
            #[cfg(target_os = "linux")]
            let set = arboard::SetExtLinux::exclude_from_history(set);
            #[cfg(target_os = "macos")]
            let set = arboard::SetExtApple::exclude_from_history(set);
            #[cfg(windows)]
            let set = arboard::SetExtWindows::exclude_from_history(set);
            set.text(secret.expose())
        })?;
        if let Ok(mut last) = self.last_secret.lock() {
            *last = Some(secret.clone());
        }
        let this = self.clone();
        let delay = self.clear_after();
        tauri::async_runtime::spawn(async move {
            tokio::time::sleep(delay).await;
            this.clear_if_holds(&secret);
        });
        Ok(())
    }

    /// Clears the clipboard if it still holds `secret`.
    fn clear_if_holds(&self, secret: &Secret) {
        let _ = self.with(|c| {
            let current = c.get_text().map(zeroize::Zeroizing::new);
            match current {
                Ok(text) if text.as_str() == secret.expose() => c.clear(),
                _ => Ok(()),
            }
        });
        if let Ok(mut last) = self.last_secret.lock()
            && last.as_ref() == Some(secret)
        {
            *last = None;
        }
    }

    /// Whether a secret Keyward copied is waiting to be cleared. On Linux the
    /// clipboard's content lives in the process that copied it, so this
    /// process must not end before then.
    pub fn holds_secret(&self) -> bool {
        self.last_secret.lock().is_ok_and(|last| last.is_some())
    }

    /// On quit: clears the clipboard if it still holds the last secret copied.
    pub fn clear_on_exit(&self) {
        let last = self.last_secret.lock().ok().and_then(|mut l| l.take());
        if let Some(secret) = last {
            self.clear_if_holds(&secret);
        }
    }
}
