# shellcheck shell=bash
# Shared by the helpers in tests/session/ (sourced, not run). They must run
# inside tests/session.sh, which provides the bus, the X display and the password.
set -euo pipefail

NAME=${0##*/}
COLLECTION=/org/freedesktop/secrets/collection/login # the "default" alias
PROMPT_TIMEOUT=${PROMPT_TIMEOUT:-10}                  # seconds to wait for a prompt window

fail() {
  echo "$NAME: ERROR: $*" >&2
  exit 1
}

if [ "${KEYWARD_TEST_SESSION:-}" != 1 ] || [ -z "${DBUS_SESSION_BUS_ADDRESS:-}" ] || [ -z "${DISPLAY:-}" ]; then
  fail "must run inside tests/session.sh (no test session bus/display here)"
fi

# dbus-send to DEST OBJECT METHOD ARGS..., printing the reply
call() { dbus-send --session --print-reply=literal --dest="$1" "${@:2}"; }

is_locked() {
  local reply
  reply=$(call org.freedesktop.secrets "$COLLECTION" org.freedesktop.DBus.Properties.Get \
    string:org.freedesktop.Secret.Collection string:Locked) || fail "cannot read Locked of $COLLECTION"
  [[ $reply == *true* ]]
}
is_unlocked() { ! is_locked; }

# Run CMD... every 50 ms until it succeeds or SECONDS pass.
retry_for() { # SECONDS CMD...
  local i
  for ((i = 0; i < $1 * 20; i++)); do
    "${@:2}" && return 0
    sleep 0.05
  done
  return 1
}

# The visible keyring prompt (gcr-prompter's dialog) on $DISPLAY, if any.
prompt_window() { xdotool search --onlyvisible --class gcr-prompter 2>/dev/null | head -n 1 | grep .; }
no_prompt_window() { ! prompt_window >/dev/null; }

# Wait for the prompt window and print its id.
wait_prompt_window() {
  retry_for "$PROMPT_TIMEOUT" prompt_window ||
    fail "no keyring prompt window appeared on $DISPLAY within ${PROMPT_TIMEOUT}s"
}

# Focus window W and type TEXT into it (XTEST key events, like a user).
type_into() { # W TEXT
  xdotool windowfocus --sync "$1" || fail "cannot focus prompt window $1"
  xdotool type --delay 2 "$2"
}
