//! A small typed client for the part of the OpenBao / HashiCorp Vault HTTP
//! API Keyward uses: logging in (token, userpass, AppRole) and KV version 2
//! (read, write with check-and-set, list). Over the project's reqwest
//! (rustls, the platform's certificates), time-bounded, never following a
//! redirect, and `http://` only to this computer.
//!
//! Promises: the token is sent only in the `X-Vault-Token` header and is
//! never in an error; every failure is a [`TeamError`] whose `Display` says
//! in plain words whether the address, the certificate, the login or the
//! vault's policy is at fault; a response body is read only up to the
//! limit the caller gives, so a huge document cannot exhaust memory.

use std::time::Duration;

use chrono::{DateTime, Utc};
use keyward_core::Secret;
use keyward_core::team::{Login, TeamConfig, VaultAddress};
use serde_json::{Value, json};

use super::TeamError;

/// Time to open a connection.
pub const CONNECT_TIMEOUT: Duration = Duration::from_secs(5);
/// Time for one whole request.
pub const REQUEST_TIMEOUT: Duration = Duration::from_secs(20);

/// What a request was doing, for messages ("read", "write", "list").
#[derive(Debug, Clone, Copy)]
enum Action {
    Read,
    Write,
    List,
    Delete,
}

impl Action {
    fn verb(self) -> &'static str {
        match self {
            Self::Read => "read",
            Self::Write => "write",
            Self::List => "list",
            Self::Delete => "delete",
        }
    }
}

/// A connection to one vault, not yet logged in.
#[derive(Clone)]
pub struct VaultClient {
    http: reqwest::Client,
    address: VaultAddress,
}

/// A logged-in connection: every call carries this token.
#[derive(Clone)]
pub struct Session {
    client: VaultClient,
    token: std::sync::Arc<Secret>,
    mount: String,
}

/// One KV version 2 document as read.
#[derive(Debug, Clone)]
pub struct KvDocument {
    /// The document's data.
    pub data: Value,
    /// When the vault stored this version (the vault's clock).
    pub created_time: Option<DateTime<Utc>>,
    /// Its version number.
    pub version: Option<u64>,
}

/// What the vault keeps about a document's versions (no data).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KvMetadata {
    /// The newest version.
    pub current_version: u64,
    /// Whether the newest version was deleted (or destroyed).
    pub deleted: bool,
    /// When the newest version was written (the vault's clock, RFC 3339).
    pub updated_time: Option<String>,
}

impl VaultClient {
    /// A client for `address`.
    pub fn new(address: &VaultAddress) -> Result<Self, TeamError> {
        let loopback = address.as_str().starts_with("http://");
        let mut builder = reqwest::Client::builder()
            .connect_timeout(CONNECT_TIMEOUT)
            .timeout(REQUEST_TIMEOUT)
            .redirect(reqwest::redirect::Policy::none())
            .https_only(!loopback)
            .user_agent(concat!("Keyward/", env!("CARGO_PKG_VERSION")));
        if loopback {
            builder = builder.no_proxy();
        }
        let http = builder.build().map_err(|e| TeamError::Internal {
            detail: e.to_string(),
        })?;
        Ok(Self {
            http,
            address: address.clone(),
        })
    }

    fn url(&self, path: &str) -> String {
        format!("{}/v1/{path}", self.address.as_str())
    }

    /// Logs in as `config` says with `credential` (a token, a password or a
    /// secret ID), and checks that the token works.
    pub async fn login(
        &self,
        config: &TeamConfig,
        credential: &Secret,
    ) -> Result<Session, TeamError> {
        let token = match &config.login {
            Login::Token => Secret::new(credential.expose().to_owned()),
            Login::Userpass { user } => {
                let body = json!({ "password": credential.expose() });
                self.auth_login(&format!("auth/userpass/login/{user}"), &body)
                    .await?
            }
            Login::Approle { role_id } => {
                let body = json!({ "role_id": role_id, "secret_id": credential.expose() });
                self.auth_login("auth/approle/login", &body).await?
            }
        };
        let session = Session {
            client: self.clone(),
            token: std::sync::Arc::new(token),
            mount: config.mount.clone(),
        };
        // The token must be valid (not wrong, not expired) before anything else.
        let response = session
            .send(self.http.get(self.url("auth/token/lookup-self")))
            .await?;
        match response.status().as_u16() {
            200..=299 => Ok(session),
            400 | 401 | 403 => Err(TeamError::Login),
            status => Err(server_error(status)),
        }
    }

    async fn auth_login(&self, path: &str, body: &Value) -> Result<Secret, TeamError> {
        let response = self
            .http
            .post(self.url(path))
            .json(body)
            .send()
            .await
            .map_err(|e| transport(&self.address, e))?;
        match response.status().as_u16() {
            200..=299 => {}
            // A wrong user, password or secret ID; or the method is not enabled.
            400 | 401 | 403 | 404 => return Err(TeamError::Login),
            status => return Err(server_error(status)),
        }
        let answer: Value = response
            .json()
            .await
            .map_err(|e| transport(&self.address, e))?;
        answer["auth"]["client_token"]
            .as_str()
            .map(|t| Secret::new(t.to_owned()))
            .ok_or(TeamError::Login)
    }
}

impl Session {
    async fn send(&self, request: reqwest::RequestBuilder) -> Result<reqwest::Response, TeamError> {
        request
            .header("X-Vault-Token", self.token.expose())
            .send()
            .await
            .map_err(|e| transport(&self.client.address, e))
    }

    fn refused(&self, status: u16, action: Action, path: &str) -> TeamError {
        match status {
            403 => TeamError::Permission {
                action: action.verb(),
                path: format!("{}/{path}", self.mount),
            },
            401 => TeamError::Login,
            404 => TeamError::NoEngine {
                mount: self.mount.clone(),
            },
            status => server_error(status),
        }
    }

    /// Writes `data` as a new version of the document at `path` (inside the
    /// mount). With `cas`, only if the current version is that one (0: only
    /// if there is none). Returns the new version.
    pub async fn write(
        &self,
        path: &str,
        data: &Value,
        cas: Option<u64>,
    ) -> Result<u64, TeamError> {
        let mut body = json!({ "data": data });
        if let Some(cas) = cas {
            body["options"] = json!({ "cas": cas });
        }
        let url = self.client.url(&format!("{}/data/{path}", self.mount));
        let response = self.send(self.client.http.post(url).json(&body)).await?;
        let status = response.status().as_u16();
        if status == 400 {
            let text = response.text().await.unwrap_or_default();
            if cas.is_some() && text.contains("check-and-set") {
                return Err(TeamError::Conflict);
            }
            let said: Value = serde_json::from_str(&text).unwrap_or(Value::Null);
            return Err(TeamError::Refused {
                detail: keyward_core::team_report::inert(
                    said["errors"][0].as_str().unwrap_or("no reason given"),
                    200,
                ),
            });
        }
        if !(200..=299).contains(&status) {
            return Err(self.refused(status, Action::Write, path));
        }
        let answer: Value = response
            .json()
            .await
            .map_err(|e| transport(&self.client.address, e))?;
        Ok(answer["data"]["version"].as_u64().unwrap_or(0))
    }

    /// Reads the newest version of the document at `path`; `None` when there
    /// is none (or it was deleted). A body longer than `max_bytes` is refused
    /// unread.
    pub async fn read(
        &self,
        path: &str,
        max_bytes: usize,
    ) -> Result<Option<KvDocument>, TeamError> {
        let url = self.client.url(&format!("{}/data/{path}", self.mount));
        let mut response = self.send(self.client.http.get(url)).await?;
        let status = response.status().as_u16();
        if status == 404 {
            // Either no such document or no such mount: a missing document
            // answers with an empty error list, a missing mount with words.
            let text = response.text().await.unwrap_or_default();
            if text.contains("no handler for route") {
                return Err(TeamError::NoEngine {
                    mount: self.mount.clone(),
                });
            }
            return Ok(None);
        }
        if !(200..=299).contains(&status) {
            return Err(self.refused(status, Action::Read, path));
        }
        if response
            .content_length()
            .is_some_and(|n| n > max_bytes as u64)
        {
            return Err(TeamError::TooLarge { max_bytes });
        }
        let mut bytes = Vec::new();
        while let Some(chunk) = response
            .chunk()
            .await
            .map_err(|e| transport(&self.client.address, e))?
        {
            if bytes.len() + chunk.len() > max_bytes {
                return Err(TeamError::TooLarge { max_bytes });
            }
            bytes.extend_from_slice(&chunk);
        }
        let mut answer: Value =
            serde_json::from_slice(&bytes).map_err(|_| TeamError::Internal {
                detail: "the vault's answer was not JSON".into(),
            })?;
        let metadata = answer["data"]["metadata"].take();
        let data = answer["data"]["data"].take();
        if data.is_null() {
            return Ok(None);
        }
        Ok(Some(KvDocument {
            data,
            created_time: metadata["created_time"]
                .as_str()
                .and_then(|t| t.parse().ok()),
            version: metadata["version"].as_u64(),
        }))
    }

    /// What the vault keeps about the document at `path`: its newest
    /// version and whether that was deleted; `None` when there is none.
    pub async fn metadata(&self, path: &str) -> Result<Option<KvMetadata>, TeamError> {
        let url = self.client.url(&format!("{}/metadata/{path}", self.mount));
        let response = self.send(self.client.http.get(url)).await?;
        let status = response.status().as_u16();
        if status == 404 {
            return Ok(None);
        }
        if !(200..=299).contains(&status) {
            return Err(self.refused(status, Action::Read, path));
        }
        let answer: Value = response
            .json()
            .await
            .map_err(|e| transport(&self.client.address, e))?;
        let data = &answer["data"];
        let current = data["current_version"].as_u64().unwrap_or(0);
        let newest = &data["versions"][current.to_string()];
        let deleted = newest["deletion_time"]
            .as_str()
            .is_some_and(|t| !t.is_empty())
            || newest["destroyed"].as_bool().unwrap_or(false);
        Ok(Some(KvMetadata {
            current_version: current,
            deleted,
            updated_time: newest["created_time"].as_str().map(str::to_owned),
        }))
    }

    /// Deletes the newest version of the document at `path` (KV version 2's
    /// soft delete: readers no longer get it, the vault keeps every version
    /// for its administrators and auditors).
    pub async fn delete(&self, path: &str) -> Result<(), TeamError> {
        let url = self.client.url(&format!("{}/data/{path}", self.mount));
        let response = self.send(self.client.http.delete(url)).await?;
        let status = response.status().as_u16();
        if !(200..=299).contains(&status) {
            return Err(self.refused(status, Action::Delete, path));
        }
        Ok(())
    }

    /// What this login may do at each of `paths` (full API paths, mount
    /// included: `secret/data/keyward/shared/NAME`), as the vault's policy
    /// says (`sys/capabilities-self`, which every login's default policy
    /// allows): per path, its capabilities (`read`, `update`, `delete`,
    /// `root`, `deny`, …).
    pub async fn capabilities(
        &self,
        paths: &[String],
    ) -> Result<std::collections::HashMap<String, Vec<String>>, TeamError> {
        let url = self.client.url("sys/capabilities-self");
        let body = json!({ "paths": paths });
        let response = self.send(self.client.http.post(url).json(&body)).await?;
        let status = response.status().as_u16();
        if !(200..=299).contains(&status) {
            return Err(self.refused(status, Action::Read, "sys/capabilities-self"));
        }
        let answer: Value = response
            .json()
            .await
            .map_err(|e| transport(&self.client.address, e))?;
        let data = if answer["data"].is_object() {
            &answer["data"]
        } else {
            &answer
        };
        Ok(paths
            .iter()
            .filter_map(|path| {
                let granted = data[path.as_str()].as_array()?;
                let granted = granted
                    .iter()
                    .filter_map(|c| c.as_str().map(str::to_owned))
                    .collect();
                Some((path.clone(), granted))
            })
            .collect())
    }

    /// The names under the folder `path` (sub-folders end with `/`); none
    /// when the folder is empty or missing.
    pub async fn list(&self, path: &str) -> Result<Vec<String>, TeamError> {
        let url = self
            .client
            .url(&format!("{}/metadata/{path}?list=true", self.mount));
        let response = self.send(self.client.http.get(url)).await?;
        let status = response.status().as_u16();
        if status == 404 {
            return Ok(Vec::new());
        }
        if !(200..=299).contains(&status) {
            return Err(self.refused(status, Action::List, path));
        }
        let answer: Value = response
            .json()
            .await
            .map_err(|e| transport(&self.client.address, e))?;
        Ok(answer["data"]["keys"]
            .as_array()
            .map(|keys| {
                keys.iter()
                    .filter_map(|k| k.as_str().map(str::to_owned))
                    .collect()
            })
            .unwrap_or_default())
    }
}

fn server_error(status: u16) -> TeamError {
    if status == 503 {
        TeamError::Sealed
    } else {
        TeamError::Server { status }
    }
}

/// A failure before any answer: time-out, certificate, or unreachable.
fn transport(address: &VaultAddress, error: reqwest::Error) -> TeamError {
    let mut chain = String::new();
    let mut source: Option<&dyn std::error::Error> = Some(&error);
    while let Some(e) = source {
        chain.push_str(&e.to_string().to_ascii_lowercase());
        chain.push(' ');
        source = e.source();
    }
    if chain.contains("certificate") || chain.contains("unknownissuer") || chain.contains("tls") {
        TeamError::Certificate {
            address: address.as_str().to_owned(),
        }
    } else if error.is_timeout() {
        TeamError::TimedOut {
            address: address.as_str().to_owned(),
        }
    } else {
        TeamError::Unreachable {
            address: address.as_str().to_owned(),
        }
    }
}
