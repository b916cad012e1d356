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
PORT=${BROWSER_PORT:-28080}
DB=/tmp/openccas-browser-$$.db
rm -f "$DB"*
make -s build/openccas >/dev/null
./build/openccas demo --db "sqlite:$DB" --households 100 >/dev/null || exit 1
./build/openccas serve $AS_USER --db "sqlite:$DB" --listen 127.0.0.1:$PORT --insecure-cookies > "${OPENCCAS_TEST_LOGDIR:-/tmp}/openccas-browser.log" 2>&1 &
pid=$!
trap 'kill $pid 2>/dev/null; wait $pid 2>/dev/null; rm -f "$DB"*' EXIT
for i in $(seq 1 100); do curl -sf "http://127.0.0.1:$PORT/healthz" >/dev/null && break; sleep 0.1; done
mkdir -p build/screens
BASE="http://127.0.0.1:$PORT" CHROMIUM="$CHROME" node tests/browser/run.mjs "$@"
