//! Instants as the JSON and the window see them: RFC 3339 text in UTC, to
//! the second, ending in `Z` (`2026-03-02T10:00:00Z`).
//!
//! Read models keep their instants as `DateTime<Utc>` and name this module
//! in `#[serde(with = "crate::rfc3339")]` (or [`option`] for an
//! `Option<DateTime<Utc>>`), so the code works with typed instants while
//! the JSON stays text.
//!
//! Promises:
//! - Writing gives exactly [`text`]: seconds, no fraction, `Z`.
//! - Reading takes any RFC 3339 offset and turns it into UTC; what
//!   [`text`] wrote reads back as the same instant when that instant is a
//!   whole second ([`to_the_second`]).

use chrono::{DateTime, SecondsFormat, SubsecRound, Utc};
use serde::{Deserialize, Deserializer, Serializer};

/// `instant` as RFC 3339 UTC text to the second: `2026-03-02T10:00:00Z`.
pub fn text(instant: DateTime<Utc>) -> String {
    instant.to_rfc3339_opts(SecondsFormat::Secs, true)
}

/// `instant` without its fraction of a second: the instant [`text`] says.
pub fn to_the_second(instant: DateTime<Utc>) -> DateTime<Utc> {
    instant.trunc_subsecs(0)
}

/// Writes `instant` as [`text`] (for `#[serde(with = "…")]`).
///
/// # Errors
/// Whatever the serializer reports.
pub fn serialize<S: Serializer>(instant: &DateTime<Utc>, out: S) -> Result<S::Ok, S::Error> {
    out.serialize_str(&text(*instant))
}

/// Reads an RFC 3339 instant (any offset) as UTC (for `#[serde(with = "…")]`).
///
/// # Errors
/// When the text is not an RFC 3339 instant.
pub fn deserialize<'de, D: Deserializer<'de>>(input: D) -> Result<DateTime<Utc>, D::Error> {
    parse(&String::deserialize(input)?)
}

fn parse<E: serde::de::Error>(raw: &str) -> Result<DateTime<Utc>, E> {
    DateTime::parse_from_rfc3339(raw)
        .map(|at| at.with_timezone(&Utc))
        .map_err(E::custom)
}

/// The same for an `Option<DateTime<Utc>>`: `null` when there is none.
pub mod option {
    use chrono::{DateTime, Utc};
    use serde::{Deserialize, Deserializer, Serializer};

    /// Writes the instant as [`super::text`], or `null`.
    ///
    /// # Errors
    /// Whatever the serializer reports.
    pub fn serialize<S: Serializer>(
        instant: &Option<DateTime<Utc>>,
        out: S,
    ) -> Result<S::Ok, S::Error> {
        match instant {
            Some(instant) => super::serialize(instant, out),
            None => out.serialize_none(),
        }
    }

    /// Reads an RFC 3339 instant as UTC, or `null`.
    ///
    /// # Errors
    /// When the text is not an RFC 3339 instant.
    pub fn deserialize<'de, D: Deserializer<'de>>(
        input: D,
    ) -> Result<Option<DateTime<Utc>>, D::Error> {
        Option::<String>::deserialize(input)?
            .map(|raw| super::parse(&raw))
            .transpose()
    }
}

/// Writes an `Option<DateTime<Utc>>` as [`text`], or `""` when there is
/// none: for JSON that has always said no instant that way (the team
/// report's `created_at`, which is only written, never read back).
pub mod or_empty {
    use chrono::{DateTime, Utc};
    use serde::Serializer;

    /// `""` for none, else [`super::text`].
    ///
    /// # Errors
    /// The serializer's.
    pub fn serialize<S: Serializer>(at: &Option<DateTime<Utc>>, out: S) -> Result<S::Ok, S::Error> {
        let Some(at) = at else {
            return out.serialize_str("");
        };
        super::serialize(at, out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    #[derive(Debug, PartialEq, serde::Serialize, serde::Deserialize)]
    struct Both {
        #[serde(with = "super")]
        at: DateTime<Utc>,
        #[serde(with = "super::option")]
        maybe: Option<DateTime<Utc>>,
    }

    #[test]
    fn an_instant_is_written_to_the_second_in_utc_with_a_z() {
        let at = Utc.with_ymd_and_hms(2026, 3, 2, 10, 0, 7).unwrap()
            + chrono::Duration::milliseconds(999);
        let both = Both {
            at,
            maybe: Some(at),
        };
        assert_eq!(
            serde_json::to_string(&both).unwrap(),
            r#"{"at":"2026-03-02T10:00:07Z","maybe":"2026-03-02T10:00:07Z"}"#,
            "the fraction is cut, not rounded"
        );
        let none = Both { at, maybe: None };
        assert_eq!(
            serde_json::to_string(&none).unwrap(),
            r#"{"at":"2026-03-02T10:00:07Z","maybe":null}"#
        );
    }

    #[test]
    fn any_offset_is_read_as_utc_and_a_whole_second_reads_back_the_same() {
        let read: Both =
            serde_json::from_str(r#"{"at":"2026-03-02T23:30:00+14:00","maybe":null}"#).unwrap();
        assert_eq!(read.at, Utc.with_ymd_and_hms(2026, 3, 2, 9, 30, 0).unwrap());
        let at = to_the_second(Utc::now());
        let both = Both {
            at,
            maybe: Some(at),
        };
        let back: Both = serde_json::from_str(&serde_json::to_string(&both).unwrap()).unwrap();
        assert_eq!(back, both);
        assert!(serde_json::from_str::<Both>(r#"{"at":"soon","maybe":null}"#).is_err());
    }

    #[derive(serde::Serialize)]
    struct OrEmpty {
        #[serde(with = "super::or_empty")]
        at: Option<DateTime<Utc>>,
    }

    #[test]
    fn or_empty_writes_none_as_an_empty_text() {
        let none = OrEmpty { at: None };
        assert_eq!(serde_json::to_string(&none).unwrap(), r#"{"at":""}"#);
        let at = Utc.with_ymd_and_hms(2026, 3, 2, 10, 0, 7).unwrap();
        let some = OrEmpty { at: Some(at) };
        assert_eq!(
            serde_json::to_string(&some).unwrap(),
            r#"{"at":"2026-03-02T10:00:07Z"}"#
        );
    }
}
