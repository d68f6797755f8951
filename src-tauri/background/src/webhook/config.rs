//! Where the team channel is set up: its address in the keychain (account
//! `setting:webhook-url`, never in a file), its format and whether
//! credential IDs may be sent in the settings file.
//!
//! Promises: an address is validated before anything is stored; the
//! address never leaves this module except towards the HTTP client; a
//! [`WebhookStatus`] (what the window and `keyward webhook status` see)
//! says whether a channel is set up, never where it is.

use keyward_core::Secret;
use keyward_core::audit::{AuditAction, AuditLog};
use keyward_core::keychain::{KeychainError, SecretStore};
use keyward_core::settings::{Settings, WebhookFormat};
use keyward_core::team_channel::{WEBHOOK_URL_ACCOUNT, WebhookUrl};
use serde::Serialize;

use super::WebhookError;

/// The team channel as the window may see it: never its address.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ts_rs::TS)]
pub struct WebhookStatus {
    /// Whether an address is stored.
    pub configured: bool,
    /// How messages are shaped.
    pub format: WebhookFormat,
    /// Whether messages may carry credential IDs.
    pub include_credential_ids: bool,
    /// Why the last message failed, when the last one did (from the audit log).
    pub last_error: Option<String>,
}

/// Validates `raw` and stores it in the keychain. Nothing is stored when it is refused.
pub fn set_url<S: SecretStore>(store: &S, raw: &str) -> Result<(), WebhookError> {
    let url = WebhookUrl::parse(raw)?;
    store.put(WEBHOOK_URL_ACCOUNT, url.as_secret())?;
    Ok(())
}

/// Removes the stored address; none stored is fine.
pub fn clear_url<S: SecretStore>(store: &S) -> Result<(), KeychainError> {
    store.remove(WEBHOOK_URL_ACCOUNT)
}

/// The stored address, if any.
pub fn stored_url<S: SecretStore>(store: &S) -> Result<Option<Secret>, KeychainError> {
    match store.get(WEBHOOK_URL_ACCOUNT) {
        Ok(url) => Ok(Some(url)),
        Err(KeychainError::NotFound) => Ok(None),
        Err(e) => Err(e),
    }
}

/// Whether a channel is set up, how, and how the last message went.
pub fn status<S: SecretStore>(
    store: &S,
    settings: &Settings,
    audit: Option<&AuditLog>,
) -> Result<WebhookStatus, KeychainError> {
    Ok(WebhookStatus {
        configured: stored_url(store)?.is_some(),
        format: settings.webhook_format,
        include_credential_ids: settings.webhook_include_credential_ids,
        last_error: audit.and_then(last_error),
    })
}

/// The reason the last team-channel message failed, if the last one failed.
pub fn last_error(audit: &AuditLog) -> Option<String> {
    // An unreadable log means no known failure; the log reports its own problems.
    let entries = audit.read().ok()?.entries;
    let last = entries.iter().rev().find(|e| {
        matches!(
            e.action,
            AuditAction::WebhookSent | AuditAction::WebhookFailed
        )
    })?;
    (last.action == AuditAction::WebhookFailed).then(|| {
        last.detail
            .clone()
            .unwrap_or_else(|| "the message was not delivered".into())
    })
}
