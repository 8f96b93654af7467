/**
 * `pcmk-remote cancel|recurring`: recurring actions (spec/protocol.md §5.6, §5.7).
 */
import { parseMs, requireArg } from '../client-options.js';
import { callOptions, emit, runCommand, withClient, type CommandContext } from './context.js';

/** `cancel RSC ACTION INTERVAL`: the interval must equal the action's (§5.6). */
export function runCancel(args: { rscId: string; action: string; interval: string }, ctx: CommandContext): Promise<number> {
  return runCommand(ctx, async () => {
    const rscId = requireArg(args.rscId, 'RSC');
    const action = requireArg(args.action, 'ACTION');
    const interval = parseMs(args.interval, 'INTERVAL');
    await withClient(ctx, async (client) => {
      await client.cancel({ rscId, action, interval }, callOptions(ctx));
      emit(ctx, { rscId, action, interval }, [`cancelled: ${rscId} ${action} ${interval}`]);
    });
  });
}

/**
 * `recurring [RSC]`: one line per recurring action that has run at least
 * once; a resource without any prints `RSC -`.
 */
export function runRecurring(args: { rscId?: string }, ctx: CommandContext): Promise<number> {
  return runCommand(ctx, async () => {
    const rscId = args.rscId !== undefined ? requireArg(args.rscId, 'RSC') : undefined;
    await withClient(ctx, async (client) => {
      const list = await client.getRecurring(rscId, callOptions(ctx));
      const lines = list.flatMap((e) =>
        e.ops.length === 0 ? [`${e.rscId} -`] : e.ops.map((o) => `${e.rscId} ${o.action} interval=${o.interval} timeout=${o.timeout}`),
      );
      emit(ctx, list, lines);
    });
  });
}
