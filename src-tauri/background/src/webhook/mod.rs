//! Sends Keyward's messages to a team channel (Slack, Microsoft Teams, or
//! any service that takes JSON) through its incoming-webhook address.
//!
//! The address is a secret: it lives in the keychain (see [`config`]), is
//! never printed, logged or shown to the window, and error messages never
//! repeat it. What is sent is built by `keyward_core::team_channel`: key
//! names, dates and statuses, credential IDs only when the person allowed
//! them, never a secret.
//!
//! # Calling it (for the reminder task)
//!
//! ```text
//! use keyward_background::webhook;
//! use keyward_core::team_channel::Digest;
//!
//! // After showing the desktop notification, never before: sending may take
//! // up to `RetryPolicy::worst_case()` (about 32 s) when the channel is down.
//! let digest = Digest::for_keys("2 keys need rotating", report_rows, &chrono::Local);
//! let keychain = OsKeychain::from_environment(keyward_core::env::process());
//! tokio::spawn(async move {
//!     // Ok(None): no team channel is set up. Every outcome is already in
//!     // the audit log (`webhook_sent` / `webhook_failed`).
//!     let _ = webhook::send_to_team(keychain, &settings, &digest, audit.as_ref()).await;
//! });
//! ```
//!
//! [`send_digest`] is the lower-level call when the address is already at
//! hand. Both are `async` and bounded.
//!
//! # Promises
//! - Bounded: each attempt has a 5 s connect and a 10 s overall time limit;
//!   at most 3 attempts, 0.5 s then 1 s apart, so a dead channel costs at
//!   most [`RetryPolicy::worst_case`]. `KEYWARD_WEBHOOK_TIMEOUT_SECS`
//!   changes the per-attempt limit.
//! - Retried only when another try may help: server errors (5xx), time-outs
//!   and connection failures. A refusal (4xx) or a redirect is not retried,
//!   and redirects are never followed (the message goes only where the
//!   person pointed it).
//! - `https://` only (rustls, the platform's certificate store); `http://`
//!   only to this computer (127.0.0.0/8, ::1, `localhost`), which also skips
//!   any proxy.
//! - Every delivery and every failure is recorded in the audit log when one
//!   is given; a failure's `Display` is a plain sentence.

pub mod config;

use std::time::Duration;

use keyward_core::Secret;
use keyward_core::audit::{AuditAction, AuditLog};
use keyward_core::keychain::{KeychainError, SecretStore};
use keyward_core::settings::{Settings, WebhookFormat};
use keyward_core::team_channel::{Digest, Sender, UrlError, WebhookUrl, payload};

/// How hard to try.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RetryPolicy {
    /// Tries in all (at least 1).
    pub attempts: u32,
    /// Time limit for opening a connection.
    pub connect_timeout: Duration,
    /// Time limit for one whole attempt.
    pub request_timeout: Duration,
    /// Pause after the first failed attempt; doubled after each further one.
    pub first_backoff: Duration,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        Self {
            attempts: 3,
            connect_timeout: Duration::from_secs(5),
            request_timeout: Duration::from_secs(10),
            first_backoff: Duration::from_millis(500),
        }
    }
}

impl RetryPolicy {
    /// The default, with the per-attempt limit of `KEYWARD_WEBHOOK_TIMEOUT_SECS`
    /// in `environment` if set.
    pub fn from_environment(environment: &keyward_core::env::Environment) -> Self {
        let mut policy = Self::default();
        if let Some(limit) = environment.webhook_timeout {
            policy.request_timeout = limit;
            policy.connect_timeout = policy.connect_timeout.min(policy.request_timeout);
        }
        policy
    }

    /// The pause before attempt `next` (2, 3, ...).
    fn backoff(&self, next: u32) -> Duration {
        self.first_backoff * 2u32.saturating_pow(next.saturating_sub(2))
    }

    /// The longest a send can take: every attempt timing out, plus the pauses.
    pub fn worst_case(&self) -> Duration {
        let attempts = self.attempts.max(1);
        let pauses: Duration = (2..=attempts).map(|n| self.backoff(n)).sum();
        self.request_timeout * attempts + pauses
    }
}

/// A message the team channel accepted.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Delivery {
    /// Tries it took (1 when the first one worked).
    pub attempts: u32,
    /// The HTTP status the channel answered with.
    pub status: u16,
}

/// Why a message was not delivered. `Display` is a sentence for people and
/// never contains the webhook address.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum WebhookError {
    /// No address is stored.
    #[error(
        "No team channel is set up. Add its webhook address in Settings, or with `keyward webhook set -`."
    )]
    NotConfigured,
    /// The stored or given address is not acceptable.
    #[error(transparent)]
    InvalidUrl(#[from] UrlError),
    /// The channel refused the message (4xx, or a redirect): trying again would not help.
    #[error(
        "The team channel refused the message (HTTP {status}). Check the webhook address: it may be mistyped, or the webhook may have been removed."
    )]
    Refused {
        /// The HTTP status.
        status: u16,
    },
    /// The channel's server kept failing (5xx).
    #[error(
        "The team channel's server had a problem (HTTP {status}; {}). Try again later.",
        count(*attempts, "try", "tries")
    )]
    ServerError {
        /// The last HTTP status.
        status: u16,
        /// Tries made.
        attempts: u32,
    },
    /// The channel did not answer in time.
    #[error(
        "The team channel did not answer within {} ({}). Check your network connection and try again.",
        count(*seconds, "second", "seconds"),
        count(u64::from(*attempts), "try", "tries")
    )]
    TimedOut {
        /// The per-attempt limit.
        seconds: u64,
        /// Tries made.
        attempts: u32,
    },
    /// The channel could not be reached.
    #[error(
        "Keyward could not reach the team channel ({}). Check your network connection and the webhook address.",
        count(*attempts, "try", "tries")
    )]
    Unreachable {
        /// Tries made.
        attempts: u32,
    },
    /// The keychain holding the address failed.
    #[error(transparent)]
    Keychain(#[from] KeychainError),
    /// Keyward could not prepare the request.
    #[error(
        "Keyward could not prepare the message ({detail}). Try again; if it keeps happening, restart Keyward."
    )]
    Internal {
        /// What failed (never the address).
        detail: String,
    },
}

impl WebhookError {
    /// A short reason for the audit log, e.g. "HTTP 404: the channel refused the message".
    pub fn reason(&self) -> String {
        match self {
            Self::NotConfigured => "no team channel is set up".into(),
            Self::InvalidUrl(_) => "the webhook address is not acceptable".into(),
            Self::Refused { status } => {
                format!("the team channel refused the message (HTTP {status})")
            }
            Self::ServerError { status, attempts } => {
                format!(
                    "the team channel's server failed (HTTP {status}; {})",
                    count(*attempts, "try", "tries")
                )
            }
            Self::TimedOut { seconds, attempts } => {
                format!(
                    "the team channel did not answer within {} ({})",
                    count(*seconds, "second", "seconds"),
                    count(*attempts, "try", "tries")
                )
            }
            Self::Unreachable { attempts } => {
                format!(
                    "the team channel could not be reached ({})",
                    count(*attempts, "try", "tries")
                )
            }
            Self::Keychain(e) => format!("the keychain failed ({})", e.code()),
            Self::Internal { .. } => "the message could not be prepared".into(),
        }
    }
}

/// "1 try", "3 tries".
fn count<N: Into<u64>>(n: N, one: &str, many: &str) -> String {
    let n = n.into();
    format!("{n} {}", if n == 1 { one } else { many })
}

/// Who is sending: this computer's name and the person's login name.
pub fn sender() -> Sender {
    // The same names as the audit log's entries.
    let me = keyward_core::audit::Identity::of_this_process();
    Sender {
        machine: me.computer,
        user: me.user,
    }
}

/// Sends `digest` to the team channel set up in the keychain and `settings`.
/// `Ok(None)` when no channel is set up. Reads the keychain off the async
/// threads; records the outcome in `audit`.
pub async fn send_to_team<S>(
    store: S,
    settings: &Settings,
    digest: &Digest,
    audit: Option<&AuditLog>,
) -> Result<Option<Delivery>, WebhookError>
where
    S: SecretStore + 'static,
{
    let url = tokio::task::spawn_blocking(move || config::stored_url(&store))
        .await
        .map_err(|e| WebhookError::Internal {
            detail: e.to_string(),
        })??;
    let Some(url) = url else { return Ok(None) };
    send_digest(
        &url,
        settings.webhook_format,
        settings.webhook_include_credential_ids,
        digest,
        audit,
    )
    .await
    .map(Some)
}

/// Sends `digest` to `url` in `format`, with credential IDs only when
/// `include_ids`, retrying as [`RetryPolicy::from_environment`] says. Records the
/// outcome in `audit` (`webhook_sent` or `webhook_failed`) when given.
pub async fn send_digest(
    url: &Secret,
    format: WebhookFormat,
    include_ids: bool,
    digest: &Digest,
    audit: Option<&AuditLog>,
) -> Result<Delivery, WebhookError> {
    send_digest_with(
        &RetryPolicy::from_environment(keyward_core::env::process()),
        url,
        format,
        include_ids,
        digest,
        audit,
    )
    .await
}

/// [`send_digest`] with an explicit retry policy.
pub async fn send_digest_with(
    policy: &RetryPolicy,
    url: &Secret,
    format: WebhookFormat,
    include_ids: bool,
    digest: &Digest,
    audit: Option<&AuditLog>,
) -> Result<Delivery, WebhookError> {
    let result = match WebhookUrl::parse(url.expose()) {
        Ok(url) => {
            let body = payload(format, include_ids, digest, &sender());
            post(policy, &url, &body).await
        }
        Err(e) => Err(e.into()),
    };
    if let Some(audit) = audit {
        match &result {
            Ok(delivery) => {
                let detail = format!(
                    "{} (delivered, {} format, {} {})",
                    digest.title,
                    format_name(format),
                    delivery.attempts,
                    if delivery.attempts == 1 {
                        "try"
                    } else {
                        "tries"
                    }
                );
                audit.note(AuditAction::WebhookSent, None, Some(&detail));
            }
            Err(error) => {
                audit.note(AuditAction::WebhookFailed, None, Some(&error.reason()));
            }
        }
    }
    result
}

/// The wire name of a format.
pub fn format_name(format: WebhookFormat) -> &'static str {
    match format {
        WebhookFormat::Slack => "slack",
        WebhookFormat::Teams => "teams",
        WebhookFormat::Json => "json",
    }
}

async fn post(
    policy: &RetryPolicy,
    url: &WebhookUrl,
    body: &serde_json::Value,
) -> Result<Delivery, WebhookError> {
    let loopback = url.is_loopback();
    let mut builder = reqwest::Client::builder()
        .connect_timeout(policy.connect_timeout)
        .timeout(policy.request_timeout)
        .redirect(reqwest::redirect::Policy::none())
        .https_only(!loopback)
        .user_agent(concat!("Keyward/", env!("CARGO_PKG_VERSION")));
    if loopback {
        builder = builder.no_proxy();
    }
    let client = builder.build().map_err(|e| WebhookError::Internal {
        detail: without_url(e),
    })?;
    let attempts = policy.attempts.max(1);
    let mut last = WebhookError::Unreachable { attempts: 0 };
    for attempt in 1..=attempts {
        if attempt > 1 {
            tokio::time::sleep(policy.backoff(attempt)).await;
        }
        match client.post(url.expose()).json(body).send().await {
            Ok(response) if response.status().is_success() => {
                return Ok(Delivery {
                    attempts: attempt,
                    status: response.status().as_u16(),
                });
            }
            Ok(response) if response.status().is_server_error() => {
                last = WebhookError::ServerError {
                    status: response.status().as_u16(),
                    attempts: attempt,
                };
            }
            Ok(response) => {
                return Err(WebhookError::Refused {
                    status: response.status().as_u16(),
                });
            }
            Err(error) if error.is_timeout() => {
                last = WebhookError::TimedOut {
                    seconds: policy.request_timeout.as_secs(),
                    attempts: attempt,
                };
            }
            Err(error) if error.is_builder() => {
                return Err(WebhookError::Internal {
                    detail: without_url(error),
                });
            }
            Err(_) => last = WebhookError::Unreachable { attempts: attempt },
        }
    }
    Err(last)
}

/// A reqwest error's text without the address it carries.
fn without_url(error: reqwest::Error) -> String {
    error.without_url().to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_default_policy_is_three_tries_bounded_under_forty_seconds() {
        let policy = RetryPolicy::default();
        assert_eq!(policy.attempts, 3);
        assert_eq!(policy.backoff(2), Duration::from_millis(500));
        assert_eq!(policy.backoff(3), Duration::from_secs(1));
        assert_eq!(policy.worst_case(), Duration::from_millis(31_500));
    }

    #[test]
    fn every_failure_reads_as_a_sentence() {
        let errors = [
            WebhookError::NotConfigured,
            WebhookError::InvalidUrl(UrlError::NotHttps),
            WebhookError::Refused { status: 404 },
            WebhookError::ServerError {
                status: 503,
                attempts: 3,
            },
            WebhookError::TimedOut {
                seconds: 10,
                attempts: 3,
            },
            WebhookError::Unreachable { attempts: 3 },
            WebhookError::Keychain(KeychainError::Locked),
        ];
        for error in errors {
            let text = error.to_string();
            assert!(text.ends_with('.'), "{text}");
            assert!(!error.reason().is_empty());
        }
    }
}
