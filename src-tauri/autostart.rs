//! Start at login: an XDG autostart entry that starts Keyward in the
//! background (tray and reminders, no window). Off until the person turns it on.

use std::path::PathBuf;

const FILE: &str = "app.keyward.desktop.desktop";

/// Where the autostart entry lives (`$XDG_CONFIG_HOME/autostart/`).
pub fn entry_path() -> Option<PathBuf> {
    dirs::config_dir().map(|d| d.join("autostart").join(FILE))
}

/// Turns start at login on or off.
pub fn set(enabled: bool) -> std::io::Result<()> {
    let Some(path) = entry_path() else {
        return Err(std::io::Error::other("no config folder"));
    };
    if !enabled {
        return match std::fs::remove_file(&path) {
            Err(e) if e.kind() != std::io::ErrorKind::NotFound => Err(e),
            _ => Ok(()),
        };
    }
    let exe = std::env::current_exe()?;
    let entry = format!(
        "[Desktop Entry]\nType=Application\nName=Keyward\nComment=Reminds you to rotate your API keys\nExec=\"{}\" --background\nIcon=keyward\nTerminal=false\nX-GNOME-Autostart-enabled=true\n",
        exe.display()
    );
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir)?;
    }
    std::fs::write(&path, entry)
}
