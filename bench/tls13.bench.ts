// The built-in TLS 1.3 PSK engine (src/transport/tls13-psk) against node:tls
// at a 256-byte key (both engines take it): handshakes per second, bulk
// throughput one way, and the poke round trip over each against our daemon
// (createRemoteDaemon in-process): client engine only, then the same engine
// on both ends (daemon forced with its engine option). Each measure has its own phase, so one
// engine's bulk garbage does not land in the other measure; within a phase
// the engines alternate (order flipped every round) and each round gives a
// built-in / node ratio. Reported: medians, and the median ratio with its
// spread (min..max over rounds); compare ratios, the machine is shared.
// `npm run bench:tls13`. Env: BENCH_TLS13_ROUNDS (default 7).
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

async function pokeClient(engine: 'node' | 'builtin', port: number, k: Uint8Array = key): Promise<Client> {
  const socket = await connectPskTls({ host: '127.0.0.1', port, key: k, engine });
  const client = new Client({ clientName: `bench-${engine}` });
  await client.connect(socket);
  for (let i = 0; i < 200; i++) await client.poke();
  return client;
}

/** Mean round trip of `count` pokes, µs. */
async function pokes(client: Client, count: number): Promise<number> {
  const t0 = performance.now();
  for (let i = 0; i < count; i++) await client.poke();
  return ((performance.now() - t0) * 1000) / count;
}

const results: Record<string, Record<string, number[]>> = { node: {}, builtin: {} };
const add = (engine: string, name: string, v: number): void => void (results[engine]![name] ??= []).push(v);
const order = (round: number): readonly ('node' | 'builtin')[] => (round % 2 === 0 ? engines : [...engines].reverse());

const HS = 'handshakes/s (same engine both sides)';
const BULK_NAME = 'bulk MB/s (same engine both sides)';
const POKE = 'poke µs (client engine; daemon node:tls)';
const POKE_BOTH = 'poke µs (same engine both sides)';
const servers = { node: await sinkServer('node'), builtin: await sinkServer('builtin') };
const BULK = 64 * 1024 * 1024;
servers.node.expect(BULK);
servers.builtin.expect(BULK);
for (let round = 0; round < ROUNDS; round++) {
  for (const engine of order(round)) add(engine, HS, await handshakes(engine, servers[engine].port, 1));
}
for (let round = 0; round < ROUNDS; round++) {
  for (const engine of order(round)) add(engine, BULK_NAME, await bulk(engine, servers[engine].port, BULK));
}
await servers.node.close();
await servers.builtin.close();

// Our daemon listens with node:tls at this key size; the client side is what differs.
const daemon = await createRemoteDaemon({ key, address: '127.0.0.1', port: 0 });
const { port: daemonPort } = await daemon.listen();
const clients = { node: await pokeClient('node', daemonPort), builtin: await pokeClient('builtin', daemonPort) };
for (let round = 0; round < ROUNDS * 3; round++) {
  for (const engine of order(round)) add(engine, POKE, await pokes(clients[engine], 200));
}
clients.node.close();
clients.builtin.close();
await daemon.close();

// The whole connection on one engine: a daemon per engine (the option forces it at this key size).
const pair = {
  node: await createRemoteDaemon({ key, address: '127.0.0.1', port: 0, engine: 'node' }),
  builtin: await createRemoteDaemon({ key, address: '127.0.0.1', port: 0, engine: 'builtin' }),
};
const both = {
  node: await pokeClient('node', (await pair.node.listen()).port),
  builtin: await pokeClient('builtin', (await pair.builtin.listen()).port),
};
for (let round = 0; round < ROUNDS * 3; round++) {
  for (const engine of order(round)) add(engine, POKE_BOTH, await pokes(both[engine], 200));
}
both.node.close();
both.builtin.close();
await pair.node.close();
await pair.builtin.close();

// The built-in engine on the daemon's side too: a 4096-byte key.
const longKey = randomBytes(4096);
const longDaemon = await createRemoteDaemon({ key: longKey, address: '127.0.0.1', port: 0 });
const { port: longPort } = await longDaemon.listen();
const longClient = await pokeClient('builtin', longPort, longKey);
const longPokes: number[] = [];
for (let round = 0; round < ROUNDS; round++) longPokes.push(await pokes(longClient, 300));
longClient.close();
await longDaemon.close();

const table: Record<string, Record<string, number | string>> = {};
for (const name of Object.keys(results.node!)) {
  const n = results.node![name]!;
  const b = results.builtin![name]!;
  const ratios = b.map((x, i) => x / n[i]!).sort((x, y) => x - y);
  table[name] = {
    'node:tls': +median(n).toFixed(1),
    builtin: +median(b).toFixed(1),
    'builtin / node (median of rounds)': +median(ratios).toFixed(2),
    'ratio min..max': `${ratios[0]!.toFixed(2)}..${ratios[ratios.length - 1]!.toFixed(2)}`,
  };
}
table['poke µs, 4096-byte key (builtin both sides)'] = { 'node:tls': NaN, builtin: +median(longPokes).toFixed(1), 'builtin / node (median of rounds)': NaN, 'ratio min..max': '' };
console.log(`TLS 1.3 PSK engines, 256-byte key, ${ROUNDS} interleaved rounds (pokes: ${ROUNDS * 3} batches of 200), medians`);
console.table(table);
console.log(JSON.stringify({ bench: 'tls13', rounds: ROUNDS, table }));
