//! The organisation's policy: limits a security lead sets for everyone on a
//! computer, in the spirit of browsers' managed policies.
//!
//! The file is `/etc/keyward/policy.json`, a JSON object whose fields may
//! each be absent:
//! `rotation_months` (the longest rotation period allowed),
//! `min_lead_time_days`, `max_repeat_days`, `max_snooze_days`,
//! `max_snoozes_per_stage` and `notifications_required`.
//!
//! Promises:
//! - Keyward only reads the file; it never creates, changes or removes it.
//! - A person may choose stricter values than the policy, never looser ones:
//!   [`OrgPolicy::apply`] gives the stricter of the two for every field, and
//!   [`OrgPolicy::breaches`] names every looser value in a sentence, so that
//!   saving it is refused.
//! - No file means no policy. A file that cannot be read or understood (not
//!   JSON, a field of the wrong type or out of range, a field name Keyward
//!   does not know — a misspelt limit must not vanish silently) is reported,
//!   and its strictest reading applies ([`OrgPolicy::strictest_reading`]),
//!   combined with whatever limits could still be read.
//! - `KEYWARD_POLICY_FILE` names a policy file that applies as well (for an
//!   organisation that keeps its policy elsewhere, and for tests): it can add
//!   limits, never lift those of `/etc/keyward/policy.json`, so a person
//!   cannot step out of the computer's policy by setting a variable.

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::settings::Settings;

/// Where the policy file is unless `KEYWARD_POLICY_FILE` says otherwise.
pub const DEFAULT_PATH: &str = "/etc/keyward/policy.json";

/// The environment variable that moves the policy file.
pub const PATH_VARIABLE: &str = "KEYWARD_POLICY_FILE";

/// The organisation's limits; an absent field sets no limit.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
#[serde(deny_unknown_fields)]
pub struct OrgPolicy {
    /// The longest rotation period allowed, in calendar months.
    pub rotation_months: Option<u32>,
    /// The shortest lead time allowed: reminders start at least this many days ahead.
    pub min_lead_time_days: Option<u32>,
    /// The longest interval allowed between overdue reminders, in days.
    pub max_repeat_days: Option<u32>,
    /// The longest a key's reminders may be paused at once, in days (0: no pausing).
    pub max_snooze_days: Option<u32>,
    /// How often a key's reminders may be paused at one stage (0: no pausing).
    pub max_snoozes_per_stage: Option<u32>,
    /// Whether desktop notifications must stay on.
    pub notifications_required: Option<bool>,
}

/// One setting a person chose looser than the organisation allows.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Breach {
    /// The setting's field name (as in `settings.json`).
    pub field: &'static str,
    /// A sentence naming the organisation's limit.
    pub message: String,
}

/// What reading the policy file gave.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PolicyRead {
    /// The limits in force (the strictest reading when the file is broken).
    pub policy: OrgPolicy,
    /// Whether a policy file exists.
    pub present: bool,
    /// What was wrong with the file, in words; `None` when it was fine or absent.
    pub problem: Option<String>,
}

impl OrgPolicy {
    /// How a broken policy file is read: the vendor guide's rule as the
    /// limits (rotate at least every 3 months, reminders from at least 14
    /// days ahead, repeated at least weekly), notifications required, and
    /// pausing limited to one day, once per stage.
    ///
    /// Why not stricter still (say, one month): an organisation's typo would
    /// then make keys overdue at once and flood everyone with reminders,
    /// which teaches people to ignore them. Why not looser: a broken file
    /// must never silence a reminder it may have been written to keep. The
    /// guide's rule is what Keyward enforces out of the box, so it is the
    /// strictest reading that cannot be a surprise; one day's pause, once,
    /// lets a person say "not today" and the reminder comes back tomorrow.
    pub const fn strictest_reading() -> Self {
        Self {
            rotation_months: Some(3),
            min_lead_time_days: Some(14),
            max_repeat_days: Some(7),
            max_snooze_days: Some(1),
            max_snoozes_per_stage: Some(1),
            notifications_required: Some(true),
        }
    }

    /// Whether no limit is set.
    pub fn is_empty(&self) -> bool {
        *self == Self::default()
    }

    /// For every field, the stricter of `self` and `other`.
    pub fn stricter(self, other: Self) -> Self {
        fn low(a: Option<u32>, b: Option<u32>) -> Option<u32> {
            match (a, b) {
                (Some(a), Some(b)) => Some(a.min(b)),
                (a, b) => a.or(b),
            }
        }
        fn high(a: Option<u32>, b: Option<u32>) -> Option<u32> {
            match (a, b) {
                (Some(a), Some(b)) => Some(a.max(b)),
                (a, b) => a.or(b),
            }
        }
        Self {
            rotation_months: low(self.rotation_months, other.rotation_months),
            min_lead_time_days: high(self.min_lead_time_days, other.min_lead_time_days),
            max_repeat_days: low(self.max_repeat_days, other.max_repeat_days),
            max_snooze_days: low(self.max_snooze_days, other.max_snooze_days),
            max_snoozes_per_stage: low(self.max_snoozes_per_stage, other.max_snoozes_per_stage),
            notifications_required: match (
                self.notifications_required,
                other.notifications_required,
            ) {
                (Some(a), Some(b)) => Some(a || b),
                (a, b) => a.or(b),
            },
        }
    }

    /// The settings in force: the stricter of the person's and the policy's value for each field.
    pub fn apply(&self, person: &Settings) -> Settings {
        let mut settings = person.clone();
        if let Some(cap) = self.rotation_months {
            settings.rotation_months = settings.rotation_months.min(cap);
        }
        if let Some(floor) = self.min_lead_time_days {
            settings.lead_time_days = settings.lead_time_days.max(floor);
        }
        if let Some(cap) = self.max_repeat_days {
            settings.repeat_days = settings.repeat_days.min(cap);
        }
        if self.notifications_required == Some(true) {
            settings.notifications = true;
        }
        settings
    }

    /// Every value in `person` looser than this policy allows, each with a
    /// sentence naming the organisation's limit. Empty when all is allowed.
    pub fn breaches(&self, person: &Settings) -> Vec<Breach> {
        let mut found = Vec::new();
        if let Some(cap) = self.rotation_months
            && person.rotation_months > cap
        {
            found.push(Breach {
                field: "rotation_months",
                message: format!(
                    "Your organisation requires keys to be rotated at least every {}, so {} is not allowed.",
                    months(cap),
                    months(person.rotation_months)
                ),
            });
        }
        if let Some(floor) = self.min_lead_time_days
            && person.lead_time_days < floor
        {
            found.push(Breach {
                field: "lead_time_days",
                message: format!(
                    "Your organisation requires reminders to start at least {} before a key is due, so {} is not allowed.",
                    days(floor),
                    days(person.lead_time_days)
                ),
            });
        }
        if let Some(cap) = self.max_repeat_days
            && person.repeat_days > cap
        {
            found.push(Breach {
                field: "repeat_days",
                message: format!(
                    "Your organisation requires overdue reminders to repeat at least every {}, so every {} is not allowed.",
                    days(cap),
                    days(person.repeat_days)
                ),
            });
        }
        if self.notifications_required == Some(true) && !person.notifications {
            found.push(Breach {
                field: "notifications",
                message: "Your organisation requires desktop notifications to stay on.".to_owned(),
            });
        }
        found
    }

    /// Whether pausing a key's reminders for `days`, after `earlier` pauses
    /// at its current stage, is allowed; the refusal names the limit.
    pub fn check_snooze(&self, days: u32, earlier: u32) -> Result<(), String> {
        if self.max_snooze_days == Some(0) || self.max_snoozes_per_stage == Some(0) {
            return Err(
                "Your organisation does not allow pausing reminders. Rotate the key to stop them."
                    .to_owned(),
            );
        }
        if let Some(cap) = self.max_snooze_days
            && days > cap
        {
            return Err(format!(
                "Your organisation allows pausing reminders for at most {} at a time.",
                self::days(cap)
            ));
        }
        if let Some(cap) = self.max_snoozes_per_stage
            && earlier >= cap
        {
            return Err(format!(
                "Your organisation allows pausing a key's reminders at most {} at each stage, and this key's have been paused {} already. Rotate the key to stop the reminders.",
                times(cap),
                times(earlier)
            ));
        }
        Ok(())
    }
}

fn months(n: u32) -> String {
    if n == 1 {
        "month".to_owned()
    } else {
        format!("{n} months")
    }
}

fn days(n: u32) -> String {
    if n == 1 {
        "1 day".to_owned()
    } else {
        format!("{n} days")
    }
}

fn times(n: u32) -> String {
    match n {
        1 => "once".to_owned(),
        2 => "twice".to_owned(),
        n => format!("{n} times"),
    }
}

/// The allowed range of each number in the policy file.
const RANGES: &[(&str, u32, u32)] = &[
    ("rotation_months", 1, 24),
    ("min_lead_time_days", 1, 60),
    ("max_repeat_days", 1, 60),
    ("max_snooze_days", 0, 365),
    ("max_snoozes_per_stage", 0, 100),
];

/// The organisation's policy file (read only).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PolicyFile {
    path: PathBuf,
    /// The computer's own policy file, applied as well when `path` is another.
    system: Option<PathBuf>,
}

impl PolicyFile {
    /// The policy file at `path`.
    pub fn new(path: impl Into<PathBuf>) -> Self {
        Self {
            path: path.into(),
            system: None,
        }
    }

    /// The policy file at `path`, applied together with the computer's own
    /// policy file at `system`: the stricter of the two for every limit.
    pub fn alongside(path: impl Into<PathBuf>, system: impl Into<PathBuf>) -> Self {
        Self {
            path: path.into(),
            system: Some(system.into()),
        }
    }

    /// The policy this computer uses: [`DEFAULT_PATH`], together with the
    /// file in `KEYWARD_POLICY_FILE` when `environment` has one.
    pub fn from_environment(environment: &crate::env::Environment) -> Self {
        match &environment.policy_file {
            Some(path) if path.as_os_str() != DEFAULT_PATH => {
                Self::alongside(path.clone(), DEFAULT_PATH)
            }
            _ => Self::new(DEFAULT_PATH),
        }
    }

    /// The file's path.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Reads the file, and the computer's own one when it applies too.
    /// Never fails: a broken file gives its strictest reading and a problem.
    pub fn read(&self) -> PolicyRead {
        let read = self.read_one();
        let Some(system) = &self.system else {
            return read;
        };
        let own = Self::new(system).read_one();
        let problem = match (read.problem, own.problem) {
            (Some(a), Some(b)) => Some(format!("{b} {a}")),
            (a, b) => b.or(a),
        };
        PolicyRead {
            policy: read.policy.stricter(own.policy),
            present: read.present || own.present,
            problem,
        }
    }

    fn read_one(&self) -> PolicyRead {
        let bytes = match std::fs::read(&self.path) {
            Ok(bytes) => bytes,
            // A link whose target is missing is a policy that cannot be
            // read, not "no policy".
            Err(e)
                if e.kind() == std::io::ErrorKind::NotFound
                    && std::fs::symlink_metadata(&self.path).is_err() =>
            {
                return PolicyRead {
                    policy: OrgPolicy::default(),
                    present: false,
                    problem: None,
                };
            }
            Err(e) => {
                return self.broken(OrgPolicy::default(), format!("it could not be read: {e}"));
            }
        };
        let value: Value = match serde_json::from_slice(&bytes) {
            Ok(value) => value,
            Err(e) => {
                return self.broken(OrgPolicy::default(), format!("it is not valid JSON: {e}"));
            }
        };
        let Value::Object(fields) = value else {
            return self.broken(
                OrgPolicy::default(),
                "it is not a JSON object of limits".to_owned(),
            );
        };
        // Each field on its own, so one bad field keeps the others' limits.
        let mut policy = OrgPolicy::default();
        let mut wrong = Vec::new();
        for (name, value) in &fields {
            if name == "notifications_required" {
                match value {
                    Value::Bool(b) => policy.notifications_required = Some(*b),
                    Value::Null => {}
                    other => wrong.push(format!("\"{name}\" must be true or false, not {other}")),
                }
                continue;
            }
            let Some(&(_, min, max)) = RANGES.iter().find(|(field, ..)| field == name) else {
                wrong.push(format!("\"{name}\" is not a setting Keyward knows"));
                continue;
            };
            let number = match value {
                Value::Null => continue,
                Value::Number(n) => n.as_u64().and_then(|n| u32::try_from(n).ok()),
                _ => None,
            };
            match number {
                Some(n) if (min..=max).contains(&n) => {
                    let slot = match name.as_str() {
                        "rotation_months" => &mut policy.rotation_months,
                        "min_lead_time_days" => &mut policy.min_lead_time_days,
                        "max_repeat_days" => &mut policy.max_repeat_days,
                        "max_snooze_days" => &mut policy.max_snooze_days,
                        _ => &mut policy.max_snoozes_per_stage,
                    };
                    *slot = Some(n);
                }
                _ => wrong.push(format!(
                    "\"{name}\" must be a whole number from {min} to {max}, not {value}"
                )),
            }
        }
        if wrong.is_empty() {
            PolicyRead {
                policy,
                present: true,
                problem: None,
            }
        } else {
            self.broken(policy, wrong.join("; "))
        }
    }

    fn broken(&self, readable: OrgPolicy, detail: String) -> PolicyRead {
        PolicyRead {
            policy: readable.stricter(OrgPolicy::strictest_reading()),
            present: true,
            problem: Some(format!(
                "Your organisation's Keyward policy at {} cannot be used ({detail}). Until it is fixed, Keyward applies its strictest reading: keys rotated at least every 3 months, reminders from 14 days ahead and repeated weekly, notifications on, and reminders paused for at most 1 day, once per stage. Tell whoever manages this computer.",
                self.path.display()
            )),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read(text: &str) -> (tempfile::TempDir, PolicyRead) {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("policy.json");
        std::fs::write(&path, text).unwrap();
        let read = PolicyFile::new(&path).read();
        (dir, read)
    }

    #[test]
    fn a_second_policy_file_adds_limits_and_never_lifts_the_computers_own() {
        let dir = tempfile::tempdir().unwrap();
        let system = dir.path().join("system.json");
        std::fs::write(&system, r#"{"rotation_months": 2, "max_snooze_days": 7}"#).unwrap();
        let other = dir.path().join("other.json");
        let both = PolicyFile::alongside(&other, &system);
        let missing = both.read();
        assert_eq!(
            missing.policy.rotation_months,
            Some(2),
            "pointing the variable at no file does not lift the computer's policy"
        );
        assert!(missing.present && missing.problem.is_none());
        std::fs::write(&other, r#"{"rotation_months": 6, "max_snooze_days": 1}"#).unwrap();
        let read = both.read();
        assert_eq!(read.policy.rotation_months, Some(2), "looser is not taken");
        assert_eq!(read.policy.max_snooze_days, Some(1), "stricter is added");
        std::fs::write(&system, b"{not json").unwrap();
        let broken = both.read();
        assert_eq!(broken.policy.rotation_months, Some(3), "strictest reading");
        assert!(
            broken
                .problem
                .unwrap()
                .contains(&system.display().to_string()),
            "the broken file is named"
        );
    }

    #[test]
    fn no_file_means_no_limits() {
        let dir = tempfile::tempdir().unwrap();
        let read = PolicyFile::new(dir.path().join("absent.json")).read();
        assert_eq!(read.policy, OrgPolicy::default());
        assert!(!read.present && read.problem.is_none());
    }

    #[cfg(unix)]
    #[test]
    fn a_link_to_a_missing_file_is_a_broken_policy_not_no_policy() {
        // An administrator's link whose target is gone (a config-management
        // path not mounted yet): the policy is there but cannot be read.
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("policy.json");
        std::os::unix::fs::symlink(dir.path().join("gone.json"), &path).unwrap();
        let read = PolicyFile::new(&path).read();
        assert!(read.present);
        assert_eq!(read.policy, OrgPolicy::strictest_reading());
        let problem = read.problem.expect("reported");
        assert!(problem.contains("could not be read"), "{problem}");
    }

    #[test]
    fn every_field_may_be_absent_and_given_ones_are_read() {
        let (_d, read) = read(r#"{"rotation_months": 2, "max_snoozes_per_stage": 2}"#);
        assert_eq!(read.problem, None);
        assert_eq!(
            read.policy,
            OrgPolicy {
                rotation_months: Some(2),
                max_snoozes_per_stage: Some(2),
                ..OrgPolicy::default()
            }
        );
    }

    #[test]
    fn a_person_may_be_stricter_but_never_looser() {
        let policy = OrgPolicy {
            rotation_months: Some(3),
            min_lead_time_days: Some(21),
            max_repeat_days: Some(3),
            notifications_required: Some(true),
            ..OrgPolicy::default()
        };
        let loose = Settings {
            rotation_months: 6,
            lead_time_days: 7,
            repeat_days: 14,
            notifications: false,
            ..Settings::default()
        };
        let applied = policy.apply(&loose);
        assert_eq!(
            (
                applied.rotation_months,
                applied.lead_time_days,
                applied.repeat_days,
                applied.notifications
            ),
            (3, 21, 3, true),
            "looser values give way to the organisation's"
        );
        let breaches = policy.breaches(&loose);
        let fields: Vec<_> = breaches.iter().map(|b| b.field).collect();
        assert_eq!(
            fields,
            [
                "rotation_months",
                "lead_time_days",
                "repeat_days",
                "notifications"
            ]
        );
        assert!(
            breaches[0].message.contains("at least every 3 months"),
            "the sentence names the organisation's limit: {}",
            breaches[0].message
        );

        let strict = Settings {
            rotation_months: 1,
            lead_time_days: 30,
            repeat_days: 1,
            ..Settings::default()
        };
        assert_eq!(policy.apply(&strict), strict, "stricter choices are kept");
        assert!(policy.breaches(&strict).is_empty());
    }

    #[test]
    fn a_broken_file_is_reported_and_read_as_strictly_as_the_guide() {
        for text in ["{\"rotation_months\": 6", "[]", "null", "", "\u{0}\u{1}"] {
            let (_d, read) = read(text);
            assert!(read.present);
            let problem = read.problem.expect("a broken file is reported");
            assert!(problem.contains("cannot be used"), "{problem}");
            assert_eq!(read.policy, OrgPolicy::strictest_reading(), "{text:?}");
        }
    }

    #[test]
    fn a_bad_field_keeps_the_readable_limits_and_adds_the_strictest_reading() {
        let (_d, read) =
            read(r#"{"rotation_months": 2, "max_snooze_days": "a week", "max_repeat_days": 0}"#);
        let problem = read.problem.unwrap();
        assert!(
            problem.contains("\"max_snooze_days\" must be a whole number"),
            "{problem}"
        );
        assert!(problem.contains("\"max_repeat_days\""), "{problem}");
        assert_eq!(
            read.policy.rotation_months,
            Some(2),
            "the stricter readable limit stays"
        );
        assert_eq!(read.policy.max_repeat_days, Some(7));
        assert_eq!(read.policy.max_snooze_days, Some(1));
        assert_eq!(read.policy.notifications_required, Some(true));
    }

    #[test]
    fn a_misspelt_limit_is_damage_not_silence() {
        let (_d, read) = read(r#"{"rotation_month": 12}"#);
        assert!(
            read.problem
                .unwrap()
                .contains("\"rotation_month\" is not a setting")
        );
        assert_eq!(read.policy.rotation_months, Some(3));
    }

    #[test]
    fn a_looser_readable_limit_never_loosens_the_strictest_reading() {
        let (_d, read) = read(r#"{"rotation_months": 12, "oops": 1}"#);
        assert_eq!(read.policy.rotation_months, Some(3));
    }

    #[test]
    fn snoozing_is_capped_in_length_and_count() {
        let policy = OrgPolicy {
            max_snooze_days: Some(3),
            max_snoozes_per_stage: Some(2),
            ..OrgPolicy::default()
        };
        assert!(policy.check_snooze(1, 0).is_ok());
        assert!(policy.check_snooze(1, 1).is_ok());
        let long = policy.check_snooze(7, 0).unwrap_err();
        assert!(long.contains("at most 3 days"), "{long}");
        let often = policy.check_snooze(1, 2).unwrap_err();
        assert!(often.contains("at most twice at each stage"), "{often}");
        assert!(
            OrgPolicy::default().check_snooze(7, 50).is_ok(),
            "no policy, no cap"
        );
        let none = OrgPolicy {
            max_snooze_days: Some(0),
            ..OrgPolicy::default()
        };
        assert!(
            none.check_snooze(1, 0)
                .unwrap_err()
                .contains("does not allow")
        );
    }
}
