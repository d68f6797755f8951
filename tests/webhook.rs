//! The team channel against a real HTTP server on 127.0.0.1 and the real
//! keychain: `keyward webhook set|test|status|clear`, retries, time limits,
//! refusals, and `send_digest` called directly as the reminder task will.
//!
//! The address is kept under one keychain account for the whole session,
//! so tests that set it take [`CHANNEL`] and clear it when done.

use std::sync::{Mutex, MutexGuard};
use std::time::{Duration, Instant};

use chrono::Utc;
use keyward::webhook::{self, RetryPolicy, WebhookError};
use keyward_core::Secret;
use keyward_core::audit::AuditLog;
use keyward_core::catalog::Catalog;
use keyward_core::rotation::RotationPolicy;
use keyward_core::settings::WebhookFormat;
use keyward_core::team_channel::Digest;
use serde_json::Value;

use crate::audit::entries;
use crate::hook_server::{HookServer, Reply};
use crate::util::*;

pub const ACCOUNT: &str = "setting:webhook-url";

/// Held by every test that stores a webhook address in the keychain.
pub static CHANNEL: Mutex<()> = Mutex::new(());

/// The session's team channel for one test; cleared when dropped.
pub struct Channel<'a> {
    app: &'a App,
    _lock: MutexGuard<'static, ()>,
}

impl<'a> Channel<'a> {
    pub fn take(app: &'a App) -> Self {
        let lock = CHANNEL
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        let channel = Self { app, _lock: lock };
        channel.app.ok(&["webhook", "clear"]);
        channel
    }

    /// `keyward webhook set - ARGS` with `url` on standard input.
    pub fn set(&self, url: &str, args: &[&str]) -> String {
        let mut all = vec!["webhook", "set", "-"];
        all.extend_from_slice(args);
        let out = self.app.run_with_input(&all, url);
        assert!(
            out.status.success(),
            "webhook set failed: {}",
            text(&out.stderr)
        );
        let stdout = text(&out.stdout);
        assert!(
            !stdout.contains(url),
            "the address is never echoed: {stdout}"
        );
        stdout
    }
}

impl Drop for Channel<'_> {
    fn drop(&mut self) {
        let _ = self.app.run(&["webhook", "clear"]);
    }
}

fn webhook_entries(app: &App) -> Vec<Value> {
    entries(app)
        .into_iter()
        .filter(|e| e["action"].as_str().unwrap_or("").starts_with("webhook_"))
        .collect()
}

#[test]
fn webhook_test_delivers_one_message_in_each_format_with_the_right_shape() {
    let app = App::new();
    let channel = Channel::take(&app);
    let server = HookServer::start(&[Reply::Status(200)]);
    let secret = app.generate(&unique("hooked"))["secret"]
        .as_str()
        .unwrap()
        .to_owned();
    let url = server.url(&unique("token"));
    for (n, format) in ["slack", "teams", "json"].into_iter().enumerate() {
        channel.set(&url, &["--format", format]);
        let out = app.run(&["webhook", "test"]);
        assert!(out.status.success(), "{format}: {}", text(&out.stderr));
        assert!(
            text(&out.stdout).contains("Delivered"),
            "{}",
            text(&out.stdout)
        );
        let received = server.received();
        assert_eq!(received.len(), n + 1, "exactly one message per test");
        let request = &received[n];
        assert!(request.path.starts_with("/hook/"), "{}", request.path);
        assert_eq!(request.content_type, "application/json");
        let body = json(&request.body);
        match format {
            "slack" => {
                assert_eq!(body.as_object().unwrap().len(), 1, "just text: {body}");
                assert!(
                    body["text"]
                        .as_str()
                        .unwrap()
                        .contains("Keyward test message")
                );
            }
            "teams" => {
                assert_eq!(body["@type"], "MessageCard");
                assert_eq!(body["@context"], "https://schema.org/extensions");
                assert_eq!(body["summary"], "Keyward test message");
                assert!(
                    body["title"].is_string() && body["text"].is_string(),
                    "{body}"
                );
            }
            _ => {
                assert_eq!(body["summary"], "Keyward test message");
                assert!(body["machine"].as_str().is_some_and(|m| !m.is_empty()));
                assert!(body["user"].as_str().is_some_and(|u| !u.is_empty()));
                assert!(body["keys"].is_array(), "{body}");
            }
        }
    }
    for body in server.bodies() {
        assert!(!body.contains(&secret) && !body.contains(&secret[5..25]));
    }
    let sent: Vec<Value> = webhook_entries(&app);
    assert_eq!(sent.len(), 3, "{sent:?}");
    assert!(sent.iter().all(|e| e["action"] == "webhook_sent"));
}

#[test]
fn a_server_error_is_retried_and_the_message_is_delivered_exactly_once() {
    let app = App::new();
    let channel = Channel::take(&app);
    let server = HookServer::start(&[Reply::Status(500), Reply::Status(200)]);
    channel.set(&server.url("retry"), &[]);
    let out = app.run(&["webhook", "test"]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(
        text(&out.stdout).contains("after 2 tries"),
        "{}",
        text(&out.stdout)
    );
    let bodies = server.bodies();
    assert_eq!(bodies.len(), 2, "one failed try, one delivery");
    assert_eq!(bodies[0], bodies[1], "the same message was retried");
    let log = webhook_entries(&app);
    assert_eq!(log.len(), 1);
    assert_eq!(log[0]["action"], "webhook_sent");
}

#[test]
fn a_channel_that_never_answers_times_out_within_the_bound_and_the_failure_is_reported() {
    let app = App::new();
    let channel = Channel::take(&app);
    let server = HookServer::start(&[Reply::Silent]);
    let url = server.url("silent");
    channel.set(&url, &[]);
    let started = Instant::now();
    let mut child = app
        .cmd(&["webhook", "test"])
        .env("KEYWARD_WEBHOOK_TIMEOUT_SECS", "1")
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    // Three tries of 1 s plus pauses of 0.5 s and 1 s: 4.5 s, with room for a slow machine.
    let status = wait_within(&mut child, Duration::from_secs(15));
    let elapsed = started.elapsed();
    let out = child.wait_with_output().unwrap();
    assert!(!status.success(), "not delivered means a non-zero exit");
    assert!(
        elapsed >= Duration::from_secs(3),
        "each of the three tries waited its full second: {elapsed:?}"
    );
    assert!(elapsed < Duration::from_secs(10), "bounded: {elapsed:?}");
    assert_eq!(server.received().len(), 3, "three tries");
    let stderr = text(&out.stderr);
    assert!(
        stderr.contains("did not answer within 1 second (3 tries)"),
        "a plain message: {stderr}"
    );
    assert!(
        !stderr.contains(&url) && !stderr.contains("127.0.0.1"),
        "{stderr}"
    );
    let log = webhook_entries(&app);
    assert_eq!(log.len(), 1);
    assert_eq!(log[0]["action"], "webhook_failed");
    assert!(
        log[0]["detail"]
            .as_str()
            .unwrap()
            .contains("did not answer"),
        "{}",
        log[0]
    );
    let status = json(&app.ok(&["webhook", "status", "--json"]));
    assert!(
        status["last_error"]
            .as_str()
            .unwrap()
            .contains("did not answer"),
        "{status}"
    );
}

#[test]
fn a_refusal_is_not_retried() {
    let app = App::new();
    let channel = Channel::take(&app);
    let server = HookServer::start(&[Reply::Status(404)]);
    channel.set(&server.url("gone"), &[]);
    let out = app.run(&["webhook", "test"]);
    assert_eq!(out.status.code(), Some(1));
    let stderr = text(&out.stderr);
    assert!(
        stderr.contains("refused the message (HTTP 404)"),
        "{stderr}"
    );
    assert_eq!(
        server.received().len(),
        1,
        "exactly one request: 4xx is final"
    );
    assert_eq!(webhook_entries(&app)[0]["action"], "webhook_failed");
}

#[test]
fn plain_http_to_another_computer_is_refused_when_the_address_is_set() {
    let app = App::new();
    let _channel = Channel::take(&app);
    let out = app.run(&["webhook", "set", "http://example.com/x"]);
    assert_eq!(out.status.code(), Some(1));
    let stderr = text(&out.stderr);
    assert!(stderr.contains("only over https://"), "{stderr}");
    assert!(
        !stderr.contains("example.com"),
        "the address is not repeated: {stderr}"
    );
    assert_eq!(keychain_secret(ACCOUNT), None, "nothing was stored");
    let status = app.ok(&["webhook", "status"]);
    assert!(status.contains("No team channel is set up"), "{status}");
}

#[test]
fn the_address_lives_only_in_the_keychain_is_never_shown_and_is_not_an_orphan() {
    let app = App::new();
    let channel = Channel::take(&app);
    let token = unique("secret-token");
    let url = format!("https://hooks.example.invalid/services/{token}");
    let said = channel.set(
        &url,
        &["--format", "teams", "--include-credential-ids", "true"],
    );
    assert!(said.contains("teams format, with credential IDs"), "{said}");
    assert_eq!(keychain_secret(ACCOUNT).as_deref(), Some(url.as_str()));

    let status = app.ok(&["webhook", "status"]);
    assert!(
        status.contains("A team channel is set up: teams format"),
        "{status}"
    );
    let status_json = json(&app.ok(&["webhook", "status", "--json"]));
    assert_eq!(status_json["configured"], true);
    assert_eq!(status_json["format"], "teams");
    assert_eq!(status_json["include_credential_ids"], true);
    assert!(!status.contains(&token) && !status_json.to_string().contains(&token));

    let check = json(&app.ok(&["check", "--json"]));
    assert!(
        !check["orphans"]
            .as_array()
            .unwrap()
            .iter()
            .any(|o| o.as_str().unwrap_or("").starts_with("setting:")),
        "the address is not an orphan: {check}"
    );

    let mut files = Vec::new();
    files_under(app.root.path(), &mut files);
    assert!(
        files.iter().any(|f| f.ends_with("settings.json")),
        "the format was saved in the settings: {files:?}"
    );
    for file in &files {
        let content = String::from_utf8_lossy(&std::fs::read(file).unwrap()).into_owned();
        assert!(
            !content.contains(&token),
            "{} holds the address",
            file.display()
        );
    }

    app.ok(&["webhook", "clear"]);
    assert_eq!(keychain_secret(ACCOUNT), None, "cleared from the keychain");
    let out = app.run(&["webhook", "test"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(text(&out.stderr).contains("No team channel is set up"));
}

#[test]
fn send_digest_posts_names_and_dates_of_real_keys_and_never_a_secret() {
    let app = App::new();
    let keys: Vec<Value> = (0..2).map(|_| app.generate(&unique("digest"))).collect();
    let catalog = Catalog::open(app.data_dir()).unwrap();
    let rows = keyward_core::report::rows(
        &catalog.load().unwrap(),
        &RotationPolicy::default(),
        keyward_core::settings::PeriodSource::Defaults,
        Utc::now(),
        &chrono::Local,
    );
    let digest = Digest::for_keys("2 keys need rotating", rows, &chrono::Local);
    let server = HookServer::start(&[Reply::Status(204)]);
    let url = Secret::new(server.url("direct"));
    let audit = AuditLog::in_dir(&app.data_dir(), Utc::now);
    let runtime = tokio::runtime::Runtime::new().unwrap();
    let formats = [
        WebhookFormat::Slack,
        WebhookFormat::Teams,
        WebhookFormat::Json,
    ];
    for format in formats {
        for include_ids in [false, true] {
            let delivery = runtime
                .block_on(webhook::send_digest(
                    &url,
                    format,
                    include_ids,
                    &digest,
                    Some(&audit),
                ))
                .unwrap_or_else(|e| panic!("{format:?}: {e}"));
            assert_eq!((delivery.attempts, delivery.status), (1, 204));
        }
    }
    let bodies = server.bodies();
    assert_eq!(bodies.len(), 6);
    for (n, body) in bodies.iter().enumerate() {
        let include_ids = n % 2 == 1;
        for key in &keys {
            let name = key["name"].as_str().unwrap();
            let credential_id = key["credential_id"].as_str().unwrap();
            let secret = key["secret"].as_str().unwrap();
            assert!(body.contains(name), "the key's name is in message {n}");
            assert_eq!(
                body.contains(credential_id),
                include_ids,
                "credential IDs only when allowed (message {n})"
            );
            assert!(!body.contains(secret) && !body.contains(&secret[5..25]));
        }
    }
    assert_eq!(webhook_entries(&app).len(), 6);
}

#[test]
fn send_digest_gives_up_after_three_server_errors_and_records_it() {
    let app = App::new();
    let server = HookServer::start(&[Reply::Status(503)]);
    let audit = AuditLog::in_dir(&app.data_dir(), Utc::now);
    let policy = RetryPolicy {
        first_backoff: Duration::from_millis(50),
        ..RetryPolicy::default()
    };
    let runtime = tokio::runtime::Runtime::new().unwrap();
    let error = runtime
        .block_on(webhook::send_digest_with(
            &policy,
            &Secret::new(server.url("down")),
            WebhookFormat::Slack,
            false,
            &Digest::test_message(),
            Some(&audit),
        ))
        .unwrap_err();
    assert!(
        matches!(
            error,
            WebhookError::ServerError {
                status: 503,
                attempts: 3
            }
        ),
        "{error:?}"
    );
    assert_eq!(server.received().len(), 3);
    let log = webhook_entries(&app);
    assert_eq!(log.len(), 1);
    assert_eq!(log[0]["action"], "webhook_failed");
    assert!(log[0]["detail"].as_str().unwrap().contains("HTTP 503"));
}
