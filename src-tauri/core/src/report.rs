//! The rotation report for security leads: every key, its dates, its
//! status and whether it has been replaced, as CSV or JSON.
//!
//! Promises:
//! - Never a secret: a [`ReportRow`] is built from the catalog only.
//! - JSON rows carry every field of `keyward list --json` ([`KeyView`])
//!   under the same names, plus `days_overdue`, `replaced_by_name`,
//!   `pending_deletion`, and the rotation period the statuses were worked
//!   out with: `rotation_months` and `rotation_period_source` (`person`,
//!   `organisation`, `defaults`, or `defaults_after_damage` when the
//!   settings file is damaged). CSV has the same columns, in the same order.
//! - JSON dates are RFC 3339 UTC instants; CSV dates are the person's local
//!   date and time (`2026-05-28 22:00`), which spreadsheets read as dates.
//! - CSV follows RFC 4180 (a header row, CRLF line ends, fields quoted
//!   when they hold a comma, a quote or a line break), and a text cell that
//!   a spreadsheet would run as a formula (one starting with `=`, `+`, `-`,
//!   `@`, a tab or a carriage return) gets a leading `'`, so opening the
//!   report cannot run anything. Numbers written by Keyward are left as they are.
//! - Rows are ordered by rotation date, most urgent first.

use std::collections::BTreeMap;

use chrono::{DateTime, TimeZone, Utc};
use serde::Serialize;

use crate::local_time::local_text_of;
use crate::record::{KeyRecord, KeyState, KeyView, RotationStep, ViewContext};
use crate::rotation::{RotationPolicy, RotationStatus};
use crate::settings::PeriodSource;
use crate::vendor::{VendorName, VendorProfile};

/// One key in the report.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ts_rs::TS)]
pub struct ReportRow {
    /// Everything `keyward list --json` shows.
    #[serde(flatten)]
    #[ts(flatten)]
    pub key: KeyView,
    /// Whole days past the rotation date (0 when not overdue).
    pub days_overdue: i64,
    /// Whether this key has been replaced and is waiting to be deleted.
    pub pending_deletion: bool,
    /// The rotation period the status was worked out with, in months.
    pub rotation_months: u32,
    /// Where that period comes from.
    pub rotation_period_source: PeriodSource,
}

/// The report's rows for every complete key in `records`, seen at `now`
/// under `policy`, whose period comes from `source`, with dates counted
/// in the person's time zone `tz`. Vendors are named by their profile
/// name only: for lines that name keys (the team channel's digest); the
/// report itself uses [`rows_with_vendors`].
pub fn rows<Tz: TimeZone>(
    records: &[KeyRecord],
    policy: &RotationPolicy,
    source: PeriodSource,
    now: DateTime<Utc>,
    tz: &Tz,
) -> Vec<ReportRow> {
    rows_with_vendors(records, BTreeMap::new(), policy, source, now, tz)
}

/// [`rows`] with each key's vendor shown from its profile in `vendors`
/// (display name, dashboard address), as `keyward list --json` shows it.
pub fn rows_with_vendors<Tz: TimeZone>(
    records: &[KeyRecord],
    vendors: BTreeMap<VendorName, VendorProfile>,
    policy: &RotationPolicy,
    source: PeriodSource,
    now: DateTime<Utc>,
    tz: &Tz,
) -> Vec<ReportRow> {
    // Found by id through an index, so the report stays linear in the number of keys.
    let wanted: std::collections::HashSet<&str> = records
        .iter()
        .filter_map(|r| r.replaced_by.as_deref())
        .collect();
    let context = ViewContext {
        vendors,
        names: records
            .iter()
            .filter(|r| wanted.contains(r.id.as_str()))
            .map(|r| (r.id.clone(), r.name.to_string()))
            .collect(),
    };
    let mut rows: Vec<ReportRow> = records
        .iter()
        .filter(|r| r.state == KeyState::Active)
        .map(|record| {
            let key = record.view_in(policy, now, tz, &context);
            ReportRow {
                days_overdue: if key.status == RotationStatus::Overdue {
                    (-key.days_until_due).max(0)
                } else {
                    0
                },
                pending_deletion: record.replaced_by.is_some(),
                rotation_months: policy.period_months,
                rotation_period_source: source,
                key,
            }
        })
        .collect();
    rows.sort_by(|a, b| {
        a.key
            .rotate_by
            .cmp(&b.key.rotate_by)
            .then_with(|| a.key.name.cmp(&b.key.name))
    });
    rows
}

/// The report as a pretty JSON array.
pub fn to_json(rows: &[ReportRow]) -> String {
    // Plain strings, numbers and booleans: serializing cannot fail.
    let mut text = serde_json::to_string_pretty(rows).unwrap_or_else(|_| "[]".into());
    text.push('\n');
    text
}

/// A CSV cell: text from people (neutralised) or a number Keyward wrote.
enum Cell<'a> {
    Text(&'a str),
    Number(i64),
    Flag(bool),
}

/// The CSV columns, in order, by their JSON field names (headed in words,
/// see [`heading`]).
pub const COLUMNS: &[&str] = &[
    "id",
    "name",
    "service",
    "application",
    "credential_id",
    "notes",
    "created_at",
    "rotate_by",
    "age_days",
    "status",
    "attention",
    "days_until_due",
    "days_overdue",
    "last_copied_at",
    "last_revealed_at",
    "replaced_by",
    "replaced_by_name",
    "delete_after",
    "pending_deletion",
    "snoozed_until",
    "issuer",
    "vendor",
    "vendor_display_name",
    "vendor_dashboard_url",
    "owner",
    "leaked",
    "leaked_at",
    "rotation",
    "received_from",
    "received_for",
    "received_at",
    "rotation_months",
    "rotation_period_source",
];

/// A column's heading in the CSV: words a spreadsheet shows to people
/// ("Days overdue"), where the JSON report keeps the field name
/// (`days_overdue`). A column without words of its own is headed by its
/// field name (a test makes sure there is none).
pub fn heading(column: &str) -> &str {
    match column {
        "id" => "Key ID",
        "name" => "Name",
        "service" => "Service",
        "application" => "Application",
        "credential_id" => "Credential ID",
        "notes" => "Notes",
        "created_at" => "Created",
        "rotate_by" => "Rotate by",
        "age_days" => "Age in days",
        "status" => "Status",
        "attention" => "Needs attention",
        "days_until_due" => "Days until due",
        "days_overdue" => "Days overdue",
        "last_copied_at" => "Last copied",
        "last_revealed_at" => "Secret last shown",
        "replaced_by" => "Replaced by key ID",
        "replaced_by_name" => "Replaced by",
        "delete_after" => "Delete after",
        "pending_deletion" => "Waiting to be deleted",
        "snoozed_until" => "Reminders paused until",
        "issuer" => "Issued by",
        "vendor" => "Vendor",
        "vendor_display_name" => "Vendor name",
        "vendor_dashboard_url" => "Vendor dashboard",
        "owner" => "Owner",
        "leaked" => "Leaked",
        "leaked_at" => "Marked leaked",
        "rotation" => "Rotation in progress",
        "rotation_months" => "Rotation period in months",
        "rotation_period_source" => "Rotation period set by",
        "received_from" => "Received from",
        "received_for" => "Received for",
        "received_at" => "Received",
        other => other,
    }
}

/// The report as RFC 4180 CSV with a header row in words ([`heading`]),
/// dates in the person's time zone `tz`.
pub fn to_csv<Tz: TimeZone>(rows: &[ReportRow], tz: &Tz) -> String {
    let local = |instant: DateTime<Utc>| local_text_of(instant, tz, true);
    let local_opt = |instant: Option<DateTime<Utc>>| instant.map(local).unwrap_or_default();
    let mut out = String::new();
    let header: Vec<Cell> = COLUMNS.iter().map(|c| Cell::Text(heading(c))).collect();
    push_record(&mut out, &header);
    for row in rows {
        let k = &row.key;
        let dates = [
            local(k.created_at),
            local(k.rotate_by),
            local_opt(k.last_copied_at),
            local_opt(k.last_revealed_at),
            local_opt(k.delete_after),
            local_opt(k.snoozed_until),
            local_opt(k.leaked_at),
            local_opt(k.received_at),
        ];
        let cells = [
            Cell::Text(&k.id),
            Cell::Text(&k.name),
            Cell::Text(&k.service),
            opt(&k.application),
            Cell::Text(&k.credential_id),
            Cell::Text(&k.notes),
            Cell::Text(&dates[0]),
            Cell::Text(&dates[1]),
            Cell::Number(k.age_days),
            Cell::Text(k.status.as_str()),
            Cell::Text(k.attention.as_str()),
            Cell::Number(k.days_until_due),
            Cell::Number(row.days_overdue),
            Cell::Text(&dates[2]),
            Cell::Text(&dates[3]),
            opt(&k.replaced_by),
            opt(&k.replaced_by_name),
            Cell::Text(&dates[4]),
            Cell::Flag(row.pending_deletion),
            Cell::Text(&dates[5]),
            Cell::Text(k.issuer.as_str()),
            opt(&k.vendor),
            opt(&k.vendor_display_name),
            opt(&k.vendor_dashboard_url),
            opt(&k.owner),
            Cell::Flag(k.leaked),
            Cell::Text(&dates[6]),
            Cell::Text(k.rotation.map_or("", RotationStep::as_str)),
            opt(&k.received_from),
            opt(&k.received_for),
            Cell::Text(&dates[7]),
            Cell::Number(i64::from(row.rotation_months)),
            Cell::Text(row.rotation_period_source.as_str()),
        ];
        debug_assert_eq!(cells.len(), COLUMNS.len());
        push_record(&mut out, &cells);
    }
    out
}

fn opt(value: &Option<String>) -> Cell<'_> {
    Cell::Text(value.as_deref().unwrap_or(""))
}

fn push_record(out: &mut String, cells: &[Cell]) {
    for (i, cell) in cells.iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        match cell {
            Cell::Number(n) => out.push_str(&n.to_string()),
            Cell::Flag(b) => out.push_str(if *b { "true" } else { "false" }),
            Cell::Text(text) => push_text(out, text),
        }
    }
    out.push_str("\r\n");
}

/// Appends `text` as one CSV cell (quoted when needed; a leading `=`, `+`,
/// `-`, `@` made harmless for spreadsheets).
pub(crate) fn push_text(out: &mut String, text: &str) {
    let neutralised;
    let text = if text.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        neutralised = format!("'{text}");
        neutralised.as_str()
    } else {
        text
    };
    if text.contains([',', '"', '\r', '\n']) {
        out.push('"');
        out.push_str(&text.replace('"', "\"\""));
        out.push('"');
    } else {
        out.push_str(text);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::naming::{KeyName, Label, ServiceName};
    use chrono::TimeZone;

    fn record(id: &str, name: &str, created: DateTime<Utc>) -> KeyRecord {
        KeyRecord {
            service: ServiceName::parse("payments-api").unwrap(),
            application: Label::application("Billing, \"web\"").unwrap(),
            credential_id: format!("kwid_{id}"),
            created_at: created,
            notes: Label::notes("=HYPERLINK(\"http://evil\")").unwrap(),
            ..crate::record::test_support::record(id, name)
        }
    }

    fn now() -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 6, 1, 12, 0, 0).unwrap()
    }

    /// The report of [`sample`] under the guide's rule, seen at [`now`] in UTC.
    fn sample_rows() -> Vec<ReportRow> {
        rows(
            &sample(),
            &RotationPolicy::default(),
            PeriodSource::Person,
            now(),
            &Utc,
        )
    }

    fn sample() -> Vec<KeyRecord> {
        let old = Utc.with_ymd_and_hms(2026, 1, 1, 9, 0, 0).unwrap();
        let fresh = Utc.with_ymd_and_hms(2026, 5, 20, 9, 0, 0).unwrap();
        let mut a = record("a1", "old-key", old);
        a.replaced_by = Some("b2".into());
        a.delete_after = Some(now() + chrono::Duration::days(3));
        let b = record("b2", "new-key", fresh);
        let mut pending = record("c3", "half-made", fresh);
        pending.state = KeyState::Pending;
        vec![b, a, pending]
    }

    #[test]
    fn rows_cover_complete_keys_most_urgent_first_with_replacement_and_overdue_days() {
        let rows = sample_rows();
        assert_eq!(rows.len(), 2, "the unfinished key is not reported");
        assert_eq!(rows[0].key.name, "old-key", "most urgent first");
        assert_eq!(rows[0].key.status, RotationStatus::Overdue);
        assert_eq!(rows[0].days_overdue, 61, "due 1 April, seen 1 June");
        assert_eq!(rows[0].key.replaced_by_name.as_deref(), Some("new-key"));
        assert!(rows[0].pending_deletion);
        assert_eq!(rows[1].days_overdue, 0);
        assert!(!rows[1].pending_deletion);
    }

    #[test]
    fn every_row_says_which_rotation_period_was_used_and_where_it_came_from() {
        let six = RotationPolicy {
            period_months: 6,
            ..RotationPolicy::default()
        };
        let rows = rows(&sample(), &six, PeriodSource::Organisation, now(), &Utc);
        let json: serde_json::Value = serde_json::from_str(&to_json(&rows)).unwrap();
        assert_eq!(json[0]["rotation_months"], 6);
        assert_eq!(json[0]["rotation_period_source"], "organisation");
        let text = to_csv(&rows, &Utc);
        let mut reader = csv::Reader::from_reader(text.as_bytes());
        let col = |name: &str| COLUMNS.iter().position(|c| *c == name).unwrap();
        let first = reader.records().next().unwrap().unwrap();
        assert_eq!(&first[col("rotation_months")], "6");
        assert_eq!(&first[col("rotation_period_source")], "organisation");
    }

    #[test]
    fn csv_parses_with_a_standard_reader_one_row_per_key_under_a_header() {
        let rows = sample_rows();
        let text = to_csv(&rows, &Utc);
        let mut reader = csv::Reader::from_reader(text.as_bytes());
        let header: Vec<String> = reader.headers().unwrap().iter().map(String::from).collect();
        let headings: Vec<&str> = COLUMNS.iter().map(|c| heading(c)).collect();
        assert_eq!(header, headings);
        let records: Vec<csv::StringRecord> = reader.records().map(|r| r.unwrap()).collect();
        assert_eq!(records.len(), rows.len(), "one row per key");
        let col = |name: &str| COLUMNS.iter().position(|c| *c == name).unwrap();
        let first = &records[0];
        assert_eq!(&first[col("name")], "old-key");
        assert_eq!(
            &first[col("application")],
            "Billing, \"web\"",
            "commas and quotes survive the round trip"
        );
        assert_eq!(&first[col("days_overdue")], "61");
        assert_eq!(&first[col("days_until_due")], "-61", "numbers stay numbers");
        assert_eq!(&first[col("pending_deletion")], "true");
        assert_eq!(&first[col("replaced_by_name")], "new-key");
        assert!(text.ends_with("\r\n"), "RFC 4180 line ends");
    }

    #[test]
    fn csv_dates_are_on_the_persons_calendar_far_from_utc() {
        // Every instant at 12:00 UTC: 02:00 the next day in Kiritimati (UTC+14),
        // 05:00 the same day in Los Angeles (UTC−7).
        let at = |d: u32| Utc.with_ymd_and_hms(2026, 5, d, 12, 0, 0).unwrap();
        let mut key = record("a1", "old-key", at(1));
        key.history.copied_at = Some(at(2));
        key.history.revealed_at = Some(at(3));
        key.replaced_by = Some("b2".into());
        key.delete_after = Some(now() + chrono::Duration::days(3));
        key.reminder.snoozed_until = Some(now() + chrono::Duration::days(9));
        key.leaked_at = Some(at(4));
        key.received = Some(crate::record::Received::from_file(at(5), None, None, None));
        let col = |name: &str| COLUMNS.iter().position(|c| *c == name).unwrap();
        let dated = [
            ("created_at", "2026-05-02 02:00", "2026-05-01 05:00"),
            ("rotate_by", "2026-08-02 02:00", "2026-08-01 05:00"),
            ("last_copied_at", "2026-05-03 02:00", "2026-05-02 05:00"),
            ("last_revealed_at", "2026-05-04 02:00", "2026-05-03 05:00"),
            ("delete_after", "2026-06-05 02:00", "2026-06-04 05:00"),
            ("snoozed_until", "2026-06-11 02:00", "2026-06-10 05:00"),
            ("leaked_at", "2026-05-05 02:00", "2026-05-04 05:00"),
            ("received_at", "2026-05-06 02:00", "2026-05-05 05:00"),
        ];
        let in_zone = |tz: chrono_tz::Tz| {
            let rows = rows(
                std::slice::from_ref(&key),
                &RotationPolicy::default(),
                PeriodSource::Person,
                now(),
                &tz,
            );
            let text = to_csv(&rows, &tz);
            let mut reader = csv::Reader::from_reader(text.as_bytes());
            reader.records().next().unwrap().unwrap()
        };
        let kiritimati = in_zone(chrono_tz::Pacific::Kiritimati);
        let los_angeles = in_zone(chrono_tz::America::Los_Angeles);
        for (column, there, here) in dated {
            assert_eq!(&kiritimati[col(column)], there, "{column} in Kiritimati");
            assert_eq!(&los_angeles[col(column)], here, "{column} in Los Angeles");
        }
    }

    #[test]
    fn csv_headings_are_words_for_people_while_json_keeps_field_names() {
        let text = to_csv(&sample_rows(), &Utc);
        let first_line = text.lines().next().unwrap();
        assert!(
            first_line.starts_with("Key ID,Name,Service,Application,Credential ID,"),
            "{first_line}"
        );
        assert!(first_line.contains(",Days overdue,"), "{first_line}");
        for column in COLUMNS {
            let words = heading(column);
            assert_ne!(words, *column, "{column} has no heading in words");
            assert!(!words.contains('_'), "{words} reads as a field name");
        }
        let json = to_json(&sample_rows());
        assert!(json.contains("\"days_overdue\""), "JSON keeps field names");
        assert!(!json.contains("Days overdue"));
    }

    #[test]
    fn csv_cells_that_a_spreadsheet_would_run_are_neutralised() {
        let rows = sample_rows();
        let text = to_csv(&rows, &Utc);
        let mut reader = csv::Reader::from_reader(text.as_bytes());
        let notes = COLUMNS.iter().position(|c| *c == "notes").unwrap();
        for record in reader.records() {
            assert_eq!(&record.unwrap()[notes], "'=HYPERLINK(\"http://evil\")");
        }
        for start in ["=", "+", "-", "@", "\t", "\r"] {
            let mut out = String::new();
            push_text(&mut out, &format!("{start}1+1"));
            assert!(
                out.trim_start_matches('"').starts_with('\''),
                "{start:?} is neutralised: {out:?}"
            );
        }
        let mut out = String::new();
        push_text(&mut out, "plain");
        assert_eq!(out, "plain");
    }

    #[test]
    fn json_rows_carry_every_list_field_under_the_same_names_plus_the_report_fields() {
        let records = sample();
        let rows = rows(
            &records,
            &RotationPolicy::default(),
            PeriodSource::Person,
            now(),
            &Utc,
        );
        let json: serde_json::Value = serde_json::from_str(&to_json(&rows)).unwrap();
        let row = json[0].as_object().unwrap();
        let view =
            serde_json::to_value(records[1].view(&RotationPolicy::default(), now(), &Utc)).unwrap();
        for field in view.as_object().unwrap().keys() {
            assert!(
                row.contains_key(field),
                "report JSON lacks list field {field}"
            );
        }
        for field in [
            "days_overdue",
            "replaced_by_name",
            "pending_deletion",
            "rotation_months",
            "rotation_period_source",
        ] {
            assert!(row.contains_key(field), "report JSON lacks {field}");
        }
        let mut csv_columns: Vec<&str> = COLUMNS.to_vec();
        let mut json_fields: Vec<&str> = row.keys().map(String::as_str).collect();
        csv_columns.sort_unstable();
        json_fields.sort_unstable();
        assert_eq!(
            csv_columns, json_fields,
            "CSV and JSON have the same fields"
        );
    }

    #[test]
    fn the_report_never_holds_a_secret() {
        use crate::memory_store::MemoryStore;
        use crate::vault::{NewKey, Vault};
        let dir = tempfile::tempdir().unwrap();
        let catalog = crate::catalog::Catalog::open(dir.path()).unwrap();
        let vault = Vault::new(catalog, MemoryStore::default(), RotationPolicy::default());
        let mut secrets = Vec::new();
        for name in ["a", "b"] {
            let (_, secret) = vault
                .generate(NewKey {
                    service: ServiceName::parse("svc").unwrap(),
                    application: None,
                    name: KeyName::parse(name).unwrap(),
                    notes: Label::notes("").unwrap(),
                    created_at: now(),
                    vendor: None,
                    owner: None,
                })
                .unwrap();
            secrets.push(secret);
        }
        let rows = rows(
            &vault.catalog().load().unwrap(),
            &vault.policy(),
            PeriodSource::Defaults,
            now(),
            &Utc,
        );
        assert_eq!(rows.len(), 2);
        for text in [to_csv(&rows, &Utc), to_json(&rows)] {
            for secret in &secrets {
                assert!(!text.contains(secret.expose()), "a secret is in the report");
                assert!(!text.contains(&secret.expose()[5..25]), "part of a secret");
            }
        }
    }
}
