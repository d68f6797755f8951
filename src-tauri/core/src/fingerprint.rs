//! Fingerprints of the secrets Keyward keeps, so the leak scanner can find
//! them without holding them.
//!
//! Promises:
//! - A fingerprint is a keyed hash (HMAC-SHA-256) of the secret with a
//!   per-install key, plus what the scanner needs to find candidates fast:
//!   the secret's length in bytes, its known prefix (Keyward's `kwsk_`,
//!   vendors' `sk_live_`, `ghp_`, `xoxb-`, `AKIA`…) and which kinds of
//!   characters it has (lower case, upper case, digits, others). Without
//!   the key a fingerprint tells nothing more about the secret.
//! - The per-install key lives in the keychain only (account
//!   [`KEY_ACCOUNT`]), never in a file.
//! - Fingerprints are kept in `fingerprints.json` beside the catalog, a
//!   private (0600) file written atomically ([`crate::private_files`]).
//!   The file names the key it was made with (a check value, itself a keyed
//!   hash), so fingerprints made with another key (the keychain's item was
//!   replaced) are never used: they are made again.
//! - Losing the file loses nothing: a missing fingerprint is made again from
//!   the keychain on the next scan (one keychain read per key).

use std::collections::BTreeMap;
use std::io::Read;
use std::path::{Path, PathBuf};

use hmac::{Hmac, KeyInit, Mac};
use serde::{Deserialize, Serialize};
use sha2::Sha256;
use zeroize::Zeroizing;

use crate::catalog::CatalogError;
use crate::generate::RandomSourceFailed;
use crate::private_files::{open_read, write_atomically};
use crate::secret::Secret;

/// Keychain account of the per-install fingerprint key (a setting, so
/// never reported as an orphan).
pub const KEY_ACCOUNT: &str = "setting:leak-scan-fingerprint-key";

/// The fingerprint file's name in the data folder.
pub const FILE: &str = "fingerprints.json";

/// Prefixes that mark a secret's kind, longest first where one starts
/// another (`sk-ant-` before `sk-`). Keyward's own comes first.
pub const KNOWN_PREFIXES: &[&str] = &[
    crate::generate::SECRET_PREFIX,
    "sk_live_",
    "sk_test_",
    "rk_live_",
    "rk_test_",
    "whsec_",
    "github_pat_",
    "ghp_",
    "gho_",
    "ghu_",
    "ghs_",
    "ghr_",
    "glpat-",
    "xoxb-",
    "xoxp-",
    "xoxa-",
    "xoxs-",
    "xapp-",
    "AKIA",
    "ASIA",
    "AIza",
    "sk-ant-",
    "sk-proj-",
    "sk-",
    "hf_",
    "npm_",
    "pypi-",
    "SG.",
    "shpat_",
    "shpss_",
    "dop_v1_",
];

/// The known prefix `secret` starts with (the longest), if any.
pub fn known_prefix(secret: &[u8]) -> Option<&'static str> {
    KNOWN_PREFIXES
        .iter()
        .filter(|p| secret.starts_with(p.as_bytes()))
        .max_by_key(|p| p.len())
        .copied()
}

/// Which kinds of characters `bytes` holds: 1 lower case, 2 upper case,
/// 4 digits, 8 anything else.
pub fn classes(bytes: &[u8]) -> u8 {
    bytes.iter().fold(0, |mask, &b| mask | class(b))
}

/// The kind of one byte (see [`classes`]).
#[inline]
pub fn class(b: u8) -> u8 {
    match b {
        b'a'..=b'z' => 1,
        b'A'..=b'Z' => 2,
        b'0'..=b'9' => 4,
        _ => 8,
    }
}

/// The per-install key for fingerprints. Wiped from memory when dropped;
/// never printed.
pub struct FingerprintKey(Zeroizing<[u8; 32]>);

impl std::fmt::Debug for FingerprintKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("FingerprintKey(<redacted>)")
    }
}

impl FingerprintKey {
    /// A new key from the operating system's random source.
    pub fn generate() -> Result<Self, RandomSourceFailed> {
        let mut key = Zeroizing::new([0u8; 32]);
        getrandom::fill(key.as_mut_slice()).map_err(|_| RandomSourceFailed)?;
        Ok(Self(key))
    }

    /// The key as kept in the keychain (64 hex characters).
    pub fn to_secret(&self) -> Secret {
        let mut text = String::with_capacity(64);
        for b in self.0.iter() {
            text.push_str(&format!("{b:02x}"));
        }
        Secret::new(text)
    }

    /// The key read back from the keychain; `None` when it is not one.
    pub fn from_secret(secret: &Secret) -> Option<Self> {
        let text = secret.expose().as_bytes();
        if text.len() != 64 {
            return None;
        }
        let mut key = Zeroizing::new([0u8; 32]);
        for (i, pair) in text.chunks(2).enumerate() {
            let hex = std::str::from_utf8(pair).ok()?;
            key[i] = u8::from_str_radix(hex, 16).ok()?;
        }
        Some(Self(key))
    }

    /// A hasher keyed with this key.
    pub fn hasher(&self) -> Hasher {
        // HMAC takes keys of any length: this cannot fail.
        Hasher(Hmac::<Sha256>::new_from_slice(self.0.as_slice()).expect("HMAC takes any key"))
    }
}

/// HMAC-SHA-256 with the per-install key, keyed once and cloned per hash.
#[derive(Clone)]
pub struct Hasher(Hmac<Sha256>);

impl Hasher {
    /// The keyed hash of `bytes`.
    pub fn mac(&self, bytes: &[u8]) -> [u8; 32] {
        let mut mac = self.0.clone();
        mac.update(bytes);
        mac.finalize().into_bytes().into()
    }

    /// Names the key in the fingerprint file (a keyed hash of a fixed text).
    pub fn key_check(&self) -> String {
        hex(&self.mac(b"keyward fingerprint key check v1"))
    }

    /// The fingerprint of `secret`.
    pub fn fingerprint(&self, secret: &Secret) -> Fingerprint {
        let bytes = secret.expose().as_bytes();
        Fingerprint {
            mac: hex(&self.mac(bytes)),
            len: bytes.len(),
            prefix: known_prefix(bytes).map(str::to_owned),
            classes: classes(bytes),
        }
    }
}

/// Lower-case hex of `bytes`.
pub fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// The 32 bytes of a hex keyed hash; `None` when it is not one.
pub fn unhex(text: &str) -> Option<[u8; 32]> {
    let text = text.as_bytes();
    if text.len() != 64 {
        return None;
    }
    let mut out = [0u8; 32];
    for (i, pair) in text.chunks(2).enumerate() {
        out[i] = u8::from_str_radix(std::str::from_utf8(pair).ok()?, 16).ok()?;
    }
    Some(out)
}

/// What the scanner knows of one secret.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Fingerprint {
    /// HMAC-SHA-256 of the secret, hex.
    pub mac: String,
    /// Length in bytes.
    pub len: usize,
    /// Its known prefix, if it has one.
    pub prefix: Option<String>,
    /// Which kinds of characters it has (see [`classes`]).
    pub classes: u8,
}

/// The content of `fingerprints.json`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct FingerprintSet {
    /// The check value of the key these were made with ([`Hasher::key_check`]).
    pub key_check: String,
    /// By key id.
    pub keys: BTreeMap<String, Fingerprint>,
}

/// The fingerprint file beside the catalog.
#[derive(Debug, Clone)]
pub struct FingerprintFile {
    path: PathBuf,
}

impl FingerprintFile {
    /// The file in the data folder `dir`.
    pub fn in_dir(dir: &Path) -> Self {
        Self {
            path: dir.join(FILE),
        }
    }

    /// Its path.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// What the file holds; an empty set when it is missing or damaged
    /// (fingerprints are made again from the keychain, nothing is lost).
    pub fn load(&self) -> Result<FingerprintSet, CatalogError> {
        let Some(mut file) = open_read(&self.path)? else {
            return Ok(FingerprintSet::default());
        };
        let mut text = String::new();
        file.read_to_string(&mut text)
            .map_err(crate::private_files::FileError::io("read", &self.path))?;
        Ok(serde_json::from_str(&text).unwrap_or_default())
    }

    /// Replaces the file with `set` (atomically, 0600).
    pub fn save(&self, set: &FingerprintSet) -> Result<(), CatalogError> {
        // A map of strings and numbers always serializes.
        let text = serde_json::to_vec(set).expect("fingerprints serialize");
        write_atomically(&self.path, &text).map_err(CatalogError::from)
    }

    /// Adds each `(id, fingerprint)` (made with the key whose check value is
    /// `key_check`) in one write; fingerprints made with another key are
    /// dropped.
    pub fn remember_all<'a>(
        &self,
        key_check: &str,
        fingerprints: impl IntoIterator<Item = (&'a str, Fingerprint)>,
    ) -> Result<(), CatalogError> {
        let mut set = self.load()?;
        if set.key_check != key_check {
            set = FingerprintSet {
                key_check: key_check.to_owned(),
                keys: BTreeMap::new(),
            };
        }
        for (id, fingerprint) in fingerprints {
            set.keys.insert(id.to_owned(), fingerprint);
        }
        self.save(&set)
    }

    /// Drops the fingerprint of key `id`, if there is one.
    pub fn forget(&self, id: &str) -> Result<(), CatalogError> {
        let mut set = self.load()?;
        if set.keys.remove(id).is_some() {
            self.save(&set)?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_key_survives_the_keychain_and_hashes_the_same() {
        let key = FingerprintKey::generate().unwrap();
        let again = FingerprintKey::from_secret(&key.to_secret()).unwrap();
        assert_eq!(key.hasher().mac(b"abc"), again.hasher().mac(b"abc"));
        let other = FingerprintKey::generate().unwrap();
        assert_ne!(key.hasher().mac(b"abc"), other.hasher().mac(b"abc"));
        assert!(FingerprintKey::from_secret(&Secret::new("zz".into())).is_none());
        assert_eq!(format!("{key:?}"), "FingerprintKey(<redacted>)");
    }

    #[test]
    fn a_fingerprint_has_the_length_prefix_and_classes_but_not_the_secret() {
        let hasher = FingerprintKey::generate().unwrap().hasher();
        let secret = Secret::new("sk_live_Abc123".into());
        let fp = hasher.fingerprint(&secret);
        assert_eq!(fp.len, 14);
        assert_eq!(fp.prefix.as_deref(), Some("sk_live_"));
        assert_eq!(fp.classes, 1 | 2 | 4 | 8);
        assert!(!serde_json::to_string(&fp).unwrap().contains("Abc123"));
        assert_eq!(unhex(&fp.mac), Some(hasher.mac(b"sk_live_Abc123")));
        let plain = hasher.fingerprint(&Secret::new("0123abcd".into()));
        assert_eq!(plain.prefix, None);
        assert_eq!(plain.classes, 1 | 4);
        assert_eq!(known_prefix(b"sk-ant-xyz"), Some("sk-ant-"));
    }

    #[test]
    fn the_file_is_private_and_drops_fingerprints_of_another_key() {
        let dir = tempfile::tempdir().unwrap();
        let file = FingerprintFile::in_dir(dir.path());
        assert_eq!(file.load().unwrap(), FingerprintSet::default());
        let hasher = FingerprintKey::generate().unwrap().hasher();
        let fp = hasher.fingerprint(&Secret::new("secret-one".into()));
        file.remember_all(&hasher.key_check(), [("a", fp.clone())])
            .unwrap();
        file.remember_all(&hasher.key_check(), [("b", fp.clone())])
            .unwrap();
        assert_eq!(file.load().unwrap().keys.len(), 2);
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(file.path()).unwrap().permissions().mode();
            assert_eq!(mode & 0o777, 0o600);
        }
        file.forget("a").unwrap();
        assert_eq!(file.load().unwrap().keys.len(), 1);
        let other = FingerprintKey::generate().unwrap().hasher();
        file.remember_all(&other.key_check(), [("c", fp)]).unwrap();
        let set = file.load().unwrap();
        assert_eq!(set.keys.keys().collect::<Vec<_>>(), ["c"]);
        std::fs::write(file.path(), "not json").unwrap();
        assert!(file.load().unwrap().keys.is_empty());
    }
}
