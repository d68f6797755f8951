//! The team vault, without the network: where this desktop's team vault is
//! (an OpenBao or HashiCorp Vault server with a KV version 2 engine), how it
//! logs in, the metadata document it publishes there, and when it should
//! publish next. Talking to the vault lives in `keyward-background`'s
//! `team` module; this crate stays network-free.
//!
//! Promises:
//! - A [`VaultAddress`] is `https://`, or `http://` to this computer only
//!   (the rule the team channel follows), so nobody on the network can read
//!   or change what Keyward sends or reads.
//! - [`TeamConfig`] (address, mount, prefix, login method, desktop name) is
//!   kept in `team.json` in the config folder, private and written
//!   atomically. It never holds a credential: the token, password or AppRole
//!   secret ID lives in the keychain under [`CREDENTIAL_ACCOUNT`].
//! - An [`InventoryDocument`] carries metadata only (names, services,
//!   vendors, owners, dates, statuses): never a secret, a credential ID or
//!   a key's notes.
//! - [`PublishState`] (in the data folder, `team-state.json`) says when the
//!   inventory was last shared and when to try again: at once after a
//!   change, at least daily, and after a failure with a back-off that
//!   doubles from 30 seconds to an hour. Nothing here waits on anything.

use std::path::{Path, PathBuf};

use chrono::{DateTime, Duration, Utc};
use serde::{Deserialize, Serialize};
use sha2::Digest as _;

use crate::catalog::CatalogError;
use crate::private_files::{open_read, private_dir, write_atomically};
use crate::report::ReportRow;
use crate::scan::checks::LeakChecks;

/// The keychain account holding the team vault's credential (a token, a
/// userpass password or an AppRole secret ID).
pub const CREDENTIAL_ACCOUNT: &str = "setting:team-vault-credential";

/// The prefix used when none is given.
pub const DEFAULT_PREFIX: &str = "keyward";

/// How often the inventory is shared even when nothing changed.
pub const DAILY: Duration = Duration::hours(24);

/// The first pause after a failed publish; it doubles up to [`MAX_BACKOFF`].
pub const FIRST_BACKOFF: Duration = Duration::seconds(30);

/// The longest pause between tries.
pub const MAX_BACKOFF: Duration = Duration::hours(1);

/// The document format this Keyward writes and reads.
pub const DOCUMENT_FORMAT: u32 = 1;

const CONFIG_FILE: &str = "team.json";
const STATE_FILE: &str = "team-state.json";

/// Why a team-vault setting was refused. `Display` is a sentence for people.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum TeamSettingError {
    /// Not a web address.
    #[error(
        "That is not a vault address Keyward understands. Give the whole address, for example https://vault.example.com:8200."
    )]
    Malformed,
    /// Plain `http://` to another computer.
    #[error(
        "Keyward talks to the team vault only over https://, so that nobody on the network can read or change what it sends. Use the vault's https:// address (http:// is accepted only for this computer)."
    )]
    NotHttps,
    /// A mount or prefix Keyward cannot use as a path.
    #[error(
        "The {what} \"{value}\" cannot be used: use letters, digits, '.', '_' and '-', with '/' between parts (for example keyward or teams/payments)."
    )]
    BadPath {
        /// "mount" or "prefix".
        what: &'static str,
        /// What was given (shown inert).
        value: String,
    },
    /// A user name, role ID or desktop name Keyward cannot use.
    #[error("The {what} cannot be used: {why}.")]
    BadName {
        /// What it was.
        what: &'static str,
        /// Why, in words.
        why: &'static str,
    },
}

/// A validated vault address, e.g. `https://vault.example.com:8200`. Not a
/// secret (it is shown in Settings and `team status`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct VaultAddress(String);

impl VaultAddress {
    /// Checks `raw`: https, or http to this computer; no user name, query or fragment.
    pub fn parse(raw: &str) -> Result<Self, TeamSettingError> {
        let text = raw.trim();
        if text.is_empty() || text.len() > 2048 {
            return Err(TeamSettingError::Malformed);
        }
        let url = url::Url::parse(text).map_err(|_| TeamSettingError::Malformed)?;
        if !matches!(url.scheme(), "https" | "http")
            || url.query().is_some()
            || url.fragment().is_some()
            || !url.username().is_empty()
            || url.password().is_some()
        {
            return Err(TeamSettingError::Malformed);
        }
        let host = url.host().ok_or(TeamSettingError::Malformed)?;
        if url.scheme() == "http" && !crate::team_channel::host_is_loopback(&host) {
            return Err(TeamSettingError::NotHttps);
        }
        Ok(Self(url.as_str().trim_end_matches('/').to_owned()))
    }

    /// The address without a trailing `/`.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl TryFrom<String> for VaultAddress {
    type Error = TeamSettingError;
    fn try_from(raw: String) -> Result<Self, Self::Error> {
        Self::parse(&raw)
    }
}

impl From<VaultAddress> for String {
    fn from(address: VaultAddress) -> Self {
        address.0
    }
}

/// A mount or prefix: parts of letters, digits, `.`, `_`, `-`, joined by `/`.
fn check_path(what: &'static str, raw: &str) -> Result<String, TeamSettingError> {
    let text = raw.trim().trim_matches('/');
    let ok = !text.is_empty()
        && text.len() <= 128
        && text.split('/').all(|part| {
            !part.is_empty()
                && part != "."
                && part != ".."
                && part
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-'))
        });
    if ok {
        Ok(text.to_owned())
    } else {
        Err(TeamSettingError::BadPath {
            what,
            value: crate::team_report::inert(raw, 80),
        })
    }
}

/// A name used in a vault path (a user name, role ID or desktop name).
fn check_name(what: &'static str, raw: &str) -> Result<String, TeamSettingError> {
    let text = raw.trim();
    if text.is_empty() || text.len() > 128 {
        return Err(TeamSettingError::BadName {
            what,
            why: "it must be 1 to 128 characters long",
        });
    }
    if !text
        .chars()
        .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-' | '@'))
    {
        return Err(TeamSettingError::BadName {
            what,
            why: "use letters, digits, '.', '_', '-' and '@' only",
        });
    }
    Ok(text.to_owned())
}

/// This desktop's name in the vault: `<user>@<computer>`, with anything a
/// vault path cannot hold replaced by `_`.
pub fn default_desktop_name() -> String {
    let me = crate::audit::Identity::of_this_process();
    let clean = |s: &str| -> String {
        s.chars()
            .map(|c| {
                if c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-') {
                    c
                } else {
                    '_'
                }
            })
            .take(60)
            .collect()
    };
    format!("{}@{}", clean(&me.user), clean(&me.computer))
}

/// How this desktop logs in to the vault. The credential itself is in the
/// keychain ([`CREDENTIAL_ACCOUNT`]).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
#[serde(tag = "method", rename_all = "snake_case")]
pub enum Login {
    /// A vault token.
    Token,
    /// The userpass method: this user name, the password in the keychain.
    Userpass {
        /// The vault user name.
        user: String,
    },
    /// The AppRole method: this role ID, the secret ID in the keychain.
    Approle {
        /// The role ID (not secret on its own).
        role_id: String,
    },
}

impl Login {
    /// Checks the names in it.
    pub fn validated(self) -> Result<Self, TeamSettingError> {
        Ok(match self {
            Self::Token => Self::Token,
            Self::Userpass { user } => Self::Userpass {
                user: check_name("user name", &user)?,
            },
            Self::Approle { role_id } => Self::Approle {
                role_id: check_name("role ID", &role_id)?,
            },
        })
    }

    /// "a token", "user alice (userpass)", "AppRole".
    pub fn describe(&self) -> String {
        match self {
            Self::Token => "a token".into(),
            Self::Userpass { user } => format!("user {user} (userpass)"),
            Self::Approle { .. } => "AppRole".into(),
        }
    }
}

/// Where this desktop's team vault is and how it logs in (no credential).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TeamConfig {
    /// The vault's address.
    pub address: VaultAddress,
    /// The KV version 2 engine's mount, e.g. `secret`.
    pub mount: String,
    /// The path prefix inside the mount, e.g. `keyward`.
    pub prefix: String,
    /// How to log in.
    pub login: Login,
    /// This desktop's name in the vault (`<user>@<computer>` by default).
    pub desktop: String,
    /// For leads: send the team digest (every desktop's keys that need
    /// rotating) to the team channel from this desktop, once per stage.
    #[serde(default)]
    pub send_digest: bool,
}

impl TeamConfig {
    /// Validates every part, once.
    pub fn new(
        address: &str,
        mount: &str,
        prefix: Option<&str>,
        login: Login,
        desktop: Option<&str>,
    ) -> Result<Self, TeamSettingError> {
        let desktop = match desktop {
            Some(name) => check_name("desktop name", name)?,
            None => default_desktop_name(),
        };
        Ok(Self {
            address: VaultAddress::parse(address)?,
            mount: check_path("mount", mount)?,
            prefix: check_path("prefix", prefix.unwrap_or(DEFAULT_PREFIX))?,
            login: login.validated()?,
            desktop,
            send_digest: false,
        })
    }

    /// `<prefix>/inventory/<desktop>`: this desktop's document, inside the mount.
    pub fn inventory_path(&self) -> String {
        format!("{}/inventory/{}", self.prefix, self.desktop)
    }

    /// `<prefix>/inventory`: where every desktop's document is.
    pub fn inventory_folder(&self) -> String {
        format!("{}/inventory", self.prefix)
    }

    /// The settings file, from the config folder.
    pub fn path_in(config_dir: &Path) -> PathBuf {
        config_dir.join(CONFIG_FILE)
    }

    /// The saved configuration; `None` when this desktop is not connected.
    pub fn load(config_dir: &Path) -> Result<Option<Self>, CatalogError> {
        let path = Self::path_in(config_dir);
        let Some(mut file) = open_read(&path)? else {
            return Ok(None);
        };
        let mut text = String::new();
        std::io::Read::read_to_string(&mut file, &mut text)
            .map_err(crate::private_files::FileError::io("read", &path))?;
        serde_json::from_str(&text)
            .map(Some)
            .map_err(|e| CatalogError::Unreadable {
                path,
                detail: e.to_string(),
            })
    }

    /// Saves it (private, atomic).
    pub fn save(&self, config_dir: &Path) -> Result<(), CatalogError> {
        private_dir(config_dir)?;
        let text = serde_json::to_vec_pretty(self).unwrap_or_default();
        write_atomically(&Self::path_in(config_dir), &text).map_err(CatalogError::from)
    }

    /// This configuration, keeping the person's own choices from the one
    /// saved before (`previous`): a reconnect (a new token, a new address)
    /// changes where and how, never whether this desktop sends the team
    /// digest.
    #[must_use]
    pub fn keeping_choices_of(mut self, previous: Option<&Self>) -> Self {
        if let Some(previous) = previous {
            self.send_digest = previous.send_digest;
        }
        self
    }

    /// Turns the lead's automatic team digest on or off in the saved
    /// settings; `None` (nothing saved) when this desktop is not connected.
    pub fn save_send_digest(config_dir: &Path, on: bool) -> Result<Option<Self>, CatalogError> {
        let Some(mut config) = Self::load(config_dir)? else {
            return Ok(None);
        };
        config.send_digest = on;
        config.save(config_dir)?;
        Ok(Some(config))
    }

    /// Removes the saved configuration; none saved is fine.
    pub fn remove(config_dir: &Path) -> Result<(), CatalogError> {
        let path = Self::path_in(config_dir);
        match std::fs::remove_file(&path) {
            Ok(()) => Ok(()),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(()),
            Err(e) => Err(crate::private_files::FileError::io("remove", &path)(e).into()),
        }
    }
}

/// One key in an inventory document: metadata only.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
pub struct InventoryKey {
    /// The key's name.
    pub name: String,
    /// Its service.
    pub service: String,
    /// The application that uses it.
    #[serde(default)]
    pub application: Option<String>,
    /// The vendor that issued it (`None` for Keyward's own).
    #[serde(default)]
    pub vendor: Option<String>,
    /// Who looks after it.
    #[serde(default)]
    pub owner: Option<String>,
    /// `keyward` or `vendor`.
    #[serde(default)]
    pub issuer: String,
    /// When it was made (RFC 3339, UTC).
    pub created_at: String,
    /// When it must be rotated (RFC 3339, UTC).
    pub rotate_by: String,
    /// `ok`, `due_soon` or `overdue`, as the desktop saw it when publishing.
    #[serde(default)]
    pub status: String,
    /// Whether it was replaced and waits to be deleted.
    #[serde(default)]
    pub replaced: bool,
    /// Whether it leaked.
    #[serde(default)]
    pub leaked: bool,
    /// When it was marked leaked.
    #[serde(default)]
    pub leaked_at: Option<String>,
    /// When a leak check last looked for it (RFC 3339, UTC); `None` when
    /// none did, or the document is from a Keyward that did not say.
    #[serde(default)]
    pub leak_checked_at: Option<String>,
    /// When a leak check last found it (RFC 3339, UTC).
    #[serde(default)]
    pub leak_found_at: Option<String>,
}

/// One desktop's published inventory: one KV version 2 document.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
pub struct InventoryDocument {
    /// [`DOCUMENT_FORMAT`].
    pub format: u32,
    /// The desktop's name in the vault.
    pub desktop: String,
    /// The person's login name.
    pub user: String,
    /// The computer's name.
    pub computer: String,
    /// When the desktop published it, by its own clock (RFC 3339).
    pub published_at: String,
    /// Every key Keyward holds there.
    pub keys: Vec<InventoryKey>,
}

impl InventoryDocument {
    /// The document for `rows` (the report's rows: active keys only), as
    /// published by `desktop` at `now`.
    pub fn new(desktop: &str, rows: &[ReportRow], now: DateTime<Utc>) -> Self {
        let me = crate::audit::Identity::of_this_process();
        Self {
            format: DOCUMENT_FORMAT,
            desktop: desktop.to_owned(),
            user: me.user,
            computer: me.computer,
            published_at: now.to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
            keys: rows
                .iter()
                .map(|row| {
                    let k = &row.key;
                    InventoryKey {
                        name: k.name.clone(),
                        service: k.service.clone(),
                        application: k.application.clone(),
                        vendor: k.vendor.clone(),
                        owner: k.owner.clone(),
                        issuer: k.issuer.as_str().to_owned(),
                        created_at: crate::rfc3339::text(k.created_at),
                        rotate_by: crate::rfc3339::text(k.rotate_by),
                        status: k.status.as_str().to_owned(),
                        replaced: row.pending_deletion,
                        leaked: k.leaked,
                        leaked_at: k.leaked_at.map(crate::rfc3339::text),
                        leak_checked_at: None,
                        leak_found_at: None,
                    }
                })
                .collect(),
        }
    }

    /// The document made by [`InventoryDocument::new`] from `rows`, with
    /// each key's last leak check from `checks` (this desktop's record).
    pub fn with_leak_checks(mut self, rows: &[ReportRow], checks: &LeakChecks) -> Self {
        let time = |at: DateTime<Utc>| at.to_rfc3339_opts(chrono::SecondsFormat::Secs, true);
        for (key, row) in self.keys.iter_mut().zip(rows) {
            if let Some(check) = checks.of(&row.key.id) {
                key.leak_checked_at = Some(time(check.checked_at));
                key.leak_found_at = check.found_at.map(time);
            }
        }
        self
    }

    /// The document as KV data: `{"format", "desktop", "inventory"}`, the
    /// whole document one JSON string in `inventory`. One string rather
    /// than an object per key, because OpenBao refuses a request body with
    /// more than 1,000 JSON strings by default (`max_request_json_strings`),
    /// which a desktop with 80 keys would pass.
    pub fn to_kv_data(&self) -> serde_json::Value {
        serde_json::json!({
            "format": DOCUMENT_FORMAT,
            "desktop": self.desktop,
            "inventory": serde_json::to_string(self).unwrap_or_default(),
        })
    }

    /// The document from KV data written by [`InventoryDocument::to_kv_data`]
    /// (or, as a fallback, a document written as a plain object).
    pub fn from_kv_data(data: serde_json::Value) -> Result<Self, serde_json::Error> {
        match data.get("inventory").and_then(|v| v.as_str()) {
            Some(text) => serde_json::from_str(text),
            None => serde_json::from_value(data),
        }
    }

    /// A fingerprint of what the document says, leaving out when it was
    /// published: equal fingerprints mean nothing needs sharing.
    pub fn content_hash(&self) -> String {
        let mut hasher = sha2::Sha256::new();
        hasher.update(self.desktop.as_bytes());
        hasher.update([0]);
        hasher.update(serde_json::to_vec(&self.keys).unwrap_or_default());
        hasher
            .finalize()
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect()
    }
}

/// A key shared through the team vault, at `<prefix>/shared/<name>`: its
/// metadata (as an inventory key, plus the credential ID and who shared
/// it); the secret travels beside it in the KV data, never in here.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SharedKey {
    /// [`DOCUMENT_FORMAT`].
    pub format: u32,
    /// The key's metadata.
    pub key: InventoryKey,
    /// Its credential ID (shared keys are copied whole).
    pub credential_id: String,
    /// The desktop that shared it.
    pub shared_by: String,
    /// When (RFC 3339, UTC).
    pub shared_at: String,
}

impl TeamConfig {
    /// `<prefix>/shared/<name>`: a shared key, inside the mount.
    pub fn shared_path(&self, name: &str) -> String {
        format!("{}/shared/{name}", self.prefix)
    }

    /// `<prefix>/shared`: where shared keys are.
    pub fn shared_folder(&self) -> String {
        format!("{}/shared", self.prefix)
    }
}

/// How publishing went, kept in `team-state.json` in the data folder.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct PublishState {
    /// When the vault last accepted this desktop's document.
    pub last_shared_at: Option<DateTime<Utc>>,
    /// [`InventoryDocument::content_hash`] of what was shared then.
    pub last_shared_hash: Option<String>,
    /// The vault's version number of that document.
    pub last_version: Option<u64>,
    /// When Keyward last tried.
    pub last_attempt_at: Option<DateTime<Utc>>,
    /// Failed tries since the last success.
    pub failures: u32,
    /// Why the last try failed, in words.
    pub last_error: Option<String>,
}

impl PublishState {
    /// The state file, from the data folder.
    pub fn path_in(data_dir: &Path) -> PathBuf {
        data_dir.join(STATE_FILE)
    }

    /// The saved state; a missing or damaged file is a fresh state (it only
    /// says when to try next, so a fresh one means "try now").
    pub fn load(data_dir: &Path) -> Self {
        std::fs::read(Self::path_in(data_dir))
            .ok()
            .and_then(|bytes| serde_json::from_slice(&bytes).ok())
            .unwrap_or_default()
    }

    /// Saves it (private, atomic).
    pub fn save(&self, data_dir: &Path) -> Result<(), CatalogError> {
        let text = serde_json::to_vec_pretty(self).unwrap_or_default();
        write_atomically(&Self::path_in(data_dir), &text).map_err(CatalogError::from)
    }

    /// Records a success.
    pub fn shared(&mut self, hash: String, version: Option<u64>, now: DateTime<Utc>) {
        self.last_shared_at = Some(now);
        self.last_shared_hash = Some(hash);
        self.last_version = version;
        self.last_attempt_at = Some(now);
        self.failures = 0;
        self.last_error = None;
    }

    /// Records a failure.
    pub fn failed(&mut self, reason: String, now: DateTime<Utc>) {
        self.last_attempt_at = Some(now);
        self.failures = self.failures.saturating_add(1);
        self.last_error = Some(reason);
    }

    /// The pause after the last failure: 30 s, 1 min, 2 min, … up to an hour.
    pub fn backoff(&self) -> Duration {
        if self.failures == 0 {
            return Duration::zero();
        }
        let doublings = (self.failures - 1).min(10);
        (FIRST_BACKOFF * 2i32.pow(doublings)).min(MAX_BACKOFF)
    }

    /// When the document with fingerprint `hash` should be published: now
    /// (or after the back-off) when it changed or a day has passed since the
    /// last share; else a day after the last share.
    pub fn next_publish(&self, hash: &str, now: DateTime<Utc>) -> DateTime<Utc> {
        let changed = self.last_shared_hash.as_deref() != Some(hash);
        let wanted = match self.last_shared_at {
            Some(at) if !changed && at <= now => at + DAILY,
            _ => now,
        };
        let retry = match self.last_attempt_at {
            Some(at) if self.failures > 0 && at <= now => at + self.backoff(),
            _ => now,
        };
        wanted.max(retry)
    }

    /// Whole days since the last share, by `now`.
    pub fn days_since_shared(&self, now: DateTime<Utc>) -> Option<i64> {
        self.last_shared_at.map(|at| (now - at).num_days().max(0))
    }
}

/// "shared today", "last shared 3 days ago", "never shared".
pub fn shared_words(days: Option<i64>) -> String {
    match days {
        None => "never shared".into(),
        Some(0) => "shared today".into(),
        Some(1) => "last shared 1 day ago".into(),
        Some(n) => format!("last shared {n} days ago"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(text: &str) -> DateTime<Utc> {
        text.parse().unwrap()
    }

    #[test]
    fn an_address_must_be_https_or_http_to_this_computer() {
        assert!(VaultAddress::parse("https://vault.example.com:8200/").is_ok());
        assert_eq!(
            VaultAddress::parse("https://vault.example.com:8200/")
                .unwrap()
                .as_str(),
            "https://vault.example.com:8200"
        );
        assert!(VaultAddress::parse("http://127.0.0.1:8200").is_ok());
        assert!(VaultAddress::parse("http://localhost:8200").is_ok());
        assert_eq!(
            VaultAddress::parse("http://vault.example.com:8200"),
            Err(TeamSettingError::NotHttps)
        );
        assert_eq!(
            VaultAddress::parse("ftp://vault"),
            Err(TeamSettingError::Malformed)
        );
        assert_eq!(
            VaultAddress::parse("https://user:pw@vault"),
            Err(TeamSettingError::Malformed)
        );
    }

    #[test]
    fn mounts_and_prefixes_are_plain_path_parts() {
        let ok = |m: &str, p: &str| TeamConfig::new("https://v", m, Some(p), Login::Token, None);
        assert_eq!(ok("secret/", "/keyward/").unwrap().prefix, "keyward");
        assert!(ok("secret", "teams/payments").is_ok());
        for bad in ["", "../x", "a//b", "a b", "a\u{1b}[31m", "a/./b"] {
            assert!(ok("secret", bad).is_err(), "{bad:?} must be refused");
        }
        let config = ok("secret", "keyward").unwrap();
        assert!(config.inventory_path().starts_with("keyward/inventory/"));
    }

    #[test]
    fn a_changed_document_is_published_at_once_and_an_unchanged_one_daily() {
        let now = at("2026-11-27T10:00:00Z");
        let mut state = PublishState::default();
        assert_eq!(state.next_publish("a", now), now, "never shared: now");
        state.shared("a".into(), Some(1), now);
        let later = now + Duration::hours(1);
        assert_eq!(state.next_publish("a", later), now + DAILY);
        assert_eq!(state.next_publish("b", later), later, "changed: now");
    }

    #[test]
    fn failures_back_off_from_30_seconds_doubling_up_to_an_hour() {
        let now = at("2026-11-27T10:00:00Z");
        let mut state = PublishState::default();
        state.failed("down".into(), now);
        assert_eq!(state.next_publish("a", now), now + Duration::seconds(30));
        state.failed("down".into(), now);
        assert_eq!(state.next_publish("a", now), now + Duration::seconds(60));
        for _ in 0..20 {
            state.failed("down".into(), now);
        }
        assert_eq!(state.next_publish("a", now), now + Duration::hours(1));
        state.shared("a".into(), None, now);
        assert_eq!(state.failures, 0);
        assert_eq!(state.last_error, None);
    }

    #[test]
    fn a_document_from_before_leak_checks_were_published_still_loads() {
        let old = serde_json::json!({"format": 1, "desktop": "bob@pc2", "user": "bob",
            "computer": "pc2", "published_at": "2026-11-27T00:00:00Z",
            "keys": [{"name": "mail-old", "service": "mail", "issuer": "keyward",
                "created_at": "2026-01-01T00:00:00Z", "rotate_by": "2026-04-01T00:00:00Z",
                "status": "overdue", "replaced": false, "leaked": false, "leaked_at": null}]});
        let data =
            serde_json::json!({"format": 1, "desktop": "bob@pc2", "inventory": old.to_string()});
        let document = InventoryDocument::from_kv_data(data).expect("an older document loads");
        assert_eq!(document.keys[0].leak_checked_at, None);
        assert_eq!(document.keys[0].leak_found_at, None);
    }

    #[test]
    fn a_new_connection_keeps_the_persons_digest_choice() {
        let dir = std::env::temp_dir().join(format!("keyward-team-{}", std::process::id()));
        let first = TeamConfig::new("https://a", "secret", None, Login::Token, Some("lee@pc9"));
        first.unwrap().save(&dir).unwrap();
        let saved = TeamConfig::save_send_digest(&dir, true).unwrap().unwrap();
        assert!(saved.send_digest);
        assert!(TeamConfig::load(&dir).unwrap().unwrap().send_digest);
        let again =
            TeamConfig::new("https://b", "kv", None, Login::Token, Some("lee@pc9")).unwrap();
        assert!(!again.send_digest, "a new configuration starts off");
        let kept = again.keeping_choices_of(TeamConfig::load(&dir).unwrap().as_ref());
        assert!(kept.send_digest, "the lead's choice survives a reconnect");
        assert_eq!(kept.address.as_str(), "https://b");
        TeamConfig::remove(&dir).unwrap();
        assert_eq!(TeamConfig::save_send_digest(&dir, true).unwrap(), None);
        let _ = std::fs::remove_dir_all(&dir);
    }

    #[test]
    fn days_since_shared_read_as_words() {
        assert_eq!(shared_words(None), "never shared");
        assert_eq!(shared_words(Some(0)), "shared today");
        assert_eq!(shared_words(Some(3)), "last shared 3 days ago");
    }
}
