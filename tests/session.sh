#!/usr/bin/env bash
# shellcheck disable=SC2317 # functions run from the trap / wait_until look unreachable
# Run a command inside a private, throw-away desktop session:
#   Xvfb display + private D-Bus session bus + gnome-keyring (Secret Service,
#   "login" collection unlocked) + dunst (notifications).
#
#   tests/session.sh CMD [ARGS...]      -> exits with CMD's status
#
# CMD sees KEYWARD_TEST_SESSION=1, KEYWARD_SESSION_DIR and KEYWARD_KEYRING_PASSWORD.
# KEEP_SESSION=1 keeps the temp folder (service logs in $KEYWARD_SESSION_DIR/logs).
# SESSION_VERBOSE=1 prints the start-up time. Helpers for use inside the
# session: tests/session/{lock-keyring,unlock-keyring,answer-prompt,dismiss-prompt,prompter}.
set -euo pipefail

TIMEOUT=${SESSION_TIMEOUT:-10} # seconds each service may take to come up
t0=$(date +%s%N)

die() { # loud, so it is not lost in test output
  printf '\n!!!!!!!! tests/session.sh: %s\n' "$*" >&2
  exit 1
}

[ $# -gt 0 ] || { echo "usage: $0 CMD [ARGS...]" >&2; exit 2; }
for tool in Xvfb dbus-daemon dbus-send gnome-keyring-daemon dunst; do
  command -v "$tool" >/dev/null || die "'$tool' is not installed (run .ci/deps)"
done

dir=$(mktemp -d "${TMPDIR:-/tmp}/keyward-session.XXXXXX")
logs=$dir/logs
pids=() # started processes, stopped in reverse order

# TERM (then KILL after 3 s) each of PIDS, waiting for it to go.
stop() {
  local pid i
  for pid in "$@"; do
    kill "$pid" 2>/dev/null || continue
    for ((i = 0; i < 60; i++)); do
      kill -0 "$pid" 2>/dev/null || break # bash reaps its children by itself
      sleep 0.05
    done
    kill -KILL "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
  done
}

cleanup() {
  local i
  for ((i = ${#pids[@]} - 1; i >= 0; i--)); do stop "${pids[i]}"; done
  if [ "${KEEP_SESSION:-}" = 1 ]; then echo "session: kept $dir" >&2; else rm -rf "$dir"; fi
}
trap cleanup EXIT
# bash runs these traps during `wait`, so a signal to this script alone also works
trap 'exit 130' INT
trap 'exit 143' TERM HUP

show_log() { # NAME: print a service's log after it failed
  [ -s "$logs/$1.log" ] && { echo "---- $logs/$1.log:" >&2; tail -n 30 "$logs/$1.log" >&2; }
  return 0
}

# Poll until CHECK... succeeds; fail early when PID (the service) has died.
wait_until() { # PID CHECK...
  local i
  for ((i = 0; i < TIMEOUT * 20; i++)); do
    "${@:2}" && return 0
    kill -0 "$1" 2>/dev/null || return 1
    sleep 0.05
  done
  return 1
}
bus_name_has_owner() {
  dbus-send --session --print-reply --dest=org.freedesktop.DBus /org/freedesktop/DBus \
    org.freedesktop.DBus.NameHasOwner "string:$1" 2>/dev/null | grep -q 'boolean true'
}

# HOME changes below: keep the real Rust toolchain and crate cache reachable.
export RUSTUP_HOME=${RUSTUP_HOME:-$HOME/.rustup} CARGO_HOME=${CARGO_HOME:-$HOME/.cargo}
# OpenBao's `bao` for the team-vault tests, installed by .ci/deps in the real cache folder.
export KEYWARD_BAO=${KEYWARD_BAO:-${XDG_CACHE_HOME:-$HOME/.cache}/keyward/openbao-2.7.2/bin/bao}

# Everything started below (and whatever the bus starts on demand, e.g.
# gcr-prompter) inherits this environment: nothing touches the real home.
export KEYWARD_TEST_SESSION=1 KEYWARD_SESSION_DIR=$dir
export KEYWARD_KEYRING_PASSWORD=${KEYWARD_KEYRING_PASSWORD:-keyward-test}
export HOME=$dir/home XDG_DATA_HOME=$dir/data XDG_CONFIG_HOME=$dir/config \
  XDG_CACHE_HOME=$dir/cache XDG_STATE_HOME=$dir/state XDG_RUNTIME_DIR=$dir/runtime
mkdir -p "$HOME" "$XDG_DATA_HOME" "$XDG_CONFIG_HOME" "$XDG_CACHE_HOME" "$XDG_STATE_HOME" "$logs"
mkdir -m 0700 "$XDG_RUNTIME_DIR"
unset DBUS_SESSION_BUS_ADDRESS WAYLAND_DISPLAY GNOME_KEYRING_CONTROL SSH_AUTH_SOCK

# X display. -displayfd: Xvfb picks a free display number itself (no race with
# parallel sessions) and writes it to fd 3 once it accepts connections.
Xvfb -displayfd 3 -screen 0 1280x800x24 -nolisten tcp 3>"$dir/display" >"$logs/xvfb.log" 2>&1 &
pids+=($!)
wait_until "$!" test -s "$dir/display" ||
  { show_log xvfb; die "Xvfb exited or did not start within ${TIMEOUT}s; NOT running the tests"; }
DISPLAY=:$(tr -d '[:space:]' <"$dir/display")
export DISPLAY

# Private session bus (what dbus-run-session does, but we own its pid). It and
# the services it activates (gcr-prompter, at-spi...) log to bus.log.
dbus-daemon --session --nofork --print-address=3 3>"$dir/bus-address" >"$logs/bus.log" 2>&1 &
pids+=($!)
wait_until "$!" test -s "$dir/bus-address" ||
  { show_log bus; die "dbus-daemon exited or did not start within ${TIMEOUT}s; NOT running the tests"; }
DBUS_SESSION_BUS_ADDRESS=$(head -n 1 "$dir/bus-address")
export DBUS_SESSION_BUS_ADDRESS

# Keyring: --unlock reads the password from stdin up to EOF (a newline would be
# part of it) and creates/unlocks the "login" collection, the default one.
printf '%s' "$KEYWARD_KEYRING_PASSWORD" |
  gnome-keyring-daemon --foreground --unlock --components=secrets >"$logs/keyring.log" 2>&1 &
pids+=($!)
wait_until "$!" bus_name_has_owner org.freedesktop.secrets || {
  show_log keyring
  die "gnome-keyring-daemon exited or did not own org.freedesktop.secrets within ${TIMEOUT}s; NOT running the tests"
}

# Notifications: the bus does not start dunst by itself in a headless session.
dunst >"$logs/dunst.log" 2>&1 &
pids+=($!)
wait_until "$!" bus_name_has_owner org.freedesktop.Notifications || {
  show_log dunst
  die "dunst exited or did not own org.freedesktop.Notifications within ${TIMEOUT}s; NOT running the tests"
}

if [ -n "${SESSION_VERBOSE:-}" ]; then
  echo "session: up in $((($(date +%s%N) - t0) / 1000000)) ms (DISPLAY=$DISPLAY, $dir)" >&2
fi

# CMD runs in the background (with our stdin) so that signals reach our traps
# at once; cleanup then stops CMD first, then the services. Background jobs
# start with SIGINT ignored: restore it so Ctrl-C still reaches CMD directly.
(
  trap - INT QUIT
  exec "$@"
) <&0 &
pids+=($!)
rc=0
wait "$!" || rc=$?
exit "$rc"
