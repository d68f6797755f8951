//! The window. Without a subcommand, `keyward` opens it.
//!
//! [`builder`] registers the commands and state on any Tauri builder, so
//! tests run the same set-up on Tauri's mock runtime.

use std::process::ExitCode;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use keyward_core::settings::SettingsSource;
use tauri::{AppHandle, Emitter, Manager, Runtime};

use crate::clipboard::SecretClipboard;
use crate::commands::registry::window_commands;
use crate::commands::{self, AppState};
use crate::tray::OpenRequest;

/// The window's label; the capability in `src-tauri/capabilities` names it.
pub const MAIN_WINDOW: &str = "main";

/// When Keyward starts with its window, the reminders' first look at the
/// keys waits this long: it may show a notification and record it in the
/// catalog (which makes the window load its list again), and that work would
/// otherwise compete with drawing the window for the first time.
const FIRST_LOOK_WITH_WINDOW: Duration = Duration::from_secs(2);

/// The window appears when its page has loaded, or after this long.
const SHOW_WINDOW_ANYWAY_AFTER: Duration = Duration::from_secs(2);

/// Asks WebKit (Linux) to draw the window without GPU compositing, unless
/// the person chose otherwise by setting `WEBKIT_DISABLE_COMPOSITING_MODE`.
///
/// The window is lists and forms, which draw as quickly without it; with it,
/// WebKit keeps tiled layers for each scrolling area (the key list, the
/// screen) that cost the page about 100 MB and slow its first paint on
/// machines that render in software. Call first thing in `main`: it changes
/// the process's environment, which is only safe while no other thread runs.
///
/// Reads the environment (see [`keyward_core::env`]) before it changes it,
/// so the process's reading says what the person set.
///
/// Not under WebDriver (tauri-driver sets `TAURI_WEBVIEW_AUTOMATION`):
/// there WebKitWebDriver never finishes closing a page drawn this way.
pub fn choose_rendering() {
    #[cfg(target_os = "linux")]
    if !keyward_core::env::process().compositing_chosen
        && !keyward_core::env::process().under_webdriver
    {
        // SAFETY: called at the start of `main`, before any thread exists,
        // so nothing can read the environment while it changes.
        unsafe { std::env::set_var("WEBKIT_DISABLE_COMPOSITING_MODE", "1") };
    }
}

/// The invoke handler of the window's commands (see `commands::registry`).
macro_rules! invoke_handler {
    ($($module:ident :: $command:ident),* $(,)?) => {
        tauri::generate_handler![$(commands::$module::$command),*]
    };
}

/// Registers Keyward's commands and state on `builder`.
pub fn builder<R: Runtime>(builder: tauri::Builder<R>, state: AppState) -> tauri::Builder<R> {
    builder
        .manage(state)
        .manage(commands::scan::LeakScans::default())
        .manage(commands::import::Imports::default())
        .manage(commands::backup::Restores::default())
        .manage(commands::team::TeamViews::default())
        // Native save dialog for the report, used from Rust only: the window
        // is granted none of the plugin's own commands.
        .plugin(tauri_plugin_dialog::init())
        .invoke_handler(window_commands!(invoke_handler))
}

/// The app's context (config, capabilities, embedded UI) for any runtime.
pub fn context<R: Runtime>() -> tauri::Context<R> {
    tauri::generate_context!()
}

/// `context` serving its page with `vault`'s list of keys written in (see
/// [`crate::first_page`]).
fn page_with_first_list<R: Runtime>(
    mut context: tauri::Context<R>,
    vault: Arc<keyward_core::vault::Vault<keyward_core::keychain::SharedStore>>,
) -> tauri::Context<R> {
    let built = context.set_assets(Box::new(crate::first_page::NoAssets));
    context.set_assets(Box::new(crate::first_page::FirstPage::new(built, vault)));
    context
}

/// The state of a running app over the user's catalog, keychain and
/// settings. The keychain is the OS keychain in the app; tests without a
/// desktop session give an in-memory one.
pub fn app_state<S: keyward_core::keychain::SecretStore + 'static>(
    vault: keyward_core::vault::Vault<S>,
    settings: SettingsSource,
) -> AppState {
    let clipboard = SecretClipboard::default();
    let clear_after = settings.load().settings.clipboard_clear_seconds;
    clipboard.set_clear_after(Duration::from_secs(u64::from(clear_after)));
    AppState {
        vault: Arc::new(vault.into_shared()),
        clipboard: Arc::new(clipboard),
        settings,
        replan: Arc::new(tokio::sync::Notify::new()),
        open_request: Arc::new(Mutex::new(None)),
        open_url: commands::vendors::open_in_browser,
    }
}

fn open_main_window<R: Runtime, M: Manager<R>>(app: &M) -> tauri::Result<()> {
    if let Some(window) = app.get_webview_window(MAIN_WINDOW) {
        window.unminimize()?;
        window.show()?;
        return window.set_focus();
    }
    // Shown once its page has loaded (the first screen of keys is in it by
    // then, see `first_page`): WebKit drawing without compositing (see
    // `choose_rendering`) held the page back ~0.5 s when the window appeared
    // earlier — on about half the launches when shown at once, on every
    // launch when shown as the page was asked for, its script and styles
    // still on their way.
    let window = tauri::WebviewWindowBuilder::new(app, MAIN_WINDOW, tauri::WebviewUrl::default())
        .title("Keyward")
        .inner_size(1100.0, 720.0)
        .min_inner_size(560.0, 480.0)
        .visible(false)
        .on_page_load(|window, payload| {
            if payload.event() == tauri::webview::PageLoadEvent::Finished {
                let _ = window.show();
            }
        })
        .build()?;
    // Should the page never finish loading, the window still appears.
    tauri::async_runtime::spawn(async move {
        tokio::time::sleep(SHOW_WINDOW_ANYWAY_AFTER).await;
        if !window.is_visible().unwrap_or(true) {
            let _ = window.show();
        }
    });
    Ok(())
}

/// Shows the window on what `request` asks for: the key a clicked
/// notification named, or the keys that need rotating (the tray's line).
fn open_on<R: Runtime>(app: &AppHandle<R>, request: OpenRequest) {
    if let Some(state) = app.try_state::<AppState>()
        && let Ok(mut waiting) = state.open_request.lock()
    {
        *waiting = Some(request.clone());
    }
    if let Err(error) = open_main_window(app) {
        eprintln!("keyward: could not show the window: {error}");
    }
    let _ = app.emit("open-request", request);
}

/// Connects the reminder task to the tray and the window.
struct Sink<R: Runtime> {
    app: AppHandle<R>,
    tray: Option<crate::tray::TrayStatus<R>>,
}

impl<R: Runtime> crate::reminders::ReminderSink for Sink<R> {
    fn attention(&self, rotate: usize, delete: usize) {
        if let Some(tray) = &self.tray {
            tray.set(rotate, delete);
        }
    }

    fn announced(&self) {
        let _ = self.app.emit("keys-changed", ());
    }

    fn open_key(&self, id: String) {
        let app = self.app.clone();
        let _ = self
            .app
            .run_on_main_thread(move || open_on(&app, OpenRequest::Key { id }));
    }
}

/// Builds and runs the desktop app until the person quits. With
/// `background`, it starts in the tray without opening the window; with
/// `open`, the window opens on that key or those keys.
///
/// On Linux, this process sends the reminders while it runs (taking them
/// over from the light background process, which then exits), and closing
/// the window hands them back: the background process starts and this one
/// ends, so the browser engine's memory is given back.
pub fn run(background: bool, open: Option<OpenRequest>) -> ExitCode {
    let settings = match crate::cli::settings_source() {
        Ok(source) => source,
        Err(error) => {
            eprintln!("keyward: {error}");
            return ExitCode::FAILURE;
        }
    };
    let state = match crate::cli::open_vault() {
        Ok((vault, effective)) => {
            // Also said in the window's banner; here for the log.
            crate::cli::report_problems(&effective);
            app_state(vault, settings)
        }
        Err(error) => {
            eprintln!("keyward: {error}");
            return ExitCode::FAILURE;
        }
    };
    // Not before the folders and the list of keys opened: a background
    // process that stepped aside for a window that then stops at once would
    // leave nobody reminding.
    #[cfg(target_os = "linux")]
    let mut claim = match keyward_background::handover::take_over() {
        Ok(claim) => claim,
        Err(error) => {
            eprintln!("keyward: cannot coordinate reminders with other Keyward processes: {error}");
            None
        }
    };
    if let Some(open) = open
        && let Ok(mut request) = state.open_request.lock()
    {
        *request = Some(open);
    }
    let clipboard = state.clipboard.clone();
    let catalog = state.vault.catalog().clone();
    let settings = state.settings.clone();
    let (team_catalog, team_settings) = (catalog.clone(), settings.clone());
    let replan = state.replan.clone();
    let audit = state.vault.audit().cloned();
    let digest_audit = audit.clone();
    let stream_dir = state.vault.catalog().dir().to_owned();
    let keychain = state.vault.store().clone();
    let stream_keychain = keychain.clone();
    let context = page_with_first_list(context(), state.vault.clone());
    let app = builder(tauri::Builder::default(), state)
        // A second launch focuses the first window instead of opening another.
        .plugin(tauri_plugin_single_instance::init(|app, _args, _cwd| {
            if let Err(error) = open_main_window(app) {
                eprintln!("keyward: could not show the window: {error}");
            }
        }))
        .setup(move |app| {
            // The window first: the tray and the reminders can wait for it.
            if !background {
                open_main_window(app)?;
            }
            let handle = app.handle().clone();
            let tray = match crate::tray::build(&handle, |app, request| match request {
                Some(request) => open_on(app, request),
                None => {
                    if let Err(error) = open_main_window(app) {
                        eprintln!("keyward: could not show the window: {error}");
                    }
                }
            }) {
                Ok(tray) => Some(tray),
                Err(error) => {
                    eprintln!(
                        "keyward: no tray icon ({error}); Keyward quits when its window closes."
                    );
                    None
                }
            };
            let has_tray = tray.is_some();
            let sink = Arc::new(Sink { app: handle, tray });
            app.manage(crate::reminders::ReminderTask::start(
                tauri::async_runtime::handle().inner(),
                if background {
                    Duration::ZERO
                } else {
                    FIRST_LOOK_WITH_WINDOW
                },
                crate::reminders::ReminderDeps {
                    catalog,
                    settings,
                    audit,
                    keychain,
                    notifier: Arc::new(keyward_background::notifier::DesktopNotifier::default()),
                    sink,
                    replan,
                },
            ));
            app.manage(keyward_background::siem::StreamTask::start(
                stream_dir,
                stream_keychain,
            ));
            app.manage(TrayPresence(has_tray));
            // The team vault's inventory, if this desktop is connected to one.
            if let Ok(config_dir) = keyward_core::config_dir() {
                // The lead's team digest, if this desktop sends it.
                app.manage(crate::team::digest::TeamDigestTask::start(
                    tauri::async_runtime::handle().inner(),
                    team_catalog.dir().to_owned(),
                    config_dir.clone(),
                    team_settings.clone(),
                    digest_audit,
                ));
                app.manage(crate::team::publisher::TeamPublisher::start(
                    tauri::async_runtime::handle().inner(),
                    team_catalog,
                    config_dir,
                    team_settings,
                    Arc::new(tokio::sync::Notify::new()),
                ));
            }
            if background && !has_tray {
                open_main_window(app)?;
            }
            Ok(())
        })
        .build(context);
    let app = match app {
        Ok(app) => app,
        Err(error) => {
            eprintln!("keyward: the window could not be opened: {error}");
            return ExitCode::FAILURE;
        }
    };
    let handing_over = Arc::new(AtomicBool::new(false));
    app.run(move |app, event| match event {
        // Closing the window ends this process: on Linux the light background
        // process takes over the tray and the reminders. A copied secret
        // lives in this process until it is cleared, so the hand-over waits
        // for that (the window is already gone).
        #[cfg(target_os = "linux")]
        tauri::RunEvent::ExitRequested {
            code: None, api, ..
        } if app.try_state::<TrayPresence>().is_some_and(|t| t.0) => {
            if clipboard.holds_secret() {
                api.prevent_exit();
                let (app, clipboard, handing_over) =
                    (app.clone(), clipboard.clone(), handing_over.clone());
                tauri::async_runtime::spawn(async move {
                    while clipboard.holds_secret() {
                        tokio::time::sleep(Duration::from_millis(500)).await;
                    }
                    // Unless the person opened the window again meanwhile.
                    if app.get_webview_window(MAIN_WINDOW).is_none() {
                        handing_over.store(true, Ordering::SeqCst);
                        app.exit(0);
                    }
                });
            } else {
                handing_over.store(true, Ordering::SeqCst);
            }
        }
        // Elsewhere, closing the window destroys it (freeing the page's
        // memory); with a tray, Keyward keeps running until Quit.
        #[cfg(not(target_os = "linux"))]
        tauri::RunEvent::ExitRequested {
            code: None, api, ..
        } if app.try_state::<TrayPresence>().is_some_and(|t| t.0) => {
            api.prevent_exit();
        }
        tauri::RunEvent::Exit => {
            clipboard.clear_on_exit();
            #[cfg(target_os = "linux")]
            if handing_over.load(Ordering::SeqCst) {
                if let Some(claim) = claim.take() {
                    claim.release();
                }
                hand_over_to_background();
            }
        }
        _ => {}
    });
    ExitCode::SUCCESS
}

/// Starts the light background process (this one is about to end).
#[cfg(target_os = "linux")]
fn hand_over_to_background() {
    let started = keyward_background::agent::background_program()
        .and_then(|program| std::process::Command::new(program).spawn());
    if let Err(error) = started {
        eprintln!(
            "keyward: Keyward could not stay in the background ({error}); open it again to get reminders."
        );
    }
}

/// Whether a tray icon exists (so closing the window must not quit).
struct TrayPresence(bool);
