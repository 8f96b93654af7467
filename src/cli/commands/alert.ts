/**
 * `pcmk-remote alert ID PATH`: run an alert agent once on the peer
 * (spec/protocol.md §5.10). The peer answers when the agent has started
 * and reports no result.
 */
import { parseMs, parseParams, requireArg } from '../client-options.js';
import { callOptions, emit, runCommand, withClient, type CommandContext } from './context.js';

/** Alert agent timeout when `--timeout` is not given, ms (the cluster's default). */
export const DEFAULT_ALERT_TIMEOUT_MS = 30_000;

export function runAlert(args: { alertId: string; alertPath: string; param?: readonly string[]; timeout?: string }, ctx: CommandContext): Promise<number> {
  return runCommand(ctx, async () => {
    const alertId = requireArg(args.alertId, 'ID');
    const alertPath = requireArg(args.alertPath, 'PATH');
    const alertTimeoutMs = args.timeout !== undefined ? parseMs(args.timeout, '--timeout') : DEFAULT_ALERT_TIMEOUT_MS;
    const params = parseParams(args.param);
    await withClient(ctx, async (client) => {
      await client.alertExec({ alertId, alertPath, alertTimeoutMs, params }, callOptions(ctx));
      emit(ctx, { alertId, alertPath, started: true }, [`alert: ${alertId} started`]);
    });
  });
}
