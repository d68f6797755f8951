//! The team vault (OpenBao or HashiCorp Vault, KV version 2): connecting a
//! desktop, publishing its inventory, and reading every desktop's for the
//! lead. The settings, the document and the report are built by
//! `keyward_core::team` and `keyward_core::team_report` (no network);
//! [`client`] talks to the vault.
//!
//! Promises:
//! - The credential (token, password or AppRole secret ID) is read from
//!   the keychain only to log in; it is never written to a file, printed,
//!   or put in an error.
//! - Offline-first: nothing local waits on the vault. The window and the
//!   background program publish from [`publisher::TeamPublisher`], a task
//!   of its own; a vault that cannot be reached is tried again with a
//!   back-off (30 s doubling to an hour), and `team status` says when the
//!   inventory was last shared.
//! - What is published is metadata only ([`InventoryDocument`]); a key
//!   deleted here disappears from the next version of the document, while
//!   the vault keeps earlier versions for auditors.

pub mod client;
pub mod digest;
pub mod publisher;
pub mod shared;

use std::path::Path;

use chrono::{DateTime, Utc};
use keyward_core::Secret;
use keyward_core::catalog::Catalog;
use keyward_core::keychain::{KeychainError, SecretStore};
use keyward_core::report;
use keyward_core::settings::Effective;
use keyward_core::team::{
    CREDENTIAL_ACCOUNT, InventoryDocument, PublishState, TeamConfig, TeamSettingError,
};
use keyward_core::team_report::{DOCUMENT_MAX_BYTES, DocumentRead};
use serde::Serialize;

use client::{KvDocument, VaultClient};

/// Why talking to the team vault failed. `Display` is a sentence for
/// people: it says whether the address, the certificate, the login or the
/// vault's policy is at fault, and never holds a credential.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum TeamError {
    /// This desktop is not connected to a team vault.
    #[error(
        "This desktop is not connected to a team vault. Connect it in Settings → Team, or with `keyward team connect`."
    )]
    NotConnected,
    /// A setting was refused.
    #[error(transparent)]
    Setting(#[from] TeamSettingError),
    /// Nothing answered at the address.
    #[error(
        "Keyward could not reach the team vault at {address}. Check the address (and its port), and that this computer is on the network the vault is on."
    )]
    Unreachable {
        /// The vault's address.
        address: String,
    },
    /// The vault did not answer in time.
    #[error(
        "The team vault at {address} did not answer in time. Check your network connection and try again."
    )]
    TimedOut {
        /// The vault's address.
        address: String,
    },
    /// The vault's certificate was not accepted.
    #[error(
        "The team vault at {address} did not show a certificate this computer trusts (it may be self-signed, expired, or made for another name). Ask your vault administrator for the right address, or for the certificate to be trusted on this computer."
    )]
    Certificate {
        /// The vault's address.
        address: String,
    },
    /// The login was refused: wrong or expired token, wrong password or secret ID.
    #[error(
        "The team vault did not accept the login: the token, password or secret ID is wrong or has expired. Ask your vault administrator for a new one and connect again."
    )]
    Login,
    /// The vault's policy does not allow this.
    #[error(
        "The team vault's policy does not allow this login to {action} {path}. Ask your vault administrator to grant it (see the example policies in docs/)."
    )]
    Permission {
        /// "read", "write" or "list".
        action: &'static str,
        /// The path inside the vault.
        path: String,
    },
    /// No KV engine at the mount.
    #[error(
        "The team vault has no key-value (KV version 2) engine at \"{mount}\". Check the mount name with your vault administrator."
    )]
    NoEngine {
        /// The mount.
        mount: String,
    },
    /// The vault is sealed or in standby.
    #[error("The team vault is sealed or not ready. Try again later.")]
    Sealed,
    /// Another error from the vault's server.
    #[error("The team vault's server had a problem (HTTP {status}). Try again later.")]
    Server {
        /// The HTTP status.
        status: u16,
    },
    /// The vault refused what was sent (HTTP 400).
    #[error("The team vault refused what Keyward sent: {detail}.")]
    Refused {
        /// The vault's reason, shown inert.
        detail: String,
    },
    /// Someone else changed the document first (check-and-set).
    #[error(
        "Someone else changed this in the team vault at the same time. Nothing was overwritten: look again and retry."
    )]
    Conflict,
    /// A shared key changed since this person read it (check-and-set).
    #[error(
        "Someone else changed the shared key \"{name}\" in the team vault after you read it (you had version {had}). Nothing was overwritten and your change was not saved there: look at the shared key again, and repeat your change only if it should still replace theirs."
    )]
    SharedChanged {
        /// The shared key, shown inert.
        name: String,
        /// The version this person had read.
        had: u64,
    },
    /// A document was larger than Keyward reads.
    #[error("The document is larger than {} MB, so Keyward did not read it.", max_bytes / (1024 * 1024))]
    TooLarge {
        /// The limit.
        max_bytes: usize,
    },
    /// The keychain holding the credential failed.
    #[error(transparent)]
    Keychain(#[from] KeychainError),
    /// Keyward's own files could not be used.
    #[error("{0}")]
    Local(String),
    /// Keyward could not prepare the request.
    #[error("Keyward could not talk to the team vault ({detail}). Try again.")]
    Internal {
        /// What failed (never a credential).
        detail: String,
    },
}

/// Which of the four things a connection test checks went wrong, for the
/// window's wording and scripts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, ts_rs::TS)]
#[serde(rename_all = "snake_case")]
pub enum TeamProblem {
    /// The address or the network.
    Address,
    /// The certificate.
    Certificate,
    /// The login.
    Login,
    /// The vault's policy.
    Permission,
    /// Anything else.
    Other,
}

impl TeamError {
    /// Which part is at fault.
    pub fn problem(&self) -> TeamProblem {
        match self {
            Self::Unreachable { .. } | Self::TimedOut { .. } | Self::Setting(_) => {
                TeamProblem::Address
            }
            Self::Certificate { .. } => TeamProblem::Certificate,
            Self::Login => TeamProblem::Login,
            Self::Permission { .. } | Self::NoEngine { .. } => TeamProblem::Permission,
            _ => TeamProblem::Other,
        }
    }
}

/// This desktop's team-vault status, as `team status` and Settings show it
/// (never a credential).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ts_rs::TS)]
pub struct TeamStatus {
    /// Whether this desktop is connected.
    pub connected: bool,
    /// The vault's address.
    pub address: Option<String>,
    /// The KV mount.
    pub mount: Option<String>,
    /// The path prefix.
    pub prefix: Option<String>,
    /// "a token", "user alice (userpass)", "AppRole".
    pub login: Option<String>,
    /// This desktop's name in the vault.
    pub desktop: Option<String>,
    /// Where its document is, inside the mount.
    pub inventory_path: Option<String>,
    /// When the vault last accepted this desktop's inventory (RFC 3339, UTC).
    #[serde(with = "keyward_core::rfc3339::option")]
    #[ts(type = "string | null")]
    pub last_shared_at: Option<DateTime<Utc>>,
    /// Whole days since then.
    pub days_since_shared: Option<i64>,
    /// "shared today", "last shared 3 days ago", "never shared".
    pub shared_words: String,
    /// Why the last try failed, if it did.
    pub last_error: Option<String>,
    /// When the next try is due, after a failure (RFC 3339, UTC).
    #[serde(with = "keyward_core::rfc3339::option")]
    #[ts(type = "string | null")]
    pub next_try_at: Option<DateTime<Utc>>,
    /// For leads: whether this desktop sends the team digest to the team
    /// channel by itself (`keyward team digest --automatic on|off`).
    pub send_digest: bool,
}

/// The status from the saved configuration and publishing state.
pub fn status(
    config_dir: &Path,
    data_dir: &Path,
    now: DateTime<Utc>,
) -> Result<TeamStatus, TeamError> {
    let config = TeamConfig::load(config_dir).map_err(|e| TeamError::Local(e.to_string()))?;
    let state = PublishState::load(data_dir);
    let days = state.days_since_shared(now);
    Ok(TeamStatus {
        connected: config.is_some(),
        address: config.as_ref().map(|c| c.address.as_str().to_owned()),
        mount: config.as_ref().map(|c| c.mount.clone()),
        prefix: config.as_ref().map(|c| c.prefix.clone()),
        login: config.as_ref().map(|c| c.login.describe()),
        desktop: config.as_ref().map(|c| c.desktop.clone()),
        inventory_path: config.as_ref().map(TeamConfig::inventory_path),
        last_shared_at: state.last_shared_at,
        days_since_shared: days,
        shared_words: keyward_core::team::shared_words(days),
        last_error: config.as_ref().and(state.last_error.clone()),
        next_try_at: (config.is_some() && state.failures > 0)
            .then(|| state.last_attempt_at.map(|at| at + state.backoff()))
            .flatten(),
        send_digest: config.as_ref().is_some_and(|c| c.send_digest),
    })
}

/// This desktop's inventory document now, from the catalog and the settings in force.
pub fn inventory(
    catalog: &Catalog,
    settings: &Effective,
    desktop: &str,
    now: DateTime<Utc>,
) -> Result<InventoryDocument, TeamError> {
    let records = catalog
        .load()
        .map_err(|e| TeamError::Local(e.to_string()))?;
    let rows = report::rows(
        &records,
        &settings.settings.policy(),
        settings.period_source(),
        now,
        &Utc,
    );
    let checks = keyward_core::scan::checks::LeakChecks::load(catalog.dir());
    Ok(InventoryDocument::new(desktop, &rows, now).with_leak_checks(&rows, &checks))
}

/// Logs in and writes `document` as this desktop's inventory: the
/// connection test (address, certificate, login, permission) and a publish
/// in one. The new version.
pub async fn publish(
    config: &TeamConfig,
    credential: &Secret,
    document: &InventoryDocument,
) -> Result<u64, TeamError> {
    let session = VaultClient::new(&config.address)?
        .login(config, credential)
        .await?;
    session
        .write(&config.inventory_path(), &document.to_kv_data(), None)
        .await
}

/// The stored credential.
pub fn stored_credential<S: SecretStore>(store: &S) -> Result<Option<Secret>, KeychainError> {
    match store.get(CREDENTIAL_ACCOUNT) {
        Ok(secret) => Ok(Some(secret)),
        Err(KeychainError::NotFound) => Ok(None),
        Err(e) => Err(e),
    }
}

/// Tests `config` with `credential` by publishing this desktop's inventory;
/// only when that works are both saved (the credential in the keychain, the
/// rest in `team.json`). Nothing is saved when it fails.
pub async fn connect<S: SecretStore>(
    store: &S,
    folders: (&Path, &Path),
    config: &TeamConfig,
    credential: &Secret,
    document: &InventoryDocument,
    now: DateTime<Utc>,
) -> Result<u64, TeamError> {
    let version = publish(config, credential, document).await?;
    save_connection(store, folders, config, credential, (document, version), now)?;
    Ok(version)
}

/// Saves a connection that worked: the credential in the keychain, the
/// settings in `team.json` (in the first of `folders`, the config folder),
/// and the share just made (`document`, stored as `version` at `now`) in
/// `team-state.json` (in the second, the data folder). The person's own
/// choices in a `team.json` saved before (whether this desktop sends the
/// team digest) are kept: reconnecting changes where and how only.
/// Blocking (the keychain): call it off the async threads.
pub fn save_connection<S: SecretStore>(
    store: &S,
    (config_dir, data_dir): (&Path, &Path),
    config: &TeamConfig,
    credential: &Secret,
    (document, version): (&InventoryDocument, u64),
    now: DateTime<Utc>,
) -> Result<(), TeamError> {
    let previous = TeamConfig::load(config_dir).ok().flatten();
    let config = config.clone().keeping_choices_of(previous.as_ref());
    store.put(CREDENTIAL_ACCOUNT, credential)?;
    config
        .save(config_dir)
        .map_err(|e| TeamError::Local(e.to_string()))?;
    let mut state = PublishState::default();
    state.shared(document.content_hash(), Some(version), now);
    state
        .save(data_dir)
        .map_err(|e| TeamError::Local(e.to_string()))
}

/// Forgets the team vault: the credential leaves the keychain and the
/// settings file is removed. What was published stays in the vault.
pub fn disconnect<S: SecretStore>(
    store: &S,
    config_dir: &Path,
    data_dir: &Path,
) -> Result<(), TeamError> {
    store.remove(CREDENTIAL_ACCOUNT)?;
    TeamConfig::remove(config_dir).map_err(|e| TeamError::Local(e.to_string()))?;
    let _ = std::fs::remove_file(PublishState::path_in(data_dir));
    Ok(())
}

/// What one publishing try did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Published {
    /// The vault stored this version.
    Shared {
        /// The document's new version.
        version: u64,
        /// Keys in it.
        keys: usize,
    },
    /// Nothing changed since the last share, less than a day ago.
    Unchanged,
}

/// Publishes this desktop's inventory if it changed or a day has passed
/// (`force`: in any case), recording the outcome in `team-state.json`.
/// The credential comes from `credential` (read from the keychain by the
/// caller, off the async threads). `now` is the time of this publish, read
/// once by the caller (the document says it was published then): the
/// share or the failure is recorded at that time.
pub async fn publish_if_due(
    config: &TeamConfig,
    credential: &Secret,
    document: &InventoryDocument,
    data_dir: &Path,
    force: bool,
    now: DateTime<Utc>,
) -> Result<Published, TeamError> {
    let mut state = PublishState::load(data_dir);
    let hash = document.content_hash();
    if !force && state.next_publish(&hash, now) > now {
        return Ok(Published::Unchanged);
    }
    let outcome = publish(config, credential, document).await;
    match &outcome {
        Ok(version) => state.shared(hash, Some(*version), now),
        Err(error) => state.failed(error.to_string(), now),
    }
    state
        .save(data_dir)
        .map_err(|e| TeamError::Local(e.to_string()))?;
    outcome.map(|version| Published::Shared {
        version,
        keys: document.keys.len(),
    })
}

/// Shares a key with the team: its metadata and secret at
/// `<prefix>/shared/<name>`, written only if no shared key has that name
/// (check-and-set), so nobody overwrites a colleague's shared key. The version.
///
/// A name whose shared key was deleted (unshared) is free again: KV version
/// 2 keeps a deleted key's versions for auditors, so check-and-set 0 would
/// refuse it; when the newest version is deleted or destroyed, the new one
/// is written on top of it (check-and-set on that version, so a colleague
/// sharing the same name meanwhile still wins). A live name is refused
/// ([`TeamError::Conflict`]).
pub async fn share_key(
    config: &TeamConfig,
    credential: &Secret,
    shared: &keyward_core::team::SharedKey,
    secret: &Secret,
) -> Result<u64, TeamError> {
    let session = VaultClient::new(&config.address)?
        .login(config, credential)
        .await?;
    let data = serde_json::json!({
        "format": keyward_core::team::DOCUMENT_FORMAT,
        "metadata": serde_json::to_string(shared).unwrap_or_default(),
        "secret": secret.expose(),
    });
    let path = config.shared_path(&shared.key.name);
    match session.write(&path, &data, Some(0)).await {
        Err(TeamError::Conflict) => match session.metadata(&path).await {
            Ok(Some(meta)) if meta.deleted => {
                session
                    .write(&path, &data, Some(meta.current_version))
                    .await
            }
            _ => Err(TeamError::Conflict),
        },
        other => other,
    }
}

/// The names of the shared keys this login may list (deleted ones left out).
pub async fn list_shared(
    config: &TeamConfig,
    credential: &Secret,
) -> Result<Vec<String>, TeamError> {
    Ok(shared::list(config, credential)
        .await?
        .into_iter()
        .map(|entry| entry.name)
        .collect())
}

/// Reads the shared key `name`: its metadata, its secret and the version read.
pub async fn read_shared(
    config: &TeamConfig,
    credential: &Secret,
    name: &str,
) -> Result<(keyward_core::team::SharedKey, Secret, u64), TeamError> {
    let session = VaultClient::new(&config.address)?
        .login(config, credential)
        .await?;
    let path = config.shared_path(name);
    let document = session.read(&path, 1024 * 1024).await?.ok_or_else(|| {
        TeamError::Local(format!(
            "The team vault has no shared key called \"{}\".",
            keyward_core::team_report::inert(name, 100)
        ))
    })?;
    let shared = document.data["metadata"]
        .as_str()
        .and_then(|m| serde_json::from_str::<keyward_core::team::SharedKey>(m).ok())
        .ok_or_else(|| {
            TeamError::Local(
                "The shared key's document in the team vault is not one Keyward can read.".into(),
            )
        })?;
    let secret = document.data["secret"]
        .as_str()
        .map(|s| Secret::new(s.to_owned()))
        .ok_or_else(|| {
            TeamError::Local("The shared key's document in the team vault has no secret.".into())
        })?;
    Ok((shared, secret, document.version.unwrap_or(0)))
}

/// How many documents the lead reads at once.
pub const READ_AT_ONCE: usize = 16;

/// Every desktop's inventory document under the prefix, for the lead.
/// A document that cannot be read (too large, refused) is one
/// [`DocumentRead`] with a problem; only a failure to log in or to list the
/// folder fails the whole read.
pub async fn read_team(
    config: &TeamConfig,
    credential: &Secret,
) -> Result<Vec<DocumentRead>, TeamError> {
    let (sender, mut receiver) = tokio::sync::mpsc::channel(READ_AT_ONCE);
    let (read, mut reads) = tokio::join!(read_team_into(config, credential, sender), async {
        let mut reads = Vec::new();
        while let Some(read) = receiver.recv().await {
            reads.push(read);
        }
        reads
    });
    read?;
    reads.sort_by_key(|(place, _)| *place);
    Ok(reads.into_iter().map(|(_, read)| read).collect())
}

/// As [`read_team`], but each document goes to `sender` as soon as it is
/// read, with its place in the vault's list, so that whoever receives it
/// can take what it needs and drop it: no more than [`READ_AT_ONCE`]
/// documents are being read, and as many waiting, at any time. Returns
/// when every document was sent (or the receiver is gone).
pub async fn read_team_into(
    config: &TeamConfig,
    credential: &Secret,
    sender: tokio::sync::mpsc::Sender<(usize, DocumentRead)>,
) -> Result<(), TeamError> {
    let session = VaultClient::new(&config.address)?
        .login(config, credential)
        .await?;
    let folder = config.inventory_folder();
    let names: Vec<String> = session
        .list(&folder)
        .await?
        .into_iter()
        .filter(|n| !n.ends_with('/'))
        .collect();
    let semaphore = std::sync::Arc::new(tokio::sync::Semaphore::new(READ_AT_ONCE));
    let mut tasks = Vec::with_capacity(names.len());
    for (place, name) in names.into_iter().enumerate() {
        let session = session.clone();
        let path = format!("{folder}/{name}");
        let semaphore = semaphore.clone();
        let sender = sender.clone();
        tasks.push(tokio::spawn(async move {
            // Held until the document is handed on, so reads wait for the receiver.
            let _permit = semaphore.acquire().await;
            let read = session.read(&path, DOCUMENT_MAX_BYTES).await;
            if let Some(read) = document_read(name, read) {
                let _ = sender.send((place, read)).await;
            }
        }));
    }
    drop(sender);
    for task in tasks {
        task.await.map_err(|e| TeamError::Internal {
            detail: e.to_string(),
        })?;
    }
    Ok(())
}

/// What the lead is shown of one read: nothing for a document gone meanwhile.
fn document_read(
    desktop: String,
    read: Result<Option<KvDocument>, TeamError>,
) -> Option<DocumentRead> {
    Some(match read {
        Ok(Some(document)) => DocumentRead {
            desktop,
            data: Ok(document.data),
            stored_at: document.created_time,
        },
        Ok(None) => return None,
        Err(TeamError::TooLarge { .. }) => DocumentRead {
            desktop,
            data: Err(format!(
                "its document is larger than {} MB, so it was not read",
                DOCUMENT_MAX_BYTES / (1024 * 1024)
            )),
            stored_at: None,
        },
        Err(error) => DocumentRead {
            desktop,
            data: Err(error.to_string()),
            stored_at: None,
        },
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use tokio::io::{AsyncReadExt as _, AsyncWriteExt as _};

    /// A stand-in for the vault on a loopback port: accepts any token and
    /// every write (as version 7), and hands back the bodies written.
    async fn fake_vault() -> (
        String,
        tokio::sync::mpsc::UnboundedReceiver<serde_json::Value>,
    ) {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let address = format!("http://{}", listener.local_addr().unwrap());
        let (tx, rx) = tokio::sync::mpsc::unbounded_channel();
        tokio::spawn(async move {
            while let Ok((mut socket, _)) = listener.accept().await {
                let mut request = Vec::new();
                let mut buf = [0u8; 4096];
                let body = loop {
                    let n = socket.read(&mut buf).await.unwrap_or(0);
                    if n == 0 {
                        break None;
                    }
                    request.extend_from_slice(&buf[..n]);
                    let text = String::from_utf8_lossy(&request).into_owned();
                    let Some(end) = text.find("\r\n\r\n") else {
                        continue;
                    };
                    let length = text[..end]
                        .lines()
                        .find_map(|l| {
                            let (name, value) = l.split_once(':')?;
                            name.eq_ignore_ascii_case("content-length")
                                .then(|| value.trim().parse::<usize>().ok())?
                        })
                        .unwrap_or(0);
                    if request.len() >= end + 4 + length {
                        break Some(request[end + 4..end + 4 + length].to_vec());
                    }
                };
                let Some(body) = body else { continue };
                if !body.is_empty() {
                    let _ = tx.send(serde_json::from_slice(&body).unwrap_or_default());
                }
                let answer = r#"{"data":{"version":7}}"#;
                let reply = format!(
                    "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{answer}",
                    answer.len()
                );
                let _ = socket.write_all(reply.as_bytes()).await;
                let _ = socket.shutdown().await;
            }
        });
        (address, rx)
    }

    #[tokio::test]
    async fn a_publish_says_and_records_the_time_it_was_given_not_the_clock() {
        let (address, mut written) = fake_vault().await;
        let config = TeamConfig::new(
            &address,
            "secret",
            None,
            keyward_core::team::Login::Token,
            Some("ann@pc1"),
        )
        .unwrap();
        let data = std::env::temp_dir().join(format!("keyward-publish-{}", std::process::id()));
        std::fs::create_dir_all(&data).unwrap();
        let now: DateTime<Utc> = "2021-03-04T05:06:07Z".parse().unwrap();
        let document = InventoryDocument::new("ann@pc1", &[], now);
        let published = publish_if_due(
            &config,
            &Secret::new("token".into()),
            &document,
            &data,
            false,
            now,
        )
        .await
        .expect("the stand-in vault takes it");
        assert_eq!(
            published,
            Published::Shared {
                version: 7,
                keys: 0
            }
        );
        let body = written.recv().await.expect("one document written");
        let sent = InventoryDocument::from_kv_data(body["data"].clone()).unwrap();
        assert_eq!(
            sent.published_at, "2021-03-04T05:06:07Z",
            "the document says the time passed in"
        );
        let state = PublishState::load(&data);
        assert_eq!(
            state.last_shared_at,
            Some(now),
            "team-state.json records the same time, not a second reading of the clock"
        );
        assert_eq!(state.last_attempt_at, Some(now));
        assert_eq!(
            publish_if_due(
                &config,
                &Secret::new("token".into()),
                &document,
                &data,
                false,
                now
            )
            .await
            .unwrap(),
            Published::Unchanged,
            "at the same time, nothing more is due"
        );
        let _ = std::fs::remove_dir_all(&data);
    }
}
