//! The tray icon: keeps Keyward reachable with the window closed.
//! Menu: Open Keyward, a line saying how many keys need attention, Quit.

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

/// "All keys are up to date", "1 key needs rotating", "3 keys need rotating, 1 can be deleted".
pub fn attention_words(rotate: usize, delete: usize) -> String {
    let rotate_words = match rotate {
        0 => None,
        1 => Some("1 key needs rotating".to_owned()),
        n => Some(format!("{n} keys need rotating")),
    };
    let delete_words = match delete {
        0 => None,
        1 => Some("1 replaced key can be deleted".to_owned()),
        n => Some(format!("{n} replaced keys can be deleted")),
    };
    match (rotate_words, delete_words) {
        (None, None) => "All keys are up to date".to_owned(),
        (Some(r), None) => r,
        (None, Some(d)) => d,
        (Some(r), Some(_)) => format!("{r}, {delete} can be deleted"),
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_status_line_reads_naturally() {
        assert_eq!(attention_words(0, 0), "All keys are up to date");
        assert_eq!(attention_words(1, 0), "1 key needs rotating");
        assert_eq!(attention_words(3, 0), "3 keys need rotating");
        assert_eq!(attention_words(0, 2), "2 replaced keys can be deleted");
        assert_eq!(
            attention_words(3, 1),
            "3 keys need rotating, 1 can be deleted"
        );
    }
}
