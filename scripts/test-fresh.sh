#!/usr/bin/env bash
# The proof that the README's two commands work on a fresh Debian 12:
# a minimal Debian 12 root filesystem is built from the Debian archive apt
# already uses (debootstrap --variant=minbase: not even a compiler), the
# committed tree is cloned into it, and inside a chroot (with /proc, /dev,
# /dev/pts, /dev/shm and /sys mounted) we run, as a newcomer would:
#
#   apt-get install make      (the only thing the README asks for first)
#   make run                  (until it prints its address and answers)
#   make test                 (the whole suite, its last line is the verdict)
#
# Usage: scripts/test-fresh.sh [WORKDIR]     (as root; default build/fresh)
# The pristine root is kept as WORKDIR/bookworm.tar and reused by later
# runs; every run starts from a new copy of it. Prints the verdict of each
# step and ends with "fresh: make run ok, make test: N passed, N failed".
set -eu
cd "$(dirname "$0")/.."
top=$PWD
[ "$(id -u)" -eq 0 ] || { echo "test-fresh : à lancer en root (debootstrap, chroot)" >&2; exit 2; }
work=${1:-build/fresh}
mkdir -p "$work"
work=$(cd "$work" && pwd)
root="$work/root"
tarball="$work/bookworm.tar"
mirror=$(sed -n 's/^URIs: *//p' /etc/apt/sources.list.d/debian.sources 2>/dev/null | head -n 1)
[ -n "$mirror" ] || mirror=$(awk '/^deb / {print $2; exit}' /etc/apt/sources.list 2>/dev/null)
[ -n "$mirror" ] || mirror=http://deb.debian.org/debian

chroot_pids() { for p in /proc/[0-9]*; do [ "$(readlink "$p/root" 2>/dev/null)" = "$root" ] && echo "${p#/proc/}"; done; }
umount_all() {
  for m in dev/shm dev/pts dev sys proc; do
    mountpoint -q "$root/$m" 2>/dev/null && umount -l "$root/$m" || true
  done
}
# (set -e holds in the trap too: a kill with no process to kill must not end it before the unmounting.)
stop_root() {
  local pids
  pids=$(chroot_pids 2>/dev/null || true)
  [ -z "$pids" ] || kill -KILL $pids 2>/dev/null || true
  umount_all
}
trap stop_root EXIT

if [ ! -f "$tarball" ]; then
  command -v debootstrap >/dev/null || DEBIAN_FRONTEND=noninteractive apt-get install -y -qq debootstrap >/dev/null
  rm -rf "$work/pristine"
  echo "fresh: debootstrap bookworm (minbase) depuis $mirror"
  debootstrap --variant=minbase bookworm "$work/pristine" "$mirror" >"$work/debootstrap.log" 2>&1 ||
    { tail -n 20 "$work/debootstrap.log"; exit 1; }
  tar -C "$work/pristine" -cf "$tarball" .
  rm -rf "$work/pristine"
fi

umount_all
rm -rf "$root"
mkdir -p "$root"
tar -C "$root" -xf "$tarball"
cp /etc/resolv.conf "$root/etc/resolv.conf"
# This workplace reaches the npm registry through an egress proxy whose
# certificate authority only the host knows; a real machine has no such
# proxy. Give the chroot the host's bundle for Node.js, and nothing else.
[ -f /etc/ssl/certs/ca-certificates.crt ] && cp /etc/ssl/certs/ca-certificates.crt "$root/etc/host-ca.crt"
# The same archive (and its security suite) as the host.
[ -f /etc/apt/sources.list.d/debian.sources ] && cp /etc/apt/sources.list.d/debian.sources "$root/etc/apt/sources.list.d/"
[ -f /etc/apt/sources.list.d/debian.sources ] && rm -f "$root/etc/apt/sources.list"
mount -t proc proc "$root/proc"
mount -t sysfs sys "$root/sys"
mount --bind /dev "$root/dev"
mount -t devpts devpts "$root/dev/pts" -o newinstance,ptmxmode=0666 2>/dev/null || mount --bind /dev/pts "$root/dev/pts"
mount -t tmpfs -o size=512m tmpfs "$root/dev/shm"

# A clean clone of what is committed (HEAD), as CI would have it.
git clone -q --no-local "$top" "$root/root/openccas"
git -C "$root/root/openccas" log --oneline -1

in_root() { chroot "$root" /usr/bin/env -i HOME=/root PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin \
  LANG=C.UTF-8 TERM=dumb NODE_EXTRA_CA_CERTS=/etc/host-ca.crt bash -c "$1"; }

echo "fresh: apt-get install make"
in_root 'apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq make >/dev/null' >"$work/make-install.log" 2>&1 ||
  { tail -n 20 "$work/make-install.log"; exit 1; }

echo "fresh: make run"
in_root 'cd /root/openccas && exec make run' >"$work/make-run.log" 2>&1 &
runpid=$!
served=0
# make run installs packages and builds first: wait for its address line
# (a condition, not a fixed sleep), for 40 minutes at most.
for _ in $(seq 1 2400); do
  if grep -q 'écoute sur http://' "$work/make-run.log" 2>/dev/null; then served=1; break; fi
  kill -0 "$runpid" 2>/dev/null || break
  sleep 1
done
run_ok=0
if [ "$served" -eq 1 ]; then
  url=$(grep -o 'écoute sur http://[^ ]*' "$work/make-run.log" | head -n 1 | sed 's/écoute sur //')
  code=$(in_root "curl -s -o /dev/null -w '%{http_code}' ${url}connexion" 2>/dev/null || true)
  [ -z "$code" ] && code=$(curl -s -o /dev/null -w '%{http_code}' "${url}connexion" || true)
  echo "fresh: make run sert $url (GET /connexion → $code)"
  [ "$code" = "200" ] && run_ok=1
else
  echo "fresh: make run n'a pas servi ; fin du journal :"; tail -n 30 "$work/make-run.log"
fi
# Stop the server make run started (and make itself): every process whose
# root is the chroot.
kill -TERM $(chroot_pids) 2>/dev/null || true
wait "$runpid" 2>/dev/null || true

echo "fresh: make test"
in_root 'cd /root/openccas && make test' >"$work/make-test.log" 2>&1 || true
verdict=$(grep -E '^[0-9]+ passed, [0-9]+ failed$' "$work/make-test.log" | tail -n 1)
[ -n "$verdict" ] || { verdict="0 passed, 1 failed"; tail -n 30 "$work/make-test.log"; }
grep -E '^  (ok|ÉCHEC)' "$work/make-test.log" | grep ÉCHEC || true
echo "fresh: make run $([ $run_ok -eq 1 ] && echo ok || echo ÉCHEC), make test: $verdict"
[ "$run_ok" -eq 1 ] && echo "$verdict" | grep -q ' 0 failed$'
