/**
 * Replies: `<lrmd_reply>` (spec/protocol.md §3.4). A reply names no operation
 * (except register's), so it is one shape with optional parts; the caller
 * knows which request it answers from `msgId`.
 */
import type { Envelope } from './common.js';

/** A resource definition as returned by `lrmd_rsc_info` (§5.3). */
export interface RscDefinition {
  readonly rscId: string;
  readonly standard?: string;
  readonly provider?: string;
  readonly agent?: string;
}

/** One recurring action in a `lrmd_get_recurring` reply (§5.7). */
export interface RecurringOp {
  readonly action: string;
  readonly interval: number;
  readonly timeout: number;
}

/** One resource and its recurring actions in a `lrmd_get_recurring` reply (§5.7). */
export interface RecurringEntry {
  readonly rscId: string;
  readonly ops: readonly RecurringOp[];
}

/** Any `<lrmd_reply>`. */
export interface Reply extends Envelope {
  readonly kind: 'reply';
  /** Legacy rc: 0, a negative errno, or the positive call id of an exec (§5.15). */
  readonly rc: number;
  readonly callId?: number;
  /** Present on the register reply only (§4.3). */
  readonly op?: string;
  readonly clientId?: string;
  readonly protocolVersion?: string;
  /** Seconds since the daemon started; 2.1.6+ (§4.3). */
  readonly uptime?: number;
  readonly nodeStartState?: string;
  /** pcmk-remote extension: the encoding the server chose (§13). */
  readonly encoding?: string;
  /** `lrmd_rsc_info` result, when found (§5.3). */
  readonly rsc?: RscDefinition;
  /** `lrmd_get_recurring` result (§5.7). */
  readonly recurring?: readonly RecurringEntry[];
}
