// The built-in TLS 1.3 PSK engine (src/transport/tls13-psk) against node:tls
// at a 256-byte key (both engines take it): handshakes per second, bulk
// throughput one way, and the poke round trip over each against our daemon
// (createRemoteDaemon in-process). Rounds alternate between the engines and
// each figure is the median of its rounds (the machine is shared and noisy).
// Standalone: `npx tsx bench/tls13.bench.ts`. Env: BENCH_TLS13_ROUNDS (default 7).
import net from 'node:net';
import { randomBytes } from 'node:crypto';
import { connectPskTls, createPskTlsServer, type PskEngine } from '../src/transport/psk-tls.js';
import { createRemoteDaemon } from '../src/server/index.js';
import { Client } from '../src/client/index.js';

const ROUNDS = Number(process.env.BENCH_TLS13_ROUNDS ?? 7);
const engines = ['node', 'builtin'] as const satisfies readonly PskEngine[];
const key = randomBytes(256);

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
};

async function listen(server: net.Server): Promise<number> {
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return (server.address() as net.AddressInfo).port;
}

/** A sink server of the given engine: counts bytes, answers "k" after `expect` bytes. */
async function sinkServer(engine: 'node' | 'builtin'): Promise<{ port: number; close: () => Promise<void>; expect: (n: number) => void }> {
  let want = Infinity;
  const server = createPskTlsServer({ key, engine }, (s) => {
    let got = 0;
    s.on('error', () => {});
    s.on('data', (d: Buffer) => {
      got += d.length;
      if (got >= want) s.write('k');
    });
  });
  const port = await listen(server);
  return { port, close: () => new Promise((r) => server.close(() => r())), expect: (n) => (want = n) };
}

async function handshakes(engine: 'node' | 'builtin', port: number, seconds: number): Promise<number> {
  let n = 0;
  const end = performance.now() + seconds * 1000;
  while (performance.now() < end) {
    const s = await connectPskTls({ host: '127.0.0.1', port, key, engine });
    s.destroy();
    n++;
  }
  return n / seconds;
}

async function bulk(engine: 'node' | 'builtin', port: number, bytes: number): Promise<number> {
  const s = await connectPskTls({ host: '127.0.0.1', port, key, engine });
  const chunk = randomBytes(64 * 1024);
  const t0 = performance.now();
  const done = new Promise((r) => s.once('data', r));
  for (let sent = 0; sent < bytes; sent += chunk.length) {
    if (!s.write(chunk)) await new Promise((r) => s.once('drain', r));
  }
  await done;
  const ms = performance.now() - t0;
  s.destroy();
  return bytes / 1e6 / (ms / 1000);
}

async function pokes(engine: 'node' | 'builtin', port: number, count: number): Promise<number> {
  const socket = await connectPskTls({ host: '127.0.0.1', port, key, engine });
  const client = new Client({ clientName: `bench-${engine}` });
  await client.connect(socket);
  for (let i = 0; i < 50; i++) await client.poke();
  const t0 = performance.now();
  for (let i = 0; i < count; i++) await client.poke();
  const us = ((performance.now() - t0) * 1000) / count;
  client.close();
  return us;
}

const results: Record<string, Record<string, number[]>> = { node: {}, builtin: {} };
const add = (engine: string, name: string, v: number): void => void (results[engine]![name] ??= []).push(v);

const servers = { node: await sinkServer('node'), builtin: await sinkServer('builtin') };
const BULK = 64 * 1024 * 1024;
servers.node.expect(BULK);
servers.builtin.expect(BULK);
// Our daemon listens with node:tls at this key size; the client side is what differs.
const daemon = await createRemoteDaemon({ key, address: '127.0.0.1', port: 0 });
const { port: daemonPort } = await daemon.listen();
for (let round = 0; round < ROUNDS; round++) {
  for (const engine of round % 2 === 0 ? engines : [...engines].reverse()) {
    add(engine, 'handshakes/s (same engine both sides)', await handshakes(engine, servers[engine].port, 1));
    add(engine, 'bulk MB/s (same engine both sides)', await bulk(engine, servers[engine].port, BULK));
    add(engine, 'poke µs (client engine; daemon node:tls)', await pokes(engine, daemonPort, 300));
  }
}
await daemon.close();
await servers.node.close();
await servers.builtin.close();

// The built-in engine on the daemon's side too: a 4096-byte key.
const longKey = randomBytes(4096);
const longDaemon = await createRemoteDaemon({ key: longKey, address: '127.0.0.1', port: 0 });
const { port: longPort } = await longDaemon.listen();
const longPokes: number[] = [];
for (let round = 0; round < ROUNDS; round++) {
  const socket = await connectPskTls({ host: '127.0.0.1', port: longPort, key: longKey });
  const client = new Client({ clientName: 'bench-long' });
  await client.connect(socket);
  for (let i = 0; i < 50; i++) await client.poke();
  const t0 = performance.now();
  for (let i = 0; i < 300; i++) await client.poke();
  longPokes.push(((performance.now() - t0) * 1000) / 300);
  client.close();
}
await longDaemon.close();

const table: Record<string, Record<string, number>> = {};
for (const name of Object.keys(results.node!)) {
  const n = median(results.node![name]!);
  const b = median(results.builtin![name]!);
  table[name] = { 'node:tls': +n.toFixed(1), builtin: +b.toFixed(1), 'builtin / node': +(b / n).toFixed(2) };
}
table['poke µs, 4096-byte key (builtin both sides)'] = { 'node:tls': NaN, builtin: +median(longPokes).toFixed(1), 'builtin / node': NaN };
console.log(`TLS 1.3 PSK engines, 256-byte key, ${ROUNDS} interleaved rounds, medians`);
console.table(table);
console.log(JSON.stringify({ bench: 'tls13', rounds: ROUNDS, table }));
