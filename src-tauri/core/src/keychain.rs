//! The operating system's keychain, where secrets live.
//!
//! Promises:
//! - One item per key: service = the app identifier, account = the key's id.
//!   The secret is the only thing stored; no metadata goes into item
//!   attributes (the Secret Service does not treat attributes as secret).
//! - Every call runs on a thread of its own and is abandoned after a time
//!   limit, so a locked keychain that waits for a password cannot hang Keyward.
//! - Deleting an item that is already gone succeeds (deletes are idempotent).
//! - Errors are mapped to [`KeychainError`], whose `Display` says in plain
//!   words what happened and what to do.

use std::collections::HashMap;
use std::sync::mpsc;
use std::time::Duration;

use crate::secret::Secret;

/// The keychain service name, also the app identifier.
pub const SERVICE: &str = "app.keyward.desktop";

/// Default time limit for one keychain call. Long enough to type a password
/// into an unlock prompt; set `KEYWARD_KEYCHAIN_TIMEOUT_SECS` to change it.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(60);

/// What went wrong with the keychain. `Display` is for people.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum KeychainError {
    /// The keychain is locked, or the unlock prompt was dismissed.
    #[error(
        "Your keychain is locked, so Keyward could not reach your keys. Unlock it (your computer may show a password prompt, or open your keyring or password app) and try again."
    )]
    Locked,
    /// No keychain service is running or reachable.
    #[error(
        "Keyward could not find your computer's keychain. Log in to a normal desktop session (on Linux the keychain service, for example GNOME Keyring or KWallet, must be running) and try again."
    )]
    Unavailable {
        /// Technical detail, for logs and support.
        detail: String,
    },
    /// The keychain did not answer in time.
    #[error(
        "The keychain did not answer within {seconds} seconds. It may be waiting for you to unlock it: look for a password prompt, then try again."
    )]
    TimedOut {
        /// The time limit that passed.
        seconds: u64,
    },
    /// The keychain refused access.
    #[error(
        "The keychain refused Keyward access to this key. Allow Keyward in your keychain settings and try again."
    )]
    Denied,
    /// The keychain has no item for this key.
    #[error(
        "The keychain has no secret for this key. It may have been removed by another program."
    )]
    NotFound,
    /// Anything else the keychain reported.
    #[error(
        "The keychain reported a problem: {detail}. Try again; if it keeps happening, restart your computer."
    )]
    Other {
        /// What the keychain said.
        detail: String,
    },
}

impl KeychainError {
    /// A short code for scripts and the UI.
    pub fn code(&self) -> &'static str {
        match self {
            Self::Locked => "keychain_locked",
            Self::Unavailable { .. } => "keychain_unavailable",
            Self::TimedOut { .. } => "keychain_timeout",
            Self::Denied => "keychain_denied",
            Self::NotFound => "not_found",
            Self::Other { .. } => "keychain_error",
        }
    }
}

/// Where secrets are kept. The real one is [`OsKeychain`]; tests of logic may use another.
pub trait SecretStore: Send + Sync {
    /// Stores `secret` under `account`, replacing any previous one.
    fn put(&self, account: &str, secret: &Secret) -> Result<(), KeychainError>;
    /// Reads the secret under `account`.
    fn get(&self, account: &str) -> Result<Secret, KeychainError>;
    /// Removes the secret under `account`; already gone is success.
    fn remove(&self, account: &str) -> Result<(), KeychainError>;
    /// Every account that has an item under this app's service.
    fn accounts(&self) -> Result<Vec<String>, KeychainError>;
}

/// The platform keychain through the `keyring` crate, time-bounded.
#[derive(Debug, Clone)]
pub struct OsKeychain {
    service: String,
    timeout: Duration,
}

impl OsKeychain {
    /// The keychain for Keyward's service with the given time limit per call.
    pub fn new(timeout: Duration) -> Self {
        Self {
            service: SERVICE.to_owned(),
            timeout,
        }
    }

    /// Time limit from `KEYWARD_KEYCHAIN_TIMEOUT_SECS`, else [`DEFAULT_TIMEOUT`].
    pub fn timeout_from_env() -> Duration {
        std::env::var("KEYWARD_KEYCHAIN_TIMEOUT_SECS")
            .ok()
            .and_then(|v| v.trim().parse::<u64>().ok())
            .filter(|s| *s > 0)
            .map_or(DEFAULT_TIMEOUT, Duration::from_secs)
    }

    /// Runs `call` on its own thread; gives up after the time limit.
    ///
    /// A call that times out is left to finish or fail on its thread: a
    /// blocked D-Bus call cannot be cancelled, but nobody waits for it.
    fn bounded<T: Send + 'static>(
        &self,
        call: impl FnOnce(String) -> Result<T, KeychainError> + Send + 'static,
    ) -> Result<T, KeychainError> {
        let (tx, rx) = mpsc::sync_channel(1);
        let service = self.service.clone();
        std::thread::Builder::new()
            .name("keychain".into())
            .spawn(move || {
                let _ = tx.send(call(service));
            })
            .map_err(|e| KeychainError::Other {
                detail: format!("could not start a worker: {e}"),
            })?;
        match rx.recv_timeout(self.timeout) {
            Ok(result) => result,
            Err(mpsc::RecvTimeoutError::Timeout) => Err(KeychainError::TimedOut {
                seconds: self.timeout.as_secs(),
            }),
            Err(mpsc::RecvTimeoutError::Disconnected) => Err(KeychainError::Other {
                detail: "the keychain worker stopped unexpectedly".into(),
            }),
        }
    }
}

fn entry(service: &str, account: &str) -> Result<keyring::Entry, KeychainError> {
    keyring::Entry::new(service, account).map_err(map_error)
}

impl SecretStore for OsKeychain {
    fn put(&self, account: &str, secret: &Secret) -> Result<(), KeychainError> {
        let account = account.to_owned();
        let secret = secret.clone();
        self.bounded(move |service| {
            entry(&service, &account)?
                .set_password(secret.expose())
                .map_err(map_error)
        })
    }

    fn get(&self, account: &str) -> Result<Secret, KeychainError> {
        let account = account.to_owned();
        self.bounded(move |service| {
            entry(&service, &account)?
                .get_password()
                .map(Secret::new)
                .map_err(map_error)
        })
    }

    fn remove(&self, account: &str) -> Result<(), KeychainError> {
        let account = account.to_owned();
        self.bounded(
            move |service| match entry(&service, &account)?.delete_credential() {
                Ok(()) | Err(keyring::Error::NoEntry) => Ok(()),
                Err(e) => Err(map_error(e)),
            },
        )
    }

    fn accounts(&self) -> Result<Vec<String>, KeychainError> {
        self.bounded(move |service| {
            // Make sure the platform store is set up before searching it.
            if let Err(e) = keyring::Entry::store_status() {
                return Err(map_error_ref(e));
            }
            let spec = HashMap::from([("service", service.as_str())]);
            let found = keyring_core::Entry::search(&spec).map_err(map_error)?;
            let mut accounts: Vec<String> = found
                .iter()
                .filter_map(|e| e.get_specifiers())
                .filter(|(s, _)| *s == service)
                .map(|(_, user)| user)
                .collect();
            accounts.sort();
            accounts.dedup();
            Ok(accounts)
        })
    }
}

fn map_error(error: keyring::Error) -> KeychainError {
    map_error_ref(&error)
}

fn map_error_ref(error: &keyring::Error) -> KeychainError {
    use keyring::Error as E;
    match error {
        E::NoEntry => KeychainError::NotFound,
        E::NoStorageAccess(detail) => {
            let text = detail.to_string().to_lowercase();
            if text.contains("denied") || text.contains("not allowed") {
                KeychainError::Denied
            } else {
                KeychainError::Locked
            }
        }
        E::NoDefaultStore => KeychainError::Unavailable {
            detail: "no keychain service could be reached".into(),
        },
        E::PlatformFailure(detail) => {
            let text = detail.to_string();
            let lower = text.to_lowercase();
            let unreachable = [
                "serviceunknown",
                "service unknown",
                "was not provided by any",
                "connection",
                "no such file",
                "dbus_session_bus_address",
                "address",
            ];
            if unreachable.iter().any(|needle| lower.contains(needle)) {
                KeychainError::Unavailable { detail: text }
            } else {
                KeychainError::Other { detail: text }
            }
        }
        other => KeychainError::Other {
            detail: other.to_string(),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_error_has_a_code_and_a_plain_sentence() {
        let all = [
            KeychainError::Locked,
            KeychainError::Unavailable { detail: "x".into() },
            KeychainError::TimedOut { seconds: 5 },
            KeychainError::Denied,
            KeychainError::NotFound,
            KeychainError::Other { detail: "x".into() },
        ];
        for error in all {
            let text = error.to_string();
            assert!(text.ends_with('.'), "{text}");
            assert!(!text.to_lowercase().contains("d-bus"), "no jargon: {text}");
            assert!(error.code().starts_with("keychain_") || error.code() == "not_found");
        }
    }

    #[test]
    fn a_missing_entry_maps_to_not_found_and_no_store_to_unavailable() {
        assert_eq!(map_error(keyring::Error::NoEntry), KeychainError::NotFound);
        assert!(matches!(
            map_error(keyring::Error::NoDefaultStore),
            KeychainError::Unavailable { .. }
        ));
    }

    #[test]
    fn a_call_that_hangs_times_out() {
        let keychain = OsKeychain::new(Duration::from_millis(100));
        let started = std::time::Instant::now();
        let result: Result<(), _> = keychain.bounded(|_| {
            std::thread::sleep(Duration::from_secs(5));
            Ok(())
        });
        assert_eq!(result, Err(KeychainError::TimedOut { seconds: 0 }));
        assert!(started.elapsed() < Duration::from_secs(2));
    }
}
