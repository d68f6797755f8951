//! When a key must be rotated, and how urgent that is.
//!
//! Pure functions: the current time is always passed in, never read here.
//! Due date = creation + the rotation period in calendar months; a day that
//! does not exist in the target month clamps to that month's last day
//! (30 Nov + 3 months = 28 Feb, or 29 Feb in a leap year).

use chrono::{DateTime, Duration, Months, Utc};
use serde::{Deserialize, Serialize};

/// How urgently a key needs rotating.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, ts_rs::TS,
)]
#[serde(rename_all = "snake_case")]
pub enum RotationStatus {
    /// Not due within the lead time.
    Ok,
    /// Due within the lead time.
    DueSoon,
    /// Past its due date.
    Overdue,
}

impl RotationStatus {
    /// The wire name (`ok`, `due_soon`, `overdue`).
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Ok => "ok",
            Self::DueSoon => "due_soon",
            Self::Overdue => "overdue",
        }
    }
}

/// The organisation's rotation rule.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RotationPolicy {
    /// Calendar months a key may live.
    pub period_months: u32,
    /// How long before the due date a key counts as due soon.
    pub lead_time: Duration,
}

impl Default for RotationPolicy {
    /// The vendor guide: rotate at least every three months; warn 14 days ahead.
    fn default() -> Self {
        Self {
            period_months: 3,
            lead_time: Duration::days(14),
        }
    }
}

impl RotationPolicy {
    /// The moment a key created at `created` must be rotated by.
    pub fn due_at(&self, created: DateTime<Utc>) -> DateTime<Utc> {
        created
            .checked_add_months(Months::new(self.period_months))
            .unwrap_or(DateTime::<Utc>::MAX_UTC)
    }

    /// Status of a key created at `created`, seen at `now`.
    pub fn status(&self, created: DateTime<Utc>, now: DateTime<Utc>) -> RotationStatus {
        let due = self.due_at(created);
        if now >= due {
            RotationStatus::Overdue
        } else if now >= due - self.lead_time {
            RotationStatus::DueSoon
        } else {
            RotationStatus::Ok
        }
    }

    /// Whole days from `now` until the due date: negative once overdue
    /// (−12 means twelve full days overdue).
    pub fn days_until_due(&self, created: DateTime<Utc>, now: DateTime<Utc>) -> i64 {
        let remaining = self.due_at(created) - now;
        if remaining >= Duration::zero() {
            remaining.num_days()
        } else {
            -(now - self.due_at(created)).num_days()
        }
    }

    /// The next moment after `now` when this key's status changes, if any.
    pub fn next_change(&self, created: DateTime<Utc>, now: DateTime<Utc>) -> Option<DateTime<Utc>> {
        let due = self.due_at(created);
        let soon = due - self.lead_time;
        [soon, due].into_iter().find(|t| *t > now)
    }
}

/// Whole days from `created` to `now` (0 for a key from the future).
pub fn age_days(created: DateTime<Utc>, now: DateTime<Utc>) -> i64 {
    (now - created).num_days().max(0)
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn utc(y: i32, m: u32, d: u32) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(y, m, d, 12, 0, 0)
            .single()
            .expect("valid date")
    }

    #[test]
    fn due_is_three_calendar_months_later() {
        let policy = RotationPolicy::default();
        assert_eq!(policy.due_at(utc(2026, 8, 26)), utc(2026, 11, 26));
        assert_eq!(policy.due_at(utc(2026, 11, 26)), utc(2027, 2, 26));
    }

    #[test]
    fn month_ends_clamp_to_the_last_day() {
        let policy = RotationPolicy::default();
        assert_eq!(policy.due_at(utc(2026, 11, 30)), utc(2027, 2, 28));
        assert_eq!(
            policy.due_at(utc(2027, 11, 30)),
            utc(2028, 2, 29),
            "leap year"
        );
        assert_eq!(policy.due_at(utc(2026, 3, 31)), utc(2026, 6, 30));
        assert_eq!(policy.due_at(utc(2026, 5, 31)), utc(2026, 8, 31));
        assert_eq!(policy.due_at(utc(2027, 11, 29)), utc(2028, 2, 29));
        assert_eq!(
            policy.due_at(utc(2100, 11, 29)),
            utc(2101, 2, 28),
            "2100 is not leap"
        );
    }

    #[test]
    fn leap_day_keys_are_due_on_the_29th_of_may() {
        assert_eq!(
            RotationPolicy::default().due_at(utc(2028, 2, 29)),
            utc(2028, 5, 29)
        );
    }

    #[test]
    fn status_changes_exactly_at_the_lead_time_and_the_due_date() {
        let policy = RotationPolicy::default();
        let created = utc(2026, 1, 10);
        let due = policy.due_at(created);
        let soon = due - Duration::days(14);
        let second = Duration::seconds(1);
        assert_eq!(policy.status(created, soon - second), RotationStatus::Ok);
        assert_eq!(policy.status(created, soon), RotationStatus::DueSoon);
        assert_eq!(
            policy.status(created, due - second),
            RotationStatus::DueSoon
        );
        assert_eq!(policy.status(created, due), RotationStatus::Overdue);
        assert_eq!(policy.next_change(created, created), Some(soon));
        assert_eq!(policy.next_change(created, soon), Some(due));
        assert_eq!(policy.next_change(created, due), None);
    }

    #[test]
    fn days_until_due_is_negative_when_overdue() {
        let policy = RotationPolicy::default();
        let created = utc(2026, 1, 10);
        let due = policy.due_at(created);
        assert_eq!(policy.days_until_due(created, due - Duration::days(9)), 9);
        assert_eq!(policy.days_until_due(created, due + Duration::hours(5)), 0);
        assert_eq!(
            policy.days_until_due(created, due + Duration::days(12)),
            -12
        );
    }

    #[test]
    fn age_counts_whole_days_and_never_goes_negative() {
        assert_eq!(age_days(utc(2026, 1, 1), utc(2026, 1, 31)), 30);
        assert_eq!(age_days(utc(2026, 2, 1), utc(2026, 1, 1)), 0);
    }
}
