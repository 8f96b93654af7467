/**
 * `pcmk-remote exec RSC ACTION`: queue an action (spec/protocol.md §5.5);
 * with `--wait`, print its first result (§6.1). An agent result such as
 * rc 7 is a successful command; only a refused request or a failed wait
 * is an error.
 */
import { parseMs, parseParams, requireArg } from '../client-options.js';
import { execResultLines, execResultView } from '../output.js';
import { callOptions, emit, runCommand, withClient, type CommandContext } from './context.js';

/** Agent timeout when `--timeout` is not given, ms (the library's default). */
export const DEFAULT_ACTION_TIMEOUT_MS = 20_000;

/** Arguments of `exec`, as given on the command line. */
export interface ExecCommandArgs {
  readonly rscId: string;
  readonly action: string;
  readonly interval?: string;
  /** The agent's time limit (kill timer), ms; 0 = none. */
  readonly timeout?: string;
  readonly startDelay?: string;
  readonly param?: readonly string[];
  readonly wait?: boolean;
  /** Limit of the wait for the result; default start delay + agent timeout + `--timeout` (0 when either is 0). */
  readonly waitTimeout?: string;
}

export function runExec(args: ExecCommandArgs, ctx: CommandContext): Promise<number> {
  return runCommand(ctx, async () => {
    const rscId = requireArg(args.rscId, 'RSC');
    const action = requireArg(args.action, 'ACTION');
    const interval = args.interval !== undefined ? parseMs(args.interval, '--interval') : 0;
    const actionTimeoutMs = args.timeout !== undefined ? parseMs(args.timeout, '--timeout') : DEFAULT_ACTION_TIMEOUT_MS;
    const startDelayMs = args.startDelay !== undefined ? parseMs(args.startDelay, '--start-delay') : 0;
    const params = parseParams(args.param);
    const request = ctx.connection.timeoutMs;
    const waitMs =
      args.waitTimeout !== undefined
        ? parseMs(args.waitTimeout, '--wait-timeout')
        : actionTimeoutMs > 0 && request > 0
          ? startDelayMs + actionTimeoutMs + request
          : 0;
    await withClient(ctx, async (client) => {
      const { callId } = await client.exec({ rscId, action, interval, actionTimeoutMs, startDelayMs, params }, callOptions(ctx));
      if (!args.wait) {
        emit(ctx, { rscId, action, interval, callId }, [`call-id: ${callId}`]);
        return;
      }
      const result = execResultView(await client.waitForResult(callId, { timeoutMs: waitMs, ...(ctx.signal ? { signal: ctx.signal } : {}) }));
      emit(ctx, result, execResultLines(result));
    });
  });
}
