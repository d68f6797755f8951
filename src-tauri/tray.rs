//! The tray icon: keeps Keyward reachable with the window closed.
//! Menu: Open Keyward, a line saying how many keys need attention, Quit.
//! While keys need rotating the icon carries a badge and the line
//! ("3 keys need rotating") opens the window on exactly those keys.

pub use keyward_background::tray::OpenRequest;
use keyward_background::tray::{APP_ICON, ATTENTION_ICON, attention_words, rgba};
use tauri::image::Image;
use tauri::menu::{Menu, MenuItem, PredefinedMenuItem};
use tauri::tray::{TrayIcon, TrayIconBuilder};
use tauri::{AppHandle, Runtime};

/// The tray's state, updated by the reminder task.
pub struct TrayStatus<R: Runtime> {
    tray: TrayIcon<R>,
    line: MenuItem<R>,
    /// The usual icon (the app's window icon).
    calm: Option<Image<'static>>,
    /// Whether the icon shows the badge now (the tray writes a new icon
    /// file each time it is set, so it is set only when this changes).
    badged: std::sync::atomic::AtomicBool,
}

/// One of the tray's icons, decoded from its PNG.
fn icon(png: &[u8]) -> Option<Image<'static>> {
    let (pixels, width, height) = rgba(png)?;
    Some(Image::new_owned(pixels, width, height))
}

impl<R: Runtime> TrayStatus<R> {
    /// Sets the line and the icon from the counts of keys needing attention.
    pub fn set(&self, rotate: usize, delete: usize) {
        let text = attention_words(rotate, delete);
        let attention = rotate > 0;
        let was = self
            .badged
            .swap(attention, std::sync::atomic::Ordering::Relaxed);
        let updated = self
            .line
            .set_text(&text)
            .and_then(|()| self.line.set_enabled(attention))
            .and_then(|()| match (was, attention) {
                (false, true) => self.tray.set_icon(icon(ATTENTION_ICON)),
                (true, false) => self.tray.set_icon(self.calm.clone()),
                _ => Ok(()),
            });
        if let Err(error) = updated {
            eprintln!("keyward: could not update the tray: {error}");
        }
    }
}

/// Builds the tray icon; `open` shows the window, on what the request asks
/// for when there is one.
pub fn build<R: Runtime>(
    app: &AppHandle<R>,
    open: impl Fn(&AppHandle<R>, Option<OpenRequest>) + Send + Sync + 'static,
) -> tauri::Result<TrayStatus<R>> {
    let open_item = MenuItem::with_id(app, "open", "Open Keyward", true, None::<&str>)?;
    let line = MenuItem::with_id(app, "status", attention_words(0, 0), false, None::<&str>)?;
    let quit = MenuItem::with_id(app, "quit", "Quit Keyward", true, None::<&str>)?;
    let separator = PredefinedMenuItem::separator(app)?;
    let menu = Menu::with_items(app, &[&open_item, &line, &separator, &quit])?;
    let mut builder = TrayIconBuilder::with_id("main")
        .tooltip("Keyward")
        .menu(&menu);
    let calm = app
        .default_window_icon()
        .map(|i| i.clone().to_owned())
        .or_else(|| icon(APP_ICON));
    if let Some(icon) = calm.clone() {
        builder = builder.icon(icon);
    }
    let tray = builder
        .on_menu_event(move |app, event| match event.id().as_ref() {
            "open" => open(app, None),
            "status" => open(app, Some(OpenRequest::NeedsRotating)),
            "quit" => app.exit(0),
            _ => {}
        })
        .build(app)?;
    Ok(TrayStatus {
        tray,
        line,
        calm,
        badged: false.into(),
    })
}
