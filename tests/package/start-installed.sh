#!/usr/bin/env bash
# Starts Keyward as installed from its package, inside the private desktop session
# (run by .ci/bundle as `tests/session.sh tests/package/start-installed.sh BINDIR`):
#   1. `keyward --version` names the version, and a headless command works (`list --json`);
#   2. `keyward-background` starts, takes the reminders' bus name and has neither GTK nor
#      WebKit loaded (the shipped build, not only the test build: tests/reminders.rs);
#   3. `keyward` opens its window ("Keyward" on the display) and keeps running.
# Each program is stopped again; exits non-zero, saying why, on the first failure.
set -euo pipefail

bin=${1:-/usr/bin}
version=${2:-}
fail() { printf 'package check: FAILED: %s\n' "$*" >&2; exit 1; }
say() { printf 'package check: %s\n' "$*"; }

[ "${KEYWARD_TEST_SESSION:-}" = 1 ] || fail "run inside tests/session.sh"
for program in keyward keyward-background; do
  [ -x "$bin/$program" ] || fail "$bin/$program is not installed"
done

# Seconds LIMIT: until CMD succeeds.
wait_for() {
  local limit=$1 i
  shift
  for ((i = 0; i < limit * 10; i++)); do
    "$@" >/dev/null 2>&1 && return 0
    sleep 0.1
  done
  return 1
}
bus_owned() {
  dbus-send --session --print-reply --dest=org.freedesktop.DBus /org/freedesktop/DBus \
    org.freedesktop.DBus.NameHasOwner "string:$1" | grep -q 'boolean true'
}
window_open() { xwininfo -root -tree | grep -q '"Keyward": ('; }
# Process PID maps a library whose name has PATTERN.
maps() { grep -q "$2" "/proc/$1/maps"; }
stop() { # PID: TERM, then KILL after 3 s
  local i
  kill "$1" 2>/dev/null || return 0
  for ((i = 0; i < 30; i++)); do kill -0 "$1" 2>/dev/null || break; sleep 0.1; done
  kill -KILL "$1" 2>/dev/null || true
  wait "$1" 2>/dev/null || true
}
logs=${KEYWARD_SESSION_DIR:?}/package-check
mkdir -p "$logs"

# 1. The command line.
said=$("$bin/keyward" --version) || fail "keyward --version exited $?"
[[ "$said" == "keyward ${version}"* ]] || fail "keyward --version said '$said', not 'keyward $version'"
say "$said"
listed=$("$bin/keyward" list --json) || fail "keyward list --json exited $?"
[ "$listed" = "[]" ] || fail "keyward list --json in an empty home said: $listed"
say "keyward list --json: []"

# 2. The window, then closing it hands the tray and the reminders to the installed
#    keyward-background (found beside the installed keyward).
"$bin/keyward" >"$logs/window.log" 2>&1 &
window=$!
if ! wait_for 60 window_open; then
  cat "$logs/window.log" >&2
  fail "keyward's window did not open within 60 s"
fi
kill -0 "$window" 2>/dev/null || { cat "$logs/window.log" >&2; fail "keyward exited after opening its window"; }
maps "$window" libwebkit2gtk || fail "keyward's window has no WebKit loaded"
say "keyward opened its window (pid $window)"
wait_for 15 bus_owned app.keyward.desktop.Reminders || fail "the window did not take app.keyward.desktop.Reminders"

"$(dirname "$0")/../session/close-window" Keyward || fail "could not close the window"
if ! wait_for 15 eval '! kill -0 "$window"'; then
  cat "$logs/window.log" >&2
  stop "$window"
  fail "keyward did not end within 15 s of its window closing"
fi
wait "$window" 2>/dev/null || true

# The process owning the reminders' bus name now.
owner() {
  dbus-send --session --print-reply --dest=org.freedesktop.DBus /org/freedesktop/DBus \
    org.freedesktop.DBus.GetConnectionUnixProcessID string:app.keyward.desktop.Reminders |
    awk '/uint32/ { print $2 }'
}
background_running() { pid=$(owner) && [ -n "$pid" ] && [ "$(readlink "/proc/$pid/exe")" = "$bin/keyward-background" ]; }
if ! wait_for 15 background_running; then
  cat "$logs/window.log" >&2
  fail "no $bin/keyward-background took the reminders within 15 s of the window closing"
fi
background=$(owner)
for lib in libgtk-3 libwebkit2gtk libjavascriptcore; do
  ! maps "$background" "$lib" || fail "keyward-background has $lib loaded"
done
say "closing the window handed over to $bin/keyward-background (pid $background): no GTK or WebKit loaded"
kill "$background"
wait_for 5 eval '! kill -0 "$background"' || { kill -KILL "$background"; fail "keyward-background did not stop on TERM"; }
say "ok"
