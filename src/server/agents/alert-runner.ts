/**
 * Runner of alert agents (spec/protocol.md §5.10, §11.7): `[path]` with no
 * arguments, the daemon's environment plus every alert parameter under its
 * own name plus `CRM_alert_node_sequence`, as user `hacluster` when the
 * daemon is root. The result is only logged: {@link describeAlertResult}
 * gives the line.
 */
import { readFileSync, statSync } from 'node:fs';
import { resolve } from 'node:path';
import { ExecStatus } from '../../protocol/constants.js';
import { alertEnv, inheritedEnv, putEnv, type Env } from './agent-env.js';
import { CANCELLED, notInstalled, toAgentResult } from './process-result.js';
import { pickTuning, runProcess, type ProcessTuning } from './process-runner.js';
import { execStatusText } from './status-text.js';
import type { AgentResult, AlertAction, AlertRunner } from './types.js';

/** A user to run alert agents as. */
export interface RunAs {
  readonly uid: number;
  readonly gid: number;
}

/** Options of {@link createAlertRunner}. */
export interface AlertRunnerOptions extends ProcessTuning {
  /** Environment agents inherit (default: this process's, without `NOTIFY_SOCKET`). */
  readonly env?: Readonly<Record<string, string | undefined>>;
  /**
   * User the agents run as while the daemon runs as root: a name looked up in
   * the passwd file, ids, or null for the daemon's own user (default `hacluster`;
   * when that user does not exist, the daemon's own).
   */
  readonly user?: string | RunAs | null;
  /** Where user names are looked up (default `/etc/passwd`). */
  readonly passwdFile?: string;
  /** Also export the sequence as `CRM_notify_node_sequence`, as 2.1.5 does (default true). */
  readonly legacyNames?: boolean;
}

/** uid and gid of `name` in a passwd file, or undefined. */
export function lookupUser(name: string, passwdFile = '/etc/passwd'): RunAs | undefined {
  let text: string;
  try {
    text = readFileSync(passwdFile, 'utf8');
  } catch {
    return undefined;
  }
  for (const line of text.split('\n')) {
    const f = line.split(':');
    if (f[0] === name && f.length >= 4) {
      const uid = Number(f[2]);
      const gid = Number(f[3]);
      if (Number.isInteger(uid) && Number.isInteger(gid)) return { uid, gid };
    }
  }
  return undefined;
}

/** Creates the alert runner. Each run takes the next node sequence number, starting at 1. */
export function createAlertRunner(options: AlertRunnerOptions = {}): AlertRunner {
  const base: Env = inheritedEnv(options.env);
  const tuning = pickTuning(options);
  const legacy = options.legacyNames ?? true;
  const root = process.getuid?.() === 0;
  const wanted = options.user === undefined ? 'hacluster' : options.user;
  const runAs =
    !root || wanted === null ? undefined : typeof wanted === 'string' ? lookupUser(wanted, options.passwdFile) : wanted;
  let sequence = 0;
  return {
    async runAlert(alert: AlertAction): Promise<AgentResult> {
      const seq = String(++sequence);
      if (alert.signal.aborted) return CANCELLED;
      const file = resolve(options.cwd ?? process.cwd(), alert.path);
      if (alert.path === '' || statSync(file, { throwIfNoEntry: false }) === undefined) {
        return notInstalled(`${alert.path}: No such file or directory`);
      }
      const env = alertEnv(base, alert.params);
      putEnv(env, 'CRM_alert_node_sequence', seq);
      if (legacy) putEnv(env, 'CRM_notify_node_sequence', seq);
      const p = await runProcess({
        ...tuning,
        file,
        args: [],
        env,
        timeoutMs: alert.timeoutMs,
        signal: alert.signal,
        ...(runAs !== undefined ? { uid: runAs.uid, gid: runAs.gid } : {}),
      });
      return toAgentResult(p, { kind: 'Alert agent', mapExit: (c) => c, exitReasons: false, timeoutMs: alert.timeoutMs });
    },
  };
}

/** Log level and line for an alert result, worded as pacemaker-execd logs it. */
export function describeAlertResult(r: AgentResult): { level: 'notice' | 'debug'; message: string } {
  if (r.status !== ExecStatus.done) {
    const reason = r.exitReason !== undefined ? ` (${r.exitReason})` : '';
    return { level: 'notice', message: `Could not send alert: ${execStatusText(r.status)}${reason}` };
  }
  if (r.rc !== 0) return { level: 'notice', message: `Alert completed but exited with status ${r.rc}` };
  return { level: 'debug', message: 'Alert completed' };
}
