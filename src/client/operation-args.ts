/**
 * Arguments of the typed executor operations of {@link Client}
 * (spec/protocol.md §5.2, §5.5, §5.10).
 */
import type { Params } from '../protocol/messages/common.js';
import type { Client } from './client.js';
import type { RequestOptions } from './session.js';

/** Per-call options: time limit and AbortSignal. */
export type CallOptions = Omit<RequestOptions, 'expectReply'>;

/** Arguments of {@link Client.registerResource} (§5.2). */
export interface RegisterResourceArgs {
  readonly rscId: string;
  /** Resource class: `ocf`, `lsb`, `systemd`, `service`, `stonith`. */
  readonly standard: string;
  readonly provider?: string;
  readonly agent: string;
  /** Cancel its recurring actions when the last client leaves; sent as 0x3 (§3.7). */
  readonly dropRecurring?: boolean;
}

/** Arguments of {@link Client.exec} (§5.5). */
export interface ExecArgs {
  readonly rscId: string;
  readonly action: string;
  /** ms; 0 (default) = one-shot. */
  readonly interval?: number;
  /** Agent time limit in ms (kill timer); default 20 000; 0 = none. */
  readonly actionTimeoutMs?: number;
  readonly startDelayMs?: number;
  readonly userData?: string;
  readonly params?: Params;
  readonly notifyOrigOnly?: boolean;
  readonly notifyChangesOnly?: boolean;
}

/** Arguments of {@link Client.alertExec} (§5.10). */
export interface AlertExecArgs {
  readonly alertId: string;
  readonly alertPath: string;
  /** Alert agent time limit in ms; default 30 000. */
  readonly alertTimeoutMs?: number;
  readonly params?: Params;
}
