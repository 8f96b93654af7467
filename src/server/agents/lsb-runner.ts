/**
 * Runner of the `lsb` class (spec/protocol.md §11.6): runs
 * `<initDir>/<type>` (or `<type>` itself when it is an absolute path) as
 * `[path, action]` with `monitor` renamed `status`, no parameters, and maps
 * its exit code with the LSB rules (§11.6). `meta-data` is synthesised from
 * the script header instead of running the script (§11.11).
 */
import { readFileSync, statSync } from 'node:fs';
import { ExecStatus, OcfExit } from '../../protocol/constants.js';
import { inheritedEnv, type Env } from './agent-env.js';
import { lsbMetadata, parseLsbHeader } from './lsb-metadata.js';
import { CANCELLED, notInstalled, requiredInfoMissing, fileFailure, toAgentResult } from './process-result.js';
import { killGroupFor, pickTuning, runProcess, type ProcessTuning } from './process-runner.js';
import { lsbExitToOcf } from './result-codes.js';
import type { AgentAction, AgentResult, AgentRunner } from './types.js';

/** Init script directory of Debian's build. */
export const DEFAULT_INIT_DIR = '/etc/init.d';

/** Options of {@link createLsbRunner}. */
export interface LsbRunnerOptions extends ProcessTuning {
  /** Where init scripts live (default `/etc/init.d`). */
  readonly initDir?: string;
  /** Environment scripts inherit (default: this process's, without `NOTIFY_SOCKET`). */
  readonly env?: Readonly<Record<string, string | undefined>>;
}

/** Script path of `type`, or undefined for a relative name that is not one path component. */
export function lsbScriptPath(initDir: string, type: string): string | undefined {
  if (type.startsWith('/')) return type;
  if (type === '' || type === '.' || type === '..' || type.includes('/')) return undefined;
  return `${initDir}/${type}`;
}

/** The argument an init script gets for `action`: `monitor` becomes `status`. */
export function lsbArgument(action: string): string {
  return action.toLowerCase() === 'monitor' ? 'status' : action;
}

/** Creates the runner for class `lsb`. */
export function createLsbRunner(options: LsbRunnerOptions = {}): AgentRunner {
  const initDir = options.initDir ?? DEFAULT_INIT_DIR;
  const base: Env = inheritedEnv(options.env);
  const tuning = pickTuning(options);
  return {
    standards: ['lsb'],
    async run(action: AgentAction): Promise<AgentResult> {
      if (action.agent === '' || action.action === '') return requiredInfoMissing();
      if (action.signal.aborted) return CANCELLED;
      const path = lsbScriptPath(initDir, action.agent);
      if (path === undefined) return notInstalled(`${action.agent}: No such file or directory`);
      if (!statSync(path, { throwIfNoEntry: false })) return notInstalled(`${path}: No such file or directory`);
      if (action.action.toLowerCase() === 'meta-data') return metadata(path, action.agent);
      const p = await runProcess({
        ...tuning,
        file: path,
        args: [lsbArgument(action.action)],
        env: base,
        timeoutMs: action.timeoutMs,
        signal: action.signal,
        killGroup: killGroupFor(action.params),
      });
      const mapExit = (code: number): number => lsbExitToOcf(action.action, code);
      return toAgentResult(p, { kind: 'Resource agent', mapExit, exitReasons: false, timeoutMs: action.timeoutMs });
    },
  };
}

function metadata(path: string, type: string): AgentResult {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    return fileFailure((e as NodeJS.ErrnoException).code ?? 'EINVAL', path);
  }
  return { rc: OcfExit.ok, status: ExecStatus.done, output: lsbMetadata(type, parseLsbHeader(text)) };
}
