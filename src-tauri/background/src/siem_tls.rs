//! The audit stream's certificates: a SIEM collector with its own
//! certificate authority, and one that wants to see a client certificate.
//! Reads and checks the PEM files a person chooses (`keyward audit stream
//! set --ca FILE --client-cert FILE --client-key FILE`, or Settings → Audit
//! stream), saves what settings keep, and builds the TLS configuration the
//! stream connects with.
//!
//! Promises:
//! - Parsing is rustls-pki-types' PEM reader, rustls' trust-anchor and
//!   key checks, and x509-cert for a certificate's subject and expiry: no
//!   hand-written parsing.
//! - A chosen file is opened without following a link, must be a regular
//!   file of at most 1 MiB (a larger one is refused by its size, unread),
//!   and must hold what it is chosen for: a CA file
//!   holds certificates (a key is refused), a client certificate file
//!   holds a certificate, the key file a private key that matches it. Any
//!   problem is one plain sentence, and nothing is changed: not the
//!   settings, not the keychain.
//! - The private key is read once, put in the keychain under
//!   [`CLIENT_KEY_ACCOUNT`] (service `app.keyward.desktop`), and never
//!   printed, logged, written to a file or shown again; settings keep only
//!   the certificates' paths, subjects, expiry dates and fingerprints.
//!   Turning the stream off, or removing the client certificate, removes
//!   the key from the keychain.
//! - An expired (or not yet valid) client certificate is taken with a
//!   warning: the person may be about to get its renewal; the server says
//!   if it refuses it.
//! - With a CA chosen, only that CA is trusted for the stream (not the
//!   system's certificates). At each connection the files are read again and
//!   must still hold the certificates chosen (same fingerprint): a file
//!   replaced behind Keyward's back is refused, in words, not trusted.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use chrono::{DateTime, TimeZone, Utc};
use keyward_core::catalog::CatalogError;
use keyward_core::keychain::{KeychainError, SecretStore};
use keyward_core::secret::Secret;
use keyward_core::siem::{CLIENT_KEY_ACCOUNT, CertificateFile, StreamFiles, StreamTarget};
use tokio_rustls::rustls::pki_types::pem::PemObject;
use tokio_rustls::rustls::pki_types::{CertificateDer, PrivateKeyDer};
use tokio_rustls::rustls::{self, ClientConfig, RootCertStore};

/// The largest certificate or key file read.
const MAX_FILE_BYTES: u64 = 1024 * 1024;

/// Why a certificate or key file was refused, or could not be used.
/// `Display` is a sentence for people; it never holds a key.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum CertificateError {
    /// There is no such file.
    #[error("There is no file {0}.")]
    Missing(PathBuf),
    /// The path is a symbolic link.
    #[error(
        "{0} is a link. Choose the file itself, so that nobody can change what the link points to."
    )]
    Link(PathBuf),
    /// The path is a folder, a device or a pipe.
    #[error("{0} is not a file.")]
    NotAFile(PathBuf),
    /// More than [`MAX_FILE_BYTES`].
    #[error("{0} is too large (over 1 MiB) to be a certificate or a key.")]
    TooLarge(PathBuf),
    /// The file could not be read.
    #[error("Keyward could not read {path} ({detail}).")]
    Unreadable {
        /// The file.
        path: PathBuf,
        /// What the system said.
        detail: String,
    },
    /// No PEM certificate in the file (or not one rustls takes).
    #[error(
        "{path} is not a certificate: choose a PEM file that starts with -----BEGIN CERTIFICATE-----{detail}."
    )]
    NotACertificate {
        /// The file.
        path: PathBuf,
        /// More, when there is more to say.
        detail: String,
    },
    /// A private key was given as a certificate authority.
    #[error(
        "{0} holds a private key, not a certificate authority's certificate. Choose the CA's certificate (it is public); a private key never belongs here."
    )]
    KeyAsCertificate(PathBuf),
    /// No PEM private key in the key file.
    #[error(
        "{0} is not a private key: choose the PEM file that starts with -----BEGIN PRIVATE KEY----- (or RSA / EC PRIVATE KEY), not encrypted."
    )]
    NotAKey(PathBuf),
    /// The key is not the certificate's.
    #[error(
        "The private key in {key} does not belong to the certificate in {certificate}. Choose the key that was made with that certificate."
    )]
    KeyMismatch {
        /// The certificate file.
        certificate: PathBuf,
        /// The key file.
        key: PathBuf,
    },
    /// A key of a kind rustls cannot sign with.
    #[error("Keyward cannot use the private key in {path} ({detail}).")]
    UnusableKey {
        /// The key file.
        path: PathBuf,
        /// What rustls said.
        detail: String,
    },
    /// The file no longer holds the certificate chosen.
    #[error(
        "{path} no longer holds the certificate chosen for the audit stream ({subject}). If it was renewed, choose it again in Settings → Audit stream or with `keyward audit stream set`."
    )]
    Changed {
        /// The file.
        path: PathBuf,
        /// The subject of the certificate chosen.
        subject: String,
    },
    /// The client certificate's key is not in the keychain.
    #[error(
        "The private key of the audit stream's client certificate is no longer in {keychain}. Choose the certificate and its key again in Settings → Audit stream or with `keyward audit stream set`.",
        keychain = keyward_core::keychain::store_name::YOUR_IN
    )]
    KeyNotInKeychain,
    /// The keychain failed.
    #[error(transparent)]
    Keychain(#[from] KeychainError),
}

/// A client certificate read and checked, with its key (only ever on its
/// way into the keychain).
pub struct ClientCertificate {
    /// What settings keep.
    pub file: CertificateFile,
    /// The private key, PEM.
    key: Secret,
    /// Said to the person, not refused (an expired certificate).
    pub warnings: Vec<String>,
}

impl std::fmt::Debug for ClientCertificate {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ClientCertificate")
            .field("file", &self.file)
            .field("key", &"<redacted>")
            .finish()
    }
}

/// Reads a file chosen by the person with the import's reader (never
/// through a link, only a regular file, into a buffer wiped when dropped),
/// at most [`MAX_FILE_BYTES`]: a larger file is refused by its size before
/// it is opened, and one that grows meanwhile is read no further than that.
fn read_chosen(path: &Path) -> Result<keyward_core::import::SourceBytes, CertificateError> {
    use keyward_core::import::ImportError;
    keyward_core::import::read_source_within(path, MAX_FILE_BYTES).map_err(|e| match e {
        ImportError::Missing(_) => CertificateError::Missing(path.to_owned()),
        ImportError::NotAFile { what, .. } if what.contains("link") => {
            CertificateError::Link(path.to_owned())
        }
        ImportError::NotAFile { .. } => CertificateError::NotAFile(path.to_owned()),
        ImportError::TooLarge(_) => CertificateError::TooLarge(path.to_owned()),
        ImportError::File(keyward_core::private_files::FileError::Io { source, .. }) => {
            CertificateError::Unreadable {
                path: path.to_owned(),
                detail: source.to_string(),
            }
        }
        other => CertificateError::Unreadable {
            path: path.to_owned(),
            detail: other.to_string(),
        },
    })
}

/// Every PEM certificate in `bytes` (none is `NotACertificate`).
fn certificates(
    path: &Path,
    bytes: &[u8],
) -> Result<Vec<CertificateDer<'static>>, CertificateError> {
    let mut found = Vec::new();
    for item in CertificateDer::pem_slice_iter(bytes) {
        match item {
            Ok(cert) => found.push(cert),
            Err(e) => {
                return Err(CertificateError::NotACertificate {
                    path: path.to_owned(),
                    detail: format!(" ({e})"),
                });
            }
        }
    }
    if found.is_empty() {
        return Err(CertificateError::NotACertificate {
            path: path.to_owned(),
            detail: String::new(),
        });
    }
    Ok(found)
}

/// What settings keep about the first certificate of a file.
fn describe(
    path: &Path,
    cert: &CertificateDer<'_>,
) -> Result<(CertificateFile, DateTime<Utc>, DateTime<Utc>), CertificateError> {
    use x509_cert::der::Decode as _;
    let parsed = x509_cert::Certificate::from_der(cert.as_ref()).map_err(|e| {
        CertificateError::NotACertificate {
            path: path.to_owned(),
            detail: format!(" (its certificate cannot be read: {e})"),
        }
    })?;
    let validity = &parsed.tbs_certificate.validity;
    let time = |t: &x509_cert::time::Time| DateTime::<Utc>::from(t.to_system_time());
    let (not_before, not_after) = (time(&validity.not_before), time(&validity.not_after));
    let subject = parsed.tbs_certificate.subject.to_string();
    Ok((
        CertificateFile {
            path: path.display().to_string(),
            subject: if subject.is_empty() {
                "(no subject)".into()
            } else {
                subject
            },
            sha256: CertificateFile::fingerprint(cert.as_ref()),
            not_after,
        },
        not_before,
        not_after,
    ))
}

/// The calendar day of `at` in `tz` (the person's), as `keyward audit
/// stream status` says it.
fn day<Tz: TimeZone>(at: DateTime<Utc>, tz: &Tz) -> String {
    keyward_core::local_time::local_text_of(at, tz, false)
}

/// Reads and checks a certificate authority file: PEM certificates that
/// rustls takes as trust anchors. Returns what settings keep, and warnings
/// (dates in them on the calendar of `now`'s time zone, the person's).
pub fn read_ca<Tz: TimeZone>(
    path: &Path,
    now: &DateTime<Tz>,
) -> Result<(CertificateFile, Vec<String>), CertificateError> {
    let bytes = read_chosen(path)?;
    if PrivateKeyDer::from_pem_slice(&bytes).is_ok() {
        return Err(CertificateError::KeyAsCertificate(path.to_owned()));
    }
    let certs = certificates(path, &bytes)?;
    roots(path, &certs)?;
    let (file, _, not_after) = describe(path, &certs[0])?;
    let mut warnings = Vec::new();
    if not_after < *now {
        warnings.push(format!(
            "The certificate authority {} expired on {}: servers whose certificates it signed are not trusted until it is renewed.",
            file.subject,
            day(not_after, &now.timezone())
        ));
    }
    Ok((file, warnings))
}

fn roots(
    path: &Path,
    certs: &[CertificateDer<'static>],
) -> Result<RootCertStore, CertificateError> {
    let mut roots = RootCertStore::empty();
    for cert in certs {
        roots
            .add(cert.clone())
            .map_err(|e| CertificateError::NotACertificate {
                path: path.to_owned(),
                detail: format!(" (rustls cannot trust it: {e})"),
            })?;
    }
    Ok(roots)
}

/// Reads and checks a client certificate and its private key: the
/// certificate file holds a certificate (and maybe its chain), the key
/// file a private key that matches it. Dates in warnings are on the
/// calendar of `now`'s time zone (the person's).
pub fn read_client<Tz: TimeZone>(
    certificate: &Path,
    key: &Path,
    now: &DateTime<Tz>,
) -> Result<ClientCertificate, CertificateError> {
    let cert_bytes = read_chosen(certificate)?;
    let chain = certificates(certificate, &cert_bytes)?;
    let key_bytes = read_chosen(key)?;
    let key_der = PrivateKeyDer::from_pem_slice(&key_bytes)
        .map_err(|_| CertificateError::NotAKey(key.to_owned()))?;
    certified(certificate, key, chain.clone(), key_der)?;
    let (file, not_before, not_after) = describe(certificate, &chain[0])?;
    let mut warnings = Vec::new();
    if not_after < *now {
        warnings.push(format!(
            "Warning: the client certificate {} expired on {}. The SIEM will probably refuse it; ask for a renewed one.",
            file.subject,
            day(not_after, &now.timezone())
        ));
    } else if *now < not_before {
        warnings.push(format!(
            "Warning: the client certificate {} is valid only from {}.",
            file.subject,
            day(not_before, &now.timezone())
        ));
    }
    // The key goes on as text, only to the keychain.
    let key_text = std::str::from_utf8(&key_bytes)
        .map_err(|_| CertificateError::NotAKey(key.to_owned()))?
        .to_owned();
    Ok(ClientCertificate {
        file,
        key: Secret::new(key_text),
        warnings,
    })
}

fn provider() -> Arc<rustls::crypto::CryptoProvider> {
    Arc::new(rustls::crypto::aws_lc_rs::default_provider())
}

/// rustls' own check that `key` is the key of `chain`'s first certificate.
fn certified(
    certificate: &Path,
    key: &Path,
    chain: Vec<CertificateDer<'static>>,
    key_der: PrivateKeyDer<'static>,
) -> Result<(), CertificateError> {
    match rustls::sign::CertifiedKey::from_der(chain, key_der, &provider()) {
        Ok(_) => Ok(()),
        Err(rustls::Error::InconsistentKeys(_)) => Err(CertificateError::KeyMismatch {
            certificate: certificate.to_owned(),
            key: key.to_owned(),
        }),
        Err(rustls::Error::InvalidCertificate(e)) => Err(CertificateError::NotACertificate {
            path: certificate.to_owned(),
            detail: format!(" (rustls cannot use the certificate in it: {e:?})"),
        }),
        Err(e) => Err(CertificateError::UnusableKey {
            path: key.to_owned(),
            detail: e.to_string(),
        }),
    }
}

/// A change to one of the stream's certificates.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Choice<T> {
    /// Keep what is set (nothing, or the one chosen before).
    Keep,
    /// Remove it.
    Remove,
    /// Use this one.
    Set(T),
}

/// Why the stream could not be set up. `Display` is a sentence for people.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum SetupError {
    /// The address or the TLS choice was refused.
    #[error(transparent)]
    Target(#[from] keyward_core::siem::TargetError),
    /// A certificate or key was refused.
    #[error(transparent)]
    Certificate(#[from] CertificateError),
    /// Certificates kept for a stream in plain TCP.
    #[error(
        "The audit stream has a certificate authority or a client certificate, which only TLS uses. Add --tls, or remove them with --no-ca and --no-client-cert."
    )]
    CertificatesNeedTls,
    /// Keyward's own files failed.
    #[error(transparent)]
    Files(#[from] CatalogError),
}

/// What setting up the stream did.
#[derive(Debug, Clone)]
pub struct Setup {
    /// The target before (`None`: the stream was off).
    pub before: Option<StreamTarget>,
    /// The target now.
    pub target: StreamTarget,
    /// Things to tell the person (an expired certificate).
    pub warnings: Vec<String>,
}

impl Setup {
    /// The Settings change as the audit log says it: where entries went
    /// and go, and each certificate chosen, changed or removed
    /// ("audit_stream: off → siem:6514 over TLS; certificate authority
    /// chosen: CN=SIEM CA; client certificate removed").
    pub fn audit_detail(&self) -> String {
        let was = self
            .before
            .as_ref()
            .map_or_else(|| "off".to_owned(), StreamTarget::describe);
        let mut detail = format!("audit_stream: {was} → {}", self.target.describe());
        let before = self.before.as_ref();
        for (what, old, new) in [
            (
                "certificate authority",
                before.and_then(|t| t.ca.as_ref()),
                self.target.ca.as_ref(),
            ),
            (
                "client certificate",
                before.and_then(|t| t.client_cert.as_ref()),
                self.target.client_cert.as_ref(),
            ),
        ] {
            match (old, new) {
                (None, Some(new)) => detail.push_str(&format!("; {what} chosen: {}", new.subject)),
                (Some(old), Some(new)) if old != new => {
                    detail.push_str(&format!("; {what} changed: {}", new.subject));
                }
                (Some(_), None) => detail.push_str(&format!("; {what} removed")),
                _ => {}
            }
        }
        detail
    }
}

/// Sets the stream's target with its certificates. Every file is read and
/// checked before anything changes; a new client key goes into the
/// keychain, then the settings are written; a removed one leaves the
/// keychain after. `Keep` keeps what was set before. `now` is the person's
/// time (`chrono::Local::now()`): warnings give dates on their calendar.
pub fn set_up<S: SecretStore + ?Sized, Tz: TimeZone>(
    files: &StreamFiles,
    store: &S,
    mut target: StreamTarget,
    ca: Choice<PathBuf>,
    client: Choice<(PathBuf, PathBuf)>,
    from_start: bool,
    now: &DateTime<Tz>,
) -> Result<Setup, SetupError> {
    let before = files.target()?;
    let mut warnings = Vec::new();
    target.ca = match ca {
        Choice::Keep => before.as_ref().and_then(|t| t.ca.clone()),
        Choice::Remove => None,
        Choice::Set(path) => {
            let (file, said) = read_ca(&path, now)?;
            warnings.extend(said);
            Some(file)
        }
    };
    let mut new_key = None;
    let removing_key = matches!(client, Choice::Remove);
    target.client_cert = match client {
        Choice::Keep => before.as_ref().and_then(|t| t.client_cert.clone()),
        Choice::Remove => None,
        Choice::Set((certificate, key)) => {
            let read = read_client(&certificate, &key, now)?;
            warnings.extend(read.warnings);
            new_key = Some(read.key);
            Some(read.file)
        }
    };
    if !target.tls && (target.ca.is_some() || target.client_cert.is_some()) {
        return Err(SetupError::CertificatesNeedTls);
    }
    if let Some(key) = &new_key {
        store
            .put(CLIENT_KEY_ACCOUNT, key)
            .map_err(CertificateError::from)?;
    }
    files.set_target(&target, from_start)?;
    if removing_key {
        store
            .remove(CLIENT_KEY_ACCOUNT)
            .map_err(CertificateError::from)?;
    }
    Ok(Setup {
        before,
        target,
        warnings,
    })
}

/// Turns the stream off and removes its client key from the keychain.
/// Returns the target it had.
pub fn turn_off<S: SecretStore + ?Sized>(
    files: &StreamFiles,
    store: &S,
) -> Result<Option<StreamTarget>, SetupError> {
    let before = files.target()?;
    files.turn_off()?;
    if before.as_ref().is_some_and(|t| t.client_cert.is_some()) {
        store
            .remove(CLIENT_KEY_ACCOUNT)
            .map_err(CertificateError::from)?;
    }
    Ok(before)
}

/// Shows the server the client certificate, if there is one, and notes
/// whether the server asked for one: a server that requires one may close
/// the connection without a word (rsyslog does), and this is how Keyward
/// can still say why.
#[derive(Debug)]
pub struct ClientCertificateAsked {
    key: Option<Arc<rustls::sign::CertifiedKey>>,
    asked: std::sync::atomic::AtomicBool,
}

impl ClientCertificateAsked {
    /// Whether a server asked for a client certificate on a connection
    /// made with this configuration.
    pub fn asked(&self) -> bool {
        self.asked.load(std::sync::atomic::Ordering::SeqCst)
    }

    /// Whether there is a client certificate to show.
    pub fn has_certificate(&self) -> bool {
        self.key.is_some()
    }
}

impl rustls::client::ResolvesClientCert for ClientCertificateAsked {
    fn resolve(
        &self,
        _root_hint_subjects: &[&[u8]],
        _sigschemes: &[rustls::SignatureScheme],
    ) -> Option<Arc<rustls::sign::CertifiedKey>> {
        self.asked.store(true, std::sync::atomic::Ordering::SeqCst);
        self.key.clone()
    }

    fn has_certs(&self) -> bool {
        self.key.is_some()
    }
}

/// A TLS configuration for the stream, and what the server asked of it.
#[derive(Debug, Clone)]
pub struct StreamTls {
    /// The configuration to connect with.
    pub config: Arc<ClientConfig>,
    /// The client certificate, and whether the server asked for one.
    pub client: Arc<ClientCertificateAsked>,
}

/// The TLS configuration for `target` (blocking: it reads files and the
/// keychain). Only the chosen CA is trusted when there is one, else the
/// platform's verifier; the client certificate is shown when there is one.
pub fn client_config<S: SecretStore + ?Sized>(
    target: &StreamTarget,
    store: &S,
) -> Result<StreamTls, ConfigError> {
    let builder = ClientConfig::builder_with_provider(provider())
        .with_safe_default_protocol_versions()
        .map_err(|e| ConfigError::Tls(e.to_string()))?;
    let builder = match &target.ca {
        Some(chosen) => {
            let (path, certs) = still_chosen(chosen)?;
            builder.with_root_certificates(roots(&path, &certs)?)
        }
        None => {
            use rustls_platform_verifier::BuilderVerifierExt;
            builder
                .with_platform_verifier()
                .map_err(|e| ConfigError::Tls(e.to_string()))?
        }
    };
    let with = |key: Option<rustls::sign::CertifiedKey>| {
        let client = Arc::new(ClientCertificateAsked {
            key: key.map(Arc::new),
            asked: false.into(),
        });
        StreamTls {
            config: Arc::new(builder.with_client_cert_resolver(client.clone())),
            client,
        }
    };
    let Some(chosen) = &target.client_cert else {
        return Ok(with(None));
    };
    let (path, chain) = still_chosen(chosen)?;
    let key = match store.get(CLIENT_KEY_ACCOUNT) {
        Ok(key) => key,
        Err(KeychainError::NotFound) => return Err(CertificateError::KeyNotInKeychain.into()),
        Err(e) => return Err(CertificateError::from(e).into()),
    };
    let key_der = PrivateKeyDer::from_pem_slice(key.expose().as_bytes())
        .map_err(|_| CertificateError::KeyNotInKeychain)?;
    rustls::sign::CertifiedKey::from_der(chain, key_der, &provider())
        .map(|key| with(Some(key)))
        .map_err(|e| match e {
            rustls::Error::InconsistentKeys(_) => CertificateError::Changed {
                path,
                subject: chosen.subject.clone(),
            }
            .into(),
            e => ConfigError::Tls(e.to_string()),
        })
}

/// The certificates in the file `chosen` names, read again, whose first is
/// still the one chosen (same fingerprint).
fn still_chosen(
    chosen: &CertificateFile,
) -> Result<(PathBuf, Vec<CertificateDer<'static>>), CertificateError> {
    let path = PathBuf::from(&chosen.path);
    let certs = certificates(&path, &read_chosen(&path)?)?;
    same(&path, chosen, &certs[0])?;
    Ok((path, certs))
}

/// `certs[0]` is the certificate chosen.
fn same(
    path: &Path,
    chosen: &CertificateFile,
    cert: &CertificateDer<'_>,
) -> Result<(), CertificateError> {
    if CertificateFile::fingerprint(cert.as_ref()) == chosen.sha256 {
        Ok(())
    } else {
        Err(CertificateError::Changed {
            path: path.to_owned(),
            subject: chosen.subject.clone(),
        })
    }
}

/// Why no TLS configuration could be built.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ConfigError {
    /// A certificate file or the key in the keychain.
    #[error(transparent)]
    Certificate(#[from] CertificateError),
    /// rustls or the platform verifier.
    #[error("{0}")]
    Tls(String),
}

#[cfg(test)]
mod tests {
    use super::*;
    use keyward_core::memory_store::MemoryStore;

    /// Certificates made by the openssl tool, as an organisation's would be.
    struct Pki {
        dir: tempfile::TempDir,
    }

    impl Pki {
        fn new() -> Self {
            let pki = Self {
                dir: tempfile::tempdir().unwrap(),
            };
            pki.openssl(&[
                "req",
                "-x509",
                "-newkey",
                "ec",
                "-pkeyopt",
                "ec_paramgen_curve:prime256v1",
                "-nodes",
                "-keyout",
                "ca.key",
                "-out",
                "ca.pem",
                "-days",
                "2",
                "-subj",
                "/CN=Test SIEM CA/O=Example",
            ]);
            std::fs::write(
                pki.path("client.ext"),
                "basicConstraints=CA:FALSE\nextendedKeyUsage=clientAuth\nkeyUsage=critical,digitalSignature\n",
            )
            .unwrap();
            for name in ["client", "other", "old"] {
                pki.openssl(&[
                    "req",
                    "-newkey",
                    "ec",
                    "-pkeyopt",
                    "ec_paramgen_curve:prime256v1",
                    "-nodes",
                    "-keyout",
                    &format!("{name}.key"),
                    "-out",
                    &format!("{name}.csr"),
                    "-subj",
                    &format!("/CN=keyward-{name}"),
                ]);
                let (csr, pem) = (format!("{name}.csr"), format!("{name}.pem"));
                let mut sign = vec![
                    "x509",
                    "-req",
                    "-in",
                    &csr,
                    "-CA",
                    "ca.pem",
                    "-CAkey",
                    "ca.key",
                    "-CAcreateserial",
                    "-out",
                    &pem,
                    "-days",
                    "2",
                ];
                // "old" is an X.509 version 1 certificate (no extensions).
                if name != "old" {
                    sign.extend(["-extfile", "client.ext"]);
                }
                pki.openssl(&sign);
            }
            pki
        }

        fn openssl(&self, args: &[&str]) {
            let out = std::process::Command::new("openssl")
                .current_dir(self.dir.path())
                .args(args)
                .output()
                .expect("the openssl tool (.ci/deps)");
            assert!(
                out.status.success(),
                "openssl {args:?}: {}",
                String::from_utf8_lossy(&out.stderr)
            );
        }

        fn path(&self, name: &str) -> PathBuf {
            self.dir.path().join(name)
        }
    }

    fn now() -> DateTime<Utc> {
        Utc::now()
    }

    #[test]
    fn a_ca_file_is_read_for_its_subject_expiry_and_fingerprint() {
        let pki = Pki::new();
        let (file, warnings) = read_ca(&pki.path("ca.pem"), &now()).unwrap();
        assert!(file.subject.contains("CN=Test SIEM CA"), "{file:?}");
        assert_eq!(file.sha256.len(), 64);
        assert!(file.not_after > now());
        assert!(warnings.is_empty());
        let later = now() + chrono::Duration::days(30);
        let (_, warnings) = read_ca(&pki.path("ca.pem"), &later).unwrap();
        assert!(warnings[0].contains("expired"), "{warnings:?}");
    }

    #[test]
    fn expiry_dates_in_warnings_are_on_the_persons_calendar_not_utcs() {
        use chrono::Timelike as _;
        let pki = Pki::new();
        let (file, _) = read_ca(&pki.path("ca.pem"), &now()).unwrap();
        let not_after = file.not_after;
        // Kiritimati is UTC+14, Pago Pago UTC−11: at any hour one of them
        // is on another calendar day than UTC.
        let zone = if not_after.hour() >= 10 {
            chrono_tz::Pacific::Kiritimati
        } else {
            chrono_tz::Pacific::Pago_Pago
        };
        let (local, utc) = (
            not_after
                .with_timezone(&zone)
                .format("%Y-%m-%d")
                .to_string(),
            not_after.format("%Y-%m-%d").to_string(),
        );
        assert_ne!(local, utc, "the zone was chosen so that the days differ");
        let later = (now() + chrono::Duration::days(30)).with_timezone(&zone);
        let (_, ca) = read_ca(&pki.path("ca.pem"), &later).unwrap();
        let client = read_client(&pki.path("client.pem"), &pki.path("client.key"), &later)
            .unwrap()
            .warnings;
        let client_not_after =
            read_client(&pki.path("client.pem"), &pki.path("client.key"), &now())
                .unwrap()
                .file
                .not_after
                .with_timezone(&zone);
        // openssl's `-days 2`: valid from two days before its expiry.
        let client_not_before = (client_not_after - chrono::Duration::days(2))
            .format("%Y-%m-%d")
            .to_string();
        let client_not_after = client_not_after.format("%Y-%m-%d").to_string();
        assert!(
            ca[0].contains(&format!("expired on {local}")),
            "the CA's expiry in {zone}: {ca:?}"
        );
        assert!(
            client[0].contains(&format!("expired on {client_not_after}")),
            "the client certificate's expiry in {zone}: {client:?}"
        );
        let earlier = (now() - chrono::Duration::days(1)).with_timezone(&zone);
        let not_yet = read_client(&pki.path("client.pem"), &pki.path("client.key"), &earlier)
            .unwrap()
            .warnings;
        assert!(
            not_yet[0].contains(&format!("valid only from {client_not_before}")),
            "the client certificate's start in {zone}: {not_yet:?}"
        );
    }

    #[test]
    fn what_is_not_a_ca_certificate_is_refused_in_words() {
        let pki = Pki::new();
        std::fs::write(pki.path("notes.txt"), "hello\n").unwrap();
        let err = read_ca(&pki.path("notes.txt"), &now()).unwrap_err();
        assert!(err.to_string().contains("is not a certificate"), "{err}");
        let err = read_ca(&pki.path("ca.key"), &now()).unwrap_err();
        assert_eq!(err, CertificateError::KeyAsCertificate(pki.path("ca.key")));
        assert!(
            !err.to_string().contains("BEGIN PRIVATE"),
            "no key text: {err}"
        );
        let err = read_ca(&pki.path("missing.pem"), &now()).unwrap_err();
        assert_eq!(
            err.to_string(),
            format!("There is no file {}.", pki.path("missing.pem").display())
        );
        std::os::unix::fs::symlink(pki.path("ca.pem"), pki.path("link.pem")).unwrap();
        let err = read_ca(&pki.path("link.pem"), &now()).unwrap_err();
        assert!(err.to_string().contains("is a link"), "{err}");
        let err = read_ca(pki.dir.path(), &now()).unwrap_err();
        assert!(err.to_string().contains("is not a file"), "{err}");
        let mut broken = std::fs::read_to_string(pki.path("ca.pem")).unwrap();
        broken.replace_range(40..44, "!!!!");
        std::fs::write(pki.path("broken.pem"), broken).unwrap();
        let err = read_ca(&pki.path("broken.pem"), &now()).unwrap_err();
        assert!(err.to_string().contains("is not a certificate"), "{err}");
    }

    /// Whether `work` opens `path`, seen by inotify (through `notify`):
    /// a control file opened after it marks the end of what `work` did.
    fn opens(path: &Path, work: impl FnOnce()) -> bool {
        use notify::Watcher as _;
        use notify::event::{AccessKind, EventKind};
        let dir = path.parent().expect("in a folder");
        let control = dir.join("control.txt");
        std::fs::write(&control, "control\n").unwrap();
        let (tx, rx) = std::sync::mpsc::channel();
        let mut watcher = notify::recommended_watcher(tx).unwrap();
        watcher
            .watch(dir, notify::RecursiveMode::NonRecursive)
            .unwrap();
        work();
        std::fs::read(&control).unwrap();
        let mut opened = false;
        loop {
            let event = rx
                .recv_timeout(std::time::Duration::from_secs(10))
                .expect("inotify reports the control file's open")
                .unwrap();
            if !matches!(event.kind, EventKind::Access(AccessKind::Open(_))) {
                continue;
            }
            if event.paths.iter().any(|p| p == &control) {
                return opened;
            }
            opened |= event.paths.iter().any(|p| p == path);
        }
    }

    #[test]
    fn a_file_over_one_mib_is_refused_before_it_is_read() {
        let pki = Pki::new();
        // 2 MiB, sparse: within the import's limit, over the stream's.
        let large = pki.path("large.pem");
        std::fs::File::create(&large)
            .unwrap()
            .set_len(2 * 1024 * 1024)
            .unwrap();
        let mut refused = None;
        let opened = opens(&large, || {
            refused = Some(read_ca(&large, &now()).unwrap_err());
        });
        assert_eq!(refused, Some(CertificateError::TooLarge(large.clone())));
        assert_eq!(
            refused.unwrap().to_string(),
            format!(
                "{} is too large (over 1 MiB) to be a certificate or a key.",
                large.display()
            ),
            "the sentence is unchanged"
        );
        assert!(
            !opened,
            "its size alone refuses it: the file is never opened"
        );
        let opened = opens(&large, || {
            read_client(&pki.path("client.pem"), &large, &now()).unwrap_err();
        });
        assert!(!opened, "a key file too");
        // The control: a file read is seen.
        assert!(opens(&pki.path("ca.pem"), || {
            read_ca(&pki.path("ca.pem"), &now()).unwrap();
        }));
    }

    #[test]
    fn a_client_key_must_be_the_certificates_own() {
        let pki = Pki::new();
        let ok = read_client(&pki.path("client.pem"), &pki.path("client.key"), &now()).unwrap();
        assert!(ok.file.subject.contains("CN=keyward-client"), "{ok:?}");
        assert!(ok.warnings.is_empty());
        assert!(
            !format!("{ok:?}").contains("PRIVATE KEY"),
            "the key is never printed"
        );
        let err = read_client(&pki.path("client.pem"), &pki.path("other.key"), &now()).unwrap_err();
        assert!(matches!(err, CertificateError::KeyMismatch { .. }), "{err}");
        assert!(
            err.to_string()
                .contains("does not belong to the certificate"),
            "{err}"
        );
        let err =
            read_client(&pki.path("client.pem"), &pki.path("client.pem"), &now()).unwrap_err();
        assert_eq!(err, CertificateError::NotAKey(pki.path("client.pem")));
        let err =
            read_client(&pki.path("client.key"), &pki.path("client.key"), &now()).unwrap_err();
        assert!(err.to_string().contains("is not a certificate"), "{err}");
        let err = read_client(&pki.path("old.pem"), &pki.path("old.key"), &now()).unwrap_err();
        assert!(err.to_string().contains("is not a certificate"), "{err}");
        let later = now() + chrono::Duration::days(30);
        let expired =
            read_client(&pki.path("client.pem"), &pki.path("client.key"), &later).unwrap();
        assert!(
            expired.warnings[0].contains("expired"),
            "taken with a warning"
        );
    }

    #[test]
    fn the_key_goes_to_the_keychain_only_and_bad_input_changes_nothing() {
        let pki = Pki::new();
        let data = tempfile::tempdir().unwrap();
        let files = StreamFiles::in_dir(data.path());
        let store = MemoryStore::default();
        let target = StreamTarget::parse("siem.example:6514", true, false).unwrap();
        let setup = set_up(
            &files,
            &store,
            target.clone(),
            Choice::Set(pki.path("ca.pem")),
            Choice::Set((pki.path("client.pem"), pki.path("client.key"))),
            false,
            &now(),
        )
        .unwrap();
        assert!(setup.target.ca.is_some() && setup.target.client_cert.is_some());
        let key = std::fs::read_to_string(pki.path("client.key")).unwrap();
        assert_eq!(store.get(CLIENT_KEY_ACCOUNT).unwrap().expose(), key);
        let saved = std::fs::read_to_string(files.target_path()).unwrap();
        assert!(
            !saved.contains("PRIVATE KEY") && saved.contains("keyward-client"),
            "{saved}"
        );
        client_config(&files.target().unwrap().unwrap(), &store).expect("usable");

        // A wrong key: refused, nothing changed.
        let err = set_up(
            &files,
            &store,
            target.clone(),
            Choice::Keep,
            Choice::Set((pki.path("client.pem"), pki.path("other.key"))),
            false,
            &now(),
        )
        .unwrap_err();
        assert!(err.to_string().contains("does not belong"), "{err}");
        assert_eq!(std::fs::read_to_string(files.target_path()).unwrap(), saved);
        assert_eq!(store.get(CLIENT_KEY_ACCOUNT).unwrap().expose(), key);

        // Kept when not named; plain TCP with them is refused.
        let kept = set_up(
            &files,
            &store,
            target,
            Choice::Keep,
            Choice::Keep,
            false,
            &now(),
        )
        .unwrap();
        assert!(kept.target.ca.is_some() && kept.target.client_cert.is_some());
        let plain = StreamTarget::parse("127.0.0.1:5514", false, false).unwrap();
        let err = set_up(
            &files,
            &store,
            plain.clone(),
            Choice::Keep,
            Choice::Keep,
            false,
            &now(),
        )
        .unwrap_err();
        assert!(matches!(err, SetupError::CertificatesNeedTls), "{err}");
        set_up(
            &files,
            &store,
            plain,
            Choice::Remove,
            Choice::Remove,
            false,
            &now(),
        )
        .unwrap();
        assert_eq!(store.get(CLIENT_KEY_ACCOUNT), Err(KeychainError::NotFound));
    }

    #[test]
    fn the_audit_detail_says_a_certificate_changed() {
        let pki = Pki::new();
        let data = tempfile::tempdir().unwrap();
        let files = StreamFiles::in_dir(data.path());
        let store = MemoryStore::default();
        let target = StreamTarget::parse("siem.example:6514", true, false).unwrap();
        let client = |name: &str| {
            Choice::Set((
                pki.path(&format!("{name}.pem")),
                pki.path(&format!("{name}.key")),
            ))
        };
        set_up(
            &files,
            &store,
            target.clone(),
            Choice::Keep,
            client("client"),
            false,
            &now(),
        )
        .unwrap();
        let changed = set_up(
            &files,
            &store,
            target,
            Choice::Keep,
            client("other"),
            false,
            &now(),
        )
        .unwrap()
        .audit_detail();
        assert_eq!(
            changed,
            "audit_stream: siem.example:6514 over TLS → siem.example:6514 over TLS; client certificate changed: CN=keyward-other"
        );
    }

    #[test]
    fn a_certificate_file_replaced_after_it_was_chosen_is_not_trusted() {
        let pki = Pki::new();
        let data = tempfile::tempdir().unwrap();
        let files = StreamFiles::in_dir(data.path());
        let store = MemoryStore::default();
        std::fs::copy(pki.path("ca.pem"), pki.path("chosen.pem")).unwrap();
        let setup = set_up(
            &files,
            &store,
            StreamTarget::parse("siem.example:6514", true, false).unwrap(),
            Choice::Set(pki.path("chosen.pem")),
            Choice::Keep,
            false,
            &now(),
        )
        .unwrap();
        std::fs::copy(pki.path("client.pem"), pki.path("chosen.pem")).unwrap();
        let err = client_config(&setup.target, &store).unwrap_err();
        assert!(
            err.to_string().contains("no longer holds the certificate"),
            "{err}"
        );
        turn_off(&files, &store).unwrap();
        assert_eq!(files.target().unwrap(), None);
    }
}
