//! Sends the audit log to a SIEM as it grows: RFC 5424 syslog messages
//! with a CEF payload, framed by octet counting (RFC 6587), over TLS or,
//! to this computer only unless the person allowed it, plain TCP. What is
//! sent, where, and how far it got live in `keyward_core::siem`.
//!
//! Promises:
//! - Never in anyone's way: the [`StreamTask`] runs on a thread of its own
//!   in whichever Keyward process reminds (the window, or the background
//!   program when the window is closed); the window and the command line
//!   only append to the audit log, which is the outbox.
//! - At least once: a batch counts as delivered when the server has read
//!   the connection to its end (Keyward closes its side and waits for the
//!   server to close too); only then does the cursor move past it. When the
//!   server is down, refuses, or drops the connection half-way, the batch
//!   is sent again later, 1 s after the first failure, then twice as long
//!   each time up to 5 minutes; a line may then arrive twice, never not at
//!   all.
//! - Two Keyward processes never send at once (a lock file beside the
//!   cursor), so one does not resend what the other is sending.
//! - Bounded: connecting, and each write and the closing wait, are limited
//!   to 10 s. A failure is kept in the cursor file (for `keyward audit
//!   stream status` and Settings), never written to the audit log, which
//!   would then grow with every failed try.
//! - TLS certificates are checked against the platform's trusted
//!   certificates (rustls and the platform verifier, as the team channel),
//!   or only against the certificate authority chosen for the stream; a
//!   client certificate is shown when one was chosen, its key read from the
//!   keychain for each connection ([`crate::siem_tls`]).
//! - A refusal is said in words: a certificate not trusted, a server that
//!   wants a client certificate or refused Keyward's, a key that does not
//!   match.

use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use crate::siem_tls::StreamTls;
use chrono::Utc;
use keyward_core::audit_chain::line_hash;
use keyward_core::catalog::CatalogError;
use keyward_core::keychain::SharedStore;
use keyward_core::private_files::FileError;
use keyward_core::siem::{StreamCursor, StreamFiles, StreamTarget, frame};
use tokio::io::{AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt};
use tokio::net::TcpStream;
use tokio::sync::{Notify, watch};

/// How hard to try.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct StreamPolicy {
    /// Time limit for connecting, and for each write and the closing wait.
    pub timeout: Duration,
    /// Pause after the first failed try; doubled after each further one.
    pub first_backoff: Duration,
    /// Longest pause between tries.
    pub max_backoff: Duration,
    /// Most bytes of audit lines sent over one connection.
    pub batch_bytes: usize,
}

impl Default for StreamPolicy {
    fn default() -> Self {
        Self {
            timeout: Duration::from_secs(10),
            first_backoff: Duration::from_secs(1),
            max_backoff: Duration::from_secs(300),
            batch_bytes: 256 * 1024,
        }
    }
}

impl StreamPolicy {
    /// The pause after `failures` failed tries in a row (from 1).
    pub fn backoff(&self, failures: u32) -> Duration {
        self.first_backoff
            .saturating_mul(2u32.saturating_pow(failures.saturating_sub(1).min(20)))
            .min(self.max_backoff)
    }
}

/// Why a batch was not delivered. `Display` is a sentence for people.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum StreamError {
    /// The server could not be reached.
    #[error(
        "Keyward could not reach the SIEM at {address} ({detail}). The entries wait in the audit log and are sent when it answers."
    )]
    Unreachable {
        /// host:port.
        address: String,
        /// What the system said.
        detail: String,
    },
    /// The server did not answer in time.
    #[error(
        "The SIEM at {address} did not answer within {seconds} s. The entries wait in the audit log and are sent when it answers."
    )]
    TimedOut {
        /// host:port.
        address: String,
        /// The limit.
        seconds: u64,
    },
    /// TLS failed on the server's side (its certificate, or a server
    /// without TLS).
    #[error(
        "The TLS connection to the SIEM at {address} failed ({detail}). Check that the server takes TLS on that port and that its certificate is trusted by this computer."
    )]
    Tls {
        /// host:port.
        address: String,
        /// What rustls said.
        detail: String,
    },
    /// The server wants a client certificate and Keyward has none.
    #[error(
        "The SIEM at {address} takes entries only from senders with a client certificate ({detail}). Choose the certificate your security team gave you, and its key, in Settings → Audit stream, or with `keyward audit stream set --client-cert FILE --client-key FILE`. The entries wait in the audit log."
    )]
    ClientCertificateWanted {
        /// host:port.
        address: String,
        /// What happened, in words, with what rustls said.
        detail: String,
    },
    /// The server refused Keyward's client certificate (not signed by an
    /// authority it trusts, expired, revoked, or its key does not match).
    #[error(
        "The SIEM at {address} did not accept Keyward's client certificate ({detail}). Choose the certificate your security team gave you, and its key, again in Settings → Audit stream, or with `keyward audit stream set --client-cert FILE --client-key FILE`. The entries wait in the audit log."
    )]
    ClientCertificateRefused {
        /// host:port.
        address: String,
        /// What happened, in words, with what rustls said.
        detail: String,
    },
    /// The stream's certificate authority or client certificate could not
    /// be used (a file changed, the key left the keychain).
    #[error(
        "Keyward could not use the audit stream's certificates for {address}: {detail} The entries wait in the audit log."
    )]
    Certificates {
        /// host:port.
        address: String,
        /// What is wrong, a sentence.
        detail: String,
    },
    /// The connection broke before the server had read everything.
    #[error(
        "The SIEM at {address} closed the connection before it had read every entry ({detail}). They are sent again."
    )]
    Dropped {
        /// host:port.
        address: String,
        /// What the system said.
        detail: String,
    },
    /// Keyward's own files failed.
    #[error(transparent)]
    Files(#[from] CatalogError),
}

/// A file problem of the stream's own files (its lock) is a problem of
/// Keyward's files.
impl From<FileError> for StreamError {
    fn from(error: FileError) -> Self {
        Self::Files(error.into())
    }
}

/// What one round delivered.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Delivered {
    /// Lines sent and taken.
    pub lines: usize,
    /// Whether another Keyward was sending (this round did nothing).
    pub busy: bool,
}

/// Sends every line waiting in the audit log of `files`, batch by batch.
/// Nothing to do (no target, nothing waiting) is `Ok` with 0 lines.
pub async fn deliver_pending(
    files: &StreamFiles,
    store: &SharedStore,
    policy: &StreamPolicy,
) -> Result<Delivered, StreamError> {
    let lock_files = files.clone();
    let lock = blocking(move || take_lock(&lock_files)).await?;
    let Some(_lock) = lock else {
        return Ok(Delivered {
            lines: 0,
            busy: true,
        });
    };
    let mut delivered = Delivered::default();
    loop {
        let (target, pending, cursor) = {
            let files = files.clone();
            let batch = policy.batch_bytes;
            blocking(move || -> Result<_, CatalogError> {
                Ok((files.target()?, files.pending(batch)?, files.cursor()?))
            })
            .await?
        };
        let Some(target) = target else {
            return Ok(delivered);
        };
        let Some((last_line, end)) = pending.lines.last().cloned() else {
            return Ok(delivered);
        };
        let version = env!("CARGO_PKG_VERSION");
        let mut bytes = Vec::new();
        for (line, _) in &pending.lines {
            // A line cut short by a crash is no entry: skipped.
            if let Some(framed) = frame(line, version) {
                bytes.extend_from_slice(&framed);
            }
        }
        let sent = match tls_for(&target, store).await {
            Ok(tls) => send(&target, tls, &bytes, policy).await,
            Err(error) => Err(error),
        };
        let files = files.clone();
        let count = pending.lines.len();
        let now = keyward_core::rfc3339::to_the_second(Utc::now());
        match sent {
            Ok(()) => {
                let cursor = StreamCursor {
                    offset: end,
                    hash: Some(line_hash(&last_line)),
                    delivered: cursor.delivered + count as u64,
                    last_delivered_at: Some(now),
                    last_error: None,
                    last_error_at: None,
                };
                blocking(move || files.save_cursor(&cursor)).await?;
                delivered.lines += count;
            }
            Err(error) => {
                let cursor = StreamCursor {
                    last_error: Some(error.to_string()),
                    last_error_at: Some(now),
                    ..cursor
                };
                // The failure matters more than saying so.
                let _ = blocking(move || files.save_cursor(&cursor)).await;
                return Err(error);
            }
        }
    }
}

/// Holds the stream's lock file while a round sends; `None` when another
/// process holds it.
fn take_lock(files: &StreamFiles) -> Result<Option<std::fs::File>, FileError> {
    let path = files.lock_path();
    keyward_core::private_files::private_dir(files.dir())?;
    let file = keyward_core::private_files::open_append(&path)?;
    match file.try_lock() {
        Ok(()) => Ok(Some(file)),
        Err(std::fs::TryLockError::WouldBlock) => Ok(None),
        Err(std::fs::TryLockError::Error(source)) => Err(FileError::io("lock", &path)(source)),
    }
}

async fn blocking<T: Send + 'static, E: Send + 'static>(
    work: impl FnOnce() -> Result<T, E> + Send + 'static,
) -> Result<T, StreamError>
where
    StreamError: From<E>,
{
    match tokio::task::spawn_blocking(work).await {
        Ok(result) => result.map_err(StreamError::from),
        Err(e) => Err(StreamError::Files(
            FileError::io(
                "read",
                std::path::Path::new(keyward_core::siem::CURSOR_FILE),
            )(std::io::Error::other(e))
            .into(),
        )),
    }
}

/// The TLS configuration for `target`: `None` in plain TCP. Built off the
/// async threads (it reads the chosen files and the keychain).
pub async fn tls_for(
    target: &StreamTarget,
    store: &SharedStore,
) -> Result<Option<StreamTls>, StreamError> {
    use crate::siem_tls::ConfigError;
    if !target.tls {
        return Ok(None);
    }
    let address = target.address();
    let (target, store) = (target.clone(), store.clone());
    match tokio::task::spawn_blocking(move || crate::siem_tls::client_config(&target, &*store))
        .await
    {
        Ok(Ok(tls)) => Ok(Some(tls)),
        Ok(Err(ConfigError::Certificate(e))) => Err(StreamError::Certificates {
            address,
            detail: e.to_string(),
        }),
        Ok(Err(ConfigError::Tls(detail))) => Err(StreamError::Tls { address, detail }),
        Err(e) => Err(StreamError::Tls {
            address,
            detail: e.to_string(),
        }),
    }
}

/// Tries the connection to `target` as the stream makes it (TLS with its
/// certificates), sending nothing: Settings' "Test". `Ok` when the server
/// took the connection and closed it when Keyward did.
pub async fn test_connection(
    target: &StreamTarget,
    store: &SharedStore,
    policy: &StreamPolicy,
) -> Result<(), StreamError> {
    let tls = tls_for(target, store).await?;
    send(target, tls.clone(), b"", policy).await?;
    // A server that requires a certificate may close an empty connection
    // as politely as one that took it.
    match tls {
        Some(tls) if tls.client.asked() && !tls.client.has_certificate() => {
            Err(StreamError::ClientCertificateWanted {
                address: target.address(),
                detail: "the server asks for a client certificate and Keyward has none".into(),
            })
        }
        _ => Ok(()),
    }
}

/// Sends `bytes` over one connection to `target` (TLS with `tls`, plain
/// TCP without) and waits until the server has read them all (it closes
/// its side after ours).
pub async fn send(
    target: &StreamTarget,
    tls: Option<StreamTls>,
    bytes: &[u8],
    policy: &StreamPolicy,
) -> Result<(), StreamError> {
    let address = target.address();
    let timed_out = || StreamError::TimedOut {
        address: address.clone(),
        seconds: policy.timeout.as_secs(),
    };
    let tcp = tokio::time::timeout(
        policy.timeout,
        TcpStream::connect((target.host.as_str(), target.port)),
    )
    .await
    .map_err(|_| timed_out())?
    .map_err(|e| StreamError::Unreachable {
        address: address.clone(),
        detail: e.to_string(),
    })?;
    let Some(StreamTls { config, client }) = tls else {
        return finish(tcp, bytes, policy, &address).await;
    };
    let words = Words {
        own_ca: target.ca.is_some(),
        client_cert: target.client_cert.is_some(),
    };
    let name = tokio_rustls::rustls::pki_types::ServerName::try_from(target.host.clone()).map_err(
        |e| StreamError::Tls {
            address: address.clone(),
            detail: e.to_string(),
        },
    )?;
    let tls = tokio::time::timeout(
        policy.timeout,
        tokio_rustls::TlsConnector::from(config).connect(name, tcp),
    )
    .await
    .map_err(|_| StreamError::Tls {
        address: address.clone(),
        detail: format!(
            "the server did not answer the TLS handshake within {} s: it may not take TLS on that port",
            policy.timeout.as_secs()
        ),
    })?
    .map_err(|e| words.error(address.clone(), &e.to_string()))?;
    // In TLS 1.3 a server refuses a client certificate (or its absence)
    // after the handshake: its alert comes with the first read or write,
    // or (rsyslog) it just drops the connection after asking for one.
    finish(tls, bytes, policy, &address)
        .await
        .map_err(|e| match e {
            StreamError::Dropped { address, detail } if detail.contains("alert") => {
                words.error(address, &detail)
            }
            StreamError::Dropped { address, detail } if client.asked() => {
                words.dropped_after_asking(address, &detail)
            }
            e => e,
        })
}

/// What the stream's TLS set-up is, to say what a failure means.
#[derive(Debug, Clone, Copy)]
struct Words {
    /// A certificate authority of its own was chosen.
    own_ca: bool,
    /// A client certificate was chosen.
    client_cert: bool,
}

/// Whose certificate a TLS failure is about, which says what the person
/// can do about it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Whose {
    /// The server's certificate, or TLS itself: the server's side.
    Server,
    /// The server wants a client certificate and Keyward showed none.
    ClientWanted,
    /// The server refused Keyward's client certificate.
    ClientRefused,
}

impl Whose {
    /// The error that says it, with `detail` in words.
    fn error(self, address: String, detail: String) -> StreamError {
        match self {
            Self::Server => StreamError::Tls { address, detail },
            Self::ClientWanted => StreamError::ClientCertificateWanted { address, detail },
            Self::ClientRefused => StreamError::ClientCertificateRefused { address, detail },
        }
    }
}

impl Words {
    /// A TLS failure rustls reported as `detail`, as the error that says
    /// whose certificate it is about.
    fn error(self, address: String, detail: &str) -> StreamError {
        let (whose, words) = self.say(detail);
        whose.error(address, words)
    }

    /// The server dropped the connection after it asked for a client
    /// certificate.
    fn dropped_after_asking(self, address: String, detail: &str) -> StreamError {
        if self.client_cert {
            Whose::ClientRefused.error(
                address,
                format!(
                    "it asked for the certificate and then closed the connection, probably because it is not signed by an authority it trusts, expired, or revoked: {detail}"
                ),
            )
        } else {
            Whose::ClientWanted.error(
                address,
                format!(
                    "the server wants a client certificate: it asked for one and closed the connection: {detail}"
                ),
            )
        }
    }

    /// What rustls said, in words where it is a common case, and whose
    /// certificate it is about.
    fn say(self, detail: &str) -> (Whose, String) {
        const REFUSED: [&str; 6] = [
            "BadCertificate",
            "UnknownCA",
            "CertificateUnknown",
            "AccessDenied",
            "HandshakeFailure",
            "DecryptError",
        ];
        // The server's alert about Keyward's certificate ("received fatal
        // alert: CertificateExpired") is not the server's own certificate
        // ("invalid peer certificate: Expired").
        let alert = detail.contains("alert");
        let (whose, words) = if detail.contains("UnknownIssuer") {
            if self.own_ca {
                (
                    Whose::Server,
                    "its certificate is not trusted: it is not signed by the certificate authority chosen for the audit stream",
                )
            } else {
                (
                    Whose::Server,
                    "its certificate is not from an authority this computer trusts",
                )
            }
        } else if detail.contains("NotValidForName") {
            (Whose::Server, "its certificate is for another name")
        } else if !alert && detail.contains("Expired") {
            (Whose::Server, "its certificate has expired")
        } else if detail.contains("CertificateRequired")
            || (!self.client_cert && detail.contains("HandshakeFailure"))
        {
            (Whose::ClientWanted, "the server wants a client certificate")
        } else if self.client_cert
            && (REFUSED.iter().any(|refusal| detail.contains(refusal))
                || (alert
                    && (detail.contains("CertificateExpired")
                        || detail.contains("CertificateRevoked"))))
        {
            (
                Whose::ClientRefused,
                "not signed by an authority it trusts, expired, or revoked",
            )
        } else if detail.contains("corrupt message") || detail.contains("InvalidContentType") {
            (
                Whose::Server,
                "the server does not answer in TLS on that port",
            )
        } else {
            return (Whose::Server, detail.to_owned());
        };
        (whose, format!("{words}: {detail}"))
    }
}

/// Writes `bytes`, closes this side, and waits for the server to close its
/// side: it has then read everything before the close.
async fn finish<S: AsyncRead + AsyncWrite + Unpin>(
    mut stream: S,
    bytes: &[u8],
    policy: &StreamPolicy,
    address: &str,
) -> Result<(), StreamError> {
    let dropped = |e: std::io::Error| StreamError::Dropped {
        address: address.to_owned(),
        detail: e.to_string(),
    };
    let timed_out = || StreamError::TimedOut {
        address: address.to_owned(),
        seconds: policy.timeout.as_secs(),
    };
    tokio::time::timeout(policy.timeout, async {
        stream.write_all(bytes).await?;
        stream.flush().await?;
        stream.shutdown().await
    })
    .await
    .map_err(|_| timed_out())?
    .map_err(dropped)?;
    let mut sink = [0u8; 512];
    tokio::time::timeout(policy.timeout, async {
        loop {
            match stream.read(&mut sink).await {
                Ok(0) => return Ok(()),
                Ok(_) => {}
                // A TLS server that closes without close_notify has still read it all.
                Err(e) if e.kind() == std::io::ErrorKind::UnexpectedEof => return Ok(()),
                Err(e) => return Err(e),
            }
        }
    })
    .await
    .map_err(|_| timed_out())?
    .map_err(dropped)
}

/// Handle of the running stream task; dropping it stops the task, after
/// the batch being sent (if any) is finished and recorded, waiting at most
/// the time one batch may take (connect, write, the closing wait).
pub struct StreamTask {
    stop: watch::Sender<bool>,
    /// Says when the task's thread has ended.
    ended: Option<std::sync::Mutex<std::sync::mpsc::Receiver<()>>>,
    /// The longest wait for it when dropped.
    drain: Duration,
}

impl StreamTask {
    /// Starts sending the audit log in the data folder `dir`, and again
    /// whenever the log or the stream's target changes; `store` is the
    /// keychain that holds the client certificate's key, if there is one.
    pub fn start(dir: PathBuf, store: SharedStore) -> Self {
        Self::start_with(dir, store, StreamPolicy::default())
    }

    /// [`StreamTask::start`] with an explicit policy. The task runs on a
    /// thread of its own with its own small runtime, so that no other work
    /// of the process (the reminders, the tray, the team vault) can hold
    /// its time limits back, and it holds none of theirs.
    pub fn start_with(dir: PathBuf, store: SharedStore, policy: StreamPolicy) -> Self {
        let (stop, mut stopped) = watch::channel(false);
        let (ended_tx, ended) = std::sync::mpsc::channel::<()>();
        let changed = Arc::new(Notify::new());
        let files = StreamFiles::in_dir(&dir);
        let watcher = watch_log(&files, changed.clone());
        let run = async move {
            let _watcher = watcher;
            let mut failures = 0u32;
            loop {
                let wait = match deliver_pending(&files, &store, &policy).await {
                    Ok(delivered) if delivered.busy => {
                        failures = 0;
                        Some(policy.first_backoff * 5)
                    }
                    Ok(_) => {
                        failures = 0;
                        None
                    }
                    Err(error) => {
                        failures += 1;
                        if failures == 1 || failures.is_power_of_two() {
                            keyward_core::note!("keyward: audit stream: {error}");
                        }
                        Some(policy.backoff(failures))
                    }
                };
                match wait {
                    // Nothing waiting: sleep until the log or the target changes.
                    None => tokio::select! {
                        () = changed.notified() => {}
                        () = tokio::time::sleep(Duration::from_secs(3600)) => {}
                        _ = stopped.changed() => break,
                    },
                    Some(pause) => tokio::select! {
                        () = tokio::time::sleep(pause) => {}
                        _ = stopped.changed() => break,
                    },
                }
            }
        };
        let started = std::thread::Builder::new()
            .name("audit-stream".into())
            .spawn(move || {
                match tokio::runtime::Builder::new_current_thread()
                    .enable_all()
                    .build()
                {
                    Ok(runtime) => runtime.block_on(run),
                    Err(error) => keyward_core::note!(
                        "keyward: audit stream: entries are not sent while this Keyward runs ({error})"
                    ),
                }
                let _ = ended_tx.send(());
            });
        let ended = match started {
            Ok(_) => Some(std::sync::Mutex::new(ended)),
            Err(error) => {
                keyward_core::note!(
                    "keyward: audit stream: entries are not sent while this Keyward runs ({error})"
                );
                None
            }
        };
        Self {
            stop,
            ended,
            drain: policy.timeout * 3,
        }
    }
}

impl Drop for StreamTask {
    /// Stops the task and waits for a batch in flight to be finished and
    /// recorded: a process that exits (a logout, Quit) while the SIEM reads
    /// a batch would otherwise leave it delivered but not counted, and send
    /// it again on its next start.
    fn drop(&mut self) {
        let _ = self.stop.send(true);
        if let Some(ended) = self.ended.take() {
            let ended = ended
                .into_inner()
                .unwrap_or_else(std::sync::PoisonError::into_inner);
            let _ = ended.recv_timeout(self.drain);
        }
    }
}

/// Watches the data folder for changes to the audit log and the target.
fn watch_log(files: &StreamFiles, changed: Arc<Notify>) -> Option<notify::RecommendedWatcher> {
    use notify::Watcher;
    let (log, target) = (files.log_path(), files.target_path());
    let handler = move |event: notify::Result<notify::Event>| {
        if let Ok(event) = event
            && !matches!(event.kind, notify::EventKind::Access(_))
            && event.paths.iter().any(|p| p == &log || p == &target)
        {
            changed.notify_one();
        }
    };
    if keyward_core::private_files::private_dir(files.dir()).is_err() {
        return None;
    }
    let watched = notify::recommended_watcher(handler).and_then(|mut watcher| {
        watcher.watch(files.dir(), notify::RecursiveMode::NonRecursive)?;
        Ok(watcher)
    });
    match watched {
        Ok(watcher) => Some(watcher),
        Err(error) => {
            keyward_core::note!(
                "keyward: audit stream: new entries are sent within an hour (cannot watch the audit log: {error})"
            );
            None
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn common_tls_failures_are_said_in_words() {
        let system = Words {
            own_ca: false,
            client_cert: false,
        };
        let said = |words: Words, detail: &str| words.error("siem:6514".into(), detail).to_string();
        assert!(
            system
                .say("invalid peer certificate: UnknownIssuer")
                .1
                .starts_with("its certificate is not from an authority")
        );
        assert!(
            system
                .say("received corrupt message of type InvalidContentType")
                .1
                .starts_with("the server does not answer in TLS")
        );
        assert_eq!(system.say("something else").1, "something else");
        assert!(
            system
                .say("received fatal alert: CertificateRequired")
                .1
                .starts_with("the server wants a client certificate")
        );
        let own = Words {
            own_ca: true,
            client_cert: true,
        };
        assert!(
            own.say("invalid peer certificate: UnknownIssuer")
                .1
                .starts_with("its certificate is not trusted: it is not signed by the certificate authority chosen")
        );
        let refused = said(own, "received fatal alert: UnknownCA");
        assert!(
            refused
                .starts_with("The SIEM at siem:6514 did not accept Keyward's client certificate"),
            "{refused}"
        );
        // The server's problems say to check the server.
        for detail in [
            "invalid peer certificate: UnknownIssuer",
            "invalid peer certificate: Expired",
            "received corrupt message of type InvalidContentType",
        ] {
            assert!(
                said(own, detail).ends_with("its certificate is trusted by this computer."),
                "{detail}: {}",
                said(own, detail)
            );
        }
    }

    #[test]
    fn a_client_certificate_problem_says_so_and_what_to_do_not_to_check_the_server() {
        let own = Words {
            own_ca: true,
            client_cert: true,
        };
        let next = "Choose the certificate your security team gave you, and its key, again in Settings → Audit stream";
        for detail in [
            "received fatal alert: BadCertificate",
            "received fatal alert: UnknownCA",
            "received fatal alert: CertificateExpired",
            "received fatal alert: CertificateRevoked",
            "received fatal alert: DecryptError",
        ] {
            let error = own.error("siem:6514".into(), detail);
            assert!(
                matches!(error, StreamError::ClientCertificateRefused { .. }),
                "{detail}: {error:?}"
            );
            let said = error.to_string();
            assert!(
                said.contains("did not accept Keyward's client certificate")
                    && said.contains(next)
                    && !said.contains("trusted by this computer"),
                "{said}"
            );
        }
        let dropped = own
            .dropped_after_asking("siem:6514".into(), "Broken pipe (os error 32)")
            .to_string();
        assert!(
            dropped.contains("did not accept Keyward's client certificate")
                && dropped.contains(next),
            "{dropped}"
        );
        let none = Words {
            own_ca: true,
            client_cert: false,
        };
        for error in [
            none.error(
                "siem:6514".into(),
                "received fatal alert: CertificateRequired",
            ),
            none.error("siem:6514".into(), "received fatal alert: HandshakeFailure"),
            none.dropped_after_asking("siem:6514".into(), "Broken pipe (os error 32)"),
        ] {
            let said = error.to_string();
            assert!(
                matches!(error, StreamError::ClientCertificateWanted { .. })
                    && said.contains("the server wants a client certificate")
                    && said.contains(
                        "Choose the certificate your security team gave you, and its key, in Settings → Audit stream"
                    )
                    && !said.contains("trusted by this computer"),
                "{said}"
            );
        }
    }

    #[test]
    fn retries_back_off_from_one_second_to_five_minutes() {
        let policy = StreamPolicy::default();
        assert_eq!(policy.backoff(1), Duration::from_secs(1));
        assert_eq!(policy.backoff(2), Duration::from_secs(2));
        assert_eq!(policy.backoff(4), Duration::from_secs(8));
        assert_eq!(policy.backoff(10), Duration::from_secs(300));
        assert_eq!(policy.backoff(1000), Duration::from_secs(300));
    }
}
