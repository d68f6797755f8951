#!/usr/bin/env bash
# DEV-ONLY: builds the preview (fake back end), serves it on 127.0.0.1 and saves a screenshot of
# each screen with Debian's headless Chromium (apt-get install -y chromium).
#   bash preview/screenshots.sh [OUT_DIR] [NAME_PATTERN]   (default /tmp/ui-shots, every shot)
set -euo pipefail
cd "$(dirname "$0")/.."
out=${1:-/tmp/ui-shots}
only=${2:-}     # a pattern: take only the shots whose name matches
mkdir -p "$out"
port=4174

node_modules/.bin/vite build --config preview/vite.config.ts --logLevel warn
node_modules/.bin/vite preview --config preview/vite.config.ts --port "$port" --strictPort >/dev/null 2>&1 &
server=$!
trap 'kill "$server" 2>/dev/null || true' EXIT
for _ in $(seq 50); do curl -sf "http://127.0.0.1:$port/" >/dev/null && break; sleep 0.2; done

shot() { # name query [chromium flags...]
  local name=$1 query=$2; shift 2
  if [[ -n $only && ! $name =~ $only ]]; then return; fi
  local profile; profile=$(mktemp -d)
  timeout 60 chromium --headless --no-sandbox --disable-gpu --disable-background-networking \
    --disable-component-update --disable-sync --no-first-run --user-data-dir="$profile" \
    --window-size=1100,750 --virtual-time-budget=8000 "$@" \
    --screenshot="$out/$name.png" "http://127.0.0.1:$port/?$query" >/dev/null 2>&1 || echo "failed: $name" >&2
  rm -rf "$profile"
  echo "$out/$name.png"
}

shot keys-0                 'keys=0'
shot keys-mixed             'keys=mixed'
shot keys-10000             'keys=10000'
shot keys-10000-scrolled    'keys=10000&script=scrolled'
shot search                 'keys=mixed&script=search'
shot generate-form          'keys=mixed&script=generate-form'
shot generate-name-problems 'keys=mixed&script=name-taken'
shot generate-shown-once    'keys=mixed&script=generate'
shot generate-refused       'keys=mixed&keychain=locked&script=generate-refused'
shot add-key-problems       'keys=mixed&script=add'
shot add-key-saved          'keys=mixed&script=add-saved'
shot key-details            'keys=mixed&script=details-top'
shot key-details-secret     'keys=mixed&script=details'
shot delete-dialog          'keys=mixed&script=delete'
shot delete-dialog-typed    'keys=mixed&script=delete-typed'
shot keychain-banners       'keys=mixed&keychain=locked&recovered=1'
shot dark-keys-0            'keys=0' --force-dark-mode
shot dark-keys-mixed        'keys=mixed' --force-dark-mode
shot dark-generate-shown-once 'keys=mixed&script=generate' --force-dark-mode
shot dark-delete-dialog     'keys=mixed&script=delete-typed' --force-dark-mode
shot dark-key-details       'keys=mixed&script=details-top' --force-dark-mode
shot dark-keychain-banners  'keys=mixed&keychain=timeout&recovered=1' --force-dark-mode
# Reminders, rotation, activity and settings
shot reminder-banner        'keys=mixed'
shot banner-filter          'keys=mixed&script=banner-filter'
shot key-due                'keys=mixed&script=due-details'
shot key-snoozed            'keys=mixed&script=snoozed-details'
shot key-replaced           'keys=mixed&script=replaced-details'
shot key-replaced-later     'keys=mixed&script=replaced-later-details'
shot key-history            'keys=mixed&script=history'
shot rotate-dialog          'keys=mixed&script=rotate-dialog'
shot rotated-shown-once     'keys=mixed&script=rotated'
shot rotated-list           'keys=mixed&script=rotated-list'
shot notification-opens-key 'keys=mixed&notify=key-7'
shot activity               'keys=mixed&script=activity'
shot activity-10000         'keys=10000&script=activity'
shot report-dialog          'keys=mixed&script=report'
shot report-saved           'keys=mixed&script=report-saved'
shot settings               'keys=mixed&script=settings'
shot settings-problems      'keys=mixed&script=settings-problems'
shot team-channel           'keys=mixed&channel=failing&script=team-channel'
shot team-channel-new       'keys=mixed&script=team-channel-new'
shot dark-reminder-banner   'keys=mixed' --force-dark-mode
shot dark-key-replaced      'keys=mixed&script=replaced-details' --force-dark-mode
shot dark-rotated-shown-once 'keys=mixed&script=rotated' --force-dark-mode
shot dark-activity          'keys=mixed&script=activity' --force-dark-mode
shot dark-settings          'keys=mixed&script=settings-problems' --force-dark-mode
shot dark-team-channel      'keys=mixed&channel=failing&script=team-channel' --force-dark-mode
