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
use serde::{Deserialize, Serialize};

use crate::team_report::{TeamDesktop, TeamGroup, TeamKey, TeamReport};

/// Most rows one window may ask for.
pub const ROWS_MAX: usize = 500;

/// Groups (per person, per service) sent to the page: the most overdue first.
pub const GROUPS_SHOWN: usize = 20;

/// What the page shows above the key list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ts_rs::TS)]
pub struct TeamSummary {
    /// When the report was made (the lead's clock).
    pub generated_at: String,
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

#[derive(Debug)]
struct Row {
    desktop: u32,
    name: Box<str>,
    service: u32,
    application: u32,
    vendor: u32,
    owner: u32,
    status: u8,
    replaced: bool,
    leaked: bool,
    days_overdue: i64,
    rotate_by: i64,
    created_at: Option<i64>,
    leak_checked_at: Option<i64>,
    leak_found_at: Option<i64>,
}

#[derive(Debug)]
struct Desktop {
    name: Box<str>,
    user: Box<str>,
    computer: Box<str>,
    last_shared_at: Option<Box<str>>,
    silent: bool,
}

const STATUSES: [&str; 3] = ["ok", "due_soon", "overdue"];

/// The team report, held for the Team screen.
#[derive(Debug)]
pub struct TeamView {
    summary: TeamSummary,
    rows: Vec<Row>,
    desktops: Vec<Desktop>,
    texts: Vec<Box<str>>,
    /// Every key's search text, lower-cased, one after the other.
    haystack: String,
    /// Where key `i`'s text starts in `haystack` (and, at `i + 1`, ends).
    starts: Vec<u32>,
    /// The last search's words and matching rows, to narrow from.
    last: Option<(Vec<String>, Vec<u32>)>,
}

fn parse_time(text: &str) -> Option<i64> {
    text.parse::<DateTime<Utc>>().ok().map(|t| t.timestamp())
}

fn time_text(seconds: i64) -> String {
    DateTime::<Utc>::from_timestamp(seconds, 0)
        .map(|t| t.to_rfc3339_opts(chrono::SecondsFormat::Secs, true))
        .unwrap_or_default()
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

fn top(groups: &[TeamGroup]) -> Vec<TeamGroup> {
    groups.iter().take(GROUPS_SHOWN).cloned().collect()
}

impl TeamView {
    /// Holds `report` (taken apart key by key, so it is not kept twice).
    pub fn new(report: TeamReport) -> Self {
        let TeamReport {
            generated_at,
            desktops,
            keys,
            per_person,
            per_service,
            warnings,
        } = report;
        let overdue = keys.iter().filter(|k| k.status == "overdue").count();
        let people_overdue = per_person.iter().filter(|g| g.overdue > 0).count();
        let mut names: HashMap<&str, u32> = HashMap::new();
        let mut held = Vec::with_capacity(desktops.len());
        for (i, d) in desktops.iter().enumerate() {
            names.insert(&d.desktop, u32::try_from(i).unwrap_or(NONE));
            held.push(Desktop {
                name: d.desktop.as_str().into(),
                user: d.user.as_str().into(),
                computer: d.computer.as_str().into(),
                last_shared_at: d.last_shared_at.as_deref().map(Into::into),
                silent: d.silent,
            });
        }
        let mut interner = Interner::default();
        let mut rows = Vec::with_capacity(keys.len());
        let mut haystack = String::new();
        let mut starts = Vec::with_capacity(keys.len() + 1);
        let total = keys.len();
        for key in keys {
            let desktop = names.get(key.desktop.as_str()).copied().unwrap_or(NONE);
            starts.push(u32::try_from(haystack.len()).unwrap_or(NONE));
            for part in [
                key.desktop.as_str(),
                key.user.as_str(),
                key.owner.as_deref().unwrap_or(""),
                key.name.as_str(),
                key.service.as_str(),
                key.vendor.as_deref().unwrap_or(""),
                key.application.as_deref().unwrap_or(""),
            ] {
                haystack.extend(part.chars().flat_map(char::to_lowercase));
                // A separator no search word holds (words are split at whitespace).
                haystack.push('\n');
            }
            rows.push(Row {
                desktop,
                name: key.name.into_boxed_str(),
                service: interner.add(&key.service),
                application: interner.add_opt(key.application.as_deref()),
                vendor: interner.add_opt(key.vendor.as_deref()),
                owner: interner.add_opt(key.owner.as_deref()),
                status: u8::try_from(STATUSES.iter().position(|s| *s == key.status).unwrap_or(0))
                    .unwrap_or(0),
                replaced: key.replaced,
                leaked: key.leaked,
                days_overdue: key.days_overdue,
                rotate_by: parse_time(&key.rotate_by).unwrap_or(0),
                created_at: parse_time(&key.created_at),
                leak_checked_at: key.leak_checked_at.as_deref().and_then(parse_time),
                leak_found_at: key.leak_found_at.as_deref().and_then(parse_time),
            });
        }
        starts.push(u32::try_from(haystack.len()).unwrap_or(NONE));
        haystack.shrink_to_fit();
        let summary = TeamSummary {
            generated_at,
            people: per_person.len(),
            services: per_service.len(),
            per_person: top(&per_person),
            per_service: top(&per_service),
            desktops,
            warnings,
            keys: total,
            overdue,
            people_overdue,
        };
        Self {
            summary,
            rows,
            desktops: held,
            texts: interner.texts,
            haystack,
            starts,
            last: None,
        }
    }

    /// What the page shows above the key list.
    pub fn summary(&self) -> &TeamSummary {
        &self.summary
    }

    fn text(&self, i: u32) -> Option<String> {
        (i != NONE)
            .then(|| {
                self.texts
                    .get(i as usize)
                    .map(std::string::ToString::to_string)
            })
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
            name: row.name.to_string(),
            service: self.text(row.service).unwrap_or_default(),
            application: self.text(row.application),
            vendor: self.text(row.vendor),
            owner: self.text(row.owner),
            status: STATUSES[usize::from(row.status)].to_owned(),
            days_overdue: row.days_overdue,
            rotate_by: time_text(row.rotate_by),
            created_at: row.created_at.map(time_text).unwrap_or_default(),
            replaced: row.replaced,
            leaked: row.leaked,
            leak_checked_at: row.leak_checked_at.map(time_text),
            leak_found_at: row.leak_found_at.map(time_text),
            last_shared_at: desktop.and_then(|d| d.last_shared_at.as_deref().map(str::to_owned)),
            desktop_silent: desktop.is_some_and(|d| d.silent),
        }
    }

    fn matches(&self, i: u32, words: &[String]) -> bool {
        let (start, end) = (self.starts[i as usize], self.starts[i as usize + 1]);
        let text = &self.haystack[start as usize..end as usize];
        words.iter().all(|w| text.contains(w.as_str()))
    }

    /// The rows matching `request.query`, from `request.offset`, at most
    /// `request.limit` (and [`ROWS_MAX`]).
    pub fn rows(&mut self, request: &TeamRowsRequest) -> TeamRows {
        let words: Vec<String> = request
            .query
            .to_lowercase()
            .split_whitespace()
            .map(str::to_owned)
            .collect();
        let total = u32::try_from(self.rows.len()).unwrap_or(NONE);
        let limit = (request.limit as usize).min(ROWS_MAX);
        let offset = request.offset as usize;
        let (matching, keys) = if words.is_empty() {
            self.last = None;
            let end = (offset + limit).min(self.rows.len());
            (total, (offset.min(end)..end).map(|i| self.key(i)).collect())
        } else {
            let narrows = self.last.as_ref().is_some_and(|(before, _)| {
                before
                    .iter()
                    .all(|old| words.iter().any(|new| new.contains(old.as_str())))
            });
            let found: Vec<u32> = match self.last.take() {
                Some((_, before)) if narrows => before
                    .into_iter()
                    .filter(|i| self.matches(*i, &words))
                    .collect(),
                _ => (0..total).filter(|i| self.matches(*i, &words)).collect(),
            };
            let keys = found
                .iter()
                .skip(offset)
                .take(limit)
                .map(|i| self.key(*i as usize))
                .collect();
            let matching = u32::try_from(found.len()).unwrap_or(NONE);
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
    use crate::team_report::DocumentRead;
    use serde_json::json;

    fn report(desktops: usize, per: usize) -> TeamReport {
        let now: DateTime<Utc> = "2026-11-27T12:00:00Z".parse().unwrap();
        let reads = (0..desktops)
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
            .collect();
        TeamReport::build(reads, now, 14)
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
        let whole = report(4, 30);
        let mut view = TeamView::new(whole.clone());
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
        let whole = report(3, 10);
        let view = TeamView::new(whole.clone());
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
        let whole = report(12, 30);
        let mut view = TeamView::new(whole.clone());
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
        let fresh = TeamView::new(whole).rows(&request("billing user1 shop", 0, 500));
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
        let mut view = TeamView::new(report(2, 30));
        let rows = view.rows(&request("payments", 0, 500)).keys;
        let first_ok = rows.iter().position(|k| k.status != "overdue").unwrap();
        assert!(rows[..first_ok].iter().all(|k| k.status == "overdue"));
        assert!(rows[first_ok..].iter().all(|k| k.status != "overdue"));
    }
}
