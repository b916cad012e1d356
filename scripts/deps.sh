#!/usr/bin/env bash
# Installs the Debian packages OpenCCAS needs to build, run and test.
# Idempotent: only missing packages are installed. Needs root (or sudo).
set -eu
PKGS_BUILD="build-essential pkg-config ca-certificates libmicrohttpd-dev libsqlite3-dev libpq-dev
 libjansson-dev libsodium-dev libutf8proc-dev libcurl4-openssl-dev libhpdf-dev libxlsxwriter-dev zlib1g-dev fonts-dejavu-core libzint-dev
 libssl-dev"
PKGS_TEST="postgresql clang libclang-rt-14-dev chromium poppler-utils zbar-tools wrk sqlite3 curl python3-aiosmtpd"
want="$PKGS_BUILD"
[ "${1:-}" = "--test" ] && want="$want $PKGS_TEST"
missing=""
for p in $want; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing="$missing $p"
done
# Node.js may come from Debian or from NodeSource (which bundles npm and
# conflicts with Debian's npm package): ask for the commands, not packages.
if true; then
  command -v node >/dev/null 2>&1 || missing="$missing nodejs"
  command -v npm >/dev/null 2>&1 || missing="$missing npm"
fi
[ -z "$missing" ] && exit 0
echo "Installation des paquets manquants :$missing"
SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"
$SUDO apt-get update -qq
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends $missing
