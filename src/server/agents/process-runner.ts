/**
 * Runs one agent process (spec/protocol.md §11.2, §11.5): argv and
 * environment as given, in a process group of its own, stdout and stderr
 * captured up to a limit. On timeout or abort the whole group gets SIGTERM,
 * then SIGKILL after a grace period; the result comes once the group is gone
 * or has been sent SIGKILL and the agent itself has been reaped.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { getPriority, setPriority } from 'node:os';
import { performance } from 'node:perf_hooks';
import { DEFAULT_MAX_OUTPUT_BYTES, OutputCollector } from './output-collector.js';
import { groupAlive, signalGroup } from './process-group.js';

/** Default pause between SIGTERM and SIGKILL. */
export const DEFAULT_KILL_GRACE_MS = 1000;

/**
 * Default wait, after the agent exited, for its pipes to reach end of file.
 * A process the agent left behind may hold them open (a daemon started
 * without redirecting its output); after this wait they are closed.
 */
export const DEFAULT_PIPE_DRAIN_MS = 50;

/** Tunables shared by every runner that starts processes. */
export interface ProcessTuning {
  /** ms between SIGTERM and SIGKILL on timeout or cancel (default 1000; 0 = SIGKILL at once). */
  readonly killGraceMs?: number;
  /** Cap per output stream in bytes (default 10 MiB); the rest is read and dropped. */
  readonly maxOutputBytes?: number;
  /** ms to wait for the pipes after the agent exited (default 50). */
  readonly pipeDrainMs?: number;
  /** Working directory of agents (default: the daemon's own). */
  readonly cwd?: string;
}

/** One process to run. */
export interface ProcessSpec extends ProcessTuning {
  /** Executable; looked up on PATH when it contains no slash. */
  readonly file: string;
  /** Arguments after argv[0] (argv[0] is `file`). */
  readonly args: readonly string[];
  /** Complete environment of the process. */
  readonly env: Readonly<Record<string, string | undefined>>;
  /** Kill limit in ms; 0 = none. */
  readonly timeoutMs: number;
  /** Abort = kill the process group and report `cancelled`. */
  readonly signal?: AbortSignal;
  /**
   * false: on timeout or abort signal only the agent itself, not its group
   * (what Pacemaker does for actions with `CRM_meta_on_fail=block`). Default true.
   */
  readonly killGroup?: boolean;
  readonly uid?: number;
  readonly gid?: number;
}

/**
 * How the process ended: on its own (`exited`, `signaled`), killed by us
 * (`timeout`, `cancelled`), or never started (`spawnFailed`, `cancelled`
 * when the signal had already fired).
 */
export type ProcessOutcome = 'exited' | 'signaled' | 'timeout' | 'cancelled' | 'spawnFailed';

/** What {@link runProcess} resolves with. */
export interface ProcessResult {
  readonly outcome: ProcessOutcome;
  /** Exit code when the agent exited by itself. */
  readonly exitCode: number | null;
  /** Signal that ended the agent, if one did. */
  readonly signal: NodeJS.Signals | null;
  /** errno name when the process could not be started (`ENOENT`, `EACCES`, ...). */
  readonly errorCode?: string;
  readonly stdout: string;
  readonly stderr: string;
  readonly stdoutTruncated: boolean;
  readonly stderrTruncated: boolean;
  readonly pid?: number;
  /** Epoch ms when the run began. */
  readonly startedAt: number;
  readonly durationMs: number;
}

/** Runs the process; never rejects. */
export function runProcess(spec: ProcessSpec): Promise<ProcessResult> {
  return new Promise((resolve) => new ProcessRun(spec, resolve).start());
}

type KillReason = 'timeout' | 'cancelled';

class ProcessRun {
  private readonly out: OutputCollector;
  private readonly err: OutputCollector;
  private readonly startedAt = Date.now();
  private readonly t0 = performance.now();
  private child: ChildProcess | undefined;
  private pid = 0;
  private exitCode: number | null = null;
  private exitSignal: NodeJS.Signals | null = null;
  private exited = false;
  private openStreams = 2;
  private drained = false;
  private killReason: KillReason | undefined;
  private groupDone = false;
  private finished = false;
  private timers: ReturnType<typeof setTimeout>[] = [];
  private poll: ReturnType<typeof setInterval> | undefined;
  private readonly onAbort = (): void => this.startKill('cancelled');

  constructor(
    private readonly spec: ProcessSpec,
    private readonly resolve: (r: ProcessResult) => void,
  ) {
    const limit = spec.maxOutputBytes ?? DEFAULT_MAX_OUTPUT_BYTES;
    this.out = new OutputCollector(limit);
    this.err = new OutputCollector(limit);
  }

  start(): void {
    const { spec } = this;
    if (spec.signal?.aborted) return this.finish('cancelled');
    let child: ChildProcess;
    try {
      child = spawn(spec.file, spec.args, {
        env: spec.env,
        cwd: spec.cwd,
        detached: true,
        stdio: ['ignore', 'pipe', 'pipe'],
        ...(spec.uid !== undefined ? { uid: spec.uid } : {}),
        ...(spec.gid !== undefined ? { gid: spec.gid } : {}),
      });
    } catch (e) {
      return this.finish('spawnFailed', errnoOf(e));
    }
    this.child = child;
    child.once('error', (e) => {
      if (!this.exited && this.pid === 0) this.finish('spawnFailed', errnoOf(e));
    });
    if (child.pid === undefined) return; // the 'error' event follows
    this.pid = child.pid;
    if (DAEMON_NICE !== 0) resetNice(child.pid);
    const stdout = child.stdout!;
    const stderr = child.stderr!;
    stdout.on('data', (c: Buffer) => this.out.push(c));
    stderr.on('data', (c: Buffer) => this.err.push(c));
    for (const s of [stdout, stderr]) {
      s.on('error', noop);
      s.once('end', () => {
        this.openStreams--;
        this.tryFinish();
      });
    }
    child.once('exit', (code, signal) => this.onExit(code, signal));
    if (spec.timeoutMs > 0) this.timers.push(setTimeout(() => this.startKill('timeout'), spec.timeoutMs));
    spec.signal?.addEventListener('abort', this.onAbort, { once: true });
  }

  private onExit(code: number | null, signal: NodeJS.Signals | null): void {
    this.exited = true;
    this.exitCode = code;
    this.exitSignal = signal;
    if (this.openStreams > 0) {
      this.timers.push(
        setTimeout(() => {
          this.drained = true;
          this.child?.stdout?.destroy();
          this.child?.stderr?.destroy();
          this.tryFinish();
        }, this.spec.pipeDrainMs ?? DEFAULT_PIPE_DRAIN_MS),
      );
    }
    this.tryFinish();
  }

  private startKill(reason: KillReason): void {
    if (this.killReason !== undefined || this.exited || this.finished || this.pid === 0) return;
    this.killReason = reason;
    const grace = this.spec.killGraceMs ?? DEFAULT_KILL_GRACE_MS;
    if (grace <= 0) return this.hardKill();
    this.signal('SIGTERM');
    this.timers.push(setTimeout(() => this.hardKill(), grace));
    this.poll = setInterval(() => {
      if (this.exited && (this.spec.killGroup === false || !groupAlive(this.pid))) {
        this.groupDone = true;
        this.tryFinish();
      }
    }, Math.min(100, grace));
  }

  private hardKill(): void {
    this.signal('SIGKILL');
    this.groupDone = true;
    this.tryFinish();
  }

  /** Signals the agent's group, or the agent alone when `killGroup` is false. */
  private signal(sig: NodeJS.Signals): void {
    if (this.spec.killGroup !== false) {
      signalGroup(this.pid, sig);
      return;
    }
    try {
      process.kill(this.pid, sig);
    } catch {
      // already gone
    }
  }

  private tryFinish(): void {
    if (this.finished || !this.exited) return;
    if (this.killReason !== undefined && !this.groupDone) return;
    if (this.openStreams > 0 && !this.drained) return;
    if (this.killReason !== undefined) return this.finish(this.killReason);
    this.finish(this.exitCode !== null ? 'exited' : 'signaled');
  }

  private finish(outcome: ProcessOutcome, errorCode?: string): void {
    if (this.finished) return;
    this.finished = true;
    for (const t of this.timers) clearTimeout(t);
    if (this.poll !== undefined) clearInterval(this.poll);
    this.spec.signal?.removeEventListener('abort', this.onAbort);
    this.resolve({
      outcome,
      exitCode: this.exitCode,
      signal: this.exitSignal,
      ...(errorCode !== undefined ? { errorCode } : {}),
      stdout: this.out.text(),
      stderr: this.err.text(),
      stdoutTruncated: this.out.truncated,
      stderrTruncated: this.err.truncated,
      ...(this.pid !== 0 ? { pid: this.pid } : {}),
      startedAt: this.startedAt,
      durationMs: performance.now() - this.t0,
    });
  }
}

function errnoOf(e: unknown): string {
  const code = (e as { code?: unknown } | null)?.code;
  return typeof code === 'string' && /^E[A-Z0-9]+$/.test(code) ? code : 'EINVAL';
}

function noop(): void {}

/**
 * The daemon's nice value. Agents are set to 0 whatever it is, as in Pacemaker
 * (§11.2); here right after the start, so it is best effort: what the agent
 * forks in its first instants may keep the daemon's value.
 */
const DAEMON_NICE = safeNice();

function safeNice(): number {
  try {
    return getPriority();
  } catch {
    return 0;
  }
}

function resetNice(pid: number): void {
  try {
    setPriority(pid, 0);
  } catch {
    // not permitted (raising priority needs privilege): the agent keeps the daemon's value
  }
}

/** Just the {@link ProcessTuning} fields of a larger options object. */
export function pickTuning(o: ProcessTuning): ProcessTuning {
  return {
    ...(o.killGraceMs !== undefined ? { killGraceMs: o.killGraceMs } : {}),
    ...(o.maxOutputBytes !== undefined ? { maxOutputBytes: o.maxOutputBytes } : {}),
    ...(o.pipeDrainMs !== undefined ? { pipeDrainMs: o.pipeDrainMs } : {}),
    ...(o.cwd !== undefined ? { cwd: o.cwd } : {}),
  };
}

/**
 * Whether a timed-out or cancelled action's whole process group is killed:
 * not when its parameters carry `CRM_meta_on_fail=block` (then only the
 * agent itself, as pacemaker-execd does; §11.5).
 */
export function killGroupFor(params: Readonly<Record<string, string>>): boolean {
  return params.CRM_meta_on_fail?.toLowerCase() !== 'block';
}
