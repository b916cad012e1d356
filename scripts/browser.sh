#!/usr/bin/env bash
# Browser tests: serves a fresh demo database and drives Debian's Chromium
# through Playwright (playwright-core) with an axe-core audit of each page.
set -u
cd "$(dirname "$0")/.."
# As root the server must be told which account to become once its port is open.
AS_USER=$([ "$(id -u)" -eq 0 ] && echo "--user nobody")
[ -d node_modules/playwright-core ] || npm ci --no-audit --no-fund --loglevel=error
CHROME=${CHROMIUM:-$(command -v chromium || command -v chromium-browser)}
[ -n "$CHROME" ] || { echo "Chromium introuvable (apt-get install chromium)"; echo "browser: 0 passed, 1 failed"; exit 1; }
DB=/tmp/openccas-browser-$$.db
rm -f "$DB"*
make -s build/openccas >/dev/null
./build/openccas demo --db "sqlite:$DB" --households 100 >/dev/null || exit 1
. scripts/serve-bg.sh
trap 'kill $SERVER_PID 2>/dev/null; wait $SERVER_PID 2>/dev/null; rm -f "$DB"*' EXIT
serve_bg "${OPENCCAS_TEST_LOGDIR:-/tmp}/openccas-browser.log" ./build/openccas serve $AS_USER --db "sqlite:$DB" --insecure-cookies ||
  { echo "browser: 0 passed, 1 failed"; exit 1; }
mkdir -p build/screens
BASE="$BASE" CHROMIUM="$CHROME" node tests/browser/run.mjs "$@"
