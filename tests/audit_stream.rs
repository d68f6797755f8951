//! The audit stream against a real rsyslog (see [`crate::rsyslog`]), sent by
//! the real background program: CEF fields as rsyslog wrote them, no
//! secret, and the faults a SIEM connection meets (server down then up, a
//! connection closed half-way, hostile text in entries).

use std::collections::BTreeSet;
use std::io::{Read, Write};
use std::net::TcpListener;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use serde_json::Value;

use crate::reminders::{start_in_background, stop};
use crate::rsyslog::{Rsyslog, free_port};
use crate::util::*;

fn stream_to(app: &App, port: u16) {
    let out = app.ok(&["audit", "stream", "set", &format!("127.0.0.1:{port}")]);
    assert!(out.contains("in plain TCP"), "{out}");
}

fn status(app: &App) -> Value {
    json(&app.ok(&["audit", "stream", "status", "--json"]))
}

/// Waits until the stream's place in the log is at its end (generous: on
/// a loaded machine the background program's closing wait and the
/// cursor's flush to disk can take a while).
fn all_delivered(app: &App) {
    poll_until(Duration::from_secs(60), || status(app)["waiting"] == 0);
}

/// The `cn1` (chain number) of every message rsyslog wrote.
fn numbers(received: &str) -> BTreeSet<u64> {
    received
        .lines()
        .filter_map(|l| l.split(" cn1=").nth(1))
        .filter_map(|rest| rest.split(' ').next()?.parse().ok())
        .collect()
}

/// The chain numbers of the lines in the test's audit log.
fn log_numbers(app: &App) -> BTreeSet<u64> {
    crate::audit::entries(app)
        .iter()
        .filter_map(|e| e["seq"].as_u64())
        .collect()
}

#[test]
fn audit_entries_arrive_in_rsyslog_as_cef_and_never_carry_a_secret() {
    let app = App::new();
    let _alone = APP_RUNNING
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner);
    let rsyslog = Rsyslog::start();
    stream_to(&app, rsyslog.port);
    let key = app.generate(&unique("streamed"));
    let name = key["name"].as_str().unwrap();
    let secret = key["secret"].as_str().unwrap();
    app.ok(&["reveal", name]);
    let child = start_in_background(&app);
    let received = rsyslog.wait_for(Duration::from_secs(20), |r| r.contains("|revealed|"));
    let err = stop(&app, child);
    let lines: Vec<&str> = received.lines().collect();
    assert_eq!(
        lines.len(),
        3,
        "set-up, generated, revealed: {received}\n{err}"
    );
    let me = crate::audit::entries(&app)[1]["computer"]
        .as_str()
        .unwrap()
        .to_owned();
    let generated = lines[1];
    assert!(
        generated.starts_with(&format!("6 {me} keyward generated CEF:0|Keyward|Keyward|")),
        "severity, host, app and message id parsed by rsyslog from RFC 5424: {generated}"
    );
    assert!(
        generated.contains("|generated|Key generated|3|"),
        "{generated}"
    );
    for field in [
        "act=generated",
        &format!("cs1={name}"),
        "cs1Label=keyName",
        "cn1=2",
        "rt=",
        "suser=",
    ] {
        assert!(generated.contains(field), "{field} in {generated}");
    }
    assert!(
        lines[0].contains("|settings_changed|")
            && lines[0].contains("audit_stream: off → 127.0.0.1"),
        "{}",
        lines[0]
    );
    assert!(
        lines[2].starts_with("5 ") && lines[2].contains("|revealed|Key secret shown|5|"),
        "{}",
        lines[2]
    );
    for needle in [secret, &secret[5..25]] {
        assert!(!received.contains(needle), "a secret reached the SIEM");
    }
    assert!(!err.contains(secret));
    let status = status(&app);
    assert_eq!(status["waiting"], 0, "{status}\n{err}");
    assert_eq!(status["delivered"], 3, "{status}");
    assert_eq!(status["last_error"], Value::Null, "{status}");
}

#[test]
fn entries_wait_while_rsyslog_is_down_and_arrive_once_it_is_back() {
    let app = App::new();
    let _alone = APP_RUNNING
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner);
    let mut rsyslog = Rsyslog::start();
    stream_to(&app, rsyslog.port);
    let child = start_in_background(&app);
    let first = app.generate(&unique("before-outage"));
    rsyslog.wait_for(Duration::from_secs(20), |r| r.contains("|generated|"));
    rsyslog.down();
    let during = app.generate(&unique("during-outage"));
    app.ok(&["reveal", during["name"].as_str().unwrap()]);
    assert!(
        poll_until(Duration::from_secs(20), || status(&app)["last_error"]
            .is_string()),
        "the failed try is said in the status: {}",
        status(&app)
    );
    let waiting = status(&app);
    assert_eq!(
        waiting["waiting"], 2,
        "nothing lost while the SIEM is down: {waiting}"
    );
    assert!(
        waiting["last_error"]
            .as_str()
            .unwrap()
            .contains("could not reach the SIEM"),
        "{waiting}"
    );
    let text = app.ok(&["audit", "stream", "status"]);
    assert!(
        text.contains("2 entries waiting") && text.contains("The last try failed"),
        "{text}"
    );
    rsyslog.up();
    let received = rsyslog.wait_for(Duration::from_secs(40), |r| r.contains("|revealed|"));
    all_delivered(&app);
    let err = stop(&app, child);
    assert!(
        received.contains(during["name"].as_str().unwrap()),
        "delivered after the outage: {received}\n{err}"
    );
    assert!(received.contains(first["name"].as_str().unwrap()));
    assert_eq!(
        numbers(&received),
        log_numbers(&app),
        "every entry, none lost"
    );
    let after = status(&app);
    assert_eq!(after["waiting"], 0, "{after}");
    assert_eq!(after["last_error"], Value::Null, "{after}");
}

#[test]
fn a_connection_closed_half_way_is_sent_again_and_nothing_is_lost() {
    let app = App::new();
    let _alone = APP_RUNNING
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner);
    let port = free_port();
    // A receiver that reads a few bytes of each connection, then hangs up.
    let listener = TcpListener::bind(("127.0.0.1", port)).unwrap();
    listener.set_nonblocking(true).unwrap();
    let cut = Arc::new(AtomicBool::new(true));
    let cuts = Arc::new(std::sync::atomic::AtomicUsize::new(0));
    let server = {
        let (cut, cuts) = (cut.clone(), cuts.clone());
        std::thread::spawn(move || {
            while cut.load(Ordering::SeqCst) {
                match listener.accept() {
                    Ok((mut stream, _)) => {
                        stream.set_nonblocking(false).unwrap();
                        let mut some = [0u8; 40];
                        let _ = stream.read(&mut some);
                        cuts.fetch_add(1, Ordering::SeqCst);
                        drop(stream);
                    }
                    Err(_) => std::thread::sleep(Duration::from_millis(20)),
                }
            }
        })
    };
    stream_to(&app, port);
    for i in 0..5 {
        app.ok(&[
            "vendor",
            "set",
            "acme",
            "--notes",
            &format!("note {i} {}", "x".repeat(300)),
        ]);
    }
    let child = start_in_background(&app);
    assert!(
        poll_until(Duration::from_secs(20), || cuts.load(Ordering::SeqCst) >= 2),
        "the background program tried, and tried again after the cut"
    );
    let cut_status = status(&app);
    assert_eq!(
        cut_status["delivered"], 0,
        "a cut batch is not counted as delivered: {cut_status}"
    );
    cut.store(false, Ordering::SeqCst);
    server.join().unwrap();
    let rsyslog = Rsyslog::start_on(port);
    let expected = log_numbers(&app);
    let received = rsyslog.wait_for(Duration::from_secs(40), |r| numbers(r) == expected);
    all_delivered(&app);
    let err = stop(&app, child);
    assert_eq!(
        numbers(&received),
        expected,
        "all entries after the cuts: {received}\n{err}"
    );
    assert_eq!(status(&app)["waiting"], 0);
}

#[test]
fn hostile_text_in_entries_arrives_escaped_and_inert() {
    let app = App::new();
    let _alone = APP_RUNNING
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner);
    let rsyslog = Rsyslog::start();
    stream_to(&app, rsyslog.port);
    let key = app.generate(&unique("hostile"));
    let name = key["name"].as_str().unwrap();
    app.ok(&[
        "edit",
        name,
        "--application",
        "pay|ments=x <script>alert(1)</script>",
    ]);
    // A line planted in the log by hand, with what Keyward never writes
    // itself: line breaks that would start a new message, a CEF header,
    // and terminal escapes.
    let planted = serde_json::json!({
        "at": "2026-11-27T10:00:00Z", "action": "deleted", "key_id": "kwid_x",
        "key_name": "evil\nCEF:0|Fake|Fake|1|x|y|10|",
        "detail": "\u{1b}[2J\u{1b}]0;owned\u{7}done\\=|",
        "user": "mallory", "computer": "desk\u{1b}[31m",
    });
    let mut log = std::fs::OpenOptions::new()
        .append(true)
        .open(app.data_dir().join("audit.log"))
        .unwrap();
    writeln!(log, "{planted}").unwrap();
    drop(log);
    let child = start_in_background(&app);
    let received = rsyslog.wait_for(Duration::from_secs(20), |r| r.contains("mallory"));
    let err = stop(&app, child);
    let lines: Vec<&str> = received.lines().collect();
    assert_eq!(
        lines.len(),
        4,
        "one line per entry, none split or injected: {received}\n{err}"
    );
    assert!(
        !received.contains('\u{1b}') && !received.contains('\u{7}'),
        "no terminal escape reaches the SIEM: {received:?}"
    );
    assert!(
        !received.contains("#033"),
        "nothing left for rsyslog to escape: {received}"
    );
    let edited = lines[2];
    assert!(edited.contains("|edited|Key edited|"), "{edited}");
    assert!(
        edited.contains(r"pay|ments\=x <script>alert(1)</script>"),
        "= escaped, | and markup kept as text inside the value: {edited}"
    );
    let planted_line = lines[3];
    assert!(
        planted_line.contains(r"cs1=evil\nCEF:0|Fake|Fake|1|x|y|10|"),
        "a line break inside a value is \\n, so no second message starts: {planted_line}"
    );
    assert!(
        planted_line.contains(r"msg=\\u{1b}[2J\\u{1b}]0;owned\\u{7}done\\\=|"),
        "control characters shown as text, \\ and = escaped: {planted_line}"
    );
    assert!(
        planted_line.starts_with("5 desk[31m keyward deleted CEF:0|Keyward|"),
        "{planted_line}"
    );
}

#[test]
fn the_window_checks_the_log_and_sets_up_and_turns_off_the_stream() {
    use crate::ipc::{invoke, window};
    let dirs = App::new();
    let win = window(&dirs, "main");
    let empty = invoke(&win, "verify_audit_log", serde_json::json!({})).unwrap();
    assert_eq!(empty["intact"], true, "{empty}");

    let refused = invoke(
        &win,
        "set_audit_stream",
        serde_json::json!({"address": "siem.example.com:514", "tls": false, "allow_plain_tcp": false, "from_start": false}),
    )
    .expect_err("plain TCP across the network needs the person's yes");
    assert_eq!(refused["code"], "invalid_input");
    assert!(
        refused["message"].as_str().unwrap().contains("--tls"),
        "{refused}"
    );
    assert_eq!(
        invoke(&win, "get_audit_stream", serde_json::json!({})).unwrap()["target"],
        Value::Null
    );

    let on = invoke(
        &win,
        "set_audit_stream",
        serde_json::json!({"address": "siem.example.com:6514", "tls": true, "allow_plain_tcp": false, "from_start": false}),
    )
    .unwrap();
    assert_eq!(on["target"]["host"], "siem.example.com", "{on}");
    assert_eq!(on["target"]["tls"], true);
    assert_eq!(on["waiting"], 1, "the set-up itself waits to be sent: {on}");
    let off = invoke(&win, "turn_off_audit_stream", serde_json::json!({})).unwrap();
    assert_eq!(off["target"], Value::Null);

    let details: Vec<String> = crate::audit::entries(&dirs)
        .iter()
        .map(|e| e["detail"].as_str().unwrap_or("").to_owned())
        .collect();
    assert_eq!(
        details,
        [
            "audit_stream: off → siem.example.com:6514 over TLS",
            "audit_stream: siem.example.com:6514 over TLS → off"
        ],
        "each change is audited"
    );
    // An edited line is named in the window too.
    let path = dirs.data_dir().join("audit.log");
    let text = std::fs::read_to_string(&path).unwrap();
    std::fs::write(
        &path,
        text.replacen("6514 over TLS\"", "6514 in plain TCP\"", 1),
    )
    .unwrap();
    invoke(&win, "turn_off_audit_stream", serde_json::json!({})).unwrap();
    let check = invoke(&win, "verify_audit_log", serde_json::json!({})).unwrap();
    assert_eq!(check["intact"], false, "{check}");
    assert_eq!(check["problems"][0]["line"], 1, "{check}");
    assert_eq!(check["problems"][0]["kind"], "changed", "{check}");
    assert!(
        check["summary"].as_str().unwrap().contains("line 1"),
        "{check}"
    );
}

/// `keyward --background` for `app`, trusting the certificates in
/// `ca_file`, or only the system's when `None`.
fn background_trusting(app: &App, ca_file: Option<&std::path::Path>) -> std::process::Child {
    let mut command = app.cmd(&["--background"]);
    match ca_file {
        Some(file) => command.env("SSL_CERT_FILE", file),
        None => command
            .env_remove("SSL_CERT_FILE")
            .env_remove("SSL_CERT_DIR"),
    };
    command
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap()
}

#[test]
fn over_tls_entries_wait_while_the_certificate_is_not_trusted_and_arrive_once_it_is() {
    let app = App::new();
    let _alone = APP_RUNNING
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner);
    let rsyslog = Rsyslog::start_tls();
    let set = app.ok(&[
        "audit",
        "stream",
        "set",
        &format!("localhost:{}", rsyslog.port),
        "--tls",
    ]);
    assert!(set.contains("over TLS"), "{set}");
    let key = app.generate(&unique("over-tls"));
    let secret = key["secret"].as_str().unwrap().to_owned();
    // The server's certificate comes from the test's own CA, which the
    // system's trusted certificates do not include.
    let child = background_trusting(&app, None);
    assert!(
        poll_until(Duration::from_secs(20), || status(&app)["last_error"]
            .is_string()),
        "the refused certificate is said: {}",
        status(&app)
    );
    let refused = status(&app);
    let why = refused["last_error"].as_str().unwrap();
    assert!(
        why.contains("TLS connection to the SIEM")
            && why.contains("its certificate is not from an authority this computer trusts"),
        "{why}"
    );
    assert_eq!(
        refused["waiting"], 2,
        "nothing sent, nothing lost: {refused}"
    );
    assert_eq!(
        rsyslog.received(),
        "",
        "nothing reached the server without a trusted certificate"
    );
    stop(&app, child);

    let child = background_trusting(&app, Some(&rsyslog.ca_file()));
    let received = rsyslog.wait_for(Duration::from_secs(20), |r| r.contains("|generated|"));
    all_delivered(&app);
    let err = stop(&app, child);
    assert_eq!(
        received.lines().count(),
        2,
        "set-up and generated, over TLS: {received}\n{err}"
    );
    assert!(received.contains("CEF:0|Keyward|Keyward|"), "{received}");
    assert!(!received.contains(&secret));
    assert_eq!(status(&app)["last_error"], Value::Null);
}

#[test]
fn tls_to_a_server_without_tls_is_said_plainly() {
    let app = App::new();
    let _alone = APP_RUNNING
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner);
    let rsyslog = Rsyslog::start();
    app.ok(&[
        "audit",
        "stream",
        "set",
        &format!("127.0.0.1:{}", rsyslog.port),
        "--tls",
    ]);
    let child = start_in_background(&app);
    let why = first_failure(&app, child, Duration::from_secs(40));
    assert!(
        why.contains("TLS connection to the SIEM")
            && why.contains("it may not take TLS on that port"),
        "{why}"
    );
    assert_eq!(status(&app)["waiting"], 1, "the set-up entry still waits");
}

/// Regression (`audit_entries_arrive…` failed under load): the background
/// program asked to stop (SIGTERM, as a logout or the test does) while the
/// SIEM is still reading a batch finishes that batch and records it before
/// it exits, instead of dying with the entries delivered but not counted
/// (and sent a second time on the next start).
#[test]
fn regression_a_batch_the_siem_is_reading_when_the_background_program_is_stopped_is_recorded() {
    let app = App::new();
    let _alone = APP_RUNNING
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner);
    let listener = TcpListener::bind(("127.0.0.1", 0)).unwrap();
    let port = listener.local_addr().unwrap().port();
    stream_to(&app, port);
    app.generate(&unique("drained"));
    // A slow SIEM: reads the whole batch, then takes 2 s to close its side.
    let read_all = Arc::new(AtomicBool::new(false));
    let server = {
        let read_all = read_all.clone();
        std::thread::spawn(move || {
            let (mut stream, _) = listener.accept().unwrap();
            let mut bytes = Vec::new();
            let _ = stream.read_to_end(&mut bytes);
            read_all.store(true, Ordering::SeqCst);
            std::thread::sleep(Duration::from_secs(2));
            drop(stream);
            String::from_utf8_lossy(&bytes).into_owned()
        })
    };
    let child = start_in_background(&app);
    assert!(
        poll_until(Duration::from_secs(20), || read_all.load(Ordering::SeqCst)),
        "the batch reached the SIEM"
    );
    let err = stop(&app, child);
    let received = server.join().unwrap();
    assert!(
        received.contains("cn1=1 ") && received.contains("cn1=2 "),
        "both entries in one batch: {received}"
    );
    let status = status(&app);
    assert_eq!(
        (status["waiting"].as_u64(), status["delivered"].as_u64()),
        (Some(0), Some(2)),
        "the batch the SIEM read is recorded as delivered: {status}\n{err}"
    );
}

/// The lines of the client key's text inside its PEM armour, to look for
/// it anywhere.
fn key_lines(path: &std::path::Path) -> Vec<String> {
    std::fs::read_to_string(path)
        .unwrap()
        .lines()
        .filter(|l| !l.starts_with("-----") && l.len() > 16)
        .map(str::to_owned)
        .collect()
}

/// `keyward audit stream set localhost:PORT` with `extra`, as a SIEM's
/// own CA and client certificate are given.
fn stream_with_certificates(app: &App, rsyslog: &Rsyslog, extra: &[&str]) -> String {
    let address = format!("localhost:{}", rsyslog.port);
    let mut args = vec!["audit", "stream", "set", address.as_str()];
    args.extend(extra);
    app.ok(&args)
}

/// [`stream_with_certificates`] with the SIEM's own CA and a client
/// certificate and its key.
fn stream_with_client_certificate(
    app: &App,
    rsyslog: &Rsyslog,
    ca: &std::path::Path,
    cert: &std::path::Path,
    key: &std::path::Path,
) -> String {
    let path = |p: &std::path::Path| p.to_str().unwrap().to_owned();
    let (ca, cert, key) = (path(ca), path(cert), path(key));
    stream_with_certificates(
        app,
        rsyslog,
        &["--ca", &ca, "--client-cert", &cert, "--client-key", &key],
    )
}

/// Runs `child` (`keyward --background`) until the stream says a try
/// failed, within `limit`, stops it, and returns the sentence.
fn first_failure(app: &App, child: std::process::Child, limit: Duration) -> String {
    assert!(
        poll_until(limit, || status(app)["last_error"].is_string()),
        "{}",
        status(app)
    );
    stop(app, child);
    status(app)["last_error"].as_str().unwrap().to_owned()
}

#[test]
fn with_its_own_ca_and_a_client_certificate_entries_reach_a_siem_that_requires_one_and_the_key_is_only_in_the_keychain()
 {
    let app = App::new();
    let _alone = APP_RUNNING
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner);
    let rsyslog = Rsyslog::start_tls_requiring_client_certs();
    // The person's copies, deleted after `set`: the key must come from the keychain.
    let mine = tempfile::tempdir().unwrap();
    let (cert, key) = (mine.path().join("desk.pem"), mine.path().join("desk.key"));
    std::fs::copy(rsyslog.client_cert_file(), &cert).unwrap();
    std::fs::copy(rsyslog.client_key_file(), &key).unwrap();
    let pem = std::fs::read_to_string(&key).unwrap();
    let lines = key_lines(&key);
    assert!(!lines.is_empty());
    let set = stream_with_client_certificate(&app, &rsyslog, &rsyslog.ca_file(), &cert, &key);
    assert!(
        set.contains("over TLS")
            && set.contains("CN=Keyward test CA")
            && set.contains("CN=keyward-desktop-7"),
        "--ca and --client-cert imply TLS; subjects said: {set}"
    );
    assert_eq!(
        keychain_secret(keyward_core::siem::CLIENT_KEY_ACCOUNT).map(|k| k.trim_end().to_owned()),
        Some(pem.trim_end().to_owned()),
        "the client key is in the real keychain"
    );
    std::fs::remove_file(&key).unwrap();
    let status_text = app.ok(&["audit", "stream", "status"]);
    assert!(
        status_text.contains("CN=keyward-desktop-7") && status_text.contains("valid until"),
        "{status_text}"
    );
    let status_json = app.ok(&["audit", "stream", "status", "--json"]);
    let key_id = app.generate(&unique("client-cert"));
    // No SSL_CERT_FILE: only the CA chosen for the stream is trusted.
    let child = background_trusting(&app, None);
    let received = rsyslog.wait_for(Duration::from_secs(30), |r| r.contains("|generated|"));
    all_delivered(&app);
    let err = stop(&app, child);
    assert_eq!(
        received.lines().count(),
        2,
        "set-up and generated arrive with the client certificate: {received}\n{err}\n{}",
        status(&app)
    );
    assert!(!received.contains(key_id["secret"].as_str().unwrap()));
    assert_eq!(status(&app)["last_error"], Value::Null);
    // The key is nowhere but the keychain: not in Keyward's files, not in
    // what the commands or the background program said.
    let mut files = Vec::new();
    let root = app
        .data_dir()
        .parent()
        .unwrap()
        .parent()
        .unwrap()
        .to_owned();
    files_under(&root, &mut files);
    assert!(files.len() > 3, "{files:?}");
    for path in files {
        let text = String::from_utf8_lossy(&std::fs::read(&path).unwrap_or_default()).into_owned();
        assert!(
            !lines.iter().any(|line| text.contains(line.as_str())) && !text.contains("PRIVATE KEY"),
            "the client key is in {}",
            path.display()
        );
    }
    for said in [&set, &status_text, &status_json, &err, &received] {
        assert!(
            !lines.iter().any(|line| said.contains(line.as_str())) && !said.contains("PRIVATE KEY"),
            "{said}"
        );
    }
    // Off: the key leaves the keychain.
    app.ok(&["audit", "stream", "off"]);
    assert_eq!(
        keychain_secret(keyward_core::siem::CLIENT_KEY_ACCOUNT),
        None,
        "turning the stream off removes the client key"
    );
}

#[test]
fn a_siem_that_requires_a_client_certificate_refuses_keyward_without_one_and_the_person_is_told() {
    let app = App::new();
    let _alone = APP_RUNNING
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner);
    let rsyslog = Rsyslog::start_tls_requiring_client_certs();
    stream_with_certificates(
        &app,
        &rsyslog,
        &["--ca", rsyslog.ca_file().to_str().unwrap()],
    );
    let child = background_trusting(&app, None);
    let why = first_failure(&app, child, Duration::from_secs(30));
    assert!(
        why.contains("the server wants a client certificate"),
        "said in words: {why}"
    );
    assert_eq!(rsyslog.received(), "", "nothing arrived");
    assert_eq!(status(&app)["waiting"], 1, "the set-up entry waits");
}

#[test]
fn a_client_certificate_the_siem_does_not_accept_is_said_as_keywards_certificate_with_the_next_step()
 {
    let app = App::new();
    let _alone = APP_RUNNING
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner);
    let rsyslog = Rsyslog::start_tls_requiring_client_certs();
    // A certificate and its key from an authority rsyslog does not trust.
    stream_with_client_certificate(
        &app,
        &rsyslog,
        &rsyslog.ca_file(),
        &rsyslog.other_ca_file(),
        &rsyslog.dir_file("other-ca.key"),
    );
    let child = background_trusting(&app, None);
    let why = first_failure(&app, child, Duration::from_secs(30));
    assert!(
        why.contains("did not accept Keyward's client certificate")
            && why.contains(
                "Choose the certificate your security team gave you, and its key, again in Settings → Audit stream"
            ),
        "the client certificate's own sentence, with the next step: {why}"
    );
    assert!(
        !why.contains("trusted by this computer"),
        "nothing about the server's certificate, which is fine: {why}"
    );
    assert_eq!(rsyslog.received(), "", "nothing arrived");
    app.ok(&["audit", "stream", "off"]);
}

#[test]
fn the_settings_entry_says_which_certificates_were_chosen_or_removed() {
    let app = App::new();
    let _alone = APP_RUNNING
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner);
    let rsyslog = Rsyslog::start_tls_requiring_client_certs();
    stream_with_client_certificate(
        &app,
        &rsyslog,
        &rsyslog.ca_file(),
        &rsyslog.client_cert_file(),
        &rsyslog.client_key_file(),
    );
    stream_with_certificates(&app, &rsyslog, &["--tls", "--no-client-cert"]);
    stream_with_certificates(&app, &rsyslog, &["--tls"]);
    let details: Vec<String> = crate::audit::entries(&app)
        .iter()
        .map(|e| e["detail"].as_str().unwrap_or("").to_owned())
        .collect();
    assert_eq!(details.len(), 3, "{details:?}");
    assert!(
        details[0].starts_with("audit_stream: off → localhost:")
            && details[0].contains("certificate authority chosen: ")
            && details[0].contains("CN=Keyward test CA")
            && details[0].contains("client certificate chosen: ")
            && details[0].contains("CN=keyward-desktop-7"),
        "the first set-up names both certificates: {details:?}"
    );
    assert!(
        details[1].contains("client certificate removed")
            && !details[1].contains("certificate authority"),
        "only what changed: {details:?}"
    );
    assert!(
        !details[2].contains("certificate"),
        "nothing changed, nothing said: {details:?}"
    );
    app.ok(&["audit", "stream", "off"]);
}

#[test]
fn with_the_wrong_ca_the_person_is_told_the_siems_certificate_is_not_trusted() {
    let app = App::new();
    let _alone = APP_RUNNING
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner);
    let rsyslog = Rsyslog::start_tls_requiring_client_certs();
    stream_with_client_certificate(
        &app,
        &rsyslog,
        &rsyslog.other_ca_file(),
        &rsyslog.client_cert_file(),
        &rsyslog.client_key_file(),
    );
    // The system trusts the test CA here: only the chosen one counts.
    let child = background_trusting(&app, Some(&rsyslog.ca_file()));
    let why = first_failure(&app, child, Duration::from_secs(30));
    assert!(
        why.contains("its certificate is not trusted")
            && why.contains("certificate authority chosen for the audit stream"),
        "{why}"
    );
    assert_eq!(rsyslog.received(), "", "nothing arrived");
    app.ok(&["audit", "stream", "off"]);
}

#[test]
fn bad_certificate_files_are_refused_in_a_sentence_and_change_nothing() {
    let app = App::new();
    let _alone = APP_RUNNING
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner);
    let rsyslog = Rsyslog::start_tls_requiring_client_certs();
    stream_with_certificates(
        &app,
        &rsyslog,
        &["--ca", rsyslog.ca_file().to_str().unwrap()],
    );
    let before = status(&app);
    let dir = tempfile::tempdir().unwrap();
    let notes = dir.path().join("notes.txt");
    std::fs::write(&notes, "not a certificate\n").unwrap();
    let link = dir.path().join("ca-link.pem");
    std::os::unix::fs::symlink(rsyslog.ca_file(), &link).unwrap();
    let address = format!("localhost:{}", rsyslog.port);
    let (ca, cert, key, other_key) = (
        rsyslog.ca_file(),
        rsyslog.client_cert_file(),
        rsyslog.client_key_file(),
        rsyslog.dir_file("other-ca.key"),
    );
    let s = |p: &std::path::Path| p.to_str().unwrap().to_owned();
    let mut key_text = key_lines(&key);
    key_text.extend(key_lines(&other_key));
    for (args, words) in [
        (vec!["--ca".into(), s(&notes)], "is not a certificate"),
        (
            vec!["--ca".into(), s(&key)],
            "holds a private key, not a certificate authority",
        ),
        (
            vec!["--ca".into(), s(&dir.path().join("gone.pem"))],
            "There is no file",
        ),
        (vec!["--ca".into(), s(&link)], "is a link"),
        (
            vec![
                "--client-cert".into(),
                s(&cert),
                "--client-key".into(),
                s(&other_key),
            ],
            "does not belong to the certificate",
        ),
        (
            vec![
                "--client-cert".into(),
                s(&ca),
                "--client-key".into(),
                s(&notes),
            ],
            "is not a private key",
        ),
    ] {
        let mut all = vec![
            "audit".to_owned(),
            "stream".into(),
            "set".into(),
            address.clone(),
        ];
        all.extend(args);
        let all: Vec<&str> = all.iter().map(String::as_str).collect();
        let out = app.run(&all);
        let err = text(&out.stderr);
        assert!(!out.status.success(), "{all:?} refused");
        assert!(err.contains(words), "{all:?}: {err}");
        assert!(
            !key_text.iter().any(|line| err.contains(line.as_str())),
            "no key text: {err}"
        );
        assert_eq!(status(&app), before, "{all:?} changed nothing");
    }
    assert_eq!(
        keychain_secret(keyward_core::siem::CLIENT_KEY_ACCOUNT),
        None
    );
    app.ok(&["audit", "stream", "off"]);
}
