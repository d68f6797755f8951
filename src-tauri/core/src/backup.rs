//! Encrypted files that carry keys off this computer: a whole backup
//! (`keyward backup` / `restore`) or one key handed to a colleague
//! (`keyward share` / `receive`).
//!
//! Promises:
//! - The cipher is age's (the `age` crate, format `age-encryption.org/v1`):
//!   a passphrase through age's scrypt recipient, or a colleague's age
//!   public key (X25519). Keyward adds no cryptography of its own, so any
//!   `age` tool can check a file (`age -d` prints its JSON).
//! - Inside is one JSON document ([`FORMAT`]): the format number, the
//!   Keyward version that wrote it, the keys (metadata and secret), the
//!   vendor profiles, and for a backup the audit log and the settings; for
//!   a share the expiry, who it was meant for and who sent it.
//! - Secrets leave Keyward's hands only into the encryptor: the JSON is
//!   written straight into age's stream, never into a plaintext buffer or
//!   file. Decrypted text is read into one buffer sized from the file
//!   ([`Zeroizing`], wiped when dropped, never grown), and secrets parsed
//!   from it are [`Secret`]s.
//! - A file is checked before anything is changed: larger than
//!   [`MAX_FILE_BYTES`] (refused from its size, without reading it), not an
//!   age file, the wrong passphrase, cut short, changed after it was
//!   written, from a newer Keyward, or a share past its expiry: each is a
//!   [`BackupError`] with a plain sentence, and the caller changes nothing.
//! - Proposed passphrases are words from the EFF long word list (7,776
//!   words, 12.9 bits each) drawn from the OS random source:
//!   [`BACKUP_WORDS`] words (77.5 bits) for a backup, [`SHARE_WORDS`]
//!   (64.6 bits, each guess costing a second of scrypt work, for a file
//!   that expires) for a share. A person's own passphrase is refused when
//!   zxcvbn rates it guessable in fewer than 10^12 tries.

use std::fs::File;
use std::io::{self, Read, Write};
use std::path::Path;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use zeroize::Zeroizing;

use crate::audit::AuditEntry;
use crate::record::KeyRecord;
use crate::secret::Secret;
use crate::settings::Settings;
use crate::vendor::VendorProfile;

mod flows;
mod passphrase;
pub mod reminder;

/// Reads the text of an [`AgeIdentity`] (`identity.to_string().expose_secret()`).
pub use age::secrecy::ExposeSecret;
/// A colleague's age public key (`age1…`) and an age identity
/// (`AGE-SECRET-KEY-1…`), parsed with `FromStr`.
pub use age::x25519::{Identity as AgeIdentity, Recipient as AgeRecipient};
pub use flows::{
    DEFAULT_SHARE_DAYS, MAX_SHARE_DAYS, SettingsRestore, ShareRequest, put_back, receive,
    save_backup, share,
};
pub use passphrase::{BACKUP_WORDS, SHARE_WORDS, check_strength, propose};

/// The format of the document inside the encryption. A file with a larger
/// number was written by a newer Keyward and is refused in words.
pub const FORMAT: u32 = 1;

/// The largest file Keyward opens (a 10,000-key backup with a long audit
/// log is a few MB).
pub const MAX_FILE_BYTES: u64 = 256 * 1024 * 1024;

/// The highest scrypt work factor accepted when opening a file (2^22:
/// about 4 GiB of memory-hard work at most; Keyward writes about 2^18).
const MAX_WORK_FACTOR: u8 = 22;

/// The scrypt work factor of files written by unit tests.
#[cfg(test)]
const TEST_WORK_FACTOR: u8 = 10;

/// What a file holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Kind {
    /// Every key, the audit log and the settings (`keyward backup`).
    Backup,
    /// One key for a colleague (`keyward share`).
    Share,
}

/// About a shared key: when it expires, who it is for, who sent it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ShareInfo {
    /// After this instant the file is refused.
    pub expires_at: DateTime<Utc>,
    /// Free text naming who it was meant for.
    #[serde(default)]
    pub recipient: Option<String>,
    /// The sender's account name.
    #[serde(default)]
    pub from_user: Option<String>,
    /// The sender's computer.
    #[serde(default)]
    pub from_computer: Option<String>,
}

/// One key as it goes into a file.
pub struct KeyOut<'a> {
    /// Its metadata.
    pub record: &'a KeyRecord,
    /// Its secret.
    pub secret: &'a Secret,
}

/// One key read from a file.
#[derive(Debug, Deserialize)]
pub struct KeyIn {
    /// Its metadata, as the sending Keyward had it.
    pub record: KeyRecord,
    /// Its secret.
    pub secret: Secret,
}

/// What goes into a file.
pub struct Contents<'a> {
    /// Backup or share.
    pub kind: Kind,
    /// When it was made.
    pub made_at: DateTime<Utc>,
    /// The keys.
    pub keys: Vec<KeyOut<'a>>,
    /// The vendor profiles the keys refer to (all of them for a backup).
    pub vendors: Vec<VendorProfile>,
    /// The audit log (backup only).
    pub audit: &'a [AuditEntry],
    /// The person's saved settings, if any (backup only).
    pub settings: Option<&'a Settings>,
    /// About a shared key.
    pub share: Option<&'a ShareInfo>,
}

/// What a file held, once decrypted and checked.
#[derive(Debug, Deserialize)]
pub struct Opened {
    /// The format number (at most [`FORMAT`]).
    pub format: u32,
    /// Backup or share.
    pub kind: Kind,
    /// The version of the Keyward that wrote it.
    pub keyward_version: String,
    /// When it was made.
    pub made_at: DateTime<Utc>,
    /// The keys.
    pub keys: Vec<KeyIn>,
    /// Vendor profiles.
    #[serde(default)]
    pub vendors: Vec<VendorProfile>,
    /// The audit log (backup).
    #[serde(default)]
    pub audit: Vec<AuditEntry>,
    /// Saved settings (backup).
    #[serde(default)]
    pub settings: Option<Settings>,
    /// About a shared key.
    #[serde(default)]
    pub share: Option<ShareInfo>,
}

/// How a file is locked.
pub enum Lock<'a> {
    /// With a passphrase (age's scrypt recipient).
    Passphrase(&'a Secret),
    /// To a colleague's age public key (`age1…`).
    AgeKey(&'a age::x25519::Recipient),
}

/// How a file is opened.
pub enum Unlock<'a> {
    /// With the passphrase it was saved with.
    Passphrase(&'a Secret),
    /// With the age identity (`AGE-SECRET-KEY-1…`) of the public key it was sent to.
    Identity(&'a age::x25519::Identity),
}

/// Why a file was not written or not opened. Each says what to do.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum BackupError {
    /// The passphrase does not open the file.
    #[error(
        "This passphrase does not open {file}. Check it word by word (the words are joined by hyphens) and try again. Nothing was changed."
    )]
    WrongPassphrase {
        /// The file, as given.
        file: String,
    },
    /// The file was locked to an age key this identity does not match.
    #[error(
        "{file} was locked to a different age key than the one given. Use the identity file of the public key it was sent to. Nothing was changed."
    )]
    WrongIdentity {
        /// The file, as given.
        file: String,
    },
    /// The file was locked to an age key, and only a passphrase was given.
    #[error(
        "{file} was locked to an age public key, not with a passphrase. Give the matching identity file with --identity FILE. Nothing was changed."
    )]
    NeedsIdentity {
        /// The file, as given.
        file: String,
    },
    /// Cut short, changed, or not a Keyward file at all.
    #[error("{file} {what}. Nothing was changed. Use another copy of the file.")]
    Damaged {
        /// The file, as given.
        file: String,
        /// What is wrong, as a predicate ("was cut short").
        what: String,
    },
    /// Written by a newer Keyward.
    #[error(
        "{file} was made by a newer Keyward ({version}, file format {format}); this Keyward ({ours}) reads format {FORMAT}. Update Keyward and open it again. Nothing was changed."
    )]
    TooNew {
        /// The file, as given.
        file: String,
        /// The writer's version.
        version: String,
        /// The file's format number.
        format: u32,
        /// This Keyward's version.
        ours: &'static str,
    },
    /// Far larger than any Keyward file.
    #[error(
        "{file} is {size}, far larger than any Keyward file (at most {MAX_MB} MB), so Keyward did not open it. Check that you chose the right file. Nothing was changed."
    )]
    TooLarge {
        /// The file, as given.
        file: String,
        /// Its size in words ("2.0 GB").
        size: String,
    },
    /// A backup given to `receive`, or a shared key given to `restore`.
    #[error("{file} is {is}, not {wanted}. {hint} Nothing was changed.")]
    WrongKind {
        /// The file, as given.
        file: String,
        /// What it is.
        is: &'static str,
        /// What was expected.
        wanted: &'static str,
        /// What to do instead.
        hint: &'static str,
    },
    /// A shared key past its expiry.
    #[error(
        "This shared key expired on {expired} (UTC), so Keyward did not add it. Ask the sender for a new file. Nothing was changed."
    )]
    Expired {
        /// When, RFC 3339.
        expired: String,
    },
    /// The file could not be read or written.
    #[error("Keyward could not {action} {file}: {source}.")]
    Io {
        /// What it tried.
        action: &'static str,
        /// The file.
        file: String,
        /// Why.
        source: io::Error,
    },
}

const MAX_MB: u64 = MAX_FILE_BYTES / (1024 * 1024);

impl BackupError {
    /// The stable code for scripts and the window.
    pub fn code(&self) -> crate::Code {
        use crate::Code;
        match self {
            Self::WrongPassphrase { .. } | Self::WrongIdentity { .. } => Code::WrongPassphrase,
            Self::NeedsIdentity { .. } | Self::WrongKind { .. } => Code::InvalidInput,
            Self::Damaged { .. } | Self::TooNew { .. } | Self::TooLarge { .. } => {
                Code::BackupUnreadable
            }
            Self::Expired { .. } => Code::ShareExpired,
            Self::Io { .. } => Code::Io,
        }
    }
}

/// Encrypts `contents` under `lock`. The JSON goes straight into age's
/// stream; only ciphertext is returned.
pub fn seal(contents: &Contents<'_>, lock: &Lock<'_>) -> Result<Vec<u8>, BackupError> {
    Sealer::new(lock)?.seal(contents)
}

/// A file's encryption, made ready before its contents are known: with a
/// passphrase, making it is the scrypt work (about a second or two by
/// age's tuning, whatever the file holds), so a backup starts it while it
/// reads the keychain ([`Sealer::start`]).
pub struct Sealer(age::Encryptor);

impl Sealer {
    /// Makes the encryption under `lock` now (with a passphrase: the scrypt work).
    pub fn new(lock: &Lock<'_>) -> Result<Self, BackupError> {
        let encryptor = match lock {
            Lock::Passphrase(passphrase) => {
                #[cfg_attr(not(test), expect(unused_mut, reason = "tests lower the work"))]
                let mut recipient = age::scrypt::Recipient::new(age::secrecy::SecretString::from(
                    passphrase.expose().to_owned(),
                ));
                // Unit tests share one process, whose peak memory another test
                // measures: scrypt's usual 2^18 would take 256 MiB per file.
                #[cfg(test)]
                recipient.set_work_factor(TEST_WORK_FACTOR);
                age::Encryptor::with_recipients(std::iter::once(&recipient as &dyn age::Recipient))
            }
            Lock::AgeKey(recipient) => {
                age::Encryptor::with_recipients(std::iter::once(*recipient as &dyn age::Recipient))
            }
        };
        encryptor
            .map(Self)
            .map_err(|e| seal_error(io::Error::other(e.to_string())))
    }

    /// Starts making the encryption under `lock` on a thread of its own and
    /// returns at once; [`Started::ready`] waits for it. An age key needs no
    /// work and is made here.
    pub fn start(lock: &Lock<'_>) -> Started {
        match lock {
            Lock::Passphrase(passphrase) => {
                let passphrase = (*passphrase).clone();
                match std::thread::Builder::new()
                    .name("backup-seal".into())
                    .spawn(move || Self::new(&Lock::Passphrase(&passphrase)))
                {
                    Ok(handle) => Started::Making(handle),
                    // No thread to be had: the work is done here instead.
                    Err(_) => Started::Made(Self::new(lock)),
                }
            }
            Lock::AgeKey(_) => Started::Made(Self::new(lock)),
        }
    }

    /// Encrypts `contents`: the JSON goes straight into age's stream; only
    /// ciphertext is returned.
    pub fn seal(self, contents: &Contents<'_>) -> Result<Vec<u8>, BackupError> {
        let estimate = contents.keys.len() * 700 + contents.audit.len() * 250 + 4096;
        let mut sealed = Vec::with_capacity(estimate);
        let mut stream = self.0.wrap_output(&mut sealed).map_err(seal_error)?;
        {
            let mut buffered = io::BufWriter::with_capacity(64 * 1024, &mut stream);
            serde_json::to_writer(&mut buffered, &Document::of(contents))
                .map_err(|e| seal_error(io::Error::other(e)))?;
            buffered.flush().map_err(seal_error)?;
        }
        stream.finish().map_err(seal_error)?;
        Ok(sealed)
    }
}

/// A [`Sealer`] being made (see [`Sealer::start`]).
pub enum Started {
    /// Made already (an age key, or no thread to be had).
    Made(Result<Sealer, BackupError>),
    /// Being made on its own thread.
    Making(std::thread::JoinHandle<Result<Sealer, BackupError>>),
}

impl Started {
    /// The sealer, once made.
    pub fn ready(self) -> Result<Sealer, BackupError> {
        match self {
            Self::Made(made) => made,
            Self::Making(handle) => handle.join().unwrap_or_else(|_| {
                Err(seal_error(io::Error::other(
                    "the encryption stopped unexpectedly",
                )))
            }),
        }
    }
}

fn seal_error(source: io::Error) -> BackupError {
    BackupError::Io {
        action: "encrypt",
        file: "the file".into(),
        source,
    }
}

/// Encrypts any JSON `document` with `passphrase` as Keyward's files are
/// encrypted, for tests that need a file no Keyward writes (a shared key
/// past its expiry, a newer format).
#[cfg(any(test, feature = "test-support"))]
pub fn seal_document_for_tests(document: &serde_json::Value, passphrase: &Secret) -> Vec<u8> {
    let recipient = age::scrypt::Recipient::new(age::secrecy::SecretString::from(
        passphrase.expose().to_owned(),
    ));
    let encryptor =
        age::Encryptor::with_recipients(std::iter::once(&recipient as &dyn age::Recipient))
            .expect("one scrypt recipient is always accepted");
    let mut sealed = Vec::new();
    let mut stream = encryptor
        .wrap_output(&mut sealed)
        .expect("writing to memory cannot fail");
    serde_json::to_writer(&mut stream, document).expect("writing to memory cannot fail");
    stream.finish().expect("writing to memory cannot fail");
    sealed
}

/// Whether the file at `path` is locked with a passphrase (else to an age
/// key). Reads only its header.
pub fn needs_passphrase(path: &Path) -> Result<bool, BackupError> {
    let file = open_checked(path)?;
    let decryptor = age::Decryptor::new_buffered(io::BufReader::new(file))
        .map_err(|e| decrypt_error(path, e))?;
    Ok(decryptor.is_scrypt())
}

/// Opens the file at `path` with `unlock` and checks it is a Keyward file
/// of a format this Keyward reads. Changes nothing.
pub fn open(path: &Path, unlock: &Unlock<'_>) -> Result<Opened, BackupError> {
    let shown = path.display().to_string();
    let file = open_checked(path)?;
    let size = file.metadata().map(|m| m.len()).unwrap_or(0);
    let decryptor = age::Decryptor::new_buffered(io::BufReader::new(file))
        .map_err(|e| decrypt_error(path, e))?;
    let reader = match unlock {
        Unlock::Passphrase(passphrase) => {
            if !decryptor.is_scrypt() {
                return Err(BackupError::NeedsIdentity { file: shown });
            }
            let mut identity = age::scrypt::Identity::new(age::secrecy::SecretString::from(
                passphrase.expose().to_owned(),
            ));
            identity.set_max_work_factor(MAX_WORK_FACTOR);
            decryptor.decrypt(std::iter::once(&identity as &dyn age::Identity))
        }
        Unlock::Identity(identity) => {
            decryptor.decrypt(std::iter::once(*identity as &dyn age::Identity))
        }
    }
    .map_err(|e| match (e, unlock) {
        (
            age::DecryptError::DecryptionFailed | age::DecryptError::KeyDecryptionFailed,
            Unlock::Passphrase(_),
        ) => BackupError::WrongPassphrase {
            file: shown.clone(),
        },
        (age::DecryptError::NoMatchingKeys, Unlock::Identity(_)) => BackupError::WrongIdentity {
            file: shown.clone(),
        },
        (e, _) => decrypt_error(path, e),
    })?;
    // The plaintext is never longer than the ciphertext: one buffer of
    // that size is never grown (so never copied), and is wiped on drop.
    let capacity = usize::try_from(size).unwrap_or(0);
    let mut plain = Zeroizing::new(Vec::with_capacity(capacity));
    reader
        .take(MAX_FILE_BYTES)
        .read_to_end(&mut plain)
        .map_err(|e| damaged_stream(path, &e))?;
    parse(path, &plain)
}

/// Checks the format number first, so a newer file is refused in words
/// even when its keys no longer read as this version's.
fn parse(path: &Path, plain: &[u8]) -> Result<Opened, BackupError> {
    #[derive(Deserialize)]
    struct Header {
        format: u32,
        #[serde(default)]
        keyward_version: String,
    }
    let not_keyward = || BackupError::Damaged {
        file: path.display().to_string(),
        what: "opened with this passphrase but is not a Keyward file".into(),
    };
    let header: Header = serde_json::from_slice(plain).map_err(|_| not_keyward())?;
    if header.format > FORMAT {
        return Err(BackupError::TooNew {
            file: path.display().to_string(),
            version: header.keyward_version.chars().take(40).collect(),
            format: header.format,
            ours: env!("CARGO_PKG_VERSION"),
        });
    }
    serde_json::from_slice(plain).map_err(|_| not_keyward())
}

/// Opens `path` for reading: a regular file (not a device or a fifo, which
/// could be endless) no larger than [`MAX_FILE_BYTES`].
fn open_checked(path: &Path) -> Result<File, BackupError> {
    let shown = path.display().to_string();
    let file = File::open(path).map_err(|source| BackupError::Io {
        action: "open",
        file: shown.clone(),
        source,
    })?;
    let meta = file.metadata().map_err(|source| BackupError::Io {
        action: "check",
        file: shown.clone(),
        source,
    })?;
    if !meta.is_file() {
        return Err(BackupError::Damaged {
            file: shown,
            what: "is not a regular file (a folder, a device or a pipe)".into(),
        });
    }
    if meta.len() > MAX_FILE_BYTES {
        return Err(BackupError::TooLarge {
            file: shown,
            size: size_words(meta.len()),
        });
    }
    Ok(file)
}

/// "2.0 GB", "300 MB".
fn size_words(bytes: u64) -> String {
    const GB: u64 = 1000 * 1000 * 1000;
    if bytes >= GB {
        format!("{:.1} GB", bytes as f64 / GB as f64)
    } else {
        format!("{} MB", bytes / (1000 * 1000))
    }
}

/// A header that age refused, in words.
fn decrypt_error(path: &Path, error: age::DecryptError) -> BackupError {
    let file = path.display().to_string();
    let what = match error {
        age::DecryptError::Io(e) if e.kind() == io::ErrorKind::UnexpectedEof => {
            "was cut short (it ends inside its header)".into()
        }
        age::DecryptError::InvalidHeader | age::DecryptError::Io(_) => {
            "is not a Keyward file (it does not start as an encrypted age file does)".into()
        }
        age::DecryptError::UnknownFormat => {
            "is an encrypted file in a format this Keyward does not know".into()
        }
        age::DecryptError::InvalidMac => {
            "was changed after it was saved (its header does not match its check)".into()
        }
        age::DecryptError::ExcessiveWork { required, .. } => format!(
            "asks for far more passphrase work (2^{required}) than a Keyward file does, so Keyward did not try it"
        ),
        age::DecryptError::NoMatchingKeys => {
            "was locked to someone else's age key, not with a passphrase".into()
        }
        other => format!("could not be opened ({other})"),
    };
    BackupError::Damaged { file, what }
}

/// A failure while reading the encrypted body, in words.
fn damaged_stream(path: &Path, error: &io::Error) -> BackupError {
    let what = match error.kind() {
        io::ErrorKind::UnexpectedEof => "was cut short (its end is missing)",
        io::ErrorKind::InvalidData => {
            "was changed after it was saved or cut short (a part fails its check)"
        }
        _ => "could not be read to the end",
    };
    BackupError::Damaged {
        file: path.display().to_string(),
        what: what.into(),
    }
}

/// The JSON written into the encryption (borrowed; see [`Opened`] for reading).
#[derive(Serialize)]
struct Document<'a> {
    format: u32,
    kind: Kind,
    keyward_version: &'static str,
    made_at: DateTime<Utc>,
    keys: Vec<KeyDocument<'a>>,
    vendors: &'a [VendorProfile],
    audit: &'a [AuditEntry],
    #[serde(skip_serializing_if = "Option::is_none")]
    settings: Option<&'a Settings>,
    #[serde(skip_serializing_if = "Option::is_none")]
    share: Option<&'a ShareInfo>,
}

#[derive(Serialize)]
struct KeyDocument<'a> {
    record: &'a KeyRecord,
    /// The one place a secret is serialized: into age's encrypting stream.
    secret: &'a str,
}

impl<'a> Document<'a> {
    fn of(contents: &'a Contents<'a>) -> Self {
        Self {
            format: FORMAT,
            kind: contents.kind,
            keyward_version: env!("CARGO_PKG_VERSION"),
            made_at: contents.made_at,
            keys: contents
                .keys
                .iter()
                .map(|k| KeyDocument {
                    record: k.record,
                    secret: k.secret.expose(),
                })
                .collect(),
            vendors: &contents.vendors,
            audit: contents.audit,
            settings: contents.settings,
            share: contents.share,
        }
    }
}

/// Writes `sealed` to `path` as a new private file (0600), atomically,
/// never through a link or another user's file.
pub fn write(path: &Path, sealed: &[u8]) -> Result<(), crate::Error> {
    crate::private_files::write_atomically(path, sealed)?;
    Ok(())
}

impl Opened {
    /// Refuses a file that is not of `wanted` kind.
    pub fn expect(self, path: &Path, wanted: Kind) -> Result<Self, BackupError> {
        if self.kind == wanted {
            return Ok(self);
        }
        let file = path.display().to_string();
        Err(match wanted {
            Kind::Backup => BackupError::WrongKind {
                file,
                is: "one shared key",
                wanted: "a backup",
                hint: "Add it with `keyward receive` (in the window: Add from a shared file).",
            },
            Kind::Share => BackupError::WrongKind {
                file,
                is: "a whole backup",
                wanted: "one shared key",
                hint: "Put it back with `keyward restore` (in the window: Settings → Backup).",
            },
        })
    }

    /// Refuses a shared key past its expiry at `now`.
    pub fn check_expiry(&self, now: DateTime<Utc>) -> Result<(), BackupError> {
        match &self.share {
            Some(share) if share.expires_at <= now => Err(BackupError::Expired {
                expired: share
                    .expires_at
                    .to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
            }),
            Some(_) => Ok(()),
            None => Err(BackupError::Damaged {
                file: "This shared key".into(),
                what: "has no expiry date inside".into(),
            }),
        }
    }
}

#[cfg(test)]
mod tests;
