// The Client against the real pacemaker-remoted 2.1.5, inside a private
// network namespace (spec/protocol.md §4, §5): register, resource ops on
// ocf:pacemaker:Dummy, poke.
// Needs root, unshare and the daemon from scripts/install-debian-deps.sh.
// Outside CI it skips loudly when those are missing; in CI (CI=true) it fails.
import t from 'tap';
import { childEnv } from '../helpers/child-env.js';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

// Children must not write V8 coverage (their source maps would replace ours),
// nor load tap's process hooks, which record coverage for node children too.

const repo = fileURLToPath(new URL('../../', import.meta.url));
const remoted = join(repo, '.deps/pacemaker-remote/usr/sbin/pacemaker-remoted');
const fixture = join(repo, 'test/client/fixtures/remoted-client.ts');
const hasUnshare = spawnSync('unshare', ['--version']).status === 0;
const missing = [
  process.getuid?.() !== 0 && 'root',
  !hasUnshare && 'unshare',
  !existsSync(remoted) && 'the pacemaker-remote daemon (.deps)',
].filter(Boolean);
const reason = missing.length ? `real pacemaker-remoted unavailable (missing ${missing.join(', ')}): run scripts/install-debian-deps.sh as root` : false;

// Inside the namespace: start the daemon, wait for its port (DH parameter
// generation can be slow), run the client, stop the daemon by its PID.
const inside = `
set -u
ip link set lo up
PCMK_authkey_location="$WORK/authkey" PCMK_logfacility=none PCMK_logfile="$WORK/remoted.log" \\
  "$REMOTED" > "$WORK/remoted.out" 2>&1 &
DPID=$!
up=0
for _ in $(seq 1 1200); do
  if ss -Hltn 'sport = :3121' 2>/dev/null | grep -q .; then up=1; break; fi
  kill -0 $DPID 2>/dev/null || break
  sleep 0.1
done
if [ $up -ne 1 ]; then echo "daemon did not listen" >&2; cat "$WORK/remoted.out" >&2; kill $DPID 2>/dev/null; wait $DPID; exit 3; fi
timeout 120 node --import tsx "$FIXTURE" "$WORK/authkey" 3121
rc=$?
kill -TERM $DPID 2>/dev/null
for _ in $(seq 1 100); do kill -0 $DPID 2>/dev/null || break; sleep 0.1; done
kill -0 $DPID 2>/dev/null && kill -KILL $DPID
wait $DPID 2>/dev/null
exit $rc
`;

if (reason && process.env.CI) {
  t.fail(`${reason} — in CI this test must run`);
} else {
  t.test('Client against the real pacemaker-remoted 2.1.5 (256-byte key)', { skip: reason, timeout: 180_000 }, async (t) => {
    const work = mkdtempSync(join(tmpdir(), 'pcmk-client-'));
    t.teardown(() => rmSync(work, { recursive: true, force: true }));
    writeFileSync(join(work, 'authkey'), randomBytes(256), { mode: 0o600 });
    const r = spawnSync('unshare', ['--net', 'bash', '-c', inside], {
      encoding: 'utf8',
      timeout: 170_000,
      cwd: repo,
      env: { ...childEnv, WORK: work, REMOTED: remoted, FIXTURE: fixture },
    });
    t.equal(r.status, 0, `client exit status (stderr tail: ${r.stderr.slice(-1500)})`);
    if (r.status !== 0) return;
    const res = JSON.parse(r.stdout.trim().split('\n').pop()!) as {
      ms: Record<string, number>;
      register: { clientId?: string; peerProtocolVersion?: string; uptime?: number };
      infoBefore?: unknown;
      info: unknown;
      probe: { rc: number; status: number };
      start: { rc: number; status: number };
      monitor: { rc: number; status: number };
      stop: { rc: number; status: number };
      unregister: { inProgress: boolean };
      infoAfter: unknown;
      pokeMs: { p50: number; max: number };
      notifies: string[];
    };
    t.match(res.register.clientId, /^[0-9a-f-]{36}$/);
    t.equal(res.register.peerProtocolVersion, '1.1');
    t.equal(res.register.uptime, undefined, '2.1.5 sends no uptime');
    t.equal(res.infoBefore, undefined);
    t.same(res.info, { rscId: 'dummy1', standard: 'ocf', provider: 'pacemaker', agent: 'Dummy' });
    t.match(res.probe, { rc: 7, status: 0 }, 'probe before start: not running');
    t.match(res.start, { rc: 0, status: 0 });
    t.match(res.monitor, { rc: 0, status: 0 });
    t.match(res.stop, { rc: 0, status: 0 });
    t.same(res.unregister, { inProgress: false });
    t.equal(res.infoAfter, null);
    t.ok(res.notifies.includes('lrmd_rsc_register') && res.notifies.includes('lrmd_rsc_unregister'), 'generic notifies seen');
    t.ok(res.pokeMs.p50 < 200, `poke p50 ${res.pokeMs.p50} ms`);
    t.comment(`real daemon timings (ms): ${JSON.stringify(res.ms)}; poke p50 ${res.pokeMs.p50} / max ${res.pokeMs.max}`);
  });
}
