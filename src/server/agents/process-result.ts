/**
 * Turns a finished process into an agent result (spec/protocol.md §7.1,
 * §11.4, §11.5). Exit codes go through the class's mapping; every other end
 * (killed, timed out, cancelled, not started) gets the same (rc, status,
 * reason) for every class, as in Pacemaker's services library
 * (lib/services/services_linux.c).
 */
import { ExecStatus, OcfExit } from '../../protocol/constants.js';
import { parseExitReason } from './exit-reason.js';
import { errnoText, signalText } from './os-text.js';
import type { ProcessResult } from './process-runner.js';
import { readableInterval } from './readable-interval.js';
import type { AgentResult } from './types.js';

/** How to read one class's process results. */
export interface ResultRules {
  /** "Resource agent" or "Alert agent": the subject of timeout and signal reasons. */
  readonly kind: string;
  /** Raw exit code → OCF code. */
  readonly mapExit: (code: number) => number;
  /** Whether stderr carries `ocf-exit-reason:` lines (OCF only). */
  readonly exitReasons: boolean;
  /** The kill limit the run had, for the timeout reason. */
  readonly timeoutMs: number;
}

/** Errors of stat or execve that mean "no agent there" (not installed). */
const MISSING = new Set(['ENOENT', 'ENOTDIR', 'EISDIR', 'EINVAL', 'ENOEXEC']);

/** Maps a process result to an agent result. */
export function toAgentResult(p: ProcessResult, rules: ResultRules): AgentResult {
  switch (p.outcome) {
    case 'exited': {
      const reason = rules.exitReasons ? parseExitReason(p.stderr) : undefined;
      return withOutput(p, rules.mapExit(p.exitCode ?? OcfExit.unknownError), ExecStatus.done, reason);
    }
    case 'timeout':
      return withOutput(
        p,
        OcfExit.unknownError,
        ExecStatus.timeout,
        `${rules.kind} did not complete within ${readableInterval(rules.timeoutMs)}`,
      );
    case 'cancelled':
      return withOutput(p, OcfExit.ok, ExecStatus.cancelled, undefined);
    case 'signaled':
      return withOutput(
        p,
        OcfExit.unknownError,
        ExecStatus.error,
        `${rules.kind} interrupted by ${signalText(p.signal ?? 'unknown')} signal`,
      );
    case 'spawnFailed':
      return execFailure(p.errorCode ?? 'EINVAL');
  }
}

/**
 * The result for an agent whose exec failed after its file was found: as in
 * Pacemaker, where the forked child reports it by exit code, status is done
 * and the rc follows the errno (missing file or interpreter 5, permission 4, else 1).
 */
export function execFailure(code: string): AgentResult {
  const rc = MISSING.has(code)
    ? OcfExit.notInstalled
    : code === 'EACCES' || code === 'EPERM'
      ? OcfExit.insufficientPriv
      : OcfExit.unknownError;
  return { rc, status: ExecStatus.done, exitReason: 'Child process was unable to execute file' };
}

/** The result for an agent file that could not be examined (stat or read failed with errno `code`). */
export function fileFailure(code: string, file: string): AgentResult {
  if (MISSING.has(code)) return notInstalled(`${file}: ${errnoText(code)}`);
  const rc = code === 'EACCES' || code === 'EPERM' ? OcfExit.insufficientPriv : OcfExit.unknownError;
  return { rc, status: ExecStatus.error, exitReason: `${file}: ${errnoText(code)}` };
}

/** rc 5 with status "not installed" (§11.1). */
export function notInstalled(reason: string): AgentResult {
  return { rc: OcfExit.notInstalled, status: ExecStatus.notInstalled, exitReason: reason };
}

/** rc 0 with status cancelled: the run was aborted before it started or while it ran. */
export const CANCELLED: AgentResult = Object.freeze({ rc: OcfExit.ok, status: ExecStatus.cancelled });

/** Output rule of §11.4: stderr when the agent wrote any, else stdout. */
function withOutput(p: ProcessResult, rc: number, status: number, reason: string | undefined): AgentResult {
  const output = p.stderr !== '' ? p.stderr : p.stdout;
  return {
    rc,
    status,
    ...(output !== '' ? { output } : {}),
    ...(reason !== undefined ? { exitReason: reason } : {}),
  };
}

/** rc 1 with status "fatal error": class, provider (OCF), agent or action is empty (§11.1). */
export function requiredInfoMissing(): AgentResult {
  return {
    rc: OcfExit.unknownError,
    status: ExecStatus.errorFatal,
    exitReason: 'Required agent or action information missing',
  };
}
