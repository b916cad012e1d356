# Sourced by the test and benchmark scripts (not run): starts openccas
# serve in the background on a port the kernel chooses, and waits for the
# line it prints once it listens (a condition, not a delay).
#   serve_bg LOGFILE BINARY serve --db URL [options…]
# Sets SERVER_PID, SERVER_PORT and BASE (http://127.0.0.1:PORT); returns 1
# if the server stopped before listening (its log then says why).
serve_bg() {
  local log=$1; shift
  local fifo line=""
  fifo=$(mktemp -u "${TMPDIR:-/tmp}/openccas-serve-XXXXXX")
  mkfifo "$fifo" || return 1
  "$@" --listen 127.0.0.1:0 >"$fifo" 2>"$log" &
  SERVER_PID=$!
  exec {serve_fd}<"$fifo"
  rm -f "$fifo"
  # The first line on its standard output: "OpenCCAS écoute sur http://…/"
  # (end of file if it stopped first).
  IFS= read -r line <&"$serve_fd" || true
  exec {serve_fd}<&-
  SERVER_PORT=$(printf '%s' "$line" | sed -n 's|.*http://127\.0\.0\.1:\([0-9]*\)/.*|\1|p')
  [ -n "$SERVER_PORT" ] || { echo "le serveur n'a pas démarré :" >&2; tail -n 20 "$log" >&2; return 1; }
  BASE="http://127.0.0.1:$SERVER_PORT"
}
