//! The core's error: one enum the CLI and the window can act on.

use crate::catalog::CatalogError;
use crate::generate::RandomSourceFailed;
use crate::keychain::KeychainError;
use crate::naming::NameError;

/// Anything a Keyward operation can fail with. `Display` is a sentence for
/// people; [`Error::code`] is a stable code for scripts and the UI.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// Something typed was not acceptable.
    #[error(transparent)]
    InvalidInput(#[from] NameError),
    /// Another input problem, described in the message.
    #[error("{0}")]
    Invalid(String),
    /// The name is already used by another key.
    #[error(
        "A key named \"{0}\" already exists. Choose another name (keys made in the same minute get the same suggested name)."
    )]
    NameTaken(String),
    /// No key has that name or id.
    #[error("There is no key called \"{0}\". Run `keyward list` to see the names.")]
    NotFound(String),
    /// The keychain failed.
    #[error(transparent)]
    Keychain(#[from] KeychainError),
    /// The catalog file could not be used.
    #[error(transparent)]
    Catalog(#[from] CatalogError),
    /// A file or folder could not be used (see [`crate::private_files`]).
    #[error(transparent)]
    File(#[from] crate::private_files::FileError),
    /// The random source failed.
    #[error(transparent)]
    Random(#[from] RandomSourceFailed),
    /// Another key already has this credential ID.
    #[error(
        "The key \"{0}\" already has this credential ID, so Keyward did not record it again. A credential ID belongs to one key: open \"{0}\" instead, or check that you pasted the ID of the new key."
    )]
    CredentialIdTaken(String),
    /// What was typed names more than one key.
    #[error(
        "\"{query}\" could mean {} keys, so Keyward did nothing: {}. Say which one you mean with its name or its id (both work).",
        count_words(candidates.len()),
        candidates.join("; ")
    )]
    Ambiguous {
        /// What was typed.
        query: String,
        /// Each candidate described in words (how it matched, name and id).
        candidates: Vec<String>,
    },
    /// The key's vendor has no dashboard address.
    #[error(
        "Keyward does not know the dashboard address of {0}. Add it to the vendor's profile (the address where its keys are made and revoked), or open the dashboard yourself."
    )]
    NoDashboard(String),
    /// Another Keyward is in the middle of changing this key.
    #[error(
        "Another Keyward window or command is changing the key \"{0}\" right now. Wait a moment and try again."
    )]
    Busy(String),
    /// An import's file could not be used (missing, a link, damaged, the wrong format).
    #[error(transparent)]
    Import(#[from] crate::import::ImportError),
    /// An encrypted backup or shared key could not be written or opened.
    #[error(transparent)]
    Backup(#[from] crate::backup::BackupError),
    /// The person cancelled a long operation before it finished.
    #[error("Cancelled. Nothing was written.")]
    Cancelled,
}

impl Error {
    /// The stable [`Code`] scripts and the window act on.
    pub fn code(&self) -> Code {
        match self {
            Self::InvalidInput(_) | Self::Invalid(_) => Code::InvalidInput,
            Self::NameTaken(_) => Code::NameTaken,
            Self::NotFound(_) => Code::NotFound,
            Self::Keychain(e) => e.code(),
            Self::File(e) | Self::Catalog(CatalogError::File(e)) => e.code(),
            Self::Catalog(_) => Code::CatalogUnreadable,
            Self::Random(_) => Code::Rng,
            Self::Busy(_) => Code::Busy,
            Self::CredentialIdTaken(_) => Code::CredentialIdTaken,
            Self::Ambiguous { .. } => Code::AmbiguousKey,
            Self::NoDashboard(_) => Code::NoDashboard,
            Self::Import(e) => e.code(),
            Self::Backup(e) => e.code(),
            Self::Cancelled => Code::Cancelled,
        }
    }
}

/// Declares [`Code`] and [`Code::ALL`] from one list, so no code can be
/// missing from the list (the wire name is written once, beside its variant).
macro_rules! codes {
    ($($(#[doc = $doc:literal])* $variant:ident = $name:literal,)*) => {
        /// Every error code Keyward sends: what the CLI prints in `--json`
        /// and what the window receives in an `IpcError`. Serialized as its
        /// snake_case name; the window's TypeScript type is generated from it.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize, ts_rs::TS)]
        pub enum Code {
            $($(#[doc = $doc])* #[serde(rename = $name)] $variant,)*
        }

        impl Code {
            /// Every code, in declaration order.
            pub const ALL: &[Code] = &[$(Code::$variant),*];

            /// The code's wire name, such as `not_found`.
            pub const fn as_str(self) -> &'static str {
                match self {
                    $(Code::$variant => $name,)*
                }
            }
        }
    };
}

codes! {
    /// Something typed was not acceptable (the message says what).
    InvalidInput = "invalid_input",
    /// The name is already used by another key.
    NameTaken = "name_taken",
    /// No key has that name or id (or the keychain has no secret for it).
    NotFound = "not_found",
    /// The keychain is locked.
    KeychainLocked = "keychain_locked",
    /// No keychain service answers.
    KeychainUnavailable = "keychain_unavailable",
    /// The keychain did not answer in time.
    KeychainTimeout = "keychain_timeout",
    /// The keychain refused Keyward.
    KeychainDenied = "keychain_denied",
    /// Anything else the keychain reported.
    KeychainError = "keychain_error",
    /// The keychain has no default keyring to save into.
    KeychainNoDefault = "keychain_no_default",
    /// The keychain's request was cancelled.
    KeychainCancelled = "keychain_cancelled",
    /// The keychain needs the person but could not ask.
    KeychainCannotAsk = "keychain_cannot_ask",
    /// The catalog could not be read (it is kept as it is).
    CatalogUnreadable = "catalog_unreadable",
    /// A file could not be read or written.
    Io = "io",
    /// A file or folder refused as it is: the message says what to do.
    UnsafeFile = "unsafe_file",
    /// The random source failed.
    Rng = "rng",
    /// Another Keyward is changing this key (or a leak check runs).
    Busy = "busy",
    /// Another key has this credential ID (the message names it).
    CredentialIdTaken = "credential_id_taken",
    /// What was typed names more than one key (the message lists them).
    AmbiguousKey = "ambiguous_key",
    /// The vendor has no dashboard address.
    NoDashboard = "no_dashboard",
    /// The window's clipboard could not be used.
    Clipboard = "clipboard",
    /// Something went wrong inside the window's back end.
    Internal = "internal",
    /// The team vault could not be used (the message says whether the
    /// address, the certificate, the login or the vault's policy).
    TeamVault = "team_vault",
    /// A colleague changed a shared key in the team vault first
    /// (check-and-set): nothing was overwritten.
    TeamConflict = "team_conflict",
    /// The passphrase (or age identity) does not open the file.
    WrongPassphrase = "wrong_passphrase",
    /// A backup or shared file is damaged, too large, or from a newer Keyward.
    BackupUnreadable = "backup_unreadable",
    /// A shared key's file is past its expiry.
    ShareExpired = "share_expired",
    /// The person cancelled a long operation.
    Cancelled = "cancelled",
    /// The team report is for security leads: this login may not read
    /// every desktop's inventory (a staff member's, as the policy says).
    TeamNotLead = "team_not_lead",
    /// The team vault's policy grants this login no shared keys (it may not
    /// list them): the policy working, not a fault.
    TeamSharedNotGranted = "team_shared_not_granted",
}

impl std::fmt::Display for Code {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Lets tests and scripts compare a code with its wire name.
impl PartialEq<&str> for Code {
    fn eq(&self, other: &&str) -> bool {
        self.as_str() == *other
    }
}

/// "two", "three", … for small counts, digits beyond.
fn count_words(n: usize) -> String {
    const WORDS: [&str; 9] = [
        "no", "one", "two", "three", "four", "five", "six", "seven", "eight",
    ];
    WORDS
        .get(n)
        .map_or_else(|| n.to_string(), |w| (*w).to_owned())
}

/// Result with the core's error.
pub type Result<T, E = Error> = std::result::Result<T, E>;

#[cfg(test)]
mod tests {
    use super::*;
    use crate::keychain::KeychainError;
    use crate::private_files::FileError;

    #[test]
    fn every_code_crosses_as_its_wire_name() {
        for code in Code::ALL {
            assert_eq!(
                serde_json::to_value(code).unwrap(),
                code.as_str(),
                "serde and as_str must agree"
            );
            let back: Code = serde_json::from_value(code.as_str().into()).unwrap();
            assert_eq!(back, *code);
        }
        let mut names: Vec<&str> = Code::ALL.iter().map(|c| c.as_str()).collect();
        names.sort_unstable();
        names.dedup();
        assert_eq!(names.len(), Code::ALL.len(), "every wire name is distinct");
    }

    #[test]
    fn errors_carry_their_codes() {
        let cases = [
            (Error::Invalid("x".into()), "invalid_input"),
            (Error::NameTaken("x".into()), "name_taken"),
            (Error::NotFound("x".into()), "not_found"),
            (Error::Keychain(KeychainError::Locked), "keychain_locked"),
            (
                Error::Keychain(KeychainError::Unavailable { detail: "x".into() }),
                "keychain_unavailable",
            ),
            (
                Error::Keychain(KeychainError::TimedOut { seconds: 1 }),
                "keychain_timeout",
            ),
            (Error::Keychain(KeychainError::Denied), "keychain_denied"),
            (Error::Keychain(KeychainError::NotFound), "not_found"),
            (
                Error::Keychain(KeychainError::NoDefaultKeyring),
                "keychain_no_default",
            ),
            (
                Error::Keychain(KeychainError::Cancelled),
                "keychain_cancelled",
            ),
            (
                Error::Keychain(KeychainError::CannotAsk),
                "keychain_cannot_ask",
            ),
            (
                Error::Keychain(KeychainError::Other { detail: "x".into() }),
                "keychain_error",
            ),
            (
                Error::Catalog(CatalogError::TooNew { path: "x".into() }),
                "catalog_unreadable",
            ),
            (
                Error::Catalog(CatalogError::File(FileError::Io {
                    action: "read",
                    path: "x".into(),
                    source: std::io::Error::other("x"),
                })),
                "io",
            ),
            (
                Error::Catalog(CatalogError::File(FileError::Unsafe {
                    path: "x".into(),
                    reason: "x".into(),
                })),
                "unsafe_file",
            ),
            (
                Error::File(FileError::Io {
                    action: "write",
                    path: "x".into(),
                    source: std::io::Error::other("x"),
                }),
                "io",
            ),
            (
                Error::File(FileError::Unsafe {
                    path: "x".into(),
                    reason: "x".into(),
                }),
                "unsafe_file",
            ),
            (Error::Random(RandomSourceFailed), "rng"),
            (Error::Busy("x".into()), "busy"),
            (Error::CredentialIdTaken("x".into()), "credential_id_taken"),
            (
                Error::Ambiguous {
                    query: "x".into(),
                    candidates: vec!["a".into(), "b".into()],
                },
                "ambiguous_key",
            ),
            (Error::NoDashboard("x".into()), "no_dashboard"),
        ];
        for (error, code) in &cases {
            assert_eq!(error.code(), *code, "{error}");
        }
    }
}
