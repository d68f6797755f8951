//! Keeping the leak scanner's fingerprints in step with the keys.
//!
//! Promises:
//! - The per-install fingerprint key is made by the first scan and kept in
//!   the keychain; until then storing a key costs no extra keychain call.
//! - Once scans are in use (the fingerprint file exists), every key stored
//!   (generated, added, rotated) gets its fingerprint as it is stored, from
//!   the secret already in hand. That is best effort: a fingerprint that
//!   could not be written is made by the next scan instead.
//! - [`Vault::scan_fingerprints`] makes the fingerprints that are missing
//!   (one keychain read per key) and returns only fingerprints: no secret
//!   leaves it.

use super::{SecretStore, Vault};
use crate::error::Result;
use crate::fingerprint::{
    Fingerprint, FingerprintFile, FingerprintKey, FingerprintSet, Hasher, KEY_ACCOUNT,
};
use crate::keychain::KeychainError;
use crate::record::KeyState;
use crate::secret::Secret;

/// What a scan needs: the keyed hasher and a fingerprint per key.
pub struct ScanKeys {
    /// Hashes candidate spans with the per-install key.
    pub hasher: Hasher,
    /// (key id, key name, fingerprint) for every key that has one.
    pub keys: Vec<(String, String, Fingerprint)>,
    /// Keys whose secret could not be read to make their fingerprint.
    pub unreadable: Vec<(String, KeychainError)>,
}

impl<S: SecretStore> Vault<S> {
    fn fingerprint_file(&self) -> FingerprintFile {
        FingerprintFile::in_dir(self.catalog.dir())
    }

    /// The per-install key; made and stored in the keychain when there is
    /// none and `create` is set.
    fn fingerprint_key(&self, create: bool) -> Result<Option<FingerprintKey>> {
        match self.store.get(KEY_ACCOUNT) {
            Ok(secret) => {
                if let Some(key) = FingerprintKey::from_secret(&secret) {
                    return Ok(Some(key));
                }
            }
            Err(KeychainError::NotFound) => {}
            Err(e) => return Err(e.into()),
        }
        if !create {
            return Ok(None);
        }
        let key = FingerprintKey::generate()?;
        self.store.put(KEY_ACCOUNT, &key.to_secret())?;
        // Another process may have stored its own at the same moment: use
        // whichever the keychain kept (the file's check value then tells
        // which fingerprints belong to it).
        let kept = self.store.get(KEY_ACCOUNT)?;
        Ok(FingerprintKey::from_secret(&kept).or(Some(key)))
    }

    /// Remembers the fingerprint of the key `id` just stored with `secret`,
    /// when scans are in use. Never fails the operation.
    pub(super) fn remember_fingerprint(&self, id: &str, secret: &Secret) {
        self.remember_fingerprints([(id, secret)]);
    }

    /// Remembers the fingerprints of keys just stored, when scans are in
    /// use: one keychain read of the fingerprint key and one file write for
    /// all of them (an import or restore calls it once per batch). Never
    /// fails the operation.
    pub(super) fn remember_fingerprints<'a>(
        &self,
        stored: impl IntoIterator<Item = (&'a str, &'a Secret)>,
    ) {
        let file = self.fingerprint_file();
        if !file.path().exists() {
            return;
        }
        let mut stored = stored.into_iter().peekable();
        if stored.peek().is_none() {
            return;
        }
        if let Ok(Some(key)) = self.fingerprint_key(false) {
            let hasher = key.hasher();
            let _ = file.remember_all(
                &hasher.key_check(),
                stored.map(|(id, secret)| (id, hasher.fingerprint(secret))),
            );
        }
    }

    /// Forgets the fingerprint of a deleted key. Never fails the operation.
    pub(super) fn forget_fingerprint(&self, id: &str) {
        let file = self.fingerprint_file();
        if file.path().exists() {
            let _ = file.forget(id);
        }
    }

    /// The fingerprints of every complete key, made where missing (one
    /// keychain read each; `progress(done, total)` after each), saved
    /// beside the catalog.
    pub fn scan_fingerprints(&self, mut progress: impl FnMut(usize, usize)) -> Result<ScanKeys> {
        let key = self
            .fingerprint_key(true)?
            .expect("made when missing (create is set)");
        let hasher = key.hasher();
        let check = hasher.key_check();
        let file = self.fingerprint_file();
        let stored = file.load()?;
        let mut set = if stored.key_check == check {
            stored.clone()
        } else {
            FingerprintSet {
                key_check: check,
                ..Default::default()
            }
        };
        let active: Vec<(String, String)> = self.catalog.read(|keys| {
            keys.iter()
                .filter(|k| k.state == KeyState::Active)
                .map(|k| (k.id.clone(), k.name.to_string()))
                .collect()
        })?;
        set.keys
            .retain(|id, _| active.iter().any(|(active_id, _)| active_id == id));
        let missing: Vec<&(String, String)> = active
            .iter()
            .filter(|(id, _)| !set.keys.contains_key(id))
            .collect();
        let mut unreadable = Vec::new();
        for (done, (id, name)) in missing.iter().enumerate() {
            match self.store.get(id) {
                Ok(secret) => {
                    set.keys.insert(id.clone(), hasher.fingerprint(&secret));
                }
                Err(e) => unreadable.push((name.clone(), e)),
            }
            progress(done + 1, missing.len());
        }
        if set != stored || !file.path().exists() {
            file.save(&set)?;
        }
        let keys = active
            .into_iter()
            .filter_map(|(id, name)| {
                let fingerprint = set.keys.get(&id)?.clone();
                Some((id, name, fingerprint))
            })
            .collect();
        Ok(ScanKeys {
            hasher,
            keys,
            unreadable,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::super::tests::{new_key, vault};
    use crate::fingerprint::{FILE, unhex};
    use crate::keychain::SecretStore;

    #[test]
    fn the_first_scan_fingerprints_existing_keys_and_later_keys_get_theirs_when_stored() {
        let (_dir, vault) = vault();
        let (a, secret_a) = vault.generate(new_key("a")).unwrap();
        let path = vault.catalog.dir().join(FILE);
        assert!(!path.exists(), "no fingerprints before scans are used");
        let mut seen = Vec::new();
        let scan = vault
            .scan_fingerprints(|done, total| seen.push((done, total)))
            .unwrap();
        assert_eq!(seen, [(1, 1)], "one keychain read for the one key");
        assert_eq!(scan.keys.len(), 1);
        assert_eq!(scan.keys[0].0, a.id);
        assert_eq!(
            unhex(&scan.keys[0].2.mac),
            Some(scan.hasher.mac(secret_a.expose().as_bytes()))
        );
        let text = std::fs::read_to_string(&path).unwrap();
        assert!(
            !text.contains(&secret_a.expose()[5..]),
            "no secret in the file"
        );

        // Stored after the first scan: fingerprinted at once, no read later.
        let (b, secret_b) = vault.generate(new_key("b")).unwrap();
        let mut reads = 0;
        let scan = vault.scan_fingerprints(|_, _| reads += 1).unwrap();
        assert_eq!(reads, 0, "b was fingerprinted when generated");
        let fp_b = &scan.keys.iter().find(|k| k.0 == b.id).unwrap().2;
        assert_eq!(
            unhex(&fp_b.mac),
            Some(scan.hasher.mac(secret_b.expose().as_bytes()))
        );

        // Deleted keys lose their fingerprint.
        vault.delete("a").unwrap();
        let scan = vault.scan_fingerprints(|_, _| {}).unwrap();
        assert_eq!(scan.keys.len(), 1);
        assert!(!std::fs::read_to_string(&path).unwrap().contains(&a.id));
    }

    #[test]
    fn fingerprints_of_a_replaced_fingerprint_key_are_made_again() {
        let (_dir, vault) = vault();
        let (_, secret) = vault.generate(new_key("a")).unwrap();
        vault.scan_fingerprints(|_, _| {}).unwrap();
        vault.store.remove(crate::fingerprint::KEY_ACCOUNT).unwrap();
        let mut reads = 0;
        let scan = vault.scan_fingerprints(|_, _| reads += 1).unwrap();
        assert_eq!(reads, 1, "made again with the new key");
        assert_eq!(
            unhex(&scan.keys[0].2.mac),
            Some(scan.hasher.mac(secret.expose().as_bytes()))
        );
    }
}
