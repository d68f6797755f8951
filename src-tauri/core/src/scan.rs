//! The leak scan: finds the keys Keyward holds in files and folders, by
//! their fingerprints, never by their secrets.
//!
//! Promises:
//! - The scanner holds fingerprints ([`crate::fingerprint`]) and the keyed
//!   hasher only, never a stored secret. A candidate span is confirmed by
//!   hashing it; only an exact match of a whole secret is a hit.
//! - Candidates are found fast: spans starting with a known prefix
//!   (Aho-Corasick over the prefixes Keyward's keys have), and, for keys
//!   without a known prefix, tokens whose length and kinds of characters
//!   are those of a stored key, starting or ending at a token boundary
//!   (whitespace, quotes, brackets, `,;|\` always; also `= : & ? / @ # ! $ % * + .`).
//!   Keys without a prefix shorter than [`PLAIN_MIN_LEN`] bytes or holding
//!   whitespace, quotes or brackets are not looked for (they would match
//!   ordinary text).
//! - Keyward-format secrets (`kwsk_`, 54 characters, valid checksum) that
//!   Keyward does not hold, a colleague's for example, are reported too.
//! - A file is read in chunks with an overlap longer than the longest key,
//!   never whole, so any size of file is scanned in bounded memory and a
//!   key across a chunk boundary is still found.
//! - Binary files (a NUL byte in the first 8 KiB) and archives are skipped
//!   and counted. A hit gives the key, the line and the column (in
//!   characters), never the matched text.
//! - Cancelling (the flag handed in) stops the scan between chunks.

use std::collections::HashMap;
use std::io::{self, Read};
use std::sync::atomic::{AtomicBool, Ordering};

use aho_corasick::AhoCorasick;
use serde::Serialize;

use crate::fingerprint::{Hasher, class, classes, unhex};
use crate::generate::{SECRET_PREFIX, TokenCheck, check_token};
use crate::vault::ScanKeys;

mod ahead;
pub mod checks;
mod folder;
mod git;
mod report;
pub mod watch;

pub use folder::{FolderScan, Mode, Unreadable, scan_folder};
pub use git::{GitScan, check_repository, install_hook, scan_history, scan_staged};
pub use report::{LeakHit, Progress, ScanReport, Target, UnreadablePath, run_scan};

/// Keys without a known prefix shorter than this are not looked for.
pub const PLAIN_MIN_LEN: usize = 8;

/// Bytes read at once from a file.
const CHUNK: usize = 1 << 20;

/// How many first bytes decide whether a file is binary.
const BINARY_PROBE: usize = 8192;

/// Length of a Keyward secret: `kwsk_` + 43 + 6.
const KEYWARD_SECRET_LEN: usize = 54;

/// What was found.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Found {
    /// A secret Keyward holds.
    Stored {
        /// The key's id.
        key_id: String,
        /// The key's name.
        key_name: String,
    },
    /// A Keyward-format secret Keyward does not hold (a colleague's, or one deleted).
    KeywardNotHeld,
}

/// Where in a text a key was found (1-based; the column counts characters).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Position {
    /// Line.
    pub line: u64,
    /// Column, in characters.
    pub column: u64,
}

/// One key found in one text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Hit {
    /// Which key.
    pub found: Found,
    /// Where.
    pub at: Position,
}

/// How a text read.
#[derive(Debug, PartialEq, Eq)]
pub enum TextScan {
    /// Read to the end: what was found in it.
    Read(Vec<Hit>),
    /// Skipped: a binary file.
    Binary,
    /// Stopped: the scan was cancelled.
    Cancelled,
}

/// Byte classes for token boundaries.
const NORMAL: u8 = 0;
const SOFT: u8 = 1;
const HARD: u8 = 2;

const fn boundary_table() -> [u8; 256] {
    let mut table = [NORMAL; 256];
    let mut b = 0;
    while b < 0x20 {
        table[b] = HARD;
        b += 1;
    }
    table[0x7f] = HARD;
    let hard = b" \"'`<>(){}[],;|\\";
    let mut i = 0;
    while i < hard.len() {
        table[hard[i] as usize] = HARD;
        i += 1;
    }
    let soft = b"=:&?/@#!$%*+.";
    let mut i = 0;
    while i < soft.len() {
        table[soft[i] as usize] = SOFT;
        i += 1;
    }
    table
}

static BOUNDARY: [u8; 256] = boundary_table();

thread_local! {
    /// Each thread's read buffer, kept between texts.
    static BUFFER: std::cell::RefCell<Vec<u8>> = const { std::cell::RefCell::new(Vec::new()) };
}

/// The stored keys' fingerprints, ready to match text against.
pub struct Matcher {
    hasher: Hasher,
    /// Keyed hash → index into `keys`.
    by_mac: HashMap<[u8; 32], usize>,
    /// (id, name) of each key with a fingerprint.
    keys: Vec<(String, String)>,
    /// The prefixes looked for; pattern `i` has the lengths `prefix_lens[i]`.
    prefixes: Option<AhoCorasick>,
    prefix_lens: Vec<Vec<usize>>,
    /// Whether pattern `i` is Keyward's own prefix (for keys not held).
    keyward_pattern: Option<usize>,
    /// Lengths of keys without a prefix, ascending, each with its character kinds.
    plain: Vec<PlainLength>,
    /// The longest span ever hashed.
    max_len: usize,
}

impl Matcher {
    /// A matcher for the fingerprints of `scan_keys`.
    pub fn new(scan_keys: ScanKeys) -> Self {
        let mut by_mac = HashMap::new();
        let mut keys = Vec::new();
        let mut by_prefix: Vec<(String, Vec<usize>)> =
            vec![(SECRET_PREFIX.to_owned(), vec![KEYWARD_SECRET_LEN])];
        let mut plain: Vec<PlainLength> = Vec::new();
        let mut max_len = KEYWARD_SECRET_LEN;
        for (id, name, fingerprint) in scan_keys.keys {
            let Some(mac) = unhex(&fingerprint.mac) else {
                continue;
            };
            let len = fingerprint.len;
            match &fingerprint.prefix {
                Some(prefix) => match by_prefix.iter_mut().find(|(p, _)| p == prefix) {
                    Some((_, lens)) => lens.push(len),
                    None => by_prefix.push((prefix.clone(), vec![len])),
                },
                None => {
                    if len < PLAIN_MIN_LEN {
                        continue;
                    }
                    match plain.iter_mut().find(|p| p.len == len) {
                        Some(p) => p.add(fingerprint.classes),
                        None => {
                            let mut p = PlainLength { len, kinds: 0 };
                            p.add(fingerprint.classes);
                            plain.push(p);
                        }
                    }
                }
            }
            max_len = max_len.max(len);
            by_mac.insert(mac, keys.len());
            keys.push((id, name));
        }
        for (_, lens) in &mut by_prefix {
            lens.sort_unstable();
            lens.dedup();
        }
        plain.sort_unstable_by_key(|p| p.len);
        // Prefixes are short plain strings: building cannot fail.
        let prefixes = AhoCorasick::new(by_prefix.iter().map(|(p, _)| p.as_str()))
            .expect("prefix patterns build");
        Self {
            hasher: scan_keys.hasher,
            by_mac,
            keys,
            prefixes: Some(prefixes),
            prefix_lens: by_prefix.into_iter().map(|(_, lens)| lens).collect(),
            keyward_pattern: Some(0),
            plain,
            max_len,
        }
    }

    /// How many keys it looks for.
    pub fn key_count(&self) -> usize {
        self.keys.len()
    }

    /// Scans `reader` to its end (or until `cancel` is set), chunk by chunk.
    pub fn scan_reader(&self, reader: impl Read, cancel: &AtomicBool) -> io::Result<TextScan> {
        // One byte before the processed range is kept for the boundary test;
        // `overlap` bytes after it so every span starting in it is whole.
        let size = CHUNK + self.max_len + 2;
        BUFFER.with(|cell| match cell.try_borrow_mut() {
            Ok(mut buf) => {
                if buf.len() < size {
                    buf.resize(size, 0);
                }
                self.scan_in(&mut buf[..size], reader, cancel)
            }
            // Only if a scan were started inside a scan on this thread.
            Err(_) => self.scan_in(&mut vec![0; size], reader, cancel),
        })
    }

    /// Scans `text`, whole in memory (no copy): the same hits as
    /// [`Matcher::scan_reader`] over the same bytes.
    pub fn scan_bytes(&self, text: &[u8], cancel: &AtomicBool) -> TextScan {
        if cancel.load(Ordering::Relaxed) {
            return TextScan::Cancelled;
        }
        if memchr::memchr(0, &text[..text.len().min(BINARY_PROBE)]).is_some() {
            return TextScan::Binary;
        }
        let mut pos = Position { line: 1, column: 1 };
        let mut hits = Vec::new();
        self.hits_in(text, 0, text.len(), true, true, &mut pos, &mut hits);
        TextScan::Read(hits)
    }

    /// Adds the hits whose span starts in `text[start..end]` to `hits`,
    /// moving `pos` (the position of `text[start]`) to `text[end]`.
    #[expect(
        clippy::too_many_arguments,
        reason = "the text, its range and ends, and where the hits go: one call per chunk"
    )]
    fn hits_in(
        &self,
        text: &[u8],
        start: usize,
        end: usize,
        at_text_start: bool,
        at_text_end: bool,
        pos: &mut Position,
        hits: &mut Vec<Hit>,
    ) {
        let mut found = Vec::new();
        self.find_in(text, start, end, at_text_start, at_text_end, &mut found);
        found.sort_by_key(|(offset, _)| *offset);
        found.dedup_by_key(|(offset, _)| *offset);
        let mut cursor = start;
        for (offset, what) in found {
            advance(pos, &text[cursor..offset]);
            cursor = offset;
            hits.push(Hit {
                found: what,
                at: *pos,
            });
        }
        advance(pos, &text[cursor..end]);
    }

    /// [`Matcher::scan_reader`] with `buf` as its buffer (reused between
    /// texts, so a small file costs no megabyte of fresh memory).
    fn scan_in(
        &self,
        buf: &mut [u8],
        mut reader: impl Read,
        cancel: &AtomicBool,
    ) -> io::Result<TextScan> {
        let overlap = self.max_len + 1;
        let mut filled = 0usize;
        let mut start = 0usize;
        let mut first = true;
        let mut pos = Position { line: 1, column: 1 };
        let mut hits = Vec::new();
        loop {
            if cancel.load(Ordering::Relaxed) {
                return Ok(TextScan::Cancelled);
            }
            let eof = fill(&mut reader, buf, &mut filled)?;
            let text = &buf[..filled];
            if first {
                let probe = &text[..text.len().min(BINARY_PROBE)];
                if memchr::memchr(0, probe).is_some() {
                    return Ok(TextScan::Binary);
                }
            }
            let end = if eof { filled } else { filled - overlap };
            self.hits_in(text, start, end, first, eof, &mut pos, &mut hits);
            if eof {
                return Ok(TextScan::Read(hits));
            }
            buf.copy_within(end - 1..filled, 0);
            filled -= end - 1;
            start = 1;
            first = false;
        }
    }

    /// Finds keys whose span starts in `buf[start..end]`; `at_text_start`
    /// when `buf[0]` is the first byte of the text, `at_text_end` when the
    /// text ends with `buf`.
    fn find_in(
        &self,
        buf: &[u8],
        start: usize,
        end: usize,
        at_text_start: bool,
        at_text_end: bool,
        found: &mut Vec<(usize, Found)>,
    ) {
        if let Some(prefixes) = &self.prefixes {
            for m in prefixes.find_overlapping_iter(&buf[start..]) {
                let s = start + m.start();
                if s >= end {
                    break;
                }
                let pattern = m.pattern().as_usize();
                for &len in &self.prefix_lens[pattern] {
                    let Some(span) = buf.get(s..s + len) else {
                        break;
                    };
                    if let Some(what) = self.confirm(span) {
                        found.push((s, what));
                    } else if Some(pattern) == self.keyward_pattern
                        && len == KEYWARD_SECRET_LEN
                        && std::str::from_utf8(span)
                            .is_ok_and(|t| check_token(t) == TokenCheck::Valid)
                    {
                        found.push((s, Found::KeywardNotHeld));
                    }
                }
            }
        }
        if self.plain.is_empty() {
            return;
        }
        let boundary = |i: usize| -> u8 {
            match buf.get(i) {
                Some(&b) => BOUNDARY[b as usize],
                None if at_text_end => HARD,
                None => NORMAL,
            }
        };
        // Run by run (bytes between hard boundaries): most runs are shorter
        // than the shortest key and are passed over at one lookup a byte.
        let shortest = self.plain[0].len;
        // Whether every key without a prefix is letters and digits only.
        let alnum_only = self.plain.iter().all(|plain| !plain.may_hold(true));
        let hard = |i: usize| BOUNDARY[buf[i] as usize] == HARD;
        let mut s = start;
        while s < end {
            // Runs shorter than the shortest key are passed over: if a hard
            // boundary lies in `s..s + shortest`, no run starting there is
            // long enough, and the search goes on after the last one.
            let Some(probe) = (s + shortest).checked_sub(1).filter(|&j| j < buf.len()) else {
                break;
            };
            if let Some(k) = (s..=probe).rev().find(|&k| hard(k)) {
                s = k + 1;
                continue;
            }
            let mut run_end = probe + 1;
            while run_end < buf.len() && !hard(run_end) {
                run_end += 1;
            }
            // Spans start at `s..=last` (and in the range processed here).
            let last = run_end.saturating_sub(shortest).min(end.saturating_sub(1));
            // The first byte of kind "other" at or after `p` (or `run_end`):
            // a span holds one if and only if it reaches past it.
            let mut other_at = s;
            let mut p = s;
            while p <= last {
                if other_at < p {
                    other_at = p;
                }
                while other_at < run_end && class(buf[other_at]) & OTHER == 0 {
                    other_at += 1;
                }
                if alnum_only && p + shortest > other_at {
                    // No span starting before the next "other" byte fits.
                    p = other_at + 1;
                    continue;
                }
                let starts_token = if p == 0 {
                    at_text_start
                } else {
                    boundary(p - 1) != NORMAL
                };
                for plain in &self.plain {
                    let e = p + plain.len;
                    if e > run_end {
                        break;
                    }
                    if !starts_token && boundary(e) == NORMAL {
                        continue;
                    }
                    if !plain.may_hold(e > other_at) {
                        continue;
                    }
                    let span = &buf[p..e];
                    if !plain.allows(classes(span)) {
                        continue;
                    }
                    if let Some(what) = self.confirm(span) {
                        found.push((p, what));
                    }
                }
                p += 1;
            }
            s = run_end + 1;
        }
    }

    /// The key `span` is, if it is one Keyward holds.
    fn confirm(&self, span: &[u8]) -> Option<Found> {
        let index = *self.by_mac.get(&self.hasher.mac(span))?;
        let (id, name) = &self.keys[index];
        Some(Found::Stored {
            key_id: id.clone(),
            key_name: name.clone(),
        })
    }
}

/// The kind "other" in [`classes`]: neither a letter nor a digit.
const OTHER: u8 = 8;

/// One length of keys without a prefix, with the character kinds such keys have.
#[derive(Debug, Clone, Copy)]
struct PlainLength {
    len: usize,
    /// Bit `k` is set when a key of this length has the kinds `k` ([`classes`]).
    kinds: u16,
}

impl PlainLength {
    fn add(&mut self, classes: u8) {
        // `classes` is at most 15; a larger one (a damaged record) matches no span.
        if classes < 16 {
            self.kinds |= 1 << classes;
        }
    }

    /// Whether a span with the kinds `classes` may be such a key.
    fn allows(&self, classes: u8) -> bool {
        classes < 16 && self.kinds & (1 << classes) != 0
    }

    /// Whether a span that holds a byte of kind "other" (`has_other`) or
    /// not may be such a key: a cheap test before reading the whole span.
    fn may_hold(&self, has_other: bool) -> bool {
        let with_other: u16 = 0xFF00;
        if has_other {
            self.kinds & with_other != 0
        } else {
            self.kinds & !with_other != 0
        }
    }
}

/// Reads into `buf[*filled..]` until it is full; whether the text ended.
fn fill(reader: &mut impl Read, buf: &mut [u8], filled: &mut usize) -> io::Result<bool> {
    while *filled < buf.len() {
        match reader.read(&mut buf[*filled..]) {
            Ok(0) => return Ok(true),
            Ok(n) => *filled += n,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
            Err(e) => return Err(e),
        }
    }
    Ok(false)
}

/// Moves `pos` over `text`.
fn advance(pos: &mut Position, text: &[u8]) {
    let chars = |bytes: &[u8]| bytes.iter().filter(|&&b| b & 0xC0 != 0x80).count() as u64;
    match memchr::memrchr(b'\n', text) {
        Some(last) => {
            pos.line += memchr::memchr_iter(b'\n', text).count() as u64;
            pos.column = 1 + chars(&text[last + 1..]);
        }
        None => pos.column += chars(text),
    }
}

#[cfg(test)]
mod tests;
