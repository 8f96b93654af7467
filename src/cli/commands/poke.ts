/**
 * `pcmk-remote poke`: send `lrmd_rsc_poke` and wait for its notification
 * (spec/protocol.md §5.8), the liveness check the controller uses.
 */
import { callOptions, emit, runCommand, withClient, type CommandContext } from './context.js';

export function runPoke(ctx: CommandContext): Promise<number> {
  return runCommand(ctx, () =>
    withClient(ctx, async (client) => {
      const t0 = performance.now();
      await client.poke(callOptions(ctx));
      const ms = +(performance.now() - t0).toFixed(1);
      emit(ctx, { ok: true, ms }, [`poke: ok in ${ms} ms`]);
    }),
  );
}
