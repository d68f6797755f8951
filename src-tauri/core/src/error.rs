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
}

impl Error {
    /// A stable code: `invalid_input`, `name_taken`, `not_found`,
    /// `keychain_locked`, `keychain_unavailable`, `keychain_timeout`,
    /// `keychain_denied`, `keychain_error`, `catalog_unreadable`, `io`,
    /// `unsafe_file` (a file or folder refused as it is: the message says what to do), `rng`, `busy`,
    /// `credential_id_taken` (names the other key), `ambiguous_key` (lists
    /// the candidates), `no_dashboard`.
    pub fn code(&self) -> &'static str {
        match self {
            Self::InvalidInput(_) | Self::Invalid(_) => "invalid_input",
            Self::NameTaken(_) => "name_taken",
            Self::NotFound(_) => "not_found",
            Self::Keychain(e) => e.code(),
            Self::Catalog(CatalogError::Io { .. }) => "io",
            Self::Catalog(CatalogError::Unsafe { .. }) => "unsafe_file",
            Self::Catalog(_) => "catalog_unreadable",
            Self::Random(_) => "rng",
            Self::Busy(_) => "busy",
            Self::CredentialIdTaken(_) => "credential_id_taken",
            Self::Ambiguous { .. } => "ambiguous_key",
            Self::NoDashboard(_) => "no_dashboard",
        }
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

/// Every code [`Error::code`] can return.
pub const ALL_CODES: &[&str] = &[
    "invalid_input",
    "name_taken",
    "not_found",
    "keychain_locked",
    "keychain_unavailable",
    "keychain_timeout",
    "keychain_denied",
    "keychain_error",
    "keychain_no_default",
    "keychain_cancelled",
    "keychain_cannot_ask",
    "catalog_unreadable",
    "io",
    "unsafe_file",
    "rng",
    "busy",
    "credential_id_taken",
    "ambiguous_key",
    "no_dashboard",
];

/// Result with the core's error.
pub type Result<T, E = Error> = std::result::Result<T, E>;

#[cfg(test)]
mod tests {
    use super::*;
    use crate::keychain::KeychainError;

    #[test]
    fn every_error_code_is_listed() {
        let errors = [
            Error::Invalid("x".into()),
            Error::NameTaken("x".into()),
            Error::NotFound("x".into()),
            Error::Keychain(KeychainError::Locked),
            Error::Keychain(KeychainError::Unavailable { detail: "x".into() }),
            Error::Keychain(KeychainError::TimedOut { seconds: 1 }),
            Error::Keychain(KeychainError::Denied),
            Error::Keychain(KeychainError::NotFound),
            Error::Keychain(KeychainError::NoDefaultKeyring),
            Error::Keychain(KeychainError::Cancelled),
            Error::Keychain(KeychainError::CannotAsk),
            Error::Keychain(KeychainError::Other { detail: "x".into() }),
            Error::Catalog(CatalogError::TooNew { path: "x".into() }),
            Error::Catalog(CatalogError::Io {
                action: "read",
                path: "x".into(),
                source: std::io::Error::other("x"),
            }),
            Error::Catalog(CatalogError::Unsafe {
                path: "x".into(),
                reason: "x".into(),
            }),
            Error::Random(RandomSourceFailed),
            Error::Busy("x".into()),
            Error::CredentialIdTaken("x".into()),
            Error::Ambiguous {
                query: "x".into(),
                candidates: vec!["a".into(), "b".into()],
            },
            Error::NoDashboard("x".into()),
        ];
        for error in &errors {
            assert!(
                ALL_CODES.contains(&error.code()),
                "{} is not in ALL_CODES",
                error.code()
            );
        }
    }
}
