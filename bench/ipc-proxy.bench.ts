// Proxied IPC through a remote daemon to our IPC provider (spec/protocol.md
// §8): round trips per second of a small CIB query, and MB/s of a 5 MiB CIB
// query, as a local libcib client on the remote node sees them (bench/
// cib-query-bench.c signs on to cib_rw and repeats synchronous whole-CIB
// queries), plus the wall time of `cibadmin -Q` (tool start-up included).
// Each target is a daemon started inside its own `unshare --net` namespace;
// bench/ipc-proxy-measure.ts runs there with our provider and the driver.
// Standalone: `npx tsx bench/ipc-proxy.bench.ts`. Needs root, unshare, the
// daemon in .deps, cc, pkg-config and pacemaker-dev, and cibadmin.
// Env: BENCH_IPC_SECONDS (default 3) per driver pass.
import { execFileSync, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = fileURLToPath(new URL('.', import.meta.url));
const repo = dirname(here);
const PKGS = ['pacemaker-cib', 'pacemaker', 'glib-2.0', 'libxml-2.0'];

/** A daemon to measure through: the command that starts it on port 3121 in the namespace. */
interface Target {
  readonly name: string;
  readonly command: readonly string[];
  /** Why it cannot run here, or false. */
  readonly unavailable: () => string | false;
}

const remoted = join(repo, '.deps/pacemaker-remote/usr/sbin/pacemaker-remoted');
const TARGETS: readonly Target[] = [
  {
    name: 'pacemaker-remoted 2.1.5 + our provider',
    command: [remoted],
    unavailable: () => (existsSync(remoted) ? false : 'the pacemaker-remote daemon in .deps (scripts/install-debian-deps.sh)'),
  },
  // Our daemon (src/cli/pcmk-remoted.ts) goes here once it serves the proxied
  // IPC endpoints: { name: 'pcmk-remoted + our provider', command: [process.execPath, '--import', 'tsx', join(repo, 'src/cli/pcmk-remoted.ts'), …] }.
];

const inside = `
set -u
ip link set lo up
PCMK_authkey_location="$WORK/authkey" PCMK_logfacility=none PCMK_logfile="$WORK/daemon.log" "$@" > "$WORK/daemon.out" 2>&1 &
DPID=$!
up=0
for _ in $(seq 1 1200); do
  if ss -Hltn 'sport = :3121' 2>/dev/null | grep -q .; then up=1; break; fi
  kill -0 $DPID 2>/dev/null || break
  sleep 0.1
done
if [ $up -ne 1 ]; then echo "daemon did not listen" >&2; cat "$WORK/daemon.out" >&2; kill $DPID 2>/dev/null; exit 3; fi
node --import tsx "$MEASURE" "$WORK/authkey" 3121 "$DRIVER" "$SECONDS_PER_PASS"
rc=$?
kill -TERM $DPID 2>/dev/null
for _ in $(seq 1 100); do kill -0 $DPID 2>/dev/null || break; sleep 0.1; done
kill -0 $DPID 2>/dev/null && kill -KILL $DPID
wait $DPID 2>/dev/null
exit $rc
`;

function common(): string | false {
  const missing = [
    process.getuid?.() !== 0 && 'root (for unshare --net)',
    spawnSync('unshare', ['--version']).status !== 0 && 'unshare',
    spawnSync('sh', ['-c', 'command -v cibadmin']).status !== 0 && 'cibadmin (pacemaker-cli-utils)',
  ].filter(Boolean);
  return missing.length ? `needs ${missing.join(', ')}` : false;
}

function buildDriver(dir: string): string {
  const bin = join(dir, 'cib-query-bench');
  const flags = (what: string): string[] => execFileSync('pkg-config', [what, ...PKGS], { encoding: 'utf8' }).trim().split(/\s+/).filter(Boolean);
  execFileSync('cc', ['-O2', ...flags('--cflags'), '-o', bin, join(here, 'cib-query-bench.c'), ...flags('--libs')], { stdio: 'pipe' });
  return bin;
}

function measure(target: Target, work: string, driver: string): Record<string, any> {
  const r = spawnSync('unshare', ['--net', 'bash', '-c', inside, 'inside', ...target.command], {
    cwd: repo,
    encoding: 'utf8',
    timeout: 600_000,
    env: { ...process.env, WORK: work, MEASURE: join(here, 'ipc-proxy-measure.ts'), DRIVER: driver, SECONDS_PER_PASS: process.env.BENCH_IPC_SECONDS ?? '3' },
  });
  if (r.status !== 0) return { error: `exit ${r.status}: ${r.stderr.slice(-800)}` };
  return JSON.parse(r.stdout.trim().split('\n').pop() ?? '{}') as Record<string, any>;
}

const why = common();
if (why) {
  console.log(`ipc-proxy bench skipped: ${why}`);
  process.exit(0);
}
const work = mkdtempSync(join(tmpdir(), 'ipc-bench-'));
try {
  writeFileSync(join(work, 'authkey'), randomBytes(256), { mode: 0o600 });
  const driver = buildDriver(work);
  console.log('Proxied CIB queries: libcib client on the remote node -> daemon -> TLS -> our provider (in-memory CIB)');
  for (const target of TARGETS) {
    const no = target.unavailable();
    if (no) {
      console.log(`${target.name}: skipped (${no})`);
      continue;
    }
    const m = measure(target, work, driver);
    if (m.error) {
      console.log(`${target.name}: failed: ${m.error}`);
      continue;
    }
    for (const [label, p] of [['small CIB', m.small], ['5 MiB CIB', m.large]] as const) {
      console.log(
        `${target.name} | ${label} (${p.replyBytes} B reply): ${p.perSecond} queries/s, ${p.msPerQuery} ms/query, ${p.mbPerSecond} MB/s, provider CPU ${p.providerCpuMsPerQuery} ms/query; cibadmin -Q wall ms: ${p.cibadminMs.join(' ')}${p.error ? ` ERROR ${p.error} ${p.stderr}` : ''}`,
      );
    }
  }
} finally {
  rmSync(work, { recursive: true, force: true });
}
