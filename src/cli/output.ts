/**
 * Printing for the client commands: names of OCF exit codes and execution
 * statuses (spec/protocol.md §7.1, §7.2), one text line per fact, or one
 * JSON value per line with `--json`.
 */
import { ExecStatus, OcfExit } from '../protocol/constants.js';
import type { ExecNotify } from '../protocol/messages/notify.js';
import type { SessionNotify } from '../client/session.js';

/** Where a command writes; each call is one line without its newline. */
export interface Output {
  readonly out: (line: string) => void;
  readonly err: (line: string) => void;
}

const kebab = (name: string): string => name.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);

const invert = (table: Readonly<Record<string, number>>): Map<number, string> =>
  new Map(Object.entries(table).map(([k, v]) => [v, kebab(k)]));

const ocfNames = invert(OcfExit);
const statusNames = invert(ExecStatus);

/** Name of an OCF exit code (§7.1): `7` → `not-running`; `unknown` outside the table. */
export function ocfExitName(rc: number): string {
  return ocfNames.get(rc) ?? 'unknown';
}

/** Name of an execution status (§7.2): `1` → `cancelled`; `unknown` outside the table. */
export function execStatusName(status: number): string {
  return statusNames.get(status) ?? 'unknown';
}

/** JSON text of a value; bigints as decimal strings. */
export function toJson(v: unknown): string {
  return JSON.stringify(v, (_k, x: unknown) => (typeof x === 'bigint' ? x.toString() : x));
}

/** An exec result as the `exec --wait` command reports it. */
export interface ExecResultView {
  readonly rscId: string;
  readonly action: string;
  readonly interval: number;
  readonly callId: number;
  readonly rc: number;
  readonly rcName: string;
  readonly status: number;
  readonly statusName: string;
  readonly exitReason?: string;
  readonly output?: string;
  readonly execTimeMs: number;
  readonly queueTimeMs: number;
}

export function execResultView(n: ExecNotify): ExecResultView {
  return {
    rscId: n.rscId,
    action: n.action,
    interval: n.interval,
    callId: n.callId,
    rc: n.execRc,
    rcName: ocfExitName(n.execRc),
    status: n.opStatus,
    statusName: execStatusName(n.opStatus),
    ...(n.exitReason !== undefined ? { exitReason: n.exitReason } : {}),
    ...(n.output !== undefined ? { output: n.output } : {}),
    execTimeMs: n.execTime,
    queueTimeMs: n.queueTime,
  };
}

/** Text lines of an exec result: call id, rc, status, exit reason, one line per output line. */
export function execResultLines(v: ExecResultView): string[] {
  const lines = [`call-id: ${v.callId}`, `rc: ${v.rc} (${v.rcName})`, `status: ${v.status} (${v.statusName})`];
  if (v.exitReason) lines.push(`exit-reason: ${oneLine(v.exitReason)}`);
  if (v.output) for (const l of v.output.replace(/\n+$/, '').split('\n')) lines.push(`output: ${l}`);
  return lines;
}

/** One `watch` line for a notification (§6). */
export function notifyLine(n: SessionNotify): string {
  if ('unknown' in n) return `${n.op} (unknown notification)`;
  switch (n.op) {
    case 'lrmd_rsc_exec': {
      const reason = n.exitReason ? ` exit-reason=${JSON.stringify(oneLine(n.exitReason))}` : '';
      return (
        `exec ${n.rscId} ${n.action} interval=${n.interval} call-id=${n.callId}` +
        ` rc=${n.execRc}(${ocfExitName(n.execRc)}) status=${n.opStatus}(${execStatusName(n.opStatus)})${n.rscDeleted ? ' deleted' : ''}${reason}`
      );
    }
    case 'lrmd_rsc_register':
    case 'lrmd_rsc_unregister':
    case 'lrmd_rsc_poke': {
      const what = n.op === 'lrmd_rsc_poke' ? 'poke' : n.op === 'lrmd_rsc_register' ? 'register' : 'unregister';
      return `${what}${n.rscId !== undefined ? ` ${n.rscId}` : ''} rc=${n.rc}`;
    }
    case 'lrmd_rsc_new_client':
      return 'new-client';
  }
}

function oneLine(s: string): string {
  return s.replace(/\s*\n\s*/g, ' ').trim();
}
