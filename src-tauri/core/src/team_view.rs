//! The lead's Team screen, held by the app instead of the page: the whole
//! team report (100,000 keys for 500 desktops of 200) kept compact, with a
//! lower-cased search text per key built once, so the page receives only
//! what it shows — the summary ([`TeamSummary`]) and a window of rows
//! ([`TeamRows`]) for its virtual list.
//!
//! Promises:
//! - The rows are the report's, in the report's order (overdue first, the
//!   most overdue first), with the report's inert texts; a window of rows
//!   is exactly the `TeamKey`s the whole report would hold at those places.
//! - A search matches a key when every word of it (case ignored) is in the
//!   key's desktop, person, owner, name, service, vendor or application, as
//!   the local key list's search does; typing on (a query that only adds to
//!   the last one) narrows the last result instead of scanning every key.
//! - Texts repeated across keys (services, applications, vendors, owners,
//!   desktops) are kept once.

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use memchr::memmem;
use serde::{Deserialize, Serialize};

use crate::team_report::{
    DocumentRead, KeyStatus, TeamDesktop, TeamGroup, TeamKey, person_of, read_document,
    sort_desktops, sorted_groups,
};

/// Most rows one window may ask for.
pub const ROWS_MAX: usize = 500;

/// Groups (per person, per service) sent to the page: the most overdue first.
pub const GROUPS_SHOWN: usize = 20;

/// What the page shows above the key list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ts_rs::TS)]
pub struct TeamSummary {
    /// When the report was made (the lead's clock; RFC 3339, UTC).
    #[serde(with = "crate::rfc3339")]
    #[ts(type = "string")]
    pub generated_at: DateTime<Utc>,
    /// Every desktop, silent and troubled ones first.
    pub desktops: Vec<TeamDesktop>,
    /// Keys per person, the most overdue first (at most [`GROUPS_SHOWN`]).
    pub per_person: Vec<TeamGroup>,
    /// Keys per service, the most overdue first (at most [`GROUPS_SHOWN`]).
    pub per_service: Vec<TeamGroup>,
    /// People with keys.
    pub people: usize,
    /// Services with keys.
    pub services: usize,
    /// What was refused, cut or odd, in words.
    pub warnings: Vec<String>,
    /// Keys in all.
    pub keys: usize,
    /// Of which overdue.
    pub overdue: usize,
    /// People with an overdue key.
    pub people_overdue: usize,
}

/// Which rows the page wants: those matching `query`, from `offset`.
#[derive(Debug, Clone, Deserialize, ts_rs::TS)]
pub struct TeamRowsRequest {
    /// The search words (blank: every key).
    pub query: String,
    /// The first matching row wanted (0-based).
    pub offset: u32,
    /// How many rows (at most [`ROWS_MAX`]).
    pub limit: u32,
}

/// A window of the matching rows.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ts_rs::TS)]
pub struct TeamRows {
    /// The query these rows answer.
    pub query: String,
    /// Keys matching it.
    pub matching: u32,
    /// Keys in all.
    pub total: u32,
    /// The place of the first row among the matching keys.
    pub offset: u32,
    /// The rows, in order.
    pub keys: Vec<TeamKey>,
}

const NONE: u32 = u32::MAX;

/// A time not given (the documents' times are within the years 0 to 9999).
const NO_TIME: i64 = i64::MIN;

/// One key, compact: its texts are places in the view's tables, its times
/// seconds since 1970.
#[derive(Debug)]
struct Row {
    rotate_by: i64,
    created_at: i64,
    leak_checked_at: i64,
    leak_found_at: i64,
    /// Where its name starts in `names`, and its length.
    name: u32,
    name_len: u32,
    desktop: u32,
    service: u32,
    application: u32,
    vendor: u32,
    owner: u32,
    days_overdue: i32,
    /// [`KeyStatus`] as a rank: overdue 0, due soon 1, ok 2.
    status: u8,
    replaced: bool,
    leaked: bool,
}

#[derive(Debug)]
struct Desktop {
    name: Box<str>,
    user: Box<str>,
    computer: Box<str>,
    last_shared_at: Option<DateTime<Utc>>,
    silent: bool,
    /// The person its keys without an owner are counted for.
    person: u32,
}

const STATUSES: [KeyStatus; 3] = [KeyStatus::Overdue, KeyStatus::DueSoon, KeyStatus::Ok];

/// The team report, held for the Team screen.
#[derive(Debug)]
pub struct TeamView {
    summary: TeamSummary,
    rows: Vec<Row>,
    desktops: Vec<Desktop>,
    texts: Vec<Box<str>>,
    /// Every key's name, one after the other.
    names: String,
    /// Every key's search text, lower-cased, one after the other, in the
    /// rows' order; each part ends with a line break.
    haystack: String,
    /// Where key `i`'s text starts in `haystack` (and, at `i + 1`, ends).
    starts: Vec<u32>,
    /// The last search's words and matching rows, to narrow from.
    last: Option<(Vec<String>, Vec<u32>)>,
}

fn seconds(at: DateTime<Utc>) -> i64 {
    at.timestamp()
}

fn time_of(seconds: i64) -> Option<DateTime<Utc>> {
    (seconds != NO_TIME)
        .then(|| DateTime::<Utc>::from_timestamp(seconds, 0))
        .flatten()
}

#[derive(Default)]
struct Interner {
    texts: Vec<Box<str>>,
    index: HashMap<Box<str>, u32>,
}

impl Interner {
    fn add(&mut self, text: &str) -> u32 {
        if let Some(i) = self.index.get(text) {
            return *i;
        }
        let i = u32::try_from(self.texts.len()).unwrap_or(NONE);
        self.texts.push(text.into());
        self.index.insert(text.into(), i);
        i
    }

    fn add_opt(&mut self, text: Option<&str>) -> u32 {
        text.map_or(NONE, |t| self.add(t))
    }
}

fn lower_into(out: &mut String, text: &str) {
    out.extend(text.chars().flat_map(char::to_lowercase));
    // A separator no search word holds (words are split at whitespace).
    out.push('\n');
}

/// Builds a [`TeamView`] one document at a time, as the documents arrive
/// from the vault: each is taken apart into compact rows and dropped, so
/// the whole team is never held as documents or as [`TeamKey`]s. The view
/// is the one [`TeamView::new`] makes from the report of the same documents.
pub struct TeamViewBuilder {
    now: DateTime<Utc>,
    lead_days: u32,
    texts: Interner,
    names: String,
    rows: Vec<Row>,
    desktops: Vec<Desktop>,
    /// Each desktop's row, with its place in the vault's list.
    shown: Vec<(usize, TeamDesktop)>,
    /// Each document's warnings, with its place in the vault's list.
    warnings: Vec<(usize, Vec<String>)>,
}

impl TeamViewBuilder {
    /// An empty team, by the lead's clock `now`; keys due within
    /// `lead_days` are due soon.
    pub fn new(now: DateTime<Utc>, lead_days: u32) -> Self {
        Self {
            now,
            lead_days,
            texts: Interner::default(),
            names: String::new(),
            rows: Vec::new(),
            desktops: Vec::new(),
            shown: Vec::new(),
            warnings: Vec::new(),
        }
    }

    /// Adds one desktop's document, the `place`-th in the vault's list (the
    /// order of the report's desktops and warnings, whatever the order of
    /// arrival).
    pub fn add(&mut self, place: usize, read: DocumentRead) {
        let index = u32::try_from(self.desktops.len()).unwrap_or(NONE);
        let (texts, names, rows) = (&mut self.texts, &mut self.names, &mut self.rows);
        let (desktop, warnings) = read_document(read, self.now, self.lead_days, |_, key| {
            let name = u32::try_from(names.len()).unwrap_or(NONE);
            names.push_str(&key.name);
            rows.push(Row {
                rotate_by: seconds(key.rotate_by),
                created_at: key.created_at.map_or(NO_TIME, seconds),
                leak_checked_at: key.leak_checked_at.map_or(NO_TIME, seconds),
                leak_found_at: key.leak_found_at.map_or(NO_TIME, seconds),
                name,
                name_len: u32::try_from(key.name.len()).unwrap_or(0),
                desktop: index,
                service: texts.add(&key.service),
                application: texts.add_opt(key.application.as_deref()),
                vendor: texts.add_opt(key.vendor.as_deref()),
                owner: texts.add_opt(key.owner.as_deref()),
                days_overdue: i32::try_from(key.days_overdue).unwrap_or(i32::MAX),
                status: key.status as u8,
                replaced: key.replaced,
                leaked: key.leaked,
            });
        });
        self.desktops.push(Desktop {
            name: desktop.desktop.as_str().into(),
            user: desktop.user.as_str().into(),
            computer: desktop.computer.as_str().into(),
            last_shared_at: desktop.last_shared_at,
            silent: desktop.silent,
            person: self.texts.add(person_of(None, &desktop.desktop)),
        });
        self.shown.push((place, desktop));
        if !warnings.is_empty() {
            self.warnings.push((place, warnings));
        }
    }

    /// The view of every document added.
    pub fn finish(self) -> TeamView {
        let Self {
            now,
            texts,
            mut names,
            mut rows,
            desktops,
            mut shown,
            mut warnings,
            ..
        } = self;
        let texts = texts.texts;
        names.shrink_to_fit();
        let name = |row: &Row| &names[row.name as usize..(row.name + row.name_len) as usize];
        rows.sort_by(|a, b| {
            a.status
                .cmp(&b.status)
                .then(a.rotate_by.cmp(&b.rotate_by))
                .then_with(|| {
                    desktops[a.desktop as usize]
                        .name
                        .cmp(&desktops[b.desktop as usize].name)
                })
                .then_with(|| name(a).cmp(name(b)))
        });
        rows.shrink_to_fit();

        let mut per_person = vec![(0usize, 0usize); texts.len()];
        let mut per_service = vec![(0usize, 0usize); texts.len()];
        let mut overdue = 0;
        for row in &rows {
            let late = usize::from(row.status == KeyStatus::Overdue as u8);
            overdue += late;
            let person = if row.owner == NONE {
                desktops[row.desktop as usize].person
            } else {
                row.owner
            };
            for (counts, at) in [(&mut per_person, person), (&mut per_service, row.service)] {
                let entry = &mut counts[at as usize];
                entry.0 += 1;
                entry.1 += late;
            }
        }
        let groups = |counts: Vec<(usize, usize)>| {
            sorted_groups(counts.into_iter().zip(&texts).filter(|(c, _)| c.0 > 0).map(
                |((keys, overdue), name)| TeamGroup {
                    name: name.to_string(),
                    keys,
                    overdue,
                },
            ))
        };
        let per_person = groups(per_person);
        let per_service = groups(per_service);

        shown.sort_by_key(|(place, _)| *place);
        let mut shown: Vec<TeamDesktop> = shown.into_iter().map(|(_, d)| d).collect();
        sort_desktops(&mut shown);
        warnings.sort_by_key(|(place, _)| *place);

        let lower = |text: &str| {
            let mut out = String::new();
            lower_into(&mut out, text);
            out
        };
        let texts_lower: Vec<String> = texts.iter().map(|t| lower(t)).collect();
        let desktops_lower: Vec<String> = desktops
            .iter()
            .map(|d| lower(&d.name) + &lower(&d.user))
            .collect();
        let text_lower = |i: u32| texts_lower.get(i as usize).map_or("\n", String::as_str);
        let mut haystack = String::new();
        let mut starts = Vec::with_capacity(rows.len() + 1);
        for row in &rows {
            starts.push(u32::try_from(haystack.len()).unwrap_or(NONE));
            haystack.push_str(&desktops_lower[row.desktop as usize]);
            haystack.push_str(text_lower(row.owner));
            lower_into(&mut haystack, name(row));
            haystack.push_str(text_lower(row.service));
            haystack.push_str(text_lower(row.vendor));
            haystack.push_str(text_lower(row.application));
        }
        starts.push(u32::try_from(haystack.len()).unwrap_or(NONE));
        haystack.shrink_to_fit();

        let summary = TeamSummary {
            generated_at: now,
            people: per_person.len(),
            services: per_service.len(),
            people_overdue: per_person.iter().filter(|g| g.overdue > 0).count(),
            per_person: top(&per_person),
            per_service: top(&per_service),
            desktops: shown,
            warnings: warnings.into_iter().flat_map(|(_, w)| w).collect(),
            keys: rows.len(),
            overdue,
        };
        TeamView {
            summary,
            rows,
            desktops,
            texts,
            names,
            haystack,
            starts,
            last: None,
        }
    }
}

fn top(groups: &[TeamGroup]) -> Vec<TeamGroup> {
    groups.iter().take(GROUPS_SHOWN).cloned().collect()
}

/// A search word, and a searcher for it made once.
struct Word<'w> {
    text: &'w str,
    finder: memmem::Finder<'w>,
}

impl TeamView {
    /// The view of every document in `reads` (in the vault's order), by the
    /// lead's clock `now`; keys due within `lead_days` are due soon.
    pub fn new(reads: Vec<DocumentRead>, now: DateTime<Utc>, lead_days: u32) -> Self {
        let mut builder = TeamViewBuilder::new(now, lead_days);
        for (place, read) in reads.into_iter().enumerate() {
            builder.add(place, read);
        }
        builder.finish()
    }

    /// What the page shows above the key list.
    pub fn summary(&self) -> &TeamSummary {
        &self.summary
    }

    fn text(&self, i: u32) -> Option<String> {
        (i != NONE)
            .then(|| self.texts.get(i as usize).map(ToString::to_string))
            .flatten()
    }

    fn key(&self, i: usize) -> TeamKey {
        let row = &self.rows[i];
        let desktop = self.desktops.get(row.desktop as usize);
        let field = |f: fn(&Desktop) -> &str| desktop.map(f).unwrap_or_default().to_owned();
        TeamKey {
            desktop: field(|d| &d.name),
            user: field(|d| &d.user),
            computer: field(|d| &d.computer),
            name: self.names[row.name as usize..(row.name + row.name_len) as usize].to_owned(),
            service: self.text(row.service).unwrap_or_default(),
            application: self.text(row.application),
            vendor: self.text(row.vendor),
            owner: self.text(row.owner),
            status: STATUSES[usize::from(row.status)].as_str().to_owned(),
            days_overdue: i64::from(row.days_overdue),
            rotate_by: time_of(row.rotate_by).unwrap_or_default(),
            created_at: time_of(row.created_at),
            replaced: row.replaced,
            leaked: row.leaked,
            leak_checked_at: time_of(row.leak_checked_at),
            leak_found_at: time_of(row.leak_found_at),
            last_shared_at: desktop.and_then(|d| d.last_shared_at),
            desktop_silent: desktop.is_some_and(|d| d.silent),
        }
    }

    fn text_of(&self, i: u32) -> &[u8] {
        let (start, end) = (self.starts[i as usize], self.starts[i as usize + 1]);
        &self.haystack.as_bytes()[start as usize..end as usize]
    }

    fn matches(&self, i: u32, words: &[Word<'_>]) -> bool {
        let text = self.text_of(i);
        words.iter().all(|w| w.finder.find(text).is_some())
    }

    /// The rows holding `word` (by one pass over every key's text), then
    /// those of them matching every word of `rest`.
    fn scan(&self, word: &Word<'_>, rest: &[Word<'_>]) -> Vec<u32> {
        let hay = self.haystack.as_bytes();
        let mut found = Vec::new();
        let mut row = 0usize;
        let mut from = 0usize;
        while let Some(at) = word.finder.find(&hay[from..]).map(|at| from + at) {
            // The row holding `at`: the starts only grow, so walk on.
            while self.starts[row + 1] as usize <= at {
                row += 1;
            }
            let i = u32::try_from(row).unwrap_or(NONE);
            if self.matches(i, rest) {
                found.push(i);
            }
            from = self.starts[row + 1] as usize;
        }
        found
    }

    /// The rows matching `request.query`, from `request.offset`, at most
    /// `request.limit` (and [`ROWS_MAX`]).
    pub fn rows(&mut self, request: &TeamRowsRequest) -> TeamRows {
        let lowered = request.query.to_lowercase();
        let texts: Vec<&str> = lowered.split_whitespace().collect();
        let total = u32::try_from(self.rows.len()).unwrap_or(NONE);
        let limit = (request.limit as usize).min(ROWS_MAX);
        let offset = request.offset as usize;
        let (matching, keys) = if texts.is_empty() {
            self.last = None;
            let end = (offset + limit).min(self.rows.len());
            (total, (offset.min(end)..end).map(|i| self.key(i)).collect())
        } else {
            // The longest word first: it is usually the rarest.
            let mut words: Vec<Word<'_>> = texts
                .iter()
                .map(|text| Word {
                    text,
                    finder: memmem::Finder::new(text.as_bytes()),
                })
                .collect();
            words.sort_by_key(|w| std::cmp::Reverse(w.text.len()));
            let last = self.last.take();
            let narrows = last.as_ref().is_some_and(|(before, _)| {
                before
                    .iter()
                    .all(|old| texts.iter().any(|new| new.contains(old.as_str())))
            });
            let found: Vec<u32> = match last {
                Some((_, before)) if narrows => before
                    .into_iter()
                    .filter(|i| self.matches(*i, &words))
                    .collect(),
                _ => self.scan(&words[0], &words[1..]),
            };
            let keys = found
                .iter()
                .skip(offset)
                .take(limit)
                .map(|i| self.key(*i as usize))
                .collect();
            let matching = u32::try_from(found.len()).unwrap_or(NONE);
            let words = texts.iter().map(|t| (*t).to_owned()).collect();
            self.last = Some((words, found));
            (matching, keys)
        };
        TeamRows {
            query: request.query.clone(),
            matching,
            total,
            offset: request.offset,
            keys,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::team_report::TeamReport;
    use serde_json::json;

    fn now() -> DateTime<Utc> {
        "2026-11-27T12:00:00Z".parse().unwrap()
    }

    /// The documents of `desktops` desktops with `per` keys each.
    fn reads(desktops: usize, per: usize) -> Vec<DocumentRead> {
        (0..desktops)
            .map(|d| {
                let keys: Vec<_> = (0..per)
                    .map(|k| {
                        let service = ["billing", "maps", "payments"][k % 3];
                        json!({"name": format!("{service}-{d}-{k}"), "service": service,
                               "application": if k % 2 == 0 { Some("Web Shop") } else { None },
                               "owner": if k % 5 == 0 { Some("Lee") } else { None },
                               "created_at": "2026-08-01T00:00:00Z",
                               "rotate_by": format!("2026-{:02}-01T00:00:00Z", 10 + k % 3),
                               "issuer": "keyward", "status": "ok", "leaked": k == 4,
                               "leak_checked_at": if k % 4 == 0 { Some("2026-11-20T08:00:00Z") } else { None }})
                    })
                    .collect();
                DocumentRead {
                    desktop: format!("user{d}@pc{d}"),
                    data: Ok(json!({"format": 1, "desktop": format!("user{d}@pc{d}"),
                        "user": format!("user{d}"), "computer": format!("pc{d}"),
                        "published_at": "2026-11-27T11:00:00Z", "keys": keys})),
                    stored_at: Some(if d == 0 {
                        "2026-11-01T00:00:00Z".parse().unwrap()
                    } else {
                        "2026-11-27T11:00:00Z".parse().unwrap()
                    }),
                }
            })
            .collect()
    }

    /// The report of those documents, and the view of the same documents.
    fn report(desktops: usize, per: usize) -> (TeamReport, TeamView) {
        let reads = reads(desktops, per);
        (
            TeamReport::build(reads.clone(), now(), 14),
            TeamView::new(reads, now(), 14),
        )
    }

    fn request(query: &str, offset: u32, limit: u32) -> TeamRowsRequest {
        TeamRowsRequest {
            query: query.into(),
            offset,
            limit,
        }
    }

    #[test]
    fn a_window_of_rows_is_exactly_the_reports_keys_at_those_places() {
        let (whole, mut view) = report(4, 30);
        let rows = view.rows(&request("", 50, 20));
        assert_eq!(rows.total, 120);
        assert_eq!(rows.matching, 120);
        assert_eq!(rows.keys, whole.keys[50..70], "same keys, same order");
        assert_eq!(view.rows(&request("", 110, 50)).keys.len(), 10);
        assert!(view.rows(&request("", 500, 50)).keys.is_empty());
        assert_eq!(
            view.rows(&request("", 0, 10_000)).keys.len(),
            ROWS_MAX.min(120)
        );
    }

    #[test]
    fn the_summary_keeps_the_reports_counts_groups_and_silent_desktops() {
        let (whole, view) = report(3, 10);
        let summary = view.summary();
        assert_eq!(summary.keys, 30);
        assert_eq!(summary.overdue, whole.overdue());
        assert_eq!(summary.people_overdue, whole.people_overdue());
        assert_eq!(summary.desktops, whole.desktops);
        assert!(summary.desktops.iter().any(|d| d.silent), "silent flagged");
        assert_eq!(summary.per_service, whole.per_service);
        assert_eq!(summary.people, whole.per_person.len());
        assert_eq!(
            summary.per_person,
            whole.per_person[..GROUPS_SHOWN.min(whole.per_person.len())]
        );
    }

    #[test]
    fn every_word_must_match_case_ignored_as_in_the_local_list() {
        let (whole, mut view) = report(12, 30);
        let expected: Vec<TeamKey> = whole
            .keys
            .iter()
            .filter(|k| {
                let text = format!(
                    "{} {} {} {} {} {}",
                    k.desktop,
                    k.user,
                    k.owner.clone().unwrap_or_default(),
                    k.name,
                    k.service,
                    k.application.clone().unwrap_or_default()
                )
                .to_lowercase();
                text.contains("billing") && text.contains("user1") && text.contains("shop")
            })
            .cloned()
            .collect();
        let mut typed = Vec::new();
        for query in [
            "B",
            "BILL",
            "billing",
            "billing user1",
            "billing user1 SHOP",
        ] {
            typed = view.rows(&request(query, 0, 500)).keys;
        }
        assert!(!expected.is_empty());
        assert_eq!(typed, expected, "narrowing gives what a fresh search gives");
        let fresh =
            TeamView::new(reads(12, 30), now(), 14).rows(&request("billing user1 shop", 0, 500));
        assert_eq!(fresh.keys, expected);
        assert_eq!(fresh.matching as usize, expected.len());
        let erased = view.rows(&request("billing user", 0, 500));
        assert!(
            erased.matching as usize > expected.len(),
            "erasing widens again"
        );
        assert_eq!(view.rows(&request("nothing-like-it", 0, 5)).matching, 0);
    }

    #[test]
    fn overdue_keys_stay_first_in_a_search() {
        let (_, mut view) = report(2, 30);
        let rows = view.rows(&request("payments", 0, 500)).keys;
        let first_ok = rows.iter().position(|k| k.status != "overdue").unwrap();
        assert!(rows[..first_ok].iter().all(|k| k.status == "overdue"));
        assert!(rows[first_ok..].iter().all(|k| k.status != "overdue"));
    }

    /// Documents of every kind a team sends: keys with owners, vendors,
    /// leak checks, replaced keys, equal names on one desktop, an unreadable
    /// date, times with fractions of a second, a clock that is wrong, a document that is not an inventory and
    /// one too large to read.
    fn mixed() -> Vec<DocumentRead> {
        let mut all = reads(6, 25);
        for (d, read) in all.iter_mut().enumerate() {
            let Ok(data) = read.data.as_mut() else {
                continue;
            };
            let keys = data["keys"].as_array_mut().unwrap();
            for (k, key) in keys.iter_mut().enumerate() {
                if (d + k) % 7 == 0 {
                    key["vendor"] = json!("Stripe");
                    key["replaced"] = json!(true);
                    key["leak_found_at"] = json!("2026-11-21T08:00:00Z");
                }
                if k == 3 {
                    key["name"] = json!("same-name");
                }
                if k == 5 {
                    key["rotate_by"] = json!("soon");
                }
                if k == 6 {
                    key["owner"] = json!(format!("user{}", (d + 1) % 6));
                }
                if k == 7 {
                    // Another writer's times, with fractions of a second.
                    key["created_at"] = json!("2026-08-01T00:00:00.750Z");
                    key["rotate_by"] = json!("2026-10-01T00:00:00.5+01:00");
                    key["leak_checked_at"] = json!("2026-11-20T08:00:00.250Z");
                }
            }
            if d == 2 {
                data["published_at"] = json!("2026-11-29T11:00:00Z");
            }
        }
        all.push(DocumentRead {
            desktop: "x@y".into(),
            data: Ok(json!({"hello": "world"})),
            stored_at: Some(now()),
        });
        all.push(DocumentRead {
            desktop: "big@one".into(),
            data: Err("its document is larger than 8 MB".into()),
            stored_at: None,
        });
        all
    }

    fn every_row(view: &mut TeamView, query: &str) -> Vec<TeamKey> {
        let mut keys = Vec::new();
        loop {
            let offset = u32::try_from(keys.len()).unwrap();
            let rows = view.rows(&request(query, offset, 40));
            if rows.keys.is_empty() {
                return keys;
            }
            keys.extend(rows.keys);
        }
    }

    #[test]
    fn the_view_holds_exactly_what_the_report_of_the_same_documents_says() {
        let whole = TeamReport::build(mixed(), now(), 14);
        let mut view = TeamView::new(mixed(), now(), 14);
        assert_eq!(every_row(&mut view, ""), whole.keys);
        let summary = view.summary();
        assert_eq!(summary.desktops, whole.desktops);
        assert_eq!(summary.warnings, whole.warnings);
        assert_eq!(summary.per_service, whole.per_service);
        assert_eq!(summary.per_person, whole.per_person);
        assert_eq!(summary.overdue, whole.overdue());
        assert_eq!(summary.people_overdue, whole.people_overdue());
        assert_eq!(summary.generated_at, whole.generated_at);
        assert!(whole.warnings.len() >= 4, "{:?}", whole.warnings);
        assert!(whole.keys.iter().any(|k| k.replaced && k.vendor.is_some()));
    }

    #[test]
    fn documents_arriving_in_any_order_give_the_view_of_the_vaults_order() {
        let whole = TeamReport::build(mixed(), now(), 14);
        let mut builder = TeamViewBuilder::new(now(), 14);
        let mut arriving: Vec<(usize, DocumentRead)> = mixed().into_iter().enumerate().collect();
        arriving.reverse();
        arriving.swap(1, 4);
        for (place, read) in arriving {
            builder.add(place, read);
        }
        let mut view = builder.finish();
        assert_eq!(
            view.summary().warnings,
            whole.warnings,
            "in the vault's order"
        );
        assert_eq!(view.summary().desktops, whole.desktops);
        assert_eq!(every_row(&mut view, ""), whole.keys);
        let found = every_row(&mut view, "SAME user3");
        assert_eq!(
            found,
            whole
                .keys
                .iter()
                .filter(|k| k.name == "same-name" && k.desktop.starts_with("user3"))
                .cloned()
                .collect::<Vec<_>>()
        );
    }
}
