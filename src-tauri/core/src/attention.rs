//! Whether a key needs the person's attention, and how that is said: the
//! one rule behind the window's reminder banner, the tray's status line and
//! the background program's tray.
//!
//! Promises:
//! - a replaced key never needs rotating (its replacement does the job); it
//!   can be deleted once its delete-after date has passed (or when it has
//!   none), the same moment its status says "delete it now";
//! - a key not replaced needs rotating when it is due soon, overdue or said
//!   to have leaked;
//! - paused reminders change nothing here: the keys still need the work
//!   (pausing only quiets notifications);
//! - the words are the ones every surface shows ("3 keys need rotating",
//!   "1 replaced key can be deleted"); the window gets the state of each
//!   key in [`crate::record::KeyView::attention`] and says it with
//!   [`AttentionCounts`]' words, which `ui/src/lib/attention.json` pins for
//!   both sides.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::record::KeyRecord;
use crate::rotation::RotationStatus;

/// What a key needs from the person now.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ts_rs::TS)]
#[serde(rename_all = "snake_case")]
pub enum Attention {
    /// Nothing.
    None,
    /// Rotating: due soon, overdue or leaked, and not yet replaced.
    Rotate,
    /// Deleting: replaced, and past the date to delete it.
    Delete,
}

impl Attention {
    /// The wire name (`none`, `rotate`, `delete`).
    pub fn as_str(self) -> &'static str {
        match self {
            Self::None => "none",
            Self::Rotate => "rotate",
            Self::Delete => "delete",
        }
    }

    /// What `record`, whose rotation status at `now` is `status`, needs.
    pub fn of(record: &KeyRecord, status: RotationStatus, now: DateTime<Utc>) -> Self {
        if record.replaced_by.is_some() {
            return match record.delete_after {
                Some(after) if now < after => Self::None,
                _ => Self::Delete,
            };
        }
        if status != RotationStatus::Ok || record.leaked_at.is_some() {
            Self::Rotate
        } else {
            Self::None
        }
    }
}

/// How many keys need rotating and how many replaced keys can be deleted.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct AttentionCounts {
    /// Keys that need rotating.
    pub rotate: usize,
    /// Replaced keys that can be deleted.
    pub delete: usize,
}

impl AttentionCounts {
    /// The counts over the keys needing `attentions`.
    pub fn of(attentions: impl IntoIterator<Item = Attention>) -> Self {
        let mut counts = Self::default();
        for attention in attentions {
            match attention {
                Attention::Rotate => counts.rotate += 1,
                Attention::Delete => counts.delete += 1,
                Attention::None => {}
            }
        }
        counts
    }

    /// "All keys are up to date", "1 key needs rotating", "3 keys need
    /// rotating, 1 can be deleted", "2 replaced keys can be deleted": the
    /// tray's status line.
    pub fn line(&self) -> String {
        match (self.rotate, self.delete) {
            (0, 0) => "All keys are up to date".to_owned(),
            (rotate, 0) => rotate_words(rotate),
            (0, delete) => delete_words(delete),
            (rotate, delete) => {
                format!("{}, {} can be deleted", rotate_words(rotate), count(delete))
            }
        }
    }
}

/// "1 key needs rotating", "3 keys need rotating", "1,200 keys need rotating".
pub fn rotate_words(n: usize) -> String {
    if n == 1 {
        "1 key needs rotating".to_owned()
    } else {
        format!("{} keys need rotating", count(n))
    }
}

/// "1 replaced key can be deleted", "2 replaced keys can be deleted".
pub fn delete_words(n: usize) -> String {
    if n == 1 {
        "1 replaced key can be deleted".to_owned()
    } else {
        format!("{} replaced keys can be deleted", count(n))
    }
}

/// A count with thousands separated by commas, as the window writes it.
fn count(n: usize) -> String {
    let digits = n.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (at, digit) in digits.chars().enumerate() {
        if at > 0 && (digits.len() - at).is_multiple_of(3) {
            out.push(',');
        }
        out.push(digit);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::record::test_support::record;
    use chrono::TimeZone;

    fn at(day: u32) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 12, day, 0, 0, 0).unwrap()
    }

    #[test]
    fn a_key_due_soon_overdue_or_leaked_needs_rotating_unless_it_was_replaced() {
        let mut key = record("k", "k");
        let now = at(10);
        assert_eq!(
            Attention::of(&key, RotationStatus::Ok, now),
            Attention::None
        );
        assert_eq!(
            Attention::of(&key, RotationStatus::DueSoon, now),
            Attention::Rotate
        );
        assert_eq!(
            Attention::of(&key, RotationStatus::Overdue, now),
            Attention::Rotate
        );
        key.leaked_at = Some(at(1));
        assert_eq!(
            Attention::of(&key, RotationStatus::Ok, now),
            Attention::Rotate,
            "a leaked key needs replacing whatever its age"
        );
        key.replaced_by = Some("new".into());
        key.delete_after = Some(at(20));
        assert_eq!(
            Attention::of(&key, RotationStatus::Overdue, now),
            Attention::None,
            "a replaced key waits for its delete-after date"
        );
    }

    #[test]
    fn a_replaced_key_can_be_deleted_from_its_delete_after_date_or_at_once_without_one() {
        let mut key = record("k", "k");
        key.replaced_by = Some("new".into());
        key.delete_after = Some(at(20));
        assert_eq!(
            Attention::of(&key, RotationStatus::Ok, at(19)),
            Attention::None
        );
        assert_eq!(
            Attention::of(&key, RotationStatus::Ok, at(20)),
            Attention::Delete
        );
        key.delete_after = None;
        assert_eq!(
            Attention::of(&key, RotationStatus::Ok, at(1)),
            Attention::Delete
        );
    }

    /// The words both sides say, from the file the window's tests read too.
    #[derive(Deserialize)]
    struct Case {
        rotate: usize,
        delete: usize,
        line: String,
        rotate_words: String,
        delete_words: String,
    }

    #[test]
    fn the_words_are_the_ones_the_window_says() {
        let cases: Vec<Case> =
            serde_json::from_str(include_str!("../../../ui/src/lib/attention.json")).unwrap();
        assert!(cases.len() > 3, "the shared cases are read");
        for case in cases {
            let counts = AttentionCounts {
                rotate: case.rotate,
                delete: case.delete,
            };
            assert_eq!(counts.line(), case.line, "{counts:?}");
            assert_eq!(rotate_words(case.rotate), case.rotate_words);
            assert_eq!(delete_words(case.delete), case.delete_words);
        }
    }

    #[test]
    fn counts_add_up_each_kind() {
        let counts = AttentionCounts::of([
            Attention::Rotate,
            Attention::None,
            Attention::Delete,
            Attention::Rotate,
        ]);
        assert_eq!(
            counts,
            AttentionCounts {
                rotate: 2,
                delete: 1
            }
        );
    }
}
