// Process helpers of the end-to-end harness: run a command to completion,
// start a long-lived one with its output in a file, find a child by its
// parent, poll for a condition. Every process is tracked by PID.
import { spawn, type SpawnOptions } from 'node:child_process';
import { openSync, closeSync, readFileSync } from 'node:fs';

/** A finished command. `code` is null when it was killed (timeout). */
export interface RunResult {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
  readonly ms: number;
}

/** Environment for every child (set by the caller: tap's childEnv, or process.env). */
let baseEnv: NodeJS.ProcessEnv = process.env;

/** Sets the environment children start from. */
export function setBaseEnv(env: NodeJS.ProcessEnv): void {
  baseEnv = env;
}

export function childEnvWith(extra: Readonly<Record<string, string>> = {}): NodeJS.ProcessEnv {
  return { ...baseEnv, ...extra };
}

/** Runs `argv` to completion; never rejects. */
export function run(argv: readonly string[], options: { timeoutMs?: number; env?: Record<string, string>; input?: string } = {}): Promise<RunResult> {
  const t0 = performance.now();
  return new Promise((resolve) => {
    const child = spawn(argv[0]!, argv.slice(1), { env: childEnvWith(options.env), stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout!.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr!.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    child.stdin!.on('error', () => {});
    child.stdin!.end(options.input ?? '');
    const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 20_000);
    child.on('error', (err) => {
      clearTimeout(timer);
      resolve({ code: 127, stdout, stderr: stderr + String(err), ms: performance.now() - t0 });
    });
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr, ms: performance.now() - t0 });
    });
  });
}

/** Runs `argv` and throws unless it exits 0. */
export async function must(argv: readonly string[], options: { timeoutMs?: number; env?: Record<string, string>; input?: string } = {}): Promise<string> {
  const r = await run(argv, options);
  if (r.code !== 0) throw new Error(`${argv.join(' ')} exited ${r.code}: ${(r.stderr || r.stdout).trim().slice(-1500)}`);
  return r.stdout;
}

/** A background process whose output goes to a file. */
export interface Background {
  readonly pid: number;
  /** Resolves with the exit code (null: killed by a signal) once it is gone. */
  readonly exited: Promise<number | null>;
  readonly alive: () => boolean;
}

/** Starts `argv` detached (own process group), standard output and error appended to `outFile`. */
export function background(argv: readonly string[], outFile: string, options: SpawnOptions = {}): Background {
  const fd = openSync(outFile, 'a');
  const child = spawn(argv[0]!, argv.slice(1), { detached: true, stdio: ['ignore', fd, fd], env: childEnvWith(), ...options });
  closeSync(fd);
  let alive = true;
  const exited = new Promise<number | null>((resolve) => {
    child.on('error', () => {
      alive = false;
      resolve(127);
    });
    child.on('exit', (code) => {
      alive = false;
      resolve(code);
    });
  });
  child.unref();
  if (child.pid === undefined) throw new Error(`cannot start ${argv[0]}`);
  return { pid: child.pid, exited, alive: () => alive };
}

/** Sends `signal` to one PID; false when it is gone. */
export function signalPid(pid: number, signal: NodeJS.Signals): boolean {
  try {
    process.kill(pid, signal);
    return true;
  } catch {
    return false;
  }
}

/** True while PID exists (zombies count as gone). */
export function pidAlive(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return !/^\d+ \(.*\) [ZX] /s.test(stat);
  } catch {
    return false;
  }
}

/** Direct children of PID (from /proc). */
export function childrenOf(pid: number): number[] {
  try {
    return readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').trim().split(/\s+/).filter(Boolean).map(Number);
  } catch {
    return [];
  }
}

/** The command line of PID, or '' when gone. */
export function cmdlineOf(pid: number): string {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').replace(/\0/g, ' ').trim();
  } catch {
    return '';
  }
}

export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/**
 * Polls `probe` every `intervalMs` until it returns a value other than
 * undefined/false; throws after `timeoutMs` with `what` and the last probe detail.
 */
export async function waitFor<T>(what: string, probe: () => Promise<T | undefined | false> | T | undefined | false, timeoutMs: number, intervalMs = 100): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const v = await probe();
    if (v !== undefined && v !== false) return v;
    if (Date.now() > end) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await sleep(intervalMs);
  }
}
