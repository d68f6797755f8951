//! The tray's wording and icons, what the window is asked to open, and on
//! Linux the background process's tray icon (a StatusNotifierItem over
//! D-Bus, which needs no GTK).
//!
//! Menu: Open Keyward, a line saying how many keys need attention, Quit.
//! While keys need rotating the icon changes ([`ATTENTION_ICON`]) and the
//! line ("3 keys need rotating") opens the window on exactly those keys.

use serde::Serialize;

/// "All keys are up to date", "1 key needs rotating", "3 keys need rotating, 1 can be deleted"
/// (the core's words: [`keyward_core::attention::AttentionCounts::line`]).
pub fn attention_words(rotate: usize, delete: usize) -> String {
    keyward_core::attention::AttentionCounts { rotate, delete }.line()
}

/// The app icon (32×32 PNG).
pub const APP_ICON: &[u8] = include_bytes!("../../../icons/32x32.png");

/// The icon while keys need rotating: the app icon with a badge (32×32 PNG).
pub const ATTENTION_ICON: &[u8] = include_bytes!("../../../icons/attention-32x32.png");

/// A PNG's pixels as 8-bit RGBA: (pixels, width, height).
pub fn rgba(png_bytes: &[u8]) -> Option<(Vec<u8>, u32, u32)> {
    let mut decoder = png::Decoder::new(std::io::Cursor::new(png_bytes));
    decoder.set_transformations(png::Transformations::EXPAND | png::Transformations::ALPHA);
    let mut reader = decoder.read_info().ok()?;
    let mut pixels = vec![0; reader.output_buffer_size()?];
    let frame = reader.next_frame(&mut pixels).ok()?;
    if frame.color_type != png::ColorType::Rgba || frame.bit_depth != png::BitDepth::Eight {
        return None;
    }
    pixels.truncate(frame.buffer_size());
    Some((pixels, frame.width, frame.height))
}

/// What the window is asked to show when it opens.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ts_rs::TS)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum OpenRequest {
    /// One key's details (a clicked reminder).
    Key {
        /// The key's id.
        id: String,
    },
    /// The list, showing only the keys that need rotating (due soon or
    /// overdue, not yet replaced): the tray's "N keys need rotating".
    NeedsRotating,
}

impl OpenRequest {
    /// The window program's arguments that ask for it.
    pub fn args(&self) -> Vec<String> {
        match self {
            Self::Key { id } => vec!["--show-key".into(), id.clone()],
            Self::NeedsRotating => vec!["--show-keys".into(), "needs-rotating".into()],
        }
    }
}

/// What the person chose in the tray.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TrayChoice {
    /// Open Keyward (the menu item, or a click on the icon).
    Open,
    /// Open Keyward on the keys that need rotating (the status line).
    OpenNeedsRotating,
    /// Quit Keyward.
    Quit,
}

#[cfg(target_os = "linux")]
pub use sni::BackgroundTray;

#[cfg(target_os = "linux")]
mod sni {
    use super::{TrayChoice, attention_words};

    /// The background process's tray icon. Choices go to `on_choice`.
    pub struct BackgroundTray {
        rotate: usize,
        delete: usize,
        icon: Vec<ksni::Icon>,
        attention_icon: Vec<ksni::Icon>,
        on_choice: Box<dyn Fn(TrayChoice) + Send>,
    }

    impl BackgroundTray {
        /// A tray saying all is well until the first look at the keys.
        pub fn new(on_choice: impl Fn(TrayChoice) + Send + 'static) -> Self {
            Self {
                rotate: 0,
                delete: 0,
                icon: argb(super::APP_ICON).into_iter().collect(),
                attention_icon: argb(super::ATTENTION_ICON).into_iter().collect(),
                on_choice: Box::new(on_choice),
            }
        }

        /// How many keys need rotating and how many replaced keys can be deleted.
        pub fn set_counts(&mut self, rotate: usize, delete: usize) {
            (self.rotate, self.delete) = (rotate, delete);
        }

        /// The status line (see [`attention_words`]).
        pub fn status_line(&self) -> String {
            attention_words(self.rotate, self.delete)
        }

        fn needs_attention(&self) -> bool {
            self.rotate > 0
        }
    }

    /// An icon as the ARGB pixels the protocol carries, so that it shows
    /// even where no `keyward` icon is installed.
    fn argb(png_bytes: &[u8]) -> Option<ksni::Icon> {
        let (rgba, width, height) = super::rgba(png_bytes)?;
        let data = rgba
            .chunks_exact(4)
            .flat_map(|p| [p[3], p[0], p[1], p[2]])
            .collect();
        Some(ksni::Icon {
            width: i32::try_from(width).ok()?,
            height: i32::try_from(height).ok()?,
            data,
        })
    }

    impl ksni::Tray for BackgroundTray {
        fn id(&self) -> String {
            keyward_core::APP_ID.into()
        }

        fn title(&self) -> String {
            "Keyward".into()
        }

        fn status(&self) -> ksni::Status {
            if self.needs_attention() {
                ksni::Status::NeedsAttention
            } else {
                ksni::Status::Active
            }
        }

        // While keys need rotating, no themed icon name: trays then draw
        // the pixmap, which carries the badge.
        fn icon_name(&self) -> String {
            if self.needs_attention() {
                String::new()
            } else {
                "keyward".into()
            }
        }

        fn icon_pixmap(&self) -> Vec<ksni::Icon> {
            if self.needs_attention() {
                self.attention_icon.clone()
            } else {
                self.icon.clone()
            }
        }

        fn attention_icon_pixmap(&self) -> Vec<ksni::Icon> {
            self.attention_icon.clone()
        }

        fn tool_tip(&self) -> ksni::ToolTip {
            ksni::ToolTip {
                title: "Keyward".into(),
                description: self.status_line(),
                ..Default::default()
            }
        }

        fn activate(&mut self, _x: i32, _y: i32) {
            (self.on_choice)(TrayChoice::Open);
        }

        fn menu(&self) -> Vec<ksni::MenuItem<Self>> {
            use ksni::menu::{MenuItem, StandardItem};
            vec![
                StandardItem {
                    label: "Open Keyward".into(),
                    activate: Box::new(|tray: &mut Self| (tray.on_choice)(TrayChoice::Open)),
                    ..Default::default()
                }
                .into(),
                StandardItem {
                    label: self.status_line(),
                    enabled: self.needs_attention(),
                    activate: Box::new(|tray: &mut Self| {
                        (tray.on_choice)(TrayChoice::OpenNeedsRotating);
                    }),
                    ..Default::default()
                }
                .into(),
                MenuItem::Separator,
                StandardItem {
                    label: "Quit Keyward".into(),
                    activate: Box::new(|tray: &mut Self| (tray.on_choice)(TrayChoice::Quit)),
                    ..Default::default()
                }
                .into(),
            ]
        }
    }
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

    #[cfg(target_os = "linux")]
    #[test]
    fn the_tray_carries_the_app_icon() {
        let tray = BackgroundTray::new(|_| {});
        let icon = ksni::Tray::icon_pixmap(&tray);
        assert_eq!(icon.len(), 1);
        assert_eq!((icon[0].width, icon[0].height), (32, 32));
        assert_eq!(icon[0].data.len(), 32 * 32 * 4);
    }

    #[cfg(target_os = "linux")]
    #[test]
    fn keys_to_rotate_change_the_icon_and_make_the_line_open_them() {
        use ksni::Tray;
        let chosen = std::sync::Arc::new(std::sync::Mutex::new(Vec::new()));
        let seen = chosen.clone();
        let mut tray = BackgroundTray::new(move |c| seen.lock().unwrap().push(c));
        let calm = tray.icon_pixmap()[0].data.clone();
        assert_eq!(tray.status(), ksni::Status::Active);
        tray.set_counts(3, 0);
        assert_eq!(tray.status(), ksni::Status::NeedsAttention);
        assert_ne!(tray.icon_pixmap()[0].data, calm, "the icon changes");
        assert_eq!(tray.icon_pixmap()[0].data.len(), 32 * 32 * 4);
        assert_eq!(tray.status_line(), "3 keys need rotating");
        tray.set_counts(0, 1);
        assert_eq!(
            tray.icon_pixmap()[0].data,
            calm,
            "deleting can wait: no badge"
        );
    }

    #[test]
    fn the_window_is_asked_for_a_key_or_for_the_keys_that_need_rotating() {
        assert_eq!(
            OpenRequest::NeedsRotating.args(),
            ["--show-keys", "needs-rotating"]
        );
        assert_eq!(
            OpenRequest::Key { id: "k1".into() }.args(),
            ["--show-key", "k1"]
        );
        assert_eq!(
            serde_json::to_value(OpenRequest::NeedsRotating).unwrap(),
            serde_json::json!({ "kind": "needs_rotating" })
        );
    }
}
