//! How results look: plain text for people, JSON for scripts.
//!
//! Promises:
//! - Results go to standard output through [`say!`](crate::say) and
//!   [`line`]: when the reader goes away (`keyward list | head -1`), the
//!   rest is dropped quietly and the command keeps its exit status; any
//!   other failure to write is reported once, at the end, with status 1.
//! - Text from outside Keyward (keychain item names, what a person typed,
//!   messages from other programs) is shown through [`shown`]: control,
//!   invisible and text-direction characters appear as `\u{…}`, so nothing
//!   printed can drive the terminal. JSON keeps exact values, with those
//!   characters written as `\uXXXX` escapes ([`json_text`]).

use std::borrow::Cow;
use std::fmt;
use std::io::{self, Write};
use std::sync::Mutex;

use keyward_core::Secret;
use keyward_core::keychain::store_name;
use keyward_core::local_time;
use keyward_core::naming::is_invisible;
use keyward_core::record::KeyView;
use keyward_core::rotation::RotationStatus;
use keyward_core::settings::Effective;
use keyward_core::vault::Recovery;
use serde_json::{Value, json};

/// The first failure to write a result other than a closed pipe.
static WRITE_ERROR: Mutex<Option<io::Error>> = Mutex::new(None);

/// Writes one line of results to standard output (see the module's promises).
pub fn line(args: fmt::Arguments<'_>) {
    let mut out = io::stdout().lock();
    let written = out
        .write_fmt(args)
        .and_then(|()| out.write_all(b"\n"))
        .and_then(|()| out.flush());
    if let Err(error) = written {
        remember(error);
    }
}

/// Writes `bytes` as they are to standard output (see the module's promises).
pub fn raw(bytes: &[u8]) {
    let mut out = io::stdout().lock();
    if let Err(error) = out.write_all(bytes).and_then(|()| out.flush()) {
        remember(error);
    }
}

fn remember(error: io::Error) {
    if error.kind() == io::ErrorKind::BrokenPipe {
        return; // The reader has what it wanted.
    }
    let mut first = WRITE_ERROR
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner);
    first.get_or_insert(error);
}

/// The first failure to write results, other than a reader going away.
pub fn write_error() -> Option<io::Error> {
    WRITE_ERROR
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
        .take()
}

/// `text` safe to print on a terminal: control, invisible and
/// text-direction characters written as `\u{1b}`. Line breaks are kept
/// when `keep_line_breaks` (for Keyward's own multi-line messages).
pub fn shown_lines(text: &str, keep_line_breaks: bool) -> Cow<'_, str> {
    let escape = |c: char| is_invisible(c) && !(keep_line_breaks && c == '\n');
    if !text.chars().any(escape) {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        if escape(c) {
            out.push_str(&format!("\\u{{{:x}}}", u32::from(c)));
        } else {
            out.push(c);
        }
    }
    Cow::Owned(out)
}

/// One line of outside text, safe to print on a terminal.
pub fn shown(text: &str) -> Cow<'_, str> {
    shown_lines(text, false)
}

/// `value` as JSON, with every invisible character inside strings written
/// as a `\uXXXX` escape (serde_json escapes only the ASCII controls).
pub fn json_text(value: &impl serde::Serialize, pretty: bool) -> String {
    let mut bytes = Vec::new();
    match write_json(&mut bytes, value, pretty) {
        // serde_json writes only whole characters.
        Ok(()) => String::from_utf8(bytes).unwrap_or_else(|_| "null".into()),
        Err(_) => "null".into(),
    }
}

/// Writes `value` as JSON ([`json_text`]) and a line break straight to
/// standard output (see the module's promises), without holding the whole
/// text in memory.
pub fn json_line(value: &impl serde::Serialize, pretty: bool) {
    let mut out = io::BufWriter::with_capacity(1 << 16, io::stdout().lock());
    let written = write_json(&mut out, value, pretty)
        .and_then(|()| out.write_all(b"\n"))
        .and_then(|()| out.flush());
    if let Err(error) = written {
        remember(error);
    }
}

fn write_json(out: &mut impl Write, value: &impl serde::Serialize, pretty: bool) -> io::Result<()> {
    let written = if pretty {
        let mut json = serde_json::Serializer::with_formatter(
            out,
            Visible(serde_json::ser::PrettyFormatter::new()),
        );
        value.serialize(&mut json)
    } else {
        let mut json =
            serde_json::Serializer::with_formatter(out, Visible(serde_json::ser::CompactFormatter));
        value.serialize(&mut json)
    };
    written.map_err(io::Error::from)
}

/// A JSON layout (`F`) that also writes every invisible character inside
/// strings as a `\uXXXX` escape.
struct Visible<F>(F);

impl<F: serde_json::ser::Formatter> serde_json::ser::Formatter for Visible<F> {
    fn write_string_fragment<W: ?Sized + Write>(
        &mut self,
        out: &mut W,
        fragment: &str,
    ) -> io::Result<()> {
        // serde_json has escaped the ASCII controls; DEL and beyond need a look.
        if fragment.bytes().all(|b| b < 0x7f) {
            return out.write_all(fragment.as_bytes());
        }
        let mut start = 0;
        for (at, c) in fragment.char_indices() {
            if is_invisible(c) {
                out.write_all(&fragment.as_bytes()[start..at])?;
                let mut units = [0u16; 2];
                for unit in c.encode_utf16(&mut units) {
                    write!(out, "\\u{unit:04x}")?;
                }
                start = at + c.len_utf8();
            }
        }
        out.write_all(&fragment.as_bytes()[start..])
    }

    // The layout is `F`'s.
    fn begin_array<W: ?Sized + Write>(&mut self, out: &mut W) -> io::Result<()> {
        self.0.begin_array(out)
    }
    fn end_array<W: ?Sized + Write>(&mut self, out: &mut W) -> io::Result<()> {
        self.0.end_array(out)
    }
    fn begin_array_value<W: ?Sized + Write>(&mut self, out: &mut W, first: bool) -> io::Result<()> {
        self.0.begin_array_value(out, first)
    }
    fn end_array_value<W: ?Sized + Write>(&mut self, out: &mut W) -> io::Result<()> {
        self.0.end_array_value(out)
    }
    fn begin_object<W: ?Sized + Write>(&mut self, out: &mut W) -> io::Result<()> {
        self.0.begin_object(out)
    }
    fn end_object<W: ?Sized + Write>(&mut self, out: &mut W) -> io::Result<()> {
        self.0.end_object(out)
    }
    fn begin_object_key<W: ?Sized + Write>(&mut self, out: &mut W, first: bool) -> io::Result<()> {
        self.0.begin_object_key(out, first)
    }
    fn end_object_key<W: ?Sized + Write>(&mut self, out: &mut W) -> io::Result<()> {
        self.0.end_object_key(out)
    }
    fn begin_object_value<W: ?Sized + Write>(&mut self, out: &mut W) -> io::Result<()> {
        self.0.begin_object_value(out)
    }
    fn end_object_value<W: ?Sized + Write>(&mut self, out: &mut W) -> io::Result<()> {
        self.0.end_object_value(out)
    }
}

/// The status in words, e.g. "Rotate now — 12 days overdue", "Rotate now —
/// 5 months overdue" (lateness said as ages are, [`duration_words`]).
pub fn status_words(key: &KeyView) -> String {
    let days = |n: i64| {
        if n == 1 {
            "1 day".to_owned()
        } else {
            format!("{n} days")
        }
    };
    match key.status {
        RotationStatus::Ok => format!("OK (rotate by {})", date_part(key.rotate_by)),
        RotationStatus::DueSoon => format!("Rotate within {}", days(key.days_until_due)),
        RotationStatus::Overdue if key.days_until_due == 0 => "Rotate now — due today".to_owned(),
        RotationStatus::Overdue => format!(
            "Rotate now — {} overdue",
            duration_words(-key.days_until_due)
        ),
    }
}

/// The table's STATUS: a leak first, then a rotation in progress or a
/// replaced key, else [`status_words`].
pub fn table_status(key: &KeyView) -> String {
    use keyward_core::record::RotationStep;
    let state = match (key.rotation, key.delete_after) {
        (Some(RotationStep::WaitingForNewKey), _) => {
            "Rotation in progress — waiting for the new key".to_owned()
        }
        (Some(RotationStep::WaitingForOldKeyRemoval), Some(after)) | (None, Some(after))
            if key.replaced_by.is_some() =>
        {
            format!("Replaced — delete after {}", date_part(after))
        }
        _ => status_words(key),
    };
    if key.leaked {
        format!("LEAKED — {state}")
    } else {
        state
    }
}

/// An age in words: "Less than a day", "12 days", "4 months" ([`duration_words`]).
pub fn age_words(days: i64) -> String {
    duration_words(days)
}

/// How long, in words, by the rule the window uses too (`durationInWords`
/// in `ui/src/lib/dates.ts`; both are tested against
/// `ui/src/lib/durations.json`): days up to 60, then whole months (of
/// 365.2425 / 12 days), then years and months.
pub fn duration_words(days: i64) -> String {
    let plural = |n: i64, unit: &str| {
        if n == 1 {
            format!("1 {unit}")
        } else {
            format!("{n} {unit}s")
        }
    };
    if days < 1 {
        return "Less than a day".to_owned();
    }
    if days <= 60 {
        return plural(days, "day");
    }
    // Whole months: days * 12 / 365.2425, in integers.
    let months = days * 120_000 / 3_652_425;
    if months < 12 {
        return plural(months, "month");
    }
    match (months / 12, months % 12) {
        (years, 0) => plural(years, "year"),
        (years, rest) => format!("{} and {}", plural(years, "year"), plural(rest, "month")),
    }
}

/// The local date of an instant (people see dates in their own time zone).
fn date_part(instant: chrono::DateTime<chrono::Utc>) -> String {
    local_time::local_text_of(instant, &chrono::Local, false)
}

/// A new or added key, with its secret when it was generated.
pub fn created(key: &KeyView, secret: Option<&Secret>, json: bool) {
    if json {
        let mut value = serde_json::to_value(key).unwrap_or(Value::Null);
        if let (Some(secret), Value::Object(map)) = (secret, &mut value) {
            map.insert("secret".into(), Value::String(secret.expose().to_owned()));
        }
        say!("{}", json_text(&value, false));
        return;
    }
    say!("Saved \"{}\" for {}.", key.name, key.service);
    say!();
    say!("  Credential ID:     {}", key.credential_id);
    if let Some(secret) = secret {
        say!("  Credential secret: {}", secret.expose());
        say!();
        say!(
            "This is the only time Keyward shows the secret here (`keyward reveal` shows it again)."
        );
        say!(
            "Keep it in a password manager or your application's secure settings; never put it in a code"
        );
        say!("repository, an email or a chat. Use this key for one application only.");
    }
    say!(
        "Rotate it by {} (your local time).",
        local_time::local_text_of(key.rotate_by, &chrono::Local, true)
    );
}

/// A list of keys as a table or a JSON array.
pub fn keys(keys: &[KeyView], json: bool, empty: &str) {
    if json {
        json_line(&keys, true);
        return;
    }
    if keys.is_empty() {
        say!("{empty}");
        return;
    }
    let rows: Vec<[String; 5]> = keys
        .iter()
        .map(|k| {
            [
                k.name.clone(),
                k.service.clone(),
                k.application.clone().unwrap_or_else(|| "—".into()),
                age_words(k.age_days),
                table_status(k),
            ]
        })
        .collect();
    let header = ["NAME", "SERVICE", "APPLICATION", "AGE", "STATUS"].map(String::from);
    let mut widths = header.clone().map(|h| h.chars().count());
    for row in &rows {
        for (width, cell) in widths.iter_mut().zip(row) {
            *width = (*width).max(cell.chars().count());
        }
    }
    // The table is written in one go: one write per line made 100,000
    // write calls for 100,000 keys.
    let mut text = String::new();
    for row in std::iter::once(&header).chain(&rows) {
        let line: Vec<String> = row
            .iter()
            .zip(widths)
            .map(|(cell, width)| format!("{cell:<width$}"))
            .collect();
        text.push_str(line.join("  ").trim_end());
        text.push('\n');
    }
    raw(text.as_bytes());
}

/// A list of keys as [`keys`] prints it, where each JSON object also says
/// which rotation period its status was worked out with (`rotation_months`)
/// and where that comes from (`rotation_period_source`).
pub fn keys_with_period(list: &[KeyView], json: bool, empty: &str, settings: &Effective) {
    if !json {
        keys(list, json, empty);
        return;
    }
    /// A key and the period its status was worked out with, serialized
    /// straight to standard output (no intermediate JSON values or text:
    /// 100,000 keys print in a fraction of a second).
    #[derive(serde::Serialize)]
    struct WithPeriod<'a> {
        #[serde(flatten)]
        key: &'a KeyView,
        rotation_months: u32,
        rotation_period_source: &'a str,
    }
    let months = settings.settings.rotation_months;
    let source = settings.period_source().as_str();
    let items: Vec<WithPeriod> = list
        .iter()
        .map(|key| WithPeriod {
            key,
            rotation_months: months,
            rotation_period_source: source,
        })
        .collect();
    json_line(&items, true);
}

/// `keyward settings`: the settings in force and where the organisation sets them.
/// JSON: `{"settings", "policy", "rotation_period_source", "problems"}` (the
/// problems also went to standard error).
pub fn settings(effective: &Effective, json: bool) {
    if json {
        let value = json!({
            "settings": effective.settings,
            "policy": effective.policy,
            "rotation_period_source": effective.period_source().as_str(),
            "problems": effective.problems,
        });
        say!("{}", json_text(&value, true));
        return;
    }
    let s = &effective.settings;
    let p = &effective.policy;
    let org = |limit: Option<String>| {
        limit.map_or_else(String::new, |l| format!("  (your organisation: {l})"))
    };
    say!("Rotate keys every {}.", effective.period_words());
    say!(
        "Start reminding {} days before a key is due.{}",
        s.lead_time_days,
        org(p.min_lead_time_days.map(|d| format!("at least {d} days")))
    );
    say!(
        "Repeat overdue reminders every {} days.{}",
        s.repeat_days,
        org(p.max_repeat_days.map(|d| format!("at most every {d} days")))
    );
    say!(
        "Desktop notifications {}.{}",
        if s.notifications { "on" } else { "off" },
        org((p.notifications_required == Some(true)).then(|| "required".to_owned()))
    );
    let pausing = match (p.max_snooze_days, p.max_snoozes_per_stage) {
        (None, None) => "for a day or a week, as often as you like".to_owned(),
        (Some(0), _) | (_, Some(0)) => "not allowed by your organisation".to_owned(),
        (days, times) => format!(
            "{}{} (your organisation)",
            days.map_or_else(
                || "for a day or a week".to_owned(),
                |d| format!("for at most {d} {}", if d == 1 { "day" } else { "days" })
            ),
            times.map_or_else(String::new, |t| format!(", at most {t} times per stage"))
        ),
    };
    say!("Pausing a key's reminders: {pausing}.");
    say!("Keep a replaced key for {} days.", s.grace_days);
    say!(
        "Remind me to back up after changes: {}.",
        if s.backup_reminder { "on" } else { "off" }
    );
    if p.is_empty() {
        say!("No organisation policy is set on this computer.");
    }
}

/// What `keyward check` found.
pub fn check(recovery: &Recovery, orphans: &[String], json: bool) {
    if json {
        let failed: Vec<Value> = recovery
            .failed
            .iter()
            .map(|(name, e)| json!({"name": name, "code": e.code(), "message": e.to_string()}))
            .collect();
        let report = json!({
            "rolled_back": recovery.rolled_back,
            "finished_deletes": recovery.finished_deletes,
            "failed": failed,
            "orphans": orphans,
        });
        say!("{}", json_text(&report, false));
        return;
    }
    recovery_notes(recovery);
    if orphans.is_empty() {
        say!(
            "Every secret Keyward keeps in {} belongs to a key in its list.",
            store_name::YOUR_IN
        );
    } else {
        say!(
            "{} holds {} Keyward secret(s) with no key in Keyward's list (the list may have been restored from an older copy):",
            store_name::THE,
            orphans.len()
        );
        for orphan in orphans {
            say!("  {}", shown(orphan));
        }
    }
}

/// Tells people what recovery did (on standard error, so output stays clean).
pub fn recovery_notes(recovery: &Recovery) {
    for name in &recovery.rolled_back {
        keyward_core::note!(
            "Note: creating \"{name}\" was interrupted earlier; Keyward removed the unfinished key."
        );
    }
    for name in &recovery.finished_deletes {
        keyward_core::note!(
            "Note: deleting \"{name}\" was interrupted earlier; Keyward finished deleting it."
        );
    }
    for (name, error) in &recovery.failed {
        keyward_core::note!(
            "Note: \"{name}\" was left unfinished earlier and could not be cleaned up yet: {error}"
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn view(status: RotationStatus, days_until_due: i64) -> KeyView {
        KeyView {
            id: "id".into(),
            name: "n".into(),
            service: "s".into(),
            application: None,
            credential_id: "c".into(),
            notes: String::new(),
            created_at: "2026-01-01T00:00:00Z".parse().unwrap(),
            rotate_by: "2026-04-01T12:00:00Z".parse().unwrap(),
            age_days: 0,
            status,
            attention: keyward_core::attention::Attention::None,
            days_until_due,
            last_copied_at: None,
            last_revealed_at: None,
            replaced_by: None,
            delete_after: None,
            snoozed_until: None,
            issuer: keyward_core::record::Issuer::Vendor,
            vendor: None,
            vendor_display_name: None,
            vendor_dashboard_url: None,
            owner: None,
            leaked: false,
            leaked_at: None,
            rotation: None,
            replaced_by_name: None,
            received_from: None,
            received_for: None,
            received_at: None,
        }
    }

    #[test]
    fn status_reads_as_a_sentence() {
        assert_eq!(
            status_words(&view(RotationStatus::Ok, 40)),
            "OK (rotate by 2026-04-01)"
        );
        assert_eq!(
            status_words(&view(RotationStatus::DueSoon, 9)),
            "Rotate within 9 days"
        );
        assert_eq!(
            status_words(&view(RotationStatus::Overdue, -12)),
            "Rotate now — 12 days overdue"
        );
        assert_eq!(
            status_words(&view(RotationStatus::Overdue, -1)),
            "Rotate now — 1 day overdue"
        );
        assert_eq!(
            status_words(&view(RotationStatus::Overdue, 0)),
            "Rotate now — due today"
        );
    }

    #[test]
    fn the_table_says_a_leak_and_a_rotation_in_progress_first() {
        use keyward_core::record::RotationStep;
        let mut key = view(RotationStatus::Overdue, -12);
        key.rotation = Some(RotationStep::WaitingForNewKey);
        assert_eq!(
            table_status(&key),
            "Rotation in progress — waiting for the new key"
        );
        key.leaked = true;
        assert_eq!(
            table_status(&key),
            "LEAKED — Rotation in progress — waiting for the new key"
        );
        key.rotation = Some(RotationStep::WaitingForOldKeyRemoval);
        key.replaced_by = Some("new".into());
        key.delete_after = Some("2026-04-01T12:00:00Z".parse().unwrap());
        assert_eq!(
            table_status(&key),
            "LEAKED — Replaced — delete after 2026-04-01"
        );
        key.leaked = false;
        key.rotation = None;
        key.replaced_by = None;
        assert_eq!(table_status(&key), "Rotate now — 12 days overdue");
    }

    #[test]
    fn outside_text_is_shown_with_control_and_direction_characters_escaped() {
        assert_eq!(shown("plain-name_1.x"), "plain-name_1.x");
        assert_eq!(
            shown("a\u{1b}[2J\u{202e}b\u{9b}\nc"),
            "a\\u{1b}[2J\\u{202e}b\\u{9b}\\u{a}c"
        );
        assert_eq!(shown_lines("one\ntwo\u{7}", true), "one\ntwo\\u{7}");
    }

    #[test]
    fn json_escapes_invisible_characters_and_keeps_the_exact_value() {
        let value = json!({"orphans": ["x\u{1b}]0;t\u{7}\u{202e}\u{9b}\u{7f}"]});
        for pretty in [false, true] {
            let text = json_text(&value, pretty);
            assert!(
                !text.chars().any(|c| is_invisible(c) && c != '\n'),
                "{text:?}"
            );
            let back: Value = serde_json::from_str(&text).unwrap();
            assert_eq!(back, value, "the same value");
        }
        assert_eq!(
            json_text(&json!(["café ✓", "a\u{ad}b"]), false),
            "[\"café ✓\",\"a\\u00adb\"]",
            "visible characters are kept as they are"
        );
    }

    #[test]
    fn ages_read_naturally() {
        assert_eq!(age_words(0), "Less than a day");
        assert_eq!(age_words(12), "12 days");
        assert_eq!(age_words(125), "4 months");
    }

    /// The window says the same: `ui/src/lib/dates.test.ts` reads this table too.
    #[test]
    fn ages_and_lateness_follow_the_rule_the_window_follows() {
        let table: Vec<(i64, String)> =
            serde_json::from_str(include_str!("../../ui/src/lib/durations.json")).unwrap();
        assert!(table.len() > 10);
        for (days, words) in table {
            assert_eq!(age_words(days), words, "{days} days old");
            if days > 0 {
                assert_eq!(
                    status_words(&view(RotationStatus::Overdue, -days)),
                    format!("Rotate now — {words} overdue"),
                    "{days} days late"
                );
            }
        }
    }
}
