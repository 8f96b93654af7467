// The Client against the real pacemaker-remoted 2.1.5, inside a private
// network namespace (spec/protocol.md §4, §5): register, resource ops on
// ocf:pacemaker:Dummy, poke.
// Needs root, unshare and the daemon from scripts/install-debian-deps.sh.
// Outside CI it skips loudly when those are missing; in CI (CI=true) it fails.
import t from 'tap';
import { runAgainstRealRemoted, unavailable } from '../helpers/real-remoted.js';

if (unavailable && process.env.CI) {
  t.fail(`${unavailable} — in CI this test must run`);
} else {
  t.test('Client against the real pacemaker-remoted 2.1.5 (256-byte key)', { skip: unavailable, timeout: 180_000 }, async (t) => {
    const r = runAgainstRealRemoted('test/client/fixtures/remoted-client.ts');
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
