// The conformance kit (tools/conformance) against an executor: Pacemaker's own
// client library (liblrmd 2.1.5) drives it through every scenario, and every
// check must pass. The expectations are the real pacemaker-remoted 2.1.5's
// behaviour, so by default the judge checks itself: the kit runs against that
// daemon. Set PCMK_CONFORMANCE_DAEMON to a command to test another executor
// (run-conformance.ts starts it inside the namespace; see tools/conformance/README.md).
// Groups of scenarios run next to their own fresh daemon, PCMK_CONFORMANCE_JOBS
// (default 4) at a time. Needs root, unshare, the daemon (scripts/install-debian-deps.sh),
// a C compiler and pacemaker-dev. Outside CI it skips loudly when those are
// missing; in CI (CI=true) it fails.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import t from 'tap';
import { childEnv } from '../helpers/child-env.js';
import { repo, runRealRemoted, unavailable, type RealRemotedRun } from '../helpers/real-remoted.js';

/** One line of the kit's --json output (or the fixture's report). */
interface Line {
  readonly type: 'check' | 'measure' | 'info' | 'scenario' | 'summary' | 'fixture';
  readonly scenario?: string;
  readonly check?: string;
  readonly ok?: boolean;
  readonly detail?: string;
  readonly name?: string;
  readonly value?: number;
  readonly unit?: string;
  readonly text?: string;
  readonly checks?: number;
  readonly failed?: number;
  readonly ms?: number;
  readonly [k: string]: unknown;
}

interface Group {
  readonly name: string;
  readonly scenarios: readonly string[];
  readonly env?: Readonly<Record<string, string>>;
}

const GROUPS: readonly Group[] = [
  {
    name: 'core',
    scenarios: ['connect', 'bad-key', 'register-info', 'dummy', 'not-installed', 'timeout', 'two-clients', 'orig-only', 'alert'],
  },
  { name: 'recurring', scenarios: ['recurring', 'changes-only', 'unregister-in-flight'] },
  { name: 'agents', scenarios: ['large', 'custom-agent', 'silent-tcp'] },
  // The same Echo contract implemented in TypeScript (fixtures/echo-agent.ts), driven by liblrmd.
  { name: 'typescript-agent', scenarios: ['large', 'custom-agent'], env: { CONFORMANCE_AGENT: 'ts' } },
  // Our daemon only: the Echo contract as an in-process agent (pcmk-remoted --agents), driven by liblrmd.
  ...(process.env.PCMK_CONFORMANCE_INPROCESS
    ? [{ name: 'in-process-agent', scenarios: ['large', 'custom-agent'], env: { CONFORMANCE_AGENT: 'inprocess' } }]
    : []),
];
const JOBS = Math.max(1, Number(process.env.PCMK_CONFORMANCE_JOBS ?? 4));
const target = process.env.PCMK_CONFORMANCE_DAEMON ? `executor "${process.env.PCMK_CONFORMANCE_DAEMON}"` : 'the real pacemaker-remoted 2.1.5';

function buildToolsMissing(): string | false {
  const cc = spawnSync('sh', ['-c', 'command -v "${CC:-cc}"'], { env: childEnv }).status === 0;
  const pkg = spawnSync('pkg-config', ['--exists', 'pacemaker-lrmd', 'pacemaker', 'glib-2.0', 'libxml-2.0'], { env: childEnv }).status === 0;
  const missing = [!cc && 'a C compiler', !pkg && 'pkg-config with pacemaker-dev'].filter(Boolean);
  return missing.length ? `cannot build the conformance kit (missing ${missing.join(', ')}): run scripts/install-debian-deps.sh as root` : false;
}

function parseLines(stdout: string): Line[] {
  const out: Line[] = [];
  for (const line of stdout.split('\n')) {
    if (!line.startsWith('{')) continue;
    try {
      out.push(JSON.parse(line) as Line);
    } catch {
      // not one of ours
    }
  }
  return out;
}

/** Start every group, at most JOBS at once; each subtest awaits its own. */
function startAll(bin: string): Map<string, Promise<RealRemotedRun>> {
  const runs = new Map<string, Promise<RealRemotedRun>>();
  const slots: Array<() => void> = [];
  let active = 0;
  const next = (): void => {
    while (active < JOBS && slots.length > 0) {
      active++;
      slots.shift()!();
    }
  };
  for (const g of GROUPS) {
    runs.set(
      g.name,
      new Promise<void>((go) => slots.push(go)).then(async () => {
        try {
          return await runRealRemoted('test/conformance/fixtures/run-conformance.ts', {
            fixtureLimitS: 150,
            env: { ...g.env, CONFORMANCE_BIN: bin, CONFORMANCE_SCENARIOS: g.scenarios.join(',') },
          });
        } finally {
          active--;
          next();
        }
      }),
    );
  }
  next();
  return runs;
}

const why = unavailable || buildToolsMissing();
if (why && process.env.CI) {
  t.fail(`${why} — in CI this test must run`);
} else if (why) {
  t.test(`conformance kit against ${target}`, { skip: why }, () => {});
} else {
  t.setTimeout(300_000);
  const out = mkdtempSync(join(tmpdir(), 'pcmk-conformance-build-'));
  t.teardown(() => rmSync(out, { recursive: true, force: true }));
  const build = spawnSync('sh', [join(repo, 'tools/conformance/build.sh'), out], { encoding: 'utf8', env: childEnv });
  const bin = join(out, 'lrmd-conformance');

  t.test('the kit builds against liblrmd (pacemaker-dev)', async (t) => {
    t.equal(build.status, 0, `build.sh exit status (stderr: ${build.stderr.slice(-2000)})`);
    t.notMatch(build.stderr, /warning:/, 'no compiler warnings');
  });

  if (build.status === 0) {
    t.test('the groups cover every scenario of the kit', async (t) => {
      const list = spawnSync(bin, ['-l'], { encoding: 'utf8', env: childEnv });
      t.equal(list.status, 0);
      const all = list.stdout.split('\n').map((l) => l.split(/\s+/)[0]).filter((s): s is string => !!s);
      t.ok(all.length >= 15, `${all.length} scenarios`);
      const covered = new Set(GROUPS.filter((g) => !g.env).flatMap((g) => g.scenarios));
      t.same(all.filter((s) => !covered.has(s)), [], 'no scenario left out');
    });

    const runs = startAll(bin);
    const wall0 = performance.now();
    for (const g of GROUPS) {
      t.test(`${g.name}: ${g.scenarios.join(', ')} against ${target}`, { timeout: 300_000 }, async (t) => {
        const run = await runs.get(g.name)!;
        const lines = parseLines(run.stdout);
        const fixture = lines.filter((l) => l.type === 'fixture').pop();
        t.equal(run.status, 0, `fixture exit status (stderr tail: ${run.stderr.slice(-2500)})`);
        t.notOk(fixture?.fixtureError, `fixture error: ${String(fixture?.fixtureError ?? '')}`);
        if (g.env?.CONFORMANCE_AGENT === 'ts') t.match(String(fixture?.agent ?? ''), /:EchoTs$/, 'the TypeScript agent was used');
        if (g.env?.CONFORMANCE_AGENT === 'inprocess') t.equal(fixture?.agent, 'pcmk-conformance-inproc:EchoInProcess', 'the in-process agent was used');

        for (const c of lines.filter((l) => l.type === 'check')) {
          t.ok(c.ok, `${c.scenario}/${c.check}: ${c.detail}`);
        }
        for (const s of g.scenarios) {
          const end = lines.find((l) => l.type === 'scenario' && l.scenario === s);
          t.ok(end && (end.checks ?? 0) > 0 && end.failed === 0, `scenario ${s} ran: ${end ? `${end.checks} checks, ${end.failed} failed, ${end.ms} ms` : 'missing'}`);
        }
        const summary = lines.find((l) => l.type === 'summary');
        t.match(summary, { failed: 0 }, `summary: ${JSON.stringify(summary)}`);
        for (const m of lines.filter((l) => l.type === 'measure')) t.comment(`${m.scenario}/${m.name}: ${m.value} ${m.unit}`);
        t.comment(`${g.name}: ${run.ms} ms including daemon start`);
      });
    }
    t.teardown(() => {
      console.error(`# conformance groups: ${Math.round(performance.now() - wall0)} ms with ${JOBS} at a time`);
    });
  }
}
