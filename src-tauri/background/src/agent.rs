//! The light background process, `keyward-background`: the tray icon and the
//! reminder task while no window is open.
//!
//! It links neither GTK nor WebKit, so staying in the background costs a few
//! megabytes instead of a browser engine's worth. It is started by closing
//! the window (the window process hands over and exits) and by
//! `keyward --background` (start at login). Opening Keyward — from the tray
//! or by clicking a reminder — starts the window process, which takes the
//! reminders over; this process then exits (see [`crate::handover`]).
//!
//! It runs as the worker of [`crate::supervisor`], which starts it again
//! when it dies. A panic anywhere in it, in any task or thread, ends it
//! (after the panic's message): a task that panicked would otherwise stop
//! silently — the reminders gone while the tray stays.

use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode};
use std::sync::Arc;

use keyward_core::audit::AuditLog;
use keyward_core::catalog::Catalog;
use keyward_core::policy::PolicyFile;
use keyward_core::settings::SettingsSource;
use tokio::sync::mpsc::{UnboundedSender, unbounded_channel};

use crate::notifier::DesktopNotifier;
use crate::reminders::{ReminderDeps, ReminderSink, ReminderTask};
use crate::tray::{BackgroundTray, OpenRequest, TrayChoice};
use keyward_core::keychain::OsKeychain;

/// The window program, next to this one.
pub fn window_program() -> std::io::Result<PathBuf> {
    Ok(std::env::current_exe()?.with_file_name("keyward"))
}

/// This program, next to the window program.
pub fn background_program() -> std::io::Result<PathBuf> {
    Ok(std::env::current_exe()?.with_file_name("keyward-background"))
}

/// What the main loop reacts to.
enum Event {
    /// From the reminder task: counts for the tray's status line.
    Attention(usize, usize),
    /// Open the window; on a key when a reminder was clicked, on the keys
    /// that need rotating from the tray's status line.
    Open(Option<OpenRequest>),
    /// The person chose Quit.
    Quit,
    /// The window took the reminders over.
    TakenOver,
}

struct Sink(UnboundedSender<Event>);

impl ReminderSink for Sink {
    fn attention(&self, rotate: usize, delete: usize) {
        let _ = self.0.send(Event::Attention(rotate, delete));
    }

    fn announced(&self) {}

    fn open_key(&self, id: String) {
        let _ = self.0.send(Event::Open(Some(OpenRequest::Key { id })));
    }
}

/// Runs until Quit or until the window takes over.
pub fn run() -> ExitCode {
    end_on_panic();
    let claim = match crate::handover::join() {
        Ok(Some(claim)) => claim,
        Ok(None) => {
            keyward_core::note!("keyward: Keyward is already running.");
            return ExitCode::SUCCESS;
        }
        Err(error) => {
            keyward_core::note!(
                "keyward: Keyward cannot stay in the background: the desktop session's message bus is not available ({error}). Open Keyward again from your applications menu."
            );
            return ExitCode::FAILURE;
        }
    };
    let folders = keyward_core::data_dir()
        .and_then(|data| Ok((data, keyward_core::config_dir()?)))
        .and_then(|(data, config)| Ok((Catalog::open(data)?, config)));
    let (catalog, config) = match folders {
        Ok(found) => found,
        Err(error) => {
            keyward_core::note!("keyward: {error}");
            return ExitCode::FAILURE;
        }
    };
    // Timers for the reminder task, sockets for the team channel.
    let runtime = match tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
    {
        Ok(runtime) => runtime,
        Err(error) => {
            keyward_core::note!("keyward: Keyward could not start its background work: {error}");
            return ExitCode::FAILURE;
        }
    };
    let (events, mut incoming) = unbounded_channel();
    let taken = events.clone();
    let asked_to_stop = events.clone();
    let watcher = std::thread::Builder::new()
        .name("handover".into())
        .spawn(move || {
            claim.wait_until_taken();
            let _ = taken.send(Event::TakenOver);
        });
    if let Err(error) = watcher {
        keyward_core::note!("keyward: Keyward could not start its background work: {error}");
        return ExitCode::FAILURE;
    }
    let audit = AuditLog::in_dir(catalog.dir(), chrono::Utc::now);
    let stream_dir = catalog.dir().to_owned();
    let settings = SettingsSource::new(
        &config,
        PolicyFile::from_environment(keyward_core::env::process()),
    );
    runtime.block_on(async move {
        // A logout (SIGTERM) or Ctrl-C ends it as Quit does, so the work in
        // flight (an audit stream batch) is finished and recorded first.
        tokio::spawn(async move {
            if asked_to_stop_by_signal().await {
                let _ = asked_to_stop.send(Event::Quit);
            }
        });
        let chosen = events.clone();
        let tray = start_tray(move |choice| {
            let _ = chosen.send(match choice {
                TrayChoice::Open => Event::Open(None),
                TrayChoice::OpenNeedsRotating => Event::Open(Some(OpenRequest::NeedsRotating)),
                TrayChoice::Quit => Event::Quit,
            });
        })
        .await;
        // The team vault's inventory, if this desktop is connected to one.
        let _team = crate::team::publisher::TeamPublisher::start(
            &tokio::runtime::Handle::current(),
            catalog.clone(),
            config.clone(),
            settings.clone(),
            Arc::new(tokio::sync::Notify::new()),
        );
        // The lead's team digest, if this desktop sends it.
        let _digest = crate::team::digest::TeamDigestTask::start(
            &tokio::runtime::Handle::current(),
            catalog.dir().to_owned(),
            config.clone(),
            settings.clone(),
            Some(audit.clone()),
        );
        let keychain: keyward_core::keychain::SharedStore =
            Arc::new(OsKeychain::from_environment(keyward_core::env::process()));
        let _stream = crate::siem::StreamTask::start(stream_dir, keychain.clone());
        let _task = ReminderTask::start(
            &tokio::runtime::Handle::current(),
            std::time::Duration::ZERO,
            ReminderDeps {
                catalog,
                settings,
                audit: Some(audit),
                keychain,
                notifier: Arc::new(DesktopNotifier::default()),
                sink: Arc::new(Sink(events)),
                replan: Arc::new(tokio::sync::Notify::new()),
            },
        );
        while let Some(event) = incoming.recv().await {
            match event {
                Event::Attention(rotate, delete) => {
                    if let Some(tray) = &tray {
                        tray.update(|t| t.set_counts(rotate, delete)).await;
                    }
                }
                Event::Open(request) => open_window(request.as_ref()),
                Event::Quit | Event::TakenOver => break,
            }
        }
        if let Some(tray) = tray {
            tray.shutdown().await;
        }
    });
    ExitCode::SUCCESS
}

/// Makes a panic end the process (abort, after the panic's message), in
/// builds that unwind too, so the supervisor starts the work again.
fn end_on_panic() {
    let report = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        report(info);
        std::process::abort();
    }));
}

/// Resolves `true` when the process is asked to stop (SIGTERM or SIGINT);
/// `false` at once when those signals cannot be watched.
async fn asked_to_stop_by_signal() -> bool {
    use tokio::signal::unix::{SignalKind, signal};
    let (Ok(mut term), Ok(mut interrupt)) = (
        signal(SignalKind::terminate()),
        signal(SignalKind::interrupt()),
    ) else {
        return false;
    };
    tokio::select! {
        _ = term.recv() => true,
        _ = interrupt.recv() => true,
    }
}

/// Shows the tray icon; it appears whenever the desktop has a tray, even
/// one that starts later. `None` (said once) when it cannot be offered.
async fn start_tray(
    on_choice: impl Fn(TrayChoice) + Send + 'static,
) -> Option<ksni::Handle<BackgroundTray>> {
    use ksni::TrayMethods;
    match BackgroundTray::new(on_choice)
        .assume_sni_available(true)
        .spawn()
        .await
    {
        Ok(handle) => Some(handle),
        Err(error) => {
            keyward_core::note!("keyward: no tray icon ({error}); reminders still appear.");
            None
        }
    }
}

/// Starts the window process (which then takes the reminders over).
fn open_window(request: Option<&OpenRequest>) {
    let started = window_program().and_then(|program| spawn_window(&program, request));
    if let Err(error) = started {
        keyward_core::note!("keyward: the Keyward window could not be opened: {error}");
    }
}

fn spawn_window(program: &Path, request: Option<&OpenRequest>) -> std::io::Result<()> {
    let mut command = Command::new(program);
    if let Some(request) = request {
        command.args(request.args());
    }
    // Not waited for: it outlives this process.
    command.spawn().map(drop)
}
