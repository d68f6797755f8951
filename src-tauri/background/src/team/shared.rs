//! Shared keys in the team vault (`<prefix>/shared/<name>`), after they
//! were shared: listing the ones this login may see, rotating one (a new
//! secret for everyone) and deleting one (gone for every colleague).
//!
//! Promises:
//! - Every write is check-and-set on the version this desktop read (or the
//!   one the person saw, when given): when someone else changed the key
//!   first, nothing is written and the error says so in plain words
//!   ([`TeamError::SharedChanged`]); the new secret is never lost silently,
//!   because the caller still holds it.
//! - Deleting is KV version 2's soft delete of the newest version: no
//!   colleague's Keyward reads or lists it any more, while the vault keeps
//!   every version for its administrators and auditors. Revoking the key
//!   at its vendor is not something the vault or Keyward can do.
//! - The listing never reads a secret: it asks the vault's metadata
//!   (version, deleted or not), not the data.

use chrono::{DateTime, Utc};
use keyward_core::Secret;
use keyward_core::team::{SharedKey, TeamConfig};
use keyward_core::team_report::inert;
use serde::Serialize;

use super::TeamError;
use super::client::VaultClient;

/// One shared key this login may see, as listed (never its secret).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ts_rs::TS)]
pub struct SharedEntry {
    /// Its name (the last part of its path in the vault).
    pub name: String,
    /// Its newest version, when the vault's policy lets this login read
    /// the metadata (rotating and deleting check against it).
    #[ts(type = "number | null")]
    pub version: Option<u64>,
    /// When that version was written (the vault's clock, RFC 3339).
    pub updated_at: Option<String>,
    /// Whether the vault's policy lets this login rotate it (read and
    /// update); `null` when the vault did not say.
    pub may_rotate: Option<bool>,
    /// Whether the vault's policy lets this login delete it; `null` when
    /// the vault did not say.
    pub may_delete: Option<bool>,
}

/// What the window and the command line say when the vault's policy does
/// not let this login list the shared keys (the example staff policy as it
/// is): the policy working, not a fault.
pub const NONE_SHOWN: &str = "The team vault shows you no shared keys: its policy does not let this login list them. If you need one, ask your security lead.";

/// What a rotation did.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ts_rs::TS)]
pub struct SharedRotated {
    /// The shared key.
    pub name: String,
    /// The version that was replaced.
    #[ts(type = "number")]
    pub from_version: u64,
    /// The new version, holding the new secret.
    #[ts(type = "number")]
    pub version: u64,
}

/// Why a name cannot be a shared key's: it must be one path segment a
/// person can read.
pub fn check_name(name: &str) -> Result<(), TeamError> {
    let plain = !name.is_empty()
        && name.len() <= 200
        && name != "."
        && name != ".."
        && !name.contains(['/', '\\'])
        && inert(name, 200) == name;
    if plain {
        Ok(())
    } else {
        Err(TeamError::Local(format!(
            "\"{}\" is not the name of a shared key: names have no slashes or hidden characters.",
            inert(name, 100)
        )))
    }
}

/// What goes into the team vault beside the secret when `record` is
/// shared from `desktop`: its metadata as an inventory key, its credential
/// ID and who shared it. `None` when the key is not active (deleted or half
/// made), so it cannot be shared.
pub fn shared_key_of(
    record: &keyward_core::record::KeyRecord,
    settings: &keyward_core::settings::Effective,
    desktop: &str,
    now: DateTime<Utc>,
) -> Option<SharedKey> {
    let rows = keyward_core::report::rows(
        std::slice::from_ref(record),
        &settings.settings.policy(),
        settings.period_source(),
        now,
        &Utc,
    );
    let document = keyward_core::team::InventoryDocument::new(desktop, &rows, now);
    let key = document.keys.into_iter().next()?;
    Some(SharedKey {
        format: keyward_core::team::DOCUMENT_FORMAT,
        key,
        credential_id: record.credential_id.clone(),
        shared_by: desktop.to_owned(),
        shared_at: now.to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
    })
}

/// The error for a shared key that is not there (or was deleted).
pub fn not_there(name: &str) -> TeamError {
    TeamError::Local(format!(
        "The team vault has no shared key called \"{}\" (it may have been deleted).",
        inert(name, 100)
    ))
}

/// The shared keys this login may see, by name; deleted ones are left out.
/// When the vault's policy allows listing but not reading the metadata,
/// the names are listed without a version.
pub async fn list(config: &TeamConfig, credential: &Secret) -> Result<Vec<SharedEntry>, TeamError> {
    let session = VaultClient::new(&config.address)?
        .login(config, credential)
        .await?;
    let folder = config.shared_folder();
    let mut entries = Vec::new();
    for name in session.list(&folder).await? {
        if name.ends_with('/') || check_name(&name).is_err() {
            continue;
        }
        match session.metadata(&format!("{folder}/{name}")).await {
            Ok(Some(meta)) if !meta.deleted => entries.push(SharedEntry {
                name,
                version: Some(meta.current_version),
                updated_at: meta.updated_time,
                may_rotate: None,
                may_delete: None,
            }),
            Ok(_) => {}
            Err(TeamError::Permission { .. }) => entries.push(SharedEntry {
                name,
                version: None,
                updated_at: None,
                may_rotate: None,
                may_delete: None,
            }),
            Err(other) => return Err(other),
        }
    }
    entries.sort_by(|a, b| a.name.cmp(&b.name));
    // What the policy lets this login change, so the window offers Rotate
    // and Delete only where the vault would take them. A vault that does
    // not say leaves both unknown: the vault still decides each change.
    let paths: Vec<String> = entries
        .iter()
        .map(|e| format!("{}/data/{folder}/{}", config.mount, e.name))
        .collect();
    if !paths.is_empty()
        && let Ok(granted) = session.capabilities(&paths).await
    {
        for (entry, path) in entries.iter_mut().zip(&paths) {
            if let Some(granted) = granted.get(path) {
                entry.may_rotate = Some(allows(granted, "read") && allows(granted, "update"));
                entry.may_delete = Some(allows(granted, "delete"));
            }
        }
    }
    Ok(entries)
}

/// Whether capabilities `granted` (as `sys/capabilities-self` says them)
/// allow `capability`: `deny` wins, `root` allows everything.
fn allows(granted: &[String], capability: &str) -> bool {
    !granted.iter().any(|c| c == "deny") && granted.iter().any(|c| c == "root" || c == capability)
}

/// Rotates the shared key `name`: `secret` (and `credential_id`, when the
/// vendor gave a new one) becomes its newest version, for everyone. With
/// `expected`, only if the key is still at that version; in any case only
/// on top of the version read here (check-and-set). Its dates start again
/// from now; this desktop's name is recorded beside them.
pub async fn rotate(
    config: &TeamConfig,
    credential: &Secret,
    name: &str,
    secret: &Secret,
    credential_id: Option<&str>,
    expected: Option<u64>,
) -> Result<SharedRotated, TeamError> {
    let (by, now) = (config.desktop.as_str(), Utc::now());
    check_name(name)?;
    if secret.expose().trim().is_empty() {
        return Err(TeamError::Local(
            "The new secret is empty, so nothing was changed.".into(),
        ));
    }
    let session = VaultClient::new(&config.address)?
        .login(config, credential)
        .await?;
    let path = config.shared_path(name);
    let document = session
        .read(&path, 1024 * 1024)
        .await?
        .ok_or_else(|| not_there(name))?;
    let current = document.version.unwrap_or(0);
    let changed = |had: u64| TeamError::SharedChanged {
        name: inert(name, 100),
        had,
    };
    if let Some(had) = expected.filter(|had| *had != current) {
        return Err(changed(had));
    }
    let mut shared = document.data["metadata"]
        .as_str()
        .and_then(|m| serde_json::from_str::<SharedKey>(m).ok())
        .ok_or_else(|| {
            TeamError::Local(
                "The shared key's document in the team vault is not one Keyward can read.".into(),
            )
        })?;
    restart_dates(&mut shared, now);
    if let Some(id) = credential_id.map(str::trim).filter(|id| !id.is_empty()) {
        id.clone_into(&mut shared.credential_id);
    }
    let stamp = now.to_rfc3339_opts(chrono::SecondsFormat::Secs, true);
    let data = serde_json::json!({
        "format": keyward_core::team::DOCUMENT_FORMAT,
        "metadata": serde_json::to_string(&shared).unwrap_or_default(),
        "secret": secret.expose(),
        "rotated_by": by,
        "rotated_at": stamp,
    });
    let version = match session.write(&path, &data, Some(current)).await {
        Err(TeamError::Conflict) => return Err(changed(expected.unwrap_or(current))),
        other => other?,
    };
    Ok(SharedRotated {
        name: name.to_owned(),
        from_version: current,
        version,
    })
}

/// A rotated key is new: made `now`, due as long after as it was before,
/// no longer leaked or replaced.
fn restart_dates(shared: &mut SharedKey, now: DateTime<Utc>) {
    let key = &mut shared.key;
    let created = key.created_at.parse::<DateTime<Utc>>().ok();
    let rotate_by = key.rotate_by.parse::<DateTime<Utc>>().ok();
    if let (Some(created), Some(rotate_by)) = (created, rotate_by) {
        let period = (rotate_by - created).max(chrono::Duration::zero());
        key.rotate_by = (now + period).to_rfc3339_opts(chrono::SecondsFormat::Secs, true);
    }
    key.created_at = now.to_rfc3339_opts(chrono::SecondsFormat::Secs, true);
    "ok".clone_into(&mut key.status);
    key.leaked = false;
    key.leaked_at = None;
    key.replaced = false;
}

/// Deletes the shared key `name` for everyone (with `expected`, only if it
/// is still at that version). The version that was deleted (0 when the
/// vault's policy does not let this login read the metadata).
pub async fn delete(
    config: &TeamConfig,
    credential: &Secret,
    name: &str,
    expected: Option<u64>,
) -> Result<u64, TeamError> {
    check_name(name)?;
    let session = VaultClient::new(&config.address)?
        .login(config, credential)
        .await?;
    let path = config.shared_path(name);
    let current = match session.metadata(&path).await {
        Ok(Some(meta)) if !meta.deleted => meta.current_version,
        Ok(_) => return Err(not_there(name)),
        Err(TeamError::Permission { .. }) => 0,
        Err(other) => return Err(other),
    };
    if let Some(had) = expected.filter(|had| current != 0 && *had != current) {
        return Err(TeamError::SharedChanged {
            name: inert(name, 100),
            had,
        });
    }
    session.delete(&path).await?;
    Ok(current)
}

#[cfg(test)]
mod tests {
    use super::allows;

    #[test]
    fn deny_wins_and_root_allows_everything() {
        let caps = |c: &[&str]| c.iter().map(|s| (*s).to_owned()).collect::<Vec<_>>();
        assert!(allows(&caps(&["read", "update"]), "update"));
        assert!(!allows(&caps(&["read"]), "update"));
        assert!(allows(&caps(&["root"]), "delete"));
        assert!(!allows(&caps(&["root", "deny"]), "read"));
        assert!(!allows(&caps(&[]), "read"));
    }
}
