/**
 * Runner of the `systemd` class through `systemctl` (spec/protocol.md §11.8).
 * monitor/status read the unit's ActiveState; start and stop queue a job
 * (`--no-block`) and then poll the state until the unit gets there or the
 * action's timeout is used up, as pacemaker-execd 2.1.5 does with follow-up
 * monitors (daemons/execd/execd_commands.c). Where systemd is not PID 1 or
 * systemctl is missing, actions report "not installed" (stop: success).
 */
import { mkdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { ExecStatus, OcfExit } from '../../protocol/constants.js';
import { inheritedEnv, type Env } from './agent-env.js';
import { clampReason } from './exit-reason.js';
import { CANCELLED, notInstalled, requiredInfoMissing } from './process-result.js';
import {
  SYSTEMD_RUNTIME_DIR,
  locateSystemctl,
  parseShow,
  systemctl,
  unitName,
  type SystemctlCall,
  type SystemctlOptions,
} from './systemctl.js';
import { systemdMetadata } from './systemd-metadata.js';
import type { AgentAction, AgentResult, AgentRunner } from './types.js';

/** Options of {@link createSystemdRunner}. */
export interface SystemdRunnerOptions extends SystemctlOptions {
  /** Environment of systemctl (default: this process's, without `NOTIFY_SOCKET`). */
  readonly env?: Readonly<Record<string, string | undefined>>;
  /** Longest pause between state checks after start/stop, ms (default 2000). */
  readonly pollMaxMs?: number;
  /**
   * Write a runtime drop-in before start (`Before=pacemaker.service
   * pacemaker_remote.service`, `Restart=no`) and remove it after stop
   * (default true).
   */
  readonly dropIn?: boolean;
}

/** OCF result of a unit's ActiveState (§11.8). */
export function stateResult(state: string): AgentResult {
  if (state === 'active' || state === 'reloading') return { rc: OcfExit.ok, status: ExecStatus.done };
  if (state === 'activating' || state === 'deactivating') return { rc: OcfExit.unknown, status: ExecStatus.pending };
  return { rc: OcfExit.notRunning, status: ExecStatus.done, exitReason: state };
}

/**
 * Pause before the next state check after start/stop, or undefined when the
 * time is up: a tenth of the timeout, half the time left when that is less,
 * at most `maxMs`; no timeout means `maxMs`.
 */
export function nextPollDelay(timeoutMs: number, elapsedMs: number, maxMs = 2000): number | undefined {
  if (timeoutMs <= 0) return maxMs;
  const left = timeoutMs - elapsedMs;
  let delay = timeoutMs / 10;
  if (delay >= left && left > 20) delay = left / 2;
  delay = Math.min(maxMs, delay);
  return delay < left ? delay : undefined;
}

const OK: AgentResult = { rc: OcfExit.ok, status: ExecStatus.done };
const UNLOADABLE = new Set(['not-found', 'error', 'bad-setting']);

class Stop {
  constructor(readonly result: AgentResult) {}
}

/** Creates the runner for class `systemd`. */
export function createSystemdRunner(options: SystemdRunnerOptions = {}): AgentRunner {
  const base: Env = inheritedEnv(options.env);
  const runtimeDir = options.bootedDir ?? SYSTEMD_RUNTIME_DIR;
  const pollMaxMs = options.pollMaxMs ?? 2000;
  return {
    standards: ['systemd'],
    async run(action: AgentAction): Promise<AgentResult> {
      if (action.agent === '' || action.action === '') return requiredInfoMissing();
      if (action.signal.aborted) return CANCELLED;
      const verb = action.action.toLowerCase();
      const program = locateSystemctl(options, base);
      if (program === undefined) {
        if (verb === 'stop') return OK;
        if (verb === 'meta-data') return metadataResult(action.agent, `Systemd unit file for ${action.agent}`);
        return notInstalled('systemd is not running on this node');
      }
      const started = Date.now();
      const remaining = (): number =>
        action.timeoutMs > 0 ? Math.max(1, action.timeoutMs - (Date.now() - started)) : 0;
      const call = (args: readonly string[]): Promise<string> => run(program, args, remaining(), action, base);
      const unit = unitName(action.agent, verb === 'meta-data');
      try {
        switch (verb) {
          case 'monitor':
          case 'status':
            return stateResult(parseShow(await call(['show', '-p', 'ActiveState', unit])).ActiveState ?? '');
          case 'meta-data': {
            const desc = parseShow(await call(['show', '-p', 'Description', unit])).Description;
            return metadataResult(action.agent, desc || `Systemd unit file for ${action.agent}`);
          }
          case 'restart':
            await call(['--no-block', 'restart', unit]);
            return OK;
          case 'start':
          case 'stop':
            break;
          default:
            return {
              rc: OcfExit.unimplementFeature,
              status: ExecStatus.error,
              exitReason: `Action ${action.action} not implemented for systemd resources`,
            };
        }
        const load = parseShow(await call(['show', '-p', 'LoadState', unit])).LoadState ?? '';
        if (UNLOADABLE.has(load)) {
          return verb === 'stop' ? OK : notInstalled(`systemd unit ${action.agent} not found`);
        }
        if (options.dropIn !== false && (verb === 'start' ? writeDropIn(runtimeDir, unit) : removeDropIn(runtimeDir, unit))) {
          await call(['daemon-reload']);
        }
        await call(['--no-block', verb, unit]);
        return await settle(verb, unit, action, started, pollMaxMs, call);
      } catch (e) {
        if (e instanceof Stop) return e.result;
        return { rc: OcfExit.unknownError, status: ExecStatus.error, exitReason: clampReason(String(e)) };
      }
    },
  };
}

/** Polls ActiveState until a start or stop has finished (§11.8). */
async function settle(
  verb: string,
  unit: string,
  action: AgentAction,
  started: number,
  pollMaxMs: number,
  call: (args: readonly string[]) => Promise<string>,
): Promise<AgentResult> {
  for (;;) {
    const delay = nextPollDelay(action.timeoutMs, Date.now() - started, pollMaxMs);
    if (delay === undefined) {
      return {
        rc: OcfExit.unknownError,
        status: ExecStatus.timeout,
        exitReason: 'Investigate reason for timeout, and adjust configured operation timeout if necessary',
      };
    }
    await sleep(delay, action.signal);
    const state = stateResult(parseShow(await call(['show', '-p', 'ActiveState', unit])).ActiveState ?? '');
    if (state.status === ExecStatus.pending) continue;
    if (verb === 'start') return state.rc === OcfExit.ok ? OK : { ...state, rc: OcfExit.unknownError };
    if (state.rc !== OcfExit.ok) return OK;
  }
}

async function run(
  program: string,
  args: readonly string[],
  timeoutMs: number,
  action: AgentAction,
  env: Env,
): Promise<string> {
  const c: SystemctlCall = { program, env, timeoutMs, signal: action.signal };
  const p = await systemctl(c, args);
  if (p.outcome === 'cancelled') throw new Stop(CANCELLED);
  if (p.outcome === 'timeout') {
    throw new Stop({
      rc: OcfExit.unknownError,
      status: ExecStatus.timeout,
      exitReason: `${action.action} action for systemd unit ${action.agent} did not complete in time`,
    });
  }
  if (p.outcome !== 'exited' || p.exitCode !== 0) {
    const detail = p.stderr.trim() || `systemctl ${args.join(' ')} failed (${p.errorCode ?? p.signal ?? p.exitCode})`;
    throw new Stop({ rc: OcfExit.unknownError, status: ExecStatus.error, exitReason: clampReason(detail) });
  }
  return p.stdout;
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    const done = (): void => {
      clearTimeout(timer);
      signal.removeEventListener('abort', abort);
    };
    const abort = (): void => {
      done();
      reject(new Stop(CANCELLED));
    };
    const timer = setTimeout(() => {
      done();
      resolve();
    }, ms);
    signal.addEventListener('abort', abort, { once: true });
  });
}

function metadataResult(type: string, description: string): AgentResult {
  return { rc: OcfExit.ok, status: ExecStatus.done, output: systemdMetadata(type, description) };
}

/** Writes the drop-in; true when it was written (a reload is due). */
function writeDropIn(runtimeDir: string, unit: string): boolean {
  try {
    const dir = `${runtimeDir}/${unit}.d`;
    mkdirSync(dir, { recursive: true, mode: 0o755 });
    writeFileSync(
      `${dir}/50-pacemaker.conf`,
      `[Unit]\nDescription=Cluster Controlled ${unit}\nBefore=pacemaker.service pacemaker_remote.service\n\n[Service]\nRestart=no\n`,
      { mode: 0o644 },
    );
    return true;
  } catch {
    return false;
  }
}

/** Removes the drop-in; true when there was one (a reload is due). */
function removeDropIn(runtimeDir: string, unit: string): boolean {
  const file = `${runtimeDir}/${unit}.d/50-pacemaker.conf`;
  try {
    if (statSync(file, { throwIfNoEntry: false }) === undefined) return false;
    rmSync(file, { force: true });
    return true;
  } catch {
    return false;
  }
}
