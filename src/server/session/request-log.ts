/**
 * The debug lines that record what clients asked and what the agents
 * answered, so that an operator (or a test) can read a cluster's sequence of
 * executor operations from the daemon's log. Built only when debug logging
 * is on.
 */
import type { ExecNotify } from '../../protocol/messages/notify.js';
import type { IpcProxy } from '../../protocol/messages/ipc-proxy.js';
import type { ExecutorRequest } from '../executor/executor.js';
import type { Logger } from './logger.js';

/** True when `log` writes debug lines (loggers without a level check are taken at their word). */
export function debugEnabled(log: Logger): boolean {
  return log.isLevelEnabled ? log.isLevelEnabled('debug') : true;
}

/** Fields of a `request` line: the operation and what it is about. */
export function requestFields(m: ExecutorRequest): Record<string, unknown> {
  const r = m as unknown as Partial<Record<string, unknown>>;
  const out: Record<string, unknown> = { op: m.op };
  for (const k of ['rscId', 'action', 'interval', 'actionTimeout', 'callOptions', 'alertId'] as const) {
    if (r[k] !== undefined) out[k] = r[k];
  }
  if (m.op === 'lrmd_rsc_register' && typeof r.standard === 'string') out.agent = `${r.standard}:${typeof r.provider === 'string' && r.provider ? `${r.provider}:` : ''}${String(r.agent)}`;
  return out;
}

/** Fields of an IPC proxy message line. */
export function ipcFields(m: IpcProxy): Record<string, unknown> {
  return { op: m.op ?? 'lrmd_ipc_proxy', ipcOp: m.ipcOp, ...('session' in m && m.session !== undefined ? { session: m.session } : {}) };
}

/** Fields of an `exec result` line. */
export function resultFields(n: ExecNotify): Record<string, unknown> {
  return {
    rscId: n.rscId,
    action: n.action,
    interval: n.interval,
    callId: n.callId,
    rc: n.execRc,
    opStatus: n.opStatus,
    ...(n.execTime !== undefined ? { execTimeMs: n.execTime } : {}),
  };
}
