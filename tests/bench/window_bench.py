#!/usr/bin/env python3
"""Window benchmark: Keyward against a blank Tauri window, in one run (see .ci/bench-window).

Run it inside the private desktop session (tests/session.sh provides DISPLAY = Xvfb and the
D-Bus session bus with gnome-keyring):

    window_bench.py --keyward BIN --blank BIN [--runs 5] [--keystrokes 20] [--json FILE]

What it measures, and how:

* Start-up: the wall time from starting the binary to the first X screen capture that shows
  the page painted. This reads the real screen (Xvfb's framebuffer, through X11 GetImage on the
  display's socket), so it counts what a person would see, and it needs no change to the app.
    - blank window: its page's colour (#3b7d4f) covers the window;
    - blank window with one line of text (BLANK_PAGE=text.html): the box around the line
      (#6a2c91) is drawn, with its text, in one frame. Not an aim, a floor: it shows what
      drawing any text at all costs (font set-up in the web process), which the blank page
      never pays and Keyward's list cannot avoid;
    - Keyward: the key list's rows are drawn. Every row has a rotation badge whose background
      colour (--ok-bg / --soon-bg / --overdue-bg in ui/src/app.css, light or dark theme) is used
      nowhere else, so "at least ROW_PIXELS badge pixels on screen" means rows are painted.
  Also shown: when Keyward's page background (--bg) first appears, i.e. the shell and the
  web view are up, before the list is loaded and drawn.
  Resolution: the screen is captured about every 15 ms (every 4th line, ~5 ms each, then a
  10 ms pause so the watcher takes little CPU from the app); the gap is printed with the results.
* Memory: proportional set size (PSS, /proc/PID/smaps_rollup) summed over the app process and
  all its descendants (WebKitWebProcess, WebKitNetworkProcess, and bwrap/xdg-dbus-proxy when
  WebKit sandboxes them), SETTLE seconds after the page was painted; in MB (10^6 bytes).
  PSS splits shared library pages among all processes mapping them, so it drops while other
  WebKit apps run on the machine; USS (private pages only) is shown too, as a steadier figure.
* Search: through tauri-driver + WebKitWebDriver (as tests/e2e.rs does), on a 10,000-key list,
  typing into #key-search, drawn as Keyward draws its window for a person: without WebKit's
  compositing (gui::choose_rendering turns it off, but not under WebDriver, so it is set here;
  a WEBKIT_DISABLE_COMPOSITING_MODE in the session or in --keyward-env wins). Two figures:
    - "work per keystroke": the input event is dispatched at the start of a frame (in a
      requestAnimationFrame callback); the clock stops when that frame's rendering update
      (Svelte's update, style, layout, paint) has finished: a MessageChannel message posted in
      the callback is handled only after it. This is what must fit in a 16 ms frame.
    - "real keystroke to frame": a WebDriver key press (real keydown/input events through
      WebKit); the clock starts in a keydown listener and stops after the next rendered frame,
      so it also includes waiting for the next frame (0 to 16.7 ms at 60 Hz).
  In both, the clock stops when WebKit's rendering update for that frame is done (layout and
  painting of the changed content); compositing it onto the screen comes after and is not
  counted. WebKit's performance.now() has 1 ms resolution.

Rendering: under Xvfb there is no GPU, so WebKit composites with Mesa's software GL
(llvmpipe). Setting WEBKIT_DISABLE_COMPOSITING_MODE=1 in the environment turns compositing off
for both apps, to see how much of a difference is compositing cost (the header shows it).

Catalogs are written straight into a temporary XDG_DATA_HOME/app.keyward.desktop/catalog.json
(format 1, records as in src-tauri/core/src/record.rs; all "active"; listing does not touch
the keychain, so no keychain items are needed).

Only the Python standard library is used. It is a benchmark: it reports, it does not assert.
"""

import argparse
import datetime as dt
import json
import math
import os
import random
import signal
import socket
import statistics
import struct
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request

KEYWARD_ID = "app.keyward.desktop"

# Colours (as on screen, #rrggbb) that tell what has been painted. See the module docstring.
BLANK_PAGE = ["#3b7d4f"]  # tests/bench/blank/page/index.html
BLANK_TEXT = ["#6a2c91"]  # the box around the line of text in tests/bench/blank/page/text.html
KEYWARD_PAGE = ["#f5f6f8", "#121519"]  # --bg, light / dark
KEYWARD_ROWS = [  # rotation badges: --ok-bg, --soon-bg, --overdue-bg; light, then dark
    "#e4f3e9", "#fff1cf", "#fdebe9",
    "#15301f", "#392b0c", "#3e1815",
]
# Thresholds, in pixels of the sampled lines (every STRIDE-th line of the screen).
STRIDE = 4
PAGE_PIXELS = 100_000 // STRIDE  # of the window's ~790,000: the page is painted
ROW_PIXELS = 2_000 // STRIDE  # about one row's badge: key rows are painted

SEARCH_TEXT = "payments web"  # typed one character at a time, then partly erased
LAUNCH_TIMEOUT = 60.0  # seconds


# --------------------------------------------------------------------------------------------
# The X screen: a minimal X11 client (connection set-up + GetImage), enough to read pixels.
# Xvfb in tests/session.sh runs without access control, so no authentication is needed.


class XScreen:
    def __init__(self, display):
        number = display.split(":", 1)[1].split(".")[0]
        self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self.sock.connect(f"/tmp/.X11-unix/X{number}")
        # Set-up request: little-endian ('l'), protocol 11.0, no authorisation.
        self.sock.sendall(struct.pack("<BxHHHHxx", 0x6C, 11, 0, 0, 0))
        head = self._read(8)
        extra = self._read(struct.unpack_from("<H", head, 6)[0] * 4)
        if head[0] != 1:
            raise RuntimeError(f"X server refused the connection: {bytes(extra)!r}")
        vendor_len = struct.unpack_from("<H", extra, 16)[0]
        n_formats = extra[21]
        formats_at = 32 + (vendor_len + 3) // 4 * 4
        screen_at = formats_at + 8 * n_formats
        self.root = struct.unpack_from("<I", extra, screen_at)[0]
        self.width, self.height = struct.unpack_from("<HH", extra, screen_at + 20)
        depth = extra[screen_at + 38]
        bpp = {extra[formats_at + 8 * i]: extra[formats_at + 8 * i + 1] for i in range(n_formats)}
        if extra[22] != 0 or depth != 24 or bpp.get(24) != 32:
            raise RuntimeError("expected a little-endian 24-bit screen (Xvfb -screen 0 WxHx24)")

    def _read(self, n):
        buf = bytearray(n)
        view = memoryview(buf)
        got = 0
        while got < n:
            k = self.sock.recv_into(view[got:], n - got)
            if k == 0:
                raise RuntimeError("X server closed the connection")
            got += k
        return buf

    def capture(self):
        """Every STRIDE-th line of the screen, as B,G,R,x bytes per pixel. Lines, not the whole
        screen, so that watching costs the app under test little CPU (a quarter of 4 MB)."""
        # One GetImage (opcode 73: ZPixmap, root window, all planes) per line, all sent at once.
        lines = range(0, self.height, STRIDE)
        self.sock.sendall(b"".join(struct.pack("<BBHIhhHHI", 73, 2, 5, self.root, 0, y,
                                               self.width, 1, 0xFFFFFFFF) for y in lines))
        parts = []
        for _ in lines:
            head = self._read(32)
            if head[0] != 1:
                raise RuntimeError(f"X GetImage failed (error code {head[1]})")
            parts.append(self._read(struct.unpack_from("<I", head, 4)[0] * 4))
        return b"".join(parts)


def bgr(colour):
    """'#rrggbb' as the bytes of one pixel in the captured image (blue, green, red)."""
    r, g, b = (int(colour[i:i + 2], 16) for i in (1, 3, 5))
    return bytes((b, g, r))


def count_pixels(image, colours):
    return sum(image.count(bgr(c)) for c in colours)


# --------------------------------------------------------------------------------------------
# Processes


def process_table():
    """{pid: (ppid, name)} for every process; name = basename of argv[0]."""
    table = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat") as f:
                stat = f.read()
            with open(f"/proc/{entry}/cmdline", "rb") as f:
                argv0 = f.read().split(b"\0")[0].decode(errors="replace")
        except OSError:
            continue
        # "pid (comm) state ppid ...": comm may contain spaces, so split after the last ')'.
        ppid = int(stat.rsplit(")", 1)[1].split()[1])
        name = os.path.basename(argv0) or stat.split("(", 1)[1].rsplit(")", 1)[0]
        table[int(entry)] = (ppid, name)
    return table


def family(root):
    """root and all its descendants: [(pid, name)]."""
    table = process_table()
    found = [root]
    for pid in found:  # grows while we walk it
        found.extend(p for p, (pp, _) in table.items() if pp == pid)
    return [(p, table[p][1]) for p in found if p in table]


def smaps_kib(pid):
    """{"Pss": kB, "Private_Clean": kB, ...} from /proc/PID/smaps_rollup (empty if it is gone)."""
    fields = {}
    try:
        with open(f"/proc/{pid}/smaps_rollup") as f:
            for line in f:
                parts = line.split()
                if len(parts) == 3 and parts[2] == "kB":
                    fields[parts[0].rstrip(":")] = int(parts[1])
    except OSError:
        pass
    return fields


def memory(root):
    """In MB (10^6 bytes, as the target is stated), over root and its descendants: PSS total,
    PSS by kind of process, and USS total (private pages only: unlike PSS, it does not depend on
    what else runs; PSS shares a library's pages among every process mapping them, including
    other WebKit apps running on the machine at the time)."""
    by_kind, uss = {}, 0.0
    for pid, name in family(root):
        kind = "app" if pid == root else name
        fields = smaps_kib(pid)
        by_kind[kind] = by_kind.get(kind, 0) + fields.get("Pss", 0) * 1024 / 1e6
        uss += (fields.get("Private_Clean", 0) + fields.get("Private_Dirty", 0)) * 1024 / 1e6
    return sum(by_kind.values()), by_kind, uss


def stop_family(pids, grace=5.0):
    """SIGTERM each pid, wait until all are gone, SIGKILL what is left."""
    for sig in (signal.SIGTERM, signal.SIGKILL):
        for pid in pids:
            try:
                os.kill(pid, sig)
            except ProcessLookupError:
                pass
        deadline = time.monotonic() + grace
        while time.monotonic() < deadline:
            if not any(os.path.exists(f"/proc/{pid}") and not is_zombie(pid) for pid in pids):
                return
            time.sleep(0.05)


def start_time(pid):
    """When pid started (clock ticks since boot), to tell it from a later process with its pid."""
    try:
        with open(f"/proc/{pid}/stat") as f:
            return int(f.read().rsplit(")", 1)[1].split()[19])
    except OSError:
        return None


def is_zombie(pid):
    try:
        with open(f"/proc/{pid}/stat") as f:
            return f.read().rsplit(")", 1)[1].split()[0] == "Z"
    except OSError:
        return True


def app_env(home, extra=None):
    """The session's environment with the app's own data, config and cache folders."""
    env = dict(os.environ)
    env.update(extra or {})
    for var, sub in [("XDG_DATA_HOME", "data"), ("XDG_CONFIG_HOME", "config"),
                     ("XDG_CACHE_HOME", "cache"), ("XDG_STATE_HOME", "state")]:
        env[var] = os.path.join(home, sub)
        os.makedirs(env[var], exist_ok=True)
    return env


# --------------------------------------------------------------------------------------------
# Catalogs

SERVICES = [
    "payments-api", "billing", "maps", "search", "email-gateway", "sms", "storage", "crm",
    "analytics", "auth", "ledger", "shipping", "inventory", "pricing", "reports", "support-desk",
    "video", "cdn", "dns", "backup", "hr-portal", "payroll", "translation", "weather",
    "geocoding", "fraud-check", "kyc", "tax", "invoicing", "chat", "push", "calendar",
]
APPLICATIONS = [
    "Web shop", "Mobile app", "Back office", "Data warehouse", "Partner portal",
    "Nightly jobs", "Website", "Call centre", None, None,
]


def write_catalog(home, n_keys, seed=1):
    """A catalog of n_keys active keys, named the conventional way, made over the last
    ~4 months (so some are due soon or overdue)."""
    rnd = random.Random(seed)
    now = dt.datetime.now(dt.timezone.utc).replace(second=0, microsecond=0)
    step = dt.timedelta(minutes=17)  # distinct minutes, so names are unique
    keys = []
    for i in range(n_keys):
        created = now - step * (i + 1) * (10_000 // n_keys)
        service = rnd.choice(SERVICES)
        local = created.astimezone()
        keys.append({
            "id": f"{rnd.getrandbits(128):032x}",
            "name": f"{service}-{local:%d_%m_%Y-%H_%M}",
            "service": service,
            "application": rnd.choice(APPLICATIONS),
            "credential_id": f"kwid_{rnd.getrandbits(120):030x}",
            "created_at": created.strftime("%Y-%m-%dT%H:%M:%SZ"),
            "origin": "generated",
            "notes": "",
            "state": "active",
            "history": {},
        })
    folder = os.path.join(home, "data", KEYWARD_ID)
    os.makedirs(folder, mode=0o700, exist_ok=True)
    path = os.path.join(folder, "catalog.json")
    with open(path, "w") as f:
        json.dump({"format": 1, "keys": keys}, f)
    os.chmod(path, 0o600)


# --------------------------------------------------------------------------------------------
# One launch: start-up time and memory


def launch(screen, binary, home, page_colours, ready_colours, ready_pixels, settle, log, extra_env=None):
    """Starts binary, waits until ready_colours cover ready_pixels on screen, lets it settle,
    reads its memory, stops it. Times in ms from the start of the process."""
    image = screen.capture()
    leftover = count_pixels(image, ready_colours)
    if leftover >= ready_pixels:
        raise RuntimeError("the screen already shows the colours we wait for: is a window left open?")

    t0 = time.monotonic()
    proc = subprocess.Popen([binary], env=app_env(home, extra_env), stdin=subprocess.DEVNULL,
                            stdout=log, stderr=log, start_new_session=True)
    page_ms = ready_ms = None
    captures = 0
    try:
        while ready_ms is None:
            t = time.monotonic()
            if t - t0 > LAUNCH_TIMEOUT:
                raise RuntimeError(f"{binary} did not paint within {LAUNCH_TIMEOUT:.0f}s (log: {log.name})")
            if proc.poll() is not None:
                raise RuntimeError(f"{binary} exited with {proc.returncode} (log: {log.name})")
            # The capture shows the screen as it was when the request was sent, at t.
            image = screen.capture()
            captures += 1
            if page_ms is None and count_pixels(image, page_colours) >= PAGE_PIXELS:
                page_ms = (t - t0) * 1000
            if count_pixels(image, ready_colours) >= ready_pixels:
                ready_ms = (t - t0) * 1000
            time.sleep(0.010)  # leave the CPU to the app between captures
        poll_ms = ready_ms / captures
        time.sleep(settle)
        total, by_kind, uss = memory(proc.pid)
    finally:
        stop_family([pid for pid, _ in family(proc.pid)])
        proc.wait()
    return {"page_ms": page_ms, "ready_ms": ready_ms, "poll_ms": poll_ms,
            "pss_mb": total, "pss_by_kind": by_kind, "uss_mb": uss}


# --------------------------------------------------------------------------------------------
# Search, through tauri-driver (W3C WebDriver over HTTP)


class WebDriver:
    def __init__(self, port, binary):
        self.base = f"http://127.0.0.1:{port}"
        caps = {"browserName": "wry", "tauri:options": {"application": binary}}
        deadline = time.monotonic() + 30
        while True:
            try:
                reply = self._call("POST", "/session", {"capabilities": {"alwaysMatch": caps}})
                break
            except (urllib.error.URLError, ConnectionError):
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.25)
        self.session = f"/session/{reply['sessionId']}"

    def _call(self, method, path, body=None):
        data = None if body is None else json.dumps(body).encode()
        req = urllib.request.Request(self.base + path, data=data, method=method,
                                     headers={"Content-Type": "application/json"})
        try:
            with urllib.request.urlopen(req, timeout=120) as resp:
                return json.load(resp)["value"]
        except urllib.error.HTTPError as e:
            raise RuntimeError(f"WebDriver {method} {path}: {e.read().decode(errors='replace')}")

    def call(self, method, path, body=None):
        return self._call(method, self.session + path, body)

    def script(self, source, *args):
        return self.call("POST", "/execute/sync", {"script": source, "args": list(args)})

    def script_async(self, source, *args):
        return self.call("POST", "/execute/async", {"script": source, "args": list(args)})

    def elements(self, css):
        return self.call("POST", "/elements", {"using": "css selector", "value": css})

    def send_keys(self, element, text):
        (element_id,) = element.values()
        self.call("POST", f"/element/{element_id}/value", {"text": text})

    def close(self):
        try:
            self.call("DELETE", "")
        except Exception:  # noqa: BLE001 - tauri-driver may already be closing the app
            pass


# In a rAF callback (start of a frame): set the search text and fire `input` as typing would;
# Svelte updates the DOM in a microtask; the frame's style/layout/paint run after the callback;
# a MessageChannel message posted in the callback is handled after that rendering update.
WORK_SCRIPT = """
const [text, done] = arguments;
const input = document.getElementById('key-search');
requestAnimationFrame(() => {
  const t0 = performance.now();
  input.value = text;
  input.dispatchEvent(new Event('input', { bubbles: true }));
  let script = 0;
  queueMicrotask(() => { script = performance.now() - t0; });  // after Svelte's update
  const channel = new MessageChannel();
  channel.port1.onmessage = () => done({
    ms: performance.now() - t0, script_ms: script,
    rows: document.querySelectorAll('button.row').length,
    count: document.querySelector('p.count')?.textContent ?? '' });
  channel.port2.postMessage(null);
});
"""

# Before a real key press: time from its keydown to the end of the next rendered frame.
ARM_SCRIPT = """
const input = document.getElementById('key-search');
window.__bench = new Promise((resolve) => {
  window.addEventListener('keydown', () => {
    const t0 = performance.now();
    input.addEventListener('input', () => {
      requestAnimationFrame(() => {
        const channel = new MessageChannel();
        channel.port1.onmessage = () => resolve({ ms: performance.now() - t0,
          rows: document.querySelectorAll('button.row').length });
        channel.port2.postMessage(null);
      });
    }, { once: true });
  }, { capture: true, once: true });
});
"""
COLLECT_SCRIPT = "const done = arguments[0]; window.__bench.then(done);"


def as_keyward_draws(keyward_env):
    """Keyward's environment for the search, with compositing off as the app sets it for itself
    outside WebDriver; unless the session or --keyward-env says otherwise."""
    env = dict(keyward_env or {})
    if "WEBKIT_DISABLE_COMPOSITING_MODE" not in os.environ:
        env.setdefault("WEBKIT_DISABLE_COMPOSITING_MODE", "1")
    return env


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def search_bench(binary, home, keystrokes, log, extra_env=None):
    """Both search figures (see the module docstring) for each keystroke, on the catalog in home."""
    port, native_port = free_port(), free_port()
    # Own ports, so an E2E run elsewhere on the machine (4444/4445) does not collide.
    driver = subprocess.Popen(["tauri-driver", "--port", str(port), "--native-port", str(native_port)],
                              env=app_env(home, extra_env), stdin=subprocess.DEVNULL, stdout=log, stderr=log,
                              start_new_session=True)
    wd = None
    started = {}  # the app and WebKitWebDriver, remembered in case one of them dies and orphans the other
    try:
        wd = WebDriver(port, binary)
        started = {pid: start_time(pid) for pid, _ in family(driver.pid)}
        deadline = time.monotonic() + LAUNCH_TIMEOUT
        while not wd.elements("button.row"):
            if time.monotonic() > deadline:
                raise RuntimeError("the key list did not appear under WebDriver")
            time.sleep(0.1)
        time.sleep(3)  # settle, as for memory
        total_keys = wd.script("return document.querySelector('p.count')?.textContent ?? ''")

        # The texts after each keystroke: type SEARCH_TEXT, then erase back to its first word.
        texts = [SEARCH_TEXT[:i] for i in range(1, len(SEARCH_TEXT) + 1)]
        texts += [SEARCH_TEXT[:i] for i in range(len(SEARCH_TEXT) - 1, 0, -1)]
        texts = texts[:keystrokes]

        work = []
        for text in texts:
            work.append(wd.script_async(WORK_SCRIPT, text))
            time.sleep(0.15)  # a person types a few characters a second
        wd.script_async(WORK_SCRIPT, "")  # back to the full list
        time.sleep(1)

        search = wd.elements("#key-search")[0]
        real = []
        previous = ""
        for text in texts:
            key = text[-1] if len(text) > len(previous) else "\ue003"  # WebDriver Backspace
            wd.script(ARM_SCRIPT)
            wd.send_keys(search, key)
            real.append(wd.script_async(COLLECT_SCRIPT))
            previous = text
            time.sleep(0.15)
        typed = wd.script("return document.getElementById('key-search').value")
        if typed != texts[-1]:
            raise RuntimeError(f"real keystrokes left {typed!r} in the search field, expected {texts[-1]!r}")
        return {"total_keys": total_keys, "texts": texts, "work": work, "real": real}
    finally:
        if wd:
            wd.close()
        alive = {pid for pid, t in started.items() if start_time(pid) == t}  # not a reused pid
        stop_family(sorted({pid for pid, _ in family(driver.pid)} | alive))
        driver.wait()


# --------------------------------------------------------------------------------------------
# Report


def search_figures(search):
    """Per keystroke, in ms: the work for the frame, its script part, and real key press to frame."""
    return ([k["ms"] for k in search["work"]], [k["script_ms"] for k in search["work"]],
            [k["ms"] for k in search["real"]])


def median(xs):
    return statistics.median(xs)


def p95(xs):
    """Nearest-rank 95th percentile."""
    s = sorted(xs)
    return s[max(0, math.ceil(0.95 * len(s)) - 1)]


def spread(xs):
    return f"{min(xs):.0f}-{max(xs):.0f}"


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--keyward", required=True, help="Keyward release binary")
    ap.add_argument("--blank", required=True, help="blank window release binary")
    ap.add_argument("--runs", type=int, default=5, help="measured launches of each (after one warm-up)")
    ap.add_argument("--settle", type=float, default=3.0, help="seconds after painting before reading memory")
    ap.add_argument("--keystrokes", type=int, default=20)
    ap.add_argument("--json", help="also write all measurements to this file")
    ap.add_argument("--keyward-env", action="append", default=[], metavar="VAR=VALUE",
                    help="set this in Keyward's environment only (to try a rendering setting)")
    ap.add_argument("--search-only", action="store_true",
                    help="only the search figures (a quicker loop while working on the list)")
    args = ap.parse_args()
    keyward_env = dict(item.split("=", 1) for item in args.keyward_env) or None
    search_env = as_keyward_draws(keyward_env)

    if "DISPLAY" not in os.environ or "DBUS_SESSION_BUS_ADDRESS" not in os.environ:
        sys.exit("window_bench: run me inside tests/session.sh (no DISPLAY / session bus)")
    screen = XScreen(os.environ["DISPLAY"])
    # Catalogs, app folders and the apps' log: inside the session's folder, which
    # tests/session.sh deletes at the end (KEEP_SESSION=1 keeps it, to read apps.log).
    work_dir = tempfile.mkdtemp(prefix="bench-", dir=os.environ.get("KEYWARD_SESSION_DIR"))
    log = open(os.path.join(work_dir, "apps.log"), "a")

    # Three set-ups, each with its own folders (kept across its runs, as on a real desktop).
    setups = {
        "blank": (args.blank, BLANK_PAGE, BLANK_PAGE, PAGE_PIXELS, None),
        "blank-text": (args.blank, BLANK_PAGE, BLANK_TEXT, ROW_PIXELS, {"BLANK_PAGE": "text.html"}),
        "keyward-1k": (args.keyward, KEYWARD_PAGE, KEYWARD_ROWS, ROW_PIXELS, keyward_env),
        "keyward-10k": (args.keyward, KEYWARD_PAGE, KEYWARD_ROWS, ROW_PIXELS, keyward_env),
    }
    homes = {name: os.path.join(work_dir, name) for name in setups}
    write_catalog(homes["keyward-10k"], 10_000)
    if args.search_only:
        search = search_bench(args.keyward, homes["keyward-10k"], args.keystrokes, log, search_env)
        work, script, real = search_figures(search)
        print(f"Search at 10,000 keys, {len(work)} keystrokes, ms: work median {median(work):.0f}"
              f" p95 {p95(work):.0f}; script median {median(script):.0f} p95 {p95(script):.0f};"
              f" real key press to frame median {median(real):.0f} p95 {p95(real):.0f}")
        print("  per keystroke (work/script/real): "
              + " ".join(f"{w:.0f}/{s:.0f}/{r:.0f}" for w, s, r in zip(work, script, real)))
        return
    write_catalog(homes["keyward-1k"], 1_000)

    load_before = os.getloadavg()
    if load_before[0] > 1.0:
        print(f"bench: WARNING: the machine is busy (load average {load_before[0]:.1f}): times and PSS"
              " will be noisy; USS is the steadier memory figure", flush=True)
    print(f"bench: {args.runs} runs of each after a warm-up; WebKitGTK {webkit_version()};"
          f" WEBKIT_DISABLE_COMPOSITING_MODE={os.environ.get('WEBKIT_DISABLE_COMPOSITING_MODE', '(unset)')};"
          f" Keyward's own environment: {keyward_env or '(as the session)'};"
          f" load average {load_before[0]:.2f} ({os.cpu_count()} cores)", flush=True)
    results = {name: [] for name in setups}
    # Round robin, so a slow patch of the machine hits every set-up alike.
    for round_no in range(args.runs + 1):
        for name, (binary, page, ready, pixels, extra_env) in setups.items():
            r = launch(screen, binary, homes[name], page, ready, pixels, args.settle, log, extra_env)
            if round_no == 0:
                continue  # warm-up: page cache, WebKit's caches, first-run files
            results[name].append(r)
            print(f"  run {round_no} {name:12} page {r['page_ms']:5.0f} ms  ready {r['ready_ms']:5.0f} ms"
                  f"  PSS {r['pss_mb']:4.0f} MB  (screen captured every {r['poll_ms']:.0f} ms)", flush=True)

    print(f"bench: search, {args.keystrokes} keystrokes at 10,000 keys (tauri-driver;"
          f" Keyward's environment: {search_env})", flush=True)
    search = None
    for attempt in (1, 2):  # WebKitWebDriver has been seen to drop its connection now and then
        try:
            search = search_bench(args.keyward, homes["keyward-10k"], args.keystrokes, log, search_env)
            break
        except Exception as e:  # noqa: BLE001 - report it and keep the start-up and memory results
            print(f"  search attempt {attempt} failed: {e!r} (log: {log.name})", flush=True)
    load_after = os.getloadavg()
    report(args, results, search, load_before, load_after)
    log.close()


def webkit_version():
    try:
        return subprocess.run(["dpkg-query", "-W", "-f", "${Version}", "libwebkit2gtk-4.1-0"],
                              capture_output=True, text=True, check=True).stdout
    except (OSError, subprocess.CalledProcessError):
        return "(version unknown)"


def report(args, results, search, load_before, load_after):
    def col(name, key):
        return [r[key] for r in results[name]]

    def verdict(ok):
        return "meets" if ok else "MISSES"

    blank_start, kw_start = median(col("blank", "ready_ms")), median(col("keyward-1k", "ready_ms"))
    blank_mem, kw_mem = median(col("blank", "pss_mb")), median(col("keyward-10k", "pss_mb"))
    work, script, real = search_figures(search) if search else ([], [], [])

    def stats(xs):
        return f"median {median(xs):.0f}, p95 {p95(xs):.0f}" if xs else "failed (see above)"

    header = ("", "blank", "Keyward", "target", "")
    rows = [
        ("Start-up to painted window / key list, ms", f"{blank_start:.0f}", f"{kw_start:.0f}",
         f"<= {1.1 * blank_start:.0f} (1.1x blank)",
         f"{verdict(kw_start <= 1.1 * blank_start)} ({kw_start / blank_start:.2f}x)"),
        ("  (1,000 keys) min-max over runs", spread(col("blank", "ready_ms")),
         spread(col("keyward-1k", "ready_ms")), "", ""),
        ("Memory, PSS of all processes, MB", f"{blank_mem:.0f}", f"{kw_mem:.0f}",
         f"<= {blank_mem + 30:.0f} (blank + 30)",
         f"{verdict(kw_mem <= blank_mem + 30)} (+{kw_mem - blank_mem:.0f})"),
        ("  (10,000 keys) min-max over runs", spread(col("blank", "pss_mb")),
         spread(col("keyward-10k", "pss_mb")), "", ""),
        ("Search keystroke to painted frame, ms", "", stats(work), "<= 16",
         f"median {verdict(median(work) <= 16)}, p95 {verdict(p95(work) <= 16)}" if work else ""),
        ("  (10,000 keys) of which script", "", stats(script), "", ""),
        ("  real key press to next frame", "", stats(real), "(+ wait for frame)", ""),
    ]
    widths = [max(len(r[i]) for r in [header] + rows) for i in range(5)]
    print()
    print(f"Window benchmark: medians of {args.runs} launches each (after a warm-up) and of"
          f" {len(work)} keystrokes; release builds")
    for r in [header] + rows:
        print("  ".join(c.ljust(w) for c, w in zip(r, widths)).rstrip())

    print()
    print("Details:")
    print(f"  Start-up, median ms: blank page {blank_start:.0f}; Keyward page background"
          f" {median(col('keyward-1k', 'page_ms')):.0f}, key rows {kw_start:.0f} (1,000 keys);"
          f" at 10,000 keys {median(col('keyward-10k', 'page_ms')):.0f} / {median(col('keyward-10k', 'ready_ms')):.0f}")
    print(f"  Blank window with one line of text (drawing any text at all), start-up median:"
          f" {median(col('blank-text', 'ready_ms')):.0f} ms; Keyward's key rows are"
          f" {kw_start / median(col('blank-text', 'ready_ms')):.2f}x that;"
          f" its memory {median(col('blank-text', 'pss_mb')):.0f} MB PSS")
    print(f"  Memory of Keyward at 1,000 keys: {median(col('keyward-1k', 'pss_mb')):.0f} MB PSS")
    print(f"  USS (private memory, all processes), median MB: blank {median(col('blank', 'uss_mb')):.0f},"
          f" Keyward 1,000 keys {median(col('keyward-1k', 'uss_mb')):.0f},"
          f" 10,000 keys {median(col('keyward-10k', 'uss_mb')):.0f}")
    for name in ("blank", "blank-text", "keyward-1k", "keyward-10k"):
        kinds = sorted({k for r in results[name] for k in r["pss_by_kind"]})
        parts = ", ".join(f"{k} {median([r['pss_by_kind'].get(k, 0) for r in results[name]]):.0f}"
                          for k in kinds)
        print(f"  PSS by process, {name}, median MB: {parts}")
    if search:
        print(f"  Search: '{SEARCH_TEXT}' typed, then erased; list of {search['total_keys']};"
              f" per keystroke ms (work/script/real): "
              + " ".join(f"{w['ms']:.0f}/{w['script_ms']:.0f}/{r['ms']:.0f}"
                         for w, r in zip(search["work"], search["real"])))
        print("  (performance.now() in WebKit has 1 ms resolution)")
    polls = [r["poll_ms"] for rs in results.values() for r in rs]
    print(f"  Screen captured every {median(polls):.0f} ms (median) while waiting for paint;"
          f" load average {load_before[0]:.2f} before, {load_after[0]:.2f} after")
    if args.json:
        with open(args.json, "w") as f:
            json.dump({"runs": results, "search": search, "load": [load_before, load_after]}, f, indent=1)
        print(f"  All measurements: {args.json}")


if __name__ == "__main__":
    main()
