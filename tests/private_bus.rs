//! A D-Bus session bus of a test's own, with a gnome-keyring on it that the
//! test starts, stops and starts again: the keychain service as it comes and
//! goes on a real desktop (started after Keyward, restarted, or set up with
//! no default keyring), without disturbing the session's own keychain.

use std::io::{BufRead, BufReader, Write};
use std::process::{Child, Command, Stdio};
use std::sync::Mutex;
use std::time::Duration;

use crate::util::*;

/// The bus, and the keyring running on it (if any). Everything stops on drop.
pub struct PrivateBus {
    dir: tempfile::TempDir,
    bus: Child,
    address: String,
    keyring: Mutex<Option<Child>>,
}

/// How the keyring starts.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Keyring {
    /// With the "login" keyring, the default one, unlocked (as after logging in).
    LoginUnlocked,
    /// With no keyring of its own: no default collection.
    NoDefault,
}

impl PrivateBus {
    /// A new bus. It starts no service by itself (no activation), so the
    /// keychain service runs only while the test runs it.
    pub fn start() -> Self {
        let dir = tempfile::Builder::new()
            .prefix("keyward-bus-")
            .tempdir()
            .unwrap();
        for sub in ["home", "data", "run"] {
            std::fs::create_dir_all(dir.path().join(sub)).unwrap();
        }
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let run = dir.path().join("run");
            std::fs::set_permissions(&run, std::fs::Permissions::from_mode(0o700)).unwrap();
        }
        let config = dir.path().join("bus.conf");
        std::fs::write(
            &config,
            format!(
                r#"<!DOCTYPE busconfig PUBLIC "-//freedesktop//DTD D-Bus Bus Configuration 1.0//EN"
 "http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd">
<busconfig>
  <type>session</type>
  <listen>unix:dir={}</listen>
  <auth>EXTERNAL</auth>
  <policy context="default">
    <allow send_destination="*" eavesdrop="true"/>
    <allow eavesdrop="true"/>
    <allow own="*"/>
  </policy>
</busconfig>
"#,
                dir.path().display()
            ),
        )
        .unwrap();
        let mut bus = Command::new("dbus-daemon")
            .arg(format!("--config-file={}", config.display()))
            .args(["--nofork", "--print-address=1"])
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("dbus-daemon runs (package dbus)");
        let mut address = String::new();
        BufReader::new(bus.stdout.take().unwrap())
            .read_line(&mut address)
            .unwrap();
        let address = address.trim().to_owned();
        assert!(address.starts_with("unix:"), "no bus address: {address:?}");
        Self {
            dir,
            bus,
            address,
            keyring: Mutex::new(None),
        }
    }

    /// The bus address, for `DBUS_SESSION_BUS_ADDRESS`.
    pub fn address(&self) -> &str {
        &self.address
    }

    fn has_keychain_service(&self) -> bool {
        Command::new("dbus-send")
            .env("DBUS_SESSION_BUS_ADDRESS", &self.address)
            .args([
                "--session",
                "--print-reply",
                "--dest=org.freedesktop.DBus",
                "/org/freedesktop/DBus",
                "org.freedesktop.DBus.NameHasOwner",
                "string:org.freedesktop.secrets",
            ])
            .stdin(Stdio::null())
            .output()
            .is_ok_and(|out| text(&out.stdout).contains("boolean true"))
    }

    /// Starts gnome-keyring on this bus (its keyrings are kept in this bus's
    /// folder, so a restart finds the same keys) and waits until it answers.
    pub fn start_keyring(&self, how: Keyring) {
        let mut held = self.keyring.lock().unwrap();
        assert!(held.is_none(), "the keyring is already running");
        let path = |sub: &str| self.dir.path().join(sub);
        let mut command = Command::new("gnome-keyring-daemon");
        command
            .env_clear()
            .env("PATH", std::env::var_os("PATH").unwrap_or_default())
            .env("HOME", path("home"))
            .env("XDG_DATA_HOME", path("data"))
            .env("XDG_RUNTIME_DIR", path("run"))
            .env("DBUS_SESSION_BUS_ADDRESS", &self.address)
            .args(["--foreground", "--components=secrets"])
            .stdin(Stdio::piped())
            .stdout(Stdio::null())
            .stderr(Stdio::null());
        if how == Keyring::LoginUnlocked {
            command.arg("--unlock");
        }
        let mut child = command.spawn().expect("gnome-keyring-daemon runs");
        let mut stdin = child.stdin.take().unwrap();
        if how == Keyring::LoginUnlocked {
            // --unlock reads the password up to the end of its input.
            stdin.write_all(b"keyward-private-bus").unwrap();
        }
        drop(stdin);
        *held = Some(child);
        drop(held);
        assert!(
            poll_until(Duration::from_secs(10), || self.has_keychain_service()),
            "gnome-keyring did not come up on the private bus"
        );
    }

    /// Stops the keyring and waits until its bus name is gone.
    pub fn stop_keyring(&self) {
        if let Some(mut child) = self.keyring.lock().unwrap().take() {
            let _ = child.kill();
            let _ = child.wait();
        }
        assert!(
            poll_until(Duration::from_secs(10), || !self.has_keychain_service()),
            "the keychain service is still on the private bus"
        );
    }
}

impl Drop for PrivateBus {
    fn drop(&mut self) {
        if let Some(mut child) = self
            .keyring
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .take()
        {
            let _ = child.kill();
            let _ = child.wait();
        }
        let _ = self.bus.kill();
        let _ = self.bus.wait();
    }
}
