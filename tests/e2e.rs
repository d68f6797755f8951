//! End to end: the real app in a real window (tauri-driver + WebKitWebDriver
//! under the session's Xvfb display), against the real keychain. Screenshots
//! of each screen go to `tests/artifacts/`.

use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::sync::Mutex;
use std::time::{Duration, Instant};

use fantoccini::{Client, ClientBuilder, Locator};
use serde_json::{Value, json};

use crate::util::*;

/// The leak check's screen.
mod audit_stream;
/// Settings → Backup: a long restore, its progress and Cancel.
mod backup;
/// Importing keys from a file.
mod import;
/// Importing a Bitwarden export with custom fields.
mod import_bitwarden;
mod leak_check;
/// Sharing a key and adding it from the shared file.
mod share;
/// Settings → Team and the lead's Team screen.
mod team;
/// Settings → Team's digest box and a staff member's Team screen.
mod team_settings;

/// tauri-driver's ports are fixed and the app is single-instance: one
/// window test at a time.
static DRIVER: &Mutex<()> = &APP_RUNNING;

struct Driver(Child);

impl Drop for Driver {
    /// Stops tauri-driver and everything it started (WebKitWebDriver, the
    /// app), and waits until they are gone: the app is single-instance, so a
    /// leftover window would swallow the next test's launch.
    fn drop(&mut self) {
        let family = descendants(self.0.id());
        let _ = self.0.kill();
        let _ = self.0.wait();
        for pid in &family {
            let _ = Command::new("kill").arg(pid.to_string()).status();
        }
        poll_until(Duration::from_secs(10), || {
            !family
                .iter()
                .any(|pid| std::path::Path::new(&format!("/proc/{pid}")).exists())
        });
    }
}

/// Every process below `root`, read from /proc.
fn descendants(root: u32) -> Vec<u32> {
    let parents: Vec<(u32, u32)> = std::fs::read_dir("/proc")
        .into_iter()
        .flatten()
        .flatten()
        .filter_map(|entry| {
            let pid: u32 = entry.file_name().to_str()?.parse().ok()?;
            let stat = std::fs::read_to_string(entry.path().join("stat")).ok()?;
            // "pid (comm) state ppid ...": comm may hold spaces, so split after ')'.
            let ppid = stat
                .rsplit_once(')')?
                .1
                .split_whitespace()
                .nth(1)?
                .parse()
                .ok()?;
            Some((pid, ppid))
        })
        .collect();
    let mut found = vec![root];
    let mut i = 0;
    while i < found.len() {
        let parent = found[i];
        found.extend(
            parents
                .iter()
                .filter(|(_, pp)| *pp == parent)
                .map(|(pid, _)| *pid),
        );
        i += 1;
    }
    found.remove(0);
    found
}

fn artifacts() -> PathBuf {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/artifacts");
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// tauri-driver (and so the app and its web view) in time zone `tz`, if
/// given, with more environment `env` (for example another bus).
fn start_driver_in(app: &App, tz: Option<&str>, env: &[(&str, &str)]) -> Driver {
    let dir = |d: &str| app.root.path().join(d);
    let mut command = Command::new("tauri-driver");
    command.envs(env.iter().copied());
    if let Some(tz) = tz {
        command.env("TZ", tz);
    }
    let child = command
        .env("XDG_DATA_HOME", dir("data"))
        .env("XDG_CONFIG_HOME", dir("config"))
        .env("XDG_CACHE_HOME", dir("cache"))
        .env("XDG_STATE_HOME", dir("state"))
        .env("TMPDIR", dir("tmp"))
        .env("KEYWARD_POLICY_FILE", app.policy_path())
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("tauri-driver runs (installed by .ci/deps)");
    Driver(child)
}

async fn connect(args: &[&str]) -> Client {
    let caps = json!({
        "browserName": "wry",
        "tauri:options": { "application": env!("CARGO_BIN_EXE_keyward"), "args": args },
    });
    let Value::Object(caps) = caps else {
        unreachable!()
    };
    let started = Instant::now();
    loop {
        let connector = hyper_util::client::legacy::connect::HttpConnector::new();
        match ClientBuilder::new(connector)
            .capabilities(caps.clone())
            .connect("http://127.0.0.1:4444")
            .await
        {
            Ok(client) => return client,
            Err(e) if started.elapsed() < Duration::from_secs(30) => {
                let _ = e;
                tokio::time::sleep(Duration::from_millis(250)).await;
            }
            Err(e) => panic!("could not open the app through tauri-driver: {e}"),
        }
    }
}

fn xpath_button(text: &str) -> String {
    format!("//button[normalize-space()='{text}']")
}

async fn wait_for<'a>(client: &Client, locator: Locator<'a>) -> fantoccini::elements::Element {
    client
        .wait()
        .at_most(Duration::from_secs(20))
        .for_element(locator)
        .await
        .unwrap_or_else(|e| panic!("{locator:?} did not appear: {e}"))
}

/// The text of the element `css`, once it is there.
async fn text_of(client: &Client, css: &str) -> String {
    wait_for(client, Locator::Css(css))
        .await
        .text()
        .await
        .unwrap()
}

/// What the page shows as errors now (`role=alert` with text), joined by
/// " / ": empty when it shows none.
async fn alerts_shown(client: &Client) -> String {
    let shown = client
        .execute(
            "return [...document.querySelectorAll('[role=alert]')].map((e) => e.textContent.trim()).filter((t) => t).join(' / ');",
            vec![],
        )
        .await
        .unwrap();
    shown.as_str().unwrap_or_default().to_owned()
}

async fn click_button(client: &Client, text: &str) {
    wait_for(client, Locator::XPath(&xpath_button(text)))
        .await
        .click()
        .await
        .unwrap();
}

async fn screenshot(client: &Client, name: &str) {
    // Once the page has drawn what its DOM holds now: a snapshot taken
    // straight after a change can still show the frame before it.
    client
        .execute_async(
            "const done = arguments[arguments.length - 1]; requestAnimationFrame(() => requestAnimationFrame(() => done()));",
            vec![],
        )
        .await
        .unwrap();
    let png = client.screenshot().await.unwrap();
    std::fs::write(artifacts().join(format!("{name}.png")), png).unwrap();
}

/// axe-core's serious and critical accessibility violations on the page as
/// it is now (a dialog open, a form filled), one line each: rule, what it
/// asks, where. axe-core comes from the UI's dev dependencies (`npm ci`).
async fn accessibility_problems(client: &Client) -> Vec<String> {
    let axe = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("ui/node_modules/axe-core/axe.min.js");
    let source = std::fs::read_to_string(&axe).unwrap_or_else(|e| {
        panic!(
            "axe-core is installed by npm ci in ui/ ({}): {e}",
            axe.display()
        )
    });
    client
        .execute(&format!("{source}\nreturn typeof window.axe;"), vec![])
        .await
        .expect("axe-core loads into the page");
    let found = client
        .execute_async(
            "const done = arguments[arguments.length - 1];
             window.axe.run(document, { resultTypes: ['violations'] }).then(
               (result) => done(result.violations
                 .filter((v) => v.impact === 'serious' || v.impact === 'critical')
                 .map((v) => `${v.impact} ${v.id}: ${v.help} at ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`)),
               (error) => done([`axe-core failed: ${error}`]));",
            vec![],
        )
        .await
        .expect("axe-core runs");
    found
        .as_array()
        .map(|lines| {
            lines
                .iter()
                .map(|l| l.as_str().unwrap_or_default().to_owned())
                .collect()
        })
        .unwrap_or_default()
}

/// Fails the test when axe-core finds a serious or critical violation on
/// the page as it is now (`what` names the screen or dialog).
async fn assert_accessible(client: &Client, what: &str) {
    let problems = accessibility_problems(client).await;
    assert!(
        problems.is_empty(),
        "axe-core on {what}:\n{}",
        problems.join("\n")
    );
}

/// The names of the listed keys, in the order shown.
async fn listed_names(client: &Client) -> Vec<String> {
    let names = client
        .execute(
            "return [...document.querySelectorAll('[role=listitem]')]
               .sort((a, b) => a.getAttribute('aria-posinset') - b.getAttribute('aria-posinset'))
               .map((item) => item.querySelector('button.row').dataset.name);",
            vec![],
        )
        .await
        .unwrap();
    names
        .as_array()
        .unwrap()
        .iter()
        .map(|n| n.as_str().unwrap_or_default().to_owned())
        .collect()
}

/// The column header that sorts the list, and how (`aria-sort`).
async fn sorted_column(client: &Client) -> Vec<(String, String)> {
    let found = client
        .execute(
            "return [...document.querySelectorAll('[role=columnheader][aria-sort]')]
               .map((h) => [h.textContent.trim().replace(/[▲▼]/g, '').trim(), h.getAttribute('aria-sort')]);",
            vec![],
        )
        .await
        .unwrap();
    found
        .as_array()
        .unwrap()
        .iter()
        .map(|pair| {
            (
                pair[0].as_str().unwrap_or_default().to_owned(),
                pair[1].as_str().unwrap_or_default().to_owned(),
            )
        })
        .collect()
}

/// Presses keys on the focused element (WebDriver key codes: "\u{E004}" Tab,
/// "\u{E007}" Enter, "\u{E009}" Control, held until the end of `keys`).
async fn press(client: &Client, keys: &str) {
    client
        .active_element()
        .await
        .unwrap()
        .send_keys(keys)
        .await
        .unwrap();
}

/// What has focus: its id, or its accessible name when it has no id.
async fn focused(client: &Client) -> String {
    client
        .execute(
            "const e = document.activeElement;
             return e.id || e.getAttribute('aria-label') || e.textContent.trim();",
            vec![],
        )
        .await
        .unwrap()
        .as_str()
        .unwrap_or_default()
        .to_owned()
}

async fn heading(client: &Client, text: &str) {
    wait_for(
        client,
        Locator::XPath(&format!("//h1[normalize-space()='{text}']")),
    )
    .await;
}

/// Waits for the first key row; returns it and its whole text.
async fn first_row(client: &Client) -> (fantoccini::elements::Element, String) {
    let row = wait_for(
        client,
        Locator::XPath("//button[contains(concat(' ',@class,' '),' row ')]"),
    )
    .await;
    let text = client
        .execute(
            "return document.querySelector('button.row').closest('[role=listitem]').textContent",
            vec![],
        )
        .await
        .unwrap();
    (row, text.as_str().unwrap_or_default().to_owned())
}

/// The list the window opened with came written into its page
/// (src-tauri/first_page.rs), not over IPC: `main.ts` marks which.
async fn assert_first_list_came_with_page(client: &Client) {
    let source = client
        .execute("return document.documentElement.dataset.firstList", vec![])
        .await
        .unwrap();
    assert_eq!(
        source.as_str(),
        Some("page"),
        "the first list was asked for over IPC"
    );
}

/// The focused key row: its position in the list ("1" for the first) and
/// its key's name; None unless focus is on a row that is the list's only
/// tab stop.
async fn focused_row(client: &Client) -> Option<(String, String)> {
    let found = client
        .execute(
            "const row = document.activeElement;
             const item = row?.closest('[role=listitem]');
             const stops = document.querySelectorAll('button.row[tabindex=\"0\"]');
             return item && row.matches('button.row') && stops.length === 1 && stops[0] === row
               ? [item.getAttribute('aria-posinset'), row.dataset.name] : null;",
            vec![],
        )
        .await
        .unwrap();
    let pair = found.as_array()?;
    let text = |i: usize| pair[i].as_str().unwrap_or_default().to_owned();
    Some((text(0), text(1)))
}

/// Waits for the line above the list to say `text` ("150 keys").
async fn wait_for_count(client: &Client, text: &str) {
    let xpath =
        format!("//p[contains(concat(' ',@class,' '),' count ') and normalize-space()='{text}']");
    wait_for(client, Locator::XPath(&xpath)).await;
}

/// Waits up to 5 s for the clipboard to hold `expected` (just copied).
fn clipboard_holds(expected: &str) {
    assert!(
        poll_until(Duration::from_secs(5), || clipboard().as_deref()
            == Some(expected)),
        "the secret never reached the clipboard"
    );
}

fn clipboard() -> Option<String> {
    let out = Command::new("xclip")
        .args(["-o", "-selection", "clipboard"])
        .stdin(Stdio::null())
        .output()
        .ok()?;
    out.status.success().then(|| text(&out.stdout))
}

async fn type_into(client: &Client, css: &str, value: &str) {
    let field = wait_for(client, Locator::Css(css)).await;
    field.clear().await.unwrap();
    field.send_keys(value).await.unwrap();
}

/// Opens Keyward for `app`'s folders in the real window (one window test
/// at a time), waits for the key list, then runs `steps` with the WebDriver
/// client.
fn in_window(app: &App, steps: impl AsyncFnOnce(&Client)) {
    in_window_with(app, &[], steps);
}

/// As [`in_window`], with `keyward ARGS`.
fn in_window_with(app: &App, args: &[&str], steps: impl AsyncFnOnce(&Client)) {
    in_window_in_zone(app, args, None, steps);
}

/// As [`in_window_with`], the app running in time zone `tz` if given.
fn in_window_in_zone(app: &App, args: &[&str], tz: Option<&str>, steps: impl AsyncFnOnce(&Client)) {
    in_window_full(app, args, tz, &[], steps);
}

/// As [`in_window`], with more environment for the app (for example another bus).
fn in_window_env(app: &App, env: &[(&str, &str)], steps: impl AsyncFnOnce(&Client)) {
    in_window_full(app, &[], None, env, steps);
}

fn in_window_full(
    app: &App,
    args: &[&str],
    tz: Option<&str>,
    env: &[(&str, &str)],
    steps: impl AsyncFnOnce(&Client),
) {
    let _one_at_a_time = DRIVER
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner);
    let _driver = start_driver_in(app, tz, env);
    let rt = tokio::runtime::Runtime::new().unwrap();
    rt.block_on(async {
        let client = connect(args).await;
        heading(&client, "API keys").await;
        steps(&client).await;
    });
}

#[test]
fn a_person_generates_copies_reveals_and_deletes_a_key_in_the_window() {
    let app = App::new();
    in_window(&app, async |client| {
        wait_for(
            client,
            Locator::XPath(&xpath_button("Generate your first key")),
        )
        .await;
        screenshot(client, "01-empty").await;

        click_button(client, "Generate your first key").await;
        heading(client, "Generate an API key").await;
        type_into(client, "#gen-service", "Payments API").await;
        type_into(client, "#gen-application", "Billing web app").await;
        // The suggested name follows the convention.
        let name_field = wait_for(
            client,
            Locator::XPath("//label[starts-with(normalize-space(),'Key name')]"),
        )
        .await;
        let name_id = name_field.attr("for").await.unwrap().unwrap();
        let started = Instant::now();
        let name = loop {
            let value = client
                .find(Locator::Id(&name_id))
                .await
                .unwrap()
                .prop("value")
                .await
                .unwrap()
                .unwrap_or_default();
            if value.starts_with("payments-api-") {
                break value;
            }
            assert!(
                started.elapsed() < Duration::from_secs(10),
                "no name was suggested (got {value:?})"
            );
            tokio::time::sleep(Duration::from_millis(100)).await;
        };
        screenshot(client, "02-generate").await;
        assert_accessible(client, "the Generate screen").await;
        click_button(client, "Save & Add").await;

        heading(client, "Your new key is ready").await;
        let secret = wait_for(client, Locator::Css("code.secret"))
            .await
            .text()
            .await
            .unwrap();
        assert!(
            secret.starts_with("kwsk_"),
            "the secret is shown once: {secret}"
        );
        screenshot(client, "03-shown-once").await;
        let listed = app.list();
        assert_eq!(listed.len(), 1);
        assert_eq!(listed[0]["name"], name.as_str());
        let id = listed[0]["id"].as_str().unwrap().to_owned();
        assert_eq!(
            keychain_secret(&id).as_deref(),
            Some(secret.as_str()),
            "the keychain holds what was shown"
        );

        click_button(client, "Copy secret").await;
        let copied_at = Instant::now();
        clipboard_holds(&secret);

        click_button(client, "Done").await;
        heading(client, "API keys").await;
        let row = wait_for(
            client,
            Locator::XPath(&format!(
                "//button[contains(concat(' ',@class,' '),' row ')][@data-name='{name}']"
            )),
        )
        .await;
        let body = client
            .find(Locator::Css("body"))
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        assert!(!body.contains(&secret), "the list never shows the secret");
        screenshot(client, "04-list").await;

        row.click().await.unwrap();
        heading(client, &name).await;
        click_button(client, "Show secret").await;
        let shown = wait_for(client, Locator::Id("secret-value"))
            .await
            .text()
            .await
            .unwrap();
        assert_eq!(shown, secret, "reveal shows the same secret");
        screenshot(client, "05-details").await;
        click_button(client, "Hide secret").await;

        // The copied secret leaves the clipboard 30 seconds after copying.
        let remaining = Duration::from_secs(32).saturating_sub(copied_at.elapsed());
        tokio::time::sleep(remaining).await;
        assert_ne!(
            clipboard().as_deref(),
            Some(secret.as_str()),
            "the clipboard still holds the secret after 30 s"
        );

        click_button(client, "Delete key…").await;
        wait_for(client, Locator::Id("delete-confirm"))
            .await
            .send_keys(&name)
            .await
            .unwrap();
        screenshot(client, "06-delete").await;
        assert_accessible(client, "the delete dialog").await;
        let confirm = wait_for(client, Locator::XPath("//dialog//button[@type='submit']")).await;
        confirm.click().await.unwrap();
        heading(client, "API keys").await;
        wait_for(
            client,
            Locator::XPath(&xpath_button("Generate your first key")),
        )
        .await;
        assert!(app.list().is_empty(), "gone from the list");
        assert_eq!(keychain_secret(&id), None, "gone from the keychain");
        client.clone().close().await.unwrap();
    });
}

#[test]
fn html_in_names_and_notes_is_shown_as_text() {
    let app = App::new();
    let hostile_app = "<img src=x onerror=\"document.title='pwned'\"><b>bold</b>";
    // The window's first list is written into the page it is served
    // (src-tauri/first_page.rs): these try to end the attribute holding it,
    // and to spell the placeholder Tauri replaces in that page.
    let hostile_notes = "<script>document.title='pwned'</script>'></div>\
                         <img src=x onerror=\"document.title='pwned'\"> __TAURI_SCRIPT_NONCE__ &amp;";
    let out = app.run_with_input(
        &[
            "add",
            "--service",
            "html-test",
            "--credential-id",
            "<i>cid</i>",
            "--application",
            hostile_app,
            "--notes",
            hostile_notes,
        ],
        "secret-value",
    );
    assert!(out.status.success(), "{}", text(&out.stderr));
    in_window(&app, async |client| {
        let (row, row_text) = first_row(client).await;
        assert!(
            row_text.contains("<b>bold</b>"),
            "the markup is shown as text: {row_text:?}"
        );
        assert_first_list_came_with_page(client).await;
        row.click().await.unwrap();
        let notes = wait_for(client, Locator::Css("dd.notes")).await;
        assert_eq!(
            notes.text().await.unwrap(),
            hostile_notes,
            "the notes, exactly as written"
        );
        let injected = client
            .execute("return document.querySelectorAll('main img, main b, main script').length + ':' + document.title", vec![])
            .await
            .unwrap();
        assert_eq!(
            injected.as_str().unwrap().split(':').next(),
            Some("0"),
            "no element came from the data"
        );
        assert!(
            !injected.as_str().unwrap().contains("pwned"),
            "no script ran"
        );
        screenshot(client, "07-html-as-text").await;
        client.clone().close().await.unwrap();
    });
}

#[test]
fn a_long_list_opens_on_what_needs_doing_and_then_holds_them_all() {
    let app = App::new();
    // 150 keys, more than the page carries (src-tauri/first_page.rs: the 100
    // that need doing first); the rest comes over IPC. The oldest is overdue:
    // it comes first, and the newest last.
    let now = chrono::Utc::now();
    let keys: Vec<Value> = (0..150_i64)
        .map(|i| {
            let created = if i == 149 {
                now - chrono::Duration::days(120)
            } else {
                now - chrono::Duration::hours(i + 1)
            };
            let local = created.with_timezone(&chrono::Local);
            json!({
                "id": format!("{i:032x}"),
                "name": format!("maps-{}", local.format("%d_%m_%Y-%H_%M")),
                "service": "maps",
                "application": null,
                "credential_id": format!("cid-{i}"),
                "created_at": created.format("%Y-%m-%dT%H:%M:%SZ").to_string(),
                "origin": "generated",
                "notes": "",
                "state": "active",
                "history": {},
            })
        })
        .collect();
    let newest = keys[0]["name"].as_str().unwrap().to_owned();
    let oldest = keys[149]["name"].as_str().unwrap().to_owned();
    std::fs::create_dir_all(app.data_dir()).unwrap();
    std::fs::write(
        app.catalog_path(),
        json!({ "format": 1, "keys": keys }).to_string(),
    )
    .unwrap();
    in_window(&app, async |client| {
        let (_, row_text) = first_row(client).await;
        assert!(
            row_text.contains(&oldest),
            "the overdue key first: {row_text}"
        );
        assert_first_list_came_with_page(client).await;
        // All of them, and what only the whole list can tell.
        wait_for_count(client, "150 keys").await;
        let banner = wait_for(client, Locator::Css("section.reminders")).await;
        let banner_text = banner.text().await.unwrap();
        assert!(
            banner_text.contains("1 key needs rotating"),
            "{banner_text}"
        );
        // The keyboard moves through the whole list, one tab stop at a time.
        client
            .execute(
                "document.querySelector('button.row[tabindex=\"0\"]').focus()",
                vec![],
            )
            .await
            .unwrap();
        assert_eq!(
            focused_row(client).await,
            Some(("1".to_owned(), oldest.clone()))
        );
        for (key, position) in [("\u{E015}", "2"), ("\u{E010}", "150"), ("\u{E011}", "1")] {
            client
                .active_element()
                .await
                .unwrap()
                .send_keys(key)
                .await
                .unwrap();
            // Focus moves once the row is drawn (a frame later at most).
            let css = format!("[role=listitem][aria-posinset='{position}'] button.row:focus");
            wait_for(client, Locator::Css(&css)).await;
            let (at, name) = focused_row(client).await.unwrap_or_else(|| {
                panic!("after key {key:?}, focus is not on the one tab stop of the key list")
            });
            assert_eq!(at, position, "after key {key:?}");
            if position == "150" {
                assert_eq!(name, newest, "End reaches the newest key");
            }
        }
        type_into(client, "#key-search", &oldest).await;
        wait_for_count(client, "Showing 1 of 150 keys").await;
        let (row, row_text) = first_row(client).await;
        assert!(row_text.contains("overdue"), "{row_text}");
        // What a screen reader reads for the row: everything it shows, as one sentence.
        let said = row.attr("aria-label").await.unwrap().unwrap_or_default();
        assert!(
            said.starts_with(&format!(
                "{oldest}, service maps, application No application, 3 months old, Rotate now"
            )),
            "{said}"
        );
        client.clone().close().await.unwrap();
    });
}

#[test]
fn an_overdue_key_shows_as_overdue_and_closing_the_window_keeps_keyward_in_the_tray() {
    let app = App::new();
    let out = app.run_with_input(
        &[
            "add",
            "--service",
            "legacy-billing",
            "--credential-id",
            "cid",
            "--created",
            &days_ago(120),
            "--json",
        ],
        "secret-value",
    );
    assert!(out.status.success(), "{}", text(&out.stderr));
    // Keyward's own rotation (it makes the new key) is for keys Keyward issued.
    app.make_keyward_issued(json(&text(&out.stdout))["id"].as_str().unwrap());
    // A short clipboard time, to see the hand-over wait for it below.
    let config = app.root.path().join("config/app.keyward.desktop");
    std::fs::create_dir_all(&config).unwrap();
    std::fs::write(
        config.join("settings.json"),
        r#"{"clipboard_clear_seconds": 15}"#,
    )
    .unwrap();
    in_window(&app, async |client| {
        let (row, row_text) = first_row(client).await;
        assert!(
            row_text.contains("overdue"),
            "the list says the key is overdue: {row_text}"
        );
        assert!(
            row.attr("class")
                .await
                .unwrap()
                .unwrap_or_default()
                .contains("overdue")
        );
        screenshot(client, "08-overdue").await;

        // Rotate it: a replacement is made and shown once; the old key is marked for deletion.
        row.click().await.unwrap();
        click_button(client, "Rotate this key…").await;
        screenshot(client, "09-rotate-dialog").await;
        click_button(client, "Make the new key").await;
        heading(client, "The new key is ready").await;
        let secret = wait_for(client, Locator::Css("code.secret"))
            .await
            .text()
            .await
            .unwrap();
        screenshot(client, "10-rotated").await;
        click_button(client, "Copy secret").await;
        clipboard_holds(&secret);
        click_button(client, "Done").await;
        let keys = app.list();
        assert_eq!(keys.len(), 2, "the old key and its replacement");
        let old = keys
            .iter()
            .find(|k| k["replaced_by"].is_string())
            .expect("the old key is marked replaced");
        let new = keys.iter().find(|k| k["replaced_by"].is_null()).unwrap();
        assert_eq!(old["replaced_by"], new["id"]);
        assert!(
            old["delete_after"].is_string(),
            "with a date to delete it after"
        );
        assert_eq!(new["service"], "legacy-billing");
        assert_eq!(
            keychain_secret(new["id"].as_str().unwrap()).as_deref(),
            Some(secret.as_str())
        );
        click_button(client, "Keys").await;
        heading(client, "API keys").await;
        let listed = client
            .execute("return Array.from(document.querySelectorAll('[role=listitem]')).map(r => r.textContent).join('|')", vec![])
            .await
            .unwrap();
        assert!(
            listed.as_str().unwrap_or_default().contains("Replaced"),
            "the list shows the old key as replaced: {listed}"
        );
        screenshot(client, "11-replaced").await;

        let keyward = app
            .pid_of("keyward")
            .expect("the app runs under tauri-driver");
        assert!(
            x_windows().contains("tray-icon tray app main"),
            "the tray icon exists"
        );
        // Close it as a person would (the window manager's close message).
        session_helper("close-window", &["Keyward"]);
        assert!(
            poll_until(Duration::from_secs(5), || !keyward_window_open()),
            "the window closes"
        );
        // The copied secret lives in the window's process: it stays until cleared.
        assert!(alive(keyward), "the process waits for the clipboard");
        assert_eq!(
            clipboard().as_deref(),
            Some(secret.as_str()),
            "closing the window does not take the copied secret away early"
        );
        assert!(
            ended_within(keyward, Duration::from_secs(30)),
            "the window's process, browser engine included, ends once the clipboard is cleared"
        );
        assert_ne!(
            clipboard().as_deref(),
            Some(secret.as_str()),
            "the secret is gone from the clipboard"
        );
        let background = app
            .wait_for_process("keyward-background", Duration::from_secs(10))
            .expect("Keyward keeps running in the background after its window is closed");
        let menu = tray_menu_within(background, "Open Keyward", Duration::from_secs(10));
        assert!(
            menu.iter().any(|(_, label)| label == "Open Keyward"),
            "the tray icon stays: {menu:?}"
        );
        let windows = x_windows();
        assert!(!keyward_window_open(), "the window is gone: {windows}");
    });
}

#[test]
fn settings_locked_by_the_organisation_show_set_by_your_organisation_and_damage_shows_a_banner() {
    let app = App::new();
    std::fs::write(
        app.policy_path(),
        r#"{"rotation_months": 1, "min_lead_time_days": 21, "notifications_required": true, "max_snooze_days": 3}"#,
    )
    .unwrap();
    crate::reminders::add_old_key(&app, "legacy-billing", 50);
    app.write_settings(r#"{"rotation_months": 0"#);
    in_window(&app, async |client| {
        let banner = wait_for(
            client,
            Locator::Css("[aria-labelledby='settings-banner-title']"),
        )
        .await
        .text()
        .await
        .unwrap();
        assert!(
            banner.contains("settings file") && banner.contains("damaged"),
            "the window says the settings are damaged: {banner}"
        );
        // 50 days old is overdue under the organisation's one month; pausing for a week is not allowed.
        let (row, row_text) = first_row(client).await;
        assert!(row_text.contains("overdue"), "{row_text}");
        row.click().await.unwrap();
        let week = wait_for(client, Locator::XPath(&xpath_button("Remind me in a week"))).await;
        assert_eq!(
            week.prop("disabled").await.unwrap().as_deref(),
            Some("true")
        );
        assert_eq!(
            week.attr("aria-describedby").await.unwrap().as_deref(),
            Some("snooze-limit")
        );
        let limit = wait_for(client, Locator::Css("#snooze-limit"))
            .await
            .text()
            .await
            .unwrap();
        assert!(limit.contains("at most 3 days"), "{limit}");
        let tomorrow = wait_for(client, Locator::XPath(&xpath_button("Remind me tomorrow"))).await;
        assert_ne!(
            tomorrow.prop("disabled").await.unwrap().as_deref(),
            Some("true"),
            "a day's pause is allowed"
        );
        screenshot(client, "13-pause-limited-by-organisation").await;
        click_button(client, "Settings").await;
        heading(client, "Settings").await;
        let months = wait_for(client, Locator::Css("#set-rotation-months")).await;
        assert_eq!(
            months.prop("disabled").await.unwrap().as_deref(),
            Some("true"),
            "the organisation leaves no choice: the control is disabled"
        );
        assert_eq!(months.prop("value").await.unwrap().as_deref(), Some("1"));
        let described = months
            .attr("aria-describedby")
            .await
            .unwrap()
            .unwrap_or_default();
        assert!(
            described
                .split(' ')
                .any(|id| id == "set-rotation-months-policy"),
            "the explanation is read with the control: {described}"
        );
        let note = wait_for(client, Locator::Css("#set-rotation-months-policy"))
            .await
            .text()
            .await
            .unwrap();
        assert!(note.starts_with("Set by your organisation"), "{note}");
        let notifications = wait_for(client, Locator::Css("#set-notifications")).await;
        assert_eq!(
            notifications.prop("disabled").await.unwrap().as_deref(),
            Some("true")
        );
        assert_eq!(
            notifications.prop("checked").await.unwrap().as_deref(),
            Some("true")
        );
        let lead = wait_for(client, Locator::Css("#set-lead-time-days-policy"))
            .await
            .text()
            .await
            .unwrap();
        assert!(
            lead.contains("at least 21 days"),
            "a capped value stays editable: {lead}"
        );
        screenshot(client, "12-settings-set-by-organisation").await;

        // A looser value is refused with the organisation's limit, before anything is sent.
        type_into(client, "#set-lead-time-days", "7").await;
        let problem = wait_for(client, Locator::Css("#set-lead-time-days-problem"))
            .await
            .text()
            .await
            .unwrap();
        assert!(
            problem.contains("Your organisation requires reminders to start at least 21 days"),
            "{problem}"
        );
    });
    assert_eq!(
        std::fs::read_to_string(app.settings_path()).unwrap(),
        r#"{"rotation_months": 0"#,
        "the damaged file is left as it was"
    );
}

#[test]
fn opened_from_the_tray_line_the_window_shows_exactly_the_keys_that_need_rotating() {
    use crate::reminders::add_old_key;
    let app = App::new();
    let overdue = add_old_key(&app, &unique("needs-overdue"), 120);
    let soon = add_old_key(&app, &unique("needs-soon"), 85);
    let fresh = add_old_key(&app, &unique("needs-fresh"), 3);
    // What the tray's "2 keys need rotating" starts (see the notifications tests).
    in_window_with(&app, &["--show-keys", "needs-rotating"], async |client| {
        let started = Instant::now();
        let mut filter = Value::Null;
        while started.elapsed() < Duration::from_secs(15) {
            filter = client
                .execute("return document.getElementById('key-status').value", vec![])
                .await
                .unwrap();
            if filter == "needs_rotating" {
                break;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        assert_eq!(
            filter, "needs_rotating",
            "the list shows the keys that need rotating"
        );
        let search = client
            .execute("return document.getElementById('key-search').value", vec![])
            .await
            .unwrap();
        assert_eq!(search, "", "no search words hide any of them");
        let rows = client
            .execute(
                "return Array.from(document.querySelectorAll('[role=listitem]')).map(r => r.textContent)",
                vec![],
            )
            .await
            .unwrap();
        let rows: Vec<String> = rows
            .as_array()
            .unwrap()
            .iter()
            .map(|r| r.as_str().unwrap_or_default().to_owned())
            .collect();
        screenshot(client, "13-needs-rotating-from-the-tray").await;
        assert_eq!(rows.len(), 2, "exactly the two keys: {rows:?}");
        assert!(rows.iter().any(|r| r.contains(&overdue)), "{rows:?}");
        assert!(rows.iter().any(|r| r.contains(&soon)), "{rows:?}");
        assert!(!rows.iter().any(|r| r.contains(&fresh)), "{rows:?}");
    });
}

#[test]
fn the_window_shows_a_st_johns_key_made_28_february_22_00_as_due_28_may_in_local_time() {
    let app = App::new();
    let tz = "America/St_Johns";
    let name = "legacy-28_02_2023-22_00";
    let mut add = app.cmd(&[
        "add",
        "--service",
        "legacy",
        "--credential-id",
        "vendor-1",
        "--name",
        name,
    ]);
    add.env("TZ", tz);
    let out = with_input(add, "secret-value");
    assert!(out.status.success(), "{}", text(&out.stderr));
    in_window_in_zone(&app, &[], Some(tz), async |client| {
        let (row, _) = first_row(client).await;
        row.click().await.unwrap();
        heading(client, name).await;
        let body = client
            .find(Locator::Css("body"))
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        // In UTC these would read 1 Mar and 29 May (2023-03-01T01:30Z, 2023-05-29T00:30Z).
        assert!(
            body.contains("28 Feb 2023"),
            "created on the local date: {body}"
        );
        assert!(
            body.contains("28 May 2023"),
            "due on the local date: {body}"
        );
        assert!(!body.contains("29 May 2023"), "no UTC date: {body}");
        screenshot(client, "20-details-st-johns").await;
    });
}

/// The keychain banner's first line, if the banner is shown.
async fn keychain_banner(client: &Client) -> Option<String> {
    let found = client
        .execute(
            "const b = document.getElementById('keychain-banner-title'); return b ? b.textContent : null;",
            vec![],
        )
        .await
        .unwrap();
    found.as_str().map(str::to_owned)
}

/// Shows key `name`'s secret on its details screen and returns it (the
/// screen's error instead, as `Err`, when the keychain refused).
async fn show_secret(client: &Client) -> Result<String, String> {
    click_button(client, "Show secret").await;
    let started = Instant::now();
    loop {
        let state = client
            .execute(
                "const s = document.getElementById('secret-value'); \
                 if (s) return {secret: s.textContent}; \
                 const e = document.querySelector('.error-box .message'); \
                 return e ? {error: e.parentElement.textContent} : null;",
                vec![],
            )
            .await
            .unwrap();
        if let Some(secret) = state["secret"].as_str() {
            return Ok(secret.to_owned());
        }
        if let Some(error) = state["error"].as_str() {
            return Err(error.trim().to_owned());
        }
        assert!(
            started.elapsed() < Duration::from_secs(20),
            "neither the secret nor an error appeared"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

#[test]
fn the_open_window_reconnects_to_a_keychain_that_started_late_or_restarted() {
    use crate::private_bus::{Keyring, PrivateBus};
    let app = App::new();
    // The window gets a bus of its own, where the keychain service comes and goes.
    let bus = PrivateBus::start();
    bus.start_keyring(Keyring::LoginUnlocked);
    let key = json(&text(
        &app.cmd(&["generate", "--service", "late-keychain", "--json"])
            .env("DBUS_SESSION_BUS_ADDRESS", bus.address())
            .output()
            .unwrap()
            .stdout,
    ));
    let (name, secret) = (
        key["name"].as_str().unwrap().to_owned(),
        key["secret"].as_str().unwrap().to_owned(),
    );
    bus.stop_keyring();
    in_window_env(
        &app,
        &[("DBUS_SESSION_BUS_ADDRESS", bus.address())],
        async |client| {
            // Opened before the keychain service: the banner says so.
            let started = Instant::now();
            let banner = loop {
                if let Some(banner) = keychain_banner(client).await {
                    break banner;
                }
                assert!(
                    started.elapsed() < Duration::from_secs(20),
                    "no keychain banner"
                );
                tokio::time::sleep(Duration::from_millis(100)).await;
            };
            assert!(banner.contains("cannot find a keyring"), "{banner}");

            // The service starts (as when the desktop session finishes starting).
            bus.start_keyring(Keyring::LoginUnlocked);
            click_button(client, "Check again").await;
            let started = Instant::now();
            while let Some(banner) = keychain_banner(client).await {
                assert!(
                    started.elapsed() < Duration::from_secs(20),
                    "\"Check again\" still fails once the keychain runs (the command line works): {banner}"
                );
                tokio::time::sleep(Duration::from_millis(200)).await;
            }
            screenshot(client, "keychain-reconnected").await;
            wait_for(
                client,
                Locator::XPath(&format!(
                    "//button[contains(concat(' ',@class,' '),' row ')][@data-name='{name}']"
                )),
            )
            .await
            .click()
            .await
            .unwrap();
            heading(client, &name).await;
            assert_eq!(show_secret(client).await.as_deref(), Ok(secret.as_str()));
            click_button(client, "Hide secret").await;

            // The service restarts while the window stays open.
            bus.stop_keyring();
            bus.start_keyring(Keyring::LoginUnlocked);
            assert_eq!(
                show_secret(client).await.as_deref(),
                Ok(secret.as_str()),
                "Show works after the keychain service restarted, with no restart of Keyward"
            );
            client.clone().close().await.unwrap();
        },
    );
}

/// The page's whole text.
async fn page_text(client: &Client) -> String {
    client
        .find(Locator::Css("body"))
        .await
        .unwrap()
        .text()
        .await
        .unwrap()
}

#[test]
fn a_locked_keychain_during_generate_gives_one_message_and_the_same_name_works_once_unlocked() {
    let app = App::exclusive();
    // Short enough for a test; the unlock prompt stays open after it, as a
    // person may answer it later.
    in_window_env(
        &app,
        &[("KEYWARD_KEYCHAIN_TIMEOUT_SECS", "3")],
        async |client| {
            click_button(client, "Generate your first key").await;
            heading(client, "Generate an API key").await;
            type_into(client, "#gen-service", "Locked Service").await;
            let started = Instant::now();
            let name = loop {
                let value = client
                    .execute(
                        "return document.getElementById('gen-name')?.value ?? ''",
                        vec![],
                    )
                    .await
                    .unwrap();
                let value = value.as_str().unwrap_or_default().to_owned();
                if value.starts_with("locked-service-") {
                    break value;
                }
                assert!(
                    started.elapsed() < Duration::from_secs(10),
                    "no name suggested"
                );
                tokio::time::sleep(Duration::from_millis(100)).await;
            };
            session_helper("lock-keyring", &[]);
            click_button(client, "Save & Add").await;
            // The keychain asks for its password; nobody answers in time.
            let message = wait_for(client, Locator::Css(".error-box .message"))
                .await
                .text()
                .await
                .unwrap();
            assert!(message.contains("keyring"), "{message}");
            let page = page_text(client).await;
            screenshot(client, "generate-locked").await;
            assert!(
                !page.contains("already exists"),
                "one failure, one message: {page}"
            );
            // The person unlocks the keychain through its prompt.
            session_helper("unlock-keyring", &[]);
            tokio::time::sleep(Duration::from_millis(500)).await;
            let page = page_text(client).await;
            assert!(
                !page.contains("already exists"),
                "no false name clash after unlocking: {page}"
            );
            click_button(client, "Save & Add").await;
            heading(client, "Your new key is ready").await;
            let listed = app.list();
            assert_eq!(listed.len(), 1, "one key, not two: {listed:?}");
            assert_eq!(listed[0]["name"], name.as_str(), "the same name");
            let id = listed[0]["id"].as_str().unwrap();
            let shown = wait_for(client, Locator::Css("code.secret"))
                .await
                .text()
                .await
                .unwrap();
            assert_eq!(keychain_secret(id).as_deref(), Some(shown.as_str()));
            client.clone().close().await.unwrap();
        },
    );
    assert_eq!(app.catalog_records().len(), 1, "no half-made key is left");
}

#[test]
fn the_window_s_tray_shows_a_badge_while_keys_need_rotating_and_its_line_opens_exactly_them() {
    use crate::reminders::add_old_key;
    let app = App::new();
    let fresh = add_old_key(&app, &unique("wtray-fresh"), 3);
    in_window(&app, async |client| {
        let pid = app
            .pid_of("keyward")
            .expect("the app runs under tauri-driver");
        let has = |label: &str| {
            window_tray_menu(pid).is_some_and(|menu| menu.iter().any(|(_, l)| l == label))
        };
        assert!(
            poll_until(Duration::from_secs(15), || has("All keys are up to date")),
            "the window's tray menu: {:?}",
            window_tray_menu(pid)
        );
        let calm = window_tray_icon(pid).expect("the tray shows an icon");

        // Keys that need rotating arrive (from the command line).
        let overdue = add_old_key(&app, &unique("wtray-overdue"), 120);
        let soon = add_old_key(&app, &unique("wtray-soon"), 85);
        assert!(
            poll_until(Duration::from_secs(15), || has("2 keys need rotating")),
            "the window's tray menu: {:?}",
            window_tray_menu(pid)
        );
        let badged = window_tray_icon(pid).expect("the tray shows an icon");
        assert!(
            badged != calm,
            "the tray icon changes while keys need rotating"
        );

        // Whatever the list showed, the tray's line shows exactly those keys.
        type_into(client, "#key-search", "zzz").await;
        window_tray_click(pid, "2 keys need rotating");
        let started = Instant::now();
        let mut filter = Value::Null;
        while started.elapsed() < Duration::from_secs(15) {
            filter = client
                .execute("return document.getElementById('key-status').value", vec![])
                .await
                .unwrap();
            if filter == "needs_rotating" {
                break;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        assert_eq!(filter, "needs_rotating");
        let search = client
            .execute("return document.getElementById('key-search').value", vec![])
            .await
            .unwrap();
        assert_eq!(search, "", "the search no longer hides any of them");
        // Within moments (well before the reminder task's own next look,
        // which would reload the list anyway).
        let started = Instant::now();
        let mut rows: Vec<String> = Vec::new();
        while started.elapsed() < Duration::from_secs(3) {
            let listed = client
                .execute(
                    "return Array.from(document.querySelectorAll('[role=listitem]')).map(r => r.textContent)",
                    vec![],
                )
                .await
                .unwrap();
            rows = listed
                .as_array()
                .unwrap()
                .iter()
                .map(|r| r.as_str().unwrap_or_default().to_owned())
                .collect();
            if rows.len() >= 2 {
                break;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        assert_eq!(rows.len(), 2, "exactly the two keys: {rows:?}");
        assert!(rows.iter().any(|r| r.contains(&overdue)), "{rows:?}");
        assert!(rows.iter().any(|r| r.contains(&soon)), "{rows:?}");
        assert!(!rows.iter().any(|r| r.contains(&fresh)), "{rows:?}");
    });
}

#[test]
fn the_list_opens_on_the_most_overdue_key_sorts_by_keyboard_and_finds_a_credential_id_fragment() {
    let app = App::new();
    // Four keys made elsewhere, added out of order: 100 and 250 days old
    // (overdue), 83 days (due within about a week) and 3 days.
    let keys = [
        ("billing-late", 100, "AKIAL4TE0000EXAMPLE"),
        ("billing-fresh", 3, "AKIAFR3SH000EXAMPLE"),
        ("billing-very-late", 250, "AKIAV3RYQX7Z0EXAMPLE"),
        ("billing-soon", 83, "AKIAS00N0000EXAMPLE"),
    ];
    for (name, age, credential_id) in keys {
        let out = app.run_with_input(
            &[
                "add",
                "--service",
                "billing",
                "--name",
                name,
                "--credential-id",
                credential_id,
                "--created",
                &days_ago(age),
            ],
            &format!("secret-of-{name}"),
        );
        assert!(out.status.success(), "{}", text(&out.stderr));
    }
    in_window(&app, async |client| {
        first_row(client).await;
        assert_eq!(
            listed_names(client).await,
            [
                "billing-very-late",
                "billing-late",
                "billing-soon",
                "billing-fresh"
            ],
            "the most overdue first, then overdue, due soon, the rest"
        );
        assert_eq!(
            sorted_column(client).await,
            [("Rotation".to_owned(), "ascending".to_owned())]
        );
        screenshot(client, "30-list-opens-on-what-needs-doing").await;
        assert_accessible(client, "the key list").await;

        // Sort by name with the keyboard: from the search, Tab past the
        // filter to the Name header, Enter; Enter again turns it around.
        wait_for(client, Locator::Id("key-search"))
            .await
            .click()
            .await
            .unwrap();
        press(client, "\u{E004}\u{E004}").await;
        assert_eq!(focused(client).await, "Name", "Tab reaches the Name header");
        press(client, "\u{E007}").await;
        assert_eq!(
            sorted_column(client).await,
            [("Name".to_owned(), "ascending".to_owned())]
        );
        assert_eq!(
            listed_names(client).await,
            [
                "billing-fresh",
                "billing-late",
                "billing-soon",
                "billing-very-late"
            ]
        );
        press(client, " ").await;
        assert_eq!(
            sorted_column(client).await,
            [("Name".to_owned(), "descending".to_owned())]
        );
        assert_eq!(
            listed_names(client).await,
            [
                "billing-very-late",
                "billing-soon",
                "billing-late",
                "billing-fresh"
            ]
        );
        screenshot(client, "31-list-sorted-by-name").await;

        // Ctrl+F from a key's details goes back to the list, into the search.
        first_row(client).await.0.click().await.unwrap();
        wait_for(client, Locator::Css("p.kicker")).await;
        press(client, "\u{E009}f\u{E000}").await;
        wait_for(client, Locator::Css("#key-search:focus")).await;

        // A fragment of a credential ID finds its key; three letters are too few.
        type_into(client, "#key-search", "qx7").await;
        wait_for_count(client, "Showing 0 of 4 keys").await;
        type_into(client, "#key-search", "qx7z").await;
        wait_for_count(client, "Showing 1 of 4 keys").await;
        assert_eq!(listed_names(client).await, ["billing-very-late"]);
        screenshot(client, "32-found-by-credential-id").await;
        assert_accessible(client, "the key list, searched").await;

        // Copy from the row, with the keyboard: the row, Tab to its Copy, Enter.
        client
            .execute(
                "document.querySelector('button.row[tabindex=\"0\"]').focus()",
                vec![],
            )
            .await
            .unwrap();
        press(client, "\u{E004}").await;
        assert_eq!(focused(client).await, "Copy secret of billing-very-late");
        press(client, "\u{E007}").await;
        clipboard_holds("secret-of-billing-very-late");
        client.clone().close().await.unwrap();
    });
    // The chosen order is remembered for the next start.
    in_window(&app, async |client| {
        first_row(client).await;
        assert_eq!(
            sorted_column(client).await,
            [("Name".to_owned(), "descending".to_owned())]
        );
        client.clone().close().await.unwrap();
    });
}

/// The page's layout facts: whether the window itself scrolls, the scroll
/// areas that have something to scroll, where the navigation bar is, and the
/// height of the key list's rows area (0 when not on the list).
async fn layout(client: &Client) -> Value {
    client
        .execute(
            "const root = document.scrollingElement;
             const scrolling = [...document.querySelectorAll('*')].filter((e) => {
               const s = getComputedStyle(e);
               return (s.overflowY === 'auto' || s.overflowY === 'scroll') && e.scrollHeight > e.clientHeight + 1;
             }).map((e) => e.className || e.tagName);
             const rows = document.querySelector('.rows');
             return {
               windowScrolls: root.scrollHeight > root.clientHeight + 1 || root.scrollWidth > root.clientWidth + 1,
               scrolling,
               navTop: document.querySelector('.topbar').getBoundingClientRect().top,
               rowsHeight: rows ? rows.getBoundingClientRect().height : 0,
               width: window.innerWidth,
               height: window.innerHeight,
             };",
            vec![],
        )
        .await
        .unwrap()
}

#[test]
fn the_screens_rough_edges_are_smoothed() {
    let app = App::new();
    // A short clipboard time: a shown secret hides again after it.
    app.write_settings(r#"{"clipboard_clear_seconds": 5}"#);
    let long = "payments-api-for-the-warehouse-billing-and-invoicing-system-26_08_2026-09_48";
    let out = app.run_with_input(
        &[
            "add",
            "--service",
            "payments-api",
            "--name",
            long,
            "--credential-id",
            "AKIALONGEXAMPLE",
            "--created",
            &days_ago(20),
        ],
        "secret-of-the-long-one",
    );
    assert!(out.status.success(), "{}", text(&out.stderr));
    for i in 0..12 {
        let out = app.run_with_input(
            &[
                "add",
                "--service",
                &format!("service-{i}"),
                "--credential-id",
                &format!("AKIA{i:04}EXAMPLE"),
                "--created",
                &days_ago(i * 15),
            ],
            "s",
        );
        assert!(out.status.success(), "{}", text(&out.stderr));
    }
    let gone = app.generate("gone-service");
    let gone_name = gone["name"].as_str().unwrap().to_owned();
    app.ok(&["delete", &gone_name, "--yes"]);
    in_window(&app, async |client| {
        first_row(client).await;

        // The list's hover label is drawn in the row, not the system's tooltip.
        let titled = client
            .execute(
                "return document.querySelectorAll('.rows [title]').length",
                vec![],
            )
            .await
            .unwrap();
        assert_eq!(titled, 0, "no system tooltip over the rows");

        // Key details scroll inside their own area: the window never scrolls,
        // the navigation bar stays, one scroll bar.
        type_into(client, "#key-search", "akialong").await;
        wait_for_count(client, "Showing 1 of 13 keys").await;
        first_row(client).await.0.click().await.unwrap();
        heading(client, long).await;
        client
            .execute(
                "document.querySelector('main').scrollTop = 100000; window.scrollTo(0, 100000);",
                vec![],
            )
            .await
            .unwrap();
        let facts = layout(client).await;
        assert_eq!(facts["windowScrolls"], false, "{facts}");
        assert_eq!(facts["navTop"], 0, "the navigation bar stays: {facts}");
        assert!(
            facts["scrolling"].as_array().unwrap().len() <= 1,
            "one scroll bar: {facts}"
        );
        assert_eq!(
            client
                .execute(
                    "return document.querySelectorAll('.full-name').length",
                    vec![]
                )
                .await
                .unwrap(),
            0,
            "the list's hover label went with the list"
        );
        screenshot(client, "40-details-scrolled").await;

        // "✓ Copied" does not take room from the secret beside it.
        let width = "return Math.round(document.querySelector('.credentials .cred:nth-of-type(2) .value').getBoundingClientRect().width)";
        let before = client.execute(width, vec![]).await.unwrap();
        click_button(client, "Copy secret").await;
        wait_for(client, Locator::Css(".credentials button.copied")).await;
        let after = client.execute(width, vec![]).await.unwrap();
        assert_eq!(before, after, "the secret's field keeps its width");

        // A shown secret hides again after the clipboard-clear time (5 s).
        click_button(client, "Show secret").await;
        wait_for(client, Locator::Id("secret-value")).await;
        let shown_at = Instant::now();
        wait_for(client, Locator::Id("show-secret")).await;
        let hidden_after = shown_at.elapsed();
        assert!(
            hidden_after >= Duration::from_secs(4),
            "hidden after the clipboard time, not at once ({hidden_after:?})"
        );
        assert_accessible(client, "the key details").await;

        // "Export report…" is with the keys.
        click_button(client, "Keys").await;
        heading(client, "API keys").await;
        wait_for(client, Locator::XPath(&xpath_button("Export report…"))).await;

        // After "Generate", focus is in the form's first field.
        click_button(client, "+ Generate an API key").await;
        heading(client, "Generate an API key").await;
        wait_for(client, Locator::Css("#gen-service:focus")).await;
        click_button(client, "Cancel").await;

        // A deleted key's activity says it was deleted.
        click_button(client, "Activity").await;
        heading(client, "Activity").await;
        assert!(
            client
                .find(Locator::XPath(&xpath_button("Export report…")))
                .await
                .is_err(),
            "the report is no longer on the Activity screen"
        );
        // The screen loads its rows after its heading: wait for the row.
        wait_for(
            client,
            Locator::XPath(&format!(
                "//button[contains(concat(' ',@class,' '),' row ')][contains(., '{gone_name}')]"
            )),
        )
        .await
        .click()
        .await
        .unwrap();
        let notice = wait_for(client, Locator::Css("p.gone.shown")).await;
        let said = notice.text().await.unwrap();
        assert!(
            said.starts_with(&format!("{gone_name} was deleted on ")),
            "{said}"
        );
        screenshot(client, "41-activity-deleted-key").await;
        assert_accessible(client, "the Activity screen").await;

        // Settings asks before throwing away unsaved changes.
        click_button(client, "Settings").await;
        heading(client, "Settings").await;
        assert_accessible(client, "the Settings screen").await;
        type_into(client, "#set-clipboard-clear-seconds", "45").await;
        click_button(client, "Keys").await;
        wait_for(client, Locator::Css("dialog[open]")).await;
        screenshot(client, "42-settings-unsaved").await;
        assert_accessible(client, "the discard question").await;
        click_button(client, "Keep editing").await;
        heading(client, "Settings").await;
        let kept = client
            .find(Locator::Id("set-clipboard-clear-seconds"))
            .await
            .unwrap()
            .prop("value")
            .await
            .unwrap();
        assert_eq!(kept.as_deref(), Some("45"), "the change is still there");
        click_button(client, "Keys").await;
        click_button(client, "Discard changes").await;
        heading(client, "API keys").await;

        // Down to 560 pixels wide, the header and filters leave room for rows.
        client.set_window_size(560, 640).await.unwrap();
        tokio::time::sleep(Duration::from_millis(500)).await;
        screenshot(client, "43-list-560-wide").await;
        let facts = layout(client).await;
        assert!(
            facts["width"].as_f64().unwrap() <= 580.0,
            "the window can be 560 pixels wide: {facts}"
        );
        assert_eq!(facts["windowScrolls"], false, "{facts}");
        assert!(
            facts["rowsHeight"].as_f64().unwrap() >= 0.4 * facts["height"].as_f64().unwrap(),
            "the rows keep at least 40% of the window: {facts}"
        );
        assert_accessible(client, "the list, 560 pixels wide").await;
        client.clone().close().await.unwrap();
    });
}

// ---------------------------------------------------------------------------------------------
// Keys a vendor issued: guided rotation, truthful deletion, leaks, editing.
// ---------------------------------------------------------------------------------------------

/// A vendor key as a person records one: `add` (the secret on standard
/// input) of a key made `days` ago, with its vendor's profile and an owner.
/// Returns the key's id.
fn add_vendor_key(app: &App, credential_id: &str, secret: &str, days: i64) -> String {
    let out = app.run_with_input(
        &[
            "add",
            "--service",
            "mailchimp",
            "--application",
            "Newsletter",
            "--credential-id",
            credential_id,
            "--created",
            &days_ago(days),
        ],
        secret,
    );
    assert!(out.status.success(), "add: {}", text(&out.stderr));
    app.ok(&[
        "vendor",
        "set",
        "mailchimp",
        "--display-name",
        "Mailchimp",
        "--dashboard",
        "https://us21.admin.mailchimp.com/account/api/",
    ]);
    app.ok(&[
        "edit",
        credential_id,
        "--vendor",
        "mailchimp",
        "--owner",
        "sam@example.com",
    ]);
    let key = app
        .list()
        .into_iter()
        .find(|k| k["credential_id"] == credential_id)
        .expect("the added key is listed");
    assert_eq!(key["issuer"], "vendor", "an added key is a vendor's key");
    key["id"].as_str().unwrap().to_owned()
}

/// Opens the details of the key named `name` from the list.
async fn open_key(client: &Client, name: &str) {
    wait_for(
        client,
        Locator::XPath(&format!(
            "//button[contains(concat(' ',@class,' '),' row ')][@data-name='{name}']"
        )),
    )
    .await
    .click()
    .await
    .unwrap();
    heading(client, name).await;
}

async fn h2(client: &Client, text: &str) {
    wait_for(
        client,
        Locator::XPath(&format!("//h2[normalize-space()='{text}']")),
    )
    .await;
}

/// The text of the list's row for the key named `name`.
async fn row_text(client: &Client, name: &str) -> String {
    wait_for(
        client,
        Locator::XPath(&format!(
            "//button[contains(concat(' ',@class,' '),' row ')][@data-name='{name}']"
        )),
    )
    .await;
    let found = client
        .execute(
            "return [...document.querySelectorAll('button.row')]
               .find((row) => row.dataset.name === arguments[0])
               .closest('[role=listitem]').textContent",
            vec![json!(name)],
        )
        .await
        .unwrap();
    found.as_str().unwrap_or_default().to_owned()
}

/// The audit log's entries (JSON Lines) with `action`.
fn audit_entries(app: &App, action: &str) -> Vec<Value> {
    std::fs::read_to_string(app.data_dir().join("audit.log"))
        .unwrap_or_default()
        .lines()
        .filter_map(|line| serde_json::from_str::<Value>(line).ok())
        .filter(|entry| entry["action"] == action)
        .collect()
}

#[test]
fn a_person_rotates_a_vendor_key_by_pasting_the_new_one_and_can_stop_halfway() {
    let app = App::new();
    let old_secret = "mc-old-secret-7f3a";
    let new_secret = "mc-new-secret-91bd";
    let old_id = add_vendor_key(&app, "us21-old-4f1c", old_secret, 100);
    let old_name = app.list()[0]["name"].as_str().unwrap().to_owned();
    in_window(&app, async |client| {
        open_key(client, &old_name).await;
        click_button(client, "Rotate this key").await;
        h2(client, "Rotation in progress").await;
        // The first step is the vendor's dashboard, a button because its address is known.
        wait_for(
            client,
            Locator::XPath(
                "//button[normalize-space()=\"Open Mailchimp's dashboard (opens in your web browser)\"]",
            ),
        )
        .await;
        screenshot(client, "20-vendor-rotation-started").await;
        assert_accessible(client, "a vendor rotation waiting for the new key").await;
        assert_eq!(
            app.list()[0]["rotation"],
            "waiting_for_new_key",
            "the step reached is kept with the key"
        );

        // Closing the window halfway: a fresh page shows the rotation where it was.
        client.refresh().await.unwrap();
        heading(client, "API keys").await;
        let row = row_text(client, &old_name).await;
        assert!(
            row.contains("Rotation in progress"),
            "the list says the rotation is not finished: {row}"
        );
        screenshot(client, "21-rotation-in-progress-row").await;
        open_key(client, &old_name).await;
        h2(client, "Rotation in progress").await;

        // Cancel puts the key back as it was; it can be started again.
        click_button(client, "Cancel rotation").await;
        wait_for(client, Locator::XPath(&xpath_button("Rotate this key"))).await;
        assert!(
            app.list()[0]["rotation"].is_null(),
            "a cancelled rotation leaves no step behind"
        );
        click_button(client, "Rotate this key").await;
        h2(client, "Rotation in progress").await;

        // Save & Add refuses an empty paste in words, then takes the new key.
        click_button(client, "Save & Add").await;
        wait_for(
            client,
            Locator::XPath(
                "//p[@id='rotate-credential-problem' and normalize-space()='Paste the new key’s credential ID.']",
            ),
        )
        .await;
        type_into(client, "#rotate-credential", "us21-new-9a2e").await;
        type_into(client, "#rotate-secret", new_secret).await;
        let secret_type = wait_for(client, Locator::Id("rotate-secret"))
            .await
            .attr("type")
            .await
            .unwrap();
        assert_eq!(
            secret_type.as_deref(),
            Some("password"),
            "the pasted secret is masked"
        );
        screenshot(client, "22-vendor-rotation-pasted").await;
        click_button(client, "Save & Add").await;
        h2(client, "This key has been replaced").await;
        wait_for(
            client,
            Locator::XPath("//h3[contains(normalize-space(),\"Delete the old key in Mailchimp's dashboard, then here\")]"),
        )
        .await;
        let text = page_text(client).await;
        assert!(
            text.contains("It keeps working at Mailchimp until"),
            "the last step says the old key still works at the vendor: {text}"
        );
        assert!(!text.contains(new_secret), "the new secret is not shown");
        screenshot(client, "23-vendor-rotation-delete-old").await;
        assert_accessible(client, "a replaced vendor key's last step").await;
    });
    let keys = app.list();
    assert_eq!(keys.len(), 2, "the old key and the new one: {keys:?}");
    let old = keys.iter().find(|k| k["id"] == old_id.as_str()).unwrap();
    let new = keys.iter().find(|k| k["id"] != old_id.as_str()).unwrap();
    assert_eq!(
        old["replaced_by"], new["id"],
        "the old key is marked replaced"
    );
    assert!(
        old["delete_after"].is_string(),
        "with a date to delete it after"
    );
    assert_eq!(old["rotation"], "waiting_for_old_key_removal");
    assert_eq!(new["credential_id"], "us21-new-9a2e");
    for field in ["service", "application", "owner", "vendor", "issuer"] {
        assert_eq!(new[field], old[field], "the new key inherits {field}");
    }
    assert_eq!(new["owner"], "sam@example.com");
    assert_eq!(new["vendor"], "mailchimp");
    assert_eq!(
        keychain_secret(&old_id).as_deref(),
        Some(old_secret),
        "the old secret stays in the keychain until the old key is deleted"
    );
    assert_eq!(
        keychain_secret(new["id"].as_str().unwrap()).as_deref(),
        Some(new_secret),
        "the pasted secret is in the keychain"
    );
}

#[test]
fn deleting_a_vendor_key_says_it_still_works_there_and_records_not_yet_in_the_audit_log() {
    let app = App::new();
    let id = add_vendor_key(&app, "us21-gone-51aa", "mc-secret-gone", 10);
    let name = app.list()[0]["name"].as_str().unwrap().to_owned();
    in_window(&app, async |client| {
        open_key(client, &name).await;
        click_button(client, "Delete key…").await;
        h2(client, "Delete this key from Keyward?").await;
        let warning = wait_for(client, Locator::Id("delete-warning"))
            .await
            .text()
            .await
            .unwrap();
        assert!(
            warning.contains("removes its own copy")
                && warning.contains(
                    "The key keeps working at Mailchimp until it is deleted or revoked in Mailchimp's dashboard."
                ),
            "the dialog says what deleting does: {warning}"
        );
        assert!(!warning.contains("will stop working"), "{warning}");
        wait_for(
            client,
            Locator::XPath("//dialog//button[normalize-space()=\"Open Mailchimp's dashboard (opens in your web browser)\"]"),
        )
        .await;
        type_into(client, "#delete-confirm", &name).await;
        let submit = wait_for(client, Locator::XPath("//dialog//button[@type='submit']")).await;
        assert!(
            !submit.is_enabled().await.unwrap(),
            "Delete waits for an answer about the vendor"
        );
        wait_for(
            client,
            Locator::XPath("//label[normalize-space()='Not yet']/input"),
        )
        .await
        .click()
        .await
        .unwrap();
        screenshot(client, "24-delete-vendor-key").await;
        assert_accessible(client, "the delete dialog of a vendor key").await;
        submit.click().await.unwrap();
        heading(client, "API keys").await;
    });
    assert!(app.list().is_empty(), "gone from the list");
    assert_eq!(keychain_secret(&id), None, "gone from the keychain");
    let deleted = audit_entries(&app, "deleted");
    assert_eq!(deleted.len(), 1, "{deleted:?}");
    let detail = deleted[0]["detail"]
        .as_str()
        .unwrap_or_default()
        .to_lowercase();
    assert!(
        detail.contains("not yet") || detail.contains("not deleted at") || detail.contains("still"),
        "the audit log records that it was not deleted at the vendor yet: {detail}"
    );
}

#[test]
fn a_leaked_vendor_key_is_shown_as_leaked_and_its_rotation_puts_revoking_first() {
    let app = App::new();
    let id = add_vendor_key(&app, "us21-leak-77c0", "mc-secret-leaked", 20);
    let name = app.list()[0]["name"].as_str().unwrap().to_owned();
    in_window(&app, async |client| {
        open_key(client, &name).await;
        click_button(client, "This key leaked…").await;
        h2(client, "Did this key leak?").await;
        screenshot(client, "25-leak-dialog").await;
        assert_accessible(client, "the leak dialog").await;
        click_button(client, "It leaked: replace it now").await;
        h2(client, "This key leaked: replace it now").await;
        let first_step = wait_for(client, Locator::Css("ol.steps > li:first-child h3"))
            .await
            .text()
            .await
            .unwrap();
        assert!(
            first_step.contains("Revoke it at Mailchimp now"),
            "revoking at the vendor comes first: {first_step}"
        );
        screenshot(client, "26-leaked-details").await;
        let badge = client
            .execute(
                "return document.querySelector('.status-line .badge').textContent",
                vec![],
            )
            .await
            .unwrap();
        let badge = badge.as_str().unwrap_or_default();
        assert!(
            badge.contains("Leaked — revoke it at Mailchimp now"),
            "the details say it leaked: {badge}"
        );
        assert_accessible(client, "a leaked key's details").await;
        click_button(client, "Keys").await;
        heading(client, "API keys").await;
        let row = row_text(client, &name).await;
        assert!(row.contains("Leaked"), "the list row says it leaked: {row}");
        let text = page_text(client).await;
        assert!(
            text.contains("1 key needs rotating") && !text.contains("All keys are up to date"),
            "a leaked key of any age needs rotating: {text}"
        );
        screenshot(client, "27-leaked-row").await;

        // The new key from the vendor: no grace period for the leaked one.
        open_key(client, &name).await;
        type_into(client, "#rotate-credential", "us21-leak-new-1").await;
        type_into(client, "#rotate-secret", "mc-secret-after-leak").await;
        click_button(client, "Save & Add").await;
        h2(client, "This key has been replaced").await;
    });
    let keys = app.list();
    let old = keys.iter().find(|k| k["id"] == id.as_str()).unwrap();
    assert_eq!(old["leaked"], true);
    assert!(old["leaked_at"].is_string());
    let delete_after =
        chrono::DateTime::parse_from_rfc3339(old["delete_after"].as_str().unwrap()).unwrap();
    assert!(
        delete_after <= chrono::Utc::now(),
        "a leaked key is to be deleted now, not after a grace period: {delete_after}"
    );
}

#[test]
fn a_person_edits_a_key_and_its_vendor_with_problems_said_in_plain_words() {
    let app = App::new();
    let out = app.run_with_input(
        &["add", "--service", "twilio", "--credential-id", "AC-edit-1"],
        "tw-secret",
    );
    assert!(out.status.success(), "add: {}", text(&out.stderr));
    let name = app.list()[0]["name"].as_str().unwrap().to_owned();
    in_window(&app, async |client| {
        open_key(client, &name).await;
        click_button(client, "Edit details…").await;
        h2(client, "Edit key details").await;
        type_into(client, "#edit-application", "SMS alerts").await;
        type_into(client, "#edit-owner", "sam@").await;
        type_into(client, "#edit-vendor", "Twilio").await;
        type_into(client, "#edit-notes", "Ask Ops for the account").await;
        click_button(client, "Save changes").await;
        let problem = wait_for(
            client,
            Locator::XPath("//p[@id='edit-owner-problem' and normalize-space()!='']"),
        )
        .await
        .text()
        .await
        .unwrap();
        assert_eq!(
            problem,
            "That is not a complete email address. Type one like sam@example.com, or type the person’s name."
        );
        let focused = client
            .execute("return document.activeElement.id", vec![])
            .await
            .unwrap();
        assert_eq!(focused, "edit-owner", "focus goes to the field to fix");
        screenshot(client, "28-edit-problem").await;
        assert_accessible(client, "the edit dialog with a problem").await;
        type_into(client, "#edit-owner", "Sam Lee").await;
        click_button(client, "Save changes").await;
        wait_for(client, Locator::XPath("//dd[normalize-space()='Sam Lee']")).await;

        // The vendor's profile, from the key's vendor line.
        click_button(client, "Edit vendor…").await;
        h2(client, "Twilio").await;
        type_into(client, "#vendor-dashboardUrl", "http://console.twilio.com").await;
        click_button(client, "Save vendor").await;
        wait_for(
            client,
            Locator::XPath("//p[@id='vendor-dashboardUrl-problem' and normalize-space()='The dashboard address must be a secure address, starting with https://.']"),
        )
        .await;
        type_into(
            client,
            "#vendor-dashboardUrl",
            "console.twilio.com/us1/account/keys-credentials/api-keys",
        )
        .await;
        screenshot(client, "29-vendor-profile").await;
        assert_accessible(client, "the vendor's profile").await;
        click_button(client, "Save vendor").await;
        wait_for(client, Locator::XPath(&xpath_button("Delete key…"))).await;
        screenshot(client, "30-edited-details").await;
    });
    let key = &app.list()[0];
    assert_eq!(key["application"], "SMS alerts");
    assert_eq!(key["owner"], "Sam Lee");
    assert_eq!(key["vendor"], "twilio");
    assert_eq!(key["notes"], "Ask Ops for the account");
    assert_eq!(
        key["vendor_dashboard_url"],
        "https://console.twilio.com/us1/account/keys-credentials/api-keys",
        "the dashboard address is kept, made secure"
    );
    let edited = audit_entries(&app, "edited");
    assert!(!edited.is_empty(), "the edit is in the audit log");
}

#[test]
fn a_leaked_key_keyward_made_is_replaced_at_once_with_no_grace_period() {
    let app = App::new();
    let made = app.generate("payments-api");
    let id = made["id"].as_str().unwrap().to_owned();
    let name = made["name"].as_str().unwrap().to_owned();
    in_window(&app, async |client| {
        open_key(client, &name).await;
        click_button(client, "This key leaked…").await;
        h2(client, "Did this key leak?").await;
        let what = wait_for(client, Locator::Id("leak-what"))
            .await
            .text()
            .await
            .unwrap();
        assert!(
            what.contains("Keyward marks the key as leaked and makes a new key at once."),
            "{what}"
        );
        assert_accessible(client, "the leak dialog of a key Keyward made").await;
        click_button(client, "It leaked: replace it now").await;
        heading(client, "The new key is ready").await;
        let advice = wait_for(client, Locator::Css(".next-step"))
            .await
            .text()
            .await
            .unwrap();
        assert!(
            advice.contains(
                "The old key leaked: remove it from payments-api now and delete it here."
            ),
            "the old key is to go at once: {advice}"
        );
        screenshot(client, "31-leaked-keyward-key-replaced").await;
        click_button(client, "Done").await;
        heading(client, "API keys").await;
    });
    let keys = app.list();
    assert_eq!(keys.len(), 2, "the leaked key and its replacement");
    let old = keys.iter().find(|k| k["id"] == id.as_str()).unwrap();
    let new = keys.iter().find(|k| k["id"] != id.as_str()).unwrap();
    assert_eq!(old["leaked"], true);
    assert_eq!(old["replaced_by"], new["id"]);
    let delete_after =
        chrono::DateTime::parse_from_rfc3339(old["delete_after"].as_str().unwrap()).unwrap();
    assert!(
        delete_after <= chrono::Utc::now(),
        "no grace period for a leaked key: {delete_after}"
    );
    assert!(
        keychain_secret(new["id"].as_str().unwrap()).is_some(),
        "the replacement's secret is in the keychain"
    );
}

#[test]
fn dates_typed_into_the_add_form_follow_the_person_s_locale_while_names_keep_dd_mm_yyyy() {
    let app = App::new();
    app.generate("already-here");
    // English messages, German dates: the form follows LC_TIME.
    let env = [("LANG", "en_US.UTF-8"), ("LC_TIME", "de_DE.UTF-8")];
    in_window_env(&app, &env, async |client| {
        click_button(client, "Add an existing key").await;
        heading(client, "Add an existing key").await;
        let field = wait_for(client, Locator::Id("add-created")).await;
        assert_eq!(
            field.attr("placeholder").await.unwrap().as_deref(),
            Some("DD.MM.YYYY"),
            "the person's order, not the web view's American one"
        );
        type_into(client, "#add-service", "maps").await;
        type_into(client, "#add-credential", "AKIADATEEXAMPLE").await;
        type_into(client, "#add-secret", "secret-for-the-date").await;
        type_into(client, "#add-created", "03.04.2026").await;
        let understood = wait_for(client, Locator::Css("#add-created-format strong"))
            .await
            .text()
            .await
            .unwrap();
        assert_eq!(understood, "3 Apr 2026", "read as 3 April, day first");
        client
            .execute(
                "document.getElementById('add-created').scrollIntoView()",
                vec![],
            )
            .await
            .unwrap();
        screenshot(client, "44-add-date-in-the-person-s-order").await;
        assert_accessible(client, "the Add form").await;
        click_button(client, "Save key").await;
        heading(client, "API keys").await;
        client.clone().close().await.unwrap();
    });
    let added = app
        .list()
        .into_iter()
        .find(|k| k["service"] == "maps")
        .expect("the key was added");
    let name = added["name"].as_str().unwrap();
    assert!(
        name.starts_with("maps-03_04_2026"),
        "names keep dd_mm_yyyy: {name}"
    );
}

#[test]
fn an_added_key_names_its_vendor_and_owner_and_a_vendor_with_no_dashboard_is_explained_in_words() {
    let app = App::new();
    in_window(&app, async |client| {
        click_button(client, "Add a key you already have").await;
        heading(client, "Add an existing key").await;
        type_into(client, "#add-service", "Newsletter sending").await;
        type_into(client, "#add-vendor", "Brevo Mail").await;
        type_into(client, "#add-owner", "Alex Kim").await;
        type_into(client, "#add-credential", "xkeysib-0a1b2c3d").await;
        type_into(client, "#add-secret", "brevo-secret-1").await;
        screenshot(client, "32-add-with-vendor").await;
        assert_accessible(client, "the Add screen with vendor and owner").await;
        wait_for(client, Locator::XPath("//form//button[@type='submit']"))
            .await
            .click()
            .await
            .unwrap();
        heading(client, "API keys").await;
        let name = app.list()[0]["name"].as_str().unwrap().to_owned();

        // No dashboard address yet: the first step says where to go, and offers to add it.
        open_key(client, &name).await;
        click_button(client, "Rotate this key").await;
        h2(client, "Rotation in progress").await;
        let text = page_text(client).await;
        assert!(
            text.contains("Keyward does not know the address of Brevo Mail's dashboard. Sign in to Brevo Mail's website and look for its API keys page."),
            "{text}"
        );
        screenshot(client, "33-rotation-without-dashboard").await;
        click_button(client, "Add the dashboard address…").await;
        h2(client, "Brevo Mail").await;
        type_into(
            client,
            "#vendor-dashboardUrl",
            "app.brevo.com/settings/keys/api",
        )
        .await;
        click_button(client, "Save vendor").await;
        wait_for(
            client,
            Locator::XPath(
                "//button[normalize-space()=\"Open Brevo Mail's dashboard (opens in your web browser)\"]",
            ),
        )
        .await;
    });
    let key = &app.list()[0];
    assert_eq!(key["issuer"], "vendor");
    assert_eq!(key["vendor"], "brevo-mail");
    assert_eq!(key["vendor_display_name"], "Brevo Mail");
    assert_eq!(key["owner"], "Alex Kim");
    assert_eq!(
        key["vendor_dashboard_url"],
        "https://app.brevo.com/settings/keys/api"
    );
}
