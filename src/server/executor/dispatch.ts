/**
 * The operation switch (spec/protocol.md §5.13): which handler answers a
 * request, and which requests get no reply.
 */
import { LrmdRc, Op } from '../../protocol/constants.js';
import type { CheckRequest, Request, UnknownRequest } from '../../protocol/messages/request.js';
import { cancelAction, execAction } from './action-ops.js';
import type { Alerts } from './alerts.js';
import type { OpContext } from './context.js';
import type { Answer } from './messages.js';
import { getRecurring, registerResource, resourceInfo, unregisterResource } from './resource-ops.js';

/** Hooks for the operations that reach beyond the executor. */
export interface DispatchHooks {
  readonly alerts: Alerts;
  readonly onCheck?: (request: CheckRequest, clientId: string) => void;
}

/**
 * Answer one request. `undefined` means no reply (`lrmd_check`, §5.9).
 * `register` belongs to the session (§4); reaching here it is treated as
 * unknown, like `lrmd_rsc_metadata` and any unknown operation: -95 (§5.12).
 */
export function dispatch(ctx: OpContext, hooks: DispatchHooks, req: Request | UnknownRequest): Answer | undefined {
  if ('unknown' in req) return { rc: LrmdRc.EOPNOTSUPP };
  switch (req.op) {
    case Op.rscRegister:
      return registerResource(ctx, req);
    case Op.rscInfo:
      return resourceInfo(ctx, req);
    case Op.rscUnregister:
      return unregisterResource(ctx, req);
    case Op.rscExec:
      return execAction(ctx, req);
    case Op.rscCancel:
      return cancelAction(ctx, req);
    case Op.getRecurring:
      return getRecurring(ctx, req);
    case Op.poke:
      return { rc: LrmdRc.ok, generic: { op: Op.poke } };
    case Op.check:
      hooks.onCheck?.(req, ctx.clientId);
      return undefined;
    case Op.alertExec:
      return { rc: hooks.alerts.exec(req) };
    default: // register, lrmd_rsc_metadata
      return { rc: LrmdRc.EOPNOTSUPP };
  }
}
