// Round trips against the real pacemaker-remoted 2.1.5: our client and
// Pacemaker's own (liblrmd, bench/lrmd-bench.c) on the same daemon, both
// inside one private network namespace (bench/roundtrip-inside.sh runs
// bench/roundtrip-measure.ts there); then both clients against our daemon
// (src/cli/pcmk-remoted.ts) in the same namespace. Part of `npm run bench`; alone:
// `npx tsx bench/roundtrip.bench.ts` or `node dist-bench/bench/roundtrip.bench.js`.
// Needs root, unshare and the daemon in .deps; liblrmd columns also need cc,
// pkg-config and pacemaker-dev. Env: BENCH_ROUNDTRIP=0 skips it,
// BENCH_RT_SECONDS (default 3) sets the time per case, BENCH_RT_QUICKACK=0
// skips the second run with delayed ACKs off, BENCH_RT_OURS=0 the pass
// against our daemon.
import { execFileSync, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { CaseResult, MeasureOutput } from './roundtrip-measure.js';

export interface RoundtripRun {
  /**
   * `default` or `quickack` (delayed ACKs off on the loopback route), both
   * against pacemaker-remoted; `ours-daemon`: against our daemon.
   */
  readonly mode: 'default' | 'quickack' | 'ours-daemon';
  readonly cases: readonly CaseResult[];
}

export type RoundtripReport =
  | { readonly available: false; readonly reason: string }
  | { readonly available: true; readonly runs: readonly RoundtripRun[]; readonly info: Record<string, string>; readonly note?: string };

// Sources sit next to this file under tsx, two levels up from dist-bench/bench/.
const here = fileURLToPath(new URL('.', import.meta.url));
const compiled = import.meta.url.endsWith('.js');
const benchSrc = existsSync(join(here, 'roundtrip-inside.sh')) ? here : join(here, '../../bench');
const repo = dirname(benchSrc);
const remoted = join(repo, '.deps/pacemaker-remote/usr/sbin/pacemaker-remoted');
const CLIENT_PKGS = ['pacemaker-lrmd', 'pacemaker', 'glib-2.0', 'libxml-2.0'];

/** Why the bench cannot run here, or false. */
export function roundtripUnavailable(): string | false {
  if (process.env.BENCH_ROUNDTRIP === '0') return 'BENCH_ROUNDTRIP=0';
  const missing = [
    process.getuid?.() !== 0 && 'root (for unshare --net)',
    spawnSync('unshare', ['--version']).status !== 0 && 'unshare',
    !existsSync(remoted) && 'the pacemaker-remote daemon in .deps (scripts/install-debian-deps.sh)',
  ].filter(Boolean);
  return missing.length ? `needs ${missing.join(', ')}` : false;
}

/** Build bench/lrmd-bench.c into `dir`; the binary path, or the reason it failed. */
function buildLrmdBench(dir: string): { bin: string } | { reason: string } {
  const bin = join(dir, 'lrmd-bench');
  try {
    const cflags = execFileSync('pkg-config', ['--cflags', ...CLIENT_PKGS], { encoding: 'utf8', stdio: 'pipe' }).trim().split(/\s+/).filter(Boolean);
    const libs = execFileSync('pkg-config', ['--libs', ...CLIENT_PKGS], { encoding: 'utf8', stdio: 'pipe' }).trim().split(/\s+/).filter(Boolean);
    execFileSync('cc', ['-O2', ...cflags, '-o', bin, join(benchSrc, 'lrmd-bench.c'), ...libs], { stdio: 'pipe' });
    return { bin };
  } catch {
    return { reason: 'liblrmd client not built (needs cc, pkg-config and pacemaker-dev)' };
  }
}

/** Our daemon's executable, compiled or from source. */
const oursDaemon = compiled ? join(here, '../src/cli/pcmk-remoted.js') : join(repo, 'src/cli/pcmk-remoted.ts');

/** One namespace, one pass of the cases per daemon (ours too when `withOurs`). */
function runOnce(work: string, lrmdBin: string, quickack: boolean, withOurs = false): MeasureOutput[] {
  const measure = compiled ? join(here, 'roundtrip-measure.js') : join(benchSrc, 'roundtrip-measure.ts');
  const seconds = Number(process.env.BENCH_RT_SECONDS ?? 3);
  const r = spawnSync('unshare', ['--net', 'bash', join(benchSrc, 'roundtrip-inside.sh')], {
    encoding: 'utf8',
    cwd: repo,
    timeout: 360_000,
    env: {
      ...process.env,
      WORK: work,
      REMOTED: remoted,
      MEASURE: measure,
      LRMD_BENCH: lrmdBin,
      NODE_IMPORT: compiled ? '' : 'tsx',
      BENCH_RT_QUICKACK: quickack ? '1' : '0',
      OURS_DAEMON: withOurs ? oursDaemon : '',
      // The quickack pass is context: sequential cases only, best of 3 short
      // rounds (sub-ms round trips suffer most from a busy machine).
      ...(quickack ? { BENCH_RT_CASES: 'sequential', BENCH_RT_ROUNDS: '3', BENCH_RT_SECONDS: String(seconds / 3) } : {}),
    },
  });
  if (r.status !== 0) {
    const why = r.error?.message ?? `exit ${r.status ?? r.signal}`;
    throw new Error(`round-trip bench (${quickack ? 'quickack' : 'default'} pass) failed: ${why}\n${(r.stderr ?? '').trim().slice(-2000)}`);
  }
  return r.stdout
    .split('\n')
    .filter((l) => l.trim().startsWith('{'))
    .map((l) => JSON.parse(l) as MeasureOutput);
}

/** Run the bench; throws only when the daemon is there and the bench itself failed. */
export function runRoundtripBench(): RoundtripReport {
  const reason = roundtripUnavailable();
  if (reason) return { available: false, reason };
  const work = mkdtempSync(join(tmpdir(), 'pcmk-rt-bench-'));
  try {
    writeFileSync(join(work, 'authkey'), randomBytes(256), { mode: 0o600 });
    const built = buildLrmdBench(work);
    const bin = 'bin' in built ? built.bin : '-';
    const withOurs = process.env.BENCH_RT_OURS !== '0' && existsSync(oursDaemon);
    const passes = runOnce(work, bin, false, withOurs);
    const first = passes.find((p) => p.info.daemon !== 'ours');
    if (!first) throw new Error('round-trip bench: no output from the pass against pacemaker-remoted');
    const ours = passes.find((p) => p.info.daemon === 'ours');
    const runs: RoundtripRun[] = [{ mode: 'default', cases: first.cases }];
    if (ours) runs.push({ mode: 'ours-daemon', cases: ours.cases });
    let note = 'reason' in built ? built.reason : undefined;
    if (withOurs && !ours) note = 'the pass against our daemon gave no output';
    if (process.env.BENCH_RT_QUICKACK !== '0') {
      try {
        runs.push({ mode: 'quickack', cases: runOnce(work, bin, true)[0]!.cases });
      } catch (err) {
        note = `quickack pass skipped: ${(err as Error).message.split('\n')[0]}`;
      }
    }
    return { available: true, runs, info: first.info, ...(note ? { note } : {}) };
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

/** The `q` quantile (0..1) of `xs`, nearest rank. */
export function quantile(xs: readonly number[], q: number): number {
  if (xs.length === 0) return Number.NaN;
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.max(0, Math.ceil(q * s.length) - 1))]!;
}

const opsPerSec = (c: CaseResult): number => c.ops / c.seconds;
const rate = (n: number): string => (n >= 1000 ? Math.round(n).toLocaleString('en-US') : n.toFixed(1));
const msText = (n: number): string => (Number.isNaN(n) ? '' : n >= 10 ? n.toFixed(1) : n.toFixed(2));

function caseTable(cases: readonly CaseResult[]): string[] {
  const find = (client: string, op: string, n: number) => cases.find((c) => c.client === client && c.op === op && c.inFlight === n);
  const lines = [
    '| case | in flight | ours ops/s | ours p50 ms | ours p99 ms | liblrmd ops/s | liblrmd p50 ms | liblrmd p99 ms | ours/liblrmd | ours vs N=1 | samples ours/liblrmd |',
    '|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|',
  ];
  for (const op of ['poke', 'rsc_info']) {
    const base = find('ours', op, 1);
    for (const n of [...new Set(cases.filter((c) => c.op === op).map((c) => c.inFlight))].sort((a, b) => a - b)) {
      const o = find('ours', op, n);
      const c = find('liblrmd', op, n);
      const cell = (x: CaseResult | undefined, f: (x: CaseResult) => string, none = ''): string => (x ? f(x) : none);
      lines.push(
        `| ${op} | ${n} | ${cell(o, (x) => rate(opsPerSec(x)))} | ${cell(o, (x) => msText(quantile(x.latMs, 0.5)))} | ${cell(o, (x) => msText(quantile(x.latMs, 0.99)))}` +
          ` | ${cell(c, (x) => rate(opsPerSec(x)), n > 1 ? '(sync API)' : '')} | ${cell(c, (x) => msText(quantile(x.latMs, 0.5)))} | ${cell(c, (x) => msText(quantile(x.latMs, 0.99)))}` +
          ` | ${o && c ? `${(opsPerSec(o) / opsPerSec(c)).toFixed(2)}x` : ''} | ${o && base ? `${(opsPerSec(o) / opsPerSec(base)).toFixed(1)}x` : ''}` +
          ` | ${o?.ops ?? ''}${c ? ` / ${c.ops}` : ''} |`,
      );
    }
  }
  return lines;
}

function pingTable(cases: readonly CaseResult[]): string[] {
  const lines = ['| TCP ping-pong (40 + 200 byte writes each way) | round trips/s | p50 ms | p99 ms |', '|---|---:|---:|---:|'];
  for (const c of cases.filter((x) => x.client === 'tcp')) {
    lines.push(`| ${c.op} | ${rate(opsPerSec(c))} | ${msText(quantile(c.latMs, 0.5))} | ${msText(quantile(c.latMs, 0.99))} |`);
  }
  return lines;
}

/** Sequential (N = 1) figures of the four client / daemon pairs side by side. */
function pairTable(real: readonly CaseResult[], ours: readonly CaseResult[]): string[] {
  const lines = [
    '| client → daemon, sequential | poke ops/s | poke p50 ms | poke p99 ms | rsc_info ops/s | rsc_info p50 ms | rsc_info p99 ms |',
    '|---|---:|---:|---:|---:|---:|---:|',
  ];
  const pairs: [string, readonly CaseResult[], CaseResult['client']][] = [
    ['liblrmd → pacemaker-remoted', real, 'liblrmd'],
    ['ours → pacemaker-remoted', real, 'ours'],
    ['liblrmd → our daemon', ours, 'liblrmd'],
    ['ours → our daemon', ours, 'ours'],
  ];
  for (const [name, cases, client] of pairs) {
    const cells = ['poke', 'rsc_info'].map((op) => {
      const c = cases.find((x) => x.client === client && x.op === op && x.inFlight === 1);
      return c ? `${rate(opsPerSec(c))} | ${msText(quantile(c.latMs, 0.5))} | ${msText(quantile(c.latMs, 0.99))}` : ' |  | ';
    });
    lines.push(`| ${name} | ${cells.join(' | ')} |`);
  }
  return lines;
}

/** The report with each latency list reduced to p50 / p99, for `--json`. */
export function summarizeRoundtrip(r: RoundtripReport): unknown {
  if (!r.available) return r;
  return {
    ...r,
    runs: r.runs.map((run) => ({
      mode: run.mode,
      cases: run.cases.map(({ latMs, ...c }) => ({ ...c, opsPerSec: opsPerSec({ ...c, latMs }), p50Ms: quantile(latMs, 0.5), p99Ms: quantile(latMs, 0.99) })),
    })),
  };
}

/** The report as markdown tables, in the style of the codec bench. */
export function formatRoundtrip(r: RoundtripReport): string {
  if (!r.available) return `round-trip bench skipped: ${r.reason}`;
  const seconds = Number(process.env.BENCH_RT_SECONDS ?? 3);
  const out: string[] = [];
  for (const run of r.runs) {
    if (run.mode === 'ours-daemon') continue;
    if (run.mode === 'default') {
      out.push(
        `Round trips against the real pacemaker-remoted 2.1.5 (private net namespace, loopback, node ${r.info.node ?? '?'}, ` +
          `${seconds}s per sequential case, ${rate((seconds * 2) / 3)}s per in-flight case; ours = compiled JS, liblrmd = bench/lrmd-bench.c):\n`,
      );
    } else {
      out.push(
        `\nSame daemon with delayed ACKs off on the loopback route (\`ip route change ... quickack 1\`), sequential cases only, best of 3 rounds of ${rate(seconds / 3)}s, clients taking turns: ` +
          'the cost of the round trip without the Nagle / delayed-ACK stall of the daemon (no TCP_NODELAY there):\n',
      );
    }
    out.push(...caseTable(run.cases), '', ...pingTable(run.cases));
  }
  const oursRun = r.runs.find((x) => x.mode === 'ours-daemon');
  if (oursRun) {
    out.push(
      `\nThe same cases against OUR daemon (pcmk-remoted, ${compiled ? 'compiled JS' : 'tsx'}, --log-level warn) in the same namespace, port 3122; ` +
        'our client negotiates protobuf with it, liblrmd stays on XML:\n',
      ...caseTable(oursRun.cases),
      '',
      ...pairTable(r.runs.find((x) => x.mode === 'default')?.cases ?? [], oursRun.cases),
    );
  }
  out.push(
    '',
    'poke: request, then wait for the poke notify. rsc_info: request/reply. N in flight: ours only (liblrmd calls block); ' +
      'poke completions are counted per notify, matched to sends oldest first. p99 of a few dozen samples is close to the maximum.',
  );
  if (r.note) out.push(`note: ${r.note}`);
  return out.join('\n');
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const report = runRoundtripBench();
  console.log(process.argv.includes('--json') ? JSON.stringify(summarizeRoundtrip(report), null, 2) : formatRoundtrip(report));
}
