//! rsyslog from Debian as the SIEM, started by the test: its own config in
//! a temporary folder (imtcp on 127.0.0.1 at a free port, every message
//! written by omfile to a file the test reads), in the foreground with its
//! own pid file (`rsyslogd -n -f CONF -i PIDFILE`), as a user who is not
//! root (tests run as root drop to `nobody` with setpriv). It fails, never
//! skips, when rsyslogd is not installed (`.ci/deps` installs it).

use std::net::{TcpListener, TcpStream};
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use crate::util::*;

/// What each message becomes in the output file: severity, host, app,
/// message id, then the message (the CEF text), one line each.
const TEMPLATE: &str = "%syslogseverity% %hostname% %app-name% %msgid% %msg%\\n";

/// A running rsyslogd; stopped on drop.
pub struct Rsyslog {
    dir: tempfile::TempDir,
    pub port: u16,
    child: Option<Child>,
}

/// A port on 127.0.0.1 nothing listens on now.
pub fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

fn rsyslogd() -> PathBuf {
    for dir in ["/usr/sbin", "/sbin", "/usr/local/sbin"] {
        let path = PathBuf::from(dir).join("rsyslogd");
        if path.exists() {
            return path;
        }
    }
    panic!("rsyslogd is not installed: run .ci/deps (Debian package rsyslog)");
}

fn is_root() -> bool {
    Command::new("id")
        .arg("-u")
        .output()
        .is_ok_and(|o| text(&o.stdout).trim() == "0")
}

impl Rsyslog {
    /// rsyslogd listening on a free port.
    pub fn start() -> Self {
        Self::start_on(free_port())
    }

    /// rsyslogd listening on `port`.
    pub fn start_on(port: u16) -> Self {
        let dir = tempfile::Builder::new()
            .prefix("keyward-rsyslog-")
            .tempdir()
            .unwrap();
        let mut rsyslog = Self {
            dir,
            port,
            child: None,
        };
        rsyslog.up();
        rsyslog
    }

    /// The file rsyslog writes every message to.
    pub fn output_path(&self) -> PathBuf {
        self.dir.path().join("received.log")
    }

    /// Starts rsyslogd (again, on the same port and file).
    pub fn up(&mut self) {
        assert!(self.child.is_none(), "already running");
        let root = self.dir.path();
        let conf = root.join("rsyslog.conf");
        std::fs::write(
            &conf,
            format!(
                "global(workDirectory=\"{dir}\")\n\
                 module(load=\"imtcp\")\n\
                 input(type=\"imtcp\" address=\"127.0.0.1\" port=\"{port}\" ruleset=\"siem\")\n\
                 template(name=\"line\" type=\"string\" string=\"{TEMPLATE}\")\n\
                 ruleset(name=\"siem\") {{ action(type=\"omfile\" file=\"{out}\" template=\"line\") }}\n",
                dir = root.display(),
                port = self.port,
                out = self.output_path().display(),
            ),
        )
        .unwrap();
        let mut command = if is_root() {
            // Not as root: rsyslogd as `nobody`, in a folder it may write to.
            use std::os::unix::fs::PermissionsExt;
            std::fs::set_permissions(root, std::fs::Permissions::from_mode(0o777)).unwrap();
            std::fs::set_permissions(&conf, std::fs::Permissions::from_mode(0o644)).unwrap();
            let mut c = Command::new("setpriv");
            c.args(["--reuid=65534", "--regid=65534", "--clear-groups"])
                .arg(rsyslogd());
            c
        } else {
            Command::new(rsyslogd())
        };
        let pid_file = root.join("rsyslogd.pid");
        let _ = std::fs::remove_file(&pid_file);
        let child = command
            .arg("-n")
            .arg("-f")
            .arg(&conf)
            .arg("-i")
            .arg(&pid_file)
            .stdout(Stdio::null())
            .stderr(std::fs::File::create(root.join("rsyslogd.err")).unwrap())
            .spawn()
            .unwrap();
        self.child = Some(child);
        let listening = poll_until(Duration::from_secs(10), || {
            TcpStream::connect(("127.0.0.1", self.port)).is_ok()
        });
        assert!(
            listening,
            "rsyslogd did not listen on 127.0.0.1:{} within 10 s: {}",
            self.port,
            std::fs::read_to_string(root.join("rsyslogd.err")).unwrap_or_default()
        );
    }

    /// Stops rsyslogd (SIGTERM, as a service manager would).
    pub fn down(&mut self) {
        if let Some(mut child) = self.child.take() {
            let _ = Command::new("kill")
                .args(["-TERM", &child.id().to_string()])
                .status();
            if !poll_until(Duration::from_secs(5), || {
                child.try_wait().ok().flatten().is_some()
            }) {
                let _ = child.kill();
            }
            let _ = child.wait();
        }
    }

    /// What rsyslog wrote so far, one message a line.
    pub fn received(&self) -> String {
        std::fs::read_to_string(self.output_path()).unwrap_or_default()
    }

    /// Waits (up to `limit`) until what rsyslog wrote satisfies `done`; returns it.
    pub fn wait_for(&self, limit: Duration, done: impl Fn(&str) -> bool) -> String {
        poll_until(limit, || done(&self.received()));
        self.received()
    }
}

impl Drop for Rsyslog {
    fn drop(&mut self) {
        self.down();
    }
}
