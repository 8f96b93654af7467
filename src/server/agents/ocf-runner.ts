/**
 * Runner of the `ocf` class (spec/protocol.md §11.3): finds
 * `<dir>/<provider>/<type>` on the agent path, runs it as `[path, action]`
 * with the OCF environment, maps its exit code and reads its exit reason.
 */
import { statSync } from 'node:fs';
import { inheritedEnv, ocfEnv, type Env } from './agent-env.js';
import { CANCELLED, notInstalled, requiredInfoMissing, toAgentResult } from './process-result.js';
import { killGroupFor, pickTuning, runProcess, type ProcessTuning } from './process-runner.js';
import { ocfExitToOcf } from './result-codes.js';
import type { AgentAction, AgentResult, AgentRunner } from './types.js';

/** `OCF_ROOT` of Debian's and most distributions' builds. */
export const DEFAULT_OCF_ROOT = '/usr/lib/ocf';

/** Options of {@link createOcfRunner}. */
export interface OcfRunnerOptions extends ProcessTuning {
  /** Value of `OCF_ROOT` for agents (default `/usr/lib/ocf`). */
  readonly ocfRoot?: string;
  /**
   * Directories searched in order for `<provider>/<type>`: a colon-separated
   * list or an array (default `<ocfRoot>/resource.d`).
   */
  readonly agentPath?: string | readonly string[];
  /** Environment agents inherit (default: this process's, without `NOTIFY_SOCKET`). */
  readonly env?: Readonly<Record<string, string | undefined>>;
}

/** The directories of an agent path, empty entries dropped. */
export function splitAgentPath(path: string | readonly string[]): string[] {
  const dirs = typeof path === 'string' ? path.split(':') : [...path];
  return dirs.filter((d) => d !== '');
}

/** True for a provider or type that names a single path component. */
export function isPlainName(name: string): boolean {
  return name !== '' && name !== '.' && name !== '..' && !name.includes('/') && !name.includes('\0');
}

/** Path of the first `<dir>/<provider>/<type>` that exists, or undefined. */
export function findOcfAgent(dirs: readonly string[], provider: string, agent: string): string | undefined {
  if (!isPlainName(provider) || !isPlainName(agent)) return undefined;
  for (const dir of dirs) {
    const path = `${dir}/${provider}/${agent}`;
    if (statSync(path, { throwIfNoEntry: false }) !== undefined) return path;
  }
  return undefined;
}

/** Creates the runner for class `ocf`. */
export function createOcfRunner(options: OcfRunnerOptions = {}): AgentRunner {
  const ocfRoot = options.ocfRoot ?? DEFAULT_OCF_ROOT;
  const dirs = splitAgentPath(options.agentPath ?? `${ocfRoot}/resource.d`);
  const base: Env = inheritedEnv(options.env);
  const tuning = pickTuning(options);
  return {
    standards: ['ocf'],
    async run(action: AgentAction): Promise<AgentResult> {
      const provider = action.provider ?? '';
      if (provider === '' || action.agent === '' || action.action === '') return requiredInfoMissing();
      if (action.signal.aborted) return CANCELLED;
      const path = findOcfAgent(dirs, provider, action.agent);
      if (path === undefined) return notInstalled(`${action.agent}: No such file or directory`);
      const env = ocfEnv(base, { rscId: action.rscId, provider, agent: action.agent, params: action.params, ocfRoot });
      const p = await runProcess({
        ...tuning,
        file: path,
        args: [action.action],
        env,
        timeoutMs: action.timeoutMs,
        signal: action.signal,
        killGroup: killGroupFor(action.params),
      });
      return toAgentResult(p, { kind: 'Resource agent', mapExit: ocfExitToOcf, exitReasons: true, timeoutMs: action.timeoutMs });
    },
  };
}
