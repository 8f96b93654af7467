// Our daemon under load (spec/protocol.md §5.16, §11): our client against
// our daemon (bench/daemon-server.ts, its own process) on 127.0.0.1.
// Poke latency; exec of a trivial OCF agent, sequential and N in flight on
// N resources, interleaved with a bare spawn loop of the same script; exec
// of an in-process TypeScript agent; 10,000 registered resources with 1,000
// recurring 1 s in-process monitors: the daemon's CPU and memory.
// Part of `npm run bench`; alone: `npx tsx bench/daemon.bench.ts` or
// `node dist-bench/bench/daemon.bench.js`. Env: BENCH_DAEMON=0 skips it.
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { Client } from '../src/client/client.js';
import { connectClient } from '../src/client/connect.js';
import { quantile } from './roundtrip.bench.js';

/** Timed operations of one case. */
export interface Sample {
  ops: number;
  seconds: number;
  latMs: number[];
}

/** One exec case: our daemon's rate next to a bare spawn loop (OCF only). */
export interface ExecCase {
  agent: 'ocf' | 'in-process';
  inFlight: number;
  opsPerSec: number;
  p50Ms: number;
  p99Ms: number;
  /** Bare spawn loop of the same script, same parallelism (median of the rounds). */
  bareOpsPerSec?: number;
  /** Median of the per-round ratios daemon / bare. */
  ratio?: number;
}

export interface LoadResult {
  resources: number;
  monitors: number;
  intervalMs: number;
  windowSeconds: number;
  /** Daemon process CPU (user + system) over the window, % of one core. */
  cpuPercent: number;
  /** Exec-result notifications the client received per second. */
  notifiesPerSec: number;
  heapPerResourceBytes: number;
  heapPerMonitorBytes: number;
  /** Daemon RSS before the resources were registered, and under load. */
  rssBeforeMiB: number;
  rssMiB: number;
}

export type DaemonReport =
  | { readonly available: false; readonly reason: string }
  | {
      readonly available: true;
      readonly info: Record<string, string>;
      readonly poke: { opsPerSec: number; p50Ms: number; p99Ms: number };
      readonly exec: readonly ExecCase[];
      readonly load: LoadResult;
    };

const here = fileURLToPath(new URL('.', import.meta.url));
const compiled = import.meta.url.endsWith('.js');
const RESOURCES = 10_000;
const MONITORS = 1_000;
const WINDOW_S = Number(process.env.BENCH_DAEMON_LOAD_SECONDS ?? 8);
const CASE_S = Number(process.env.BENCH_DAEMON_SECONDS ?? 1);
const ROUNDS = 3;
const IN_FLIGHT = 8;

const now = (): bigint => process.hrtime.bigint();
const ms = (ns: bigint): number => Number(ns) / 1e6;
const sleep = (msec: number): Promise<void> => new Promise((r) => setTimeout(r, msec));
const median = (xs: readonly number[]): number => quantile(xs, 0.5);

/** Why the bench cannot run here, or false. */
export function daemonUnavailable(): string | false {
  if (process.env.BENCH_DAEMON === '0') return 'BENCH_DAEMON=0';
  return false;
}

/** `n` workers calling `fn(worker)` back to back for `seconds`, after one untimed call each. */
async function loop(fn: (worker: number) => Promise<void>, n: number, seconds: number): Promise<Sample> {
  await Promise.all(Array.from({ length: n }, (_, i) => fn(i)));
  const latMs: number[] = [];
  const limit = BigInt(Math.round(seconds * 1e9));
  const start = now();
  let end = start;
  await Promise.all(
    Array.from({ length: n }, async (_, i) => {
      while (now() - start < limit) {
        const t0 = now();
        await fn(i);
        const t1 = now();
        latMs.push(ms(t1 - t0));
        if (t1 > end) end = t1;
      }
    }),
  );
  return { ops: latMs.length, seconds: ms(end - start) / 1e3, latMs };
}

const rateOf = (s: Sample): number => s.ops / s.seconds;

/** The script, run directly as the OCF runner would: stdout and stderr piped and drained. */
function bareSpawn(script: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const c = spawn(script, ['monitor'], { stdio: ['ignore', 'pipe', 'pipe'] });
    c.stdout.resume();
    c.stderr.resume();
    c.on('error', reject);
    c.on('close', (code) => (code === 0 ? resolve() : reject(new Error(`bare spawn exit ${code}`))));
  });
}

async function execOnce(c: Client, rscId: string): Promise<void> {
  const { callId } = await c.exec({ rscId, action: 'monitor', actionTimeoutMs: 20_000 });
  const r = await c.waitForResult(callId, { timeoutMs: 30_000 });
  if (r.execRc !== 0 || r.opStatus !== 0) throw new Error(`${rscId}: monitor rc ${r.execRc} status ${r.opStatus}`);
}

/** Runs `fn` over `items` with `n` at a time. */
async function pool<T>(items: readonly T[], n: number, fn: (x: T) => Promise<unknown>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: n }, async () => {
      while (next < items.length) await fn(items[next++]!);
    }),
  );
}

/** The daemon process and a line protocol to ask it for memory and CPU figures. */
interface DaemonProcess {
  port: number;
  ask<T>(cmd: string): Promise<T>;
  stop(): Promise<void>;
}

async function startDaemon(keyFile: string, ocfRoot: string): Promise<DaemonProcess> {
  const args = compiled
    ? ['--expose-gc', join(here, 'daemon-server.js'), keyFile, ocfRoot]
    : ['--expose-gc', '--import', 'tsx', join(here, 'daemon-server.ts'), keyFile, ocfRoot];
  const child = spawn(process.execPath, args, { stdio: ['pipe', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  const waiting: ((line: string) => void)[] = [];
  createInterface({ input: child.stdout }).on('line', (l) => waiting.shift()?.(l));
  const exited = new Promise<void>((r) => child.once('exit', () => r()));
  const next = (): Promise<string> =>
    new Promise((resolve, reject) => {
      waiting.push(resolve);
      void exited.then(() => reject(new Error(`bench daemon exited: ${stderr.trim().slice(-1000)}`)));
    });
  const first = JSON.parse(await next()) as { port: number };
  return {
    port: first.port,
    ask: async <T>(cmd: string): Promise<T> => {
      const line = next();
      child.stdin.write(`${cmd}\n`);
      return JSON.parse(await line) as T;
    },
    stop: async () => {
      child.stdin.end();
      const t = setTimeout(() => child.kill('SIGKILL'), 5000);
      await exited;
      clearTimeout(t);
    },
  };
}

/** OCF exec vs bare spawn, interleaved rounds; ratio = median of the per-round ratios. */
async function ocfCase(c: Client, script: string, n: number): Promise<ExecCase> {
  const ocf: Sample[] = [];
  const bare: Sample[] = [];
  const ratios: number[] = [];
  for (let r = 0; r < ROUNDS; r++) {
    const b = await loop(() => bareSpawn(script), n, CASE_S);
    const o = await loop((i) => execOnce(c, `ocf-${i}`), n, CASE_S);
    bare.push(b);
    ocf.push(o);
    ratios.push(rateOf(o) / rateOf(b));
  }
  const lat = ocf.flatMap((s) => s.latMs);
  return {
    agent: 'ocf',
    inFlight: n,
    opsPerSec: median(ocf.map(rateOf)),
    p50Ms: quantile(lat, 0.5),
    p99Ms: quantile(lat, 0.99),
    bareOpsPerSec: median(bare.map(rateOf)),
    ratio: median(ratios),
  };
}

async function inProcessCase(c: Client, n: number): Promise<ExecCase> {
  const s = await loop((i) => execOnce(c, `inproc-${i}`), n, CASE_S * 1.5);
  return { agent: 'in-process', inFlight: n, opsPerSec: rateOf(s), p50Ms: quantile(s.latMs, 0.5), p99Ms: quantile(s.latMs, 0.99) };
}

async function loadCase(c: Client, d: DaemonProcess): Promise<LoadResult> {
  interface Mem {
    heapUsed: number;
    rss: number;
  }
  interface Cpu {
    cpuUs: number;
    wallUs: number;
  }
  const ids = Array.from({ length: RESOURCES }, (_, i) => `load-${i}`);
  const m0 = await d.ask<Mem>('mem');
  await pool(ids, 64, (rscId) => c.registerResource({ rscId, standard: 'ocf', provider: 'bench', agent: 'inproc' }));
  const m1 = await d.ask<Mem>('mem');
  await pool(ids.slice(0, MONITORS), 64, (rscId) => c.exec({ rscId, action: 'monitor', interval: 1000, actionTimeoutMs: 20_000 }));
  let notifies = 0;
  const count = (): void => void notifies++;
  c.on('exec', count);
  await sleep(1500);
  const m2 = await d.ask<Mem>('mem');
  await sleep(200);
  const c0 = await d.ask<Cpu>('cpu');
  const n0 = notifies;
  await sleep(WINDOW_S * 1000);
  const c1 = await d.ask<Cpu>('cpu');
  const n1 = notifies;
  c.off('exec', count);
  const wallS = (c1.wallUs - c0.wallUs) / 1e6;
  return {
    resources: RESOURCES,
    monitors: MONITORS,
    intervalMs: 1000,
    windowSeconds: wallS,
    cpuPercent: ((c1.cpuUs - c0.cpuUs) / 1e6 / wallS) * 100,
    notifiesPerSec: (n1 - n0) / wallS,
    heapPerResourceBytes: (m1.heapUsed - m0.heapUsed) / RESOURCES,
    heapPerMonitorBytes: (m2.heapUsed - m1.heapUsed) / MONITORS,
    rssBeforeMiB: m0.rss / 1048576,
    rssMiB: m2.rss / 1048576,
  };
}

/** Run the bench; throws when it fails. */
export async function runDaemonBench(): Promise<DaemonReport> {
  const reason = daemonUnavailable();
  if (reason) return { available: false, reason };
  const work = mkdtempSync(join(tmpdir(), 'pcmk-daemon-bench-'));
  chmodSync(work, 0o755);
  let daemon: DaemonProcess | undefined;
  let client: Client | undefined;
  try {
    const key = randomBytes(256);
    const keyFile = join(work, 'authkey');
    writeFileSync(keyFile, key, { mode: 0o600 });
    const provider = join(work, 'resource.d', 'bench');
    mkdirSync(provider, { recursive: true });
    const script = join(provider, 'trivial');
    writeFileSync(script, '#!/bin/sh\nexit 0\n', { mode: 0o755 });
    daemon = await startDaemon(keyFile, work);
    const c = (client = await connectClient({ host: '127.0.0.1', port: daemon.port, key, clientName: 'pcmk-remote-bench' }));

    const poke = await loop(() => c.poke().then(() => undefined), 1, CASE_S * 1.5);
    for (let i = 0; i < IN_FLIGHT; i++) {
      await c.registerResource({ rscId: `ocf-${i}`, standard: 'ocf', provider: 'bench', agent: 'trivial' });
      await c.registerResource({ rscId: `inproc-${i}`, standard: 'ocf', provider: 'bench', agent: 'inproc' });
    }
    const exec: ExecCase[] = [];
    for (const n of [1, IN_FLIGHT]) exec.push(await ocfCase(c, script, n));
    for (const n of [1, IN_FLIGHT]) exec.push(await inProcessCase(c, n));
    const load = await loadCase(c, daemon);
    return {
      available: true,
      info: { node: process.version, encoding: c.encoding ?? '?' },
      poke: { opsPerSec: rateOf(poke), p50Ms: quantile(poke.latMs, 0.5), p99Ms: quantile(poke.latMs, 0.99) },
      exec,
      load,
    };
  } finally {
    client?.close();
    await daemon?.stop();
    rmSync(work, { recursive: true, force: true });
  }
}

const rate = (n: number): string => (n >= 1000 ? Math.round(n).toLocaleString('en-US') : n.toFixed(1));
const msText = (n: number): string => (Number.isNaN(n) ? '' : n >= 10 ? n.toFixed(1) : n.toFixed(2));
const yes = (ok: boolean): string => (ok ? 'yes' : '**no**');

/** The report as markdown tables, in the style of the codec bench. */
export function formatDaemon(r: DaemonReport): string {
  if (!r.available) return `daemon bench skipped: ${r.reason}`;
  const out = [
    `Our client against our daemon (separate processes, 127.0.0.1, node ${r.info.node}, encoding ${r.info.encoding}; ` +
      `OCF rows: ${ROUNDS} interleaved rounds of ${CASE_S}s with the bare spawn loop, medians; exec = request, reply, then the result notify):\n`,
    '| case | in flight | ops/s | p50 ms | p99 ms | bare spawn ops/s | vs bare |',
    '|---|---:|---:|---:|---:|---:|---:|',
    `| poke | 1 | ${rate(r.poke.opsPerSec)} | ${msText(r.poke.p50Ms)} | ${msText(r.poke.p99Ms)} |  |  |`,
  ];
  for (const e of r.exec) {
    const name = e.agent === 'ocf' ? 'exec ocf:bench:trivial (sh, exit 0)' : 'exec in-process TypeScript agent';
    const bare = e.bareOpsPerSec !== undefined ? rate(e.bareOpsPerSec) : '';
    const ratio = e.ratio !== undefined ? `${(e.ratio * 100).toFixed(0)}%` : '';
    out.push(`| ${name} | ${e.inFlight} | ${rate(e.opsPerSec)} | ${msText(e.p50Ms)} | ${msText(e.p99Ms)} | ${bare} | ${ratio} |`);
  }
  const l = r.load;
  out.push(
    '',
    `Load: ${l.resources.toLocaleString('en-US')} registered resources, ${l.monitors.toLocaleString('en-US')} recurring in-process monitors ` +
      `every ${l.intervalMs / 1000} s, every result notified to the one client; daemon process over ${l.windowSeconds.toFixed(1)} s:\n`,
    '| figure | value |',
    '|---|---:|',
    `| daemon CPU, % of one core | ${l.cpuPercent.toFixed(1)} |`,
    `| exec-result notifies received/s | ${rate(l.notifiesPerSec)} |`,
    `| heap per registered resource (after gc) | ${Math.round(l.heapPerResourceBytes)} B |`,
    `| heap per recurring monitor | ${Math.round(l.heapPerMonitorBytes)} B |`,
    `| daemon RSS before registering / under load | ${l.rssBeforeMiB.toFixed(1)} / ${l.rssMiB.toFixed(1)} MiB |`,
  );
  const seqOcf = r.exec.find((e) => e.agent === 'ocf' && e.inFlight === 1);
  const parOcf = r.exec.find((e) => e.agent === 'ocf' && e.inFlight > 1);
  out.push('', '| target | measured | met |', '|---|---:|---|', `| poke p50, our client → our daemon, < 1 ms | ${msText(r.poke.p50Ms)} ms | ${yes(r.poke.p50Ms < 1)} |`);
  for (const e of [seqOcf, parOcf]) {
    if (e?.ratio !== undefined) out.push(`| OCF exec ≥ 80% of bare spawn, ${e.inFlight} in flight | ${(e.ratio * 100).toFixed(0)}% | ${yes(e.ratio >= 0.8)} |`);
  }
  out.push(`| 1,000 monitors at 1 s over 10,000 resources < 25% of one core | ${l.cpuPercent.toFixed(1)}% | ${yes(l.cpuPercent < 25)} |`);
  return out.join('\n');
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const report = await runDaemonBench();
  console.log(process.argv.includes('--json') ? JSON.stringify(report, null, 2) : formatDaemon(report));
}
