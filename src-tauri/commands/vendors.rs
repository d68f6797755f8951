//! Commands for vendors: their profiles and opening a key's vendor dashboard.

use keyward_core::Error;
use keyward_core::vault::KeyRef;
use keyward_core::vendor::{VendorRequest, VendorView};
use tauri::State;

use super::{AppState, Args, CommandResult, KeyRequest, NoArgs, blocking};

/// Every vendor profile, by name.
#[tauri::command]
pub async fn list_vendors(
    state: State<'_, AppState>,
    _: Args<NoArgs>,
) -> CommandResult<Vec<VendorView>> {
    let vault = state.vault.clone();
    blocking(move || vault.vendor_list()).await
}

/// Saves a vendor's profile (new, or replacing the one of that name). The
/// dashboard address must be `https://`.
#[tauri::command]
pub async fn save_vendor(
    state: State<'_, AppState>,
    Args(request): Args<VendorRequest>,
) -> CommandResult<VendorView> {
    let vault = state.vault.clone();
    blocking(move || vault.save_vendor(request.parse()?))
        .await
        .inspect(|_| state.keys_changed())
}

/// Opens the dashboard of the key's vendor in the default browser. Only
/// the address saved in the vendor's profile (always `https://`) is opened:
/// the window names the key, never an address.
#[tauri::command]
pub async fn open_vendor_dashboard(
    state: State<'_, AppState>,
    Args(KeyRequest { id }): Args<KeyRequest>,
) -> CommandResult<()> {
    let vault = state.vault.clone();
    let open = state.open_url;
    blocking(move || {
        let record = vault.find(KeyRef::Id(&id))?;
        let vendor = record.vendor.ok_or_else(|| {
            Error::NoDashboard(format!("the vendor of \"{}\" (none is set)", record.name))
        })?;
        let profile = vault.vendors().get(&vendor)?;
        let url = profile
            .as_ref()
            .and_then(|p| p.dashboard_url.clone())
            .ok_or_else(|| {
                Error::NoDashboard(
                    profile.map_or_else(|| vendor.to_string(), |p| p.display_name.to_string()),
                )
            })?;
        open(url.as_str()).map_err(|e| {
            Error::Invalid(format!(
                "Keyward could not open your web browser ({e}). Open {} yourself.",
                url.as_str()
            ))
        })
    })
    .await
}

/// Opens `url` in the default browser (`xdg-open`, `open`, or the Windows shell).
pub fn open_in_browser(url: &str) -> std::io::Result<()> {
    #[cfg(target_os = "macos")]
    let mut command = std::process::Command::new("open");
    #[cfg(target_os = "windows")]
    let mut command = {
        let mut c = std::process::Command::new("rundll32");
        c.arg("url.dll,FileProtocolHandler");
        c
    };
    #[cfg(not(any(target_os = "macos", target_os = "windows")))]
    let mut command = std::process::Command::new("xdg-open");
    command
        .arg(url)
        .stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .map(|mut child| {
            // Reaped when the opener exits (it hands the address to the browser).
            std::thread::spawn(move || child.wait());
        })
}
