/**
 * Actions: `lrmd_rsc_exec` and `lrmd_rsc_cancel` (spec/protocol.md §5.5, §5.6).
 */
import { LrmdRc } from '../../protocol/constants.js';
import type { RscCancelRequest, RscExecRequest } from '../../protocol/messages/request.js';
import { createAction } from './action.js';
import { actionKey } from './action-key.js';
import type { OpContext } from './context.js';
import type { Answer } from './messages.js';

/**
 * §5.5: -22 without resource id, or without (or with an empty) action
 * (Pacemaker accepts that and fails at run time; we refuse it), -19 for an
 * unknown resource, else the action is scheduled and the reply's rc is the
 * call id.
 */
export function execAction(ctx: OpContext, req: RscExecRequest): Answer {
  if (req.rscId === undefined || !req.action) return { rc: LrmdRc.EINVAL };
  const rsc = ctx.resources.get(req.rscId);
  if (!rsc) return { rc: LrmdRc.ENODEV };
  const action = createAction(
    rsc,
    {
      clientId: ctx.clientId,
      callOptions: req.callOptions ?? 0,
      action: req.action,
      key: actionKey(rsc.def.standard, req.action),
      interval: req.interval,
      timeout: req.actionTimeout,
      startDelay: req.startDelay,
      params: req.params,
    },
    ctx.callId,
    req.userData,
  );
  ctx.scheduler.schedule(rsc, action);
  return { rc: ctx.callId };
}

/** §5.6: -22 without id or action, -19 unknown resource, -95 nothing to cancel, else 0. */
export function cancelAction(ctx: OpContext, req: RscCancelRequest): Answer {
  if (req.rscId === undefined || req.action === undefined) return { rc: LrmdRc.EINVAL };
  const rsc = ctx.resources.get(req.rscId);
  if (!rsc) return { rc: LrmdRc.ENODEV };
  const found = ctx.scheduler.cancel(rsc, actionKey(rsc.def.standard, req.action), req.interval);
  return { rc: found ? LrmdRc.ok : LrmdRc.EOPNOTSUPP };
}
