//! Rotation reminders: which stage each key has reached, what to announce,
//! and when to look again. Pure functions: `now` and the person's time zone
//! are always passed in.
//!
//! Stages of a key, in order: `upcoming` (lead time before the due date),
//! `due` (the due date), `overdue` (one repeat interval after it), then a
//! repeat every interval while it stays overdue, all counted on the wall
//! clock of the person's time zone (see [`crate::rotation`]). A replaced key instead has
//! one stage, `delete_replaced`, when its grace period ends.
//!
//! A stage is known by its kind and the instant it starts *under the
//! settings in force now* (changing the period, lead time or repeat moves
//! the instants). What is remembered, per key and per kind, is the start of
//! the last stage of that kind announced ([`AnnouncedStages`], stored in the
//! catalog, so it holds across restarts).
//!
//! The rule: the key's current stage is announced unless a stage of the same
//! or a more urgent kind was announced whose start lies between the current
//! stage's start and now. A remembered start that lies in the future of now
//! (the clock was ahead, then set back) binds nothing.
//!
//! Promises, whatever the settings and the clock did: the stage a key is in
//! under the current settings is announced once, at the first look that
//! finds it not yet announced, and never again unless the clock is set
//! back before the start of the last stage of that kind announced (what was
//! announced from a clock that was ahead binds nothing); if several stages
//! passed while Keyward was not looking, only the latest is announced; a snoozed
//! key is silent until the snooze ends, and its current stage is then
//! announced again. Catalogs that remember the last stage as an ordinal (an
//! earlier format) still load: that stage counts as starting when it was
//! announced.

use chrono::{DateTime, Duration, NaiveDateTime, TimeZone, Utc};
use serde::{Deserialize, Serialize};

use crate::local_time::{resolve, wall_time};
use crate::record::{KeyRecord, KeyState};
use crate::rotation::{DueDates, RotationPolicy, shift_wall};

/// A reminder stage. Ordered: later stages compare greater.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "stage", content = "repeat")]
pub enum Stage {
    /// Due within the lead time.
    Upcoming,
    /// The due date has come.
    Due,
    /// Overdue; `0` is the first overdue reminder, then one per repeat interval.
    Overdue(u32),
    /// A replaced key whose grace period is over: delete it.
    DeleteReplaced,
}

impl Stage {
    /// How urgent a stage is: an announcement of a kind at least this
    /// urgent covers it.
    fn urgency(self) -> u8 {
        match self {
            Self::Upcoming => 0,
            Self::Due => 1,
            Self::Overdue(_) => 2,
            Self::DeleteReplaced => 3,
        }
    }
}

/// A stage and the instant it started.
pub type StageStart = (Stage, DateTime<Utc>);

/// For each kind of stage, the start of the last stage of that kind
/// announced (under the settings in force when it was announced).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct AnnouncedStages {
    /// The last `upcoming` stage announced.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub upcoming: Option<DateTime<Utc>>,
    /// The last `due` stage announced.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub due: Option<DateTime<Utc>>,
    /// The last `overdue` stage announced (any repeat).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub overdue: Option<DateTime<Utc>>,
    /// The last `delete_replaced` stage announced.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub delete_replaced: Option<DateTime<Utc>>,
}

impl AnnouncedStages {
    /// Whether nothing is remembered.
    pub fn is_empty(&self) -> bool {
        *self == Self::default()
    }

    /// The remembered starts, with the urgency of their kind.
    fn by_urgency(&self) -> [(u8, Option<DateTime<Utc>>); 4] {
        [
            (0, self.upcoming),
            (1, self.due),
            (2, self.overdue),
            (3, self.delete_replaced),
        ]
    }

    /// Whether a `stage` that started at `start` counts as announced at
    /// `now`: a stage at least as urgent was announced that starts between
    /// `start` and `now` (one starting in the future of `now` binds nothing).
    pub fn covers(&self, stage: Stage, start: DateTime<Utc>, now: DateTime<Utc>) -> bool {
        self.by_urgency().into_iter().any(|(urgency, announced)| {
            urgency >= stage.urgency() && announced.is_some_and(|t| start <= t && t <= now)
        })
    }

    /// Remembers that `stage`, starting at `start`, was announced.
    pub fn remember(&mut self, stage: Stage, start: DateTime<Utc>) {
        let slot = match stage {
            Stage::Upcoming => &mut self.upcoming,
            Stage::Due => &mut self.due,
            Stage::Overdue(_) => &mut self.overdue,
            Stage::DeleteReplaced => &mut self.delete_replaced,
        };
        *slot = Some(start);
    }
}

/// What reminders a key has had.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(from = "StoredReminderState")]
pub struct ReminderState {
    /// The stages announced, by kind.
    #[serde(default, skip_serializing_if = "AnnouncedStages::is_empty")]
    pub announced_stages: AnnouncedStages,
    /// When the last one was announced.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub announced_at: Option<DateTime<Utc>>,
    /// No reminders until then.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub snoozed_until: Option<DateTime<Utc>>,
    /// How often reminders were paused at the key's stage (an organisation can cap this).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub snoozes: Option<SnoozeCount>,
}

/// The stage a pause is counted against. All overdue repeats count as one
/// stage, so a weekly pause cannot outlast the organisation's cap by
/// waiting for the next repeat.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SnoozeStage {
    /// Before any reminder stage.
    Early,
    /// Due within the lead time.
    Upcoming,
    /// The due date has come.
    Due,
    /// Overdue, whatever the repeat.
    Overdue,
    /// A replaced key that should be deleted.
    DeleteReplaced,
}

impl SnoozeStage {
    /// The stage pauses of a key at `stage` count against.
    pub fn of(stage: Option<Stage>) -> Self {
        match stage {
            None => Self::Early,
            Some(Stage::Upcoming) => Self::Upcoming,
            Some(Stage::Due) => Self::Due,
            Some(Stage::Overdue(_)) => Self::Overdue,
            Some(Stage::DeleteReplaced) => Self::DeleteReplaced,
        }
    }
}

/// Pauses at one stage.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct SnoozeCount {
    /// The stage the pauses were made at.
    pub stage: SnoozeStage,
    /// How many.
    pub count: u32,
}

/// [`ReminderState`] as stored, including the earlier format's `announced`
/// (the last stage as an ordinal under the settings of the time).
#[derive(Deserialize)]
struct StoredReminderState {
    #[serde(default)]
    announced_stages: AnnouncedStages,
    #[serde(default)]
    announced: Option<Stage>,
    #[serde(default)]
    announced_at: Option<DateTime<Utc>>,
    #[serde(default)]
    snoozed_until: Option<DateTime<Utc>>,
    #[serde(default)]
    snoozes: Option<SnoozeCount>,
}

impl From<StoredReminderState> for ReminderState {
    fn from(stored: StoredReminderState) -> Self {
        let mut announced_stages = stored.announced_stages;
        // The earlier format: the stage started at or before it was
        // announced, so it counts as starting then. Without a time it binds
        // nothing (the current stage is announced once more).
        if let (Some(stage), Some(at)) = (stored.announced, stored.announced_at)
            && announced_stages.is_empty()
        {
            announced_stages.remember(stage, at);
        }
        Self {
            announced_stages,
            announced_at: stored.announced_at,
            snoozed_until: stored.snoozed_until,
            snoozes: stored.snoozes,
        }
    }
}

impl ReminderState {
    /// How often reminders were paused at `stage` so far.
    pub fn snoozes_at(&self, stage: SnoozeStage) -> u32 {
        self.snoozes
            .filter(|s| s.stage == stage)
            .map_or(0, |s| s.count)
    }
}

/// The reminder rules.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ReminderPolicy {
    /// Due date and lead time.
    pub rotation: RotationPolicy,
    /// Interval between overdue reminders.
    pub repeat: Duration,
}

impl Default for ReminderPolicy {
    fn default() -> Self {
        Self {
            rotation: RotationPolicy::default(),
            repeat: Duration::days(7),
        }
    }
}

/// One key that has reached a stage not yet announced.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reminder {
    /// The key's id.
    pub id: String,
    /// The key's name.
    pub name: String,
    /// The stage reached.
    pub stage: Stage,
    /// When that stage started, under the settings in force.
    pub starts_at: DateTime<Utc>,
    /// Whole days overdue (0 when not overdue).
    pub days_overdue: i64,
    /// Someone said the key leaked.
    pub leaked: bool,
}

/// What to announce now, and when to look again.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Plan {
    /// Keys to announce, oldest due date first.
    pub announce: Vec<Reminder>,
    /// The next moment something could change (a stage boundary or a snooze ending).
    pub next_wake: Option<DateTime<Utc>>,
}

impl ReminderPolicy {
    /// The start of overdue stage `k` (`0` is the due date itself): `k`
    /// repeat intervals after the due date on the wall clock of `tz`.
    fn overdue_start<Tz: TimeZone>(
        &self,
        due_wall: NaiveDateTime,
        k: i64,
        tz: &Tz,
    ) -> DateTime<Utc> {
        let offset = self
            .repeat()
            .checked_mul(i32::try_from(k).unwrap_or(i32::MAX))
            .unwrap_or(Duration::MAX);
        resolve(tz, shift_wall(due_wall, offset))
    }

    /// The repeat interval, at least an hour.
    fn repeat(&self) -> Duration {
        self.repeat.max(Duration::hours(1))
    }

    /// The stage `record` is in at `now` (stage boundaries on the wall clock
    /// of `tz`), and when its next stage starts.
    pub fn stage<Tz: TimeZone>(
        &self,
        record: &KeyRecord,
        now: DateTime<Utc>,
        tz: &Tz,
    ) -> (Option<Stage>, Option<DateTime<Utc>>) {
        let (current, next) = self.stage_at(record, now, tz);
        (current.map(|(stage, _)| stage), next)
    }

    /// The stage `record` is in at `now` with the instant it started, and
    /// when its next stage starts. A key said to have leaked, not yet
    /// replaced, needs rotating now: at least `due`, from when it leaked
    /// (so the leak is announced even when its stage already was).
    pub fn stage_at<Tz: TimeZone>(
        &self,
        record: &KeyRecord,
        now: DateTime<Utc>,
        tz: &Tz,
    ) -> (Option<StageStart>, Option<DateTime<Utc>>) {
        let (current, next) = self.stage_by_age(record, now, tz);
        match record.leaked_at {
            Some(leaked) if record.delete_after.is_none() && leaked <= now => {
                let stage = match current {
                    Some((_, start)) if start >= leaked => return (current, next),
                    Some((stage @ (Stage::Due | Stage::Overdue(_)), _)) => stage,
                    _ => Stage::Due,
                };
                (Some((stage, leaked)), next)
            }
            _ => (current, next),
        }
    }

    /// [`ReminderPolicy::stage_at`] by the key's age (and replacement) alone.
    fn stage_by_age<Tz: TimeZone>(
        &self,
        record: &KeyRecord,
        now: DateTime<Utc>,
        tz: &Tz,
    ) -> (Option<StageStart>, Option<DateTime<Utc>>) {
        if let Some(delete_after) = record.delete_after {
            return if now >= delete_after {
                (Some((Stage::DeleteReplaced, delete_after)), None)
            } else {
                (None, Some(delete_after))
            };
        }
        let DueDates {
            due_wall,
            due,
            soon,
        } = self.rotation.due_dates(record.created_at, tz);
        if now < soon {
            return (None, Some(soon));
        }
        if now < due {
            return (Some((Stage::Upcoming, soon)), Some(due));
        }
        // A first guess from the wall clock, then corrected against the
        // instants (a daylight-saving change can move a boundary by an hour).
        let repeat = self.repeat().num_seconds();
        let mut periods = ((wall_time(tz, now) - due_wall).num_seconds() / repeat).max(0);
        while periods > 0 && self.overdue_start(due_wall, periods, tz) > now {
            periods -= 1;
        }
        while self.overdue_start(due_wall, periods + 1, tz) <= now && periods < i64::from(u32::MAX)
        {
            periods += 1;
        }
        let next = self.overdue_start(due_wall, periods + 1, tz);
        let (stage, start) = match periods {
            0 => (Stage::Due, due),
            n => (
                Stage::Overdue(u32::try_from(n - 1).unwrap_or(u32::MAX)),
                self.overdue_start(due_wall, n, tz),
            ),
        };
        (Some((stage, start)), (next > now).then_some(next))
    }

    /// Decides what to announce at `now` over every complete key, with
    /// stage boundaries on the wall clock of `tz`.
    pub fn plan<Tz: TimeZone>(&self, records: &[KeyRecord], now: DateTime<Utc>, tz: &Tz) -> Plan {
        let mut plan = Plan::default();
        let mut wake = |t: DateTime<Utc>| {
            if t > now && plan.next_wake.is_none_or(|w| t < w) {
                plan.next_wake = Some(t);
            }
        };
        for record in records.iter().filter(|r| r.state == KeyState::Active) {
            let (current, next) = self.stage_at(record, now, tz);
            if let Some(next) = next {
                wake(next);
            }
            if let Some(until) = record.reminder.snoozed_until.filter(|t| *t > now) {
                wake(until);
                continue;
            }
            let Some((stage, starts_at)) = current else {
                continue;
            };
            if record
                .reminder
                .announced_stages
                .covers(stage, starts_at, now)
            {
                continue;
            }
            plan.announce.push(Reminder {
                id: record.id.clone(),
                name: record.name.to_string(),
                stage,
                starts_at,
                days_overdue: if stage == Stage::DeleteReplaced {
                    0
                } else {
                    (-self.rotation.days_until_due(record.created_at, now, tz)).max(0)
                },
                leaked: record.leaked_at.is_some(),
            });
        }
        plan.announce.sort_by(|a, b| {
            b.days_overdue
                .cmp(&a.days_overdue)
                .then_with(|| a.name.cmp(&b.name))
        });
        plan
    }
}

/// Records that `reminders` were announced at `now` (for the catalog).
/// One pass over the keys, whatever the number of reminders.
pub fn mark_announced(records: &mut [KeyRecord], reminders: &[Reminder], now: DateTime<Utc>) {
    let by_id: std::collections::HashMap<&str, &Reminder> =
        reminders.iter().map(|r| (r.id.as_str(), r)).collect();
    for record in records.iter_mut() {
        if let Some(reminder) = by_id.get(record.id.as_str()) {
            let state = &mut record.reminder;
            state
                .announced_stages
                .remember(reminder.stage, reminder.starts_at);
            state.announced_at = Some(now);
            state.snoozed_until = None;
        }
    }
}

/// Silences a key until `until`; its current stage is announced again then.
/// `stage` is the stage the key is in now: the pause is counted against it.
pub fn snooze(record: &mut KeyRecord, until: DateTime<Utc>, stage: SnoozeStage) {
    record.reminder.snoozed_until = Some(until);
    record.reminder.announced_stages = AnnouncedStages::default();
    let count = record.reminder.snoozes_at(stage) + 1;
    record.reminder.snoozes = Some(SnoozeCount { stage, count });
}

/// The notification for a group of reminders: (title, body). Names only, never a secret.
pub fn message(reminders: &[Reminder], period_months: u32) -> (String, String) {
    let needs_rotation: Vec<&Reminder> = reminders
        .iter()
        .filter(|r| r.stage != Stage::DeleteReplaced)
        .collect();
    let to_delete: Vec<&Reminder> = reminders
        .iter()
        .filter(|r| r.stage == Stage::DeleteReplaced)
        .collect();
    let mut lines = Vec::new();
    let title = match (needs_rotation.len(), to_delete.len()) {
        (1, 0) if needs_rotation[0].leaked => "A key leaked: replace it now".to_owned(),
        (1, 0) => match needs_rotation[0].stage {
            Stage::Upcoming => "A key is due for rotation soon".to_owned(),
            _ => "A key needs rotating".to_owned(),
        },
        (0, 1) => "A replaced key can be deleted".to_owned(),
        (n, 0) => format!("{n} keys need rotating"),
        (0, m) => format!("{m} replaced keys can be deleted"),
        (n, m) => format!("{n} keys need rotating, {m} can be deleted"),
    };
    for r in &needs_rotation {
        lines.push(match r.stage {
            _ if r.leaked => format!(
                "{} leaked. Revoke it where it was issued and replace it now.",
                r.name
            ),
            Stage::Upcoming => format!("{} is due for rotation soon. Plan to rotate it.", r.name),
            Stage::Due if period_months == 1 => {
                format!("{} is 1 month old. Rotate it now.", r.name)
            }
            Stage::Due => format!("{} is {period_months} months old. Rotate it now.", r.name),
            _ => format!(
                "{} is {} days overdue. Rotate it now.",
                r.name, r.days_overdue
            ),
        });
    }
    for r in &to_delete {
        lines.push(if r.leaked {
            format!(
                "{} leaked and was replaced. Revoke and delete it now.",
                r.name
            )
        } else {
            format!(
                "{} was replaced. Delete it once no application uses it.",
                r.name
            )
        });
    }
    const SHOWN: usize = 5;
    let mut body = lines
        .iter()
        .take(SHOWN)
        .cloned()
        .collect::<Vec<_>>()
        .join("\n");
    if lines.len() > SHOWN {
        body.push_str(&format!(
            "\n…and {} more. Open Keyward to see them all.",
            lines.len() - SHOWN
        ));
    }
    (title, body)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::record::test_support::record;
    use chrono::TimeZone;

    pub(super) fn key(name: &str, created: DateTime<Utc>) -> KeyRecord {
        KeyRecord {
            credential_id: "cid".into(),
            created_at: created,
            ..record(&format!("id-{name}"), name)
        }
    }

    fn utc(y: i32, m: u32, d: u32) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(y, m, d, 9, 0, 0).single().unwrap()
    }

    #[test]
    fn a_leaked_key_is_announced_at_once_and_once_even_when_its_stage_was_announced() {
        let policy = ReminderPolicy::default();
        let fresh = utc(2026, 1, 1);
        let leak = utc(2026, 1, 10);
        let mut k = key("fresh", fresh);
        k.leaked_at = Some(leak);
        let plan = policy.plan(std::slice::from_ref(&k), leak, &Utc);
        assert_eq!(
            plan.announce.len(),
            1,
            "a month-old key that leaked needs rotating now"
        );
        assert_eq!(plan.announce[0].stage, Stage::Due);
        assert!(plan.announce[0].leaked);
        let (title, body) = message(&plan.announce, 3);
        assert_eq!(title, "A key leaked: replace it now");
        assert_eq!(
            body,
            "fresh leaked. Revoke it where it was issued and replace it now."
        );
        mark_announced(std::slice::from_mut(&mut k), &plan.announce, leak);
        let later = leak + Duration::days(2);
        assert!(
            policy
                .plan(std::slice::from_ref(&k), later, &Utc)
                .announce
                .is_empty(),
            "announced once"
        );

        // An overdue key whose overdue stage was already announced: the leak is news.
        let mut old = key("old", utc(2025, 6, 1));
        let before = utc(2026, 1, 5);
        let plan = policy.plan(std::slice::from_ref(&old), before, &Utc);
        mark_announced(std::slice::from_mut(&mut old), &plan.announce, before);
        assert!(
            policy
                .plan(std::slice::from_ref(&old), leak, &Utc)
                .announce
                .is_empty()
        );
        old.leaked_at = Some(leak);
        let plan = policy.plan(std::slice::from_ref(&old), leak, &Utc);
        assert_eq!(plan.announce.len(), 1, "{plan:?}");
        assert!(matches!(plan.announce[0].stage, Stage::Overdue(_)));
        assert!(message(&plan.announce, 3).1.starts_with("old leaked."));

        // Replaced after the leak: delete it now.
        old.delete_after = Some(leak);
        let plan = policy.plan(std::slice::from_ref(&old), leak, &Utc);
        assert_eq!(plan.announce[0].stage, Stage::DeleteReplaced);
        assert_eq!(
            message(&plan.announce, 3).1,
            "old leaked and was replaced. Revoke and delete it now."
        );
    }

    fn stages(policy: &ReminderPolicy, records: &[KeyRecord], now: DateTime<Utc>) -> Vec<Stage> {
        policy
            .plan(records, now, &Utc)
            .announce
            .into_iter()
            .map(|r| r.stage)
            .collect()
    }

    #[test]
    fn stages_follow_the_calendar_with_month_end_and_leap_days() {
        let policy = ReminderPolicy::default();
        let k = key("k", utc(2027, 11, 30)); // due 29 Feb 2028
        let due = utc(2028, 2, 29);
        assert_eq!(
            policy
                .stage(&k, due - Duration::days(14) - Duration::seconds(1), &Utc)
                .0,
            None
        );
        assert_eq!(
            policy.stage(&k, due - Duration::days(14), &Utc).0,
            Some(Stage::Upcoming)
        );
        assert_eq!(policy.stage(&k, due, &Utc).0, Some(Stage::Due));
        assert_eq!(
            policy.stage(&k, due + Duration::days(7), &Utc).0,
            Some(Stage::Overdue(0))
        );
        assert_eq!(
            policy.stage(&k, due + Duration::days(14), &Utc).0,
            Some(Stage::Overdue(1))
        );
        assert_eq!(
            policy.stage(&k, due + Duration::days(20), &Utc).1,
            Some(due + Duration::days(21))
        );
    }

    #[test]
    fn each_stage_is_announced_once_even_across_restarts() {
        let policy = ReminderPolicy::default();
        let mut records = vec![key("k", utc(2026, 1, 10))];
        let due = utc(2026, 4, 10);
        let now = due + Duration::hours(1);
        let plan = policy.plan(&records, now, &Utc);
        assert_eq!(plan.announce.len(), 1);
        assert_eq!(plan.announce[0].stage, Stage::Due);
        mark_announced(&mut records, &plan.announce, now);
        // A restart reloads the catalog: the stored state is what counts.
        let reloaded: Vec<KeyRecord> =
            serde_json::from_str(&serde_json::to_string(&records).unwrap()).unwrap();
        assert!(
            policy
                .plan(&reloaded, now + Duration::hours(2), &Utc)
                .announce
                .is_empty()
        );
        assert_eq!(
            stages(&policy, &reloaded, due + Duration::days(7)),
            [Stage::Overdue(0)]
        );
    }

    #[test]
    fn stages_missed_while_closed_give_one_reminder_for_the_latest() {
        let policy = ReminderPolicy::default();
        let records = vec![key("k", utc(2025, 1, 10))];
        assert_eq!(stages(&policy, &records, utc(2025, 6, 1)).len(), 1);
    }

    #[test]
    fn the_lead_time_edge_is_exact() {
        let policy = ReminderPolicy::default();
        let records = vec![key("k", utc(2026, 1, 10))];
        let soon = utc(2026, 4, 10) - Duration::days(14);
        assert!(stages(&policy, &records, soon - Duration::seconds(1)).is_empty());
        assert_eq!(stages(&policy, &records, soon), [Stage::Upcoming]);
        assert_eq!(
            policy
                .plan(&records, soon - Duration::hours(1), &Utc)
                .next_wake,
            Some(soon)
        );
    }

    #[test]
    fn setting_the_clock_back_announces_the_stage_found_once_and_forward_repeats_nothing() {
        let policy = ReminderPolicy::default();
        let mut records = vec![key("k", utc(2026, 1, 10))];
        let due = utc(2026, 4, 10);
        let look = |records: &mut Vec<KeyRecord>, now| {
            let plan = policy.plan(records, now, &Utc);
            mark_announced(records, &plan.announce, now);
            plan.announce
                .into_iter()
                .map(|r| r.stage)
                .collect::<Vec<_>>()
        };
        assert_eq!(
            look(&mut records, due + Duration::days(8)),
            [Stage::Overdue(0)]
        );
        // Clock set back before the due date: the overdue reminder lies in
        // the future and binds nothing, so the stage the key is in then
        // (never announced: it was skipped) is announced, once.
        assert_eq!(
            look(&mut records, due - Duration::days(1)),
            [Stage::Upcoming]
        );
        assert!(look(&mut records, due - Duration::hours(20)).is_empty());
        // Forward again: the overdue stage was announced already.
        assert!(look(&mut records, due + Duration::days(9)).is_empty());
        // Jumped a month ahead: one reminder for the stage reached.
        assert_eq!(
            look(&mut records, due + Duration::days(40)),
            [Stage::Overdue(4)]
        );
    }

    #[test]
    fn a_snoozed_key_is_silent_until_the_snooze_ends_then_reminds_again() {
        let policy = ReminderPolicy::default();
        let mut records = vec![key("k", utc(2026, 1, 10))];
        let now = utc(2026, 4, 11);
        let plan = policy.plan(&records, now, &Utc);
        mark_announced(&mut records, &plan.announce, now);
        snooze(&mut records[0], now + Duration::days(1), SnoozeStage::Due);
        let during = policy.plan(&records, now + Duration::hours(3), &Utc);
        assert!(during.announce.is_empty());
        assert_eq!(during.next_wake, Some(now + Duration::days(1)));
        assert_eq!(
            stages(&policy, &records, now + Duration::days(1)),
            [Stage::Due]
        );
    }

    #[test]
    fn several_keys_make_one_message_with_names_and_no_secret() {
        let policy = ReminderPolicy::default();
        let records = vec![
            key("payments-api-26_08_2026-09_48", utc(2026, 8, 26)),
            key("crm-01_08_2026-10_00", utc(2026, 8, 1)),
            key("maps-20_08_2026-10_00", utc(2026, 8, 20)),
        ];
        let plan = policy.plan(&records, utc(2026, 11, 26), &Utc);
        assert_eq!(plan.announce.len(), 3);
        let (title, body) = message(&plan.announce, 3);
        assert_eq!(title, "3 keys need rotating");
        assert!(
            body.contains("payments-api-26_08_2026-09_48 is 3 months old. Rotate it now."),
            "{body}"
        );
        assert!(
            body.contains("crm-01_08_2026-10_00 is 25 days overdue"),
            "{body}"
        );
        let (single, _) = message(&plan.announce[..1], 3);
        assert_eq!(single, "A key needs rotating");
    }

    #[test]
    fn replaced_keys_get_a_delete_reminder_after_the_grace_period_only() {
        let policy = ReminderPolicy::default();
        let mut old = key("old", utc(2026, 1, 1));
        old.replaced_by = Some("id-new".into());
        old.delete_after = Some(utc(2026, 5, 8));
        let records = vec![old];
        let before = policy.plan(&records, utc(2026, 5, 1), &Utc);
        assert!(
            before.announce.is_empty(),
            "no rotation reminder for a replaced key"
        );
        assert_eq!(before.next_wake, Some(utc(2026, 5, 8)));
        assert_eq!(
            stages(&policy, &records, utc(2026, 5, 8)),
            [Stage::DeleteReplaced]
        );
        let (title, body) = message(&policy.plan(&records, utc(2026, 5, 9), &Utc).announce, 3);
        assert_eq!(title, "A replaced key can be deleted");
        assert!(body.contains("old was replaced"));
    }

    #[test]
    fn next_wake_is_the_earliest_boundary_over_all_keys() {
        let policy = ReminderPolicy::default();
        let records = vec![key("a", utc(2026, 1, 10)), key("b", utc(2026, 2, 10))];
        let plan = policy.plan(&records, utc(2026, 1, 11), &Utc);
        assert_eq!(plan.next_wake, Some(utc(2026, 4, 10) - Duration::days(14)));
    }
}

#[cfg(test)]
#[path = "reminders_model.rs"]
mod model;
