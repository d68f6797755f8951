//! An in-memory [`SecretStore`] for tests that run without a desktop
//! session (the core's own, and the app's fast tier with the feature
//! `test-support`). Can be told to fail, like keyring's mock store.

use std::collections::BTreeMap;
use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};

use crate::keychain::{KeychainError, SecretStore};
use crate::secret::Secret;

/// Secrets in memory, by account.
#[derive(Default)]
pub struct MemoryStore {
    items: Mutex<BTreeMap<String, Secret>>,
    /// While set, every call fails with this error.
    pub fail_with: Mutex<Option<KeychainError>>,
    reads: AtomicUsize,
}

impl MemoryStore {
    fn check(&self) -> Result<(), KeychainError> {
        match self.fail_with.lock().unwrap().clone() {
            Some(e) => Err(e),
            None => Ok(()),
        }
    }

    /// Puts `secret` under `account` (never fails).
    pub fn insert(&self, account: &str, secret: &str) {
        self.items
            .lock()
            .unwrap()
            .insert(account.into(), Secret::new(secret.into()));
    }

    /// How many reads ([`SecretStore::get`]) were asked of it so far, the
    /// failed ones included: each is a Secret Service round trip on a desktop.
    pub fn reads(&self) -> usize {
        self.reads.load(Ordering::Relaxed)
    }

    /// Whether `account` has a secret.
    pub fn contains(&self, account: &str) -> bool {
        self.items.lock().unwrap().contains_key(account)
    }
}

impl SecretStore for MemoryStore {
    fn put(&self, account: &str, secret: &Secret) -> Result<(), KeychainError> {
        self.check()?;
        self.items
            .lock()
            .unwrap()
            .insert(account.into(), secret.clone());
        Ok(())
    }

    fn get(&self, account: &str) -> Result<Secret, KeychainError> {
        self.reads.fetch_add(1, Ordering::Relaxed);
        self.check()?;
        self.items
            .lock()
            .unwrap()
            .get(account)
            .cloned()
            .ok_or(KeychainError::NotFound)
    }

    fn remove(&self, account: &str) -> Result<(), KeychainError> {
        self.check()?;
        self.items.lock().unwrap().remove(account);
        Ok(())
    }

    fn accounts(&self) -> Result<Vec<String>, KeychainError> {
        self.check()?;
        Ok(self.items.lock().unwrap().keys().cloned().collect())
    }
}
