//! Start at login: Keyward starts in the background (tray and reminders, no
//! window) when the person logs in. Off until the person turns it on.
//!
//! Written by the maintained `auto-launch` crate (what Tauri's autostart
//! plugin builds on), in each system's own place: an XDG autostart entry on
//! Linux (`~/.config/autostart/Keyward.desktop`), a LaunchAgent on macOS
//! (`~/Library/LaunchAgents/app.keyward.desktop.plist`), the current user's
//! `Run` key on Windows. Each runs `keyward --background`.
//!
//! Promises: the entry names this program by its absolute path, quoted
//! where the system reads a command line; an entry that earlier versions
//! wrote by hand under another name (`app.keyward.desktop.desktop` in
//! `$XDG_CONFIG_HOME/autostart`) is replaced by the crate's own
//! ([`migrate_hand_written_entry`]), so there is never a second one.

use std::path::{Path, PathBuf};

use auto_launch::{AutoLaunch, AutoLaunchBuilder};
use keyward_core::env::Environment;

/// What the entry is called: the name shown in the desktop's list of
/// programs started at login (Linux, Windows), or the LaunchAgent's label
/// (macOS, where labels are reverse-DNS names).
#[cfg(not(target_os = "macos"))]
const NAME: &str = "Keyward";
#[cfg(target_os = "macos")]
const NAME: &str = keyward_core::APP_ID;

/// The entry earlier versions wrote by hand (Linux only, but they wrote it
/// on every system), in `$XDG_CONFIG_HOME/autostart`.
const HAND_WRITTEN: &str = "app.keyward.desktop.desktop";

/// An error turning start at login on or off.
pub type Error = auto_launch::Error;

/// Start at login for one program.
pub struct StartAtLogin {
    launch: AutoLaunch,
}

impl StartAtLogin {
    /// Start at login for this program (the running `keyward`).
    pub fn for_this_program() -> Result<Self, Error> {
        Self::for_program(&std::env::current_exe()?)
    }

    /// Start at login for `program`, which is started with `--background`.
    pub fn for_program(program: &Path) -> Result<Self, Error> {
        let launch = AutoLaunchBuilder::new()
            .set_app_name(NAME)
            .set_app_path(&command_path(program))
            .set_args(&["--background"])
            .build()?;
        Ok(Self { launch })
    }

    /// Turns it on or off.
    pub fn set(&self, enabled: bool) -> Result<(), Error> {
        if enabled {
            self.launch.enable()
        } else if self.launch.is_enabled()? {
            self.launch.disable()
        } else {
            Ok(())
        }
    }

    /// Whether it is on.
    pub fn is_enabled(&self) -> Result<bool, Error> {
        self.launch.is_enabled()
    }
}

/// The program's path as the system's entry needs it. The XDG entry's
/// `Exec` and the Windows `Run` value are command lines, so the path is
/// quoted there; a LaunchAgent lists the program as a plain path.
fn command_path(program: &Path) -> String {
    let path = program.display().to_string();
    if cfg!(target_os = "linux") {
        desktop_entry_quoted(&path)
    } else if cfg!(windows) {
        format!("\"{path}\"")
    } else {
        path
    }
}

/// `text` as one quoted argument of a desktop entry's `Exec` key (the
/// Desktop Entry Specification: `"`, `` ` ``, `$` and `\` escaped inside the
/// quotes, every escape written again for the string value, `%` doubled).
fn desktop_entry_quoted(text: &str) -> String {
    let mut quoted = String::from("\"");
    for c in text.chars() {
        match c {
            '"' | '`' | '$' => {
                quoted.push_str("\\\\");
                quoted.push(c);
            }
            '\\' => quoted.push_str("\\\\\\\\"),
            '%' => quoted.push_str("%%"),
            c => quoted.push(c),
        }
    }
    quoted.push('"');
    quoted
}

/// Turns start at login on or off for this program; any hand-written entry
/// of an earlier version goes either way.
pub fn set(enabled: bool) -> Result<(), Error> {
    StartAtLogin::for_this_program()?.set(enabled)?;
    remove_hand_written_entry()?;
    Ok(())
}

/// Where the Linux entry is (`~/.config/autostart/Keyward.desktop`, where
/// `auto-launch` writes it), for this process's environment.
#[cfg(target_os = "linux")]
pub fn entry_path() -> Option<PathBuf> {
    entry_path_in(keyward_core::env::process())
}

/// Where the Linux entry is under `environment`'s home folder.
#[cfg(target_os = "linux")]
fn entry_path_in(environment: &Environment) -> Option<PathBuf> {
    environment.home_folder.as_ref().map(|home| {
        home.join(".config")
            .join("autostart")
            .join(format!("{NAME}.desktop"))
    })
}

/// Where earlier versions wrote their entry by hand, for this process's
/// environment.
pub fn hand_written_entry_path() -> Option<PathBuf> {
    hand_written_entry_path_in(keyward_core::env::process())
}

/// Where earlier versions wrote their entry by hand, in `environment`'s
/// settings folder (`$XDG_CONFIG_HOME/autostart`).
fn hand_written_entry_path_in(environment: &Environment) -> Option<PathBuf> {
    environment
        .user_config_folder
        .as_ref()
        .map(|dir| dir.join("autostart").join(HAND_WRITTEN))
}

fn remove_hand_written_entry() -> std::io::Result<bool> {
    let Some(path) = hand_written_entry_path() else {
        return Ok(false);
    };
    match std::fs::remove_file(&path) {
        Ok(()) => Ok(true),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(false),
        Err(e) => Err(e),
    }
}

/// Replaces an entry that an earlier version wrote by hand with this
/// program's own (start at login stays on). Cheap when there is none: one
/// look for a file. Problems are said on standard error; Keyward starts
/// anyway.
pub fn migrate_hand_written_entry() {
    if !hand_written_entry_path().is_some_and(|path| path.exists()) {
        return;
    }
    let migrated = StartAtLogin::for_this_program()
        .and_then(|entry| entry.set(true))
        .and_then(|()| Ok(remove_hand_written_entry()?));
    if let Err(error) = migrated {
        eprintln!("keyward: could not update how Keyward starts at login: {error}");
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_entries_are_found_in_the_folders_the_environment_read() {
        let environment = Environment {
            home_folder: Some(PathBuf::from("/home/ann")),
            user_config_folder: Some(PathBuf::from("/home/ann/.settings")),
            ..Environment::default()
        };
        assert_eq!(
            hand_written_entry_path_in(&environment),
            Some(PathBuf::from(
                "/home/ann/.settings/autostart/app.keyward.desktop.desktop"
            )),
            "the earlier entry is in $XDG_CONFIG_HOME/autostart"
        );
        #[cfg(target_os = "linux")]
        assert_eq!(
            entry_path_in(&environment),
            Some(PathBuf::from("/home/ann/.config/autostart/Keyward.desktop")),
            "auto-launch writes under the home folder's .config"
        );
        assert_eq!(
            hand_written_entry_path_in(&Environment::default()),
            None,
            "no folder, no entry"
        );
    }

    #[test]
    fn a_path_with_spaces_and_specials_is_one_exec_argument() {
        assert_eq!(
            desktop_entry_quoted("/opt/Key ward/keyward"),
            "\"/opt/Key ward/keyward\""
        );
        assert_eq!(
            desktop_entry_quoted("/o$t/100%/a\"b\\c"),
            "\"/o\\\\$t/100%%/a\\\\\"b\\\\\\\\c\""
        );
    }
}
