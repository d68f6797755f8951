//! Reminder stages under changing settings and a clock that moves both
//! ways: the reported cases, the earlier catalog format, and a model-based
//! property test against a plain reference model.

use super::*;
use crate::local_time::{resolve, wall_time};
use chrono::Months;

/// A key named `k` made at `created`.
fn key(created: DateTime<Utc>) -> KeyRecord {
    super::tests::key("k", created)
}

fn rules(months: u32, lead_days: i64, repeat_days: i64) -> ReminderPolicy {
    ReminderPolicy {
        rotation: RotationPolicy {
            period_months: months,
            lead_time: Duration::days(lead_days),
        },
        repeat: Duration::days(repeat_days),
    }
}

fn utc(y: i32, m: u32, d: u32) -> DateTime<Utc> {
    chrono::TimeZone::with_ymd_and_hms(&Utc, y, m, d, 9, 0, 0)
        .single()
        .unwrap()
}

/// One look as the reminder task makes it: plan, then record what was announced.
fn look(policy: &ReminderPolicy, records: &mut [KeyRecord], now: DateTime<Utc>) -> Vec<Stage> {
    let plan = policy.plan(records, now, &Utc);
    mark_announced(records, &plan.announce, now);
    plan.announce.into_iter().map(|r| r.stage).collect()
}

/// The first moment in `[from, to]` (looking hourly) when a look announces something.
fn next_reminder(
    policy: &ReminderPolicy,
    records: &mut [KeyRecord],
    from: DateTime<Utc>,
    to: DateTime<Utc>,
) -> Option<(DateTime<Utc>, Vec<Stage>)> {
    let mut now = from;
    while now <= to {
        let announced = look(policy, records, now);
        if !announced.is_empty() {
            return Some((now, announced));
        }
        now += Duration::hours(1);
    }
    None
}

#[test]
fn repeat_changed_from_7_to_14_days_on_a_key_70_days_overdue_reminds_14_days_later() {
    let created = utc(2026, 1, 10);
    let due = utc(2026, 4, 10);
    let mut records = vec![key(created)];
    let weekly = rules(3, 14, 7);
    assert_eq!(
        look(&weekly, &mut records, due + Duration::days(70)),
        [Stage::Overdue(9)]
    );
    let fortnightly = rules(3, 14, 14);
    let (when, stages) = next_reminder(
        &fortnightly,
        &mut records,
        due + Duration::days(70),
        due + Duration::days(140),
    )
    .expect("a reminder within the next 70 days");
    assert_eq!(
        when,
        due + Duration::days(84),
        "the next fortnightly stage, not 56 days of silence"
    );
    assert_eq!(stages, [Stage::Overdue(5)]);
}

#[test]
fn rotation_period_changed_from_3_to_6_months_after_due_announces_the_new_upcoming_and_due() {
    let created = utc(2026, 1, 10);
    let mut records = vec![key(created)];
    let three = rules(3, 14, 7);
    assert_eq!(look(&three, &mut records, utc(2026, 4, 10)), [Stage::Due]);
    let six = rules(6, 14, 7);
    let due6 = utc(2026, 7, 10);
    let (when, stages) =
        next_reminder(&six, &mut records, utc(2026, 4, 11), due6).expect("the new due soon");
    assert_eq!(
        (when, stages),
        (due6 - Duration::days(14), vec![Stage::Upcoming])
    );
    let (when, stages) = next_reminder(&six, &mut records, when + Duration::hours(1), due6)
        .expect("the new due date");
    assert_eq!((when, stages), (due6, vec![Stage::Due]));
}

#[test]
fn a_stage_stored_from_a_clock_years_ahead_does_not_silence_the_key_once_the_clock_is_back() {
    let created = utc(2026, 1, 10);
    let due = utc(2026, 4, 10);
    let mut records = vec![key(created)];
    let policy = ReminderPolicy::default();
    let years_ahead = due + Duration::days(3 * 365);
    assert_eq!(look(&policy, &mut records, years_ahead).len(), 1);
    // Back to the real time: 57 days overdue.
    let real = due + Duration::days(57);
    assert_eq!(look(&policy, &mut records, real), [Stage::Overdue(7)]);
    assert!(
        look(&policy, &mut records, real + Duration::hours(1)).is_empty(),
        "once"
    );
    assert_eq!(
        look(&policy, &mut records, due + Duration::days(63)),
        [Stage::Overdue(8)],
        "and the next repeat comes as usual"
    );
}

#[test]
fn catalogs_that_stored_the_last_stage_as_an_ordinal_still_load_and_keep_it_announced() {
    let policy = ReminderPolicy::default();
    let due = utc(2026, 4, 10);
    let announced_at = due + Duration::days(22);
    for (old, stage_then) in [
        (
            serde_json::json!({"stage": "overdue", "repeat": 2}),
            Stage::Overdue(2),
        ),
        (serde_json::json!({"stage": "due"}), Stage::Due),
    ] {
        let mut value = serde_json::to_value(key(utc(2026, 1, 10))).unwrap();
        value["reminder"] = serde_json::json!({
            "announced": old,
            "announced_at": announced_at,
            "snoozes": {"stage": "overdue", "count": 1},
        });
        let mut records: Vec<KeyRecord> =
            serde_json::from_value(serde_json::json!([value])).expect("the earlier format loads");
        let state = &records[0].reminder;
        assert_eq!(state.announced_at, Some(announced_at));
        assert_eq!(state.snoozes_at(SnoozeStage::Overdue), 1);
        assert!(!state.announced_stages.is_empty(), "{stage_then:?} kept");
        if stage_then == Stage::Overdue(2) {
            assert!(
                look(&policy, &mut records, announced_at + Duration::hours(1)).is_empty(),
                "the stage announced then is not announced again"
            );
        }
        assert_eq!(
            look(&policy, &mut records, due + Duration::days(28)),
            [Stage::Overdue(3)],
            "the next stage comes as usual"
        );
        // Saved again, it is in the new format and reads back the same.
        let saved = serde_json::to_value(&records[0].reminder).unwrap();
        assert!(saved.get("announced").is_none(), "{saved}");
        assert!(saved.get("announced_stages").is_some(), "{saved}");
        let reread: ReminderState = serde_json::from_value(saved).unwrap();
        assert_eq!(reread, records[0].reminder);
    }
}

#[test]
fn a_snooze_still_silences_the_key_and_then_reminds_of_the_stage_again() {
    let policy = ReminderPolicy::default();
    let due = utc(2026, 4, 10);
    let mut records = vec![key(utc(2026, 1, 10))];
    assert_eq!(look(&policy, &mut records, due), [Stage::Due]);
    snooze(&mut records[0], due + Duration::days(2), SnoozeStage::Due);
    assert!(look(&policy, &mut records, due + Duration::days(1)).is_empty());
    assert_eq!(
        look(&policy, &mut records, due + Duration::days(2)),
        [Stage::Due]
    );
    assert!(look(&policy, &mut records, due + Duration::days(3)).is_empty());
}

mod property {
    use super::*;
    use chrono_tz::Tz;
    use proptest::prelude::*;

    #[derive(Debug, Clone, Copy)]
    struct Settings {
        months: u32,
        lead: i64,
        repeat: i64,
    }

    #[derive(Debug, Clone)]
    enum Op {
        Months(u32),
        Lead(i64),
        Repeat(i64),
        /// Clock forward by so many hours.
        Forward(i64),
        /// Clock back by so many hours.
        Back(i64),
        /// Clock set years ahead.
        FarAhead(i64),
        /// Reminders paused for so many days.
        Snooze(i64),
        Look,
    }

    fn op() -> impl Strategy<Value = Op> {
        prop_oneof![
            1 => (1u32..=6).prop_map(Op::Months),
            1 => (1i64..=30).prop_map(Op::Lead),
            1 => (1i64..=21).prop_map(Op::Repeat),
            3 => (1i64..=24 * 20).prop_map(Op::Forward),
            1 => (1i64..=24 * 60).prop_map(Op::Back),
            1 => (1i64..=4).prop_map(Op::FarAhead),
            1 => (1i64..=7).prop_map(Op::Snooze),
            6 => Just(Op::Look),
        ]
    }

    fn zone() -> impl Strategy<Value = Tz> {
        prop_oneof![
            Just(Tz::UTC),
            Just(Tz::Europe__Berlin),
            Just(Tz::Australia__Lord_Howe),
            Just(Tz::America__St_Johns),
            Just(Tz::Pacific__Apia),
        ]
    }

    /// The plain reference: the stage starts up to `now`, listed one by one
    /// on the wall clock (urgency 0 upcoming, 1 due, 2 overdue), and the
    /// current stage is the last one started.
    fn current_stage(
        created: DateTime<Utc>,
        s: Settings,
        tz: &Tz,
        now: DateTime<Utc>,
    ) -> Option<(u8, DateTime<Utc>)> {
        let due_wall = wall_time(tz, created)
            .checked_add_months(Months::new(s.months))
            .unwrap();
        let mut stages = vec![
            (0, resolve(tz, due_wall - Duration::days(s.lead))),
            (1, resolve(tz, due_wall)),
        ];
        // Stages more than a few repeats before now cannot be the last one
        // started (boundaries move by at most a day in a time-zone change).
        let elapsed = (wall_time(tz, now) - due_wall).num_days();
        let mut k = (elapsed / s.repeat - 3).max(1);
        loop {
            let start = resolve(tz, due_wall + Duration::days(s.repeat * k));
            if start > now {
                break;
            }
            stages.push((2, start));
            k += 1;
        }
        stages.into_iter().rfind(|(_, start)| *start <= now)
    }

    /// The reference's memory: every announcement since the last snooze,
    /// in order. A stage counts as announced when, for some kind at least
    /// as urgent, the latest announcement of that kind started between the
    /// stage's start and now.
    #[derive(Default)]
    struct Reference {
        log: Vec<(u8, DateTime<Utc>)>,
        snoozed_until: Option<DateTime<Utc>>,
    }

    impl Reference {
        fn covered(&self, (urgency, start): (u8, DateTime<Utc>), now: DateTime<Utc>) -> bool {
            (urgency..=3).any(|kind| {
                self.log
                    .iter()
                    .rev()
                    .find(|(k, _)| *k == kind)
                    .is_some_and(|(_, t)| start <= *t && *t <= now)
            })
        }

        fn look(
            &mut self,
            stage: Option<(u8, DateTime<Utc>)>,
            now: DateTime<Utc>,
        ) -> Option<(u8, DateTime<Utc>)> {
            if self.snoozed_until.is_some_and(|t| t > now) {
                return None;
            }
            let stage = stage.filter(|s| !self.covered(*s, now))?;
            // An announcement ends any snooze.
            self.snoozed_until = None;
            self.log.push(stage);
            Some(stage)
        }
    }

    fn urgency(stage: Stage) -> u8 {
        match stage {
            Stage::Upcoming => 0,
            Stage::Due => 1,
            Stage::Overdue(_) => 2,
            Stage::DeleteReplaced => 3,
        }
    }

    /// One key as the reference sees it.
    struct Tracked {
        created: DateTime<Utc>,
        reference: Reference,
        /// Stages told, for the "never again" check: a kind's entries are
        /// forgotten when the clock is found before its latest
        /// announcement, and all of them by a snooze.
        told: Vec<(u8, DateTime<Utc>)>,
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 1000, ..ProptestConfig::default() })]

        #[test]
        fn every_stage_is_announced_once_whatever_the_settings_and_the_clock_do(
            tz in zone(),
            created_hours in proptest::collection::vec(0i64..24 * 365, 1..4),
            start_days in 0i64..450,
            ops in proptest::collection::vec(op(), 1..80),
        ) {
            let first = utc(2025, 1, 1);
            let mut keys: Vec<Tracked> = created_hours
                .iter()
                .map(|h| Tracked {
                    created: first + Duration::hours(*h),
                    reference: Reference::default(),
                    told: Vec::new(),
                })
                .collect();
            let mut records: Vec<KeyRecord> = keys
                .iter()
                .enumerate()
                .map(|(i, k)| KeyRecord { id: format!("id-{i}"), ..key(k.created) })
                .collect();
            let mut now = first + Duration::days(start_days);
            let mut settings = Settings { months: 3, lead: 14, repeat: 7 };
            for (step, op) in ops.into_iter().enumerate() {
                match op {
                    Op::Months(m) => settings.months = m,
                    Op::Lead(d) => settings.lead = d,
                    Op::Repeat(d) => settings.repeat = d,
                    Op::Forward(h) => now += Duration::hours(h),
                    Op::Back(h) => now -= Duration::hours(h),
                    Op::FarAhead(y) => now += Duration::days(365 * y),
                    Op::Snooze(d) => {
                        // A different key each time.
                        let i = step % keys.len();
                        let policy = rules(settings.months, settings.lead, settings.repeat);
                        let stage = SnoozeStage::of(policy.stage(&records[i], now, &tz).0);
                        snooze(&mut records[i], now + Duration::days(d), stage);
                        keys[i].reference.snoozed_until = Some(now + Duration::days(d));
                        keys[i].reference.log.clear();
                        keys[i].told.clear();
                    }
                    Op::Look => {
                        let policy = rules(settings.months, settings.lead, settings.repeat);
                        let plan = policy.plan(&records, now, &tz);
                        mark_announced(&mut records, &plan.announce, now);
                        for (i, tracked) in keys.iter_mut().enumerate() {
                            let id = format!("id-{i}");
                            let got: Vec<(u8, DateTime<Utc>)> = plan
                                .announce
                                .iter()
                                .filter(|r| r.id == id)
                                .map(|r| (urgency(r.stage), r.starts_at))
                                .collect();
                            let current = current_stage(tracked.created, settings, &tz, now);
                            let expected: Vec<_> =
                                tracked.reference.look(current, now).into_iter().collect();
                            prop_assert_eq!(&got, &expected, "key {} at {} with {:?}", i, now, settings);
                            // Never again: not told before (unless forgotten as above).
                            for kind in 0..=3u8 {
                                let latest = tracked
                                    .reference
                                    .log
                                    .iter()
                                    .rev()
                                    .skip(got.len())
                                    .find(|(k, _)| *k == kind);
                                if latest.is_some_and(|(_, t)| *t > now) {
                                    tracked.told.retain(|(k, _)| *k != kind);
                                }
                            }
                            for stage in &got {
                                prop_assert!(
                                    !tracked.told.contains(stage),
                                    "{:?} told twice, at {}", stage, now
                                );
                                tracked.told.push(*stage);
                            }
                            // Every stage due is announced: the current stage counts as told.
                            if tracked.reference.snoozed_until.is_none_or(|t| t <= now)
                                && let Some(stage) = current
                            {
                                prop_assert!(tracked.reference.covered(stage, now));
                            }
                        }
                        // Exactly once: looking again at once announces nothing.
                        prop_assert!(policy.plan(&records, now, &tz).announce.is_empty());
                    }
                }
            }
        }
    }
}
