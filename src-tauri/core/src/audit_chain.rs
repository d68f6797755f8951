//! The audit log's hash chain: each line Keyward appends carries the
//! SHA-256 of the line before it (`prev`, over that line's exact bytes) and
//! its number in the chain (`seq`), so that [`verify`] can tell a line that
//! was changed, removed, put in or moved after it was written, and say
//! which.
//!
//! Promises:
//! - The link of a new line is worked out from the file's last line, read
//!   under the same exclusive lock as the write (see [`crate::audit`]), so
//!   writers in several processes (window, background program, command
//!   line) keep one unbroken chain.
//! - A log written before the chain existed keeps working: its lines are
//!   read as before, the chain starts at the first line appended after them
//!   (linked to the last old line), and [`verify`] says plainly how many
//!   lines come before the chain and cannot be checked.
//! - The first line of a new log links to [`GENESIS`], so a removed first
//!   line is found too.
//! - A line cut short by a crash is not a break: the next line links to it
//!   as it is, and [`verify`] names it as cut short.
//! - What a chain cannot show, said plainly: lines cut off the end of the
//!   log, or a log rewritten from some line onwards with every later link
//!   worked out again. A copy kept elsewhere (the audit stream to a SIEM)
//!   covers that; [`ChainCheck::last_hash`] can be compared with it.

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::fingerprint::hex;

/// The `prev` of the first line of a new log.
pub const GENESIS: &str = "0000000000000000000000000000000000000000000000000000000000000000";

/// How far back from the end an append looks for the last chained line
/// (past lines cut short by crashes).
const TAIL_WINDOW: u64 = 256 * 1024;

/// Lower-case hex SHA-256 of one line's exact bytes (without its newline).
pub fn line_hash(line: &[u8]) -> String {
    hex(&Sha256::digest(line))
}

/// What a chained line carries besides the entry.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Link {
    /// Its number in the chain, from 1.
    pub seq: u64,
    /// The SHA-256 of the line before it, or [`GENESIS`].
    pub prev: String,
}

/// The link of the line to append after `tail`, the last bytes of the log
/// (all of it when short; at least its last line). An empty tail is a new
/// log.
pub fn next_link(tail: &[u8]) -> Link {
    let lines = split_lines(tail);
    let Some(last) = lines.last() else {
        return Link {
            seq: 1,
            prev: GENESIS.to_owned(),
        };
    };
    // Lines cut short, or put in without a link, do not count.
    let seq = lines
        .iter()
        .rev()
        .find_map(|line| match classify(line) {
            Class::Chained(link) => Some(link.seq),
            _ => None,
        })
        .map_or(1, |seq| seq + 1);
    Link {
        seq,
        prev: line_hash(last),
    }
}

/// The lines of `bytes`: split at each newline; the empty piece after a
/// last newline is no line.
fn split_lines(bytes: &[u8]) -> Vec<&[u8]> {
    if bytes.is_empty() {
        return Vec::new();
    }
    let body = bytes.strip_suffix(b"\n").unwrap_or(bytes);
    body.split(|b| *b == b'\n').collect()
}

/// What one line is.
enum Class {
    /// An entry with its link.
    Chained(Link),
    /// An entry without a link (written before the chain, or by hand).
    Plain,
    /// Not an entry (cut short by a crash, or garbled).
    Unreadable,
}

fn classify(line: &[u8]) -> Class {
    #[derive(Deserialize)]
    struct Linked {
        seq: Option<u64>,
        prev: Option<String>,
    }
    if serde_json::from_slice::<crate::audit::AuditEntry>(line).is_err() {
        return Class::Unreadable;
    }
    match serde_json::from_slice::<Linked>(line) {
        Ok(Linked {
            seq: Some(seq),
            prev: Some(prev),
        }) if seq > 0 => Class::Chained(Link { seq, prev }),
        _ => Class::Plain,
    }
}

/// How many bytes from the end [`next_link`] needs to see.
pub fn tail_window() -> u64 {
    TAIL_WINDOW
}

/// What kind of damage a line shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, ts_rs::TS)]
#[serde(rename_all = "snake_case")]
pub enum ChainProblemKind {
    /// The line was changed after it was written.
    Changed,
    /// One or more lines were taken out here.
    Removed,
    /// The line is not where it was written.
    Reordered,
    /// The line was not written by Keyward's chain (put in by hand, or a copy of another).
    Inserted,
}

/// One thing [`verify`] found wrong.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ts_rs::TS)]
pub struct ChainProblem {
    /// The line (from 1) where it shows.
    #[ts(type = "number")]
    pub line: usize,
    /// What kind of damage.
    pub kind: ChainProblemKind,
    /// A sentence for people.
    pub message: String,
}

/// What [`verify`] found.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, ts_rs::TS)]
pub struct ChainCheck {
    /// No line was changed, removed, put in or moved.
    pub intact: bool,
    /// Lines in the log.
    #[ts(type = "number")]
    pub lines: usize,
    /// Lines at the start written before the chain existed (not checked).
    #[ts(type = "number")]
    pub unchained_lines: usize,
    /// The first chained line, if any.
    #[ts(type = "number | null")]
    pub chained_from: Option<usize>,
    /// Lines cut short by a crash (skipped when reading; not a break).
    #[ts(type = "number[]")]
    pub cut_short: Vec<usize>,
    /// The SHA-256 of the last line, to compare with a copy kept elsewhere.
    pub last_hash: Option<String>,
    /// What is wrong, in the order the lines come.
    pub problems: Vec<ChainProblem>,
    /// The result in one or two sentences.
    pub summary: String,
}

/// Checks the chain of a whole log, `bytes` as read from the file.
pub fn verify(bytes: &[u8]) -> ChainCheck {
    let lines = split_lines(bytes);
    let classes: Vec<Class> = lines.iter().map(|l| classify(l)).collect();
    let hashes: Vec<String> = lines.iter().map(|l| line_hash(l)).collect();
    let n = lines.len();
    let start = classes
        .iter()
        .position(|c| matches!(c, Class::Chained(_)))
        .unwrap_or(n);
    let mut by_seq: std::collections::HashMap<u64, Vec<usize>> = Default::default();
    for (i, class) in classes.iter().enumerate().skip(start) {
        if let Class::Chained(link) = class {
            by_seq.entry(link.seq).or_default().push(i);
        }
    }
    let mut problems: Vec<ChainProblem> = Vec::new();
    let mut cut_short = Vec::new();
    let mut report = |line: usize, kind: ChainProblemKind, message: String| {
        if !problems.iter().any(|p| p.line == line && p.kind == kind) {
            problems.push(ChainProblem {
                line,
                kind,
                message,
            });
        }
    };
    // The last chained line so far: (index, seq).
    let mut last: Option<(usize, u64)> = None;
    for i in start..n {
        let shown = i + 1;
        let link = match &classes[i] {
            Class::Chained(link) => link,
            Class::Unreadable => {
                let next_links_to_it =
                    matches!(classes.get(i + 1), Some(Class::Chained(l)) if l.prev == hashes[i]);
                if i + 1 == n || next_links_to_it {
                    cut_short.push(shown);
                } else {
                    report(
                        shown,
                        ChainProblemKind::Changed,
                        format!(
                            "Line {shown} is not an audit entry: it was changed or put in by hand."
                        ),
                    );
                }
                continue;
            }
            Class::Plain => {
                report(
                    shown,
                    ChainProblemKind::Inserted,
                    format!(
                        "Line {shown} has no link in the chain: it was put in by hand (or by a Keyward older than the chain)."
                    ),
                );
                continue;
            }
        };
        let first = by_seq.get(&link.seq).and_then(|at| at.first()).copied();
        if let Some(original) = first.filter(|&j| j != i) {
            report(
                shown,
                ChainProblemKind::Inserted,
                format!(
                    "Line {shown} is a copy of line {}: it was put in by hand.",
                    original + 1
                ),
            );
            continue;
        }
        let expected = last.map_or(1, |(_, seq)| seq + 1);
        if link.seq > expected {
            let missing = (expected..link.seq)
                .filter(|s| !by_seq.contains_key(s))
                .count();
            if missing > 0 {
                let what = if missing == 1 {
                    "1 line was".to_owned()
                } else {
                    format!("{missing} lines were")
                };
                let place = match (last, i) {
                    (_, 0) => "before line 1 (the log's first lines)".to_owned(),
                    (Some((j, _)), _) if j + 1 == i => {
                        format!("between line {} and line {shown}", j + 1)
                    }
                    _ => format!("between line {i} and line {shown}"),
                };
                report(
                    shown,
                    ChainProblemKind::Removed,
                    format!("{what} removed {place}."),
                );
            }
        } else if link.seq < expected && i > 0 {
            report(
                shown,
                ChainProblemKind::Reordered,
                format!("Line {shown} is out of order: it was written before line {i}, above it."),
            );
        }
        // The line this one was written after must still be as it was.
        let after_cut =
            i > 0 && matches!(classes[i - 1], Class::Unreadable) && link.prev == hashes[i - 1];
        if link.seq == 1 {
            let ok = if i == 0 {
                link.prev == GENESIS
            } else {
                link.prev == GENESIS
                    || (!matches!(classes[i - 1], Class::Chained(_)) && link.prev == hashes[i - 1])
            };
            if !ok && i > 0 && i == start {
                report(
                    i,
                    ChainProblemKind::Changed,
                    format!(
                        "Line {i} was changed after it was written: line {shown}, written after it, carries the fingerprint of a different line."
                    ),
                );
            }
        } else if let Some(j) = by_seq
            .get(&(link.seq - 1))
            .and_then(|at| at.first())
            .copied()
            && link.prev != hashes[j]
            && !after_cut
        {
            report(
                j + 1,
                ChainProblemKind::Changed,
                format!(
                    "Line {} was changed after it was written: line {shown}, written after it, carries the fingerprint of a different line.",
                    j + 1
                ),
            );
        }
        if last.is_none_or(|(_, seq)| link.seq > seq) {
            last = Some((i, link.seq));
        }
    }
    problems.sort_by_key(|p| p.line);
    let intact = problems.is_empty();
    let chained_from = (start < n).then_some(start + 1);
    let summary = summary(n, start, &cut_short, &problems);
    ChainCheck {
        intact,
        lines: n,
        unchained_lines: start,
        chained_from,
        cut_short,
        last_hash: hashes.last().cloned(),
        problems,
        summary,
    }
}

/// Adds to `check` of the log `bytes` whether the log still holds the last
/// line the audit stream delivered (`hash`, ending at byte `offset`): lines
/// cut off the end, or a replaced log, which the chain alone cannot show.
pub fn check_delivered(check: &mut ChainCheck, bytes: &[u8], offset: u64, hash: &str) {
    let held = usize::try_from(offset)
        .ok()
        .filter(|&at| at > 0 && at <= bytes.len())
        .and_then(|at| bytes[..at].strip_suffix(b"\n"))
        .map(|before| {
            let from = before
                .iter()
                .rposition(|b| *b == b'\n')
                .map_or(0, |i| i + 1);
            line_hash(&before[from..]) == hash
        })
        .unwrap_or(false);
    if held {
        return;
    }
    let short: String = hash.chars().take(12).collect();
    check.problems.push(ChainProblem {
        line: check.lines + 1,
        kind: ChainProblemKind::Removed,
        message: format!(
            "The log no longer holds the last line it sent to the SIEM (SHA-256 {short}…): lines were removed from its end, or the log was replaced. The SIEM's copy has them."
        ),
    });
    check.intact = false;
    check.summary = summary(
        check.lines,
        check.unchained_lines,
        &check.cut_short,
        &check.problems,
    );
}

fn summary(
    lines: usize,
    unchained: usize,
    cut_short: &[usize],
    problems: &[ChainProblem],
) -> String {
    let count = |n: usize| {
        if n == 1 {
            "1 line".to_owned()
        } else {
            format!("{n} lines")
        }
    };
    if let Some(first) = problems.first() {
        let more = match problems.len() - 1 {
            0 => String::new(),
            1 => " 1 more problem is listed below.".to_owned(),
            n => format!(" {n} more problems are listed below."),
        };
        return format!(
            "The audit log was tampered with at line {}: {}{more}",
            first.line, first.message
        );
    }
    if lines == 0 {
        return "The audit log is empty: nothing to check yet.".to_owned();
    }
    if unchained == lines {
        return format!(
            "None of the audit log's {} can be checked: they were written before Keyward chained its log. Entries written from now on are chained.",
            count(lines)
        );
    }
    let mut text = format!(
        "The audit log is intact: {} checked, none changed, removed, put in or moved.",
        count(lines - unchained)
    );
    match unchained {
        0 => {}
        1 => text
            .push_str(" Line 1 was written before Keyward chained its log and cannot be checked."),
        n => text.push_str(&format!(
            " Lines 1–{n} were written before Keyward chained its log and cannot be checked."
        )),
    }
    for line in cut_short {
        text.push_str(&format!(
            " Line {line} was cut short by a crash while it was written (it is skipped when reading)."
        ));
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::audit::{AuditAction, AuditLog, Identity};
    use chrono::{DateTime, TimeZone, Utc};

    fn fixed() -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 3, 25, 9, 0, 0).unwrap()
    }

    fn log() -> (tempfile::TempDir, AuditLog) {
        let dir = tempfile::tempdir().unwrap();
        let log = AuditLog::in_dir(dir.path(), fixed).with_identity(Identity {
            user: "ada".into(),
            computer: "desk-7".into(),
        });
        (dir, log)
    }

    /// A log of `n` entries about keys k1..kn.
    fn log_of(n: usize) -> (tempfile::TempDir, AuditLog) {
        let (dir, log) = log();
        for i in 1..=n {
            assert!(log.note(
                AuditAction::Copied,
                Some((&format!("id{i}"), &format!("k{i}"))),
                None
            ));
        }
        (dir, log)
    }

    fn lines(log: &AuditLog) -> Vec<String> {
        std::fs::read_to_string(log.path())
            .unwrap()
            .lines()
            .map(str::to_owned)
            .collect()
    }

    fn write_lines(log: &AuditLog, lines: &[String]) {
        let mut text = lines.join("\n");
        text.push('\n');
        std::fs::write(log.path(), text).unwrap();
    }

    fn check(log: &AuditLog) -> ChainCheck {
        verify(&std::fs::read(log.path()).unwrap())
    }

    fn kinds(check: &ChainCheck) -> Vec<(usize, ChainProblemKind)> {
        check.problems.iter().map(|p| (p.line, p.kind)).collect()
    }

    #[test]
    fn each_line_carries_its_number_and_the_hash_of_the_line_before() {
        let (_dir, log) = log_of(3);
        let lines = lines(&log);
        let links: Vec<Link> = lines
            .iter()
            .map(|l| serde_json::from_str(l).expect("seq and prev on every line"))
            .collect();
        assert_eq!(
            links[0],
            Link {
                seq: 1,
                prev: GENESIS.into()
            },
            "a new log starts the chain"
        );
        assert_eq!(
            links[1],
            Link {
                seq: 2,
                prev: line_hash(lines[0].as_bytes())
            }
        );
        assert_eq!(
            links[2],
            Link {
                seq: 3,
                prev: line_hash(lines[1].as_bytes())
            }
        );
        let check = check(&log);
        assert!(check.intact, "{check:?}");
        assert_eq!(
            (check.lines, check.unchained_lines, check.chained_from),
            (3, 0, Some(1))
        );
        assert_eq!(
            check.last_hash.as_deref(),
            Some(line_hash(lines[2].as_bytes()).as_str())
        );
        assert!(check.summary.contains("intact"), "{}", check.summary);
        assert_eq!(
            log.read().unwrap().entries.len(),
            3,
            "entries read as before"
        );
    }

    #[test]
    fn an_old_unchained_log_keeps_working_and_the_chain_starts_at_the_first_new_line() {
        let (_dir, log) = log();
        let old = [
            r#"{"at":"2026-01-02T03:04:05Z","action":"deleted","key_id":"x","key_name":"old","detail":null}"#,
            r#"{"at":"2026-01-03T03:04:05Z","action":"added","key_id":"y","key_name":"older","detail":null,"user":"ada","computer":"desk-7"}"#,
        ];
        write_lines(&log, &old.map(String::from));
        log.note(AuditAction::Copied, Some(("y", "older")), None);
        log.note(AuditAction::Revealed, Some(("y", "older")), None);
        let lines = lines(&log);
        let first_new: Link = serde_json::from_str(&lines[2]).unwrap();
        assert_eq!(
            first_new,
            Link {
                seq: 1,
                prev: line_hash(old[1].as_bytes())
            }
        );
        let check = check(&log);
        assert!(check.intact, "{check:?}");
        assert_eq!((check.unchained_lines, check.chained_from), (2, Some(3)));
        assert!(
            check.summary.contains("Lines 1–2") && check.summary.contains("before"),
            "says plainly which lines cannot be checked: {}",
            check.summary
        );
        assert_eq!(log.read().unwrap().entries.len(), 4);
    }

    #[test]
    fn a_changed_line_is_found_and_named() {
        let (_dir, log) = log_of(5);
        let mut lines = lines(&log);
        lines[1] = lines[1].replace("\"k2\"", "\"someone-else\"");
        write_lines(&log, &lines);
        let check = check(&log);
        assert!(!check.intact);
        assert_eq!(kinds(&check), [(2, ChainProblemKind::Changed)]);
        assert!(
            check.problems[0].message.contains("Line 2 was changed"),
            "{:?}",
            check.problems
        );
        assert!(check.summary.contains("line 2"), "{}", check.summary);
    }

    #[test]
    fn a_removed_line_is_found_and_placed() {
        let (_dir, log) = log_of(5);
        let mut lines = lines(&log);
        lines.remove(2);
        write_lines(&log, &lines);
        let check = check(&log);
        assert!(!check.intact);
        assert_eq!(kinds(&check), [(3, ChainProblemKind::Removed)]);
        assert!(
            check.problems[0]
                .message
                .contains("between line 2 and line 3"),
            "{:?}",
            check.problems
        );
    }

    #[test]
    fn removed_first_lines_are_found() {
        let (_dir, log) = log_of(4);
        let lines = lines(&log);
        write_lines(&log, &lines[2..]);
        let check = check(&log);
        assert_eq!(kinds(&check), [(1, ChainProblemKind::Removed)]);
        assert!(
            check.problems[0].message.contains("2 lines"),
            "{:?}",
            check.problems
        );
    }

    #[test]
    fn reordered_lines_are_found() {
        let (_dir, log) = log_of(5);
        let mut lines = lines(&log);
        lines.swap(1, 2);
        write_lines(&log, &lines);
        let check = check(&log);
        assert!(!check.intact);
        assert_eq!(
            kinds(&check),
            [(3, ChainProblemKind::Reordered)],
            "{check:?}"
        );
        assert!(
            check.problems[0].message.contains("Line 3 is out of order"),
            "{:?}",
            check.problems
        );
    }

    #[test]
    fn lines_put_in_by_hand_or_copied_are_found() {
        let (_dir, log) = log_of(4);
        let mut lines = lines(&log);
        lines.insert(
            2,
            r#"{"at":"2026-03-25T09:00:00Z","action":"deleted","key_id":"z","key_name":"z","detail":null}"#.into(),
        );
        let copy = lines[0].clone();
        lines.push(copy);
        write_lines(&log, &lines);
        let check = check(&log);
        assert_eq!(
            kinds(&check),
            [
                (3, ChainProblemKind::Inserted),
                (6, ChainProblemKind::Inserted)
            ],
            "{check:?}"
        );
    }

    #[test]
    fn a_line_cut_short_by_a_crash_is_not_a_break() {
        use std::io::Write;
        let (_dir, log) = log_of(2);
        let mut file = std::fs::OpenOptions::new()
            .append(true)
            .open(log.path())
            .unwrap();
        file.write_all(br#"{"at":"2026-03-25T09:00:00Z","act"#)
            .unwrap();
        drop(file);
        let check_cut = check(&log);
        assert!(check_cut.intact, "a cut last line: {check_cut:?}");
        assert_eq!(check_cut.cut_short, [3]);
        log.note(AuditAction::Revealed, None, None);
        let lines = lines(&log);
        let link: Link = serde_json::from_str(&lines[3]).unwrap();
        assert_eq!(
            link,
            Link {
                seq: 3,
                prev: line_hash(lines[2].as_bytes())
            }
        );
        let check = check(&log);
        assert!(check.intact, "{check:?}");
        assert_eq!(check.cut_short, [3]);
        assert!(check.summary.contains("cut short"), "{}", check.summary);
    }

    #[test]
    fn many_entries_in_one_write_are_chained_one_by_one() {
        let (_dir, log) = log_of(1);
        let batch: Vec<_> = (0..50)
            .map(|_| log.entry(AuditAction::ReminderSent))
            .collect();
        assert!(log.note_all(&batch));
        let check = check(&log);
        assert!(check.intact, "{check:?}");
        assert_eq!(check.lines, 51);
    }

    #[test]
    fn writers_on_many_threads_keep_one_chain() {
        let (_dir, log) = log();
        std::thread::scope(|s| {
            for t in 0..4 {
                let log = log.clone();
                s.spawn(move || {
                    for i in 0..25 {
                        let id = format!("{t}-{i}");
                        assert!(log.note(AuditAction::Copied, Some((&id, "k")), None));
                    }
                });
            }
        });
        let check = check(&log);
        assert!(check.intact, "{check:?}");
        assert_eq!(check.lines, 100);
    }

    #[test]
    fn an_empty_or_missing_log_is_intact() {
        let check = verify(b"");
        assert!(check.intact);
        assert_eq!(check.lines, 0);
    }
}
