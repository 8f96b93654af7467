// Round trips against a real pacemaker-remoted, measured from inside its
// private network namespace (started by bench/roundtrip-inside.sh).
// Usage: node roundtrip-measure.js keyfile port lrmd-bench-binary|-
// ("-": no liblrmd cases). Prints one JSON object ({@link MeasureOutput}).
// BENCH_RT_SECONDS: seconds per sequential case (default 3); in-flight cases
// take 2/3 of it. BENCH_RT_CASES=sequential: no in-flight cases.
// BENCH_RT_ROUNDS (default 1): rounds of the sequential cases, best kept.
// BENCH_RT_DAEMON (real|ours, default real) names the daemon in `info.daemon`;
// the TCP context cases run with the real one only.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import * as net from 'node:net';
import { connectClient } from '../src/client/connect.js';
import type { Client } from '../src/client/client.js';
import { Op } from '../src/protocol/constants.js';

export interface Sample {
  /** Completed operations inside the timed window. */
  ops: number;
  /** Length of the timed window in seconds. */
  seconds: number;
  /** Per-operation latency in ms, unsorted. */
  latMs: number[];
}

export interface CaseResult extends Sample {
  client: 'ours' | 'liblrmd' | 'tcp';
  op: string;
  inFlight: number;
}

export interface MeasureOutput {
  cases: CaseResult[];
  /** Facts printed with the table (the node version). */
  info: Record<string, string>;
}

const SECONDS = Number(process.env.BENCH_RT_SECONDS ?? 3);
const ONLY_SEQUENTIAL = process.env.BENCH_RT_CASES === 'sequential';
const ROUNDS = Math.max(1, Number(process.env.BENCH_RT_ROUNDS ?? 1));
const RSC = 'bench-rsc';
const now = (): bigint => process.hrtime.bigint();
const ms = (ns: bigint): number => Number(ns) / 1e6;

/** `fn` one at a time for `seconds`, after at least `warmup` untimed calls and 150 ms. */
async function sequential(fn: () => Promise<unknown>, seconds: number, warmup = 2): Promise<Sample> {
  const warmUntil = now() + 150_000_000n;
  for (let i = 0; i < warmup || now() < warmUntil; i++) await fn();
  const latMs: number[] = [];
  const limit = BigInt(Math.round(seconds * 1e9));
  const start = now();
  let end = start;
  while (end - start < limit) {
    const t0 = now();
    await fn();
    end = now();
    latMs.push(ms(end - t0));
  }
  return { ops: latMs.length, seconds: ms(end - start) / 1e3, latMs };
}

/** `n` workers calling `fn` back to back for `seconds`: n requests in flight. */
async function workers(fn: () => Promise<unknown>, n: number, seconds: number): Promise<Sample> {
  await Promise.all(Array.from({ length: n }, () => fn()));
  const latMs: number[] = [];
  const limit = BigInt(Math.round(seconds * 1e9));
  const start = now();
  let end = start;
  const worker = async (): Promise<void> => {
    while (now() - start < limit) {
      const t0 = now();
      await fn();
      const t1 = now();
      if (t1 - start <= limit) {
        latMs.push(ms(t1 - t0));
        if (t1 > end) end = t1;
      }
    }
  };
  await Promise.all(Array.from({ length: n }, worker));
  return { ops: latMs.length, seconds: ms(end - start) / 1e3, latMs };
}

/**
 * `n` pokes kept in flight. `Client.poke()` resolves on the first poke
 * notify after sending (§5.8), so with several in flight one notify would
 * settle them all; completions are therefore counted per notify instead,
 * matched to the sends oldest first (the daemon answers in order).
 */
function pokesInFlight(client: Client, n: number, seconds: number): Promise<Sample> {
  return new Promise((resolve, reject) => {
    const sent: bigint[] = [];
    const latMs: number[] = [];
    const limit = BigInt(Math.round(seconds * 1e9));
    let warm = 2 * n; // untimed completions first
    let start = 0n;
    let end = 0n;
    let stopping = false;
    const send = (): void => {
      sent.push(now());
      client.poke({ timeoutMs: 0 }).catch(() => {});
    };
    const finish = (err?: Error): void => {
      client.off('notify', onNotify).off('close', onClose);
      if (err) reject(err);
      else resolve({ ops: latMs.length, seconds: ms(end - start) / 1e3, latMs });
    };
    const onClose = (): void => finish(new Error('connection closed during the poke bench'));
    const onNotify = (m: { op?: string }): void => {
      if (m.op !== Op.poke) return;
      const t0 = sent.shift();
      if (t0 === undefined) return;
      const t = now();
      if (warm > 0) {
        if (--warm === 0) start = t;
      } else if (!stopping) {
        if (t - start <= limit) {
          latMs.push(ms(t - t0));
          end = t;
        } else stopping = true;
      }
      if (!stopping) send();
      else if (sent.length === 0) finish();
    };
    client.on('notify', onNotify).on('close', onClose);
    for (let i = 0; i < n; i++) send();
  });
}

/**
 * Context for the daemon's figures: TCP ping-pong on loopback inside the
 * namespace, every message as a 40-byte write plus a payload write, as a
 * Pacemaker peer sends a header record and a payload record (§2.5). With
 * `serverNoDelay` false the echo side behaves like the daemon (Nagle on).
 */
async function tcpPing(serverNoDelay: boolean, seconds: number): Promise<Sample> {
  const header = Buffer.alloc(40, 1);
  const payload = Buffer.alloc(200, 2);
  const size = header.length + payload.length;
  const server = net.createServer((s) => {
    s.setNoDelay(serverNoDelay);
    let got = 0;
    s.on('data', (d) => {
      got += d.length;
      while (got >= size) {
        got -= size;
        s.write(header);
        s.write(payload);
      }
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as net.AddressInfo).port;
  const sock = net.connect(port, '127.0.0.1');
  sock.setNoDelay(true);
  await new Promise<void>((r, j) => sock.once('connect', r).once('error', j));
  let got = 0;
  let waiting: (() => void) | undefined;
  sock.on('data', (d) => {
    got += d.length;
    if (got >= size) {
      got -= size;
      waiting?.();
    }
  });
  const ping = (): Promise<void> =>
    new Promise<void>((r) => {
      waiting = r;
      sock.write(header);
      sock.write(payload);
    });
  try {
    return await sequential(ping, seconds, 20);
  } finally {
    sock.destroy();
    server.close();
  }
}

function lrmdBench(bin: string, port: number, keyFile: string, mode: 'poke' | 'info', seconds: number): Sample {
  const out = execFileSync(bin, ['127.0.0.1', String(port), keyFile, mode, String(seconds), RSC], { encoding: 'utf8', timeout: (seconds + 30) * 1000 });
  const r = JSON.parse(out) as { elapsedNs: number; latNs: number[] };
  return { ops: r.latNs.length, seconds: r.elapsedNs / 1e9, latMs: r.latNs.map((x) => x / 1e6) };
}

async function withClient<T>(port: number, key: Uint8Array, fn: (c: Client) => Promise<T>): Promise<T> {
  const client = await connectClient({ host: '127.0.0.1', port, key, clientName: 'pcmk-remote-bench' });
  try {
    return await fn(client);
  } finally {
    client.close();
  }
}

async function main(): Promise<void> {
  const [keyFile, portText, lrmdBin] = process.argv.slice(2);
  if (!keyFile || !portText || !lrmdBin) throw new Error('usage: roundtrip-measure keyfile port lrmd-bench-binary');
  const port = Number(portText);
  const key = readFileSync(keyFile);
  const seq = SECONDS;
  const par = (SECONDS * 2) / 3;
  const cases: CaseResult[] = [];
  const add = (client: CaseResult['client'], op: string, inFlight: number, s: Sample): void => {
    cases.push({ client, op, inFlight, ...s });
  };

  const daemon = process.env.BENCH_RT_DAEMON === 'ours' ? 'ours' : 'real';
  // Context first, while nothing else runs.
  if (daemon === 'real') {
    add('tcp', 'ping, both NODELAY', 1, await tcpPing(true, 0.5));
    add('tcp', 'ping, echo side Nagle on', 1, await tcpPing(false, 1));
  }

  // One connection per case: poke notifies go to every connected client.
  // The sequential cases are the N = 1 rows; with ROUNDS > 1 the clients
  // take turns and each keeps its best round.
  const inFlight = ONLY_SEQUENTIAL ? [] : [4, 16, 64];
  const best = (client: CaseResult['client'], op: string, s: Sample): void => {
    const i = cases.findIndex((c) => c.client === client && c.op === op && c.inFlight === 1);
    const prev = cases[i];
    if (!prev) add(client, op, 1, s);
    else if (s.ops / s.seconds > prev.ops / prev.seconds) cases[i] = { client, op, inFlight: 1, ...s };
  };
  for (let round = 0; round < ROUNDS; round++) {
    if (lrmdBin !== '-') best('liblrmd', 'poke', lrmdBench(lrmdBin, port, keyFile, 'poke', seq));
    await withClient(port, key, async (c) => best('ours', 'poke', await sequential(() => c.poke(), seq)));
    if (lrmdBin !== '-') best('liblrmd', 'rsc_info', lrmdBench(lrmdBin, port, keyFile, 'info', seq));
    await withClient(port, key, async (c) => {
      await c.registerResource({ rscId: RSC, standard: 'ocf', provider: 'pacemaker', agent: 'Dummy' });
      const rscInfo = async (): Promise<void> => {
        if (!(await c.getResourceInfo(RSC))) throw new Error(`${RSC} not registered`);
      };
      best('ours', 'rsc_info', await sequential(rscInfo, seq));
      if (round === 0) for (const n of inFlight) add('ours', 'rsc_info', n, await workers(rscInfo, n, par));
    });
  }
  if (inFlight.length) {
    await withClient(port, key, async (c) => {
      for (const n of inFlight) add('ours', 'poke', n, await pokesInFlight(c, n, par));
    });
  }

  const out: MeasureOutput = { cases, info: { node: process.version, daemon } };
  process.stdout.write(`${JSON.stringify(out)}\n`);
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? (err.stack ?? err.message) : err);
  process.exit(1);
});
