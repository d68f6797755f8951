//! Commands for the audit log's hash chain and the audit stream to a SIEM:
//! "Check the log" on the Activity screen, and Settings → Audit stream.
//! Sending is not done here: the stream task of the window (or of the
//! background program) sends what the audit log holds, so nothing the
//! window asks waits on the network.

use keyward_core::audit::AuditAction;
use keyward_core::audit_chain::ChainCheck;
use keyward_core::siem::{StreamFiles, StreamStatus, StreamTarget};
use serde::Deserialize;
use tauri::State;

use super::{AppState, Args, CommandResult, IpcError, NoArgs, blocking};

fn files(state: &AppState) -> StreamFiles {
    StreamFiles::in_dir(state.vault.catalog().dir())
}

/// Checks the audit log's hash chain and says which lines were changed,
/// removed, put in or moved.
#[tauri::command]
pub async fn verify_audit_log(
    state: State<'_, AppState>,
    _: Args<NoArgs>,
) -> CommandResult<ChainCheck> {
    let vault = state.vault.clone();
    blocking(move || match vault.audit() {
        Some(audit) => audit.verify(),
        None => Ok(keyward_core::audit_chain::verify(b"")),
    })
    .await
}

/// Whether the audit stream is on, where it goes and how it is doing.
#[tauri::command]
pub async fn get_audit_stream(
    state: State<'_, AppState>,
    _: Args<NoArgs>,
) -> CommandResult<StreamStatus> {
    let files = files(&state);
    blocking(move || files.status()).await
}

/// Where to send the audit stream.
#[derive(Debug, Deserialize, ts_rs::TS)]
pub struct SetAuditStreamRequest {
    /// `HOST:PORT` of the SIEM's syslog receiver.
    address: String,
    /// Whether to use TLS.
    tls: bool,
    /// Whether plain TCP to another computer is allowed.
    allow_plain_tcp: bool,
    /// Whether to send the entries already in the log too.
    from_start: bool,
    /// A certificate authority file (PEM) to trust alone for the SIEM's
    /// certificate; `null` keeps the one set (if any).
    #[serde(default)]
    ca: Option<String>,
    /// Trust the system's certificates again (the CA set is removed).
    #[serde(default)]
    remove_ca: bool,
    /// A client certificate file (PEM) with `client_key`; `null` keeps the one set.
    #[serde(default)]
    client_cert: Option<String>,
    /// The client certificate's private key file (PEM): read once into the keychain.
    #[serde(default)]
    client_key: Option<String>,
    /// Stop showing a client certificate (its key leaves the keychain).
    #[serde(default)]
    remove_client_cert: bool,
}

/// Turns the audit stream on (or changes where it goes); audited.
#[tauri::command]
pub async fn set_audit_stream(
    state: State<'_, AppState>,
    Args(request): Args<SetAuditStreamRequest>,
) -> CommandResult<StreamStatus> {
    use keyward_background::siem_tls::{Choice, set_up};
    let picked = |path: &Option<String>| {
        path.as_deref()
            .map(str::trim)
            .filter(|p| !p.is_empty())
            .map(std::path::PathBuf::from)
    };
    let (ca, cert, key) = (
        picked(&request.ca),
        picked(&request.client_cert),
        picked(&request.client_key),
    );
    let ca = match ca {
        Some(path) => Choice::Set(path),
        None if request.remove_ca => Choice::Remove,
        None => Choice::Keep,
    };
    let client = match (cert, key) {
        (Some(cert), Some(key)) => Choice::Set((cert, key)),
        (Some(_), None) | (None, Some(_)) => {
            return Err(IpcError::invalid(
                "Choose both the client certificate and its private key, or neither.",
            ));
        }
        (None, None) if request.remove_client_cert => Choice::Remove,
        (None, None) => Choice::Keep,
    };
    let target = StreamTarget::parse(&request.address, request.tls, request.allow_plain_tcp)
        .map_err(|e| IpcError::invalid(e.to_string()))?;
    let files = files(&state);
    let audit = state.vault.audit().cloned();
    let store = state.vault.store().clone();
    blocking(move || {
        let setup = set_up(
            &files,
            &store,
            target,
            ca,
            client,
            request.from_start,
            &chrono::Local::now(),
        )
        .map_err(setup_error)?;
        if let Some(audit) = audit {
            audit.note(
                AuditAction::SettingsChanged,
                None,
                Some(&setup.audit_detail()),
            );
        }
        // Warnings (an expired client certificate) the window says from
        // the status's expiry dates.
        Ok::<_, IpcError>(files.status()?)
    })
    .await
}

/// A refusal from setting up the stream, for the window.
fn setup_error(error: keyward_background::siem_tls::SetupError) -> IpcError {
    use keyward_background::siem_tls::{CertificateError, SetupError};
    match error {
        SetupError::Files(e) => e.into(),
        SetupError::Certificate(CertificateError::Keychain(e)) => e.into(),
        e => IpcError::invalid(e.to_string()),
    }
}

/// Tries the connection the stream makes (TLS with its certificates)
/// without sending anything, and says in words what is wrong.
#[tauri::command]
pub async fn test_audit_stream(
    state: State<'_, AppState>,
    _: Args<NoArgs>,
) -> CommandResult<AuditStreamTest> {
    let files = files(&state);
    let Some(target) = blocking(move || files.target()).await? else {
        return Err(IpcError::invalid(
            "The audit stream is off: there is nothing to test.",
        ));
    };
    let store = state.vault.store().clone();
    let policy = keyward_background::siem::StreamPolicy::default();
    let result = keyward_background::siem::test_connection(&target, &store, &policy).await;
    Ok(AuditStreamTest {
        ok: result.is_ok(),
        message: match result {
            Ok(()) => format!("Keyward reached the SIEM at {}.", target.describe()),
            Err(error) => error.to_string(),
        },
    })
}

/// Which file Settings → Audit stream asks for.
#[derive(Debug, Clone, Copy, Deserialize, ts_rs::TS)]
#[serde(rename_all = "snake_case")]
pub enum CertificatePick {
    /// The SIEM's certificate authority.
    Ca,
    /// Keyward's client certificate.
    ClientCert,
    /// The client certificate's private key.
    ClientKey,
}

/// What to pick.
#[derive(Debug, Deserialize, ts_rs::TS)]
pub struct PickCertificateRequest {
    /// Which file.
    pick: CertificatePick,
}

/// Asks the person for a certificate or key file (the system's file
/// picker); only the path comes back, the file is read when saved.
#[tauri::command]
pub async fn choose_certificate_file<R: tauri::Runtime>(
    app: tauri::AppHandle<R>,
    Args(request): Args<PickCertificateRequest>,
) -> CommandResult<Option<String>> {
    use super::pick::{Picker, pick};
    let (title, filter, extensions): (&str, &str, &[&str]) = match request.pick {
        CertificatePick::Ca => (
            "Choose the certificate authority of your SIEM",
            "Certificates (PEM)",
            &["pem", "crt", "cer"],
        ),
        CertificatePick::ClientCert => (
            "Choose Keyward's client certificate",
            "Certificates (PEM)",
            &["pem", "crt", "cer"],
        ),
        CertificatePick::ClientKey => (
            "Choose the client certificate's private key",
            "Private keys (PEM)",
            &["key", "pem"],
        ),
    };
    let picker = Picker::open_file(title)
        .filter(filter, extensions)
        .refused_as("read", "a file");
    let path = pick(&app, picker).await?;
    Ok(path.map(|path| path.display().to_string()))
}

/// What "Test" found.
#[derive(Debug, serde::Serialize, ts_rs::TS)]
pub struct AuditStreamTest {
    /// Whether the SIEM took the connection.
    ok: bool,
    /// What happened, a sentence.
    message: String,
}

/// Turns the audit stream off; audited.
#[tauri::command]
pub async fn turn_off_audit_stream(
    state: State<'_, AppState>,
    _: Args<NoArgs>,
) -> CommandResult<StreamStatus> {
    let files = files(&state);
    let audit = state.vault.audit().cloned();
    let store = state.vault.store().clone();
    blocking(move || {
        let before = keyward_background::siem_tls::turn_off(&files, &store).map_err(setup_error)?;
        if let (Some(before), Some(audit)) = (before, audit) {
            audit.note(
                AuditAction::SettingsChanged,
                None,
                Some(&format!("audit_stream: {} → off", before.describe())),
            );
        }
        Ok::<_, IpcError>(files.status()?)
    })
    .await
}
