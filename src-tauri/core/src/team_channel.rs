//! The team channel, without the network: the channel's address (a
//! secret, validated once), the [`Digest`] Keyward posts there, and the
//! payload in each [`WebhookFormat`]. Sending lives in keyward-background's `webhook`
//! module; this crate stays network-free.
//!
//! Promises:
//! - A [`WebhookUrl`] is `https://`, or `http://` to this computer only
//!   (127.0.0.0/8, ::1, `localhost`), so nobody on the network can read or
//!   change a message. It is a secret (a webhook address lets anyone post to
//!   the channel): it prints as `<redacted>` and is never put in a message.
//! - A payload holds key names, dates and statuses; credential IDs only when
//!   the person allowed them; never a secret.
//! - Text for Slack and Teams is escaped (`&`, `<`, `>`), so a key's notes
//!   or application cannot mention `@channel` or inject links.
//! - A digest names at most [`DIGEST_MAX_KEYS`] keys (the most urgent) and
//!   says how many more there are, so a message stays readable (and within
//!   the services' size limits) however many keys need attention.

use std::net::IpAddr;

use serde_json::{Value, json};

use crate::Secret;
use crate::report::ReportRow;
use crate::settings::WebhookFormat;

/// The keychain account under which the team channel's address is kept.
pub const WEBHOOK_URL_ACCOUNT: &str = "setting:webhook-url";

/// Longest accepted webhook address, in bytes.
pub const URL_MAX: usize = 2048;

/// Why a webhook address was refused. `Display` is a sentence for people,
/// and never repeats the address.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum UrlError {
    /// Nothing was given.
    #[error("The webhook address is empty. Paste the address your team channel gave you.")]
    Empty,
    /// Not a web address.
    #[error(
        "That is not a web address Keyward understands. Paste the whole webhook address, starting with https://."
    )]
    Malformed,
    /// Plain `http://` to another computer.
    #[error(
        "Keyward sends team messages only over https://, so that nobody on the network can read or change them. Use the https:// address your team channel gave you."
    )]
    NotHttps,
    /// Another scheme (ftp:, file:, ...).
    #[error(
        "A webhook address starts with https://. Paste the address your team channel gave you."
    )]
    Scheme,
    /// Too long to be a webhook address.
    #[error(
        "The webhook address is too long (more than 2048 characters). Check that you pasted only the address."
    )]
    TooLong,
}

/// A validated team-channel address. A secret: never printed.
#[derive(Clone, PartialEq, Eq)]
pub struct WebhookUrl(Secret);

impl WebhookUrl {
    /// Checks `raw` (surrounding white space is ignored).
    pub fn parse(raw: &str) -> Result<Self, UrlError> {
        let text = raw.trim();
        if text.is_empty() {
            return Err(UrlError::Empty);
        }
        if text.len() > URL_MAX {
            return Err(UrlError::TooLong);
        }
        let url = url::Url::parse(text).map_err(|_| UrlError::Malformed)?;
        if !matches!(url.scheme(), "https" | "http") {
            return Err(UrlError::Scheme);
        }
        let host = url.host().ok_or(UrlError::Malformed)?;
        if url.scheme() == "http" && !is_loopback(&host) {
            return Err(UrlError::NotHttps);
        }
        Ok(Self(Secret::new(text.to_owned())))
    }

    /// The address, for the HTTP client and the keychain only.
    pub fn expose(&self) -> &str {
        self.0.expose()
    }

    /// The address as a secret, for the keychain.
    pub fn as_secret(&self) -> &Secret {
        &self.0
    }

    /// Whether the address points at this computer.
    pub fn is_loopback(&self) -> bool {
        url::Url::parse(self.expose())
            .ok()
            .and_then(|u| u.host().map(|h| is_loopback(&h)))
            .unwrap_or(false)
    }
}

impl std::fmt::Debug for WebhookUrl {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("WebhookUrl(<redacted>)")
    }
}

/// Whether `host` is this computer (127.0.0.0/8, ::1, `localhost`): the
/// only place plain `http://` may go (the team vault follows the same rule).
pub(crate) fn host_is_loopback(host: &url::Host<&str>) -> bool {
    is_loopback(host)
}

fn is_loopback(host: &url::Host<&str>) -> bool {
    match host {
        url::Host::Domain(name) => name.eq_ignore_ascii_case("localhost"),
        url::Host::Ipv4(ip) => IpAddr::V4(*ip).is_loopback(),
        url::Host::Ipv6(ip) => IpAddr::V6(*ip).is_loopback(),
    }
}

/// Most keys a digest names; the rest are counted in [`Digest::more`].
pub const DIGEST_MAX_KEYS: usize = 50;

/// What to tell the team: a title, lines of text, and the keys concerned.
///
/// Lines should name keys and dates only; credential IDs are added from
/// `keys` when the person allowed them, never from the lines.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Digest {
    /// One line summing it up, e.g. "3 keys need rotating".
    pub title: String,
    /// The details, one per line.
    pub lines: Vec<String>,
    /// The keys the message names (report rows: names, dates, status), at
    /// most [`DIGEST_MAX_KEYS`].
    pub keys: Vec<ReportRow>,
    /// How many more keys it is about without naming them.
    pub more: usize,
}

impl Digest {
    /// A digest about `keys` (most urgent first), with a line per key saying
    /// where it stands: the first [`DIGEST_MAX_KEYS`] by name, then one line
    /// saying how many more there are. Dates in the lines are local dates
    /// in `tz` (the sender's time zone).
    pub fn for_keys<Tz: chrono::TimeZone>(
        title: impl Into<String>,
        keys: Vec<ReportRow>,
        tz: &Tz,
    ) -> Self {
        let total = keys.len();
        Self::for_keys_of(title, keys, total, tz)
    }

    /// As [`Digest::for_keys`], where `keys` are the most urgent of `total`
    /// keys and the others are only counted: a caller with many keys works
    /// out rows for the [`DIGEST_MAX_KEYS`] it names, not for all of them.
    pub fn for_keys_of<Tz: chrono::TimeZone>(
        title: impl Into<String>,
        mut keys: Vec<ReportRow>,
        total: usize,
        tz: &Tz,
    ) -> Self {
        keys.truncate(DIGEST_MAX_KEYS);
        let more = total.saturating_sub(keys.len());
        let mut lines: Vec<String> = keys.iter().map(|row| key_line(row, tz)).collect();
        if more > 0 {
            let keys = if more == 1 { "key" } else { "keys" };
            lines.push(format!(
                "…and {more} more {keys}. Open Keyward, or run `keyward due`, to see them all."
            ));
        }
        Self {
            title: title.into(),
            lines,
            keys,
            more,
        }
    }

    /// The message `keyward webhook test` sends.
    pub fn test_message() -> Self {
        Self {
            title: "Keyward test message".into(),
            lines: vec!["This team channel will receive Keyward's key rotation reminders.".into()],
            keys: Vec::new(),
            more: 0,
        }
    }
}

/// "payments-api-… (payments-api): 12 days overdue, rotate by 2026-04-01",
/// with local dates in `tz`; a leaked key says so first ("LEAKED, revoke
/// it at the vendor now; …").
pub fn key_line<Tz: chrono::TimeZone>(row: &ReportRow, tz: &Tz) -> String {
    use crate::local_time::local_text_of;
    use crate::rotation::RotationStatus;
    let k = &row.key;
    let date = local_text_of(k.rotate_by, tz, false);
    let days = |n: i64| {
        if n == 1 {
            "1 day".to_owned()
        } else {
            format!("{n} days")
        }
    };
    let status = if row.pending_deletion {
        let after = k
            .delete_after
            .map_or_else(|| "now".to_owned(), |d| local_text_of(d, tz, false));
        if k.issuer == crate::record::Issuer::Vendor {
            // Deleting it in Keyward alone leaves it working at the vendor.
            format!("replaced; delete it at the vendor and in Keyward after {after}")
        } else {
            format!("replaced; delete it after {after}")
        }
    } else {
        match k.status {
            RotationStatus::Overdue if row.days_overdue > 0 => {
                format!("{} overdue (rotate by {date})", days(row.days_overdue))
            }
            RotationStatus::Overdue => format!("due today ({date})"),
            RotationStatus::DueSoon => format!("due in {} ({date})", days(k.days_until_due)),
            RotationStatus::Ok => format!("ok (rotate by {date})"),
        }
    };
    let leaked = if !k.leaked {
        ""
    } else if k.issuer == crate::record::Issuer::Vendor {
        "LEAKED, revoke it at the vendor now; "
    } else {
        "LEAKED, replace it now; "
    };
    format!("{} ({}): {leaked}{status}", k.name, k.service)
}

/// Who sends the message: shown so a lead with many machines knows whose keys these are.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Sender {
    /// The computer's name.
    pub machine: String,
    /// The person's login name.
    pub user: String,
}

/// The request body for `format`.
pub fn payload(
    format: WebhookFormat,
    include_ids: bool,
    digest: &Digest,
    sender: &Sender,
) -> Value {
    let footer = format!("Sent by Keyward for {} on {}.", sender.user, sender.machine);
    let ids: Vec<String> = if include_ids {
        digest
            .keys
            .iter()
            .map(|r| format!("{}: {}", r.key.name, r.key.credential_id))
            .collect()
    } else {
        Vec::new()
    };
    match format {
        WebhookFormat::Slack => {
            let mut text = format!("*{}*", escape(&digest.title));
            for line in &digest.lines {
                text.push_str(&format!("\n• {}", escape(line)));
            }
            if !ids.is_empty() {
                text.push_str("\nCredential IDs:");
                for id in &ids {
                    text.push_str(&format!("\n• {}", escape(id)));
                }
            }
            text.push_str(&format!("\n_{}_", escape(&footer)));
            json!({ "text": text })
        }
        WebhookFormat::Teams => {
            let mut parts: Vec<String> = digest
                .lines
                .iter()
                .map(|l| format!("- {}", escape(l)))
                .collect();
            if !ids.is_empty() {
                parts.push("Credential IDs:".into());
                parts.extend(ids.iter().map(|id| format!("- {}", escape(id))));
            }
            parts.push(escape(&footer));
            json!({
                "@type": "MessageCard",
                "@context": "https://schema.org/extensions",
                "summary": digest.title,
                "title": escape(&digest.title),
                "text": parts.join("\n\n"),
            })
        }
        WebhookFormat::Json => {
            let keys: Vec<Value> = digest
                .keys
                .iter()
                .map(|row| {
                    let mut value = serde_json::to_value(row).unwrap_or(Value::Null);
                    if let (false, Value::Object(map)) = (include_ids, &mut value) {
                        map.remove("credential_id");
                    }
                    value
                })
                .collect();
            json!({
                "summary": digest.title,
                "lines": digest.lines,
                "machine": sender.machine,
                "user": sender.user,
                "keys": keys,
                "more_keys": digest.more,
            })
        }
    }
}

/// Escapes the three characters Slack and Teams treat as markup.
fn escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::naming::{KeyName, Label, ServiceName};
    use crate::record::KeyRecord;
    use crate::record::test_support::record;
    use crate::rotation::RotationPolicy;
    use chrono::{TimeZone, Utc};

    #[test]
    fn https_addresses_are_accepted() {
        for ok in [
            "https://hooks.slack.com/services/T000/B000/XXXX",
            "  https://example.webhook.office.com/webhookb2/abc  ",
            "https://chat.example.org:8443/hooks/x",
        ] {
            assert!(WebhookUrl::parse(ok).is_ok(), "{ok}");
        }
    }

    #[test]
    fn plain_http_is_accepted_only_to_this_computer() {
        for ok in [
            "http://127.0.0.1:8080/hook",
            "http://127.1.2.3/hook",
            "http://[::1]:9000/hook",
            "http://localhost/hook",
            "http://LOCALHOST:1/hook",
        ] {
            let url = WebhookUrl::parse(ok).unwrap_or_else(|e| panic!("{ok}: {e}"));
            assert!(url.is_loopback(), "{ok}");
        }
        for refused in [
            "http://example.com/x",
            "http://10.0.0.1/hook",
            "http://localhost.example.com/hook",
            "http://[::ffff:10.0.0.1]/hook",
        ] {
            assert_eq!(
                WebhookUrl::parse(refused),
                Err(UrlError::NotHttps),
                "{refused}"
            );
        }
    }

    #[test]
    fn other_addresses_are_refused_in_words_without_repeating_them() {
        let cases = [
            ("", UrlError::Empty),
            ("hooks.slack.com/services/x", UrlError::Malformed),
            ("ftp://example.com/x", UrlError::Scheme),
            ("file:///etc/passwd", UrlError::Scheme),
            ("https://", UrlError::Malformed),
            (
                &format!("https://example.com/{}", "x".repeat(URL_MAX)),
                UrlError::TooLong,
            ),
        ];
        for (raw, expected) in cases {
            let error = WebhookUrl::parse(raw).unwrap_err();
            assert_eq!(error, expected, "{raw}");
            let text = error.to_string();
            assert!(text.ends_with('.'), "a sentence: {text}");
            assert!(
                !text.contains("example.com"),
                "the address is not repeated: {text}"
            );
        }
    }

    #[test]
    fn a_webhook_address_never_prints_itself() {
        let url = WebhookUrl::parse("https://hooks.example.com/secret-token").unwrap();
        assert!(!format!("{url:?}").contains("secret-token"));
    }

    fn digest() -> Digest {
        digest_in(&Utc)
    }

    fn digest_in<Tz: chrono::TimeZone>(tz: &Tz) -> Digest {
        let record = KeyRecord {
            service: ServiceName::parse("payments-api").unwrap(),
            application: Label::application("<!channel> & co").unwrap(),
            credential_id: "kwid_CREDENTIAL_ID_1".into(),
            created_at: Utc.with_ymd_and_hms(2026, 1, 1, 9, 0, 0).unwrap(),
            ..record("0123abcd", "payments-api-01_01_2026-09_00")
        };
        let now = Utc.with_ymd_and_hms(2026, 4, 13, 9, 0, 0).unwrap();
        let rows = crate::report::rows(
            &[record],
            &RotationPolicy::default(),
            crate::settings::PeriodSource::Person,
            now,
            tz,
        );
        Digest::for_keys("1 key needs rotating <!channel>", rows, tz)
    }

    #[test]
    fn a_leaked_key_says_so_first_in_its_line() {
        let mut row = digest().keys.remove(0);
        assert!(!key_line(&row, &Utc).contains("LEAKED"));
        row.key.leaked = true;
        row.key.issuer = crate::record::Issuer::Vendor;
        let line = key_line(&row, &Utc);
        assert!(
            line.starts_with("payments-api-01_01_2026-09_00 (payments-api): LEAKED, revoke it at the vendor now; "),
            "{line}"
        );
        row.key.issuer = crate::record::Issuer::Keyward;
        assert!(key_line(&row, &Utc).contains("LEAKED, replace it now; "));
    }

    #[test]
    fn a_replaced_vendor_key_is_to_be_deleted_at_the_vendor_too() {
        let mut row = digest().keys.remove(0);
        row.pending_deletion = true;
        row.key.delete_after = Some("2026-04-20T09:00:00Z".parse().unwrap());
        assert!(
            key_line(&row, &Utc).ends_with(": replaced; delete it after 2026-04-20"),
            "{}",
            key_line(&row, &Utc)
        );
        row.key.issuer = crate::record::Issuer::Vendor;
        assert!(
            key_line(&row, &Utc)
                .ends_with(": replaced; delete it at the vendor and in Keyward after 2026-04-20"),
            "{}",
            key_line(&row, &Utc)
        );
    }

    #[test]
    fn a_digest_line_gives_dates_in_the_senders_time_zone() {
        // Made 1 Jan 09:00 UTC: 22:00 on 31 December in Pago Pago (UTC−11),
        // so due there on 31 March at 22:00, which is 1 April in UTC.
        let line = &digest_in(&chrono_tz::Pacific::Pago_Pago).lines[0];
        assert!(
            line.ends_with("12 days overdue (rotate by 2026-03-31)"),
            "{line}"
        );
        let line = &digest_in(&Utc).lines[0];
        assert!(line.ends_with("(rotate by 2026-04-01)"), "{line}");
    }

    #[test]
    fn a_replaced_keys_delete_after_date_is_the_senders_calendar_date() {
        let mut row = digest().keys.remove(0);
        row.pending_deletion = true;
        // 12:00 UTC on 20 April is already 02:00 on the 21st in Kiritimati (UTC+14);
        // 05:00 UTC is still 22:00 on the 19th in Los Angeles (UTC−7).
        row.key.delete_after = Some(Utc.with_ymd_and_hms(2026, 4, 20, 12, 0, 0).unwrap());
        let line = key_line(&row, &chrono_tz::Pacific::Kiritimati);
        assert!(line.ends_with("delete it after 2026-04-21"), "{line}");
        row.key.delete_after = Some(Utc.with_ymd_and_hms(2026, 4, 20, 5, 0, 0).unwrap());
        let line = key_line(&row, &chrono_tz::America::Los_Angeles);
        assert!(line.ends_with("delete it after 2026-04-19"), "{line}");
        assert!(
            key_line(&row, &Utc).ends_with("delete it after 2026-04-20"),
            "the UTC date differs: the test means something"
        );
    }

    fn sender() -> Sender {
        Sender {
            machine: "lead-laptop".into(),
            user: "alex".into(),
        }
    }

    #[test]
    fn a_digest_line_names_the_key_and_its_dates() {
        let d = digest();
        assert_eq!(
            d.lines,
            [
                "payments-api-01_01_2026-09_00 (payments-api): 12 days overdue (rotate by 2026-04-01)"
            ]
        );
    }

    #[test]
    fn slack_payload_is_one_escaped_text_field() {
        let body = payload(WebhookFormat::Slack, false, &digest(), &sender());
        let object = body.as_object().unwrap();
        assert_eq!(object.len(), 1, "Slack-compatible: just text: {body}");
        let text = body["text"].as_str().unwrap();
        assert!(
            text.starts_with("*1 key needs rotating &lt;!channel&gt;*"),
            "{text}"
        );
        assert!(text.contains("12 days overdue"), "{text}");
        assert!(text.contains("alex on lead-laptop"), "{text}");
        assert!(!text.contains("<!channel>"), "no mentions injected: {text}");
    }

    #[test]
    fn teams_payload_is_a_message_card() {
        let body = payload(WebhookFormat::Teams, false, &digest(), &sender());
        assert_eq!(body["@type"], "MessageCard");
        assert_eq!(body["@context"], "https://schema.org/extensions");
        assert_eq!(body["summary"], "1 key needs rotating <!channel>");
        assert!(body["title"].as_str().unwrap().contains("&lt;!channel&gt;"));
        assert!(body["text"].as_str().unwrap().contains("12 days overdue"));
    }

    #[test]
    fn json_payload_carries_machine_user_and_report_fields() {
        let body = payload(WebhookFormat::Json, false, &digest(), &sender());
        assert_eq!(body["summary"], "1 key needs rotating <!channel>");
        assert_eq!(body["machine"], "lead-laptop");
        assert_eq!(body["user"], "alex");
        let key = &body["keys"][0];
        assert_eq!(key["name"], "payments-api-01_01_2026-09_00");
        assert_eq!(key["days_overdue"], 12);
        assert_eq!(key["rotate_by"], "2026-04-01T09:00:00Z");
    }

    #[test]
    fn a_digest_names_at_most_fifty_keys_and_says_how_many_more() {
        let policy = RotationPolicy::default();
        let created = Utc.with_ymd_and_hms(2026, 1, 1, 9, 0, 0).unwrap();
        let record = |i: usize| KeyRecord {
            credential_id: format!("kwid_{i}"),
            created_at: created + chrono::Duration::minutes(i as i64),
            ..record(&format!("id{i}"), &format!("key-{i:04}"))
        };
        let now = created + chrono::Duration::days(200);
        let records: Vec<KeyRecord> = (0..1234).map(record).collect();
        let rows = |records: &[KeyRecord]| {
            crate::report::rows(
                records,
                &policy,
                crate::settings::PeriodSource::Person,
                now,
                &Utc,
            )
        };
        let digest = Digest::for_keys("1234 keys", rows(&records), &Utc);
        assert_eq!(digest.keys.len(), DIGEST_MAX_KEYS);
        assert_eq!(digest.more, 1234 - DIGEST_MAX_KEYS);
        assert_eq!(
            digest.lines.len(),
            DIGEST_MAX_KEYS + 1,
            "50 keys, then a count"
        );
        assert_eq!(digest.keys[0].key.name, "key-0000", "the most urgent first");
        assert!(
            digest.lines[DIGEST_MAX_KEYS].starts_with("…and 1184 more keys."),
            "{}",
            digest.lines[DIGEST_MAX_KEYS]
        );
        for format in [
            WebhookFormat::Slack,
            WebhookFormat::Teams,
            WebhookFormat::Json,
        ] {
            let body = payload(format, true, &digest, &sender()).to_string();
            assert!(body.contains("key-0049"), "{format:?} names the 50th key");
            assert!(!body.contains("key-0050"), "{format:?} names no 51st key");
            assert!(body.contains("1184 more"), "{format:?} says how many more");
        }
        let json = payload(WebhookFormat::Json, false, &digest, &sender());
        assert_eq!(json["keys"].as_array().unwrap().len(), DIGEST_MAX_KEYS);
        assert_eq!(json["more_keys"], 1184);

        let few = Digest::for_keys("2 keys", rows(&records[..2]), &Utc);
        assert_eq!(
            (few.keys.len(), few.more, few.lines.len()),
            (2, 0, 2),
            "no count line"
        );
        let counted = Digest::for_keys_of("1234 keys", rows(&records[..50]), 1234, &Utc);
        assert_eq!(counted, digest, "rows for the named keys only say the same");
    }

    #[test]
    fn credential_ids_are_sent_only_when_allowed() {
        for format in [
            WebhookFormat::Slack,
            WebhookFormat::Teams,
            WebhookFormat::Json,
        ] {
            let without = payload(format, false, &digest(), &sender()).to_string();
            assert!(
                !without.contains("kwid_CREDENTIAL_ID_1"),
                "{format:?}: {without}"
            );
            let with = payload(format, true, &digest(), &sender()).to_string();
            assert!(with.contains("kwid_CREDENTIAL_ID_1"), "{format:?}: {with}");
        }
    }

    #[test]
    fn payloads_never_hold_a_secret() {
        use crate::memory_store::MemoryStore;
        use crate::vault::{NewKey, Vault};
        let dir = tempfile::tempdir().unwrap();
        let catalog = crate::catalog::Catalog::open(dir.path()).unwrap();
        let vault = Vault::new(catalog, MemoryStore::default(), RotationPolicy::default());
        let created = Utc.with_ymd_and_hms(2026, 1, 1, 9, 0, 0).unwrap();
        let (_, secret) = vault
            .generate(NewKey {
                service: ServiceName::parse("svc").unwrap(),
                application: None,
                name: KeyName::parse("k").unwrap(),
                notes: Label::notes("").unwrap(),
                created_at: created,
                vendor: None,
                owner: None,
            })
            .unwrap();
        let rows = crate::report::rows(
            &vault.catalog().load().unwrap(),
            &vault.policy(),
            crate::settings::PeriodSource::Defaults,
            created + chrono::Duration::days(100),
            &Utc,
        );
        let digest = Digest::for_keys("due", rows, &Utc);
        for format in [
            WebhookFormat::Slack,
            WebhookFormat::Teams,
            WebhookFormat::Json,
        ] {
            for include_ids in [false, true] {
                let body = payload(format, include_ids, &digest, &sender()).to_string();
                assert!(
                    !body.contains(secret.expose()),
                    "{format:?} holds the secret"
                );
                assert!(
                    !body.contains(&secret.expose()[5..25]),
                    "{format:?} holds part of it"
                );
            }
        }
    }
}
