/**
 * The fencer's IPC endpoint (`stonith-ng`) answered in memory
 * (spec/protocol.md §8.16): sign-on, notification filters and an empty
 * fencing history, which is what `crm_mon` asks. Other operations are
 * answered "not supported".
 */
import { randomUUID } from 'node:crypto';
import type { XmlElement } from '../../../protocol/xml/types.js';
import { el } from '../body.js';
import type { IpcHandler } from '../types.js';

/** `st_op` values answered here. */
export const FencerOp = {
  register: 'register',
  notify: 'st_notify',
  history: 'st_fence_history',
} as const;

const CLIENT_ID = 'fencer.clientId';
// Execution status "not supported" and CRM_EX_UNIMPLEMENT_FEATURE, legacy -EOPNOTSUPP.
const UNSUPPORTED = { opStatus: 3, rcCode: 3, stRc: -95 } as const;

/** A handler for the `stonith-ng` endpoint with no fencing devices and no history. */
export function createFencerHandler(): IpcHandler {
  return {
    open(session) {
      session.state.set(CLIENT_ID, randomUUID());
    },
    request(session, req) {
      const msg = req.xml;
      const op = msg.attrs.st_op ?? '';
      const clientId = session.state.get(CLIENT_ID) as string;
      if (op === FencerOp.register) return el('reply', { st_op: FencerOp.register, st_clientid: clientId });
      if (op === FencerOp.notify) return req.expectsResponse ? el('ack', { function: 'handle_notify_request', line: 0, status: 0 }) : undefined;
      if (op === FencerOp.history) return reply(msg, clientId, { opStatus: 0, rcCode: 0, stRc: 0 }, el('st_history'));
      return reply(msg, clientId, UNSUPPORTED);
    },
  };
}

/** `<st-reply>` as the fencer builds it: result attributes, request fields copied, data in `st_calldata`. */
function reply(msg: XmlElement, clientId: string, result: { opStatus: number; rcCode: number; stRc: number }, data?: XmlElement): XmlElement {
  const a = msg.attrs;
  return el(
    'st-reply',
    {
      st_origin: 'fenced_construct_reply',
      t: 'stonith-ng',
      'op-status': result.opStatus,
      'rc-code': result.rcCode,
      st_rc: result.stRc,
      st_op: a.st_op,
      st_callid: a.st_callid,
      st_clientid: a.st_clientid ?? clientId,
      st_clientname: a.st_clientname,
      st_callopt: a.st_callopt,
    },
    data ? [el('st_calldata', {}, [data])] : [],
  );
}
