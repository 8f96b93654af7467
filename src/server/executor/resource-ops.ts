/**
 * Resource definitions: `lrmd_rsc_register`, `lrmd_rsc_info`,
 * `lrmd_rsc_unregister`, `lrmd_get_recurring` (spec/protocol.md §5.2–§5.4, §5.7).
 */
import { LrmdRc, Op } from '../../protocol/constants.js';
import type { RecurringEntry } from '../../protocol/messages/reply.js';
import type {
  GetRecurringRequest,
  RscInfoRequest,
  RscRegisterRequest,
  RscUnregisterRequest,
} from '../../protocol/messages/request.js';
import type { OpContext } from './context.js';
import { Origin, type Answer } from './messages.js';
import { createResource, sameAgent, type Resource, type ResourceDefinition } from './resource.js';

/**
 * §5.2: the same agent again is a no-op (stored options unchanged); anything
 * else replaces the definition, and the old one is destroyed as by
 * unregister (its cancellations are notified before the reply).
 */
export function registerResource(ctx: OpContext, req: RscRegisterRequest): Answer {
  const def: ResourceDefinition = {
    rscId: req.rscId,
    standard: req.standard,
    agent: req.agent,
    ...(req.provider !== undefined ? { provider: req.provider } : {}),
  };
  const old = ctx.resources.get(req.rscId);
  const generic = { op: Op.rscRegister, rscId: req.rscId } as const;
  if (old && sameAgent(old.def, def)) return { rc: LrmdRc.ok, generic };
  ctx.resources.set(req.rscId, createResource(def, req.callOptions ?? 0, ctx.clock.now()));
  if (old) ctx.scheduler.destroy(old);
  return { rc: LrmdRc.ok, generic };
}

/** §5.3: the definition, or -19. */
export function resourceInfo(ctx: OpContext, req: RscInfoRequest): Answer {
  const rsc = req.rscId === undefined ? undefined : ctx.resources.get(req.rscId);
  if (!rsc) return { rc: LrmdRc.ENODEV, origin: Origin.rscInfo };
  return { rc: LrmdRc.ok, origin: Origin.rscInfo, rsc: rsc.def };
}

/**
 * §5.4: no id → -19 without notification; unknown id → 0; known id → removed
 * at once, its queued and recurring actions cancelled (notified now), and
 * -115 when a running action will still report. Generic notification unless -19.
 */
export function unregisterResource(ctx: OpContext, req: RscUnregisterRequest): Answer {
  if (req.rscId === undefined) return { rc: LrmdRc.ENODEV };
  const generic = { op: Op.rscUnregister, rscId: req.rscId } as const;
  const rsc = ctx.resources.get(req.rscId);
  if (!rsc) return { rc: LrmdRc.ok, generic };
  ctx.resources.delete(req.rscId);
  ctx.scheduler.destroy(rsc);
  const rc = ctx.scheduler.resultPending(req.rscId) ? LrmdRc.EINPROGRESS : LrmdRc.ok;
  return { rc, generic };
}

/** §5.7: recurring actions that have run at least once, per resource. */
export function getRecurring(ctx: OpContext, req: GetRecurringRequest): Answer {
  const origin = Origin.getRecurring;
  if (req.rscId === undefined) {
    return { rc: LrmdRc.ok, origin, recurring: [...ctx.resources.values()].map(recurringEntry) };
  }
  const rsc = ctx.resources.get(req.rscId);
  if (!rsc) return { rc: LrmdRc.ENODEV, origin, recurring: [] };
  return { rc: LrmdRc.ok, origin, recurring: [recurringEntry(rsc)] };
}

function recurringEntry(rsc: Resource): RecurringEntry {
  return {
    rscId: rsc.def.rscId,
    ops: rsc.recurring.map((a) => ({ action: a.action, interval: a.interval, timeout: a.timeout })),
  };
}
