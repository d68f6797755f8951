//! The window's commands: thin async functions over the core. Each runs
//! the core's (blocking, keychain-touching) work off the async threads and
//! turns errors into [`IpcError`] `{code, message}`, which the UI maps to a
//! sentence. Each command takes one request struct (see [`Args`]); the
//! commands are listed once, in [`registry`].

pub mod audit_stream;
pub mod backup;
pub mod clipboard;
pub mod import;
pub mod job;
pub mod keys;
pub mod lead;
pub mod pick;
pub mod registry;
pub mod rotation;
pub mod scan;
pub mod settings;
pub mod status;
pub mod team;
pub mod team_shared;
pub mod vendors;

use std::sync::{Arc, Mutex};

use keyward_core::Code;
use keyward_core::keychain::SharedStore;
use keyward_core::vault::Vault;
use serde::{Deserialize, Serialize};

use registry::command_names;

use crate::clipboard::SecretClipboard;

/// Every command the window may call, by name (from [`registry`]).
pub const COMMANDS: &[&str] = registry::window_commands!(command_names);

/// A command's whole argument object, read as one request struct `T`: the
/// window calls `invoke(name, request)`, and `T`'s TypeScript type (made by
/// ts-rs) is what the UI's `Commands` table says that command takes.
pub struct Args<T>(pub T);

impl<'de, R: tauri::Runtime, T: serde::de::DeserializeOwned> tauri::ipc::CommandArg<'de, R>
    for Args<T>
{
    fn from_command(
        command: tauri::ipc::CommandItem<'de, R>,
    ) -> Result<Self, tauri::ipc::InvokeError> {
        let invalid = |e| tauri::Error::InvalidArgs(command.name, command.key, e).into();
        match command.message.payload() {
            tauri::ipc::InvokeBody::Json(value) => T::deserialize(value).map(Args).map_err(invalid),
            tauri::ipc::InvokeBody::Raw(bytes) => {
                serde_json::from_slice(bytes).map(Args).map_err(invalid)
            }
        }
    }
}

/// The request of a command that needs nothing: `{}`.
#[derive(Debug, Default, Deserialize, ts_rs::TS)]
pub struct NoArgs {}

/// The request of a command about one key: `{ id }`.
#[derive(Debug, Deserialize, ts_rs::TS)]
pub struct KeyRequest {
    /// The key's id.
    pub id: String,
}

/// What the commands share, handed out by `app.manage`.
pub struct AppState {
    /// The catalog and keychain (the OS keychain; an in-memory one in the
    /// tests that run without a desktop session).
    pub vault: Arc<Vault<SharedStore>>,
    /// The clipboard, which forgets secrets after a while.
    pub clipboard: Arc<SecretClipboard>,
    /// The person's settings and the organisation's policy.
    pub settings: keyward_core::settings::SettingsSource,
    /// Wakes the reminder task when keys or settings change.
    pub replan: Arc<tokio::sync::Notify>,
    /// What the window was asked to show (a clicked notification's key, or
    /// the tray's keys that need rotating), for the window to take.
    pub open_request: Arc<Mutex<Option<crate::tray::OpenRequest>>>,
    /// Opens a vendor's `https://` dashboard in the browser (tests put a recorder here).
    pub open_url: fn(&str) -> std::io::Result<()>,
}

impl AppState {
    /// The app's keychain, the one its keys are in: for the secrets Keyward
    /// keeps for its settings (the team channel's address, the team vault's
    /// credential), so commands never open a keychain of their own.
    pub fn keychain(&self) -> SharedStore {
        self.vault.store().clone()
    }

    /// The settings in force, read afresh (with what went wrong reading
    /// them); the keys' statuses follow their rotation period from now on.
    pub fn settings_in_force(&self) -> keyward_core::settings::Effective {
        let effective = self.settings.load();
        self.vault.set_policy(effective.settings.policy());
        effective
    }

    /// Tells the reminder task that keys or settings changed.
    pub fn keys_changed(&self) {
        self.replan.notify_one();
    }
}

/// An error as the window receives it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ts_rs::TS)]
pub struct IpcError {
    /// What went wrong, for the window to act on.
    pub code: Code,
    /// A sentence for people.
    pub message: String,
}

impl IpcError {
    /// An error with `code` and a sentence for people.
    pub fn new(code: Code, message: impl Into<String>) -> Self {
        Self {
            code,
            message: message.into(),
        }
    }

    /// Something typed that cannot be used; the sentence says what.
    pub fn invalid(message: impl Into<String>) -> Self {
        Self::new(Code::InvalidInput, message)
    }

    /// Something that went wrong inside Keyward, not caused by the person.
    pub fn internal(detail: impl std::fmt::Display) -> Self {
        Self::new(
            Code::Internal,
            format!(
                "Something went wrong inside Keyward ({detail}). Try again; if it keeps happening, restart Keyward."
            ),
        )
    }
}

impl From<keyward_core::Error> for IpcError {
    fn from(error: keyward_core::Error) -> Self {
        Self::new(error.code(), error.to_string())
    }
}

impl From<keyward_core::naming::NameError> for IpcError {
    fn from(error: keyward_core::naming::NameError) -> Self {
        keyward_core::Error::from(error).into()
    }
}

impl From<keyward_core::catalog::CatalogError> for IpcError {
    fn from(error: keyward_core::catalog::CatalogError) -> Self {
        keyward_core::Error::from(error).into()
    }
}

impl From<keyward_core::private_files::FileError> for IpcError {
    fn from(error: keyward_core::private_files::FileError) -> Self {
        keyward_core::Error::from(error).into()
    }
}

impl From<keyward_core::keychain::KeychainError> for IpcError {
    fn from(error: keyward_core::keychain::KeychainError) -> Self {
        keyward_core::Error::from(error).into()
    }
}

/// Out-of-range and not-allowed-by-the-organisation values are the
/// person's to fix; anything else is a file problem.
impl From<keyward_core::settings::SettingsError> for IpcError {
    fn from(error: keyward_core::settings::SettingsError) -> Self {
        use keyward_core::settings::SettingsError;
        let code = match error {
            SettingsError::OutOfRange(_) | SettingsError::NotAllowed(_) => Code::InvalidInput,
            _ => Code::Io,
        };
        Self::new(code, error.to_string())
    }
}

impl From<crate::webhook::WebhookError> for IpcError {
    fn from(error: crate::webhook::WebhookError) -> Self {
        use crate::webhook::WebhookError;
        match error {
            WebhookError::Keychain(e) => e.into(),
            WebhookError::InvalidUrl(e) => Self::invalid(e.to_string()),
            other => Self::internal(other),
        }
    }
}

impl From<crate::clipboard::ClipboardError> for IpcError {
    fn from(error: crate::clipboard::ClipboardError) -> Self {
        Self::new(Code::Clipboard, error.to_string())
    }
}

/// A blocking task that could not finish (it panicked or was cancelled).
impl From<tauri::Error> for IpcError {
    fn from(error: tauri::Error) -> Self {
        Self::internal(error)
    }
}

/// Result of a command.
pub type CommandResult<T> = Result<T, IpcError>;

/// Runs blocking work (the catalog, the keychain, files) on the blocking
/// thread pool, never on the async threads, and turns its error into an
/// [`IpcError`]. Every command that does such work goes through here.
pub async fn blocking<T, E, F>(work: F) -> CommandResult<T>
where
    F: FnOnce() -> Result<T, E> + Send + 'static,
    E: Into<IpcError>,
    T: Send + 'static,
    E: Send + 'static,
{
    tauri::async_runtime::spawn_blocking(work)
        .await?
        .map_err(Into::into)
}

/// The TypeScript bindings of the types that cross to the window, as
/// `(file name, contents)`. A test compares them with `ui/src/lib/bindings/`.
pub fn typescript_bindings() -> Vec<(String, String)> {
    use ts_rs::{Config, TS};
    fn one<T: TS + 'static + ?Sized>(cfg: &Config) -> (String, String) {
        let text = T::export_to_string(cfg).unwrap_or_else(|e| format!("// export failed: {e}\n"));
        (format!("{}.ts", T::ident(cfg)), text)
    }
    let cfg = Config::new().with_large_int("number");
    vec![
        one::<keyward_core::record::KeyView>(&cfg),
        one::<keyward_core::rotation::RotationStatus>(&cfg),
        one::<keyward_core::attention::Attention>(&cfg),
        one::<keys::NameCheck>(&cfg),
        one::<keys::GenerateRequest>(&cfg),
        one::<keys::GeneratedKey>(&cfg),
        one::<keys::AddRequest>(&cfg),
        one::<clipboard::Copied>(&cfg),
        one::<status::AppStatus>(&cfg),
        one::<IpcError>(&cfg),
        one::<Code>(&cfg),
        one::<status::KeychainState>(&cfg),
        one::<keyward_core::audit::AuditEntry>(&cfg),
        one::<keyward_core::audit::AuditAction>(&cfg),
        one::<lead::ReportFormat>(&cfg),
        one::<lead::WebhookTest>(&cfg),
        one::<crate::webhook::config::WebhookStatus>(&cfg),
        one::<keyward_core::settings::Settings>(&cfg),
        one::<keyward_core::settings::WebhookFormat>(&cfg),
        one::<keyward_core::settings::PeriodSource>(&cfg),
        one::<keyward_core::policy::OrgPolicy>(&cfg),
        one::<settings::SettingsStatus>(&cfg),
        one::<crate::tray::OpenRequest>(&cfg),
        one::<keyward_core::record::Issuer>(&cfg),
        one::<keyward_core::record::RotationStep>(&cfg),
        one::<keyward_core::vendor::VendorView>(&cfg),
        one::<keyward_core::vendor::VendorRequest>(&cfg),
        one::<keys::EditRequest>(&cfg),
        one::<rotation::VendorRotateRequest>(&cfg),
        one::<scan::LeakScanRequest>(&cfg),
        one::<backup::ChooseFileRequest>(&cfg),
        one::<backup::SaveBackupRequest>(&cfg),
        one::<backup::OpenFileRequest>(&cfg),
        one::<backup::ShareKeyRequest>(&cfg),
        one::<backup::Sealed>(&cfg),
        one::<backup::RestoreDetail>(&cfg),
        one::<keyward_core::vault::RestoreReport>(&cfg),
        one::<keyward_core::vault::Conflict>(&cfg),
        one::<keyward_core::backup::SettingsRestore>(&cfg),
        one::<import::ImportRequest>(&cfg),
        one::<import::ImportSourceRequest>(&cfg),
        one::<import::ImportDetail>(&cfg),
        one::<import::ImportResult>(&cfg),
        one::<import::ImportFailure>(&cfg),
        one::<keyward_core::import::Preview>(&cfg),
        one::<keyward_core::import::PlannedView>(&cfg),
        one::<keyward_core::import::SampleRow>(&cfg),
        one::<keyward_core::import::Refusal>(&cfg),
        one::<keyward_core::import::RefusalKind>(&cfg),
        one::<keyward_core::import::Field>(&cfg),
        one::<keyward_core::import::Format>(&cfg),
        one::<NoArgs>(&cfg),
        one::<KeyRequest>(&cfg),
        one::<keys::SuggestNameRequest>(&cfg),
        one::<keys::CheckNameRequest>(&cfg),
        one::<keys::DeleteRequest>(&cfg),
        one::<lead::AuditLogRequest>(&cfg),
        one::<lead::SaveReportRequest>(&cfg),
        one::<lead::SetWebhookRequest>(&cfg),
        one::<rotation::SnoozeRequest>(&cfg),
        one::<settings::SaveSettingsRequest>(&cfg),
        one::<scan::LeakScanDetail>(&cfg),
        one::<job::Status<import::ImportDetail>>(&cfg),
        one::<job::JobState>(&cfg),
        one::<keyward_core::scan::ScanReport>(&cfg),
        one::<keyward_core::scan::LeakHit>(&cfg),
        one::<keyward_core::scan::UnreadablePath>(&cfg),
        one::<keyward_core::audit_chain::ChainCheck>(&cfg),
        one::<keyward_core::audit_chain::ChainProblem>(&cfg),
        one::<keyward_core::audit_chain::ChainProblemKind>(&cfg),
        one::<keyward_core::siem::StreamStatus>(&cfg),
        one::<keyward_core::siem::StreamTarget>(&cfg),
        one::<audit_stream::SetAuditStreamRequest>(&cfg),
        one::<audit_stream::AuditStreamTest>(&cfg),
        one::<audit_stream::PickCertificateRequest>(&cfg),
        one::<audit_stream::CertificatePick>(&cfg),
        one::<keyward_core::siem::CertificateFile>(&cfg),
        one::<team::TeamConnectRequest>(&cfg),
        one::<team::TeamDigestRequest>(&cfg),
        one::<team::TeamConnection>(&cfg),
        one::<crate::team::TeamStatus>(&cfg),
        one::<crate::team::TeamProblem>(&cfg),
        one::<keyward_core::team::Login>(&cfg),
        one::<keyward_core::team_report::TeamReport>(&cfg),
        one::<keyward_core::team_report::TeamDesktop>(&cfg),
        one::<keyward_core::team_report::TeamKey>(&cfg),
        one::<keyward_core::team_report::TeamGroup>(&cfg),
        one::<keyward_core::team_view::TeamSummary>(&cfg),
        one::<keyward_core::team_view::TeamRowsRequest>(&cfg),
        one::<keyward_core::team_view::TeamRows>(&cfg),
        one::<team_shared::SharedKeyRequest>(&cfg),
        one::<team_shared::RotateSharedRequest>(&cfg),
        one::<team_shared::UnshareRequest>(&cfg),
        one::<team_shared::SharedCopied>(&cfg),
        one::<crate::team::shared::SharedEntry>(&cfg),
        one::<crate::team::shared::SharedRotated>(&cfg),
        one::<scan::WatchRequest>(&cfg),
        one::<scan::UnwatchRequest>(&cfg),
        one::<scan::WatchedFolder>(&cfg),
    ]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn errors_cross_as_code_and_message() {
        let error: IpcError = keyward_core::Error::NotFound("x".into()).into();
        let json = serde_json::to_value(&error).unwrap();
        assert_eq!(json["code"], "not_found");
        assert!(json["message"].as_str().unwrap().contains("no key called"));
        assert_eq!(
            json.as_object().unwrap().len(),
            2,
            "exactly code and message"
        );
    }
}
