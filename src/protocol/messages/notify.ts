/**
 * Notifications: `<lrmd_notify>` (spec/protocol.md §6).
 */
import type { Envelope, Params } from './common.js';

interface NotifyBase extends Envelope {
  readonly kind: 'notify';
}

/** Result of one run of an action (§6.1). */
export interface ExecNotify extends NotifyBase {
  readonly op: 'lrmd_rsc_exec';
  readonly rscId: string;
  readonly action: string;
  readonly callId: number;
  readonly interval: number;
  readonly timeout: number;
  readonly startDelay: number;
  /** OCF exit code (§7.1). */
  readonly execRc: number;
  /** Execution status (§7.2). */
  readonly opStatus: number;
  readonly rscDeleted: boolean;
  /** Epoch seconds. */
  readonly runTime: number;
  readonly rcChangeTime: number;
  /** ms */
  readonly execTime: number;
  readonly queueTime: number;
  readonly userData?: string;
  readonly exitReason?: string;
  readonly output?: string;
  /** The request's parameters, echoed (§6.1). */
  readonly params: Params;
}

/** After register, unregister and poke (§6.2). */
export interface GenericNotify extends NotifyBase {
  readonly op: 'lrmd_rsc_register' | 'lrmd_rsc_unregister' | 'lrmd_rsc_poke';
  readonly rc: number;
  readonly callId?: number;
  readonly rscId?: string;
}

/** Another client completed its TLS handshake (§6.3). */
export interface NewClientNotify extends NotifyBase {
  readonly op: 'lrmd_rsc_new_client';
}

/** A notification whose `lrmd_op` we do not model; attributes are in `extra`. */
export interface UnknownNotify extends NotifyBase {
  readonly op: string;
  readonly unknown: true;
}

/** Every notification. */
export type Notify = ExecNotify | GenericNotify | NewClientNotify;
