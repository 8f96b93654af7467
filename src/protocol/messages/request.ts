/**
 * Executor requests: `<lrmd_command>` (spec/protocol.md §4, §5).
 */
import type { Envelope, Extra, Params } from './common.js';

interface RequestBase extends Envelope {
  readonly kind: 'request';
  /** Outer `lrmd_timeout` in ms (§3.3); absent on register. */
  readonly timeout?: number;
  /** Outer `lrmd_callopt` bits (§3.7). */
  readonly callOptions?: number;
  /** 2.1.5 clients send their register token back (§3.3); ignored by servers. */
  readonly asyncId?: string;
  /** Unknown attributes of the data element (`lrmd_rsc`, `lrmd_alert`, `lrmd_op`). */
  readonly dataExtra?: Extra;
  /** `lrmd_origin` of the data element. */
  readonly dataOrigin?: string;
}

/** `register`: the handshake (§4.2). */
export interface RegisterRequest extends RequestBase {
  readonly op: 'register';
  readonly clientName: string;
  /** Required by servers; a missing value is rejected as too old (§4.5). */
  readonly protocolVersion?: string;
  readonly isIpcProvider?: boolean;
  /** pcmk-remote extension: payload encodings offered, in preference order (§13). */
  readonly encodings?: readonly string[];
}

/** `lrmd_rsc_register` (§5.2). */
export interface RscRegisterRequest extends RequestBase {
  readonly op: 'lrmd_rsc_register';
  readonly rscId: string;
  readonly standard: string;
  readonly provider?: string;
  readonly agent: string;
}

/** `lrmd_rsc_unregister` (§5.4). */
export interface RscUnregisterRequest extends RequestBase {
  readonly op: 'lrmd_rsc_unregister';
  readonly rscId?: string;
}

/** `lrmd_rsc_info` (§5.3). */
export interface RscInfoRequest extends RequestBase {
  readonly op: 'lrmd_rsc_info';
  readonly rscId?: string;
}

/** `lrmd_rsc_exec` (§5.5). */
export interface RscExecRequest extends RequestBase {
  readonly op: 'lrmd_rsc_exec';
  readonly rscId?: string;
  readonly action?: string;
  /** ms; 0 = one-shot. */
  readonly interval: number;
  /** Action timeout in ms from the data element (kill timer); the outer copy is `timeout`. */
  readonly actionTimeout: number;
  readonly startDelay: number;
  readonly userData?: string;
  readonly params: Params;
}

/** `lrmd_rsc_cancel` (§5.6). */
export interface RscCancelRequest extends RequestBase {
  readonly op: 'lrmd_rsc_cancel';
  readonly rscId?: string;
  readonly action?: string;
  readonly interval: number;
}

/** `lrmd_rsc_metadata`: defined by Pacemaker, sent by nobody (§5.12). */
export interface RscMetadataRequest extends RequestBase {
  readonly op: 'lrmd_rsc_metadata';
  readonly rscId?: string;
  readonly standard?: string;
  readonly provider?: string;
  readonly agent?: string;
}

/** `lrmd_get_recurring` (§5.7). */
export interface GetRecurringRequest extends RequestBase {
  readonly op: 'lrmd_get_recurring';
  readonly rscId?: string;
}

/** `lrmd_rsc_poke` (§5.8). */
export interface PokeRequest extends RequestBase {
  readonly op: 'lrmd_rsc_poke';
}

/** `lrmd_check`: never answered (§5.9). */
export interface CheckRequest extends RequestBase {
  readonly op: 'lrmd_check';
  /** `lrmd_watchdog`, as sent (a number of ms or an interval string). */
  readonly watchdog?: string;
}

/** `lrmd_alert_exec` (§5.10). */
export interface AlertExecRequest extends RequestBase {
  readonly op: 'lrmd_alert_exec';
  readonly alertId?: string;
  readonly alertPath?: string;
  /** `lrmd_timeout` of the `lrmd_alert` element, ms. */
  readonly alertTimeout: number;
  readonly params: Params;
}

/**
 * A request whose `lrmd_op` we do not know. Kept, not refused, so a server can
 * answer it the way Pacemaker does (§5.12, §3.10).
 */
export interface UnknownRequest extends RequestBase {
  readonly op: string & { readonly __unknown?: never };
  readonly unknown: true;
}

/** Every executor request. */
export type Request =
  | RegisterRequest
  | RscRegisterRequest
  | RscUnregisterRequest
  | RscInfoRequest
  | RscExecRequest
  | RscCancelRequest
  | RscMetadataRequest
  | GetRecurringRequest
  | PokeRequest
  | CheckRequest
  | AlertExecRequest;
