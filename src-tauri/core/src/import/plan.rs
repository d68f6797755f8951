//! From a [`Table`] and a [`Mapping`] to the keys an import will make and
//! the rows it refuses, and the preview of both (which holds no secret).

use std::collections::{HashMap, HashSet};

use chrono::{DateTime, NaiveDate, NaiveDateTime, TimeZone, Utc};
use serde::Serialize;

use super::{Field, Format, Mapping, SAMPLE_ROWS, Table};
use crate::generate::{TokenCheck, check_token};
use crate::local_time;
use crate::naming::{self, KeyName, Label, ServiceName};
use crate::record::KeyRecord;
use crate::secret::Secret;
use crate::vault::{NewKey, check_secret};
use crate::vendor::VendorName;

/// A key the import will make from row `row`.
#[derive(Debug)]
pub struct Planned {
    /// The row it comes from.
    pub row: usize,
    /// What it is called and belongs to.
    pub key: NewKey,
    /// Its credential ID.
    pub credential_id: Label,
    /// Its secret, from the file's cell to the keychain.
    pub secret: Secret,
}

/// Why a row is not imported.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, ts_rs::TS)]
#[serde(rename_all = "snake_case")]
pub enum RefusalKind {
    /// The secret cell is empty (or no column is mapped to it).
    MissingSecret,
    /// The credential ID cell is empty (or no column is mapped to it).
    MissingCredentialId,
    /// The created date cannot be read, or is in the future.
    BadDate,
    /// A value is not acceptable (the reason says which and why).
    BadValue,
    /// No service: no column for it and no conventional name.
    NoService,
    /// An earlier row has the same credential ID: skipped.
    DuplicateInFile,
    /// A key in Keyward already has this credential ID: skipped.
    AlreadyInKeyward,
    /// Imported by an earlier run of this same import: skipped.
    ImportedEarlier,
    /// A key in Keyward, or an earlier row, already has this name.
    NameTaken,
}

/// A refused row, with the reason in words.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ts_rs::TS)]
pub struct Refusal {
    /// The row (spreadsheet row, or Bitwarden item number).
    #[ts(type = "number")]
    pub row: usize,
    /// What kind of refusal.
    pub kind: RefusalKind,
    /// Why, in a sentence.
    pub reason: String,
}

/// The result of planning an import. Holds the secrets of the keys to be
/// made (in [`Planned`]); [`Plan::preview`] is what may be shown.
#[derive(Debug)]
pub struct Plan {
    /// The file's format.
    pub format: Format,
    /// The file's columns.
    pub columns: Vec<String>,
    /// The mapping used.
    pub mapping: Mapping,
    /// How many rows the file has.
    pub total: usize,
    /// The first rows, secrets masked.
    pub sample: Vec<SampleRow>,
    /// The keys to make, in file order.
    pub ready: Vec<Planned>,
    /// The rows refused, in file order.
    pub refused: Vec<Refusal>,
}

/// A row as the preview shows it (secret cells masked).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ts_rs::TS)]
pub struct SampleRow {
    /// The row.
    #[ts(type = "number")]
    pub row: usize,
    /// The cells; a secret's is `••••••••`.
    pub cells: Vec<String>,
}

/// A key the import will make, as the preview shows it (no secret).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ts_rs::TS)]
pub struct PlannedView {
    /// The row.
    #[ts(type = "number")]
    pub row: usize,
    /// The key's name.
    pub name: String,
    /// Its service.
    pub service: String,
    /// Its application.
    pub application: Option<String>,
    /// Its credential ID.
    pub credential_id: String,
    /// When it was created (RFC 3339, UTC).
    #[serde(with = "offset_text")]
    #[ts(type = "string")]
    pub created_at: DateTime<Utc>,
}

/// The preview's instants as it has always written them: RFC 3339 with
/// `+00:00` and any fraction of a second.
mod offset_text {
    use chrono::{DateTime, Utc};

    pub(super) fn serialize<S: serde::Serializer>(
        at: &DateTime<Utc>,
        out: S,
    ) -> Result<S::Ok, S::Error> {
        out.serialize_str(&at.to_rfc3339())
    }
}

/// What the preview shows and `--json` prints. Never a secret.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ts_rs::TS)]
pub struct Preview {
    /// The file's format.
    pub format: Format,
    /// The file's columns.
    pub columns: Vec<String>,
    /// For each column, the field it becomes (`null`: left out).
    pub mapping: Vec<Option<Field>>,
    /// How many rows the file has.
    #[ts(type = "number")]
    pub total: usize,
    /// The first rows as they are in the file, secrets masked.
    pub sample: Vec<SampleRow>,
    /// The keys the import will make.
    pub ready: Vec<PlannedView>,
    /// The rows it will not import, and why.
    pub refused: Vec<Refusal>,
}

/// What stands for a secret in the preview.
pub const MASK: &str = "••••••••";

impl Plan {
    /// What may be shown of the plan.
    pub fn preview(&self) -> Preview {
        Preview {
            format: self.format,
            columns: self.columns.clone(),
            mapping: (0..self.columns.len())
                .map(|at| self.mapping.field_of(at))
                .collect(),
            total: self.total,
            sample: self.sample.clone(),
            ready: self
                .ready
                .iter()
                .map(|p| PlannedView {
                    row: p.row,
                    name: p.key.name.to_string(),
                    service: p.key.service.to_string(),
                    application: p.key.application.as_ref().map(ToString::to_string),
                    credential_id: p.credential_id.to_string(),
                    created_at: p.key.created_at,
                })
                .collect(),
            refused: self.refused.clone(),
        }
    }
}

impl Plan {
    /// The rows whose secrets deleting the source would lose: refused for
    /// a reason other than being in Keyward already (or a repeat of an
    /// earlier row, or having no secret at all).
    pub fn rows_not_kept(&self) -> Vec<usize> {
        self.refused
            .iter()
            .filter(|r| {
                !matches!(
                    r.kind,
                    RefusalKind::AlreadyInKeyward
                        | RefusalKind::ImportedEarlier
                        | RefusalKind::DuplicateInFile
                        | RefusalKind::MissingSecret
                )
            })
            .map(|r| r.row)
            .collect()
    }
}

/// Whether a column's name says it holds secrets (masked in the preview
/// even when not mapped to the secret).
fn looks_secret(column: &str) -> bool {
    let name = super::normalized(column);
    ["password", "secret", "token", "totp", "api_key", "private"]
        .iter()
        .any(|word| name.contains(word))
}

/// The existing keys an import is checked against.
struct Existing<'a> {
    by_credential: HashMap<&'a str, &'a KeyRecord>,
    names: HashSet<&'a str>,
}

/// Plans the import of `table` with `mapping`: each row becomes a key to
/// make or a refusal. `keys` are the keys Keyward holds (any state);
/// `earlier` the ids of keys an earlier, interrupted run of this same import
/// made. Dates without a zone, and dates in names, are local to `tz`.
pub fn plan<Tz: TimeZone>(
    table: Table,
    mapping: &Mapping,
    keys: &[KeyRecord],
    earlier: &HashSet<String>,
    now: DateTime<Utc>,
    tz: &Tz,
) -> Plan {
    let existing = Existing {
        by_credential: keys.iter().map(|k| (k.credential_id.as_str(), k)).collect(),
        names: keys
            .iter()
            .flat_map(|k| [k.name.as_str(), k.id.as_str()])
            .collect(),
    };
    let secret_column = mapping.column_of(Field::Secret);
    let masked: Vec<bool> = (0..table.columns.len())
        .map(|at| {
            Some(at) == secret_column
                || looks_secret(&table.columns[at])
                || table.hidden.contains(&at)
        })
        .collect();
    let sample = table
        .rows
        .iter()
        .take(SAMPLE_ROWS)
        .map(|row| SampleRow {
            row: row.number,
            cells: row
                .cells
                .iter()
                .take(table.columns.len())
                .enumerate()
                .map(|(at, cell)| {
                    if masked.get(at).copied().unwrap_or(true) && !cell.is_empty() {
                        MASK.to_owned()
                    } else {
                        shown(cell, 200)
                    }
                })
                .collect(),
        })
        .collect();
    let mut planner = Planner {
        mapping,
        existing,
        earlier,
        now,
        tz,
        seen_credentials: HashMap::new(),
        seen_names: HashMap::new(),
    };
    let total = table.rows.len();
    let mut ready = Vec::new();
    let mut refused = Vec::new();
    for row in &table.rows {
        match planner.row(row) {
            Ok(planned) => ready.push(planned),
            Err((kind, reason)) => refused.push(Refusal {
                row: row.number,
                kind,
                reason,
            }),
        }
    }
    Plan {
        format: table.format,
        columns: table.columns,
        mapping: mapping.clone(),
        total,
        sample,
        ready,
        refused,
    }
}

/// Text from the file made safe to show: control characters dropped, cut.
fn shown(text: &str, max: usize) -> String {
    let mut out: String = text
        .chars()
        .filter(|c| !naming::is_invisible(*c))
        .take(max)
        .collect();
    if text.chars().count() > max {
        out.push('…');
    }
    out
}

struct Planner<'a, Tz: TimeZone> {
    mapping: &'a Mapping,
    existing: Existing<'a>,
    earlier: &'a HashSet<String>,
    now: DateTime<Utc>,
    tz: &'a Tz,
    seen_credentials: HashMap<String, usize>,
    seen_names: HashMap<String, usize>,
}

type Refused = (RefusalKind, String);

impl<Tz: TimeZone> Planner<'_, Tz> {
    fn row(&mut self, row: &super::Row) -> Result<Planned, Refused> {
        let cell = |field: Field| -> &str {
            self.mapping
                .column_of(field)
                .and_then(|at| row.cells.get(at))
                .map_or("", |c| c.trim())
        };
        let bad = |field: &str, e: &dyn std::fmt::Display| {
            (
                RefusalKind::BadValue,
                format!("The {field} is not accepted: {e}"),
            )
        };
        // Credential ID first: a key already in Keyward is skipped whatever else the row holds.
        let credential_raw = cell(Field::CredentialId);
        if credential_raw.is_empty() {
            return Err((
                RefusalKind::MissingCredentialId,
                "No credential ID (the public half of the key, such as a client ID or key ID)."
                    .into(),
            ));
        }
        let credential_id =
            Label::credential_id(credential_raw).map_err(|e| bad("credential ID", &e))?;
        let cid = credential_id.as_str();
        if let Some(first) = self.seen_credentials.get(cid) {
            return Err((
                RefusalKind::DuplicateInFile,
                format!(
                    "Row {first} has the same credential ID ({}); only the first is imported.",
                    shown(cid, 60)
                ),
            ));
        }
        self.seen_credentials.insert(cid.to_owned(), row.number);
        if let Some(key) = self.existing.by_credential.get(cid) {
            if self.earlier.contains(&key.id) {
                return Err((
                    RefusalKind::ImportedEarlier,
                    format!(
                        "Already imported as \"{}\" by the earlier run of this import; skipped.",
                        key.name
                    ),
                ));
            }
            return Err((
                RefusalKind::AlreadyInKeyward,
                format!(
                    "Keyward already has this credential ID, as the key \"{}\"; skipped.",
                    key.name
                ),
            ));
        }
        let secret_raw = cell(Field::Secret);
        if secret_raw.is_empty() {
            return Err((
                RefusalKind::MissingSecret,
                "No secret (the credential secret is empty).".into(),
            ));
        }
        let secret = Secret::new(secret_raw.to_owned());
        check_secret(&secret).map_err(|e| bad("secret", &e))?;
        for (what, value) in [("credential ID", cid), ("secret", secret.expose())] {
            if check_token(value) == TokenCheck::Damaged {
                return Err(bad(
                    what,
                    &"it starts like a key Keyward made, but its check characters do not match (a character was changed, added or lost)",
                ));
            }
        }

        // The name: a valid key name is kept; other text (a password
        // manager's title) only gives the service.
        let name_raw = cell(Field::Name);
        let (name, title) = match KeyName::parse(name_raw) {
            Ok(name) => (Some(name), None),
            Err(_) if name_raw.is_empty() => (None, None),
            Err(_) => (None, Some(name_raw)),
        };
        let service_raw = cell(Field::Service);
        let service = if !service_raw.is_empty() {
            naming::service_slug(service_raw).map_err(|e| bad("service", &e))?
        } else if let Some(service) = name.as_ref().and_then(naming::service_from_name) {
            service
        } else if let Some(service) = name
            .as_ref()
            .map(KeyName::as_str)
            .or(title)
            .and_then(|t| naming::service_slug(t).ok())
        {
            service
        } else {
            return Err((
                RefusalKind::NoService,
                "No service: map a column to the service, or give the key a name.".into(),
            ));
        };
        let created_raw = cell(Field::Created);
        let created_at = if !created_raw.is_empty() {
            parse_date(created_raw, self.tz).ok_or_else(|| {
                (
                    RefusalKind::BadDate,
                    format!(
                        "The created date \"{}\" is not a date Keyward understands: write it as YYYY-MM-DD, for example 2026-08-26, or 2026-08-26 09:48.",
                        shown(created_raw, 40)
                    ),
                )
            })?
        } else {
            name.as_ref()
                .and_then(naming::date_from_name)
                .map(|local| local_time::resolve(self.tz, local))
                .unwrap_or(self.now)
        };
        if created_at > self.now + chrono::Duration::minutes(5) {
            return Err((
                RefusalKind::BadDate,
                format!(
                    "The created date \"{}\" is in the future. Use the date the key was made.",
                    shown(created_raw, 40)
                ),
            ));
        }
        let name = match name {
            Some(name) => {
                if self.existing.names.contains(name.as_str()) {
                    return Err((
                        RefusalKind::NameTaken,
                        format!(
                            "Keyward already has a key named \"{name}\" (with another credential ID). Rename it in the file, or leave the name out to get a new one."
                        ),
                    ));
                }
                if let Some(first) = self.seen_names.get(name.as_str()) {
                    return Err((
                        RefusalKind::NameTaken,
                        format!(
                            "Row {first} has the same name (\"{name}\"). Rename one of them in the file."
                        ),
                    ));
                }
                name
            }
            None => self.free_name(&service, created_at),
        };
        self.seen_names.insert(name.to_string(), row.number);
        let label = |field: Field, parse: fn(&str) -> Result<Option<Label>, _>, what| {
            parse(cell(field)).map_err(|e: naming::NameError| bad(what, &e))
        };
        let application = label(Field::Application, Label::application, "application")?;
        let owner = label(Field::Owner, Label::owner, "owner")?;
        let notes = Label::notes(cell(Field::Notes)).map_err(|e| bad("notes", &e))?;
        let vendor_raw = cell(Field::Vendor);
        let vendor = (!vendor_raw.is_empty())
            .then(|| VendorName::parse(vendor_raw))
            .transpose()
            .map_err(|e| bad("vendor", &e))?;
        Ok(Planned {
            row: row.number,
            key: NewKey {
                service,
                application,
                name,
                notes,
                created_at,
                vendor,
                owner,
            },
            credential_id,
            secret,
        })
    }

    /// The conventional name of a `service` key made at `created_at`, with
    /// `-2`, `-3`, … when Keyward or an earlier row has it.
    fn free_name(&self, service: &ServiceName, created_at: DateTime<Utc>) -> KeyName {
        let base = naming::suggest_name(service, local_time::wall_time(self.tz, created_at));
        let taken =
            |name: &str| self.existing.names.contains(name) || self.seen_names.contains_key(name);
        if !taken(base.as_str()) {
            return base;
        }
        (2..)
            .filter_map(|n| KeyName::parse(&format!("{base}-{n}")).ok())
            .find(|name| !taken(name.as_str()))
            .unwrap_or(base) // refused as taken, in words, by the vault
    }
}

/// A date from a file: RFC 3339 (`2024-01-15T10:30:00Z`, as KeePassXC and
/// Bitwarden write them), or a local `YYYY-MM-DD`, `YYYY-MM-DD HH:MM` or
/// `YYYY-MM-DDTHH:MM:SS`.
pub(crate) fn parse_date<Tz: TimeZone>(text: &str, tz: &Tz) -> Option<DateTime<Utc>> {
    if let Ok(instant) = DateTime::parse_from_rfc3339(text) {
        return Some(instant.with_timezone(&Utc));
    }
    for format in [
        "%Y-%m-%d %H:%M:%S",
        "%Y-%m-%d %H:%M",
        "%Y-%m-%dT%H:%M:%S",
        "%Y-%m-%dT%H:%M",
    ] {
        if let Ok(local) = NaiveDateTime::parse_from_str(text, format) {
            return Some(local_time::resolve(tz, local));
        }
    }
    NaiveDate::parse_from_str(text, "%Y-%m-%d")
        .ok()
        .map(|date| local_time::resolve(tz, date.and_time(chrono::NaiveTime::MIN)))
}
