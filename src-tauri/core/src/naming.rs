//! Names people give to keys and services, validated once at the edge.
//!
//! Promises: a [`ServiceName`] or [`KeyName`] holds only ASCII letters,
//! digits, `-`, `_` and `.`, starts with a letter or digit, and has a
//! bounded length, so it is safe in a file, a terminal, a notification and
//! a keychain label. [`Label`] (application, notes) is free text without
//! control or bidirectional-override characters. Every rejection carries a
//! sentence a person can act on.
//!
//! The naming convention is `<service_name>-<dd_mm_yyyy>-<hh_mm>` in local time.

use std::fmt;

use chrono::{NaiveDate, NaiveDateTime, NaiveTime};
use serde::{Deserialize, Serialize};

/// Longest service name, in characters.
pub const SERVICE_MAX: usize = 64;
/// Longest key name, in characters (service + date suffix fits comfortably).
pub const KEY_NAME_MAX: usize = 100;

/// Why a name or label was refused. `Display` is the sentence shown to people.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum NameError {
    /// Nothing was typed.
    #[error("{what} is empty. Type a {what_lower}.", what_lower = what.to_lowercase())]
    Empty {
        /// "Service name", "Key name", ...
        what: &'static str,
    },
    /// Longer than the limit.
    #[error("{what} is too long: use at most {max} characters.")]
    TooLong {
        /// Which field.
        what: &'static str,
        /// The limit.
        max: usize,
    },
    /// Holds a control, invisible or text-direction character.
    #[error(
        "{what} contains an invisible or control character (for example a line break or a text-direction mark). Retype it by hand."
    )]
    Invisible {
        /// Which field.
        what: &'static str,
    },
    /// Holds `/` or `\`.
    #[error("{what} cannot contain a slash (/ or \\).")]
    Slash {
        /// Which field.
        what: &'static str,
    },
    /// Holds another character outside the allowed set.
    #[error(
        "{what} cannot contain \"{ch}\". Use only letters a–z, digits, hyphens (-), underscores (_) and dots (.)."
    )]
    BadCharacter {
        /// Which field.
        what: &'static str,
        /// The first offending character.
        ch: char,
    },
    /// Starts with a punctuation character.
    #[error("{what} must start with a letter or a digit.")]
    BadStart {
        /// Which field.
        what: &'static str,
    },
    /// Has an `@` but is not one email address.
    #[error(
        "{what} has an @ but is not an email address. Type a person's name, or one email address such as sam@example.com."
    )]
    NotAnEmail {
        /// Which field.
        what: &'static str,
    },
}

/// Whether `c` is a control, invisible or text-direction character (never
/// allowed in names, and escaped wherever outside text is shown).
pub fn is_invisible(c: char) -> bool {
    c.is_control()
        || matches!(c,
            '\u{200B}'..='\u{200F}'   // zero-width and LRM/RLM
            | '\u{202A}'..='\u{202E}' // bidi embeddings and overrides
            | '\u{2060}'..='\u{2069}' // word joiner, bidi isolates
            | '\u{FEFF}'              // zero-width no-break space
            | '\u{061C}'              // Arabic letter mark
            | '\u{00AD}'              // soft hyphen
        )
}

/// Checks an identifier-like name: bounded, visible, ASCII `[A-Za-z0-9._-]`.
fn check_identifier(what: &'static str, raw: &str, max: usize) -> Result<(), NameError> {
    // Length first, in bytes, so a huge input is refused without scanning it all.
    if raw.len() > max * 4 || raw.chars().count() > max {
        return Err(NameError::TooLong { what, max });
    }
    if raw.is_empty() {
        return Err(NameError::Empty { what });
    }
    if raw.chars().any(is_invisible) {
        return Err(NameError::Invisible { what });
    }
    if raw.contains(['/', '\\']) {
        return Err(NameError::Slash { what });
    }
    if let Some(ch) = raw
        .chars()
        .find(|c| !(c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.')))
    {
        return Err(NameError::BadCharacter { what, ch });
    }
    if !raw.starts_with(|c: char| c.is_ascii_alphanumeric()) {
        return Err(NameError::BadStart { what });
    }
    Ok(())
}

macro_rules! validated_string {
    ($(#[$doc:meta])* $name:ident, $what:literal, $check:expr) => {
        $(#[$doc])*
        #[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
        #[serde(try_from = "String", into = "String")]
        pub struct $name(String);

        impl $name {
            /// Validates `raw` (leading and trailing spaces are ignored).
            pub fn parse(raw: &str) -> Result<Self, NameError> {
                let trimmed = raw.trim_matches(|c: char| c == ' ' || c == '\t');
                let check: fn(&str) -> Result<(), NameError> = $check;
                check(trimmed)?;
                Ok(Self(trimmed.to_owned()))
            }

            /// The validated text.
            pub fn as_str(&self) -> &str {
                &self.0
            }
        }

        impl TryFrom<String> for $name {
            type Error = NameError;
            fn try_from(raw: String) -> Result<Self, NameError> {
                Self::parse(&raw)
            }
        }

        impl From<$name> for String {
            fn from(value: $name) -> String {
                value.0
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(&self.0)
            }
        }
    };
}

validated_string!(
    /// The service a key is for, e.g. `payments-api`.
    ServiceName,
    "Service name",
    |raw| check_identifier("Service name", raw, SERVICE_MAX)
);

validated_string!(
    /// A key's name, unique in the catalog, e.g. `payments-api-26_08_2026-09_48`.
    KeyName,
    "Key name",
    |raw| check_identifier("Key name", raw, KEY_NAME_MAX)
);

/// Free text (application name, notes): any visible characters, bounded.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Label(String);

impl Label {
    /// Longest application name.
    pub const APPLICATION_MAX: usize = 100;
    /// Longest notes.
    pub const NOTES_MAX: usize = 2000;

    /// Validates free text named `what`; line breaks are allowed only when `multiline`.
    pub fn parse(
        what: &'static str,
        raw: &str,
        max: usize,
        multiline: bool,
    ) -> Result<Self, NameError> {
        if raw.len() > max * 4 || raw.chars().count() > max {
            return Err(NameError::TooLong { what, max });
        }
        let text = raw.trim();
        let allowed_control = |c: char| multiline && matches!(c, '\n' | '\t');
        if text.chars().any(|c| is_invisible(c) && !allowed_control(c)) {
            return Err(NameError::Invisible { what });
        }
        Ok(Self(text.to_owned()))
    }

    /// An application name; `None` when blank.
    pub fn application(raw: &str) -> Result<Option<Self>, NameError> {
        let label = Self::parse("Application name", raw, Self::APPLICATION_MAX, false)?;
        Ok((!label.0.is_empty()).then_some(label))
    }

    /// Notes about a key (may be empty).
    pub fn notes(raw: &str) -> Result<Self, NameError> {
        Self::parse("Notes", raw, Self::NOTES_MAX, true)
    }

    /// A credential ID typed or pasted by a person: required, one line, no spaces.
    pub fn credential_id(raw: &str) -> Result<Self, NameError> {
        const WHAT: &str = "Credential ID";
        let label = Self::parse(WHAT, raw, 256, false)?;
        if label.0.is_empty() {
            return Err(NameError::Empty { what: WHAT });
        }
        if let Some(ch) = label.0.chars().find(|c| c.is_whitespace()) {
            return Err(NameError::BadCharacter { what: WHAT, ch });
        }
        Ok(label)
    }

    /// Who looks after a key: a person's name or email address; `None` when blank.
    /// Text with an `@` must read as one email address (`sam@example.com`).
    pub fn owner(raw: &str) -> Result<Option<Self>, NameError> {
        const WHAT: &str = "Owner";
        let label = Self::parse(WHAT, raw, 200, false)?;
        if label.0.is_empty() {
            return Ok(None);
        }
        if label.0.contains('@') {
            let mut parts = label.0.split('@');
            let (local, domain) = (parts.next().unwrap_or(""), parts.next().unwrap_or(""));
            let domain_ok = domain.contains('.')
                && !domain.starts_with('.')
                && !domain.ends_with('.')
                && !domain.contains("..");
            if parts.next().is_some() || local.is_empty() || !domain_ok {
                return Err(NameError::NotAnEmail { what: WHAT });
            }
            if let Some(ch) = label.0.chars().find(|c| c.is_whitespace()) {
                return Err(NameError::BadCharacter { what: WHAT, ch });
            }
        }
        Ok(Some(label))
    }

    /// The text.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for Label {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// Turns what a person typed ("Payments API") into a service name
/// (`payments-api`): lowercase, runs of other characters become one `-`.
pub fn service_slug(typed: &str) -> Result<ServiceName, NameError> {
    const WHAT: &str = "Service name";
    if typed.len() > SERVICE_MAX * 4 {
        return Err(NameError::TooLong {
            what: WHAT,
            max: SERVICE_MAX,
        });
    }
    let mut slug = String::with_capacity(typed.len());
    for c in typed.chars() {
        if c.is_ascii_alphanumeric() || matches!(c, '_' | '.') {
            slug.push(c.to_ascii_lowercase());
        } else if !slug.ends_with('-') {
            slug.push('-');
        }
    }
    let slug = slug.trim_matches(|c| matches!(c, '-' | '_' | '.'));
    if slug.is_empty() && !typed.trim().is_empty() {
        return Err(NameError::BadStart { what: WHAT });
    }
    ServiceName::parse(slug)
}

/// The conventional name `<service>-<dd_mm_yyyy>-<hh_mm>` for a key made at local time `at`.
pub fn suggest_name(service: &ServiceName, at: NaiveDateTime) -> KeyName {
    let name = format!("{}-{}", service, at.format("%d_%m_%Y-%H_%M"));
    // A valid service (≤ 64 chars of the allowed set) plus a 17-char suffix of
    // digits, '_' and '-' is always a valid key name, so this cannot fail.
    KeyName::parse(&name).unwrap_or_else(|_| unreachable!("conventional names are valid"))
}

/// Reads the local date and time back out of a conventional name, if it has one.
pub fn date_from_name(name: &KeyName) -> Option<NaiveDateTime> {
    let text = name.as_str();
    // "-dd_mm_yyyy-hh_mm" is 17 characters at the end.
    let suffix = text.len().checked_sub(17).and_then(|at| text.get(at..))?;
    let bytes = suffix.as_bytes();
    if bytes[0] != b'-'
        || bytes[11] != b'-'
        || bytes[3] != b'_'
        || bytes[6] != b'_'
        || bytes[14] != b'_'
    {
        return None;
    }
    let number = |range: std::ops::Range<usize>| -> Option<u32> {
        let part = suffix.get(range)?;
        part.bytes()
            .all(|b| b.is_ascii_digit())
            .then(|| part.parse().ok())?
    };
    let date = NaiveDate::from_ymd_opt(number(7..11)? as i32, number(4..6)?, number(1..3)?)?;
    let time = NaiveTime::from_hms_opt(number(12..14)?, number(15..17)?, 0)?;
    Some(date.and_time(time))
}

/// The service part of a conventional name, if it has one.
pub fn service_from_name(name: &KeyName) -> Option<ServiceName> {
    date_from_name(name)?;
    let text = name.as_str();
    ServiceName::parse(&text[..text.len() - 17]).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(y: i32, m: u32, d: u32, h: u32, min: u32) -> NaiveDateTime {
        NaiveDate::from_ymd_opt(y, m, d)
            .and_then(|d| d.and_hms_opt(h, min, 0))
            .expect("valid test date")
    }

    #[test]
    fn suggests_the_conventional_name() {
        let service = ServiceName::parse("payments-api").unwrap();
        let name = suggest_name(&service, at(2026, 8, 26, 9, 48));
        assert_eq!(name.as_str(), "payments-api-26_08_2026-09_48");
    }

    #[test]
    fn reads_the_date_back_out_of_a_conventional_name() {
        let name = KeyName::parse("payments-api-26_08_2026-09_48").unwrap();
        assert_eq!(date_from_name(&name), Some(at(2026, 8, 26, 9, 48)));
        assert_eq!(service_from_name(&name).unwrap().as_str(), "payments-api");
    }

    #[test]
    fn names_without_a_valid_date_have_none() {
        for raw in [
            "payments",
            "x-31_02_2026-09_48",
            "x-26_08_2026-25_00",
            "x-26_08_2026_09_48",
            "x-2a_08_2026-09_48",
            "26_08_2026-09_48",
        ] {
            let name = KeyName::parse(raw).unwrap();
            assert_eq!(date_from_name(&name), None, "{raw} should have no date");
        }
    }

    #[test]
    fn slugs_what_people_type() {
        assert_eq!(
            service_slug("Payments API").unwrap().as_str(),
            "payments-api"
        );
        assert_eq!(
            service_slug("  Stripe / Live!! ").unwrap().as_str(),
            "stripe-live"
        );
        assert!(matches!(service_slug("   "), Err(NameError::Empty { .. })));
        assert!(matches!(
            service_slug("???"),
            Err(NameError::BadStart { .. })
        ));
    }

    #[test]
    fn accepts_ordinary_names() {
        for raw in [
            "a",
            "payments-api",
            "svc_2.v1",
            "payments-api-26_08_2026-09_48",
        ] {
            assert!(KeyName::parse(raw).is_ok(), "{raw} should be accepted");
        }
        assert_eq!(KeyName::parse("  padded  ").unwrap().as_str(), "padded");
    }

    #[test]
    fn refuses_hostile_names_with_a_plain_reason() {
        type Expect = fn(&NameError) -> bool;
        let cases: &[(&str, Expect)] = &[
            ("", |e| matches!(e, NameError::Empty { .. })),
            ("../etc/passwd", |e| matches!(e, NameError::Slash { .. })),
            ("a\\b", |e| matches!(e, NameError::Slash { .. })),
            ("line\nbreak", |e| matches!(e, NameError::Invisible { .. })),
            ("nul\0byte", |e| matches!(e, NameError::Invisible { .. })),
            ("bidi\u{202E}gnp.exe", |e| {
                matches!(e, NameError::Invisible { .. })
            }),
            ("zero\u{200B}width", |e| {
                matches!(e, NameError::Invisible { .. })
            }),
            ("<img src=x onerror=alert(1)>", |e| {
                matches!(e, NameError::BadCharacter { ch: '<', .. })
            }),
            ("has space", |e| {
                matches!(e, NameError::BadCharacter { ch: ' ', .. })
            }),
            ("ünïcode", |e| matches!(e, NameError::BadCharacter { .. })),
            ("-leading", |e| matches!(e, NameError::BadStart { .. })),
            (".hidden", |e| matches!(e, NameError::BadStart { .. })),
        ];
        for (raw, expected) in cases {
            let err = KeyName::parse(raw).expect_err(raw);
            assert!(expected(&err), "{raw:?} gave {err:?}");
            assert!(
                err.to_string().ends_with('.'),
                "message is a sentence: {err}"
            );
        }
    }

    #[test]
    fn refuses_a_ten_megabyte_name_quickly_and_says_the_limit() {
        let huge = "a".repeat(10 * 1024 * 1024);
        let err = KeyName::parse(&huge).unwrap_err();
        assert_eq!(
            err,
            NameError::TooLong {
                what: "Key name",
                max: KEY_NAME_MAX
            }
        );
        assert!(err.to_string().contains("100 characters"));
        assert!(matches!(
            service_slug(&huge),
            Err(NameError::TooLong { .. })
        ));
        assert!(matches!(
            Label::notes(&huge),
            Err(NameError::TooLong { .. })
        ));
    }

    #[test]
    fn labels_allow_free_text_but_not_invisible_characters() {
        assert_eq!(
            Label::application(" Billing <web> app ")
                .unwrap()
                .unwrap()
                .as_str(),
            "Billing <web> app"
        );
        assert_eq!(Label::application("   ").unwrap(), None);
        assert!(Label::notes("two\nlines").is_ok());
        assert!(Label::application("two\nlines").is_err());
        assert!(Label::notes("evil\u{202E}txt").is_err());
    }

    #[test]
    fn deserializing_validates_too() {
        let bad: Result<KeyName, _> = serde_json::from_str("\"../x\"");
        assert!(bad.is_err());
        let good: KeyName = serde_json::from_str("\"ok-name\"").unwrap();
        assert_eq!(good.as_str(), "ok-name");
    }

    mod properties {
        use super::*;
        use proptest::prelude::*;

        proptest! {
            #[test]
            fn any_accepted_name_is_made_only_of_safe_characters(raw in "\\PC{0,120}") {
                if let Ok(name) = KeyName::parse(&raw) {
                    prop_assert!(name.as_str().chars().all(|c| c.is_ascii_alphanumeric() || "-_.".contains(c)));
                    prop_assert!(name.as_str().len() <= KEY_NAME_MAX);
                }
            }

            #[test]
            fn every_suggested_name_parses_back(service in "[a-z0-9][a-z0-9_.-]{0,63}",
                                                y in 1970i32..2200, m in 1u32..=12, d in 1u32..=28,
                                                h in 0u32..24, min in 0u32..60) {
                let service = ServiceName::parse(&service).unwrap();
                let when = at(y, m, d, h, min);
                let name = suggest_name(&service, when);
                prop_assert_eq!(date_from_name(&name), Some(when));
                prop_assert_eq!(service_from_name(&name), Some(service));
            }
        }
    }
}
