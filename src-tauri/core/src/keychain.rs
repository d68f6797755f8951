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
//! - A keychain that could not be reached is tried again on the next call:
//!   the platform store (on Linux a connection to the Secret Service) is
//!   built on first use and built anew after a failure to reach it, a time-out
//!   or an unexpected error, so a window opened before the keychain service
//!   started, or kept open while it restarted, recovers without a restart.
//!   (keyring's `v1` API keeps the first connection, or its failure, for
//!   the life of the process; Keyward uses keyring-core and the platform
//!   stores directly instead, as keyring advises applications to do.)

use std::collections::HashMap;
use std::sync::{Arc, Mutex, mpsc};
use std::time::Duration;

use keyring_core::api::CredentialStore;

use crate::error::Code;
use crate::secret::Secret;

/// The keychain service name, also the app identifier.
pub const SERVICE: &str = "app.keyward.desktop";

/// Default time limit for one keychain call. Long enough to type a password
/// into an unlock prompt; set `KEYWARD_KEYCHAIN_TIMEOUT_SECS` to change it.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(60);

/// The secret store named the way this computer's desktop names it, for
/// people: "keyring" on Linux (GNOME's "Passwords and Keys", KDE's
/// wallet), "Keychain" on macOS, "Credential Manager" on Windows. `YOUR`
/// and `THE` start a sentence ("Your keyring is locked", "The keyring did
/// not answer"); `your` goes inside one. The window says the same
/// (`ui/src/lib/storeNames.ts`).
pub mod store_name {
    const fn pick(linux: &'static str, mac: &'static str, windows: &'static str) -> &'static str {
        if cfg!(target_os = "macos") {
            mac
        } else if cfg!(windows) {
            windows
        } else {
            linux
        }
    }

    /// "Your keyring", "Your Keychain", "Windows Credential Manager".
    pub const YOUR: &str = pick(
        "Your keyring",
        "Your Keychain",
        "Windows Credential Manager",
    );
    /// "your keyring", "your Keychain", "Windows Credential Manager".
    pub const YOUR_IN: &str = pick(
        "your keyring",
        "your Keychain",
        "Windows Credential Manager",
    );
    /// "The keyring", "The Keychain", "Credential Manager".
    pub const THE: &str = pick("The keyring", "The Keychain", "Credential Manager");
    /// "your computer's keyring", "your Mac's Keychain", "Windows Credential Manager".
    pub const COMPUTERS: &str = pick(
        "your computer's keyring",
        "your Mac's Keychain",
        "Windows Credential Manager",
    );
}

use store_name::{COMPUTERS, THE, YOUR, YOUR_IN};

/// What went wrong with the keychain. `Display` is for people, and names the
/// store as the desktop does ([`store_name`]).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum KeychainError {
    /// The keychain is locked, or the unlock prompt was dismissed.
    #[error(
        "{YOUR} is locked, so Keyward could not reach your keys. Unlock it (your computer may show a password prompt, or open your keyring or password app) and try again."
    )]
    Locked,
    /// No keychain service is running or reachable.
    #[error(
        "Keyward could not find {COMPUTERS}. Log in to a normal desktop session (on Linux a keyring service, for example GNOME Keyring or KWallet, must be running) and try again."
    )]
    Unavailable {
        /// Technical detail, for logs and support.
        detail: String,
    },
    /// The keychain did not answer in time.
    #[error(
        "{THE} did not answer within {seconds} seconds. It may be waiting for you to unlock it: look for a password prompt, then try again."
    )]
    TimedOut {
        /// The time limit that passed.
        seconds: u64,
    },
    /// The keychain refused access.
    #[error(
        "{THE} refused Keyward access to this key. Allow Keyward in the settings of {YOUR_IN} and try again."
    )]
    Denied,
    /// The keychain has no default keyring (collection) to save new items in.
    #[error(
        "{YOUR} has no default keyring, so there is nowhere to save a new key (it is not locked). Open your computer's password tool (\"Passwords and Keys\" on GNOME, KWalletManager on KDE, Keychain Access on a Mac), create a keyring if there is none, and set it as the default; then try again."
    )]
    NoDefaultKeyring,
    /// The person cancelled the keychain's request (a password or "allow" prompt).
    #[error(
        "The request from {YOUR_IN} was cancelled, so nothing was done. Try again, and when your computer asks, enter your password or choose Allow."
    )]
    Cancelled,
    /// The keychain needed to ask the person (to unlock it or to allow
    /// Keyward) but was not allowed to show a prompt now.
    #[error(
        "{YOUR} needs you to unlock it or to allow Keyward, but it could not ask you now (for example while the screen is locked or over a remote login). Unlock your computer, open Keyward on its screen, and try again."
    )]
    CannotAsk,
    /// The keychain has no item for this key.
    #[error("{THE} has no secret for this key. It may have been removed by another program.")]
    NotFound,
    /// Anything else the keychain reported.
    #[error(
        "{THE} reported a problem: {detail}. Try again; if it keeps happening, restart your computer."
    )]
    Other {
        /// What the keychain said.
        detail: String,
    },
}

impl KeychainError {
    /// A short code for scripts and the UI.
    pub fn code(&self) -> Code {
        match self {
            Self::Locked => Code::KeychainLocked,
            Self::Unavailable { .. } => Code::KeychainUnavailable,
            Self::TimedOut { .. } => Code::KeychainTimeout,
            Self::Denied => Code::KeychainDenied,
            Self::NoDefaultKeyring => Code::KeychainNoDefault,
            Self::Cancelled => Code::KeychainCancelled,
            Self::CannotAsk => Code::KeychainCannotAsk,
            Self::NotFound => Code::NotFound,
            Self::Other { .. } => Code::KeychainError,
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

/// The keychain as the app's parts share it: the OS keychain in the app,
/// an in-memory store (feature `test-support`) in tests that run without a
/// desktop session.
pub type SharedStore = Arc<dyn SecretStore>;

impl<T: SecretStore + ?Sized> SecretStore for Arc<T> {
    fn put(&self, account: &str, secret: &Secret) -> Result<(), KeychainError> {
        (**self).put(account, secret)
    }
    fn get(&self, account: &str) -> Result<Secret, KeychainError> {
        (**self).get(account)
    }
    fn remove(&self, account: &str) -> Result<(), KeychainError> {
        (**self).remove(account)
    }
    fn accounts(&self) -> Result<Vec<String>, KeychainError> {
        (**self).accounts()
    }
}

impl KeychainError {
    /// Whether the next call should build the platform store anew: the
    /// keychain could not be reached, did not answer, or failed in a way
    /// that a new connection may cure (a restarted keychain service no
    /// longer knows the old connection's session).
    fn needs_new_store(&self) -> bool {
        matches!(
            self,
            Self::Unavailable { .. } | Self::TimedOut { .. } | Self::Other { .. }
        )
    }
}

/// The platform keychain through keyring-core's platform stores, time-bounded.
/// Clones share one store (one connection).
#[derive(Clone)]
pub struct OsKeychain {
    service: String,
    timeout: Duration,
    store: Arc<Mutex<Option<Arc<CredentialStore>>>>,
}

impl std::fmt::Debug for OsKeychain {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("OsKeychain")
            .field("service", &self.service)
            .field("timeout", &self.timeout)
            .finish_non_exhaustive()
    }
}

impl OsKeychain {
    /// The keychain for Keyward's service with the given time limit per call.
    pub fn new(timeout: Duration) -> Self {
        Self {
            service: SERVICE.to_owned(),
            timeout,
            store: Arc::default(),
        }
    }

    /// The keychain with the time limit of `KEYWARD_KEYCHAIN_TIMEOUT_SECS`
    /// in `environment`, else [`DEFAULT_TIMEOUT`].
    pub fn from_environment(environment: &crate::env::Environment) -> Self {
        Self::new(environment.keychain_timeout.unwrap_or(DEFAULT_TIMEOUT))
    }

    /// Runs `call` with the platform store on its own thread; gives up after
    /// the time limit. The store is built first if there is none, and
    /// dropped after a failure that a new one may cure (see the module doc).
    ///
    /// A call that times out is left to finish or fail on its thread: a
    /// blocked D-Bus call cannot be cancelled, but nobody waits for it, and
    /// later calls use a new store rather than queue behind it.
    ///
    /// When a store kept from earlier calls fails that way, the call is made
    /// once more with a new store at once (every call here can be repeated
    /// safely), so a keychain service restarted since the last call costs
    /// the person nothing.
    fn bounded<T: Send + 'static>(
        &self,
        call: impl Fn(&str, &Arc<CredentialStore>) -> Result<T, KeychainError> + Send + 'static,
    ) -> Result<T, KeychainError> {
        let (tx, rx) = mpsc::sync_channel(1);
        let service = self.service.clone();
        let shared = self.store.clone();
        std::thread::Builder::new()
            .name("keychain".into())
            .spawn(move || {
                let _ = tx.send(call_with_store(
                    &shared,
                    platform::new_store,
                    &service,
                    call,
                ));
            })
            .map_err(|e| KeychainError::Other {
                detail: format!("could not start a worker: {e}"),
            })?;
        match rx.recv_timeout(self.timeout) {
            Ok(result) => result,
            Err(mpsc::RecvTimeoutError::Timeout) => {
                // Whatever store the stuck call uses, the next call gets a new one.
                lock(&self.store).take();
                Err(KeychainError::TimedOut {
                    seconds: self.timeout.as_secs(),
                })
            }
            Err(mpsc::RecvTimeoutError::Disconnected) => Err(KeychainError::Other {
                detail: "the keychain worker stopped unexpectedly".into(),
            }),
        }
    }
}

/// Makes `call` with the shared store (see [`OsKeychain::bounded`]): at most
/// twice, the second time only when a store kept from earlier calls failed.
fn call_with_store<T>(
    shared: &Mutex<Option<Arc<CredentialStore>>>,
    build: impl Fn() -> keyring_core::Result<Arc<CredentialStore>>,
    service: &str,
    call: impl Fn(&str, &Arc<CredentialStore>) -> Result<T, KeychainError>,
) -> Result<T, KeychainError> {
    let mut attempts = 0;
    loop {
        attempts += 1;
        let (store, kept) = shared_store(shared, &build)?;
        match call(service, &store) {
            Err(e) if e.needs_new_store() => {
                forget_store(shared, &store);
                if !kept || attempts >= 2 {
                    return Err(e);
                }
            }
            other => return other,
        }
    }
}

fn lock<T>(mutex: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    // The guarded value is a cache: whatever a panic left is still usable.
    mutex
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
}

/// The shared platform store, built now if there is none, and whether it
/// was kept from earlier calls. Building is not done under the lock: it
/// may wait for the keychain service.
fn shared_store(
    shared: &Mutex<Option<Arc<CredentialStore>>>,
    build: impl Fn() -> keyring_core::Result<Arc<CredentialStore>>,
) -> Result<(Arc<CredentialStore>, bool), KeychainError> {
    if let Some(store) = lock(shared).as_ref() {
        return Ok((store.clone(), true));
    }
    let built = build().map_err(map_error)?;
    let mut held = lock(shared);
    let kept = held.is_some();
    Ok((held.get_or_insert(built).clone(), kept))
}

/// Drops `failed` as the shared store, unless another call replaced it already.
fn forget_store(shared: &Mutex<Option<Arc<CredentialStore>>>, failed: &Arc<CredentialStore>) {
    let mut held = lock(shared);
    if held.as_ref().is_some_and(|s| Arc::ptr_eq(s, failed)) {
        *held = None;
    }
}

fn entry(
    store: &Arc<CredentialStore>,
    service: &str,
    account: &str,
) -> Result<keyring_core::Entry, KeychainError> {
    keyring_core::Entry::new_in_store(store, service, account).map_err(map_error)
}

impl SecretStore for OsKeychain {
    fn put(&self, account: &str, secret: &Secret) -> Result<(), KeychainError> {
        let account = account.to_owned();
        let secret = secret.clone();
        self.bounded(move |service, store| {
            entry(store, service, &account)?
                .set_password(secret.expose())
                .map_err(map_error)
        })
    }

    fn get(&self, account: &str) -> Result<Secret, KeychainError> {
        let account = account.to_owned();
        self.bounded(move |service, store| {
            entry(store, service, &account)?
                .get_password()
                .map(Secret::new)
                .map_err(map_error)
        })
    }

    fn remove(&self, account: &str) -> Result<(), KeychainError> {
        let account = account.to_owned();
        self.bounded(move |service, store| {
            match entry(store, service, &account)?.delete_credential() {
                Ok(()) | Err(keyring_core::Error::NoEntry) => Ok(()),
                Err(e) => Err(map_error(e)),
            }
        })
    }

    fn accounts(&self) -> Result<Vec<String>, KeychainError> {
        self.bounded(move |service, store| {
            let spec = HashMap::from([("service", service)]);
            let found = keyring_core::Entry::search_in_store(store, &spec).map_err(map_error)?;
            let mut accounts: Vec<String> = found
                .iter()
                .filter_map(keyring_core::Entry::get_specifiers)
                .filter(|(s, _)| *s == service)
                .map(|(_, user)| user)
                .collect();
            accounts.sort();
            accounts.dedup();
            Ok(accounts)
        })
    }
}

fn map_error(error: keyring_core::Error) -> KeychainError {
    map_error_ref(&error)
}

fn map_error_ref(error: &keyring_core::Error) -> KeychainError {
    use keyring_core::Error as E;
    if let E::NoStorageAccess(detail) | E::PlatformFailure(detail) = error
        && let Some(mapped) = platform::map_detail(detail.as_ref())
    {
        return mapped;
    }
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

/// The store for this platform, and what its own errors mean.
#[cfg(all(
    unix,
    not(any(target_os = "macos", target_os = "ios", target_os = "android"))
))]
mod platform {
    use super::{Arc, CredentialStore, KeychainError};

    /// A new connection to the Secret Service (fails when it is unreachable).
    pub fn new_store() -> keyring_core::Result<Arc<CredentialStore>> {
        Ok(zbus_secret_service_keyring_store::Store::new()?)
    }

    /// The Secret Service's own error, where the store passes it on.
    pub fn map_detail(detail: &(dyn std::error::Error + 'static)) -> Option<KeychainError> {
        use secret_service::Error as E;
        Some(match detail.downcast_ref::<E>()? {
            // Only an alias lookup ("default") finds nothing: no default collection.
            E::NoResult => KeychainError::NoDefaultKeyring,
            E::Locked | E::Prompt => KeychainError::Locked,
            E::Unavailable => KeychainError::Unavailable {
                detail: detail.to_string(),
            },
            _ => return None,
        })
    }
}

/// macOS: the login keychain through Keychain Services (read, not tested
/// here: these machines build for Linux only).
#[cfg(target_os = "macos")]
mod platform {
    use super::{Arc, CredentialStore, KeychainError};

    /// The user's (login) keychain.
    pub fn new_store() -> keyring_core::Result<Arc<CredentialStore>> {
        Ok(apple_native_keyring_store::keychain::Store::new()?)
    }

    /// apple-native-keyring-store passes Security framework errors on as
    /// they are (`NoStorageAccess` for a few codes, `PlatformFailure` for
    /// the rest, including "user cancelled" and "interaction not allowed");
    /// their `OSStatus` codes are in Apple's `SecBase.h`.
    pub fn map_detail(detail: &(dyn std::error::Error + 'static)) -> Option<KeychainError> {
        let error = detail.downcast_ref::<security_framework::base::Error>()?;
        Some(macos_code(error.code(), || error.to_string())?)
    }

    pub(super) fn macos_code(code: i32, detail: impl FnOnce() -> String) -> Option<KeychainError> {
        Some(match code {
            -128 => KeychainError::Cancelled,          // errSecUserCanceled
            -25308 => KeychainError::CannotAsk,        // errSecInteractionNotAllowed
            -25315 => KeychainError::CannotAsk,        // errSecInteractionRequired
            -25293 => KeychainError::Denied,           // errSecAuthFailed
            -25292 => KeychainError::Denied,           // errSecReadOnly
            -34018 => KeychainError::Denied,           // errSecMissingEntitlement
            -25294 => KeychainError::NoDefaultKeyring, // errSecNoSuchKeychain
            -25295 => KeychainError::NoDefaultKeyring, // errSecInvalidKeychain
            -25307 => KeychainError::NoDefaultKeyring, // errSecNoDefaultKeychain
            -25291 => KeychainError::Unavailable {
                detail: detail(), // errSecNotAvailable
            },
            -25300 => KeychainError::NotFound, // errSecItemNotFound
            _ => return None,
        })
    }
}

/// Windows: Credential Manager.
#[cfg(target_os = "windows")]
mod platform {
    use super::{Arc, CredentialStore, KeychainError};

    pub fn new_store() -> keyring_core::Result<Arc<CredentialStore>> {
        Ok(windows_native_keyring_store::Store::new()?)
    }

    pub fn map_detail(_: &(dyn std::error::Error + 'static)) -> Option<KeychainError> {
        None
    }
}

/// Elsewhere Keyward has no keychain.
#[cfg(not(any(
    target_os = "macos",
    target_os = "windows",
    all(
        unix,
        not(any(target_os = "macos", target_os = "ios", target_os = "android"))
    )
)))]
mod platform {
    use super::{Arc, CredentialStore, KeychainError};

    pub fn new_store() -> keyring_core::Result<Arc<CredentialStore>> {
        Err(keyring_core::Error::NoDefaultStore)
    }

    pub fn map_detail(_: &(dyn std::error::Error + 'static)) -> Option<KeychainError> {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[cfg(target_os = "linux")]
    #[test]
    fn messages_name_the_store_the_way_linux_desktops_do() {
        let all = [
            KeychainError::Locked,
            KeychainError::Unavailable { detail: "x".into() },
            KeychainError::TimedOut { seconds: 60 },
            KeychainError::Denied,
            KeychainError::NoDefaultKeyring,
            KeychainError::Cancelled,
            KeychainError::CannotAsk,
            KeychainError::NotFound,
            KeychainError::Other { detail: "x".into() },
        ];
        for error in all {
            let said = error.to_string();
            assert!(
                !said
                    .replace("Keychain Access", "")
                    .to_lowercase()
                    .contains("keychain"),
                "{said}"
            );
            assert!(said.contains("keyring"), "{said}");
        }
        assert!(
            KeychainError::Locked
                .to_string()
                .starts_with("Your keyring is locked")
        );
    }

    #[test]
    fn every_error_has_a_code_and_a_plain_sentence() {
        let all = [
            KeychainError::Locked,
            KeychainError::Unavailable { detail: "x".into() },
            KeychainError::TimedOut { seconds: 5 },
            KeychainError::Denied,
            KeychainError::NotFound,
            KeychainError::NoDefaultKeyring,
            KeychainError::Cancelled,
            KeychainError::CannotAsk,
            KeychainError::Other { detail: "x".into() },
        ];
        for error in all {
            let text = error.to_string();
            assert!(text.ends_with('.'), "{text}");
            assert!(!text.to_lowercase().contains("d-bus"), "no jargon: {text}");
            assert!(error.code().as_str().starts_with("keychain_") || error.code() == "not_found");
        }
    }

    #[test]
    fn a_missing_entry_maps_to_not_found_and_no_store_to_unavailable() {
        assert_eq!(
            map_error(keyring_core::Error::NoEntry),
            KeychainError::NotFound
        );
        assert!(matches!(
            map_error(keyring_core::Error::NoDefaultStore),
            KeychainError::Unavailable { .. }
        ));
    }

    #[cfg(all(
        unix,
        not(any(target_os = "macos", target_os = "ios", target_os = "android"))
    ))]
    #[test]
    fn no_default_collection_is_its_own_error_not_a_locked_keychain() {
        // What zbus-secret-service-keyring-store returns when the Secret
        // Service has no "default" alias (its decode_error of NoResult).
        let error = keyring_core::Error::NoStorageAccess(Box::new(secret_service::Error::NoResult));
        assert_eq!(map_error(error), KeychainError::NoDefaultKeyring);
        let dismissed =
            keyring_core::Error::NoStorageAccess(Box::new(secret_service::Error::Prompt));
        assert_eq!(map_error(dismissed), KeychainError::Locked);
        let text = KeychainError::NoDefaultKeyring.to_string();
        assert!(
            text.contains("no default keyring") && text.contains("Passwords and Keys"),
            "says what it is and where to fix it: {text}"
        );
        assert!(!text.contains("is locked,"), "{text}");
    }

    #[test]
    fn errors_a_new_connection_may_cure_drop_the_store() {
        assert!(KeychainError::Unavailable { detail: "x".into() }.needs_new_store());
        assert!(KeychainError::TimedOut { seconds: 1 }.needs_new_store());
        assert!(KeychainError::Other { detail: "x".into() }.needs_new_store());
        for kept in [
            KeychainError::Locked,
            KeychainError::NotFound,
            KeychainError::Denied,
            KeychainError::NoDefaultKeyring,
            KeychainError::Cancelled,
            KeychainError::CannotAsk,
        ] {
            assert!(!kept.needs_new_store(), "{kept:?}");
        }
    }

    /// A keychain whose store is keyring-core's mock (no keychain service needed).
    fn with_mock_store(timeout: Duration) -> OsKeychain {
        let keychain = OsKeychain::new(timeout);
        let mock: Arc<CredentialStore> = keyring_core::mock::Store::new().unwrap();
        *lock(&keychain.store) = Some(mock);
        keychain
    }

    fn mock() -> keyring_core::Result<Arc<CredentialStore>> {
        Ok(keyring_core::mock::Store::new()?)
    }

    #[test]
    fn a_kept_store_that_fails_is_replaced_and_the_call_made_again_once() {
        let shared = Mutex::new(Some(mock().unwrap()));
        let first = lock(&shared).clone().unwrap();
        // A restarted keychain service: the old connection's session is gone.
        let gone = |_: &str, store: &Arc<CredentialStore>| {
            if Arc::ptr_eq(store, &first) {
                Err(KeychainError::Other {
                    detail: "org.freedesktop.Secret.Error.NoSession".into(),
                })
            } else {
                Ok("answer")
            }
        };
        assert_eq!(call_with_store(&shared, mock, SERVICE, gone), Ok("answer"));
        let now = lock(&shared).clone().unwrap();
        assert!(!Arc::ptr_eq(&now, &first), "the new store is kept");

        // A store that fails again is dropped, and the error reported.
        let calls = std::sync::atomic::AtomicUsize::new(0);
        let broken = |_: &str, _: &Arc<CredentialStore>| -> Result<(), _> {
            calls.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
            Err(KeychainError::Unavailable { detail: "x".into() })
        };
        assert!(call_with_store(&shared, mock, SERVICE, broken).is_err());
        assert_eq!(calls.into_inner(), 2, "tried once more, not forever");
        assert!(lock(&shared).is_none(), "the next call connects again");

        // A locked keychain keeps its connection and is not asked twice.
        let shared = Mutex::new(Some(mock().unwrap()));
        let locked =
            |_: &str, _: &Arc<CredentialStore>| -> Result<(), _> { Err(KeychainError::Locked) };
        assert_eq!(
            call_with_store(&shared, mock, SERVICE, locked),
            Err(KeychainError::Locked)
        );
        assert!(lock(&shared).is_some());
    }

    #[test]
    fn a_store_that_cannot_be_built_is_built_again_on_the_next_call() {
        let shared = Mutex::new(None);
        let unreachable = || Err(keyring_core::Error::NoDefaultStore);
        let ok = |_: &str, _: &Arc<CredentialStore>| Ok(());
        assert!(matches!(
            call_with_store(&shared, unreachable, SERVICE, ok),
            Err(KeychainError::Unavailable { .. })
        ));
        assert_eq!(
            call_with_store(&shared, mock, SERVICE, ok),
            Ok(()),
            "no failure is remembered"
        );
    }

    #[test]
    fn a_call_that_hangs_times_out() {
        let keychain = with_mock_store(Duration::from_millis(100));
        let started = std::time::Instant::now();
        let result: Result<(), _> = keychain.bounded(|_, _| {
            std::thread::sleep(Duration::from_secs(5));
            Ok(())
        });
        assert_eq!(result, Err(KeychainError::TimedOut { seconds: 0 }));
        assert!(started.elapsed() < Duration::from_secs(2));
        assert!(
            lock(&keychain.store).is_none(),
            "later calls do not queue behind the stuck one"
        );
    }
}
