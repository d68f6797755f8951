//! Commands for the keys: list, name help, generate, add, edit, reveal, delete.

use chrono::Utc;
use keyward_core::Error;
use keyward_core::naming::{KeyName, Label};
use keyward_core::record::KeyView;
use keyward_core::vault::{KeyRef, VendorAnswer};
use serde::{Deserialize, Serialize};
use tauri::State;

use super::{AppState, Args, CommandResult, KeyRequest, NoArgs, blocking};
use crate::input::{KeyInput, suggested_name};

/// Every key, as seen now. Never touches the keychain.
#[tauri::command]
pub async fn list_keys(state: State<'_, AppState>, _: Args<NoArgs>) -> CommandResult<Vec<KeyView>> {
    let vault = state.vault.clone();
    let keys = blocking(move || vault.list(Utc::now(), &chrono::Local)).await;
    crate::memory::give_back_soon();
    keys
}

/// A request for a key's conventional name.
#[derive(Debug, Deserialize, ts_rs::TS)]
pub struct SuggestNameRequest {
    /// The service, as typed.
    service: String,
}

/// The conventional name for a key made now for `service` (as typed).
#[tauri::command]
pub fn suggest_name(
    Args(SuggestNameRequest { service }): Args<SuggestNameRequest>,
) -> CommandResult<String> {
    Ok(suggested_name(&service, Utc::now())?.to_string())
}

/// Whether a name is acceptable and free.
#[derive(Debug, Serialize, ts_rs::TS)]
pub struct NameCheck {
    ok: bool,
    message: Option<String>,
}

/// A name to check.
#[derive(Debug, Deserialize, ts_rs::TS)]
pub struct CheckNameRequest {
    /// The name, as typed.
    name: String,
}

/// Checks a name as the person types it.
#[tauri::command]
pub async fn check_name(
    state: State<'_, AppState>,
    Args(CheckNameRequest { name }): Args<CheckNameRequest>,
) -> CommandResult<NameCheck> {
    let vault = state.vault.clone();
    blocking(move || -> keyward_core::Result<_> {
        let name = match KeyName::parse(&name) {
            Ok(name) => name,
            Err(e) => {
                return Ok(NameCheck {
                    ok: false,
                    message: Some(e.to_string()),
                });
            }
        };
        Ok(if vault.name_available(&name)? {
            NameCheck {
                ok: true,
                message: None,
            }
        } else {
            NameCheck {
                ok: false,
                message: Some("A key with this name already exists.".into()),
            }
        })
    })
    .await
}

/// A request to generate a key.
#[derive(Debug, Deserialize, ts_rs::TS)]
pub struct GenerateRequest {
    service: String,
    application: Option<String>,
    name: Option<String>,
    notes: Option<String>,
    /// Who looks after the key: a person's name or email (optional; older windows leave it out).
    #[serde(default)]
    #[ts(optional = nullable)]
    owner: Option<String>,
}

/// A new key and its secret, shown once.
#[derive(Serialize, ts_rs::TS)]
pub struct GeneratedKey {
    key: KeyView,
    secret: String,
}

impl GeneratedKey {
    /// The key and its secret for the window: the one time it is sent unasked.
    pub fn new(key: KeyView, secret: &keyward_core::Secret) -> Self {
        Self {
            key,
            secret: secret.expose().to_owned(),
        }
    }
}

/// Generates a key, stores its secret in the keychain and returns it once.
#[tauri::command]
pub async fn generate_key(
    state: State<'_, AppState>,
    Args(request): Args<GenerateRequest>,
) -> CommandResult<GeneratedKey> {
    let vault = state.vault.clone();
    blocking(move || -> keyward_core::Result<_> {
        let now = Utc::now();
        let key = KeyInput {
            service: &request.service,
            application: request.application.as_deref(),
            name: request.name.as_deref(),
            notes: request.notes.as_deref(),
            created: None,
            vendor: None,
            owner: request.owner.as_deref(),
        }
        .into_new_key(true, now)?;
        let (record, secret) = vault.generate(key)?;
        Ok(GeneratedKey::new(
            record.view(&vault.policy(), now, &chrono::Local),
            &secret,
        ))
    })
    .await
    .inspect(|_| state.keys_changed())
}

/// A request to record an existing key. The secret is wiped after use.
#[derive(Deserialize, ts_rs::TS)]
pub struct AddRequest {
    service: String,
    application: Option<String>,
    name: Option<String>,
    credential_id: String,
    #[ts(type = "string")]
    secret: keyward_core::Secret,
    created: Option<String>,
    notes: Option<String>,
    /// The vendor that issued the key (its profile name; a new name makes a bare profile).
    #[serde(default)]
    #[ts(optional = nullable)]
    vendor: Option<String>,
    /// Who looks after the key: a person's name or email.
    #[serde(default)]
    #[ts(optional = nullable)]
    owner: Option<String>,
}

/// Records a key made elsewhere.
#[tauri::command]
pub async fn add_key(
    state: State<'_, AppState>,
    Args(request): Args<AddRequest>,
) -> CommandResult<KeyView> {
    let vault = state.vault.clone();
    blocking(move || {
        let now = Utc::now();
        let credential_id = Label::credential_id(&request.credential_id)?;
        let key = KeyInput {
            service: &request.service,
            application: request.application.as_deref(),
            name: request.name.as_deref(),
            notes: request.notes.as_deref(),
            created: request.created.as_deref(),
            vendor: request.vendor.as_deref(),
            owner: request.owner.as_deref(),
        }
        .into_new_key(true, now)?;
        let secret = keyward_core::Secret::new(request.secret.expose().trim().to_owned());
        let record = vault.add(key, &credential_id, secret)?;
        vault.view(&record, now, &chrono::Local)
    })
    .await
    .inspect(|_| state.keys_changed())
}

/// The secret of a key, because the person asked to see it.
#[tauri::command]
pub async fn reveal_secret(
    state: State<'_, AppState>,
    Args(KeyRequest { id }): Args<KeyRequest>,
) -> CommandResult<String> {
    let vault = state.vault.clone();
    blocking(move || -> keyward_core::Result<_> {
        let (_, secret) = vault.reveal(KeyRef::Id(&id), Utc::now())?;
        Ok(secret.expose().to_owned())
    })
    .await
}

/// A request to change a key's application, notes, owner and vendor (all
/// of them: `null` or blank clears one). Secrets and credential IDs are never edited.
#[derive(Debug, Deserialize, ts_rs::TS)]
pub struct EditRequest {
    id: String,
    application: Option<String>,
    notes: String,
    owner: Option<String>,
    vendor: Option<String>,
}

/// Changes a key's application, notes, owner and vendor; audited old → new.
#[tauri::command]
pub async fn edit_key(
    state: State<'_, AppState>,
    Args(request): Args<EditRequest>,
) -> CommandResult<KeyView> {
    let vault = state.vault.clone();
    blocking(move || {
        let changes = keyward_core::vault::KeyChanges::parse(
            Some(request.application.as_deref().unwrap_or("")),
            Some(&request.notes),
            Some(request.owner.as_deref().unwrap_or("")),
            Some(request.vendor.as_deref().unwrap_or("")),
        )?;
        let record = vault.edit(KeyRef::Id(&request.id), changes)?;
        vault.view(&record, Utc::now(), &chrono::Local)
    })
    .await
    .inspect(|_| state.keys_changed())
}

/// A request to delete a key.
#[derive(Debug, Deserialize, ts_rs::TS)]
pub struct DeleteRequest {
    /// The key's id.
    id: String,
    /// The name the person typed to confirm.
    confirm_name: String,
    /// For a vendor's key, what the person answered: `true` "I deleted it
    /// at the vendor", `false` "Not yet"; `null` for keys Keyward issued.
    #[serde(default)]
    revoked_at_vendor: Option<bool>,
}

/// Deletes Keyward's copy of a key, once the person has typed its name.
/// For a vendor's key, `revoked_at_vendor` is what the person answered ("I
/// deleted it at the vendor" or "Not yet"), recorded in the audit log.
#[tauri::command]
pub async fn delete_key(
    state: State<'_, AppState>,
    Args(DeleteRequest {
        id,
        confirm_name,
        revoked_at_vendor,
    }): Args<DeleteRequest>,
) -> CommandResult<()> {
    let vault = state.vault.clone();
    blocking(move || {
        let record = vault.find(KeyRef::Id(&id))?;
        if confirm_name.trim() != record.name.as_str() {
            return Err(Error::Invalid(
                "The name you typed does not match the key's name, so nothing was deleted.".into(),
            ));
        }
        vault.delete_answered(
            KeyRef::Id(&record.id),
            VendorAnswer::from_choice(revoked_at_vendor),
        )?;
        Ok(())
    })
    .await
    .inspect(|()| state.keys_changed())
}
