/**
 * What an operation handler may use while it answers one request.
 */
import type { Clock } from './clock.js';
import type { Resource } from './resource.js';
import type { Scheduler } from './scheduler.js';

/** Per-request view of the executor's state. */
export interface OpContext {
  /** The requesting client. */
  readonly clientId: string;
  /** Call id assigned to this request (§3.6). */
  readonly callId: number;
  /** Registered resources by id, in registration order. */
  readonly resources: Map<string, Resource>;
  readonly scheduler: Scheduler;
  readonly clock: Clock;
}
