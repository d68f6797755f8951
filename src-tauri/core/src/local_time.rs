//! Wall-clock time in the person's time zone, turned into instants by one
//! written rule.
//!
//! Keyward stores instants (UTC) but people think in the local wall time of
//! their computer: a key named `…-28_02_2023-22_00` was made at 22:00 on
//! 28 February *there*, and is due three calendar months later at 22:00
//! *there*. Every function takes the time zone as a parameter (any chrono
//! [`TimeZone`]); the app passes chrono's `Local` (which follows `TZ`), tests
//! pass fixed zones.
//!
//! Promises — how a wall time becomes an instant ([`resolve`]):
//! - A wall time that exists once is that instant.
//! - A wall time that exists twice (the clocks go back: an overlap) is the
//!   **earlier** of the two instants.
//! - A wall time that does not exist (the clocks go forward: a gap) is
//!   **shifted forward by the length of the gap**: 02:30 in a one-hour gap
//!   that starts at 02:00 becomes 03:30 (the instant that 02:30 would be had
//!   the clocks not changed yet). A gap is never read as "now", and the
//!   result is never before the gap.
//!
//! This is the rule of RFC 5545 and JavaScript's `Temporal` ("compatible").

use chrono::{DateTime, Duration, LocalResult, NaiveDateTime, Offset, TimeZone, Utc};

/// The instant the wall time `local` stands for in `tz`, by the rule above.
pub fn resolve<Tz: TimeZone>(tz: &Tz, local: NaiveDateTime) -> DateTime<Utc> {
    match tz.from_local_datetime(&local) {
        LocalResult::Single(t) => t.with_timezone(&Utc),
        LocalResult::Ambiguous(earlier, later) => earlier.min(later.clone()).with_timezone(&Utc),
        LocalResult::None => shifted_past_gap(tz, local),
    }
}

/// A wall time in a gap, read with the offset in force just before the gap.
fn shifted_past_gap<Tz: TimeZone>(tz: &Tz, local: NaiveDateTime) -> DateTime<Utc> {
    // The latest wall time before `local` that exists carries the offset in
    // force before the gap. Gaps last at most a day (Samoa skipped
    // 30 December 2011), so looking back a little over a day finds one.
    let mut back = Duration::minutes(15);
    while back <= Duration::hours(50) {
        let before = local.checked_sub_signed(back);
        if let Some(offset) = before.and_then(|b| tz.offset_from_local_datetime(&b).earliest()) {
            let offset = Duration::seconds(i64::from(offset.fix().local_minus_utc()));
            return local
                .checked_sub_signed(offset)
                .map_or(DateTime::<Utc>::MAX_UTC, |utc| utc.and_utc());
        }
        back = back * 2;
    }
    // No zone has a gap longer than two days: this is the end of time.
    if local.and_utc() > DateTime::<Utc>::MAX_UTC - Duration::days(3) {
        DateTime::<Utc>::MAX_UTC
    } else {
        local.and_utc()
    }
}

/// An RFC 3339 instant as the person reads it in `tz`: `2026-05-28`, or
/// `2026-05-28 22:00` `with_time`. Text that is not RFC 3339 is returned as
/// is. For an instant already typed, use [`local_text_of`].
pub fn local_text<Tz: TimeZone>(rfc3339: &str, tz: &Tz, with_time: bool) -> String {
    match DateTime::parse_from_rfc3339(rfc3339) {
        Ok(instant) => local_text_of(instant.with_timezone(&Utc), tz, with_time),
        Err(_) => rfc3339.to_owned(),
    }
}

/// `instant` as the person reads it in `tz`: `2026-05-28` (the date on
/// their calendar), or `2026-05-28 22:00` `with_time`.
pub fn local_text_of<Tz: TimeZone>(instant: DateTime<Utc>, tz: &Tz, with_time: bool) -> String {
    let format = if with_time {
        "%Y-%m-%d %H:%M"
    } else {
        "%Y-%m-%d"
    };
    wall_time(tz, instant).format(format).to_string()
}

/// The wall time of `instant` in `tz`.
pub fn wall_time<Tz: TimeZone>(tz: &Tz, instant: DateTime<Utc>) -> NaiveDateTime {
    instant.with_timezone(tz).naive_local()
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::NaiveDate;
    use chrono_tz::{America, Australia, Europe, Pacific};

    fn at(y: i32, m: u32, d: u32, h: u32, min: u32) -> NaiveDateTime {
        NaiveDate::from_ymd_opt(y, m, d)
            .and_then(|d| d.and_hms_opt(h, min, 0))
            .expect("valid test date")
    }

    fn utc(y: i32, m: u32, d: u32, h: u32, min: u32) -> DateTime<Utc> {
        at(y, m, d, h, min).and_utc()
    }

    #[test]
    fn an_ordinary_wall_time_is_that_instant() {
        // St John's is UTC−3:30 in winter.
        assert_eq!(
            resolve(&America::St_Johns, at(2023, 2, 28, 22, 0)),
            utc(2023, 3, 1, 1, 30)
        );
    }

    #[test]
    fn a_wall_time_in_a_spring_forward_gap_is_shifted_forward_by_the_gap() {
        // Berlin, 29 March 2026: 02:00 CET jumps to 03:00 CEST.
        let instant = resolve(&Europe::Berlin, at(2026, 3, 29, 2, 30));
        assert_eq!(instant, utc(2026, 3, 29, 1, 30), "02:30 CET = 01:30 UTC");
        assert_eq!(wall_time(&Europe::Berlin, instant), at(2026, 3, 29, 3, 30));
        // Sydney, 4 October 2026: 02:00 AEST jumps to 03:00 AEDT.
        let sydney = resolve(&Australia::Sydney, at(2026, 10, 4, 2, 15));
        assert_eq!(
            wall_time(&Australia::Sydney, sydney),
            at(2026, 10, 4, 3, 15)
        );
        // Lord Howe, 4 October 2026: 02:00 jumps to 02:30 (half an hour).
        let lord_howe = resolve(&Australia::Lord_Howe, at(2026, 10, 4, 2, 10));
        assert_eq!(
            wall_time(&Australia::Lord_Howe, lord_howe),
            at(2026, 10, 4, 2, 40)
        );
    }

    #[test]
    fn a_wall_time_in_an_overlap_is_the_earlier_instant() {
        // Berlin, 25 October 2026: 02:30 happens at 00:30 UTC and 01:30 UTC.
        assert_eq!(
            resolve(&Europe::Berlin, at(2026, 10, 25, 2, 30)),
            utc(2026, 10, 25, 0, 30)
        );
        // Sydney, 5 April 2026: 02:30 happens at 15:30 and 16:30 UTC the day before.
        assert_eq!(
            resolve(&Australia::Sydney, at(2026, 4, 5, 2, 30)),
            utc(2026, 4, 4, 15, 30)
        );
        // Lord Howe goes back half an hour: 01:45 happens at 14:45 and 15:15 UTC.
        assert_eq!(
            resolve(&Australia::Lord_Howe, at(2026, 4, 5, 1, 45)),
            utc(2026, 4, 4, 14, 45)
        );
    }

    #[test]
    fn instants_are_shown_as_local_dates() {
        let instant = "2023-05-29T00:30:00Z";
        assert_eq!(
            local_text(instant, &America::St_Johns, true),
            "2023-05-28 22:00"
        );
        assert_eq!(local_text(instant, &America::St_Johns, false), "2023-05-28");
        assert_eq!(local_text(instant, &Utc, false), "2023-05-29");
        assert_eq!(local_text("soon", &Utc, false), "soon");
        let typed = DateTime::parse_from_rfc3339(instant).unwrap().to_utc();
        assert_eq!(
            local_text_of(typed, &America::St_Johns, false),
            "2023-05-28"
        );
        assert_eq!(local_text_of(typed, &Utc, true), "2023-05-29 00:30");
    }

    #[test]
    fn the_day_samoa_skipped_is_read_as_the_next_day() {
        // Apia went from UTC−10 to UTC+14 at the end of 29 December 2011.
        let instant = resolve(&Pacific::Apia, at(2011, 12, 30, 10, 0));
        assert_eq!(wall_time(&Pacific::Apia, instant), at(2011, 12, 31, 10, 0));
    }
}
