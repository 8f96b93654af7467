// Our daemon's IPC proxy endpoint (spec §8.11) with our IPC provider
// (src/client/ipc-provider, memory backend, §8.15) over PSK-TLS on loopback,
// both in this process: proxied request/response round trips per second (one session
// in sequence, and 8 sessions at once), and a 5 MiB CIB query through
// daemon.proxy.queryCib (sign-on, query, reply as event), in MB/s.
// Run: npx tsx bench/ipc-proxy-ours.bench.ts
import { randomBytes } from 'node:crypto';
import { createRemoteDaemon } from '../src/server/index.js';
import { connectClient } from '../src/client/connect.js';
import { createIpcProvider } from '../src/client/ipc-provider/index.js';
import { createMemoryBackend } from '../src/client/ipc-provider/memory/index.js';

const key = randomBytes(32);
const rows = Array.from({ length: 40_000 }, (_, i) => `<nvpair id="n${i}" name="attr-${i}" value="${'v'.repeat(90)}"/>`).join('');
const cib = `<cib epoch="7"><configuration><crm_config><cluster_property_set id="big">${rows}</cluster_property_set></crm_config></configuration><status/></cib>`;

const daemon = await createRemoteDaemon({ key, address: '127.0.0.1', port: 0 });
const { port } = await daemon.listen();
const client = await connectClient({ host: '127.0.0.1', port, key, isIpcProvider: true });
const backend = createMemoryBackend({ cib, nodeName: 'remote1' });
// crmd answers a ping with a pong: the smallest proxied round trip.
createIpcProvider(client, { nodeName: 'remote1', handlers: { ...backend.handlers, crmd: { request: () => '<pong/>' } } });
while (daemon.proxy.providers.length === 0) await new Promise((r) => setTimeout(r, 10));

async function roundTrips(sessions: number, perSession: number): Promise<number> {
  const ss = Array.from({ length: sessions }, () => daemon.proxy.openSession('crmd'));
  const t0 = performance.now();
  await Promise.all(ss.map(async (s) => {
    for (let i = 0; i < perSession; i++) await s.request('<ping/>');
  }));
  const sec = (performance.now() - t0) / 1000;
  for (const s of ss) s.close();
  return (sessions * perSession) / sec;
}

await roundTrips(1, 200); // warm-up
const seq = await roundTrips(1, 3000);
const par = await roundTrips(8, 500);

await daemon.proxy.queryCib(); // warm-up
const n = 10;
const t0 = performance.now();
for (let i = 0; i < n; i++) {
  const got = await daemon.proxy.queryCib(undefined, { timeoutMs: 60_000 });
  if (got !== backend.cib.text()) throw new Error('bad CIB');
}
const sec = (performance.now() - t0) / 1000;
const mb = (cib.length * n) / 1e6;

console.log(`proxied round trips, 1 session:  ${seq.toFixed(0)}/s`);
console.log(`proxied round trips, 8 sessions: ${par.toFixed(0)}/s`);
console.log(`5 MiB CIB query (${(cib.length / 1048576).toFixed(2)} MiB): ${(sec / n * 1000).toFixed(1)} ms each, ${(mb / sec).toFixed(1)} MB/s`);
client.close();
await daemon.close();
