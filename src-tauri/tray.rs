//! The tray icon: keeps Keyward reachable with the window closed.
//! Menu: Open Keyward, a line saying how many keys need attention, Quit.

use keyward_background::tray::attention_words;
use tauri::menu::{Menu, MenuItem, PredefinedMenuItem};
use tauri::tray::TrayIconBuilder;
use tauri::{AppHandle, Runtime};

/// The tray's status line, updated by the reminder task.
pub struct TrayStatus<R: Runtime> {
    line: MenuItem<R>,
}

impl<R: Runtime> TrayStatus<R> {
    /// Sets the line from the counts of keys needing attention.
    pub fn set(&self, rotate: usize, delete: usize) {
        let text = attention_words(rotate, delete);
        if let Err(error) = self.line.set_text(&text) {
            eprintln!("keyward: could not update the tray: {error}");
        }
    }
}

/// Builds the tray icon; `open` shows the window.
pub fn build<R: Runtime>(
    app: &AppHandle<R>,
    open: impl Fn(&AppHandle<R>) + Send + Sync + 'static,
) -> tauri::Result<TrayStatus<R>> {
    let open_item = MenuItem::with_id(app, "open", "Open Keyward", true, None::<&str>)?;
    let line = MenuItem::with_id(app, "status", attention_words(0, 0), false, None::<&str>)?;
    let quit = MenuItem::with_id(app, "quit", "Quit Keyward", true, None::<&str>)?;
    let separator = PredefinedMenuItem::separator(app)?;
    let menu = Menu::with_items(app, &[&open_item, &line, &separator, &quit])?;
    let mut builder = TrayIconBuilder::with_id("main")
        .tooltip("Keyward")
        .menu(&menu);
    if let Some(icon) = app.default_window_icon().cloned() {
        builder = builder.icon(icon);
    }
    builder
        .on_menu_event(move |app, event| match event.id().as_ref() {
            "open" => open(app),
            "quit" => app.exit(0),
            _ => {}
        })
        .build(app)?;
    Ok(TrayStatus { line })
}
