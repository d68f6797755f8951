//! The one type that holds secret text.
//!
//! Promises: a [`Secret`] never prints itself (its `Debug` and `Display`
//! say `<redacted>`), cannot be serialized (it implements no `Serialize`),
//! and wipes its memory when dropped. The only way to read it is
//! [`Secret::expose`], so every place that hands a secret on is easy to find.
//!
//! ```compile_fail
//! // A Secret cannot be serialized by accident.
//! let secret = keyward_core::Secret::new("abc".to_string());
//! let _ = serde_json::to_string(&secret);
//! ```

use std::fmt;

use zeroize::Zeroizing;

/// Secret text (a credential secret). Zeroized on drop; redacted in `Debug`.
#[derive(Clone, PartialEq, Eq)]
pub struct Secret(Zeroizing<String>);

impl Secret {
    /// Takes ownership of `text`; the string's buffer is wiped when the secret is dropped.
    pub fn new(text: String) -> Self {
        Self(Zeroizing::new(text))
    }

    /// The secret text. Call only where the secret must leave Keyward's
    /// hands: the keychain, the clipboard, or the screen the person asked for.
    pub fn expose(&self) -> &str {
        &self.0
    }

    /// Length in bytes (safe to show: it reveals nothing useful).
    pub fn len(&self) -> usize {
        self.0.len()
    }

    /// Whether the secret is empty.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

/// Secrets may be read from input (a pasted secret in a request), never written out.
impl<'de> serde::Deserialize<'de> for Secret {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        String::deserialize(deserializer).map(Self::new)
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Secret(<redacted>)")
    }
}

impl fmt::Display for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("<redacted>")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_and_display_never_show_the_secret() {
        let secret = Secret::new("kwsk_super-secret-value".into());
        let shown = format!("{secret:?} {secret} {:#?}", Some(&secret));
        assert!(!shown.contains("super-secret"), "secret leaked: {shown}");
        assert!(shown.contains("<redacted>"));
    }

    #[test]
    fn expose_returns_the_text() {
        assert_eq!(Secret::new("abc".into()).expose(), "abc");
    }
}
