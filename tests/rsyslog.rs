//! rsyslog from Debian as the SIEM, started by the test: its own config in
//! a temporary folder (imtcp on 127.0.0.1 at a free port, every message
//! written by omfile to a file the test reads), in the foreground with its
//! own pid file (`rsyslogd -n -f CONF -i PIDFILE`), as a user who is not
//! root (tests run as root drop to `nobody` with setpriv); with TLS through
//! rsyslog's gnutls driver and a certificate from a CA made for the test,
//! optionally requiring a client certificate signed by that CA
//! (`StreamDriver.AuthMode="x509/certvalid"`), with a client certificate and
//! a second, unrelated CA made for the test too.
//! It fails, never skips, when rsyslogd is not installed (`.ci/deps`
//! installs it with rsyslog-gnutls and openssl).

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
    tls: bool,
    /// Whether clients must show a certificate signed by the test's CA.
    client_certs: bool,
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
        Self::start_with(port, false)
    }

    /// rsyslogd taking only TLS (gnutls driver) on a free port, with a
    /// certificate for `localhost` and 127.0.0.1 signed by a CA of the
    /// test's own ([`Rsyslog::ca_file`]), made with the openssl tool.
    pub fn start_tls() -> Self {
        Self::start_with(free_port(), true)
    }

    /// [`Rsyslog::start_tls`], and clients must show a certificate signed
    /// by the test's CA ([`Rsyslog::client_cert_file`]).
    pub fn start_tls_requiring_client_certs() -> Self {
        let mut rsyslog = Self::prepare(free_port(), true);
        rsyslog.client_certs = true;
        rsyslog.up();
        rsyslog
    }

    fn start_with(port: u16, tls: bool) -> Self {
        let mut rsyslog = Self::prepare(port, tls);
        rsyslog.up();
        rsyslog
    }

    fn prepare(port: u16, tls: bool) -> Self {
        let dir = tempfile::Builder::new()
            .prefix("keyward-rsyslog-")
            .tempdir()
            .unwrap();
        let rsyslog = Self {
            dir,
            port,
            child: None,
            tls,
            client_certs: false,
        };
        if tls {
            rsyslog.make_certificates();
        }
        rsyslog
    }

    /// A client certificate (PEM) signed by the test's CA, for Keyward.
    pub fn client_cert_file(&self) -> PathBuf {
        self.dir.path().join("client.pem")
    }

    /// The client certificate's private key (PEM).
    pub fn client_key_file(&self) -> PathBuf {
        self.dir.path().join("client.key")
    }

    /// A file the test made in rsyslog's folder (e.g. `other-ca.key`).
    pub fn dir_file(&self, name: &str) -> PathBuf {
        self.dir.path().join(name)
    }

    /// Another CA's certificate (PEM), which signed nothing rsyslog uses.
    pub fn other_ca_file(&self) -> PathBuf {
        self.dir.path().join("other-ca.pem")
    }

    /// The test CA's certificate (PEM): trust it with `SSL_CERT_FILE`.
    pub fn ca_file(&self) -> PathBuf {
        self.dir.path().join("ca.pem")
    }

    fn make_certificates(&self) {
        let root = self.dir.path();
        let openssl = |args: &[&str]| {
            let out = Command::new("openssl")
                .current_dir(root)
                .args(args)
                .output()
                .expect("the openssl tool (run .ci/deps)");
            assert!(
                out.status.success(),
                "openssl {args:?}: {}",
                text(&out.stderr)
            );
        };
        let ec = [
            "-newkey",
            "ec",
            "-pkeyopt",
            "ec_paramgen_curve:prime256v1",
            "-nodes",
        ];
        let mut ca = vec!["req", "-x509"];
        ca.extend(ec);
        ca.extend([
            "-keyout",
            "ca.key",
            "-out",
            "ca.pem",
            "-days",
            "2",
            "-subj",
            "/CN=Keyward test CA",
            "-addext",
            "basicConstraints=critical,CA:TRUE",
            "-addext",
            "keyUsage=critical,keyCertSign,cRLSign",
        ]);
        openssl(&ca);
        let mut other = vec!["req", "-x509"];
        other.extend(ec);
        other.extend([
            "-keyout",
            "other-ca.key",
            "-out",
            "other-ca.pem",
            "-days",
            "2",
            "-subj",
            "/CN=Some other CA",
        ]);
        openssl(&other);
        let mut client = vec!["req"];
        client.extend(ec);
        client.extend([
            "-keyout",
            "client.key",
            "-out",
            "client.csr",
            "-subj",
            "/CN=keyward-desktop-7/O=Keyward test",
        ]);
        openssl(&client);
        std::fs::write(
            root.join("client.ext"),
            "basicConstraints=CA:FALSE\nextendedKeyUsage=clientAuth\nkeyUsage=critical,digitalSignature\n",
        )
        .unwrap();
        openssl(&[
            "x509",
            "-req",
            "-in",
            "client.csr",
            "-CA",
            "ca.pem",
            "-CAkey",
            "ca.key",
            "-CAcreateserial",
            "-out",
            "client.pem",
            "-days",
            "2",
            "-extfile",
            "client.ext",
        ]);
        let mut request = vec!["req"];
        request.extend(ec);
        request.extend([
            "-keyout",
            "key.pem",
            "-out",
            "server.csr",
            "-subj",
            "/CN=localhost",
        ]);
        openssl(&request);
        std::fs::write(
            root.join("server.ext"),
            "subjectAltName=DNS:localhost,IP:127.0.0.1\nbasicConstraints=CA:FALSE\nextendedKeyUsage=serverAuth\nkeyUsage=critical,digitalSignature\n",
        )
        .unwrap();
        openssl(&[
            "x509",
            "-req",
            "-in",
            "server.csr",
            "-CA",
            "ca.pem",
            "-CAkey",
            "ca.key",
            "-CAcreateserial",
            "-out",
            "cert.pem",
            "-days",
            "2",
            "-extfile",
            "server.ext",
        ]);
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
        let (global_tls, module_tls) = if self.tls {
            (
                format!(
                    " DefaultNetstreamDriver=\"gtls\" DefaultNetstreamDriverCAFile=\"{0}/ca.pem\" DefaultNetstreamDriverCertFile=\"{0}/cert.pem\" DefaultNetstreamDriverKeyFile=\"{0}/key.pem\"",
                    root.display()
                ),
                if self.client_certs {
                    " StreamDriver.Name=\"gtls\" StreamDriver.Mode=\"1\" StreamDriver.AuthMode=\"x509/certvalid\""
                } else {
                    " StreamDriver.Name=\"gtls\" StreamDriver.Mode=\"1\" StreamDriver.AuthMode=\"anon\""
                },
            )
        } else {
            (String::new(), "")
        };
        std::fs::write(
            &conf,
            format!(
                "global(workDirectory=\"{dir}\"{global_tls})\n\
                 module(load=\"imtcp\"{module_tls})\n\
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
            for file in std::fs::read_dir(root).unwrap() {
                let path = file.unwrap().path();
                std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o644)).unwrap();
            }
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
