//! The window's encrypted files: Settings → Backup (save, restore with
//! progress and cancel), "Share…" on a key, and "Add from a shared file".
//!
//! Promises: a passphrase crosses to the window only when Keyward proposed
//! it, to be shown once; the person's passphrase comes from the window only
//! to open a file. One restore runs at a time, on a thread of its own;
//! cancelling stops it before the next key (keys put back so far stay whole).

use std::path::PathBuf;
use std::sync::atomic::AtomicBool;

use chrono::{DateTime, Utc};
use keyward_core::Secret;
use keyward_core::backup::{self, Kind, Lock, SettingsRestore, ShareRequest, Unlock};
use keyward_core::naming::KeyName;
use keyward_core::record::KeyView;
use keyward_core::vault::{KeyRef, RestoreReport};
use serde::{Deserialize, Serialize};
use tauri::{AppHandle, Runtime, State};

use super::job::{Job, JobState, Status};
use super::pick::{Picker, pick};
use super::{AppState, Args, CommandResult, IpcError, NoArgs, blocking};

/// Which file picker to show: `{ save, purpose }`.
#[derive(Debug, Deserialize, ts_rs::TS)]
pub struct ChooseFileRequest {
    /// A file to write (else one to open).
    pub save: bool,
    /// `backup` or `share`: sets the title and the suggested name.
    #[ts(type = "'backup' | 'share'")]
    pub purpose: String,
}

/// A backup to write: `{ path }`.
#[derive(Debug, Deserialize, ts_rs::TS)]
pub struct SaveBackupRequest {
    /// The file to write.
    pub path: String,
}

/// A file to open with its passphrase: `{ path, passphrase, name }`.
#[derive(Debug, Deserialize, ts_rs::TS)]
pub struct OpenFileRequest {
    /// The file.
    pub path: String,
    /// Its passphrase.
    #[ts(type = "string")]
    pub passphrase: Secret,
    /// For a shared key: a name for it here (blank: the sender's).
    #[serde(default)]
    pub name: Option<String>,
}

/// A key to share: `{ id, path, recipient, expires_days }`.
#[derive(Debug, Deserialize, ts_rs::TS)]
pub struct ShareKeyRequest {
    /// The key's id.
    pub id: String,
    /// The file to write.
    pub path: String,
    /// Who it is for (free text).
    pub recipient: String,
    /// Days until it expires.
    pub expires_days: u32,
}

/// A file written, and the passphrase Keyward proposed for it (shown once).
#[derive(Debug, Serialize, ts_rs::TS)]
pub struct Sealed {
    /// The file written.
    pub path: String,
    /// The passphrase that opens it.
    pub passphrase: String,
    /// Keys in it.
    #[ts(type = "number")]
    pub keys: usize,
    /// For a share: when it expires (RFC 3339, UTC).
    #[serde(with = "keyward_core::rfc3339::option")]
    #[ts(type = "string | null")]
    pub expires_at: Option<DateTime<Utc>>,
}

/// What the window's restore shows besides its state (`idle`,
/// `restoring`, `done` or `failed`).
#[derive(Debug, Clone, Default, Serialize, ts_rs::TS)]
pub struct RestoreDetail {
    /// Keys dealt with so far.
    #[ts(type = "number")]
    pub done: usize,
    /// Keys in the backup.
    #[ts(type = "number")]
    pub total: usize,
    /// What it did, once over.
    pub report: Option<RestoreReport>,
    /// What happened to the settings, once over.
    pub settings: Option<SettingsRestore>,
}

/// Where the window's restore is.
pub type RestoreStatus = Status<RestoreDetail>;

/// The window's one restore.
pub type Restores = Job<RestoreStatus>;

/// Asks for a file to write or open (the system's file picker).
#[tauri::command]
pub async fn choose_backup_file<R: Runtime>(
    app: AppHandle<R>,
    Args(request): Args<ChooseFileRequest>,
) -> CommandResult<Option<String>> {
    let share = request.purpose == "share";
    let picker = match (request.save, share) {
        (true, true) => Picker::save_file("Save the shared key as").file_name("shared-key.keyward"),
        (true, false) => {
            Picker::save_file("Save the backup as").file_name("keyward-backup.keyward")
        }
        (false, true) => Picker::open_file("Choose the shared file"),
        (false, false) => Picker::open_file("Choose the backup"),
    }
    .filter("Keyward files", &["keyward", "age"]);
    let path = pick(&app, picker).await?;
    Ok(path.map(|path| path.display().to_string()))
}

fn path_of(raw: &str) -> Result<PathBuf, IpcError> {
    let raw = raw.trim();
    if raw.is_empty() {
        return Err(IpcError::invalid("Choose the file first."));
    }
    Ok(PathBuf::from(raw))
}

/// Saves an encrypted backup of every key with a passphrase Keyward
/// proposes, returned once for showing.
#[tauri::command]
pub async fn save_backup(
    state: State<'_, AppState>,
    Args(request): Args<SaveBackupRequest>,
) -> CommandResult<Sealed> {
    let path = path_of(&request.path)?;
    let vault = state.vault.clone();
    let saved = state.settings.load().saved;
    blocking(move || -> keyward_core::Result<_> {
        let passphrase = backup::propose(backup::BACKUP_WORDS)?;
        let keys = backup::save_backup(
            &vault,
            saved.as_ref(),
            &Lock::Passphrase(&passphrase),
            &path,
            Utc::now(),
            |_, _| {},
            &AtomicBool::new(false),
        )?;
        Ok(Sealed {
            path: path.display().to_string(),
            passphrase: passphrase.expose().to_owned(),
            keys,
            expires_at: None,
        })
    })
    .await
}

/// Opens a backup and puts it back on a thread of its own; follow it with
/// `restore_status`, stop it with `cancel_restore`.
#[tauri::command]
pub async fn start_restore(
    state: State<'_, AppState>,
    restores: State<'_, Restores>,
    Args(request): Args<OpenFileRequest>,
) -> CommandResult<RestoreStatus> {
    let path = path_of(&request.path)?;
    let busy = || IpcError::invalid("A restore is already running.");
    if restores.running() {
        return Err(busy());
    }
    // Opened first, so a wrong passphrase or a bad file is said at once.
    let passphrase = request.passphrase;
    let opened_path = path.clone();
    let opened = blocking(move || -> keyward_core::Result<_> {
        Ok(
            backup::open(&opened_path, &Unlock::Passphrase(&passphrase))?
                .expect(&opened_path, Kind::Backup)?,
        )
    })
    .await?;
    let first = Status::started(
        JobState::Restoring,
        RestoreDetail {
            total: opened.keys.len(),
            ..RestoreDetail::default()
        },
    );
    let vault = state.vault.clone();
    let settings = state.settings.clone();
    let replan = state.replan.clone();
    restores.start("restore", first, busy, move |progress| {
        let file = path.display().to_string();
        let result = backup::put_back(
            &vault,
            &settings,
            opened,
            &file,
            |done, total| progress.update(|s| (s.detail.done, s.detail.total) = (done, total)),
            progress.cancel_flag(),
        );
        replan.notify_one();
        progress.update(|s| {
            s.end(result, |detail, (report, settings)| {
                detail.report = Some(report);
                detail.settings = Some(settings);
                JobState::Done
            });
        });
    })
}

/// Where the restore is.
#[tauri::command]
pub async fn restore_status(
    restores: State<'_, Restores>,
    _: Args<NoArgs>,
) -> CommandResult<RestoreStatus> {
    Ok(restores.status())
}

/// Stops the restore before its next key.
#[tauri::command]
pub async fn cancel_restore(restores: State<'_, Restores>, _: Args<NoArgs>) -> CommandResult<()> {
    restores.cancel();
    Ok(())
}

/// Writes one key to an encrypted file for a colleague, with a fresh
/// passphrase returned once for showing.
#[tauri::command]
pub async fn share_key(
    state: State<'_, AppState>,
    Args(request): Args<ShareKeyRequest>,
) -> CommandResult<Sealed> {
    let path = path_of(&request.path)?;
    let vault = state.vault.clone();
    blocking(move || -> keyward_core::Result<_> {
        let passphrase = backup::propose(backup::SHARE_WORDS)?;
        let (_, info) = backup::share(
            &vault,
            &ShareRequest {
                key: KeyRef::Id(&request.id),
                recipient: Some(&request.recipient),
                expires_days: request.expires_days,
            },
            &Lock::Passphrase(&passphrase),
            &path,
            Utc::now(),
        )?;
        Ok(Sealed {
            path: path.display().to_string(),
            passphrase: passphrase.expose().to_owned(),
            keys: 1,
            expires_at: Some(info.expires_at),
        })
    })
    .await
}

/// Adds the key in a colleague's shared file.
#[tauri::command]
pub async fn receive_key(
    state: State<'_, AppState>,
    Args(request): Args<OpenFileRequest>,
) -> CommandResult<KeyView> {
    let path = path_of(&request.path)?;
    let vault = state.vault.clone();
    let replan = state.replan.clone();
    let view = blocking(move || -> keyward_core::Result<_> {
        let name = request
            .name
            .as_deref()
            .map(str::trim)
            .filter(|n| !n.is_empty())
            .map(KeyName::parse)
            .transpose()?;
        let opened = backup::open(&path, &Unlock::Passphrase(&request.passphrase))?
            .expect(&path, Kind::Share)?;
        let now = Utc::now();
        let (record, _) = backup::receive(&vault, opened, &path.display().to_string(), name, now)?;
        vault.view(&record, now, &chrono::Local)
    })
    .await?;
    replan.notify_one();
    Ok(view)
}
