// Poke round trip between our client and our daemon over PSK-TLS on
// loopback: the time from sending lrmd_rsc_poke to its poke notification.
// Reported as a comment; the bound is loose because the machine is shared.
import t from 'tap';
import { randomBytes } from 'node:crypto';
import { connectClient } from '../../src/client/connect.js';
import { createRemoteDaemon } from '../../src/server/daemon.js';

const key = randomBytes(64);
const ROUNDS = 2000;

function quantile(sorted: number[], q: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;
}

t.test('poke p50 over PSK-TLS loopback', async (t) => {
  const daemon = await createRemoteDaemon({ key, address: '127.0.0.1', port: 0 });
  t.teardown(() => daemon.close());
  const { port } = await daemon.listen();
  for (const encodings of [['protobuf', 'xml'], []] as const) {
    const c = await connectClient({ host: '127.0.0.1', port, key, encodings });
    for (let i = 0; i < 200; i++) await c.poke();
    const ms: number[] = [];
    for (let i = 0; i < ROUNDS; i++) {
      const t0 = process.hrtime.bigint();
      await c.poke();
      ms.push(Number(process.hrtime.bigint() - t0) / 1e6);
    }
    c.close();
    ms.sort((a, b) => a - b);
    const p50 = quantile(ms, 0.5);
    t.comment(`${c.encoding}: poke p50 ${p50.toFixed(3)} ms, p90 ${quantile(ms, 0.9).toFixed(3)} ms, p99 ${quantile(ms, 0.99).toFixed(3)} ms (${ROUNDS} rounds)`);
    t.ok(p50 < 10, `${c.encoding} p50 under 10 ms on a shared machine`);
  }
});
