//! The team vault against a real OpenBao (`bao server -dev`, see
//! [`crate::openbao`]) and the real keychain: `keyward team connect|status|
//! publish|disconnect|report`, the example policies in `docs/`, and the
//! faults (wrong and expired token, permission denied, vault stopped and
//! restarted, hostile documents).
//!
//! The credential is kept under one keychain account for the whole
//! session, so tests that connect take [`TEAM`] and disconnect when done.
//! Two desktops are two `App`s (own data and config folders) connected one
//! after the other.

use std::sync::{Mutex, MutexGuard};
use std::time::{Duration, Instant};

use serde_json::{Value, json};

use crate::openbao::{OpenBao, lead_policy, staff_policy};
use crate::util::*;

/// Held by every test that stores a team-vault credential in the keychain.
pub static TEAM: Mutex<()> = Mutex::new(());

pub const ACCOUNT: &str = "setting:team-vault-credential";

fn take() -> MutexGuard<'static, ()> {
    TEAM.lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
}

/// `keyward team connect ADDRESS --mount secret --token - --desktop DESKTOP`.
fn connect(app: &App, bao: &OpenBao, token: &str, desktop: &str) -> std::process::Output {
    app.run_with_input(
        &[
            "team",
            "connect",
            &bao.address(),
            "--mount",
            "secret",
            "--token",
            "-",
            "--desktop",
            desktop,
        ],
        token,
    )
}

fn status(app: &App) -> Value {
    json(&app.ok(&["team", "status", "--json"]))
}

fn assert_no_secret_in(what: &str, text: &str, secrets: &[&str]) {
    for secret in secrets {
        assert!(
            !text.contains(secret),
            "{what} must never hold a secret or credential, found one in: {text}"
        );
    }
}

#[test]
fn a_desktop_connects_with_a_token_and_publishes_metadata_only() {
    let _team = take();
    let bao = OpenBao::start();
    let app = App::new();
    let key = app.generate(&unique("payments"));
    let secret = key["secret"].as_str().unwrap();
    let desktop = unique("ann").replace('-', "_") + "@pc1";
    let out = connect(&app, &bao, &bao.root, &desktop);
    assert!(out.status.success(), "connect: {}", text(&out.stderr));
    let said = text(&out.stdout);
    assert!(said.contains("Connected to the team vault"), "{said}");
    assert_no_secret_in("connect's output", &said, &[&bao.root, secret]);

    let document = bao
        .inventory(&format!("keyward/inventory/{desktop}"))
        .expect("the desktop's document is in the vault");
    let keys = document["keys"].as_array().unwrap();
    assert_eq!(keys.len(), 1);
    assert_eq!(keys[0]["name"], key["name"]);
    assert_eq!(keys[0]["service"], key["service"]);
    let stored = bao
        .read(&format!("keyward/inventory/{desktop}"))
        .unwrap()
        .to_string();
    assert_no_secret_in("the published document", &stored, &[secret, &bao.root]);
    assert!(
        !stored.contains(key["credential_id"].as_str().unwrap()),
        "credential IDs are not published"
    );

    let status = status(&app);
    assert_eq!(status["connected"], true);
    assert_eq!(status["desktop"], desktop.as_str());
    assert_eq!(status["shared_words"], "shared today");
    assert_eq!(
        keychain_secret(ACCOUNT).as_deref(),
        Some(bao.root.as_str()),
        "the token is in the keychain"
    );
    let config = std::fs::read_to_string(
        app.root
            .path()
            .join("config")
            .join(SERVICE)
            .join("team.json"),
    )
    .unwrap();
    assert_no_secret_in("team.json", &config, &[&bao.root]);

    app.ok(&["team", "disconnect"]);
    assert_eq!(
        keychain_secret(ACCOUNT),
        None,
        "disconnect removes the token"
    );
    assert_eq!(self::status(&app)["connected"], false);
}

#[test]
fn a_wrong_or_expired_token_is_a_login_problem_and_nothing_is_saved() {
    let _team = take();
    let bao = OpenBao::start();
    let app = App::new();
    let out = connect(&app, &bao, "not-a-real-token", "ann@pc1");
    assert!(!out.status.success());
    let said = text(&out.stderr);
    assert!(said.contains("did not accept the login"), "{said}");
    assert!(said.contains("Nothing was saved"), "{said}");
    assert_eq!(status(&app)["connected"], false);
    assert_eq!(keychain_secret(ACCOUNT), None);

    let short = bao.token(&["default"], "1s");
    std::thread::sleep(Duration::from_millis(2500));
    let out = connect(&app, &bao, &short, "ann@pc1");
    assert!(!out.status.success());
    assert!(
        text(&out.stderr).contains("did not accept the login"),
        "an expired token: {}",
        text(&out.stderr)
    );
}

#[test]
fn a_token_without_the_policy_is_a_permission_problem_naming_the_path() {
    let _team = take();
    let bao = OpenBao::start();
    let app = App::new();
    let weak = bao.token(&["default"], "1h");
    let out = connect(&app, &bao, &weak, "ann@pc1");
    assert!(!out.status.success());
    let said = text(&out.stderr);
    assert!(said.contains("policy does not allow"), "{said}");
    assert!(said.contains("secret/keyward/inventory/ann@pc1"), "{said}");
    assert_no_secret_in("the error", &said, &[&weak]);
}

#[test]
fn an_address_nobody_answers_at_is_an_address_problem_and_http_elsewhere_is_refused() {
    let _team = take();
    let app = App::new();
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let out = app.run_with_input(
        &[
            "team",
            "connect",
            &format!("http://127.0.0.1:{port}"),
            "--mount",
            "secret",
            "--token",
            "-",
        ],
        "t",
    );
    assert!(!out.status.success());
    assert!(
        text(&out.stderr).contains("could not reach the team vault"),
        "{}",
        text(&out.stderr)
    );
    let out = app.run_with_input(
        &[
            "team",
            "connect",
            "http://vault.example.com:8200",
            "--mount",
            "secret",
            "--token",
            "-",
        ],
        "t",
    );
    assert!(!out.status.success());
    assert!(
        text(&out.stderr).contains("only over https://"),
        "{}",
        text(&out.stderr)
    );
    let out = app.run(&[
        "team",
        "connect",
        "https://vault.example.com",
        "--mount",
        "secret",
        "--token",
        "s.abc",
    ]);
    assert!(!out.status.success());
    assert!(
        text(&out.stderr).contains("standard input"),
        "a token on the command line is refused: {}",
        text(&out.stderr)
    );
}

#[test]
fn userpass_and_approle_logins_work_and_a_wrong_password_is_a_login_problem() {
    let _team = take();
    let bao = OpenBao::start();
    bao.policy("staff-bob", &staff_policy("bob@pc2"));
    bao.userpass("bob", "correct-horse-battery", &["staff-bob"]);
    let app = App::new();
    app.generate(&unique("mail"));
    let args = |user: &str| {
        vec![
            "team".to_owned(),
            "connect".into(),
            bao.address(),
            "--mount".into(),
            "secret".into(),
            "--userpass".into(),
            user.into(),
            "--desktop".into(),
            "bob@pc2".into(),
        ]
    };
    let wrong: Vec<String> = args("bob");
    let out = app.run_with_input(
        &wrong.iter().map(String::as_str).collect::<Vec<_>>(),
        "nope",
    );
    assert!(!out.status.success());
    assert!(
        text(&out.stderr).contains("did not accept the login"),
        "{}",
        text(&out.stderr)
    );
    let out = app.run_with_input(
        &wrong.iter().map(String::as_str).collect::<Vec<_>>(),
        "correct-horse-battery",
    );
    assert!(out.status.success(), "userpass: {}", text(&out.stderr));
    assert!(status(&app)["login"].as_str().unwrap().contains("bob"));
    assert!(bao.read("keyward/inventory/bob@pc2").is_some());
    app.ok(&["team", "disconnect"]);

    bao.policy("staff-carl", &staff_policy("carl@pc3"));
    let (role_id, secret_id) = bao.approle("carl", &["staff-carl"]);
    let out = app.run_with_input(
        &[
            "team",
            "connect",
            &bao.address(),
            "--mount",
            "secret",
            "--approle",
            &role_id,
            "--desktop",
            "carl@pc3",
        ],
        &secret_id,
    );
    assert!(out.status.success(), "approle: {}", text(&out.stderr));
    assert_no_secret_in("approle output", &text(&out.stdout), &[&secret_id]);
    assert!(bao.read("keyward/inventory/carl@pc3").is_some());
    app.ok(&["team", "disconnect"]);
}

#[test]
fn a_deleted_key_vanishes_from_the_next_version_and_the_history_keeps_it() {
    let _team = take();
    let bao = OpenBao::start();
    let app = App::new();
    let first = app.generate(&unique("one"));
    let second = app.generate(&unique("two"));
    let out = connect(&app, &bao, &bao.root, "dee@pc4");
    assert!(out.status.success(), "{}", text(&out.stderr));
    app.ok(&["delete", first["name"].as_str().unwrap(), "--yes"]);
    let published = json(&app.ok(&["team", "publish", "--json"]));
    assert_eq!(published["keys"], 1);
    let now = bao.inventory("keyward/inventory/dee@pc4").unwrap();
    let names: Vec<&str> = now["keys"]
        .as_array()
        .unwrap()
        .iter()
        .map(|k| k["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, [second["name"].as_str().unwrap()]);
    let version = now["metadata"]["version"].as_u64().unwrap();
    let before = bao
        .read_version("keyward/inventory/dee@pc4", version - 1)
        .unwrap();
    assert!(
        before.to_string().contains(first["name"].as_str().unwrap()),
        "the earlier version still names the deleted key"
    );
    app.ok(&["team", "disconnect"]);
}

#[test]
fn a_staff_token_from_the_example_policy_is_refused_another_desktops_document() {
    let _team = take();
    let bao = OpenBao::start();
    bao.policy("staff-ann", &staff_policy("ann@pc1"));
    let ann = bao.token(&["staff-ann"], "1h");
    bao.write(
        "keyward/inventory/bob@pc2",
        json!({"format": 1, "desktop": "bob@pc2", "user": "bob", "computer": "pc2",
               "published_at": "2026-11-27T00:00:00Z", "keys": []}),
    );
    bao.write(
        "keyward/shared/payments-api",
        json!({"secret": "not-for-ann"}),
    );
    let app = App::new();
    let out = connect(&app, &bao, &ann, "ann@pc1");
    assert!(
        out.status.success(),
        "ann writes her own: {}",
        text(&out.stderr)
    );
    for path in [
        "secret/data/keyward/inventory/bob@pc2",
        "secret/data/keyward/shared/payments-api",
    ] {
        let (status, _) = bao.api_as(&ann, "GET", path, None);
        assert_eq!(status, 403, "ann may not read {path}");
    }
    let (status, _) = bao.api_as(
        &ann,
        "POST",
        "secret/data/keyward/inventory/bob@pc2",
        Some(json!({"data": {"keys": []}})),
    );
    assert_eq!(status, 403, "ann may not overwrite bob's document");
    let (status, _) = bao.api_as(&ann, "LIST", "secret/metadata/keyward/inventory", None);
    assert_eq!(status, 403, "ann may not list the desktops");
    // Ann's Keyward, asked for the team report, says why in words.
    let out = app.run(&["team", "report"]);
    assert!(!out.status.success());
    assert!(
        text(&out.stderr).contains("policy does not allow"),
        "{}",
        text(&out.stderr)
    );
    app.ok(&["team", "disconnect"]);
}

#[test]
fn two_desktops_and_a_lead_the_lead_sees_every_key_overdue_first() {
    let _team = take();
    let bao = OpenBao::start();
    bao.policy("staff-a", &staff_policy("ann@pc1"));
    bao.policy("staff-b", &staff_policy("bob@pc2"));
    bao.policy("lead", &lead_policy("lee@pc9"));
    let (desk_a, desk_b, lead) = (App::new(), App::new(), App::new());
    let a_key = desk_a.generate(&unique("payments"));
    let old = desk_b.run_with_input(
        &[
            "add",
            "--service",
            "mail",
            "--credential-id",
            &unique("OLDID"),
            "--created",
            &days_ago(200),
            "--json",
        ],
        "sk_live_old_secret_value_0123456789",
    );
    assert!(old.status.success(), "{}", text(&old.stderr));
    let old = json(&text(&old.stdout));
    for (app, desktop, policy) in [
        (&desk_a, "ann@pc1", "staff-a"),
        (&desk_b, "bob@pc2", "staff-b"),
    ] {
        let token = bao.token(&[policy], "1h");
        let out = connect(app, &bao, &token, desktop);
        assert!(out.status.success(), "{desktop}: {}", text(&out.stderr));
        app.ok(&["team", "disconnect"]);
    }
    let token = bao.token(&["lead"], "1h");
    let out = connect(&lead, &bao, &token, "lee@pc9");
    assert!(out.status.success(), "lead: {}", text(&out.stderr));
    let report = json(&lead.ok(&["team", "report", "--format", "json"]));
    let keys = report["keys"].as_array().unwrap();
    assert_eq!(keys.len(), 2, "{report}");
    assert_eq!(keys[0]["name"], old["name"], "overdue first");
    assert_eq!(keys[0]["status"], "overdue");
    assert_eq!(keys[0]["desktop"], "bob@pc2");
    assert_eq!(keys[1]["name"], a_key["name"]);
    assert_eq!(report["desktops"].as_array().unwrap().len(), 3);
    let csv = lead.ok(&["team", "report", "--format", "csv"]);
    assert!(
        csv.starts_with("Desktop,Person,Computer,Key,Service"),
        "{csv}"
    );
    assert!(csv.contains(a_key["name"].as_str().unwrap()));
    assert_no_secret_in(
        "the team report",
        &csv,
        &[a_key["secret"].as_str().unwrap(), "sk_live_old_secret"],
    );
    let file = lead.root.path().join("team.csv");
    let said = lead.ok(&["team", "report", "--output", file.to_str().unwrap()]);
    assert!(said.contains("2 keys on 3 desktops, 1 overdue"), "{said}");
    lead.ok(&["team", "disconnect"]);
}

#[test]
fn hostile_documents_are_refused_or_cut_and_rendered_inert_in_the_report() {
    let _team = take();
    let bao = OpenBao::start();
    let lead = App::new();
    let out = connect(&lead, &bao, &bao.root, "lee@pc9");
    assert!(out.status.success(), "{}", text(&out.stderr));
    // 10 MB of keys from a hostile desktop.
    let filler = "x".repeat(1000);
    let many: Vec<Value> = (0..10_500)
        .map(|i| json!({"name": format!("k{i}"), "service": filler, "created_at": "2026-01-01T00:00:00Z", "rotate_by": "2026-04-01T00:00:00Z"}))
        .collect();
    let as_kv = |document: Value| json!({"format": 1, "inventory": document.to_string()});
    bao.write(
        "keyward/inventory/huge@evil",
        as_kv(json!({"format": 1, "desktop": "huge@evil", "user": "e", "computer": "e", "published_at": "2026-11-27T00:00:00Z", "keys": many})),
    );
    bao.write(
        "keyward/inventory/escape@evil",
        as_kv(json!({"format": 1, "desktop": "escape@evil", "user": "\u{1b}[31mroot", "computer": "e",
               "published_at": "2099-01-01T00:00:00Z",
               "keys": [{"name": "\u{1b}[2J\u{1b}]0;owned\u{7}<script>alert(1)</script>\u{202e}", "service": "=HYPERLINK(\"http://x\")",
                         "created_at": "2026-01-01T00:00:00Z", "rotate_by": "2026-04-01T00:00:00Z"}]})),
    );
    bao.write("keyward/inventory/junk@evil", json!({"hello": "world"}));
    let started = Instant::now();
    let out = lead.run(&["team", "report", "--format", "csv"]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(started.elapsed() < Duration::from_secs(20));
    let (csv, warnings) = (text(&out.stdout), text(&out.stderr));
    assert!(
        warnings.contains("huge@evil") && warnings.contains("larger than"),
        "{warnings}"
    );
    assert!(warnings.contains("junk@evil"), "{warnings}");
    assert!(
        warnings.contains("ahead of the vault"),
        "clock skew named: {warnings}"
    );
    assert!(
        !csv.contains('\u{1b}') && !csv.contains('\u{7}') && !csv.contains('\u{202e}'),
        "{csv:?}"
    );
    assert!(
        csv.contains("'=HYPERLINK"),
        "a formula is neutralised: {csv}"
    );
    assert!(
        csv.contains("<script>"),
        "HTML stays text for the window to show as text"
    );
    let report = json(&lead.ok(&["team", "report", "--format", "json"]));
    let huge = report["desktops"]
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["desktop"] == "huge@evil")
        .unwrap();
    assert!(huge["problem"].as_str().unwrap().contains("larger than"));
    lead.ok(&["team", "disconnect"]);
}

#[test]
fn a_vault_stopped_mid_sync_keeps_local_work_and_publishing_resumes_after_restart() {
    let _team = take();
    let mut bao = OpenBao::start();
    let app = App::new();
    let out = connect(&app, &bao, &bao.root, "fay@pc5");
    assert!(out.status.success(), "{}", text(&out.stderr));
    bao.stop();
    // Local work does not wait for the vault.
    let started = Instant::now();
    let key = app.generate(&unique("offline"));
    assert!(started.elapsed() < Duration::from_secs(5));
    let out = app.run(&["team", "publish"]);
    assert!(!out.status.success());
    assert!(
        text(&out.stderr).contains("could not reach the team vault"),
        "{}",
        text(&out.stderr)
    );
    let status = status(&app);
    assert_eq!(
        status["shared_words"], "shared today",
        "the last share is remembered"
    );
    assert!(
        status["last_error"]
            .as_str()
            .unwrap()
            .contains("could not reach")
    );
    assert!(
        status["next_try_at"].is_string(),
        "a retry is planned: {status}"
    );
    assert!(
        app.names()
            .contains(&key["name"].as_str().unwrap().to_owned()),
        "nothing lost locally"
    );
    bao.restart();
    let published = json(&app.ok(&["team", "publish", "--json"]));
    assert_eq!(published["keys"], 1);
    let status = self::status(&app);
    assert!(status["last_error"].is_null(), "{status}");
    assert!(
        bao.read("keyward/inventory/fay@pc5")
            .unwrap()
            .to_string()
            .contains(key["name"].as_str().unwrap())
    );
    app.ok(&["team", "disconnect"]);
}

/// OpenBao refuses request bodies with more than 1,000 JSON strings by
/// default (`max_request_json_strings`): a desktop's whole inventory must
/// still be one write, however many keys it holds.
#[test]
fn regression_a_desktop_with_two_thousand_keys_publishes_in_one_write() {
    let _team = take();
    let bao = OpenBao::start();
    let app = App::new();
    app.generate(&unique("many"));
    let path = app.catalog_path();
    let mut file: Value = json(&std::fs::read_to_string(&path).unwrap());
    let template = file["keys"][0].clone();
    let keys: Vec<Value> = (0..2000)
        .map(|i| {
            let mut key = template.clone();
            key["id"] = format!("copy{i:05}").into();
            key["name"] = format!("many-copy-{i:05}").into();
            key["credential_id"] = format!("cred{i:05}").into();
            key
        })
        .collect();
    file["keys"] = Value::Array(keys);
    std::fs::write(&path, file.to_string()).unwrap();
    let out = connect(&app, &bao, &bao.root, "gus@pc6");
    assert!(out.status.success(), "{}", text(&out.stderr));
    let document = bao.inventory("keyward/inventory/gus@pc6").unwrap();
    assert_eq!(document["keys"].as_array().unwrap().len(), 2000);
    app.ok(&["team", "disconnect"]);
}

/// The background program (window closed) publishes a few seconds after
/// the keys change from the command line; with the vault stopped the change
/// waits, the failure is in `team status`, and once the vault is back
/// (restarted empty) the next try after the back-off publishes it.
#[test]
fn the_background_program_publishes_changes_and_catches_up_after_the_vault_comes_back() {
    let _team = take();
    let _running = APP_RUNNING
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner);
    let mut bao = OpenBao::start();
    let app = App::new();
    let out = connect(&app, &bao, &bao.root, "hal@pc7");
    assert!(out.status.success(), "{}", text(&out.stderr));
    let child = crate::reminders::start_in_background(&app);
    assert!(
        app.wait_for_process("keyward-background", Duration::from_secs(10))
            .is_some()
    );
    let names = |bao: &OpenBao| -> String {
        bao.inventory("keyward/inventory/hal@pc7")
            .map(|d| d["keys"].to_string())
            .unwrap_or_default()
    };
    let first = app.generate(&unique("bg"));
    let first = first["name"].as_str().unwrap().to_owned();
    let shared = poll_until(Duration::from_secs(20), || names(&bao).contains(&first));
    bao.stop();
    let second = app.generate(&unique("bg"));
    let second = second["name"].as_str().unwrap().to_owned();
    let failed = poll_until(Duration::from_secs(20), || {
        status(&app)["last_error"]
            .as_str()
            .is_some_and(|e| e.contains("could not reach"))
    });
    bao.restart();
    let caught_up = poll_until(Duration::from_secs(60), || names(&bao).contains(&second));
    let err = crate::reminders::stop(&app, child);
    assert!(shared, "the new key was published within seconds; {err}");
    assert!(
        failed,
        "the failure is said in team status: {}",
        status(&app)
    );
    assert!(caught_up, "published after the vault came back; {err}");
    app.ok(&["team", "disconnect"]);
}

/// The lead's Keyward tells the team channel about the whole team's keys:
/// "1 key overdue across 1 person", each key's stage once (a second run
/// sends nothing new), with names and dates only.
#[test]
fn the_leads_team_digest_reaches_the_team_channel_once_per_stage() {
    let _team = take();
    let lead = App::new();
    let _channel = crate::webhook::Channel::take(&lead);
    let server = crate::hook_server::HookServer::start(&[crate::hook_server::Reply::Status(200)]);
    let bao = OpenBao::start();
    bao.write(
        "keyward/inventory/bob@pc2",
        json!({"format": 1, "inventory": json!({"format": 1, "desktop": "bob@pc2", "user": "bob", "computer": "pc2",
            "published_at": "2026-11-27T00:00:00Z",
            "keys": [{"name": "mail-old", "service": "mail", "created_at": "2026-01-01T00:00:00Z", "rotate_by": "2026-04-01T00:00:00Z"},
                     {"name": "web-fine", "service": "web", "created_at": "2026-11-01T00:00:00Z", "rotate_by": "2099-01-01T00:00:00Z"}]}).to_string()}),
    );
    let out = connect(&lead, &bao, &bao.root, "lee@pc9");
    assert!(out.status.success(), "{}", text(&out.stderr));
    _channel.set(&server.url("team"), &["--format", "json"]);
    let said = lead.ok(&["team", "digest"]);
    assert!(said.contains("1 key overdue across 1 person"), "{said}");
    let received = server.received();
    assert_eq!(received.len(), 1);
    let body = &received[0].body;
    assert!(body.contains("1 key overdue across 1 person"), "{body}");
    assert!(body.contains("mail-old (mail) on bob@pc2"), "{body}");
    assert!(
        !body.contains("web-fine"),
        "only keys that need attention: {body}"
    );
    assert!(!body.contains(&bao.root));
    let again = lead.ok(&["team", "digest"]);
    assert!(again.contains("Nothing new"), "{again}");
    assert_eq!(server.received().len(), 1, "each stage once");
    lead.ok(&["team", "disconnect"]);
}

/// §4: a key shared on desktop A (check-and-set: a second share under the
/// same name is refused) is listed and copied on desktop B, whose audit
/// log records the read; a shared key outside B's grant is refused.
#[test]
fn a_shared_key_made_on_desktop_a_is_copied_on_desktop_b_and_the_read_is_in_bs_audit_log() {
    let _team = take();
    let bao = OpenBao::start();
    let share_policy = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/docs/keyward-share.hcl"
    ))
    .unwrap();
    bao.policy("share", &share_policy);
    bao.policy("staff-a", &staff_policy("ann@pc1"));
    bao.policy("staff-b", &staff_policy("bob@pc2"));
    let (desk_a, desk_b) = (App::new(), App::new());
    let made = desk_a.generate(&unique("shared"));
    let (name, secret) = (
        made["name"].as_str().unwrap().to_owned(),
        made["secret"].as_str().unwrap().to_owned(),
    );
    bao.policy(
        "grant-b",
        &format!(
            "path \"secret/data/keyward/shared/{name}\" {{ capabilities = [\"read\"] }}\npath \"secret/metadata/keyward/shared\" {{ capabilities = [\"list\"] }}\n"
        ),
    );
    let token_a = bao.token(&["staff-a", "share"], "1h");
    assert!(connect(&desk_a, &bao, &token_a, "ann@pc1").status.success());
    let said = desk_a.ok(&["team", "share", &name]);
    assert!(said.contains("Shared"), "{said}");
    assert!(!said.contains(&secret));
    let again = desk_a.run(&["team", "share", &name]);
    assert!(!again.status.success());
    assert!(
        text(&again.stderr).contains("already has a shared key"),
        "{}",
        text(&again.stderr)
    );
    let shared_entries: Vec<Value> = crate::audit::entries(&desk_a)
        .into_iter()
        .filter(|e| e["action"] == "team_shared")
        .collect();
    assert_eq!(shared_entries.len(), 1, "A's log records the share once");
    desk_a.ok(&["team", "disconnect"]);
    bao.write(
        "keyward/shared/not-for-bob",
        json!({"format": 1, "metadata": "{}", "secret": "x"}),
    );

    let token_b = bao.token(&["staff-b", "grant-b"], "1h");
    assert!(connect(&desk_b, &bao, &token_b, "bob@pc2").status.success());
    let listed = json(&desk_b.ok(&["team", "shared", "--json"]));
    assert!(
        listed
            .as_array()
            .unwrap()
            .iter()
            .any(|n| n == name.as_str()),
        "{listed}"
    );
    let said = desk_b.ok(&["team", "copy", &name]);
    assert!(said.contains("Copied"), "{said}");
    assert!(!said.contains(&secret));
    let copy = desk_b
        .list()
        .into_iter()
        .find(|k| k["name"] == name.as_str())
        .expect("B holds the copy");
    assert_eq!(
        keychain_secret(copy["id"].as_str().unwrap()).as_deref(),
        Some(secret.as_str()),
        "the same secret, in B's keychain"
    );
    let read: Vec<Value> = crate::audit::entries(&desk_b)
        .into_iter()
        .filter(|e| e["action"] == "team_copied")
        .collect();
    assert_eq!(read.len(), 1, "B's log records the read and copy");
    assert!(
        read[0]["detail"].as_str().unwrap().contains("version 1"),
        "{}",
        read[0]
    );
    assert!(!read[0].to_string().contains(&secret));
    let refused = desk_b.run(&["team", "copy", "not-for-bob"]);
    assert!(!refused.status.success());
    assert!(
        text(&refused.stderr).contains("policy does not allow"),
        "{}",
        text(&refused.stderr)
    );
    desk_b.ok(&["team", "disconnect"]);
}

/// §2: each key's last leak check is in the published document and in the
/// lead's report (JSON and CSV): when a check looked for it and when one
/// found it; a document from a Keyward that did not say still loads.
#[test]
fn the_last_leak_check_of_each_key_reaches_the_leads_report() {
    let _team = take();
    let bao = OpenBao::start();
    let desk = App::new();
    let leaked = desk.generate(&unique("payments"));
    let clean = desk.generate(&unique("mail"));
    let folder = tempfile::tempdir().unwrap();
    std::fs::write(
        folder.path().join("app.env"),
        format!("API_KEY={}\n", leaked["secret"].as_str().unwrap()),
    )
    .unwrap();
    let out = desk.run(&["scan", folder.path().to_str().unwrap(), "--everywhere"]);
    assert_eq!(
        out.status.code(),
        Some(5),
        "the check finds the leak: {}",
        text(&out.stdout)
    );
    let desktop = unique("ann").replace('-', "_") + "@pc1";
    let out = connect(&desk, &bao, &bao.root, &desktop);
    assert!(out.status.success(), "{}", text(&out.stderr));
    bao.write(
        "keyward/inventory/old@pc0",
        json!({"format": 1, "inventory": json!({"format": 1, "desktop": "old@pc0", "user": "old", "computer": "pc0",
            "published_at": "2026-11-27T00:00:00Z",
            "keys": [{"name": "from-before", "service": "mail", "created_at": "2026-11-01T00:00:00Z", "rotate_by": "2099-01-01T00:00:00Z"}]}).to_string()}),
    );

    let document = bao
        .inventory(&format!("keyward/inventory/{desktop}"))
        .expect("the desktop's document is in the vault");
    let published = |name: &Value| {
        document["keys"]
            .as_array()
            .unwrap()
            .iter()
            .find(|k| k["name"] == *name)
            .cloned()
            .unwrap()
    };
    assert!(
        published(&leaked["name"])["leak_checked_at"].is_string(),
        "{document}"
    );
    assert!(
        published(&leaked["name"])["leak_found_at"].is_string(),
        "{document}"
    );
    assert!(
        published(&clean["name"])["leak_checked_at"].is_string(),
        "{document}"
    );
    assert!(
        published(&clean["name"])["leak_found_at"].is_null(),
        "{document}"
    );

    let report = json(&desk.ok(&["team", "report", "--format", "json"]));
    let row = |name: &str| {
        report["keys"]
            .as_array()
            .unwrap()
            .iter()
            .find(|k| k["name"] == name)
            .cloned()
            .unwrap_or_else(|| panic!("{name} in {report}"))
    };
    let checked_at = row(leaked["name"].as_str().unwrap())["leak_checked_at"].clone();
    let checked: chrono::DateTime<chrono::Utc> = checked_at.as_str().unwrap().parse().unwrap();
    assert!(
        (chrono::Utc::now() - checked).num_minutes().abs() < 5,
        "the check was just now: {checked_at}"
    );
    assert!(row(leaked["name"].as_str().unwrap())["leak_found_at"].is_string());
    assert!(row(clean["name"].as_str().unwrap())["leak_found_at"].is_null());
    assert!(
        row("from-before")["leak_checked_at"].is_null(),
        "an older document loads and says nothing of leak checks: {report}"
    );
    let csv = desk.ok(&["team", "report", "--format", "csv"]);
    assert!(
        csv.lines()
            .next()
            .unwrap()
            .ends_with(",Last leak check,Leak found"),
        "{csv}"
    );
    let leaked_line = csv
        .lines()
        .find(|l| l.contains(leaked["name"].as_str().unwrap()))
        .unwrap();
    assert!(
        !leaked_line.ends_with(",,"),
        "both times are in the CSV: {leaked_line}"
    );
    assert_no_secret_in(
        "the team report",
        &csv,
        &[leaked["secret"].as_str().unwrap()],
    );
    desk.ok(&["team", "disconnect"]);
}

/// Connects `lead` to `bao` (its root token) as `lee@pc9` and sets its
/// team channel to `server`; keep the channel while the test runs.
fn connect_lead_with_channel<'a>(
    lead: &'a App,
    bao: &OpenBao,
    server: &crate::hook_server::HookServer,
) -> crate::webhook::Channel<'a> {
    let channel = crate::webhook::Channel::take(lead);
    let out = connect(lead, bao, &bao.root, "lee@pc9");
    assert!(out.status.success(), "{}", text(&out.stderr));
    channel.set(&server.url("team"), &["--format", "json"]);
    channel
}

/// bob@pc2's inventory in `bao`, with one key overdue since April.
fn publish_bobs_overdue_key(bao: &OpenBao) {
    bao.write(
        "keyward/inventory/bob@pc2",
        json!({"format": 1, "inventory": json!({"format": 1, "desktop": "bob@pc2", "user": "bob", "computer": "pc2",
            "published_at": "2026-11-27T00:00:00Z",
            "keys": [{"name": "mail-old", "service": "mail", "created_at": "2026-01-01T00:00:00Z", "rotate_by": "2026-04-01T00:00:00Z"}]}).to_string()}),
    );
}

/// §3: with "send the team digest" on, the lead's background program sends
/// it by itself: after the vault and then the channel were down (each tried
/// again after a back-off), once, and not again for the same stage after a
/// restart of the background program.
#[test]
fn the_background_program_sends_the_leads_team_digest_once_per_stage_after_outages() {
    use crate::hook_server::{HookServer, Reply};
    let _team = take();
    let _running = APP_RUNNING
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner);
    let down = Reply::Status(503);
    let server = HookServer::start(&[down, down, down, Reply::Status(200)]);
    let mut bao = OpenBao::start();
    let lead = App::new();
    let _channel = connect_lead_with_channel(&lead, &bao, &server);
    let said = lead.ok(&["team", "digest", "--automatic", "on"]);
    assert!(said.contains("by itself"), "{said}");

    // The vault is down when the background program starts.
    bao.stop();
    let child = crate::reminders::start_in_background(&lead);
    assert!(
        lead.wait_for_process("keyward-background", Duration::from_secs(10))
            .is_some()
    );
    std::thread::sleep(Duration::from_secs(3));
    assert!(
        server.received().is_empty(),
        "nothing to send without the vault"
    );
    bao.restart();
    publish_bobs_overdue_key(&bao);
    // Back-off 30 s: the channel answers 503 three times (one delivery's
    // tries); back-off 60 s: delivered.
    let delivered = poll_until(Duration::from_secs(150), || server.received().len() >= 4);
    let err = crate::reminders::stop(&lead, child);
    assert!(
        delivered,
        "delivered after the outages: {:?}; {err}",
        server.bodies()
    );
    let bodies = server.bodies();
    assert_eq!(bodies.len(), 4, "{bodies:?}");
    assert!(
        bodies[3].contains("1 key overdue across 1 person"),
        "{}",
        bodies[3]
    );
    assert!(
        bodies[3].contains("mail-old (mail) on bob@pc2"),
        "{}",
        bodies[3]
    );
    assert!(!bodies[3].contains(&bao.root));
    let audit = std::fs::read_to_string(lead.data_dir().join("audit.log")).unwrap();
    assert!(
        audit.contains("\"webhook_failed\"") && audit.contains("\"webhook_sent\""),
        "{audit}"
    );

    // Restarted, it looks again at once: nothing new for this stage.
    let child = crate::reminders::start_in_background(&lead);
    assert!(
        lead.wait_for_process("keyward-background", Duration::from_secs(10))
            .is_some()
    );
    std::thread::sleep(Duration::from_secs(5));
    let err = crate::reminders::stop(&lead, child);
    assert_eq!(server.received().len(), 4, "each stage once; {err}");
    let said = lead.ok(&["team", "digest"]);
    assert!(said.contains("Nothing new"), "{said}");
    lead.ok(&["team", "disconnect"]);
}

/// Regression: the lead turns the automatic digest on while the background
/// program runs (here from the command line; Settings saves the same file).
/// The task looked again only hourly when the setting was off, so the first
/// digest came up to an hour later; it now wakes when the team settings
/// change and sends within seconds.
#[test]
fn turning_the_team_digest_on_while_the_background_program_runs_sends_it_within_seconds() {
    use crate::hook_server::{HookServer, Reply};
    let _team = take();
    let _running = APP_RUNNING
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner);
    let server = HookServer::start(&[Reply::Status(200)]);
    let bao = OpenBao::start();
    let lead = App::new();
    let _channel = connect_lead_with_channel(&lead, &bao, &server);
    publish_bobs_overdue_key(&bao);

    let child = crate::reminders::start_in_background(&lead);
    assert!(
        lead.wait_for_process("keyward-background", Duration::from_secs(10))
            .is_some()
    );
    std::thread::sleep(Duration::from_secs(3));
    let before = server.received().len();
    let said = lead.ok(&["team", "digest", "--automatic", "on"]);
    assert!(said.contains("by itself"), "{said}");
    let sent = poll_until(Duration::from_secs(20), || !server.received().is_empty());
    let err = crate::reminders::stop(&lead, child);
    assert_eq!(before, 0, "nothing sent while the setting was off; {err}");
    assert!(sent, "the digest came within 20 s of the setting; {err}");
    let bodies = server.bodies();
    assert!(
        bodies[0].contains("mail-old (mail) on bob@pc2"),
        "{}",
        bodies[0]
    );
    lead.ok(&["team", "disconnect"]);
}

/// Faults: a production-style OpenBao (data on disk, initialised and
/// unsealed through its API) stopped while a desktop has a change to share
/// and restarted with its data kept: the lead's view shows what survived at
/// once, the desktop shares again with nothing lost locally, and the
/// vault's history keeps both versions.
#[test]
fn a_vault_restarted_with_its_data_kept_shows_what_survived_and_takes_the_next_share() {
    let _team = take();
    let mut bao = OpenBao::start_with_storage();
    bao.policy("staff-a", &staff_policy("ann@pc1"));
    bao.policy("lead", &lead_policy("lee@pc9"));
    let (desk, lead) = (App::new(), App::new());
    let first = desk.generate(&unique("kept"));
    let staff = bao.token(&["staff-a"], "1h");
    let out = connect(&desk, &bao, &staff, "ann@pc1");
    assert!(out.status.success(), "{}", text(&out.stderr));

    // Stopped mid-sync: a new key waits to be shared.
    bao.stop();
    let second = desk.generate(&unique("waiting"));
    let out = desk.run(&["team", "publish"]);
    assert!(!out.status.success(), "the vault is down");
    let names = desk.names();
    for key in [&first, &second] {
        assert!(
            names.contains(&key["name"].as_str().unwrap().to_owned()),
            "nothing lost locally: {names:?}"
        );
    }

    bao.restart();
    // The session has one keychain, so the desktops take turns holding
    // their credential (as in the other tests).
    let shown = |report: &Value| -> Vec<String> {
        report["keys"]
            .as_array()
            .unwrap()
            .iter()
            .filter_map(|k| k["name"].as_str().map(str::to_owned))
            .collect()
    };
    let out = connect(&lead, &bao, &bao.token(&["lead"], "1h"), "lee@pc9");
    assert!(out.status.success(), "{}", text(&out.stderr));
    let report = json(&lead.ok(&["team", "report", "--format", "json"]));
    assert!(
        shown(&report).contains(&first["name"].as_str().unwrap().to_owned()),
        "the share made before the restart survived it: {report}"
    );
    assert!(
        !shown(&report).contains(&second["name"].as_str().unwrap().to_owned()),
        "not shared yet: {report}"
    );
    lead.ok(&["team", "disconnect"]);

    // The desktop shares again, with the token made before the restart.
    let out = connect(&desk, &bao, &staff, "ann@pc1");
    assert!(out.status.success(), "{}", text(&out.stderr));
    let out = desk.run(&["team", "publish", "--json"]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(status(&desk)["last_error"].is_null());
    let document = bao.inventory("keyward/inventory/ann@pc1").unwrap();
    assert_eq!(document["keys"].as_array().unwrap().len(), 2, "{document}");
    let (code, history) = bao.api("GET", "secret/metadata/keyward/inventory/ann@pc1", None);
    assert_eq!(code, 200, "{history}");
    assert!(
        history["data"]["current_version"].as_u64() >= Some(2),
        "a new version of the kept document: {history}"
    );
    assert!(
        history["data"]["versions"]["1"].is_object(),
        "version 1 is kept for auditors: {history}"
    );
    desk.ok(&["team", "disconnect"]);
    let out = connect(&lead, &bao, &bao.token(&["lead"], "1h"), "lee@pc9");
    assert!(out.status.success(), "{}", text(&out.stderr));
    let report = json(&lead.ok(&["team", "report", "--format", "json"]));
    for key in [&first, &second] {
        assert!(
            shown(&report).contains(&key["name"].as_str().unwrap().to_owned()),
            "both keys after the next share: {report}"
        );
    }
    lead.ok(&["team", "disconnect"]);
}

/// Issue 15: reconnecting (a new token, the vault's other address) kept
/// where and how, but turned the lead's automatic team digest off without
/// a word; the person's choice must survive it.
#[test]
fn a_reconnect_with_a_new_token_and_address_keeps_the_leads_automatic_digest() {
    let _team = take();
    let bao = OpenBao::start();
    bao.policy("lead", &lead_policy("lee@pc9"));
    let lead = App::new();
    let out = connect(&lead, &bao, &bao.token(&["lead"], "1h"), "lee@pc9");
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert_eq!(status(&lead)["send_digest"], false, "off until asked");
    lead.ok(&["team", "digest", "--automatic", "on"]);
    assert_eq!(status(&lead)["send_digest"], true);

    let other_address = bao.address().replace("127.0.0.1", "localhost");
    let out = lead.run_with_input(
        &[
            "team",
            "connect",
            &other_address,
            "--mount",
            "secret",
            "--token",
            "-",
            "--desktop",
            "lee@pc9",
        ],
        &bao.token(&["lead"], "1h"),
    );
    assert!(out.status.success(), "{}", text(&out.stderr));
    let now = status(&lead);
    assert_eq!(now["address"], other_address.as_str(), "{now}");
    assert_eq!(
        now["send_digest"], true,
        "the reconnect kept the lead's choice: {now}"
    );
    let saved = std::fs::read_to_string(
        lead.root
            .path()
            .join("config")
            .join(SERVICE)
            .join("team.json"),
    )
    .unwrap();
    assert!(saved.contains("\"send_digest\": true"), "{saved}");

    lead.ok(&["team", "digest", "--automatic", "off"]);
    let out = connect(&lead, &bao, &bao.token(&["lead"], "1h"), "lee@pc9");
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert_eq!(status(&lead)["send_digest"], false, "off stays off too");
    lead.ok(&["team", "disconnect"]);
}
