#!/usr/bin/env bash
# Captures real Pacemaker 2.1.5 executor traffic on loopback and turns it into test vectors.
#
#   tools/capture/capture.sh [--out FILE] [--keep] [--scenario NAME]
#
# Builds the capture shim and the liblrmd client, then inside one private network namespace
# starts the real pacemaker-remoted (<repo>/.deps/pacemaker-remote, see
# scripts/install-debian-deps.sh) with a fresh 4096-byte key, runs the client against it with
# both processes' GnuTLS plaintext logged, stops the daemon, and runs make-vectors.mjs.
# The namespace keeps port 3121 and the daemon's abstract-socket IPC names (cib_ro, attrd, ...)
# away from anything else on the machine. Needs root (unshare --net).
set -euo pipefail

HERE="$(cd "$(dirname "$0")" && pwd)"
REPO_ROOT="$(cd "$HERE/../.." && pwd)"
REMOTED="${REMOTED:-$REPO_ROOT/.deps/pacemaker-remote/usr/sbin/pacemaker-remoted}"
PORT=3121
LISTEN_WAIT_S=120   # DH parameter generation at daemon start can be slow
STOP_WAIT_S=10
CLIENT_LIMIT_S=300  # the scenario's own waits are bounded; this is a backstop

say() { printf '[capture] %s\n' "$*" >&2; }

# ---------------------------------------------------------------- inside the namespace
if [ "${1:-}" = "--inside" ]; then
  WORK="$2"
  SCENARIO="$3"
  DPID=""
  stop_daemon() {
    [ -n "$DPID" ] || return 0
    if kill -0 "$DPID" 2>/dev/null; then
      say "stopping pacemaker-remoted (pid $DPID) with SIGTERM"
      kill -TERM "$DPID" 2>/dev/null || true
      for _ in $(seq 1 $((STOP_WAIT_S * 10))); do
        kill -0 "$DPID" 2>/dev/null || break
        sleep 0.1
      done
      if kill -0 "$DPID" 2>/dev/null; then
        say "pacemaker-remoted (pid $DPID) still running after ${STOP_WAIT_S}s: SIGKILL"
        kill -KILL "$DPID" 2>/dev/null || true
      fi
    fi
    wait "$DPID" 2>/dev/null || true
    DPID=""
  }
  trap stop_daemon EXIT

  ip link set lo up

  env PCMK_authkey_location="$WORK/authkey" \
      PCMK_logfile="$WORK/pacemaker-remoted.log" \
      PCMK_logfacility=none \
      PCMK_remote_port="$PORT" \
      PCMK_CAPTURE_LOG="$WORK/daemon.cap" \
      LD_PRELOAD="$WORK/build/libpcmk-capture-shim.so" \
      "$REMOTED" > "$WORK/pacemaker-remoted.out" 2>&1 &
  DPID=$!
  say "started pacemaker-remoted (pid $DPID)"

  listening=0
  for _ in $(seq 1 $((LISTEN_WAIT_S * 10))); do
    if ss -Hltn "sport = :$PORT" 2>/dev/null | grep -q .; then
      listening=1
      break
    fi
    kill -0 "$DPID" 2>/dev/null || break
    sleep 0.1
  done
  if [ "$listening" -ne 1 ]; then
    say "pacemaker-remoted did not listen on port $PORT; its output:"
    cat "$WORK/pacemaker-remoted.out" >&2 || true
    exit 1
  fi
  say "pacemaker-remoted listens on 127.0.0.1:$PORT"

  # -T: the client sends SIGTERM to this pid at the end, while it is the IPC provider, to
  # capture the shutdown request. stop_daemon covers the case where the daemon survives.
  set +e
  timeout "$CLIENT_LIMIT_S" env PCMK_CAPTURE_LOG="$WORK/client.cap" \
      LD_PRELOAD="$WORK/build/libpcmk-capture-shim.so" \
      "$WORK/build/lrmd-client" -H 127.0.0.1 -p "$PORT" \
      -k "$WORK/authkey" -S "$WORK/state" -T "$DPID" "$SCENARIO" 2> "$WORK/client.err" | tee "$WORK/client.out"
  client_rc=${PIPESTATUS[0]}
  set -e
  stop_daemon
  trap - EXIT
  exit "$client_rc"
fi

# ---------------------------------------------------------------- outside
OUT="$REPO_ROOT/spec/vectors/captured-2.1.5.json"
KEEP=0
SCENARIO=full
while [ $# -gt 0 ]; do
  case "$1" in
    --out) OUT="$2"; shift 2 ;;
    --keep) KEEP=1; shift ;;
    --scenario) SCENARIO="$2"; shift 2 ;;
    *) say "usage: $0 [--out FILE] [--keep] [--scenario full|executor|proxy|utf8|smoke]"; exit 2 ;;
  esac
done

started=$(date +%s.%N)
[ "$(id -u)" -eq 0 ] || { say "needs root (unshare --net)"; exit 1; }
[ -x "$REMOTED" ] || { say "$REMOTED missing: run scripts/install-debian-deps.sh"; exit 1; }
command -v node >/dev/null || { say "node is needed for make-vectors.mjs"; exit 1; }

WORK="$(mktemp -d /tmp/pcmk-capture.XXXXXX)"
cleanup() {
  if [ "$KEEP" -eq 1 ]; then
    say "kept $WORK"
  else
    rm -rf "$WORK"
  fi
}
trap cleanup EXIT

say "building into $WORK/build"
make -s -C "$HERE" BUILD="$WORK/build" >&2

dd if=/dev/urandom of="$WORK/authkey" bs=4096 count=1 status=none
chmod 600 "$WORK/authkey"
mkdir -p "$WORK/state"

set +e
unshare --net -- bash "$HERE/capture.sh" --inside "$WORK" "$SCENARIO"
rc=$?
set -e
if [ "$rc" -ne 0 ]; then
  say "client scenario failed (exit $rc); client stderr:"
  tail -n 20 "$WORK/client.err" >&2 || true
  KEEP=1
  exit "$rc"
fi

say "converting logs"
node "$HERE/make-vectors.mjs" --client "$WORK/client.cap" --daemon "$WORK/daemon.cap" --out "$OUT"

ended=$(date +%s.%N)
say "done in $(awk -v a="$started" -v b="$ended" 'BEGIN { printf "%.1f", b - a }') s"
