//! Shared test harness: a fresh set of app folders per test, the `keyward`
//! binary, and direct reads of the real keychain through `secret-tool`.

use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::sync::{RwLock, RwLockReadGuard, RwLockWriteGuard};
use std::time::Duration;

use serde_json::Value;

pub const SERVICE: &str = "app.keyward.desktop";

/// The name [`App::processes`] gives the background program's worker.
pub const WORKER: &str = "keyward-background --worker";

/// Keyward is single-instance: tests that run the app (window or
/// background) take this so only one runs at a time.
pub static APP_RUNNING: std::sync::Mutex<()> = std::sync::Mutex::new(());

/// Tests that turn start at login on or off (in the session's home folder,
/// shared by all tests) take this.
pub static AUTOSTART: std::sync::Mutex<()> = std::sync::Mutex::new(());

/// Tests that lock the keyring take this exclusively; all others share it.
static KEYRING: RwLock<()> = RwLock::new(());

pub enum KeyringUse {
    Shared(#[allow(dead_code, reason = "held, never read")] RwLockReadGuard<'static, ()>),
    Exclusive(#[allow(dead_code, reason = "held, never read")] RwLockWriteGuard<'static, ()>),
}

/// One test's private app folders (data, config, cache, temp) and helpers.
pub struct App {
    pub root: tempfile::TempDir,
    _keyring: KeyringUse,
}

fn require_session() {
    assert_eq!(
        std::env::var("KEYWARD_TEST_SESSION").as_deref(),
        Ok("1"),
        "these tests need the real keychain: run them through tests/session.sh (see README)"
    );
}

impl App {
    /// Folders for a test that uses the keychain normally.
    pub fn new() -> Self {
        require_session();
        let guard = KEYRING
            .read()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        Self::with(KeyringUse::Shared(guard))
    }

    /// Folders for a test that locks the keychain (runs alone).
    pub fn exclusive() -> Self {
        require_session();
        let guard = KEYRING
            .write()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        Self::with(KeyringUse::Exclusive(guard))
    }

    fn with(keyring: KeyringUse) -> Self {
        let root = tempfile::Builder::new()
            .prefix("keyward-test-")
            .tempdir()
            .unwrap();
        for dir in ["data", "config", "cache", "tmp", "state"] {
            std::fs::create_dir_all(root.path().join(dir)).unwrap();
        }
        Self {
            root,
            _keyring: keyring,
        }
    }

    pub fn data_dir(&self) -> PathBuf {
        self.root.path().join("data").join(SERVICE)
    }

    pub fn catalog_path(&self) -> PathBuf {
        self.data_dir().join("catalog.json")
    }

    /// The organisation's policy file this test's Keyward reads (absent
    /// unless the test writes it).
    pub fn policy_path(&self) -> PathBuf {
        self.root.path().join("policy.json")
    }

    /// The person's settings file of this test's Keyward.
    pub fn settings_path(&self) -> PathBuf {
        self.root
            .path()
            .join("config")
            .join(SERVICE)
            .join("settings.json")
    }

    /// Writes `text` as the person's settings file of this test's Keyward.
    pub fn write_settings(&self, text: &str) {
        let path = self.settings_path();
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, text).unwrap();
    }

    /// `keyward ARGS` with this test's folders and no standard input.
    pub fn cmd(&self, args: &[&str]) -> Command {
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_keyward"));
        let dir = |d: &str| self.root.path().join(d);
        cmd.args(args)
            .env("XDG_DATA_HOME", dir("data"))
            .env("XDG_CONFIG_HOME", dir("config"))
            .env("XDG_CACHE_HOME", dir("cache"))
            .env("XDG_STATE_HOME", dir("state"))
            .env("TMPDIR", dir("tmp"))
            .env("KEYWARD_POLICY_FILE", self.policy_path())
            .env_remove("KEYWARD_DATA_DIR")
            .env_remove("KEYWARD_TEST_ABORT_AT")
            .stdin(Stdio::null());
        cmd
    }

    /// Keyward processes (window or background) running with this test's
    /// folders: (pid, program name). The background program's worker (the
    /// child of `keyward-background` that does the work) is named
    /// [`WORKER`].
    pub fn processes(&self) -> Vec<(u32, String)> {
        let marker = format!(
            "XDG_DATA_HOME={}\0",
            self.root.path().join("data").display()
        );
        std::fs::read_dir("/proc")
            .into_iter()
            .flatten()
            .flatten()
            .filter_map(|entry| {
                let pid: u32 = entry.file_name().to_str()?.parse().ok()?;
                let exe = std::fs::read_link(entry.path().join("exe")).ok()?;
                let program = exe.file_name()?.to_str()?.to_owned();
                if program != "keyward" && program != "keyward-background" {
                    return None;
                }
                let environ = std::fs::read(entry.path().join("environ")).ok()?;
                let environ = String::from_utf8_lossy(&environ);
                let worker = std::fs::read(entry.path().join("cmdline"))
                    .is_ok_and(|cmdline| cmdline.split(|&b| b == 0).any(|arg| arg == b"--worker"));
                let program = if worker { WORKER.to_owned() } else { program };
                environ.contains(&marker).then_some((pid, program))
            })
            .collect()
    }

    /// The pid of this test's `program` (`keyward` or `keyward-background`).
    pub fn pid_of(&self, program: &str) -> Option<u32> {
        self.processes()
            .into_iter()
            .find(|(_, p)| p == program)
            .map(|(pid, _)| pid)
    }

    /// Waits up to `limit` for this test's `program` to run; its pid.
    pub fn wait_for_process(&self, program: &str, limit: Duration) -> Option<u32> {
        let mut found = None;
        poll_until(limit, || {
            found = self.pid_of(program);
            found.is_some()
        });
        found
    }

    /// Ends every Keyward process of this test (politely, then for sure).
    pub fn stop_processes(&self) {
        for signal in ["-TERM", "-KILL"] {
            let pids = self.processes();
            if pids.is_empty() {
                return;
            }
            for (pid, _) in &pids {
                let _ = Command::new("kill")
                    .args([signal, &pid.to_string()])
                    .stderr(Stdio::null())
                    .status();
            }
            poll_until(Duration::from_secs(5), || self.processes().is_empty());
        }
    }

    /// Runs `keyward ARGS`.
    pub fn run(&self, args: &[&str]) -> Output {
        self.cmd(args).output().expect("keyward runs")
    }

    /// Runs `keyward ARGS` with `input` on standard input.
    pub fn run_with_input(&self, args: &[&str], input: &str) -> Output {
        with_input(self.cmd(args), input)
    }

    /// Runs `keyward ARGS`, asserting success, and returns standard output.
    pub fn ok(&self, args: &[&str]) -> String {
        let out = self.run(args);
        assert!(
            out.status.success(),
            "keyward {args:?} failed: {}",
            text(&out.stderr)
        );
        text(&out.stdout)
    }

    /// `keyward generate --service SERVICE --json`, parsed.
    pub fn generate(&self, service: &str) -> Value {
        json(&self.ok(&["generate", "--service", service, "--json"]))
    }

    /// `keyward list --json`, parsed.
    pub fn list(&self) -> Vec<Value> {
        match json(&self.ok(&["list", "--json"])) {
            Value::Array(keys) => keys,
            other => panic!("list --json is not an array: {other}"),
        }
    }

    /// Names of the listed keys.
    pub fn names(&self) -> Vec<String> {
        self.list()
            .iter()
            .map(|k| k["name"].as_str().unwrap().to_owned())
            .collect()
    }

    /// Makes the key `id` one Keyward issued, as if it had been generated
    /// (`generate` has no creation date: this gives an old Keyward key).
    pub fn make_keyward_issued(&self, id: &str) {
        let path = self.catalog_path();
        let mut file: Value = json(&std::fs::read_to_string(&path).unwrap());
        let key = file["keys"]
            .as_array_mut()
            .unwrap()
            .iter_mut()
            .find(|k| k["id"] == id)
            .expect("the key is in the catalog");
        key["origin"] = "generated".into();
        key["issuer"] = "keyward".into();
        std::fs::write(&path, file.to_string()).unwrap();
    }

    /// Records in the catalog file, whatever their state, then the records
    /// noted as being created or deleted (`inflight/<id>.json`, `pending`
    /// or `deleting`, and `inflight/batch-<name>.json` of an import).
    pub fn catalog_records(&self) -> Vec<Value> {
        let mut records = match std::fs::read(self.catalog_path()) {
            Ok(bytes) => {
                let file: Value = serde_json::from_slice(&bytes).expect("catalog is JSON");
                file["keys"].as_array().cloned().unwrap_or_default()
            }
            Err(_) => Vec::new(),
        };
        let mut notes: Vec<PathBuf> = std::fs::read_dir(self.data_dir().join("inflight"))
            .into_iter()
            .flatten()
            .map(|entry| entry.unwrap().path())
            .filter(|path| path.extension().is_some_and(|e| e == "json"))
            .collect();
        notes.sort();
        for note in notes {
            let note: Value =
                serde_json::from_slice(&std::fs::read(note).unwrap()).expect("a note is JSON");
            match note["keys"].as_array() {
                // A batch of keys being created together (an import).
                Some(keys) => records.extend(keys.iter().cloned()),
                None => records.push(note["key"].clone()),
            }
        }
        records
    }
}

pub fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

pub fn json(raw: &str) -> Value {
    serde_json::from_str(raw).unwrap_or_else(|e| panic!("not JSON ({e}): {raw}"))
}

/// The secret stored in the real keychain for key `id`, read with `secret-tool`.
pub fn keychain_secret(id: &str) -> Option<String> {
    let out = Command::new("secret-tool")
        .args(["lookup", "service", SERVICE, "username", id])
        .stdin(Stdio::null())
        .output()
        .expect("secret-tool runs (package libsecret-tools)");
    out.status
        .success()
        .then(|| text(&out.stdout).trim_end_matches('\n').to_owned())
}

/// Puts an item straight into the keychain, as another program could.
pub fn keychain_store(id: &str, secret: &str) {
    let mut store = Command::new("secret-tool");
    store.args([
        "store",
        "--label",
        "stray item",
        "service",
        SERVICE,
        "username",
        id,
    ]);
    let out = with_input(store, secret);
    assert!(
        out.status.success(),
        "secret-tool store failed: {}",
        text(&out.stderr)
    );
}

/// Runs one of the session helpers in tests/session/.
pub fn session_helper(name: &str, args: &[&str]) {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/session")
        .join(name);
    let out = Command::new(&path)
        .args(args)
        .stdin(Stdio::null())
        .output()
        .expect("helper runs");
    assert!(out.status.success(), "{name} failed: {}", text(&out.stderr));
}

/// A unique service name for a test.
pub fn unique(prefix: &str) -> String {
    use std::sync::atomic::{AtomicU32, Ordering};
    static N: AtomicU32 = AtomicU32::new(0);
    format!(
        "{prefix}-{}-{}",
        std::process::id(),
        N.fetch_add(1, Ordering::Relaxed)
    )
}

/// A date `days` before today, as YYYY-MM-DD.
pub fn days_ago(days: i64) -> String {
    (chrono::Local::now() - chrono::Duration::days(days))
        .format("%Y-%m-%d")
        .to_string()
}

/// Waits for `child` up to `limit`; kills it and panics when it takes longer.
pub fn wait_within(child: &mut std::process::Child, limit: Duration) -> std::process::ExitStatus {
    let started = std::time::Instant::now();
    loop {
        if let Some(status) = child.try_wait().unwrap() {
            return status;
        }
        if started.elapsed() > limit {
            let _ = child.kill();
            panic!("keyward still running after {limit:?}: it hangs");
        }
        std::thread::sleep(Duration::from_millis(50));
    }
}

impl Drop for App {
    /// No Keyward started by a test outlives it.
    fn drop(&mut self) {
        self.stop_processes();
    }
}

/// Whether process `pid` still runs.
pub fn alive(pid: u32) -> bool {
    std::fs::read_to_string(format!("/proc/{pid}/stat")).is_ok_and(|stat| {
        !stat
            .rsplit_once(')')
            .is_some_and(|(_, rest)| rest.trim_start().starts_with('Z'))
    })
}

/// Checks `done` every 100 ms for up to `limit`; whether it came true.
pub fn poll_until(limit: Duration, mut done: impl FnMut() -> bool) -> bool {
    let started = std::time::Instant::now();
    loop {
        if done() {
            return true;
        }
        if started.elapsed() > limit {
            return false;
        }
        std::thread::sleep(Duration::from_millis(100));
    }
}

/// Waits up to `limit` for process `pid` to end; whether it did.
pub fn ended_within(pid: u32, limit: Duration) -> bool {
    poll_until(limit, || !alive(pid))
}

fn dbus_send(args: &[&str]) -> Option<String> {
    let out = Command::new("dbus-send")
        .args(["--session", "--print-reply"])
        .args(args)
        .stdin(Stdio::null())
        .stderr(Stdio::null())
        .output()
        .ok()?;
    out.status.success().then(|| text(&out.stdout))
}

/// The bus name of process `pid`'s tray icon (a StatusNotifierItem), or
/// of its child's: `keyward-background`'s tray is its worker's.
fn tray_item(pid: u32) -> Option<String> {
    let names = dbus_send(&[
        "--dest=org.freedesktop.DBus",
        "/org/freedesktop/DBus",
        "org.freedesktop.DBus.ListNames",
    ])?;
    let prefixes: Vec<String> = std::iter::once(pid)
        .chain(children_of(pid))
        .map(|pid| format!("org.kde.StatusNotifierItem-{pid}-"))
        .collect();
    names
        .lines()
        .filter_map(|line| line.trim().strip_prefix("string \"")?.strip_suffix('"'))
        .find(|name| prefixes.iter().any(|prefix| name.starts_with(prefix)))
        .map(str::to_owned)
}

/// The processes whose parent is `pid`.
pub fn children_of(pid: u32) -> Vec<u32> {
    std::fs::read_dir("/proc")
        .into_iter()
        .flatten()
        .flatten()
        .filter_map(|entry| {
            let child: u32 = entry.file_name().to_str()?.parse().ok()?;
            let stat = std::fs::read_to_string(entry.path().join("stat")).ok()?;
            let parent: u32 = stat
                .rsplit_once(')')?
                .1
                .split_whitespace()
                .nth(1)?
                .parse()
                .ok()?;
            (parent == pid).then_some(child)
        })
        .collect()
}

/// The process that owns bus name `name` on the session bus.
pub fn bus_name_owner(name: &str) -> Option<u32> {
    let reply = dbus_send(&[
        "--dest=org.freedesktop.DBus",
        "/org/freedesktop/DBus",
        "org.freedesktop.DBus.GetConnectionUnixProcessID",
        &format!("string:{name}"),
    ])?;
    reply
        .lines()
        .find_map(|line| line.trim().strip_prefix("uint32 "))
        .and_then(|pid| pid.parse().ok())
}

/// The menu of process `pid`'s tray icon, read over D-Bus as a tray would
/// (com.canonical.dbusmenu): (item id, label) pairs. `None` while it has
/// no tray icon on the bus.
pub fn tray_menu(pid: u32) -> Option<Vec<(i32, String)>> {
    menu_at(&tray_item(pid)?, "/MenuBar")
}

/// The dbusmenu at `path` of bus name `dest`: (item id, label) pairs.
fn menu_at(dest: &str, path: &str) -> Option<Vec<(i32, String)>> {
    let layout = dbus_send(&[
        &format!("--dest={dest}"),
        path,
        "com.canonical.dbusmenu.GetLayout",
        "int32:0",
        "int32:-1",
        "array:string:",
    ])?;
    // Each item is `struct { int32 ID  array [ dict entry( string "label"  variant string "…" ) … ] … }`.
    let lines: Vec<&str> = layout.lines().map(str::trim).collect();
    let mut id = 0;
    let mut menu = Vec::new();
    for (i, line) in lines.iter().enumerate() {
        if line.ends_with("struct {")
            && let Some(n) = lines.get(i + 1).and_then(|l| l.strip_prefix("int32 "))
        {
            id = n.parse().unwrap_or(id);
        }
        if *line == "string \"label\""
            && let Some(label) = lines
                .get(i + 1)
                .and_then(|l| l.strip_prefix("variant"))
                .and_then(|l| l.trim().strip_prefix("string \""))
                .and_then(|l| l.strip_suffix('"'))
        {
            menu.push((id, label.to_owned()));
        }
    }
    Some(menu)
}

/// Clicks the item `label` of the dbusmenu at `path` of bus name `dest`.
fn click_at(dest: &str, path: &str, label: &str) {
    let menu = menu_at(dest, path).expect("the menu is on the bus");
    let (id, _) = menu
        .iter()
        .find(|(_, l)| l == label)
        .unwrap_or_else(|| panic!("no {label:?} in the tray menu: {menu:?}"));
    dbus_send(&[
        &format!("--dest={dest}"),
        path,
        "com.canonical.dbusmenu.Event",
        &format!("int32:{id}"),
        "string:clicked",
        "variant:int32:0",
        "uint32:0",
    ])
    .expect("the tray takes the click");
}

/// Waits up to `limit` for process `pid`'s tray menu to hold `label`.
pub fn tray_menu_within(pid: u32, label: &str, limit: Duration) -> Vec<(i32, String)> {
    let mut menu = Vec::new();
    poll_until(limit, || {
        menu = tray_menu(pid).unwrap_or_default();
        menu.iter().any(|(_, l)| l == label)
    });
    menu
}

/// Clicks the tray menu item `label` of process `pid`, as a tray would.
pub fn tray_click(pid: u32, label: &str) {
    let item = tray_item(pid).expect("the process has a tray icon");
    click_at(&item, "/MenuBar", label);
}

/// Where the window process's tray icon (Tauri's, through
/// libayatana-appindicator) is on the bus.
const WINDOW_TRAY: &str = "/org/ayatana/NotificationItem/tray_icon_tray_app_main";

/// The bus connection of window process `pid` that carries its tray icon.
fn window_tray(pid: u32) -> Option<String> {
    let names = dbus_send(&[
        "--dest=org.freedesktop.DBus",
        "/org/freedesktop/DBus",
        "org.freedesktop.DBus.ListNames",
    ])?;
    names
        .lines()
        .filter_map(|line| line.trim().strip_prefix("string \"")?.strip_suffix('"'))
        .filter(|name| name.starts_with(':'))
        .find(|name| {
            dbus_send(&[
                "--dest=org.freedesktop.DBus",
                "/org/freedesktop/DBus",
                "org.freedesktop.DBus.GetConnectionUnixProcessID",
                &format!("string:{name}"),
            ])
            .is_some_and(|reply| reply.contains(&format!("uint32 {pid}")))
                && dbus_send(&[
                    // Not every connection of the process answers at all.
                    "--reply-timeout=1000",
                    &format!("--dest={name}"),
                    WINDOW_TRAY,
                    "org.freedesktop.DBus.Properties.Get",
                    "string:org.kde.StatusNotifierItem",
                    "string:IconName",
                ])
                .is_some()
        })
        .map(str::to_owned)
}

/// The window process's tray menu: (item id, label) pairs.
pub fn window_tray_menu(pid: u32) -> Option<Vec<(i32, String)>> {
    menu_at(&window_tray(pid)?, &format!("{WINDOW_TRAY}/Menu"))
}

/// Clicks the window process's tray menu item `label`.
pub fn window_tray_click(pid: u32, label: &str) {
    let item = window_tray(pid).expect("the window has a tray icon");
    click_at(&item, &format!("{WINDOW_TRAY}/Menu"), label);
}

/// The picture the window process's tray icon shows now (the tray hands
/// it over as a PNG file named by `IconName`).
pub fn window_tray_icon(pid: u32) -> Option<Vec<u8>> {
    let item = window_tray(pid)?;
    let reply = dbus_send(&[
        &format!("--dest={item}"),
        WINDOW_TRAY,
        "org.freedesktop.DBus.Properties.Get",
        "string:org.kde.StatusNotifierItem",
        "string:IconName",
    ])?;
    let path = reply.lines().find_map(|l| {
        l.trim()
            .strip_prefix("variant")?
            .trim()
            .strip_prefix("string \"")?
            .strip_suffix('"')
    })?;
    std::fs::read(path).ok()
}

/// A property of process `pid`'s tray icon (`Status`, `IconPixmap`, …) as
/// `dbus-send` prints it; `None` while it has no tray icon on the bus.
pub fn tray_property(pid: u32, name: &str) -> Option<String> {
    let item = tray_item(pid)?;
    dbus_send(&[
        &format!("--dest={item}"),
        "/StatusNotifierItem",
        "org.freedesktop.DBus.Properties.Get",
        "string:org.kde.StatusNotifierItem",
        &format!("string:{name}"),
    ])
}

/// Whether process `pid` has the browser engine (WebKit) loaded.
pub fn maps_webkit(pid: u32) -> bool {
    std::fs::read_to_string(format!("/proc/{pid}/maps"))
        .is_ok_and(|maps| maps.contains("libwebkit2gtk"))
}

/// Every file below `dir`, recursively.
pub fn files_under(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).into_iter().flatten().flatten() {
        let path = entry.path();
        if path.is_dir() {
            files_under(&path, out);
        } else {
            out.push(path);
        }
    }
}

/// The X windows on the session's display, one line each (`xwininfo -tree`).
pub fn x_windows() -> String {
    let out = Command::new("xwininfo")
        .args(["-root", "-tree"])
        .output()
        .expect("xwininfo (x11-utils)");
    text(&out.stdout)
}

/// Whether Keyward's main window (titled "Keyward") is on the display.
pub fn keyward_window_open() -> bool {
    x_windows().contains("\"Keyward\": (")
}

/// Runs `cmd` with `input` on its standard input and returns what it did
/// (standard output and error captured).
pub fn with_input(mut cmd: Command, input: &str) -> Output {
    use std::io::Write;
    let mut child = cmd
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("the command starts");
    child
        .stdin
        .take()
        .unwrap()
        .write_all(input.as_bytes())
        .unwrap();
    child.wait_with_output().unwrap()
}
