//! The audit stream to a SIEM, without the network: where it goes
//! ([`StreamTarget`], kept in `audit-stream.json` in the data folder), how
//! far it got ([`StreamCursor`], `audit-stream-cursor.json` beside it: a
//! position in the audit log), and what is sent for each audit line: an
//! RFC 5424 syslog message with a CEF payload, framed by octet counting
//! (RFC 6587). Sending lives in `keyward_background::siem`.
//!
//! Promises:
//! - A target is `HOST:PORT` with TLS, or plain TCP to this computer only
//!   (127.0.0.0/8, ::1, `localhost`), unless the person explicitly allowed
//!   plain TCP across the network (as the team channel allows `http://` only
//!   to this computer).
//! - The audit log itself is the outbox: the cursor is the byte position
//!   after the last line the server took, with that line's hash, so nothing
//!   is lost while the server is down and delivery resumes where it
//!   stopped (at least once: a line may arrive twice after a failure, never
//!   not at all). A log that no longer holds the cursor's line (replaced or
//!   cut) is sent again from its start.
//! - A message holds what the audit line holds (names, ids, an action and a
//!   short detail), never a secret. Every field is escaped as CEF says
//!   (`\` and `|` in the header; `\`, `=`, line breaks in extensions), and
//!   other control characters (terminal escapes) are written as `\u{1b}`
//!   text, so nothing in a key's name or a detail can start a new field,
//!   a new message or colour a terminal.
//! - The files here are private (0600) and written atomically.
//! - Certificates for a SIEM with its own authority or one that wants
//!   client certificates ([`StreamTarget::ca`], [`StreamTarget::client_cert`])
//!   are kept as a path, a subject, an expiry and a fingerprint
//!   ([`CertificateFile`]); the client certificate's private key lives only
//!   in the keychain ([`CLIENT_KEY_ACCOUNT`]). Reading and checking those
//!   files is `keyward_background::siem_tls`'s work.
//! - Every [`AuditAction`] has a CEF event name of its own (no catch-all).

use std::net::IpAddr;
use std::path::{Path, PathBuf};

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::audit::{AuditAction, AuditEntry};
use crate::catalog::CatalogError;
use crate::private_files::{open_read, write_atomically};

/// The target's file in the data folder.
pub const TARGET_FILE: &str = "audit-stream.json";
/// The cursor's file in the data folder.
pub const CURSOR_FILE: &str = "audit-stream-cursor.json";
/// The lock file that keeps two Keyward processes from sending at once.
pub const LOCK_FILE: &str = "audit-stream.lock";

/// Syslog facility 13, "log audit" (RFC 5424, 6.2.1).
const FACILITY_LOG_AUDIT: u8 = 13;

/// Why a stream target was refused. `Display` is a sentence for people.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum TargetError {
    /// Not `HOST:PORT`.
    #[error(
        "Give the SIEM's address as HOST:PORT, for example siem.example.com:6514 (or [::1]:6514)."
    )]
    Malformed,
    /// The port is not 1–65535.
    #[error("The port must be a number from 1 to 65535.")]
    Port,
    /// Plain TCP to another computer without the person's explicit yes.
    #[error(
        "Without TLS the audit stream could be read or changed by anyone on the network, so Keyward sends it in plain TCP only to this computer. Add --tls if the SIEM takes TLS (usually port 6514), or --allow-plain-tcp if you accept the risk."
    )]
    NotEncrypted,
}

/// Where the audit stream goes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
pub struct StreamTarget {
    /// Host name or IP address.
    pub host: String,
    /// TCP port.
    pub port: u16,
    /// Whether the connection is TLS (the server's certificate checked
    /// against the system's trusted certificates, or only against [`Self::ca`]).
    pub tls: bool,
    /// Whether plain TCP to another computer was explicitly allowed.
    #[serde(default)]
    pub allow_plain_tcp: bool,
    /// The certificate authority the server's certificate is checked
    /// against: when set, the only one trusted for the stream.
    #[serde(default)]
    pub ca: Option<CertificateFile>,
    /// The client certificate Keyward shows the server; its private key is
    /// in the keychain under [`CLIENT_KEY_ACCOUNT`], never in a file.
    #[serde(default)]
    pub client_cert: Option<CertificateFile>,
}

/// The keychain account holding the private key (PEM) of the audit
/// stream's client certificate. Read once from the file the person chose,
/// never written to a file, a log or a screen again.
pub const CLIENT_KEY_ACCOUNT: &str = "setting:audit-stream-client-key";

/// A certificate file chosen for the stream, as settings keep it: where it
/// is and what it says (never a key). The file is read again at each
/// connection and must still hold the certificate with this fingerprint.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
pub struct CertificateFile {
    /// The file (PEM), as chosen.
    pub path: String,
    /// The (first) certificate's subject, e.g. `CN=SIEM CA,O=Example`.
    pub subject: String,
    /// SHA-256 of the (first) certificate's DER bytes, lowercase hex.
    pub sha256: String,
    /// When the certificate expires (RFC 3339, UTC).
    #[serde(with = "crate::rfc3339")]
    #[ts(type = "string")]
    pub not_after: DateTime<Utc>,
}

impl CertificateFile {
    /// The SHA-256 fingerprint of a certificate's DER bytes, lowercase hex.
    pub fn fingerprint(der: &[u8]) -> String {
        use sha2::Digest as _;
        sha2::Sha256::digest(der)
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect()
    }
}

impl StreamTarget {
    /// Checks `raw` (`HOST:PORT`, `[IPv6]:PORT`) with the person's choices.
    pub fn parse(raw: &str, tls: bool, allow_plain_tcp: bool) -> Result<Self, TargetError> {
        let raw = raw.trim();
        let (host, port) = if let Some(rest) = raw.strip_prefix('[') {
            let (host, port) = rest.split_once("]:").ok_or(TargetError::Malformed)?;
            (host, port)
        } else {
            raw.rsplit_once(':').ok_or(TargetError::Malformed)?
        };
        if host.is_empty()
            || host.len() > 253
            || host.contains(':') && host.parse::<IpAddr>().is_err()
            || !host
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '.' | ':' | '_'))
        {
            return Err(TargetError::Malformed);
        }
        let port: u16 = port.parse().map_err(|_| TargetError::Port)?;
        if port == 0 {
            return Err(TargetError::Port);
        }
        let target = Self {
            host: host.to_ascii_lowercase(),
            port,
            tls,
            allow_plain_tcp: allow_plain_tcp && !tls,
            ca: None,
            client_cert: None,
        };
        if !tls && !allow_plain_tcp && !target.is_loopback() {
            return Err(TargetError::NotEncrypted);
        }
        Ok(target)
    }

    /// Whether the host is this computer.
    pub fn is_loopback(&self) -> bool {
        self.host == "localhost" || self.host.parse::<IpAddr>().is_ok_and(|ip| ip.is_loopback())
    }

    /// `host:port` (IPv6 in brackets), for connecting and for people.
    pub fn address(&self) -> String {
        if self.host.contains(':') {
            format!("[{}]:{}", self.host, self.port)
        } else {
            format!("{}:{}", self.host, self.port)
        }
    }

    /// "siem.example:6514 over TLS", "127.0.0.1:5514 in plain TCP".
    pub fn describe(&self) -> String {
        format!(
            "{} {}",
            self.address(),
            if self.tls { "over TLS" } else { "in plain TCP" }
        )
    }
}

/// How far the stream got in the audit log, and how the last try went.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct StreamCursor {
    /// The byte position in `audit.log` after the last line the server took.
    pub offset: u64,
    /// The SHA-256 of that line (to notice a log that was replaced or cut).
    #[serde(default)]
    pub hash: Option<String>,
    /// Lines delivered since the stream was set up.
    #[serde(default)]
    pub delivered: u64,
    /// When lines were last delivered (RFC 3339, UTC).
    #[serde(default, with = "crate::rfc3339::option")]
    pub last_delivered_at: Option<DateTime<Utc>>,
    /// Why the last try failed, when it did (a sentence; never a secret).
    #[serde(default)]
    pub last_error: Option<String>,
    /// When the last try failed (RFC 3339, UTC).
    #[serde(default, with = "crate::rfc3339::option")]
    pub last_error_at: Option<DateTime<Utc>>,
}

/// Whether the stream is on, where it goes and how it is doing: what
/// `keyward audit stream status` and Settings show.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, ts_rs::TS)]
pub struct StreamStatus {
    /// Where it goes; `null` when the stream is off.
    pub target: Option<StreamTarget>,
    /// Entries delivered since it was set up.
    #[ts(type = "number")]
    pub delivered: u64,
    /// Entries in the audit log not delivered yet.
    #[ts(type = "number")]
    pub waiting: u64,
    /// When entries were last delivered (RFC 3339, UTC).
    #[serde(with = "crate::rfc3339::option")]
    #[ts(type = "string | null")]
    pub last_delivered_at: Option<DateTime<Utc>>,
    /// Why the last try failed, when it did.
    pub last_error: Option<String>,
    /// When the last try failed (RFC 3339, UTC).
    #[serde(with = "crate::rfc3339::option")]
    #[ts(type = "string | null")]
    pub last_error_at: Option<DateTime<Utc>>,
}

/// The stream's files in one data folder.
#[derive(Debug, Clone)]
pub struct StreamFiles {
    dir: PathBuf,
}

impl StreamFiles {
    /// The stream's files in the data folder `dir`.
    pub fn in_dir(dir: &Path) -> Self {
        Self {
            dir: dir.to_owned(),
        }
    }

    /// The data folder.
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// The target's file.
    pub fn target_path(&self) -> PathBuf {
        self.dir.join(TARGET_FILE)
    }

    /// The cursor's file.
    pub fn cursor_path(&self) -> PathBuf {
        self.dir.join(CURSOR_FILE)
    }

    /// The audit log the stream reads.
    pub fn log_path(&self) -> PathBuf {
        self.dir.join(crate::audit::FILE)
    }

    /// The lock file.
    pub fn lock_path(&self) -> PathBuf {
        self.dir.join(LOCK_FILE)
    }

    /// The target, or `None` when the stream is off.
    pub fn target(&self) -> Result<Option<StreamTarget>, CatalogError> {
        read_json(&self.target_path())
    }

    /// Sets the target. When the stream was off, it starts at the log's
    /// end (only what happens from now on is sent) or, with `from_start`,
    /// at its first line; when it was on, it carries on where it was.
    pub fn set_target(&self, target: &StreamTarget, from_start: bool) -> Result<(), CatalogError> {
        let was_on = self.target()?.is_some();
        if !was_on || from_start {
            let offset = if from_start { 0 } else { self.log_len()? };
            self.save_cursor(&StreamCursor {
                offset,
                hash: None,
                ..StreamCursor::default()
            })?;
        }
        write_atomically(&self.target_path(), &to_json(target)?).map_err(CatalogError::from)
    }

    /// Turns the stream off (nothing more is sent).
    pub fn turn_off(&self) -> Result<(), CatalogError> {
        for path in [self.target_path(), self.cursor_path()] {
            match std::fs::remove_file(&path) {
                Ok(()) => {}
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
                Err(e) => {
                    return Err(crate::private_files::FileError::io("remove", &path)(e).into());
                }
            }
        }
        Ok(())
    }

    /// Whether the stream is on and how it is doing.
    pub fn status(&self) -> Result<StreamStatus, CatalogError> {
        let Some(target) = self.target()? else {
            return Ok(StreamStatus::default());
        };
        let cursor = self.cursor()?;
        let waiting = self.pending(0)?.waiting as u64;
        Ok(StreamStatus {
            target: Some(target),
            delivered: cursor.delivered,
            waiting,
            last_delivered_at: cursor.last_delivered_at,
            last_error: cursor.last_error,
            last_error_at: cursor.last_error_at,
        })
    }

    /// The cursor (the start of the log when there is none).
    pub fn cursor(&self) -> Result<StreamCursor, CatalogError> {
        Ok(read_json(&self.cursor_path())?.unwrap_or_default())
    }

    /// Saves the cursor.
    pub fn save_cursor(&self, cursor: &StreamCursor) -> Result<(), CatalogError> {
        write_atomically(&self.cursor_path(), &to_json(cursor)?).map_err(CatalogError::from)
    }

    /// The audit log's length in bytes (0 when there is none).
    pub fn log_len(&self) -> Result<u64, CatalogError> {
        match std::fs::metadata(self.log_path()) {
            Ok(meta) => Ok(meta.len()),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(0),
            Err(e) => Err(crate::private_files::FileError::io("check", &self.log_path())(e).into()),
        }
    }

    /// The complete lines not yet delivered, at most `max_bytes` of them
    /// (at least one line), read under a shared lock on the log.
    pub fn pending(&self, max_bytes: usize) -> Result<Pending, CatalogError> {
        use std::io::Read;
        let path = self.log_path();
        let cursor = self.cursor()?;
        let Some(mut file) = open_read(&path)? else {
            return Ok(Pending::default());
        };
        file.lock_shared()
            .map_err(crate::private_files::FileError::io("lock", &path))?;
        let mut bytes = Vec::new();
        file.read_to_end(&mut bytes)
            .map_err(crate::private_files::FileError::io("read", &path))?;
        drop(file);
        let start = resume_at(&bytes, &cursor);
        Ok(Pending::from_log(&bytes, start, max_bytes))
    }
}

/// Where to start sending in `log`: after the cursor's line when it is
/// still there, else from the start (the log was replaced or cut).
fn resume_at(log: &[u8], cursor: &StreamCursor) -> u64 {
    let Ok(offset) = usize::try_from(cursor.offset) else {
        return 0;
    };
    if offset > log.len() {
        return 0;
    }
    let Some(hash) = &cursor.hash else {
        // Set up at this place: fine if it is the start of a line.
        return if offset == 0 || log[offset - 1] == b'\n' {
            cursor.offset
        } else {
            0
        };
    };
    let before = &log[..offset];
    let Some(line) = before.strip_suffix(b"\n") else {
        return 0;
    };
    let from = line.iter().rposition(|b| *b == b'\n').map_or(0, |i| i + 1);
    if crate::audit_chain::line_hash(&line[from..]) == *hash {
        cursor.offset
    } else {
        0
    }
}

/// Lines waiting to be sent.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Pending {
    /// Each line's exact bytes (without its newline) and the byte position after it.
    pub lines: Vec<(Vec<u8>, u64)>,
    /// Complete lines waiting in all (more than `lines` when capped).
    pub waiting: usize,
}

impl Pending {
    fn from_log(log: &[u8], start: u64, max_bytes: usize) -> Self {
        let mut pending = Self::default();
        let mut at = usize::try_from(start).unwrap_or(log.len()).min(log.len());
        let mut taken = 0;
        while let Some(end) = log[at..].iter().position(|b| *b == b'\n') {
            let line = &log[at..at + end];
            at += end + 1;
            if line.iter().all(u8::is_ascii_whitespace) {
                continue;
            }
            pending.waiting += 1;
            if pending.lines.is_empty() || taken + line.len() <= max_bytes {
                taken += line.len();
                pending.lines.push((line.to_vec(), at as u64));
            }
        }
        pending
    }
}

/// The syslog message for one audit line (its exact bytes), framed by
/// octet counting: `LEN SP <PRI>1 TIMESTAMP HOST keyward - ACTION - CEF:…`.
/// `None` for a line that is not an audit entry (cut short by a crash).
pub fn frame(line: &[u8], version: &str) -> Option<Vec<u8>> {
    let entry: AuditEntry = serde_json::from_slice(line).ok()?;
    #[derive(Deserialize)]
    struct Seq {
        seq: Option<u64>,
    }
    let seq = serde_json::from_slice::<Seq>(line).ok().and_then(|s| s.seq);
    let hash = crate::audit_chain::line_hash(line);
    let message = syslog_message(&entry, seq, &hash, version);
    let mut framed = format!("{} ", message.len()).into_bytes();
    framed.extend_from_slice(message.as_bytes());
    Some(framed)
}

/// The RFC 5424 message (without framing) for `entry`.
pub fn syslog_message(entry: &AuditEntry, seq: Option<u64>, hash: &str, version: &str) -> String {
    let (severity, cef_severity) = severity(entry.action);
    let pri = FACILITY_LOG_AUDIT * 8 + severity;
    let host = entry
        .computer
        .as_deref()
        .map(header_field)
        .unwrap_or_else(|| "-".to_owned());
    let timestamp = if entry.at.is_empty() || entry.at.contains(' ') {
        "-".to_owned()
    } else {
        header_field(&entry.at)
    };
    let action = action_name(entry.action);
    format!(
        "<{pri}>1 {timestamp} {host} keyward - {action} - {}",
        cef(entry, seq, hash, version, cef_severity)
    )
}

/// A syslog header field: printable ASCII without spaces, at most 255
/// characters, else `-`.
fn header_field(text: &str) -> String {
    let clean: String = text
        .chars()
        .filter(char::is_ascii_graphic)
        .take(255)
        .collect();
    if clean.is_empty() { "-".into() } else { clean }
}

/// The CEF payload: `CEF:0|Keyward|Keyward|version|action|name|severity|extensions`.
pub fn cef(
    entry: &AuditEntry,
    seq: Option<u64>,
    hash: &str,
    version: &str,
    severity: u8,
) -> String {
    let action = action_name(entry.action);
    let mut text = format!(
        "CEF:0|Keyward|Keyward|{}|{}|{}|{severity}|",
        cef_header(version),
        cef_header(&action),
        cef_header(event_name(entry.action))
    );
    let mut fields: Vec<(&str, String)> = Vec::new();
    if let Ok(at) = chrono::DateTime::parse_from_rfc3339(&entry.at) {
        fields.push(("rt", at.timestamp_millis().to_string()));
    }
    fields.push(("act", action.clone()));
    for (key, value) in [
        ("suser", &entry.user),
        ("shost", &entry.computer),
        ("cs1", &entry.key_name),
        ("cs2", &entry.key_id),
        ("msg", &entry.detail),
    ] {
        if let Some(value) = value {
            if key == "cs1" {
                fields.push(("cs1Label", "keyName".into()));
            }
            if key == "cs2" {
                fields.push(("cs2Label", "keyId".into()));
            }
            fields.push((key, value.clone()));
        }
    }
    if let Some(seq) = seq {
        fields.push(("cn1Label", "auditSeq".into()));
        fields.push(("cn1", seq.to_string()));
    }
    fields.push(("cs3Label", "auditLineSha256".into()));
    fields.push(("cs3", hash.to_owned()));
    let extensions: Vec<String> = fields
        .iter()
        .map(|(key, value)| format!("{key}={}", cef_value(value)))
        .collect();
    text.push_str(&extensions.join(" "));
    text
}

/// Writes `c` as `\u{…}` text (its backslash escaped for CEF) when it is
/// a control or invisible character other than a line break.
fn push_hidden(c: char, out: &mut String) -> bool {
    if crate::naming::is_invisible(c) && c != '\n' && c != '\r' {
        out.push_str(&format!("\\\\u{{{:x}}}", u32::from(c)));
        true
    } else {
        false
    }
}

/// A CEF header field: `\` and `|` escaped; line breaks (which a header
/// cannot hold) as spaces, other control characters as `\u{…}` text.
pub fn cef_header(text: &str) -> String {
    let mut shown = String::with_capacity(text.len());
    for c in text.chars() {
        if push_hidden(c, &mut shown) {
            continue;
        }
        match c {
            '\\' => shown.push_str("\\\\"),
            '|' => shown.push_str("\\|"),
            '\n' | '\r' => shown.push(' '),
            c => shown.push(c),
        }
    }
    shown
}

/// A CEF extension value: `\` and `=` escaped, line breaks as `\n` and
/// `\r`, other control characters as `\u{…}` text.
pub fn cef_value(text: &str) -> String {
    let mut shown = String::with_capacity(text.len());
    for c in text.chars() {
        if push_hidden(c, &mut shown) {
            continue;
        }
        match c {
            '\\' => shown.push_str("\\\\"),
            '=' => shown.push_str("\\="),
            '\n' => shown.push_str("\\n"),
            '\r' => shown.push_str("\\r"),
            c => shown.push(c),
        }
    }
    shown
}

/// The action's wire name, as in the audit log (`generated`, `copied`…).
pub fn action_name(action: AuditAction) -> String {
    serde_json::to_value(action)
        .ok()
        .and_then(|v| v.as_str().map(str::to_owned))
        .unwrap_or_else(|| "unknown".into())
}

/// The event's name in words (the CEF header's Name). The match has no
/// catch-all: an action added to [`AuditAction`] does not compile until it
/// has a name here, and a test checks that no two share one.
fn event_name(action: AuditAction) -> &'static str {
    match action {
        AuditAction::Generated => "Key generated",
        AuditAction::Added => "Key added",
        AuditAction::Copied => "Key secret copied",
        AuditAction::Revealed => "Key secret shown",
        AuditAction::Rotated => "Key rotated",
        AuditAction::Deleted => "Key deleted",
        AuditAction::ReminderSent => "Rotation reminder shown",
        AuditAction::ReminderFailed => "Rotation reminder not shown",
        AuditAction::WebhookSent => "Team channel message sent",
        AuditAction::WebhookFailed => "Team channel message failed",
        AuditAction::SettingsChanged => "Setting changed",
        AuditAction::Snoozed => "Reminders paused",
        AuditAction::Edited => "Key edited",
        AuditAction::MarkedLeaked => "Key marked as leaked",
        AuditAction::RotationStarted => "Vendor key rotation started",
        AuditAction::RotationCancelled => "Vendor key rotation cancelled",
        AuditAction::VendorSaved => "Vendor profile saved",
        AuditAction::LeakFound => "Key found in a file",
        AuditAction::BackedUp => "Keys backed up",
        AuditAction::Restored => "Key restored from a backup",
        AuditAction::Shared => "Key shared in an encrypted file",
        AuditAction::Received => "Key received from a shared file",
        AuditAction::TeamShared => "Key shared with the team vault",
        AuditAction::TeamCopied => "Shared key copied from the team vault",
        AuditAction::TeamSecretCopied => "Shared key secret copied",
        AuditAction::TeamRotated => "Shared key rotated",
        AuditAction::TeamUnshared => "Shared key deleted from the team vault",
    }
}

/// Syslog severity (0 emergency … 7 debug) and CEF severity (0–10).
fn severity(action: AuditAction) -> (u8, u8) {
    match action {
        AuditAction::MarkedLeaked | AuditAction::LeakFound => (2, 9),
        AuditAction::Deleted
        | AuditAction::Revealed
        | AuditAction::Copied
        | AuditAction::Shared
        | AuditAction::TeamSecretCopied
        | AuditAction::TeamUnshared => (5, 5),
        AuditAction::SettingsChanged | AuditAction::WebhookFailed | AuditAction::ReminderFailed => {
            (4, 4)
        }
        AuditAction::ReminderSent | AuditAction::WebhookSent | AuditAction::Snoozed => (6, 2),
        _ => (6, 3),
    }
}

fn read_json<T: serde::de::DeserializeOwned>(path: &Path) -> Result<Option<T>, CatalogError> {
    use std::io::Read;
    let Some(mut file) = open_read(path)? else {
        return Ok(None);
    };
    let mut text = String::new();
    file.read_to_string(&mut text)
        .map_err(crate::private_files::FileError::io("read", path))?;
    serde_json::from_str(&text).map(Some).map_err(|e| {
        crate::private_files::FileError::io("read", path)(std::io::Error::other(e)).into()
    })
}

fn to_json<T: Serialize>(value: &T) -> Result<Vec<u8>, CatalogError> {
    let mut bytes = serde_json::to_vec_pretty(value).map_err(|e| {
        crate::private_files::FileError::io("prepare", Path::new(TARGET_FILE))(
            std::io::Error::other(e),
        )
    })?;
    bytes.push(b'\n');
    Ok(bytes)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::audit::{AuditLog, Identity};
    use chrono::{TimeZone, Utc};

    fn fixed() -> chrono::DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 3, 25, 9, 0, 0).unwrap()
    }

    /// Every action the audit log can hold, read from its own TypeScript
    /// binding (`"generated" | "added" | …`), so that an action added later
    /// is in this list without anyone remembering to add it.
    fn every_action() -> Vec<AuditAction> {
        let union = <AuditAction as ts_rs::TS>::inline(&ts_rs::Config::default());
        union
            .split('|')
            .map(|name| {
                let name = name.trim().trim_matches('"');
                serde_json::from_value(serde_json::Value::String(name.to_owned()))
                    .unwrap_or_else(|e| panic!("{name} is an action: {e}"))
            })
            .collect()
    }

    #[test]
    fn every_audit_action_has_a_cef_name_of_its_own() {
        let actions = every_action();
        assert!(actions.len() >= 20, "{actions:?}");
        let mut seen = std::collections::BTreeMap::new();
        for action in actions {
            let name = event_name(action);
            assert_ne!(
                name, "Keyward event",
                "{action:?} has no CEF name: give it one in siem::event_name"
            );
            if let Some(other) = seen.insert(name, action) {
                panic!("{action:?} and {other:?} are both called {name:?} in the SIEM");
            }
        }
    }

    #[test]
    fn plain_tcp_goes_only_to_this_computer_unless_allowed() {
        let local = StreamTarget::parse("127.0.0.1:5514", false, false).unwrap();
        assert!(local.is_loopback() && !local.tls);
        assert_eq!(local.address(), "127.0.0.1:5514");
        assert!(StreamTarget::parse("localhost:5514", false, false).is_ok());
        assert_eq!(
            StreamTarget::parse("[::1]:5514", false, false)
                .unwrap()
                .address(),
            "[::1]:5514"
        );
        assert_eq!(
            StreamTarget::parse("siem.example.com:514", false, false),
            Err(TargetError::NotEncrypted)
        );
        let tls = StreamTarget::parse("SIEM.example.com:6514", true, false).unwrap();
        assert_eq!(tls.describe(), "siem.example.com:6514 over TLS");
        let allowed = StreamTarget::parse("10.0.0.5:514", false, true).unwrap();
        assert!(allowed.allow_plain_tcp);
        for bad in ["siem", ":514", "siem:", "si em:514", "a/b:1", "[::1:5"] {
            assert!(StreamTarget::parse(bad, true, false).is_err(), "{bad}");
        }
        assert_eq!(
            StreamTarget::parse("siem:0", true, false),
            Err(TargetError::Port)
        );
        assert_eq!(
            StreamTarget::parse("siem:70000", true, false),
            Err(TargetError::Port)
        );
    }

    #[test]
    fn cef_special_characters_are_escaped_and_control_characters_shown_as_text() {
        assert_eq!(cef_header(r"a|b\c"), r"a\|b\\c");
        assert_eq!(cef_header("a\nb"), "a b");
        assert_eq!(cef_value(r"a=b\c|d"), r"a\=b\\c|d");
        assert_eq!(cef_value("one\ntwo\r"), r"one\ntwo\r");
        assert_eq!(cef_value("\u{1b}[31mred"), r"\\u{1b}[31mred");
        assert_eq!(
            cef_value("<script>alert(1)</script>"),
            "<script>alert(1)</script>"
        );
        assert_eq!(cef_value("x\u{202e}y"), r"x\\u{202e}y");
    }

    fn hostile_entry() -> AuditEntry {
        AuditEntry::new(AuditAction::Edited, fixed())
            .by(&Identity {
                user: "ada".into(),
                computer: "desk 7\n".into(),
            })
            .for_key("kwid_1", "pay|ments=x")
    }

    #[test]
    fn one_syslog_message_per_line_with_a_cef_payload_and_octet_counting() {
        let mut entry = hostile_entry();
        entry.detail = Some("application: a → b=c\nFAKE: CEF:0|x \u{1b}[2J".into());
        let line = serde_json::to_vec(&entry).unwrap();
        let framed = String::from_utf8(frame(&line, "0.1.0").unwrap()).unwrap();
        let (len, message) = framed.split_once(' ').unwrap();
        assert_eq!(
            len.parse::<usize>().unwrap(),
            message.len(),
            "octet counting"
        );
        assert!(
            !message.contains('\n') && !message.contains('\u{1b}'),
            "{message}"
        );
        assert!(
            message.starts_with("<110>1 2026-03-25T09:00:00Z desk7 keyward - edited - CEF:0|Keyward|Keyward|0.1.0|edited|Key edited|3|"),
            "{message}"
        );
        assert!(message.contains(r"cs1=pay|ments\=x"), "{message}");
        assert!(
            message.contains(r"msg=application: a → b\=c\nFAKE: CEF:0|x \\u{1b}[2J"),
            "{message}"
        );
        assert!(message.contains("suser=ada"), "{message}");
        assert!(message.contains("rt=1774429200000"), "{message}");
        assert_eq!(
            frame(b"{\"at\":\"2026", "0.1.0"),
            None,
            "a cut line is not sent"
        );
    }

    #[test]
    fn the_cursor_resumes_after_the_last_line_delivered_or_from_the_start_of_a_new_log() {
        let dir = tempfile::tempdir().unwrap();
        let log = AuditLog::in_dir(dir.path(), fixed);
        let files = StreamFiles::in_dir(dir.path());
        log.note(AuditAction::Generated, Some(("a", "a")), None);
        let target = StreamTarget::parse("127.0.0.1:5514", false, false).unwrap();
        files.set_target(&target, false).unwrap();
        assert_eq!(
            files.pending(1 << 20).unwrap().waiting,
            0,
            "from the end when set up"
        );
        log.note(AuditAction::Copied, Some(("a", "a")), None);
        log.note(AuditAction::Revealed, Some(("a", "a")), None);
        let pending = files.pending(1 << 20).unwrap();
        assert_eq!(pending.waiting, 2);
        let (line, end) = pending.lines[0].clone();
        files
            .save_cursor(&StreamCursor {
                offset: end,
                hash: Some(crate::audit_chain::line_hash(&line)),
                ..StreamCursor::default()
            })
            .unwrap();
        let pending = files.pending(1 << 20).unwrap();
        assert_eq!(pending.waiting, 1, "resumes after the delivered line");
        assert!(String::from_utf8_lossy(&pending.lines[0].0).contains("revealed"));
        // The log was replaced: everything in it is sent.
        std::fs::remove_file(files.log_path()).unwrap();
        log.note(AuditAction::Deleted, Some(("a", "a")), None);
        log.note(AuditAction::Added, Some(("b", "b")), None);
        assert_eq!(files.pending(1 << 20).unwrap().waiting, 2);
        assert_eq!(
            files.pending(10).unwrap().lines.len(),
            1,
            "capped, at least one line"
        );
        files.turn_off().unwrap();
        assert_eq!(files.target().unwrap(), None);
    }

    #[test]
    fn verify_finds_lines_cut_off_the_end_after_they_were_sent_to_the_siem() {
        let dir = tempfile::tempdir().unwrap();
        let log = AuditLog::in_dir(dir.path(), fixed);
        let files = StreamFiles::in_dir(dir.path());
        files
            .set_target(
                &StreamTarget::parse("127.0.0.1:5514", false, false).unwrap(),
                true,
            )
            .unwrap();
        for i in 0..3 {
            log.note(AuditAction::Copied, Some((&format!("id{i}"), "k")), None);
        }
        let pending = files.pending(1 << 20).unwrap();
        let (line, end) = pending.lines.last().cloned().unwrap();
        files
            .save_cursor(&StreamCursor {
                offset: end,
                hash: Some(crate::audit_chain::line_hash(&line)),
                ..StreamCursor::default()
            })
            .unwrap();
        assert!(log.verify().unwrap().intact, "all sent, all there");
        // The last two lines are cut off: the chain alone cannot tell.
        let text = std::fs::read_to_string(log.path()).unwrap();
        let first: String = text.lines().next().unwrap().to_owned() + "\n";
        assert!(crate::audit_chain::verify(first.as_bytes()).intact);
        std::fs::write(log.path(), &first).unwrap();
        let check = log.verify().unwrap();
        assert!(!check.intact, "{check:?}");
        assert_eq!(
            check.problems[0].kind,
            crate::audit_chain::ChainProblemKind::Removed
        );
        assert!(
            check.problems[0].message.contains("sent to the SIEM"),
            "{:?}",
            check.problems
        );
        std::fs::remove_file(log.path()).unwrap();
        assert!(!log.verify().unwrap().intact, "a removed log too");
    }
}
