/**
 * Runner of the `service` class (spec/protocol.md §11.6): each action goes to
 * the LSB script `<initDir>/<type>` when it exists, else to the systemd unit
 * when systemd runs this machine and knows the unit, else to LSB (which then
 * reports "not installed"). Pacemaker resolves in the same order
 * (lib/services/services.c, LSB first because a file check is cheap).
 */
import { statSync } from 'node:fs';
import { inheritedEnv, type Env } from './agent-env.js';
import { createLsbRunner, DEFAULT_INIT_DIR, lsbScriptPath, type LsbRunnerOptions } from './lsb-runner.js';
import { CANCELLED, requiredInfoMissing } from './process-result.js';
import { locateSystemctl, parseShow, systemctl, unitName } from './systemctl.js';
import { createSystemdRunner, type SystemdRunnerOptions } from './systemd-runner.js';
import type { AgentAction, AgentResult, AgentRunner } from './types.js';

/** Options of {@link createServiceRunner}: those of both runners it resolves to. */
export interface ServiceRunnerOptions extends LsbRunnerOptions, SystemdRunnerOptions {
  /** Runner for the LSB side (default: one made from these options). */
  readonly lsb?: AgentRunner;
  /** Runner for the systemd side (default: one made from these options). */
  readonly systemdRunner?: AgentRunner;
}

/** Which class serves `type` right now: `lsb` or `systemd`. */
export type ServiceClass = 'lsb' | 'systemd';

/** Creates the runner for class `service`. */
export function createServiceRunner(options: ServiceRunnerOptions = {}): AgentRunner {
  const initDir = options.initDir ?? DEFAULT_INIT_DIR;
  const base: Env = inheritedEnv(options.env);
  const lsb = options.lsb ?? createLsbRunner(options);
  const systemd = options.systemdRunner ?? createSystemdRunner(options);

  async function resolve(action: AgentAction): Promise<ServiceClass> {
    const script = lsbScriptPath(initDir, action.agent);
    if (script !== undefined && statSync(script, { throwIfNoEntry: false }) !== undefined) return 'lsb';
    const program = locateSystemctl(options, base);
    if (program === undefined) return 'lsb';
    const p = await systemctl(
      { program, env: base, timeoutMs: action.timeoutMs, signal: action.signal },
      ['show', '-p', 'LoadState', unitName(action.agent, true)],
    );
    const load = p.outcome === 'exited' && p.exitCode === 0 ? parseShow(p.stdout).LoadState : undefined;
    return load === 'loaded' || load === 'masked' ? 'systemd' : 'lsb';
  }

  return {
    standards: ['service'],
    async run(action: AgentAction): Promise<AgentResult> {
      if (action.agent === '' || action.action === '') return requiredInfoMissing();
      const cls = await resolve(action);
      if (action.signal.aborted) return CANCELLED;
      return (cls === 'lsb' ? lsb : systemd).run({ ...action, standard: cls });
    },
  };
}
