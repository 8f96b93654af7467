#!/bin/bash
# Runs inside `unshare --net` (see bench/roundtrip.bench.ts): brings up
# loopback, starts the real pacemaker-remoted with the key in $WORK/authkey,
# waits for port 3121, runs the measurement program, stops the daemon by PID.
# Env: WORK, REMOTED, MEASURE (JS or TS program), LRMD_BENCH (C binary),
# NODE_IMPORT (optional loader, e.g. tsx), BENCH_RT_QUICKACK=1 (optional:
# no delayed ACKs on the loopback route, to see what they cost).
set -u
ip link set lo up
if [ "${BENCH_RT_QUICKACK:-0}" = 1 ]; then
  for dst in 127.0.0.0/8 127.0.0.1; do
    ip route change local $dst dev lo table local proto kernel scope host src 127.0.0.1 quickack 1 || exit 4
  done
fi
PCMK_authkey_location="$WORK/authkey" PCMK_logfacility=none PCMK_logfile="$WORK/remoted.log" \
  "$REMOTED" > "$WORK/remoted.out" 2>&1 &
DPID=$!
up=0
for _ in $(seq 1 1200); do
  if ss -Hltn 'sport = :3121' 2>/dev/null | grep -q .; then up=1; break; fi
  kill -0 $DPID 2>/dev/null || break
  sleep 0.1
done
if [ $up -ne 1 ]; then
  echo "daemon did not listen" >&2
  cat "$WORK/remoted.out" >&2
  kill $DPID 2>/dev/null
  wait $DPID
  exit 3
fi
timeout 150 node ${NODE_IMPORT:+--import "$NODE_IMPORT"} "$MEASURE" "$WORK/authkey" 3121 "$LRMD_BENCH"
rc=$?
kill -TERM $DPID 2>/dev/null
for _ in $(seq 1 100); do kill -0 $DPID 2>/dev/null || break; sleep 0.1; done
kill -0 $DPID 2>/dev/null && kill -KILL $DPID
wait $DPID 2>/dev/null
exit $rc
