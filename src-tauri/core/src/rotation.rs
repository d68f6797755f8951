//! When a key must be rotated, and how urgent that is.
//!
//! Pure functions: the current time and the person's time zone are always
//! passed in, never read here.
//!
//! Promises: the due date is the key's creation date *in the person's time
//! zone* plus the rotation period in calendar months, at the same wall time;
//! a day that does not exist in the target month clamps to that month's last
//! day (30 Nov + 3 months = 28 Feb, or 29 Feb in a leap year). A due wall
//! time that falls in a daylight-saving gap or overlap becomes an instant by
//! the rule written in [`crate::local_time`] (gap: shifted forward by the
//! gap's length; overlap: the earlier instant). "Due soon" starts the lead
//! time before the due date, counted on the wall clock too (14 days before
//! 22:00 on 28 May is 22:00 on 14 May, whatever the clocks did in between).
//! Day counts (age, days until due) are whole days of wall-clock time.

use chrono::{DateTime, Duration, Months, NaiveDateTime, TimeZone, Utc};
use serde::{Deserialize, Serialize};

use crate::local_time::{resolve, wall_time};

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

/// `wall + by` on the wall clock, saturating at the ends of time.
pub(crate) fn shift_wall(wall: NaiveDateTime, by: Duration) -> NaiveDateTime {
    wall.checked_add_signed(by)
        .unwrap_or(if by < Duration::zero() {
            NaiveDateTime::MIN
        } else {
            NaiveDateTime::MAX
        })
}

/// A key's due date on the wall clock and as instants, worked out once.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DueDates {
    /// The due date's wall time in the person's time zone.
    pub due_wall: NaiveDateTime,
    /// The due date.
    pub due: DateTime<Utc>,
    /// When the key becomes due soon.
    pub soon: DateTime<Utc>,
}

impl DueDates {
    /// The status at `now`.
    pub fn status(&self, now: DateTime<Utc>) -> RotationStatus {
        if now >= self.due {
            RotationStatus::Overdue
        } else if now >= self.soon {
            RotationStatus::DueSoon
        } else {
            RotationStatus::Ok
        }
    }

    /// Whole days of wall-clock time in `tz` from `now` until the due
    /// date: negative once overdue.
    pub fn days_until_due<Tz: TimeZone>(&self, now: DateTime<Utc>, tz: &Tz) -> i64 {
        let now_wall = wall_time(tz, now);
        let due_wall = wall_time(tz, self.due);
        if now < self.due {
            (due_wall - now_wall).num_days().max(0)
        } else {
            -(now_wall - due_wall).num_days().max(0)
        }
    }
}

impl RotationPolicy {
    /// The due dates of a key created at `created`, in `tz`.
    pub fn due_dates<Tz: TimeZone>(&self, created: DateTime<Utc>, tz: &Tz) -> DueDates {
        let due_wall = self.due_wall_time(created, tz);
        let due = resolve(tz, due_wall);
        let soon = resolve(tz, shift_wall(due_wall, -self.lead_time)).min(due);
        DueDates {
            due_wall,
            due,
            soon,
        }
    }

    /// The wall time in `tz` when a key created at `created` must be rotated by.
    pub fn due_wall_time<Tz: TimeZone>(&self, created: DateTime<Utc>, tz: &Tz) -> NaiveDateTime {
        wall_time(tz, created)
            .checked_add_months(Months::new(self.period_months))
            .unwrap_or(NaiveDateTime::MAX)
    }

    /// The moment a key created at `created` must be rotated by.
    pub fn due_at<Tz: TimeZone>(&self, created: DateTime<Utc>, tz: &Tz) -> DateTime<Utc> {
        resolve(tz, self.due_wall_time(created, tz))
    }

    /// The moment a key created at `created` becomes due soon.
    pub fn due_soon_at<Tz: TimeZone>(&self, created: DateTime<Utc>, tz: &Tz) -> DateTime<Utc> {
        self.due_dates(created, tz).soon
    }

    /// Status of a key created at `created`, seen at `now`.
    pub fn status<Tz: TimeZone>(
        &self,
        created: DateTime<Utc>,
        now: DateTime<Utc>,
        tz: &Tz,
    ) -> RotationStatus {
        self.due_dates(created, tz).status(now)
    }

    /// Whole days of wall-clock time from `now` until the due date: negative
    /// once overdue (−12 means twelve full days overdue).
    pub fn days_until_due<Tz: TimeZone>(
        &self,
        created: DateTime<Utc>,
        now: DateTime<Utc>,
        tz: &Tz,
    ) -> i64 {
        self.due_dates(created, tz).days_until_due(now, tz)
    }

    /// The next moment after `now` when this key's status changes, if any.
    pub fn next_change<Tz: TimeZone>(
        &self,
        created: DateTime<Utc>,
        now: DateTime<Utc>,
        tz: &Tz,
    ) -> Option<DateTime<Utc>> {
        let dates = self.due_dates(created, tz);
        [dates.soon, dates.due].into_iter().find(|t| *t > now)
    }
}

/// Whole days of wall-clock time from `created` to `now` (0 for a key from the future).
pub fn age_days<Tz: TimeZone>(created: DateTime<Utc>, now: DateTime<Utc>, tz: &Tz) -> i64 {
    (wall_time(tz, now) - wall_time(tz, created))
        .num_days()
        .max(0)
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
        assert_eq!(policy.due_at(utc(2026, 8, 26), &Utc), utc(2026, 11, 26));
        assert_eq!(policy.due_at(utc(2026, 11, 26), &Utc), utc(2027, 2, 26));
    }

    #[test]
    fn month_ends_clamp_to_the_last_day() {
        let policy = RotationPolicy::default();
        assert_eq!(policy.due_at(utc(2026, 11, 30), &Utc), utc(2027, 2, 28));
        assert_eq!(
            policy.due_at(utc(2027, 11, 30), &Utc),
            utc(2028, 2, 29),
            "leap year"
        );
        assert_eq!(policy.due_at(utc(2026, 3, 31), &Utc), utc(2026, 6, 30));
        assert_eq!(policy.due_at(utc(2026, 5, 31), &Utc), utc(2026, 8, 31));
        assert_eq!(policy.due_at(utc(2027, 11, 29), &Utc), utc(2028, 2, 29));
        assert_eq!(
            policy.due_at(utc(2100, 11, 29), &Utc),
            utc(2101, 2, 28),
            "2100 is not leap"
        );
    }

    #[test]
    fn leap_day_keys_are_due_on_the_29th_of_may() {
        assert_eq!(
            RotationPolicy::default().due_at(utc(2028, 2, 29), &Utc),
            utc(2028, 5, 29)
        );
    }

    #[test]
    fn status_changes_exactly_at_the_lead_time_and_the_due_date() {
        let policy = RotationPolicy::default();
        let created = utc(2026, 1, 10);
        let due = policy.due_at(created, &Utc);
        let soon = due - Duration::days(14);
        let second = Duration::seconds(1);
        assert_eq!(
            policy.status(created, soon - second, &Utc),
            RotationStatus::Ok
        );
        assert_eq!(policy.status(created, soon, &Utc), RotationStatus::DueSoon);
        assert_eq!(
            policy.status(created, due - second, &Utc),
            RotationStatus::DueSoon
        );
        assert_eq!(policy.status(created, due, &Utc), RotationStatus::Overdue);
        assert_eq!(policy.next_change(created, created, &Utc), Some(soon));
        assert_eq!(policy.next_change(created, soon, &Utc), Some(due));
        assert_eq!(policy.next_change(created, due, &Utc), None);
    }

    #[test]
    fn days_until_due_is_negative_when_overdue() {
        let policy = RotationPolicy::default();
        let created = utc(2026, 1, 10);
        let due = policy.due_at(created, &Utc);
        assert_eq!(
            policy.days_until_due(created, due - Duration::days(9), &Utc),
            9
        );
        assert_eq!(
            policy.days_until_due(created, due + Duration::hours(5), &Utc),
            0
        );
        assert_eq!(
            policy.days_until_due(created, due + Duration::days(12), &Utc),
            -12
        );
    }

    #[test]
    fn age_counts_whole_days_and_never_goes_negative() {
        assert_eq!(age_days(utc(2026, 1, 1), utc(2026, 1, 31), &Utc), 30);
        assert_eq!(age_days(utc(2026, 2, 1), utc(2026, 1, 1), &Utc), 0);
    }

    mod in_local_time {
        use super::*;
        use crate::local_time::{resolve, wall_time};
        use chrono::{NaiveDate, NaiveDateTime};
        use chrono_tz::{America, Asia, Australia, Europe, Pacific, Tz};

        fn at(y: i32, m: u32, d: u32, h: u32, min: u32) -> NaiveDateTime {
            NaiveDate::from_ymd_opt(y, m, d)
                .and_then(|d| d.and_hms_opt(h, min, 0))
                .expect("valid test date")
        }

        /// The due wall time in `tz` of a key made at wall time `made` there.
        fn due_wall(tz: Tz, made: NaiveDateTime) -> NaiveDateTime {
            let policy = RotationPolicy::default();
            wall_time(&tz, policy.due_at(resolve(&tz, made), &tz))
        }

        #[test]
        fn st_johns_key_made_on_28_february_at_22_00_is_due_28_may_at_22_00() {
            // UTC−3:30 in February, −2:30 in May; in UTC the key was made on 1 March.
            assert_eq!(
                due_wall(America::St_Johns, at(2023, 2, 28, 22, 0)),
                at(2023, 5, 28, 22, 0)
            );
        }

        #[test]
        fn apia_key_made_on_1_march_at_08_00_is_due_1_june_at_08_00() {
            // UTC+13: in UTC the key was made on 29 February.
            assert_eq!(
                due_wall(Pacific::Apia, at(2024, 3, 1, 8, 0)),
                at(2024, 6, 1, 8, 0)
            );
        }

        #[test]
        fn kathmandu_and_lord_howe_keep_the_wall_time() {
            assert_eq!(
                due_wall(Asia::Kathmandu, at(2026, 1, 31, 23, 50)),
                at(2026, 4, 30, 23, 50),
                "+5:45, month end clamped"
            );
            // Lord Howe: +11 in summer, +10:30 in winter; April's change is in between.
            assert_eq!(
                due_wall(Australia::Lord_Howe, at(2026, 2, 10, 0, 10)),
                at(2026, 5, 10, 0, 10)
            );
        }

        #[test]
        fn month_ends_clamp_in_local_time() {
            // 30 November local, which is already 1 December in UTC at Apia.
            assert_eq!(
                due_wall(Pacific::Apia, at(2027, 11, 30, 20, 0)),
                at(2028, 2, 29, 20, 0)
            );
            // 30 November local, still 30 November evening in St John's but
            // 1 December in UTC.
            assert_eq!(
                due_wall(America::St_Johns, at(2026, 11, 30, 21, 0)),
                at(2027, 2, 28, 21, 0)
            );
        }

        #[test]
        fn daylight_saving_changes_keep_the_wall_time_on_both_hemispheres() {
            // Berlin: made in winter (CET), due in summer (CEST).
            assert_eq!(
                due_wall(Europe::Berlin, at(2026, 1, 15, 9, 30)),
                at(2026, 4, 15, 9, 30)
            );
            // Sydney: made in summer (AEDT), due in winter (AEST).
            assert_eq!(
                due_wall(Australia::Sydney, at(2026, 2, 15, 9, 30)),
                at(2026, 5, 15, 9, 30)
            );
        }

        #[test]
        fn a_due_time_in_a_gap_or_overlap_follows_the_written_rule() {
            let policy = RotationPolicy::default();
            // Made 29 Dec 02:30 in Berlin; due 29 Mar 2026 02:30, in the gap:
            // shifted forward by the gap's length, to 03:30 CEST.
            let made = resolve(&Europe::Berlin, at(2025, 12, 29, 2, 30));
            let due = policy.due_at(made, &Europe::Berlin);
            assert_eq!(wall_time(&Europe::Berlin, due), at(2026, 3, 29, 3, 30));
            // Made 25 Jul 02:30; due 25 Oct 2026 02:30, which happens twice:
            // the earlier one (still CEST, 00:30 UTC).
            let made = resolve(&Europe::Berlin, at(2026, 7, 25, 2, 30));
            assert_eq!(
                policy.due_at(made, &Europe::Berlin),
                at(2026, 10, 25, 0, 30).and_utc()
            );
            // Sydney's spring-forward gap in October.
            let made = resolve(&Australia::Sydney, at(2026, 7, 4, 2, 30));
            let due = policy.due_at(made, &Australia::Sydney);
            assert_eq!(wall_time(&Australia::Sydney, due), at(2026, 10, 4, 3, 30));
        }

        #[test]
        fn due_soon_starts_the_lead_time_earlier_on_the_wall_clock() {
            let policy = RotationPolicy::default();
            // Due 15 April 09:30 CEST; 14 days earlier is 1 April 09:30 CEST,
            // and on 28 March (CET) the key is not yet due soon.
            let made = resolve(&Europe::Berlin, at(2026, 1, 15, 9, 30));
            let soon = policy.due_soon_at(made, &Europe::Berlin);
            assert_eq!(wall_time(&Europe::Berlin, soon), at(2026, 4, 1, 9, 30));
            let before = resolve(&Europe::Berlin, at(2026, 3, 28, 9, 30));
            assert_eq!(
                policy.status(made, before, &Europe::Berlin),
                RotationStatus::Ok
            );
            assert_eq!(
                policy.next_change(made, before, &Europe::Berlin),
                Some(soon)
            );
        }

        #[test]
        fn day_counts_are_whole_days_of_wall_clock_time() {
            let policy = RotationPolicy::default();
            let tz = Europe::Berlin;
            // Across the spring change a wall-clock day has 23 hours.
            let made = resolve(&tz, at(2026, 3, 28, 12, 0));
            let next_day = resolve(&tz, at(2026, 3, 29, 12, 0));
            assert_eq!(age_days(made, next_day, &tz), 1);
            let due = policy.due_at(resolve(&tz, at(2026, 1, 2, 12, 0)), &tz);
            assert_eq!(wall_time(&tz, due), at(2026, 4, 2, 12, 0));
            let made = resolve(&tz, at(2026, 1, 2, 12, 0));
            let week_before = resolve(&tz, at(2026, 3, 26, 12, 0));
            assert_eq!(policy.days_until_due(made, week_before, &tz), 7);
            let days_late = resolve(&tz, at(2026, 4, 5, 11, 0));
            assert_eq!(policy.days_until_due(made, days_late, &tz), -2);
        }
    }
}
