/**
 * Replies and generic notifications of the executor (spec/protocol.md §3.4,
 * §6.2, §6.3). `lrmd_origin` values are those Pacemaker writes; they are
 * informational only.
 */
import { Op } from '../../protocol/constants.js';
import type { GenericNotify, NewClientNotify } from '../../protocol/messages/notify.js';
import type { RecurringEntry, Reply, RscDefinition } from '../../protocol/messages/reply.js';

/** `lrmd_origin` values. */
export const Origin = {
  message: 'process_lrmd_message',
  rscInfo: 'process_lrmd_get_rsc_info',
  getRecurring: 'process_lrmd_get_recurring',
  generic: 'send_generic_notify',
  newClient: 'notify_of_new_client',
} as const;

/** What an operation handler decided; the executor turns it into messages. */
export interface Answer {
  /** `lrmd_rc` of the reply (§5.15). */
  readonly rc: number;
  /** Default {@link Origin.message}. */
  readonly origin?: string;
  /** `lrmd_rsc_info` result (§5.3). */
  readonly rsc?: RscDefinition;
  /** `lrmd_get_recurring` result (§5.7). */
  readonly recurring?: readonly RecurringEntry[];
  /** A generic notification to send after the reply (§6.2). */
  readonly generic?: { readonly op: GenericNotify['op']; readonly rscId?: string };
}

/** The reply to a request with msg id `msgId` (§3.2, §3.4). */
export function buildReply(msgId: number, callId: number, answer: Answer): Reply {
  const reply: { -readonly [K in keyof Reply]: Reply[K] } = {
    kind: 'reply',
    msgId,
    origin: answer.origin ?? Origin.message,
    rc: answer.rc,
    callId,
  };
  if (answer.rsc) reply.rsc = answer.rsc;
  if (answer.recurring) reply.recurring = answer.recurring;
  return reply;
}

/** A generic notification (§6.2); `rscId` is absent for poke. */
export function buildGenericNotify(op: GenericNotify['op'], rc: number, callId: number, rscId?: string): GenericNotify {
  const n: { -readonly [K in keyof GenericNotify]: GenericNotify[K] } = {
    kind: 'notify',
    msgId: 0,
    origin: Origin.generic,
    op,
    rc,
    callId,
  };
  if (rscId !== undefined) n.rscId = rscId;
  return n;
}

/** The new-client notification (§6.3). */
export function buildNewClientNotify(): NewClientNotify {
  return { kind: 'notify', msgId: 0, origin: Origin.newClient, op: Op.newClient };
}
