/**
 * What every client command gets: the connect function (injected, so tests
 * need no network), the checked connection options, the output lines and
 * the interrupt signal. {@link runCommand} turns the outcome into an exit
 * status (see exit-codes.ts).
 */
import type { Client } from '../../client/client.js';
import type { ConnectOptions } from '../../client/connect.js';
import { toConnectOptions, type ConnectionOptions } from '../client-options.js';
import { describeError, exitCodeFor, ExitCode } from '../exit-codes.js';
import { toJson, type Output } from '../output.js';

/** The part of {@link Client} the commands use. */
export type CliClient = Pick<
  Client,
  | 'poke'
  | 'getResourceInfo'
  | 'registerResource'
  | 'unregisterResource'
  | 'exec'
  | 'waitForResult'
  | 'cancel'
  | 'getRecurring'
  | 'alertExec'
  | 'notifications'
  | 'close'
>;

/** Opens a registered connection; `connectClient` in the real program. */
export type ConnectFn = (options: ConnectOptions) => Promise<CliClient>;

/** Everything a client command needs besides its own arguments. */
export interface CommandContext extends Output {
  readonly connect: ConnectFn;
  readonly connection: ConnectionOptions;
  /** Environment for `PCMK_remote_port` and `PCMK_authkey_location`. */
  readonly env: NodeJS.ProcessEnv;
  /** Fires on SIGINT. */
  readonly signal?: AbortSignal;
}

/** Per-request options: the `--timeout` limit and the interrupt signal. */
export function callOptions(ctx: CommandContext): { timeoutMs: number; signal?: AbortSignal } {
  return { timeoutMs: ctx.connection.timeoutMs, ...(ctx.signal ? { signal: ctx.signal } : {}) };
}

/** Connect, run `body`, close; errors propagate. */
export async function withClient<T>(ctx: CommandContext, body: (client: CliClient) => Promise<T>): Promise<T> {
  const client = await ctx.connect(toConnectOptions(ctx.connection, ctx.env, ctx.signal));
  try {
    return await body(client);
  } finally {
    client.close();
  }
}

/** Print a result: one JSON line with `--json`, else the text lines. */
export function emit(ctx: CommandContext, json: unknown, lines: readonly string[]): void {
  if (ctx.connection.json) ctx.out(toJson(json));
  else for (const l of lines) ctx.out(l);
}

/**
 * Run a command body and return its exit status: {@link ExitCode.Ok}, or
 * the status for the error (exit-codes.ts) after one line on stderr.
 */
export async function runCommand(ctx: Pick<Output, 'err'>, body: () => Promise<void>): Promise<number> {
  try {
    await body();
    return ExitCode.Ok;
  } catch (err) {
    ctx.err(`pcmk-remote: ${describeError(err)}`);
    return exitCodeFor(err);
  }
}
