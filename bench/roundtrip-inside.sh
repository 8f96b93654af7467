#!/bin/bash
# Runs inside `unshare --net` (see bench/roundtrip.bench.ts): brings up
# loopback, starts the real pacemaker-remoted with the key in $WORK/authkey,
# waits for port 3121, runs the measurement program, stops the daemon by PID.
# With OURS_DAEMON set, then does the same with our daemon on port 3122.
# Each pass prints one JSON line (BENCH_RT_DAEMON=real|ours tells them apart).
# Env: WORK, REMOTED, MEASURE (JS or TS program), LRMD_BENCH (C binary),
# NODE_IMPORT (optional loader, e.g. tsx), BENCH_RT_QUICKACK=1 (optional:
# no delayed ACKs on the loopback route, to see what they cost),
# OURS_DAEMON (optional: our pcmk-remoted, JS or TS).
set -u
ip link set lo up
if [ "${BENCH_RT_QUICKACK:-0}" = 1 ]; then
  for dst in 127.0.0.0/8 127.0.0.1; do
    ip route change local $dst dev lo table local proto kernel scope host src 127.0.0.1 quickack 1 || exit 4
  done
fi

# wait_port PORT PID NAME: 0 once PORT listens, 3 if the daemon died or never listened.
wait_port() {
  for _ in $(seq 1 1200); do
    if ss -Hltn "sport = :$1" 2>/dev/null | grep -q .; then return 0; fi
    kill -0 "$2" 2>/dev/null || break
    sleep 0.1
  done
  echo "$3 did not listen" >&2
  return 3
}

# stop PID: SIGTERM, then SIGKILL after 10 s.
stop() {
  kill -TERM "$1" 2>/dev/null
  for _ in $(seq 1 100); do kill -0 "$1" 2>/dev/null || break; sleep 0.1; done
  kill -0 "$1" 2>/dev/null && kill -KILL "$1"
  wait "$1" 2>/dev/null
}

PCMK_authkey_location="$WORK/authkey" PCMK_logfacility=none PCMK_logfile="$WORK/remoted.log" \
  "$REMOTED" > "$WORK/remoted.out" 2>&1 &
DPID=$!
if ! wait_port 3121 $DPID "pacemaker-remoted"; then
  cat "$WORK/remoted.out" >&2
  stop $DPID
  exit 3
fi
BENCH_RT_DAEMON=real timeout 150 node ${NODE_IMPORT:+--import "$NODE_IMPORT"} "$MEASURE" "$WORK/authkey" 3121 "$LRMD_BENCH"
rc=$?
stop $DPID
[ $rc -ne 0 ] && exit $rc

if [ -n "${OURS_DAEMON:-}" ]; then
  node ${NODE_IMPORT:+--import "$NODE_IMPORT"} "$OURS_DAEMON" --address 127.0.0.1 --port 3122 \
    --authkey "$WORK/authkey" --log-level warn > "$WORK/ours.out" 2>&1 &
  OPID=$!
  if ! wait_port 3122 $OPID "our pcmk-remoted"; then
    cat "$WORK/ours.out" >&2
    stop $OPID
    exit 3
  fi
  BENCH_RT_DAEMON=ours timeout 150 node ${NODE_IMPORT:+--import "$NODE_IMPORT"} "$MEASURE" "$WORK/authkey" 3122 "$LRMD_BENCH"
  rc=$?
  stop $OPID
fi
exit $rc
