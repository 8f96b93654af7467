/**
 * The agent layer as one object (spec/protocol.md §11.1): in-process agents
 * first, then the runner of the action's class (`ocf`, `lsb`, `service`,
 * `systemd`, `stonith`, or one added by the caller); an unknown class is
 * "not installed", as in Pacemaker. Also runs alert agents.
 */
import { ExecStatus, OcfExit } from '../../protocol/constants.js';
import { createAlertRunner, type AlertRunnerOptions, type RunAs } from './alert-runner.js';
import { clampReason } from './exit-reason.js';
import { InProcessRegistry } from './in-process.js';
import { createLsbRunner, type LsbRunnerOptions } from './lsb-runner.js';
import { createOcfRunner, type OcfRunnerOptions } from './ocf-runner.js';
import { notInstalled, requiredInfoMissing } from './process-result.js';
import { createServiceRunner } from './service-runner.js';
import { createStonithRunner } from './stonith-runner.js';
import { createSystemdRunner, type SystemdRunnerOptions } from './systemd-runner.js';
import type { AgentAction, AgentResult, AgentRunner, AlertAction, AlertRunner } from './types.js';

/** Options of {@link createAgentRunners}: those of every built-in runner, in one object. */
export interface AgentRunnersOptions
  extends OcfRunnerOptions,
    LsbRunnerOptions,
    SystemdRunnerOptions,
    Omit<AlertRunnerOptions, 'user'> {
  /** User for alert agents (see {@link AlertRunnerOptions.user}). */
  readonly alertUser?: string | RunAs | null;
  /** In-process agents (default: a new, empty registry). */
  readonly registry?: InProcessRegistry;
  /** More runners; one that names a built-in class replaces the built-in. */
  readonly runners?: readonly AgentRunner[];
}

/** Every runner behind one `run`, plus alerts and the in-process registry. */
export interface AgentRunners extends AgentRunner, AlertRunner {
  /** Where in-process agents are defined; they win over agents on disk. */
  readonly registry: InProcessRegistry;
  /** The runner for a class (case-insensitive), or undefined. */
  runnerFor(standard: string): AgentRunner | undefined;
}

/** Builds the agent layer. */
export function createAgentRunners(options: AgentRunnersOptions = {}): AgentRunners {
  const registry = options.registry ?? new InProcessRegistry();
  const lsb = createLsbRunner(options);
  const systemd = createSystemdRunner(options);
  const byClass = new Map<string, AgentRunner>();
  for (const r of [
    createOcfRunner(options),
    lsb,
    createServiceRunner({ ...options, lsb, systemdRunner: systemd }),
    systemd,
    createStonithRunner(),
    ...(options.runners ?? []),
  ]) {
    for (const s of r.standards) byClass.set(s.toLowerCase(), r);
  }
  const alerts = createAlertRunner({
    ...options,
    ...(options.alertUser !== undefined ? { user: options.alertUser } : {}),
  });

  async function run(action: AgentAction): Promise<AgentResult> {
    if (action.rscId === '' || action.standard === '' || action.agent === '' || action.action === '') {
      return requiredInfoMissing();
    }
    try {
      const local = registry.run(action);
      if (local !== undefined) return await local;
      const runner = byClass.get(action.standard.toLowerCase());
      if (runner === undefined) return notInstalled(`${action.agent}: No such file or directory`);
      return await runner.run(action);
    } catch (e) {
      return { rc: OcfExit.unknownError, status: ExecStatus.error, exitReason: clampReason(String(e)) };
    }
  }

  return {
    get standards(): readonly string[] {
      return [...new Set([...byClass.keys(), ...registry.asRunner().standards])];
    },
    registry,
    run,
    runAlert: (alert: AlertAction) => alerts.runAlert(alert),
    runnerFor: (standard: string) => byClass.get(standard.toLowerCase()),
  };
}
