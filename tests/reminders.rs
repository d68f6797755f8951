//! Rotation reminders from the running app (in the background, window
//! closed) shown by a real notification daemon (dunst in the session).

use std::io::Read;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use crate::util::*;

/// Watches every desktop notification sent on the session bus, and the
/// replies that carry their ids.
pub(crate) struct NotifyMonitor {
    child: Child,
    log: std::path::PathBuf,
}

/// One message seen by `dbus-monitor`: its header line and its arguments.
struct Seen<'a> {
    header: &'a str,
    args: &'a str,
}

impl Seen<'_> {
    /// `name=value` from the header line.
    fn field(&self, name: &str) -> Option<&str> {
        self.header
            .split_whitespace()
            .find_map(|part| part.strip_prefix(name)?.strip_prefix('='))
            .map(|value| value.trim_end_matches(';'))
    }
}

impl NotifyMonitor {
    pub(crate) fn start(app: &App) -> Self {
        let log = app.root.path().join("notify.log");
        let file = std::fs::File::create(&log).unwrap();
        let child = Command::new("dbus-monitor")
            .args([
                "--session",
                "type='method_call',interface='org.freedesktop.Notifications',member='Notify'",
                "type='method_return'",
            ])
            .stdin(Stdio::null())
            .stdout(file)
            .stderr(Stdio::null())
            .spawn()
            .expect("dbus-monitor runs");
        std::thread::sleep(Duration::from_millis(500));
        Self { child, log }
    }

    fn text(&self) -> String {
        std::fs::read_to_string(&self.log).unwrap_or_default()
    }

    /// The messages in `text`, each a header line and its indented
    /// arguments (a string argument may hold line breaks of its own).
    fn messages(text: &str) -> Vec<Seen<'_>> {
        const HEADERS: [&str; 4] = [
            "method call time=",
            "method return time=",
            "signal time=",
            "error time=",
        ];
        let starts: Vec<usize> = std::iter::once(0)
            .chain(text.match_indices('\n').map(|(i, _)| i + 1))
            .filter(|&i| HEADERS.iter().any(|h| text[i..].starts_with(h)))
            .collect();
        starts
            .iter()
            .enumerate()
            .map(|(n, &start)| {
                let end = starts.get(n + 1).copied().unwrap_or(text.len());
                let message = &text[start..end];
                let (header, args) = message.split_once('\n').unwrap_or((message, ""));
                Seen { header, args }
            })
            .collect()
    }

    /// The Notify calls seen so far whose text mentions `needle`.
    pub(crate) fn calls_mentioning(&self, needle: &str) -> Vec<String> {
        let text = self.text();
        Self::messages(&text)
            .into_iter()
            .filter(|m| {
                m.header.starts_with("method call")
                    && m.header.contains("member=Notify")
                    && m.args.contains(needle)
            })
            .map(|m| format!("{}\n{}", m.header, m.args))
            .collect()
    }

    /// For each Notify call mentioning `needle`: the expiry it asked for
    /// (its last argument, in ms: -1 the server's default, 0 never).
    pub(crate) fn expiries_mentioning(&self, needle: &str) -> Vec<i32> {
        self.calls_mentioning(needle)
            .iter()
            .map(|call| {
                call.lines()
                    .rev()
                    .find_map(|l| l.trim().strip_prefix("int32 "))
                    .and_then(|n| n.parse().ok())
                    .unwrap_or_else(|| panic!("no expiry in {call}"))
            })
            .collect()
    }

    /// The id the notification server gave the Notify call mentioning
    /// `needle` (read from its reply), once it answered.
    pub(crate) fn id_of_notification_mentioning(&self, needle: &str) -> Option<u32> {
        let text = self.text();
        let messages = Self::messages(&text);
        let call = messages.iter().find(|m| {
            m.header.starts_with("method call")
                && m.header.contains("member=Notify")
                && m.args.contains(needle)
        })?;
        let (sender, serial) = (call.field("sender")?, call.field("serial")?);
        let reply = messages.iter().find(|m| {
            m.header.starts_with("method return")
                && m.field("destination") == Some(sender)
                && m.field("reply_serial") == Some(serial)
        })?;
        reply
            .args
            .lines()
            .find_map(|l| l.trim().strip_prefix("uint32 "))
            .and_then(|n| n.parse().ok())
    }
}

impl Drop for NotifyMonitor {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// `keyward --background` with this test's folders.
pub(crate) fn start_in_background(app: &App) -> Child {
    app.cmd(&["--background"])
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap()
}

/// Ends `child` and every other Keyward of this test (a clicked reminder
/// starts the window, which shares the child's standard error); returns
/// what the child wrote there.
pub(crate) fn stop(app: &App, mut child: Child) -> String {
    app.stop_processes();
    let _ = child.kill();
    let _ = child.wait();
    let mut err = String::new();
    if let Some(mut stderr) = child.stderr.take() {
        let _ = stderr.read_to_string(&mut err);
    }
    err
}

pub(crate) fn add_old_key(app: &App, service: &str, days: i64) -> String {
    let out = app.run_with_input(
        &[
            "add",
            "--service",
            service,
            "--credential-id",
            // One credential ID per key: Keyward refuses to record one twice.
            &format!("cid-{service}"),
            "--created",
            &days_ago(days),
            "--json",
        ],
        &format!("secret-of-{service}"),
    );
    assert!(out.status.success(), "{}", text(&out.stderr));
    json(&text(&out.stdout))["name"]
        .as_str()
        .unwrap()
        .to_owned()
}

#[test]
fn old_keys_produce_one_notification_once_and_none_after_a_restart() {
    let app = App::new();
    let _alone = APP_RUNNING
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner);
    let first = add_old_key(&app, &unique("stale-a"), 120);
    let second = add_old_key(&app, &unique("stale-b"), 100);
    let fresh = add_old_key(&app, &unique("fresh"), 3);
    let monitor = NotifyMonitor::start(&app);

    let child = start_in_background(&app);
    assert!(
        poll_until(Duration::from_secs(20), || !monitor
            .calls_mentioning(&first)
            .is_empty()),
        "no notification was sent"
    );
    std::thread::sleep(Duration::from_secs(2));
    let log = stop(&app, child);

    let calls = monitor.calls_mentioning(&first);
    assert_eq!(calls.len(), 1, "one notification for both keys: {calls:?}");
    let call = &calls[0];
    assert!(call.contains("\"Keyward\""), "sent as Keyward: {call}");
    assert!(call.contains("2 keys need rotating"), "{call}");
    assert!(
        call.contains(&second) && call.contains("days overdue. Rotate it now."),
        "{call}"
    );
    assert!(!call.contains(&fresh), "a fresh key is not mentioned");
    assert!(!call.contains("secret-of-"), "no secret in a notification");
    assert!(
        !log.contains("not available"),
        "the daemon was there: {log}"
    );

    // dunst really showed it: once closed it is in dunst's history.
    let _ = Command::new("dunstctl").arg("close-all").status();
    std::thread::sleep(Duration::from_millis(300));
    let history = Command::new("dunstctl").arg("history").output().unwrap();
    assert!(
        text(&history.stdout).contains("2 keys need rotating"),
        "dunst showed the notification"
    );

    // A restart announces nothing again: the stage was remembered.
    let child = start_in_background(&app);
    std::thread::sleep(Duration::from_secs(4));
    stop(&app, child);
    assert_eq!(
        monitor.calls_mentioning(&first).len(),
        1,
        "no repeat after a restart"
    );
}

/// A private session bus with no services at all (nothing can answer
/// notifications): the bus daemon and its address.
pub(crate) fn bus_without_services(app: &App) -> (Child, String) {
    let config = app.root.path().join("bus.conf");
    std::fs::write(
        &config,
        "<busconfig><type>session</type><listen>unix:tmpdir=/tmp</listen>\
         <policy context=\"default\"><allow send_destination=\"*\" eavesdrop=\"true\"/>\
         <allow eavesdrop=\"true\"/><allow own=\"*\"/></policy></busconfig>",
    )
    .unwrap();
    let mut bus = Command::new("dbus-daemon")
        .args([
            "--nofork",
            "--print-address",
            &format!("--config-file={}", config.display()),
        ])
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut address = String::new();
    {
        use std::io::BufRead;
        let stdout = bus.stdout.as_mut().unwrap();
        std::io::BufReader::new(stdout)
            .read_line(&mut address)
            .unwrap();
    }
    (bus, address.trim().to_owned())
}

#[test]
fn without_a_notification_daemon_the_app_keeps_running_and_says_so_once() {
    let app = App::new();
    let _alone = APP_RUNNING
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner);
    add_old_key(&app, &unique("nodaemon"), 120);
    // A private bus with no services at all: nothing can answer notifications.
    let (mut bus, address) = bus_without_services(&app);
    let child = app
        .cmd(&["--background"])
        .env("DBUS_SESSION_BUS_ADDRESS", &address)
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let pid = child.id();
    std::thread::sleep(Duration::from_secs(5));
    let alive = std::path::Path::new(&format!("/proc/{pid}")).exists();
    let log = stop(&app, child);
    let _ = bus.kill();
    let _ = bus.wait();
    assert!(
        alive,
        "Keyward kept running without a notification daemon: {log}"
    );
    assert_eq!(
        log.matches("desktop notifications are not available")
            .count(),
        1,
        "logged once: {log}"
    );
    assert!(!log.contains("panicked"), "{log}");
}

#[test]
fn due_follows_the_rotation_period_in_the_settings() {
    let app = App::new();
    add_old_key(&app, &unique("monthly"), 40);
    assert_eq!(
        app.run(&["due"]).status.code(),
        Some(0),
        "40 days is fine with 3 months"
    );
    let config = app.root.path().join("config/app.keyward.desktop");
    std::fs::create_dir_all(&config).unwrap();
    std::fs::write(config.join("settings.json"), r#"{"rotation_months": 1}"#).unwrap();
    let due = app.run(&["due", "--json"]);
    assert_eq!(
        due.status.code(),
        Some(4),
        "overdue with a one-month period"
    );
}

#[test]
fn reminders_also_reach_the_team_channel_once_with_names_and_no_secret() {
    use crate::hook_server::{HookServer, Reply};
    let app = App::new();
    let channel = crate::webhook::Channel::take(&app);
    let _alone = APP_RUNNING
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner);
    let server = HookServer::start(&[Reply::Status(200)]);
    channel.set(&server.url("reminders"), &["--format", "slack"]);
    let name = add_old_key(&app, &unique("team-stale"), 110);

    let child = start_in_background(&app);
    assert!(
        poll_until(Duration::from_secs(20), || !server.bodies().is_empty()),
        "no digest reached the team channel"
    );
    std::thread::sleep(Duration::from_secs(2));
    stop(&app, child);
    let child = start_in_background(&app);
    std::thread::sleep(Duration::from_secs(3));
    stop(&app, child);

    let bodies = server.bodies();
    assert_eq!(
        bodies.len(),
        1,
        "one digest for the stage, none after a restart: {bodies:?}"
    );
    let digest = json(&bodies[0]);
    let message = digest["text"].as_str().expect("a Slack-style message");
    assert!(message.contains(&name), "{message}");
    assert!(!bodies[0].contains("secret-of-"), "no secret in the digest");
    let audit = std::fs::read_to_string(app.data_dir().join("audit.log")).unwrap();
    assert!(
        audit.contains("\"reminder_sent\"") && audit.contains("\"webhook_sent\""),
        "{audit}"
    );
}

#[test]
fn a_second_launch_hands_over_to_the_open_window_and_exits() {
    let app = App::new();
    let _alone = APP_RUNNING
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner);
    let first = app
        .cmd(&[])
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    assert!(
        poll_until(Duration::from_secs(30), keyward_window_open),
        "the window did not open"
    );
    for args in [&[][..], &["--background"][..]] {
        let mut second = app
            .cmd(args)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        let status = wait_within(&mut second, Duration::from_secs(15));
        assert!(
            status.success(),
            "`keyward {args:?}` hands over to the open window and exits"
        );
    }
    let pid = first.id();
    let running = app.processes();
    stop(&app, first);
    assert_eq!(
        running,
        vec![(pid, "keyward".to_owned())],
        "only the first Keyward still runs"
    );
}

#[test]
fn with_the_window_closed_a_light_process_keeps_the_tray_and_the_reminders() {
    let app = App::new();
    let _alone = APP_RUNNING
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner);
    add_old_key(&app, &unique("tray-line"), 120);
    let child = start_in_background(&app);
    let background = child.id();
    let menu = tray_menu_within(background, "1 key needs rotating", Duration::from_secs(15));
    let labels: Vec<&str> = menu.iter().map(|(_, l)| l.as_str()).collect();
    assert_eq!(
        labels,
        ["Open Keyward", "1 key needs rotating", "Quit Keyward"],
        "the tray menu of the background process"
    );
    assert_eq!(app.pid_of("keyward-background"), Some(background));
    assert!(
        !maps_webkit(background) && children_of(background).into_iter().all(|c| !maps_webkit(c)),
        "the background process (and its worker) has no browser engine loaded"
    );

    // Open Keyward from the tray: the window opens and takes the reminders over.
    tray_click(background, "Open Keyward");
    let window = app
        .wait_for_process("keyward", Duration::from_secs(15))
        .expect("the window process starts");
    assert!(
        poll_until(Duration::from_secs(30), keyward_window_open),
        "the window did not open"
    );
    assert!(
        ended_within(background, Duration::from_secs(10)),
        "the background process steps aside for the window"
    );

    // Close the window: its process ends and a light one keeps the tray.
    session_helper("close-window", &["Keyward"]);
    assert!(
        ended_within(window, Duration::from_secs(15)),
        "the window's process (and its browser engine) is gone"
    );
    let background = app
        .wait_for_process("keyward-background", Duration::from_secs(10))
        .expect("a background process keeps Keyward in the tray");
    let menu = tray_menu_within(background, "1 key needs rotating", Duration::from_secs(15));
    assert!(
        menu.iter().any(|(_, l)| l == "1 key needs rotating"),
        "{menu:?}"
    );

    // Quit from the tray ends Keyward.
    tray_click(background, "Quit Keyward");
    assert!(
        ended_within(background, Duration::from_secs(10)),
        "Quit ends Keyward"
    );
    assert_eq!(app.processes(), vec![], "nothing of Keyward keeps running");
    stop(&app, child);
}

#[test]
fn clicking_the_notification_opens_keyward_on_the_key() {
    let app = App::new();
    let _alone = APP_RUNNING
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner);
    let name = add_old_key(&app, &unique("click-me"), 120);
    let _ = Command::new("dunstctl").arg("close-all").status();
    let monitor = NotifyMonitor::start(&app);
    let child = start_in_background(&app);
    let started = Instant::now();
    assert!(
        poll_until(Duration::from_secs(20), || !monitor
            .calls_mentioning(&name)
            .is_empty()),
        "no notification was sent"
    );
    std::thread::sleep(Duration::from_millis(500));
    assert!(!keyward_window_open(), "no window before the click");
    // The person clicks the notification (dunst runs its default action).
    let clicked = Command::new("dunstctl")
        .args(["action", "0"])
        .status()
        .unwrap();
    assert!(clicked.success());
    // Within 30 s of the start, as the whole wait before.
    let opened = poll_until(
        Duration::from_secs(30).saturating_sub(started.elapsed()),
        keyward_window_open,
    );
    if opened {
        // For people to look at: the window shows the key's details.
        std::thread::sleep(Duration::from_secs(5));
        let shot = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("tests/artifacts/12-notification-click.png");
        let _ = std::fs::create_dir_all(shot.parent().unwrap());
        let _ = Command::new("import")
            .args(["-window", "root"])
            .arg(&shot)
            .status();
    }
    stop(&app, child);
    let _ = Command::new("dunstctl").arg("close-all").status();
    assert!(
        opened,
        "clicking the notification opened the Keyward window"
    );
}

#[test]
fn a_key_added_from_the_command_line_while_keyward_runs_is_reminded_at_once() {
    let app = App::new();
    let _alone = APP_RUNNING
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner);
    add_old_key(&app, &unique("fresh-first"), 2);
    let monitor = NotifyMonitor::start(&app);
    let child = start_in_background(&app);
    std::thread::sleep(Duration::from_secs(3));
    // Another Keyward (the CLI) adds an overdue key; the running one notices.
    let name = add_old_key(&app, &unique("late-arrival"), 120);
    // Announced once the keys have been quiet for 10 s (a burst of
    // additions is one notification), well within 25 s.
    assert!(
        poll_until(Duration::from_secs(25), || !monitor
            .calls_mentioning(&name)
            .is_empty()),
        "the running Keyward did not notice the new key"
    );
    stop(&app, child);
    let _ = Command::new("dunstctl").arg("close-all").status();
}
