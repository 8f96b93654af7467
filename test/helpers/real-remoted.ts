// Runs a fixture program against the real pacemaker-remoted 2.1.5 inside a
// private network namespace (its port and libqb IPC names stay apart from the
// machine's). Needs root, unshare and the daemon unpacked by
// scripts/install-debian-deps.sh; `unavailable` says what is missing.
import { spawn, spawnSync, type SpawnSyncReturns } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { childEnv } from './child-env.js';

export const repo = fileURLToPath(new URL('../../', import.meta.url));
const remoted = join(repo, '.deps/pacemaker-remote/usr/sbin/pacemaker-remoted');
const hasUnshare = spawnSync('unshare', ['--version']).status === 0;
const missing = [
  process.getuid?.() !== 0 && 'root',
  !hasUnshare && 'unshare',
  !existsSync(remoted) && 'the pacemaker-remote daemon (.deps)',
].filter(Boolean);

/** Why the real daemon cannot run here, or false when it can. */
export const unavailable: string | false = missing.length
  ? `real pacemaker-remoted unavailable (missing ${missing.join(', ')}): run scripts/install-debian-deps.sh as root`
  : false;

// Inside the namespace: start the daemon, wait for its port (DH parameter
// generation can be slow), run the fixture, stop the daemon by its PID.
const inside = `
set -u
ip link set lo up
PCMK_authkey_location="$WORK/authkey" PCMK_logfacility=none PCMK_logfile="$WORK/remoted.log" \\
  "$REMOTED" > "$WORK/remoted.out" 2>&1 &
DPID=$!
up=0
for _ in $(seq 1 1200); do
  if ss -Hltn 'sport = :3121' 2>/dev/null | grep -q .; then up=1; break; fi
  kill -0 $DPID 2>/dev/null || break
  sleep 0.1
done
if [ $up -ne 1 ]; then echo "daemon did not listen" >&2; cat "$WORK/remoted.out" >&2; kill $DPID 2>/dev/null; wait $DPID; exit 3; fi
timeout "\${FIXTURE_LIMIT:-120}" node --import tsx "$FIXTURE" "$WORK/authkey" 3121
rc=$?
if [ $rc -ne 0 ] && [ -n "\${SHOW_DAEMON_LOG:-}" ]; then
  echo "--- daemon log tail ---" >&2; tail -n 40 "$WORK/remoted.log" "$WORK/remoted.out" >&2 2>/dev/null
fi
kill -TERM $DPID 2>/dev/null
for _ in $(seq 1 100); do kill -0 $DPID 2>/dev/null || break; sleep 0.1; done
kill -0 $DPID 2>/dev/null && kill -KILL $DPID
wait $DPID 2>/dev/null
exit $rc
`;

/**
 * Run `fixture` (a TypeScript program path relative to the repo, called with
 * the key file and port) next to a fresh daemon with a random key of
 * `keyBytes` bytes. Returns the finished child.
 */
export function runAgainstRealRemoted(fixture: string, keyBytes = 256): SpawnSyncReturns<string> {
  const work = mkdtempSync(join(tmpdir(), 'pcmk-remoted-'));
  try {
    writeFileSync(join(work, 'authkey'), randomBytes(keyBytes), { mode: 0o600 });
    return spawnSync('unshare', ['--net', 'bash', '-c', inside], {
      encoding: 'utf8',
      timeout: 170_000,
      cwd: repo,
      env: { ...childEnv, WORK: work, REMOTED: remoted, FIXTURE: join(repo, fixture) },
    });
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

/** Options of {@link runRealRemoted}. */
export interface RealRemotedOptions {
  /** Size of the random key, default 256 bytes. */
  readonly keyBytes?: number;
  /** Extra environment for the fixture (and the daemon). */
  readonly env?: Readonly<Record<string, string>>;
  /** Limit of the fixture itself, seconds; default 120. */
  readonly fixtureLimitS?: number;
}

/** A finished fixture run. `status` is null when it was killed. */
export interface RealRemotedRun {
  readonly status: number | null;
  readonly stdout: string;
  readonly stderr: string;
  /** Wall time of the whole run (namespace, daemon start, fixture), ms. */
  readonly ms: number;
}

/**
 * Asynchronous {@link runAgainstRealRemoted}: several runs may proceed at
 * once, each in its own namespace with its own daemon. On a failed fixture
 * the daemon's log tail is appended to `stderr`.
 */
export function runRealRemoted(fixture: string, options: RealRemotedOptions = {}): Promise<RealRemotedRun> {
  const work = mkdtempSync(join(tmpdir(), 'pcmk-remoted-'));
  writeFileSync(join(work, 'authkey'), randomBytes(options.keyBytes ?? 256), { mode: 0o600 });
  const t0 = performance.now();
  return new Promise<RealRemotedRun>((resolve) => {
    // Own process group, so the backstop below can stop the daemon too.
    const child = spawn('unshare', ['--net', 'bash', '-c', inside], {
      cwd: repo,
      detached: true,
      stdio: ['ignore', 'pipe', 'pipe'],
      env: {
        ...childEnv,
        ...options.env,
        WORK: work,
        REMOTED: remoted,
        FIXTURE: join(repo, fixture),
        FIXTURE_LIMIT: String(options.fixtureLimitS ?? 120),
        SHOW_DAEMON_LOG: '1',
      },
    });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    const killer = setTimeout(() => {
      try {
        if (child.pid) process.kill(-child.pid, 'SIGKILL');
      } catch {
        // already gone
      }
    }, ((options.fixtureLimitS ?? 120) + 50) * 1000);
    const finish = (status: number | null, extra = ''): void => {
      clearTimeout(killer);
      rmSync(work, { recursive: true, force: true });
      resolve({ status, stdout, stderr: stderr + extra, ms: Math.round(performance.now() - t0) });
    };
    child.on('error', (err) => finish(null, `\nspawn failed: ${err.message}`));
    child.on('close', (code) => finish(code));
  });
}

/** The fixture's report: the JSON object on the last line of its stdout. */
export function lastJsonLine<T>(stdout: string): T {
  return JSON.parse(stdout.trim().split('\n').pop() ?? 'null') as T;
}
