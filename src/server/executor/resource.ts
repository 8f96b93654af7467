/**
 * A registered resource and the actions it holds (spec/protocol.md §5.2,
 * §5.14.1): a FIFO queue of actions waiting to run, and the recurring actions
 * that have run at least once.
 */
import type { Action } from './action.js';

/** A resource definition, as registered (§5.2). */
export interface ResourceDefinition {
  readonly rscId: string;
  readonly standard: string;
  readonly provider?: string;
  readonly agent: string;
}

/** One registered resource. Mutable state is owned by the scheduler. */
export interface Resource {
  readonly def: ResourceDefinition;
  /** `lrmd_callopt` of the registration (drop-recurring, §3.7). */
  readonly callOptions: number;
  /** Actions waiting to run, head first. A recurring action waiting for a re-run is here too. */
  readonly queue: Action[];
  /** Recurring actions that have started at least once and are not cancelled, in start order. */
  readonly recurring: Action[];
  /** Set when the resource was unregistered or replaced (§5.4). */
  deleted: boolean;
  /** Epoch ms of the registration. */
  readonly registeredAt: number;
}

/** A new resource with empty queues. */
export function createResource(def: ResourceDefinition, callOptions: number, now: number): Resource {
  return { def, callOptions, queue: [], recurring: [], deleted: false, registeredAt: now };
}

const same = (a: string | undefined, b: string | undefined): boolean =>
  a === b || (a !== undefined && b !== undefined && a.toLowerCase() === b.toLowerCase());

/**
 * True when a registration names the same agent as the existing definition:
 * class, provider and type equal, ignoring case (§5.2).
 */
export function sameAgent(a: ResourceDefinition, b: ResourceDefinition): boolean {
  return same(a.standard, b.standard) && same(a.provider, b.provider) && same(a.agent, b.agent);
}
