/**
 * `pcmk-remote watch`: print every notification (spec/protocol.md §6) until
 * interrupted: one text line each, or the decoded message as one JSON line
 * with `--json`. SIGINT ends it with status 0; a lost connection with 3.
 */
import { ClientError, ClientErrorCode } from '../../client/errors.js';
import { notifyLine, toJson } from '../output.js';
import { runCommand, withClient, type CommandContext } from './context.js';

export function runWatch(ctx: CommandContext): Promise<number> {
  const { signal } = ctx;
  return runCommand(ctx, async () => {
    try {
      await withClient(ctx, async (client) => {
        const stream = client.notifications();
        const stop = (): void => client.close();
        signal?.addEventListener('abort', stop, { once: true });
        try {
          if (signal?.aborted) return;
          for await (const n of stream) ctx.out(ctx.connection.json ? toJson(n) : notifyLine(n));
        } finally {
          signal?.removeEventListener('abort', stop);
        }
        if (!signal?.aborted) throw new ClientError(ClientErrorCode.ConnectionLost, 'the peer closed the connection');
      });
    } catch (err) {
      // Interrupted while connecting: still the normal end of a watch.
      if (!signal?.aborted) throw err;
    }
  });
}
