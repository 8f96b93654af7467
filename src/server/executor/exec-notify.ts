/**
 * The exec result notification (spec/protocol.md §6.1) and the
 * `notify_changes_only` filter (§5.14.4).
 */
import { CallOpt, Op } from '../../protocol/constants.js';
import type { ExecNotify } from '../../protocol/messages/notify.js';
import type { Action } from './action.js';

/** `lrmd_origin` Pacemaker writes on exec results; informational. */
export const EXEC_NOTIFY_ORIGIN = 'send_cmd_complete_notify';

/** How one run (or a cancellation) of an action ended, with its timing. */
export interface Outcome {
  readonly rc: number;
  readonly status: number;
  readonly output?: string;
  readonly exitReason?: string;
  /** Epoch seconds when the reported run started; 0 when none is reported. */
  readonly runTime: number;
  /** ms */
  readonly execTime: number;
  readonly queueTime: number;
}

/**
 * Decide whether this outcome is notified and record it as notified if so:
 * always the first result, then under `notify_changes_only` only a changed
 * (rc, status) pair (§5.14.4).
 */
export function takeNotify(a: Action, rc: number, status: number): boolean {
  if (
    a.firstNotifySent &&
    (a.callOptions & CallOpt.notifyChangesOnly) !== 0 &&
    a.lastNotifiedRc === rc &&
    a.lastNotifiedStatus === status
  ) {
    return false;
  }
  a.firstNotifySent = true;
  a.lastNotifiedRc = rc;
  a.lastNotifiedStatus = status;
  return true;
}

/** The notification of an outcome, with every field Pacemaker writes (§6.1). */
export function buildExecNotify(a: Action, o: Outcome): ExecNotify {
  const n: { -readonly [K in keyof ExecNotify]: ExecNotify[K] } = {
    kind: 'notify',
    msgId: 0,
    origin: EXEC_NOTIFY_ORIGIN,
    op: Op.rscExec,
    rscId: a.resource.def.rscId,
    action: a.action,
    callId: a.callId,
    interval: a.interval,
    timeout: a.timeout,
    startDelay: a.startDelay,
    execRc: o.rc,
    opStatus: o.status,
    rscDeleted: a.resource.deleted,
    runTime: o.runTime,
    rcChangeTime: a.rcChangeTime,
    execTime: o.execTime,
    queueTime: o.queueTime,
    params: a.params,
  };
  if (a.userData !== undefined) n.userData = a.userData;
  if (o.exitReason !== undefined && o.exitReason !== '') n.exitReason = o.exitReason;
  if (o.output !== undefined && o.output !== '') n.output = o.output;
  return n;
}
