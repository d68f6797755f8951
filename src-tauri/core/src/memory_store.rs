//! An in-memory [`SecretStore`] for unit tests of logic. Can be told to fail.

use std::collections::BTreeMap;
use std::sync::Mutex;

use crate::keychain::{KeychainError, SecretStore};
use crate::secret::Secret;

#[derive(Default)]
pub struct MemoryStore {
    items: Mutex<BTreeMap<String, Secret>>,
    pub fail_with: Mutex<Option<KeychainError>>,
}

impl MemoryStore {
    fn check(&self) -> Result<(), KeychainError> {
        match self.fail_with.lock().unwrap().clone() {
            Some(e) => Err(e),
            None => Ok(()),
        }
    }

    pub fn insert(&self, account: &str, secret: &str) {
        self.items
            .lock()
            .unwrap()
            .insert(account.into(), Secret::new(secret.into()));
    }

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
