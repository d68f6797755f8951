//! The security lead's view of the team vault, without the network: every
//! desktop's inventory document turned into one list of keys, overdue
//! first, with each desktop's last-shared time.
//!
//! Promises:
//! - A document is outside this desktop's control, so it is read as
//!   hostile: one larger than [`DOCUMENT_MAX_BYTES`] is refused by the
//!   reader before it is parsed (the client stops reading), one with more
//!   than [`DOCUMENT_MAX_KEYS`] keys is cut, one that is not an inventory
//!   is named with a problem; each with a warning, never a failure of the
//!   whole view.
//! - Every text from a document goes through [`inert`]: control and
//!   text-direction characters are removed and the length is capped, so a
//!   name cannot move the terminal's cursor, recolour it, or reorder a line.
//!   HTML is kept as text (the window shows text, never markup; the CSV
//!   neutralises formulas).
//! - Time is the lead's: statuses and days overdue are worked out from each
//!   key's rotate-by date against the lead's `now`, and "last shared" is the
//!   vault's own time of the document's version, so a desktop whose clock is
//!   wrong can neither hide an overdue key nor look fresh. A desktop's clock
//!   that disagrees with the vault's by more than [`SKEW_WARNING`] is named.
//! - A desktop not heard from for more than [`SILENT_AFTER`] is flagged.

use std::borrow::Cow;
use std::collections::BTreeMap;

use chrono::{DateTime, Datelike, Duration, TimeZone, Utc};
use serde::Serialize;

use crate::team::{InventoryDocument, InventoryKey};

/// Largest document the lead reads (bigger ones are refused unread).
pub const DOCUMENT_MAX_BYTES: usize = 8 * 1024 * 1024;

/// Most keys shown for one desktop; the rest are cut with a warning.
pub const DOCUMENT_MAX_KEYS: usize = 20_000;

/// Longest text shown from a document, in characters.
pub const TEXT_MAX: usize = 200;

/// A desktop silent for longer than this is flagged.
pub const SILENT_AFTER: Duration = Duration::days(7);

/// A desktop clock this far from the vault's is named.
pub const SKEW_WARNING: Duration = Duration::minutes(10);

/// `text` made safe to show anywhere: no control or text-direction
/// characters, at most `max` characters (then `…`).
pub fn inert(text: &str, max: usize) -> String {
    let mut out = String::new();
    for (count, c) in text.chars().filter(|c| !hidden(*c)).enumerate() {
        if count == max {
            out.push('…');
            break;
        }
        out.push(c);
    }
    out
}

fn hidden(c: char) -> bool {
    c.is_control()
        || matches!(c,
            '\u{061C}' | '\u{200B}'..='\u{200F}' | '\u{202A}'..='\u{202E}'
            | '\u{2060}'..='\u{2069}' | '\u{FEFF}')
}

/// [`inert`], borrowing `text` when it is already inert.
pub fn inert_cow(text: &str, max: usize) -> Cow<'_, str> {
    for (count, c) in text.chars().enumerate() {
        if hidden(c) || count == max {
            return Cow::Owned(inert(text, max));
        }
    }
    Cow::Borrowed(text)
}

fn inert_opt(text: Option<&str>) -> Option<Cow<'_, str>> {
    text.map(|t| inert_cow(t, TEXT_MAX))
        .filter(|t| !t.is_empty())
}

/// One desktop's document as the vault gave it.
#[derive(Debug, Clone)]
pub struct DocumentRead {
    /// The desktop's name: the last part of its path in the vault.
    pub desktop: String,
    /// The document's data, or why it could not be read (a sentence).
    pub data: Result<serde_json::Value, String>,
    /// When the vault stored this version (the vault's clock).
    pub stored_at: Option<DateTime<Utc>>,
}

/// One key on one desktop, as the lead sees it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ts_rs::TS)]
pub struct TeamKey {
    /// The desktop it is on.
    pub desktop: String,
    /// The person who published it.
    pub user: String,
    /// Their computer.
    pub computer: String,
    /// The key's name.
    pub name: String,
    /// Its service.
    pub service: String,
    /// The application that uses it.
    pub application: Option<String>,
    /// The vendor that issued it.
    pub vendor: Option<String>,
    /// Who looks after it.
    pub owner: Option<String>,
    /// `ok`, `due_soon` or `overdue`, by the lead's clock.
    pub status: String,
    /// Days past its rotate-by date (0 when not overdue).
    pub days_overdue: i64,
    /// When it must be rotated (RFC 3339, UTC).
    #[serde(with = "crate::rfc3339")]
    #[ts(type = "string")]
    pub rotate_by: DateTime<Utc>,
    /// When it was made (RFC 3339, UTC; `""` when its document does not say
    /// readably).
    #[serde(with = "crate::rfc3339::or_empty")]
    #[ts(type = "string")]
    pub created_at: Option<DateTime<Utc>>,
    /// Replaced and waiting to be deleted.
    pub replaced: bool,
    /// Leaked.
    pub leaked: bool,
    /// When a leak check on its desktop last looked for it (RFC 3339, UTC).
    #[serde(with = "crate::rfc3339::option")]
    #[ts(type = "string | null")]
    pub leak_checked_at: Option<DateTime<Utc>>,
    /// When a leak check on its desktop last found it (RFC 3339, UTC).
    #[serde(with = "crate::rfc3339::option")]
    #[ts(type = "string | null")]
    pub leak_found_at: Option<DateTime<Utc>>,
    /// When its desktop last shared its inventory (RFC 3339, UTC).
    #[serde(with = "crate::rfc3339::option")]
    #[ts(type = "string | null")]
    pub last_shared_at: Option<DateTime<Utc>>,
    /// Whether its desktop has been silent for more than 7 days.
    pub desktop_silent: bool,
}

/// One desktop, as the lead sees it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ts_rs::TS)]
pub struct TeamDesktop {
    /// Its name in the vault.
    pub desktop: String,
    /// The person.
    pub user: String,
    /// The computer.
    pub computer: String,
    /// When the vault last stored its document (RFC 3339, UTC).
    #[serde(with = "crate::rfc3339::option")]
    #[ts(type = "string | null")]
    pub last_shared_at: Option<DateTime<Utc>>,
    /// Whole days since then.
    pub days_since_shared: Option<i64>,
    /// Silent for more than 7 days.
    pub silent: bool,
    /// Keys shown.
    pub keys: usize,
    /// Of which overdue.
    pub overdue: usize,
    /// What was wrong with its document, in words (then no keys are shown).
    pub problem: Option<String>,
}

/// Keys per person or per service.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ts_rs::TS)]
pub struct TeamGroup {
    /// The person or the service.
    pub name: String,
    /// Keys.
    pub keys: usize,
    /// Of which overdue.
    pub overdue: usize,
}

/// The whole team.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ts_rs::TS)]
pub struct TeamReport {
    /// When it was made (the lead's clock; RFC 3339, UTC).
    #[serde(with = "crate::rfc3339")]
    #[ts(type = "string")]
    pub generated_at: DateTime<Utc>,
    /// Every desktop, silent and troubled ones first.
    pub desktops: Vec<TeamDesktop>,
    /// Every key, overdue first.
    pub keys: Vec<TeamKey>,
    /// Keys per person.
    pub per_person: Vec<TeamGroup>,
    /// Keys per service.
    pub per_service: Vec<TeamGroup>,
    /// What was refused, cut or odd, in words.
    pub warnings: Vec<String>,
}

/// A key's state by the lead's clock.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum KeyStatus {
    /// Past its rotate-by date.
    Overdue,
    /// Due within the lead's warning time.
    DueSoon,
    /// Neither.
    Ok,
}

impl KeyStatus {
    /// `overdue`, `due_soon` or `ok`, as [`TeamKey::status`] says it.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Overdue => "overdue",
            Self::DueSoon => "due_soon",
            Self::Ok => "ok",
        }
    }
}

/// One key of a document as the report shows it (texts already inert),
/// borrowing from the document where its texts needed no change: what
/// [`TeamReport::build`] turns into a [`TeamKey`] and the Team screen's
/// view keeps in its own compact form.
#[derive(Debug)]
pub struct KeySeen<'a> {
    /// The key's name.
    pub name: Cow<'a, str>,
    /// Its service.
    pub service: Cow<'a, str>,
    /// The application that uses it.
    pub application: Option<Cow<'a, str>>,
    /// The vendor that issued it.
    pub vendor: Option<Cow<'a, str>>,
    /// Who looks after it.
    pub owner: Option<Cow<'a, str>>,
    /// Its state by the lead's clock.
    pub status: KeyStatus,
    /// Days past its rotate-by date (0 when not overdue).
    pub days_overdue: i64,
    /// When it must be rotated (to the second, as every time here).
    pub rotate_by: DateTime<Utc>,
    /// When it was made, when the document says so readably.
    pub created_at: Option<DateTime<Utc>>,
    /// Replaced and waiting to be deleted.
    pub replaced: bool,
    /// Leaked.
    pub leaked: bool,
    /// When a leak check on its desktop last looked for it.
    pub leak_checked_at: Option<DateTime<Utc>>,
    /// When a leak check on its desktop last found it.
    pub leak_found_at: Option<DateTime<Utc>>,
}

impl KeySeen<'_> {
    /// The key as the report holds it, on `desktop`.
    pub fn to_team_key(&self, desktop: &TeamDesktop) -> TeamKey {
        TeamKey {
            desktop: desktop.desktop.clone(),
            user: desktop.user.clone(),
            computer: desktop.computer.clone(),
            name: self.name.clone().into_owned(),
            service: self.service.clone().into_owned(),
            application: self.application.clone().map(Cow::into_owned),
            vendor: self.vendor.clone().map(Cow::into_owned),
            owner: self.owner.clone().map(Cow::into_owned),
            status: self.status.as_str().to_owned(),
            days_overdue: self.days_overdue,
            rotate_by: self.rotate_by,
            created_at: self.created_at,
            replaced: self.replaced,
            leaked: self.leaked,
            leak_checked_at: self.leak_checked_at,
            leak_found_at: self.leak_found_at,
            last_shared_at: desktop.last_shared_at,
            desktop_silent: desktop.silent,
        }
    }
}

/// One document read: its desktop's row (with its counts), its warnings,
/// and each of its keys handed to `each` with the desktop (as it stands
/// before the counts). The document is dropped when this returns.
pub fn read_document(
    read: DocumentRead,
    now: DateTime<Utc>,
    lead_days: u32,
    mut each: impl FnMut(&TeamDesktop, KeySeen<'_>),
) -> (TeamDesktop, Vec<String>) {
    let mut warnings = Vec::new();
    let name = inert(&read.desktop, TEXT_MAX);
    let shared = read.stored_at.map(|at| at.min(now));
    let days = shared.map(|at| (now - at).num_days().max(0));
    let silent = shared.is_none_or(|at| now - at > SILENT_AFTER);
    let mut desktop = TeamDesktop {
        desktop: name.clone(),
        user: String::new(),
        computer: String::new(),
        last_shared_at: shared.map(crate::rfc3339::to_the_second),
        days_since_shared: days,
        silent,
        keys: 0,
        overdue: 0,
        problem: None,
    };
    let document = read.data.and_then(|data| {
        InventoryDocument::from_kv_data(data)
            .map_err(|e| format!("its document is not an inventory Keyward can read ({e})"))
    });
    let mut document = match document {
        Ok(document) => document,
        Err(problem) => {
            let problem = inert(&problem, 400);
            warnings.push(format!("Desktop {name}: {problem}; it is not shown."));
            desktop.problem = Some(problem);
            return (desktop, warnings);
        }
    };
    desktop.user = inert(&document.user, TEXT_MAX);
    desktop.computer = inert(&document.computer, TEXT_MAX);
    if inert(&document.desktop, TEXT_MAX) != name {
        warnings.push(format!(
            "Desktop {name}: its document says it is \"{}\"; it is shown under the name of its place in the vault.",
            inert(&document.desktop, TEXT_MAX)
        ));
    }
    if let (Some(stored), Ok(published)) = (
        read.stored_at,
        document.published_at.parse::<DateTime<Utc>>(),
    ) {
        let skew = published - stored;
        if skew.abs() > SKEW_WARNING {
            let (amount, way) = if skew > Duration::zero() {
                (skew, "ahead of")
            } else {
                (-skew, "behind")
            };
            warnings.push(format!(
                "Desktop {name}: its clock is about {} {way} the vault's; its keys are shown by your clock.",
                duration_words(amount)
            ));
        }
    }
    if document.keys.len() > DOCUMENT_MAX_KEYS {
        warnings.push(format!(
            "Desktop {name}: its document lists {} keys; only the first {DOCUMENT_MAX_KEYS} are shown.",
            document.keys.len()
        ));
        document.keys.truncate(DOCUMENT_MAX_KEYS);
    }
    let mut unreadable = 0usize;
    let (mut shown, mut overdue) = (0, 0);
    for key in &document.keys {
        match key_seen(key, now, lead_days) {
            Some(seen) => {
                shown += 1;
                if seen.status == KeyStatus::Overdue {
                    overdue += 1;
                }
                each(&desktop, seen);
            }
            None => unreadable += 1,
        }
    }
    desktop.keys = shown;
    desktop.overdue = overdue;
    if unreadable > 0 {
        warnings.push(format!(
            "Desktop {name}: {unreadable} of its keys have no readable rotate-by date and are not shown."
        ));
    }
    (desktop, warnings)
}

/// Sorts desktops as the report shows them: troubled, then silent, then
/// the most overdue first, then by name.
pub fn sort_desktops(desktops: &mut [TeamDesktop]) {
    desktops.sort_by(|a, b| {
        (
            a.problem.is_none(),
            !a.silent,
            std::cmp::Reverse(a.overdue),
            &a.desktop,
        )
            .cmp(&(
                b.problem.is_none(),
                !b.silent,
                std::cmp::Reverse(b.overdue),
                &b.desktop,
            ))
    });
}

/// The person a key is counted for: its owner, else the person its
/// desktop's place in the vault names (`<user>@<computer>`; a document's
/// own `user` is only its claim).
pub fn person_of<'a>(owner: Option<&'a str>, desktop: &'a str) -> &'a str {
    owner.unwrap_or_else(|| desktop.split_once('@').map_or(desktop, |(user, _)| user))
}

/// Groups from `(name, keys, overdue)`, names once each: the most overdue
/// first, then by name.
pub fn sorted_groups(groups: impl IntoIterator<Item = TeamGroup>) -> Vec<TeamGroup> {
    let mut out: Vec<TeamGroup> = groups.into_iter().collect();
    out.sort_by(|a, b| b.overdue.cmp(&a.overdue).then_with(|| a.name.cmp(&b.name)));
    out
}

impl TeamReport {
    /// The report from every document read, at the lead's `now`; keys due
    /// within `lead_days` are `due_soon`.
    pub fn build(reads: Vec<DocumentRead>, now: DateTime<Utc>, lead_days: u32) -> Self {
        let mut desktops = Vec::new();
        let mut keys = Vec::new();
        let mut warnings = Vec::new();
        for read in reads {
            let (desktop, said) = read_document(read, now, lead_days, |desktop, key| {
                keys.push(key.to_team_key(desktop));
            });
            warnings.extend(said);
            desktops.push(desktop);
        }
        keys.sort_by(|a, b| {
            rank(&a.status)
                .cmp(&rank(&b.status))
                .then_with(|| a.rotate_by.cmp(&b.rotate_by))
                .then_with(|| a.desktop.cmp(&b.desktop))
                .then_with(|| a.name.cmp(&b.name))
        });
        sort_desktops(&mut desktops);
        let per_person = groups(&keys, |k| {
            person_of(k.owner.as_deref(), &k.desktop).to_owned()
        });
        let per_service = groups(&keys, |k| k.service.clone());
        Self {
            generated_at: now,
            desktops,
            keys,
            per_person,
            per_service,
            warnings,
        }
    }

    /// People with at least one overdue key.
    pub fn people_overdue(&self) -> usize {
        self.per_person.iter().filter(|g| g.overdue > 0).count()
    }

    /// Overdue keys.
    pub fn overdue(&self) -> usize {
        self.keys.iter().filter(|k| k.status == "overdue").count()
    }
}

fn rank(status: &str) -> u8 {
    match status {
        "overdue" => 0,
        "due_soon" => 1,
        _ => 2,
    }
}

fn groups(keys: &[TeamKey], by: impl Fn(&TeamKey) -> String) -> Vec<TeamGroup> {
    let mut map: BTreeMap<String, (usize, usize)> = BTreeMap::new();
    for key in keys {
        let entry = map.entry(by(key)).or_default();
        entry.0 += 1;
        if key.status == "overdue" {
            entry.1 += 1;
        }
    }
    sorted_groups(map.into_iter().map(|(name, (keys, overdue))| TeamGroup {
        name,
        keys,
        overdue,
    }))
}

/// A date from a document, only within the years 0 to 9999 (so that its
/// RFC 3339 text and its time sort alike).
fn document_time(text: &str) -> Option<DateTime<Utc>> {
    let at: DateTime<Utc> = text.parse().ok()?;
    (0..=9999).contains(&at.year()).then_some(at)
}

/// [`document_time`] as the report holds it: to the second, what its JSON
/// says (and what the Team screen's compact rows keep).
fn shown_time(text: &str) -> Option<DateTime<Utc>> {
    document_time(text).map(crate::rfc3339::to_the_second)
}

fn key_seen(key: &InventoryKey, now: DateTime<Utc>, lead_days: u32) -> Option<KeySeen<'_>> {
    let rotate_by = document_time(&key.rotate_by)?;
    let until = rotate_by - now;
    let (status, days_overdue) = if until <= Duration::zero() {
        (KeyStatus::Overdue, (-until).num_days())
    } else if until <= Duration::days(i64::from(lead_days)) {
        (KeyStatus::DueSoon, 0)
    } else {
        (KeyStatus::Ok, 0)
    };
    Some(KeySeen {
        name: inert_cow(&key.name, TEXT_MAX),
        service: inert_cow(&key.service, TEXT_MAX),
        application: inert_opt(key.application.as_deref()),
        vendor: inert_opt(key.vendor.as_deref()),
        owner: inert_opt(key.owner.as_deref()),
        status,
        days_overdue,
        // The status above is worked out from the instant as written.
        rotate_by: crate::rfc3339::to_the_second(rotate_by),
        created_at: shown_time(&key.created_at),
        replaced: key.replaced,
        leaked: key.leaked,
        leak_checked_at: key.leak_checked_at.as_deref().and_then(shown_time),
        leak_found_at: key.leak_found_at.as_deref().and_then(shown_time),
    })
}

fn duration_words(d: Duration) -> String {
    if d >= Duration::days(2) {
        format!("{} days", d.num_days())
    } else if d >= Duration::hours(2) {
        format!("{} hours", d.num_hours())
    } else {
        format!("{} minutes", d.num_minutes())
    }
}

/// What the lead's Keyward already told the team channel about the team's
/// keys: per key (`desktop` and name), the stage announced and when. Kept
/// in `team-digest.json` in the data folder.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, serde::Deserialize)]
#[serde(default)]
pub struct TeamDigestState {
    /// `"<desktop>\u{1f}<key name>"` → (stage, when announced).
    pub announced: BTreeMap<String, (String, DateTime<Utc>)>,
}

impl TeamDigestState {
    const FILE: &'static str = "team-digest.json";

    /// The saved state; missing or damaged means nothing was announced yet.
    pub fn load(data_dir: &std::path::Path) -> Self {
        std::fs::read(data_dir.join(Self::FILE))
            .ok()
            .and_then(|bytes| serde_json::from_slice(&bytes).ok())
            .unwrap_or_default()
    }

    /// Saves it (private, atomic).
    pub fn save(&self, data_dir: &std::path::Path) -> Result<(), crate::catalog::CatalogError> {
        let text = serde_json::to_vec(self).unwrap_or_default();
        crate::private_files::write_atomically(&data_dir.join(Self::FILE), &text)
            .map_err(crate::catalog::CatalogError::from)
    }

    fn id(key: &TeamKey) -> String {
        format!("{}\u{1f}{}", key.desktop, key.name)
    }

    /// The keys to announce now, with the team channel's rules: each key's
    /// stage (due soon, overdue) once, and an overdue key again every
    /// `repeat_days` while it stays overdue. Keys no longer due are forgotten.
    pub fn due<'a>(
        &self,
        report: &'a TeamReport,
        now: DateTime<Utc>,
        repeat_days: u32,
    ) -> Vec<&'a TeamKey> {
        report
            .keys
            .iter()
            .filter(|k| k.status != "ok" && !k.replaced)
            .filter(|k| match self.announced.get(&Self::id(k)) {
                None => true,
                Some((stage, _)) if stage != &k.status => true,
                Some((_, at)) => {
                    k.status == "overdue" && now - *at >= Duration::days(i64::from(repeat_days))
                }
            })
            .collect()
    }

    /// Records that `keys` were announced at `now`, and forgets keys that are fine again.
    pub fn announced(&mut self, report: &TeamReport, keys: &[&TeamKey], now: DateTime<Utc>) {
        let due: std::collections::HashSet<String> = report
            .keys
            .iter()
            .filter(|k| k.status != "ok")
            .map(Self::id)
            .collect();
        self.announced.retain(|id, _| due.contains(id));
        for key in keys {
            self.announced
                .insert(Self::id(key), (key.status.clone(), now));
        }
    }
}

/// The team channel message for `keys` (the ones to announce, most urgent
/// first): "12 keys overdue across 5 people", then a line per key (at most
/// [`crate::team_channel::DIGEST_MAX_KEYS`]), dates in `tz`.
pub fn team_digest<Tz: TimeZone>(
    report: &TeamReport,
    keys: &[&TeamKey],
    tz: &Tz,
) -> crate::team_channel::Digest {
    use crate::local_time::local_text_of;
    let overdue = report.overdue();
    let people = report.people_overdue();
    let title = if overdue == 0 {
        format!(
            "{} due soon across the team",
            if keys.len() == 1 {
                "1 key".to_owned()
            } else {
                format!("{} keys", keys.len())
            }
        )
    } else {
        format!(
            "{} overdue across {}",
            if overdue == 1 {
                "1 key".to_owned()
            } else {
                format!("{overdue} keys")
            },
            if people == 1 {
                "1 person".to_owned()
            } else {
                format!("{people} people")
            }
        )
    };
    let max = crate::team_channel::DIGEST_MAX_KEYS;
    let mut lines: Vec<String> = keys
        .iter()
        .take(max)
        .map(|k| {
            let date = local_text_of(k.rotate_by, tz, false);
            let state = match (k.status.as_str(), k.days_overdue) {
                ("overdue", 0) => format!("due today ({date})"),
                ("overdue", 1) => format!("1 day overdue (rotate by {date})"),
                ("overdue", n) => format!("{n} days overdue (rotate by {date})"),
                _ => format!("due soon ({date})"),
            };
            let leaked = if k.leaked { "LEAKED; " } else { "" };
            format!(
                "{} ({}) on {}: {leaked}{state}",
                k.name, k.service, k.desktop
            )
        })
        .collect();
    let more = keys.len().saturating_sub(max);
    if more > 0 {
        lines.push(format!(
            "…and {more} more. Open Keyward's Team screen, or run `keyward team report`, to see them all."
        ));
    }
    crate::team_channel::Digest {
        title,
        lines,
        keys: Vec::new(),
        more,
    }
}

/// The report as pretty JSON.
pub fn to_json(report: &TeamReport) -> String {
    serde_json::to_string_pretty(report).unwrap_or_default() + "\n"
}

/// The keys as RFC 4180 CSV, dates in the lead's time zone `tz`.
pub fn to_csv<Tz: TimeZone>(report: &TeamReport, tz: &Tz) -> String {
    use crate::local_time::local_text_of;
    let mut out = String::new();
    let header = [
        "Desktop",
        "Person",
        "Computer",
        "Key",
        "Service",
        "Application",
        "Vendor",
        "Owner",
        "Status",
        "Days overdue",
        "Rotate by",
        "Created",
        "Replaced",
        "Leaked",
        "Last shared",
        "Desktop silent over 7 days",
        "Last leak check",
        "Leak found",
    ];
    push_row(
        &mut out,
        header.iter().map(std::string::ToString::to_string),
    );
    for k in &report.keys {
        let local = |at: Option<DateTime<Utc>>| {
            at.map(|at| local_text_of(at, tz, true)).unwrap_or_default()
        };
        push_row(
            &mut out,
            [
                k.desktop.clone(),
                k.user.clone(),
                k.computer.clone(),
                k.name.clone(),
                k.service.clone(),
                k.application.clone().unwrap_or_default(),
                k.vendor.clone().unwrap_or_default(),
                k.owner.clone().unwrap_or_default(),
                k.status.clone(),
                k.days_overdue.to_string(),
                local(Some(k.rotate_by)),
                local(k.created_at),
                k.replaced.to_string(),
                k.leaked.to_string(),
                local(k.last_shared_at),
                k.desktop_silent.to_string(),
                local(k.leak_checked_at),
                local(k.leak_found_at),
            ]
            .into_iter(),
        );
    }
    out
}

fn push_row(out: &mut String, cells: impl Iterator<Item = String>) {
    for (i, cell) in cells.enumerate() {
        if i > 0 {
            out.push(',');
        }
        crate::report::push_text(out, &cell);
    }
    out.push_str("\r\n");
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn now() -> DateTime<Utc> {
        "2026-11-27T12:00:00Z".parse().unwrap()
    }

    fn doc(desktop: &str, keys: serde_json::Value, published: &str) -> serde_json::Value {
        json!({"format": 1, "desktop": desktop, "user": "ann", "computer": "pc1",
               "published_at": published, "keys": keys})
    }

    fn key(name: &str, rotate_by: &str) -> serde_json::Value {
        json!({"name": name, "service": "payments", "created_at": "2026-08-01T00:00:00Z",
               "rotate_by": rotate_by, "issuer": "keyward", "status": "ok"})
    }

    fn read(desktop: &str, data: serde_json::Value, stored: &str) -> DocumentRead {
        DocumentRead {
            desktop: desktop.into(),
            data: Ok(data),
            stored_at: Some(stored.parse().unwrap()),
        }
    }

    #[test]
    fn overdue_keys_come_first_by_the_leads_clock_not_the_desktops() {
        let report = TeamReport::build(
            vec![read(
                "ann@pc1",
                doc(
                    "ann@pc1",
                    json!([
                        key("fresh", "2027-03-01T00:00:00Z"),
                        key("old", "2026-11-01T00:00:00Z")
                    ]),
                    "2026-11-27T11:00:00Z",
                ),
                "2026-11-27T11:00:00Z",
            )],
            now(),
            14,
        );
        assert_eq!(report.keys[0].name, "old");
        assert_eq!(report.keys[0].status, "overdue", "the desktop said ok");
        assert_eq!(report.keys[0].days_overdue, 26);
        assert_eq!(report.overdue(), 1);
        assert_eq!(report.desktops[0].overdue, 1);
        assert!(report.warnings.is_empty(), "{:?}", report.warnings);
    }

    #[test]
    fn a_desktop_silent_for_more_than_a_week_is_flagged_and_clock_skew_named() {
        let report = TeamReport::build(
            vec![read(
                "bob@pc2",
                doc("bob@pc2", json!([]), "2027-01-01T00:00:00Z"),
                "2026-11-10T00:00:00Z",
            )],
            now(),
            14,
        );
        assert!(report.desktops[0].silent);
        assert_eq!(report.desktops[0].days_since_shared, Some(17));
        assert!(
            report.warnings.iter().any(|w| w.contains("ahead of")),
            "{:?}",
            report.warnings
        );
    }

    #[test]
    fn escapes_and_direction_marks_in_names_are_removed_and_html_stays_text() {
        let evil = "\u{1b}[2J\u{1b}]0;pwn\u{7}<img src=x onerror=alert(1)>\u{202e}gpj.exe";
        let report = TeamReport::build(
            vec![read(
                "eve@pc3",
                doc(
                    "eve@pc3",
                    json!([key(evil, "2027-01-01T00:00:00Z")]),
                    "2026-11-27T11:00:00Z",
                ),
                "2026-11-27T11:00:00Z",
            )],
            now(),
            14,
        );
        let name = &report.keys[0].name;
        assert!(!name.chars().any(char::is_control), "{name:?}");
        assert!(!name.contains('\u{202e}'));
        assert!(name.contains("<img"), "HTML is kept as text: {name}");
        let csv = to_csv(&report, &Utc);
        assert!(!csv.contains('\u{1b}'));
    }

    #[test]
    fn the_json_says_instants_as_utc_text_a_missing_creation_as_empty_and_no_time_as_null() {
        let mut unsure = key("unsure", "2027-01-01T01:00:00+01:00");
        unsure["created_at"] = json!("last week");
        let report = TeamReport::build(
            vec![read(
                "ann@pc1",
                doc("ann@pc1", json!([unsure]), "2026-11-27T11:00:00Z"),
                "2026-11-27T11:00:00+00:00",
            )],
            now(),
            14,
        );
        let json: serde_json::Value = serde_json::from_str(&to_json(&report)).unwrap();
        assert_eq!(json["generated_at"], "2026-11-27T12:00:00Z");
        assert_eq!(
            json["desktops"][0]["last_shared_at"],
            "2026-11-27T11:00:00Z"
        );
        let key = &json["keys"][0];
        assert_eq!(key["rotate_by"], "2027-01-01T00:00:00Z");
        assert_eq!(key["created_at"], "", "unreadable: empty, as always");
        assert_eq!(key["last_shared_at"], "2026-11-27T11:00:00Z");
        assert!(key["leak_checked_at"].is_null() && key["leak_found_at"].is_null());
    }

    #[test]
    fn a_keys_last_leak_check_is_shown_and_a_hostile_one_dropped() {
        let mut checked = key("checked", "2027-01-01T00:00:00Z");
        checked["leak_checked_at"] = json!("2026-11-26T08:00:00+01:00");
        checked["leak_found_at"] = json!("2026-11-20T07:00:00Z");
        let mut evil = key("evil", "2027-01-01T00:00:00Z");
        evil["leak_checked_at"] = json!("\u{1b}[2J<b>soon</b>");
        let old = key("old", "2027-01-01T00:00:00Z");
        let report = TeamReport::build(
            vec![read(
                "ann@pc1",
                doc(
                    "ann@pc1",
                    json!([checked, evil, old]),
                    "2026-11-27T11:00:00Z",
                ),
                "2026-11-27T11:00:00Z",
            )],
            now(),
            14,
        );
        let by_name = |n: &str| report.keys.iter().find(|k| k.name == n).unwrap();
        let json = |n: &str| serde_json::to_value(by_name(n)).unwrap();
        assert_eq!(json("checked")["leak_checked_at"], "2026-11-26T07:00:00Z");
        assert_eq!(json("checked")["leak_found_at"], "2026-11-20T07:00:00Z");
        assert_eq!(by_name("evil").leak_checked_at, None, "not a time: dropped");
        assert_eq!(
            by_name("old").leak_checked_at,
            None,
            "an older document says nothing"
        );
        let csv = to_csv(&report, &Utc);
        assert!(
            csv.lines()
                .next()
                .unwrap()
                .ends_with(",Last leak check,Leak found"),
            "{csv}"
        );
        assert!(!csv.contains("soon"), "{csv}");
    }

    #[test]
    fn a_document_that_is_not_an_inventory_is_named_not_fatal() {
        let report = TeamReport::build(
            vec![
                read("x@y", json!({"hello": "world"}), "2026-11-27T11:00:00Z"),
                DocumentRead {
                    desktop: "big@one".into(),
                    data: Err("its document is larger than 8 MB".into()),
                    stored_at: None,
                },
            ],
            now(),
            14,
        );
        assert_eq!(report.desktops.len(), 2);
        assert!(report.desktops.iter().all(|d| d.problem.is_some()));
        assert_eq!(report.warnings.len(), 2);
    }

    #[test]
    fn too_many_keys_are_cut_with_a_warning() {
        let many: Vec<_> = (0..DOCUMENT_MAX_KEYS + 5)
            .map(|i| key(&format!("k{i}"), "2027-01-01T00:00:00Z"))
            .collect();
        let report = TeamReport::build(
            vec![read(
                "m@n",
                doc("m@n", json!(many), "2026-11-27T11:00:00Z"),
                "2026-11-27T11:00:00Z",
            )],
            now(),
            14,
        );
        assert_eq!(report.keys.len(), DOCUMENT_MAX_KEYS);
        assert!(report.warnings[0].contains("only the first"));
    }

    #[test]
    fn each_stage_is_announced_once_and_overdue_again_after_the_repeat_period() {
        let report = TeamReport::build(
            vec![read(
                "ann@pc1",
                doc(
                    "ann@pc1",
                    json!([
                        key("old", "2026-11-01T00:00:00Z"),
                        key("soon", "2026-12-01T00:00:00Z"),
                        key("fine", "2027-06-01T00:00:00Z")
                    ]),
                    "2026-11-27T11:00:00Z",
                ),
                "2026-11-27T11:00:00Z",
            )],
            now(),
            14,
        );
        let mut state = TeamDigestState::default();
        let due = state.due(&report, now(), 7);
        assert_eq!(
            due.iter().map(|k| k.name.as_str()).collect::<Vec<_>>(),
            ["old", "soon"]
        );
        let digest = team_digest(&report, &due, &Utc);
        assert_eq!(digest.title, "1 key overdue across 1 person");
        assert!(
            digest.lines[0].starts_with("old (payments) on ann@pc1: 26 days overdue"),
            "{:?}",
            digest.lines
        );
        state.announced(&report, &due, now());
        assert!(
            state.due(&report, now() + Duration::days(6), 7).is_empty(),
            "once per stage"
        );
        let again = state.due(&report, now() + Duration::days(7), 7);
        assert_eq!(again.len(), 1, "overdue repeats weekly");
        assert_eq!(again[0].name, "old");
    }

    #[test]
    fn inert_caps_length() {
        assert_eq!(inert("abcdef", 3), "abc…");
        assert_eq!(inert("a\u{0}b\u{2066}c", 10), "abc");
    }
}
