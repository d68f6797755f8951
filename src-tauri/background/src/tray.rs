//! The tray's wording, and on Linux the background process's tray icon
//! (a StatusNotifierItem over D-Bus, which needs no GTK).
//! Menu: Open Keyward, a line saying how many keys need attention, Quit.

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

/// What the person chose in the tray.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TrayChoice {
    /// Open Keyward (the menu item, or a click on the icon).
    Open,
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
        /// The status line (see [`attention_words`]).
        pub status: String,
        icon: Vec<ksni::Icon>,
        on_choice: Box<dyn Fn(TrayChoice) + Send>,
    }

    impl BackgroundTray {
        /// A tray saying all is well until the first look at the keys.
        pub fn new(on_choice: impl Fn(TrayChoice) + Send + 'static) -> Self {
            Self {
                status: attention_words(0, 0),
                icon: app_icon().into_iter().collect(),
                on_choice: Box::new(on_choice),
            }
        }
    }

    /// The app icon (32×32) as the ARGB pixels the protocol carries, so the
    /// icon shows even where the `keyward` icon is not installed.
    fn app_icon() -> Option<ksni::Icon> {
        let bytes: &[u8] = include_bytes!("../../../icons/32x32.png");
        let mut decoder = png::Decoder::new(std::io::Cursor::new(bytes));
        decoder.set_transformations(png::Transformations::EXPAND | png::Transformations::ALPHA);
        let mut reader = decoder.read_info().ok()?;
        let mut rgba = vec![0; reader.output_buffer_size()?];
        let frame = reader.next_frame(&mut rgba).ok()?;
        if frame.color_type != png::ColorType::Rgba || frame.bit_depth != png::BitDepth::Eight {
            return None;
        }
        let data = rgba[..frame.buffer_size()]
            .chunks_exact(4)
            .flat_map(|p| [p[3], p[0], p[1], p[2]])
            .collect();
        Some(ksni::Icon {
            width: i32::try_from(frame.width).ok()?,
            height: i32::try_from(frame.height).ok()?,
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

        fn icon_name(&self) -> String {
            "keyward".into()
        }

        fn icon_pixmap(&self) -> Vec<ksni::Icon> {
            self.icon.clone()
        }

        fn tool_tip(&self) -> ksni::ToolTip {
            ksni::ToolTip {
                title: "Keyward".into(),
                description: self.status.clone(),
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
                    label: self.status.clone(),
                    enabled: false,
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
}
