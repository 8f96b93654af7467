// Our PSK-TLS client and record writer against the real pacemaker-remoted
// 2.1.5, inside a private network namespace (spec/protocol.md §2.5, §4).
// Needs root, unshare and the daemon from scripts/install-debian-deps.sh.
// Outside CI it skips loudly when those are missing; in CI (CI=true) it fails.
import t from 'tap';
import { runAgainstRealRemoted, unavailable } from '../helpers/real-remoted.js';

if (unavailable && process.env.CI) {
  t.fail(`${unavailable} — in CI this test must run`);
} else {
  t.test('PSK-TLS client against the real pacemaker-remoted 2.1.5 (256-byte key)', { skip: unavailable, timeout: 180_000 }, async (t) => {
    const r = runAgainstRealRemoted('test/transport/fixtures/register-client.ts');
    t.equal(r.status, 0, `client exit status (stderr tail: ${r.stderr.slice(-1500)})`);
    if (r.status !== 0) return;
    const line = r.stdout.trim().split('\n').pop()!;
    const res = JSON.parse(line) as {
      wrongKey: string;
      wrongKeyMs: number;
      handshakeMs: number;
      tls: { protocol: string; cipher: string };
      registerMs: number;
      register: { rc: number; op: string; clientId?: string; protocolVersion?: string };
      poke: { reply: { rc: number }; notify: { op: string } };
      pokeReplyMs: { p50: number; max: number };
      pokeNotifyMs: { p50: number; max: number };
    };
    t.equal(res.wrongKey, 'TLS_HANDSHAKE_FAILED', `wrong key refused in ${res.wrongKeyMs} ms`);
    t.equal(res.tls.protocol, 'TLSv1.3');
    t.equal(res.register.rc, 0);
    t.equal(res.register.op, 'register');
    t.match(res.register.clientId, /^[0-9a-f-]{36}$/);
    t.equal(res.register.protocolVersion, '1.1');
    t.equal(res.poke.reply.rc, 0);
    t.equal(res.poke.notify.op, 'lrmd_rsc_poke');
    // Pacemaker's own pair needs ~88 ms. We measure ~44 ms: our side sends with
    // NODELAY, the daemon's reply still pays Nagle once. What is guarded here is a
    // record stall, which costs seconds; the figures themselves come from the bench.
    t.ok(res.pokeReplyMs.p50 < 500, `poke reply p50 ${res.pokeReplyMs.p50} ms`);
    t.comment(
      `real daemon: handshake ${res.handshakeMs} ms (${res.tls.protocol} ${res.tls.cipher}), register ${res.registerMs} ms, ` +
        `poke reply p50 ${res.pokeReplyMs.p50} / max ${res.pokeReplyMs.max} ms, poke notify p50 ${res.pokeNotifyMs.p50} / max ${res.pokeNotifyMs.max} ms`,
    );
  });
}
