/**
 * `pcmk-remote provide --cib FILE [--node NAME]`: connect as the IPC
 * provider (spec/protocol.md §8) and serve the remote node's tools
 * (cibadmin, crm_attribute, attrd_updater, crm_mon, crm_node) from an
 * in-memory backend seeded with FILE until interrupted. Prints one line
 * when ready and, with --json or --verbose, one line per session event and
 * request. SIGINT ends it with status 0; a lost connection with 3.
 */
import { readFile } from 'node:fs/promises';
import { hostname } from 'node:os';
import { ClientError, ClientErrorCode } from '../../client/errors.js';
import { createIpcProvider, type IpcProviderConnection } from '../../client/ipc-provider/provider.js';
import { createMemoryBackend } from '../../client/ipc-provider/memory/backend.js';
import type { IpcRequest, ProviderSession } from '../../client/ipc-provider/types.js';
import { toConnectOptions } from '../client-options.js';
import { CliError, CliErrorCode } from '../exit-codes.js';
import { toJson } from '../output.js';
import { runCommand, type CommandContext } from './context.js';

/** Arguments of `provide`. */
export interface ProvideCommandArgs {
  /** Seed CIB file. */
  readonly cib?: string;
  /** The remote node's cluster name; default this host's short name. */
  readonly node?: string;
  /** Log sessions and requests as text lines. */
  readonly verbose?: boolean;
  /** Answer `shutdown_req` with `shutdown_nack` instead of `shutdown_ack` (§8.9). */
  readonly refuseShutdown?: boolean;
}

/** The operation a proxied message names, whichever daemon it is for. */
function operationOf(req: IpcRequest): string {
  const a = req.xml.attrs;
  return a.cib_op ?? a.task ?? a.crm_task ?? a.st_op ?? req.xml.name;
}

export function runProvide(args: ProvideCommandArgs, ctx: CommandContext): Promise<number> {
  const { signal } = ctx;
  const json = ctx.connection.json;
  const log = (fields: Record<string, unknown>, text: string): void => {
    if (json) ctx.out(toJson(fields));
    else if (args.verbose) ctx.out(text);
  };
  return runCommand(ctx, async () => {
    if (!args.cib) throw new CliError(CliErrorCode.Usage, '--cib: a CIB file is required');
    const nodeName = args.node ?? hostname().split('.')[0]!;
    if (nodeName === '') throw new CliError(CliErrorCode.Usage, '--node: empty');
    let text: string;
    try {
      text = await readFile(args.cib, 'utf8');
    } catch (err) {
      throw new CliError(CliErrorCode.Usage, `--cib: cannot read ${args.cib}: ${(err as Error).message}`, { cause: err });
    }
    const backend = createMemoryBackend({ cib: text, nodeName });
    let client: IpcProviderConnection & { close(): void };
    try {
      client = (await ctx.connect({ ...toConnectOptions(ctx.connection, ctx.env, signal), clientName: 'pcmk-remote-provide', isIpcProvider: true })) as unknown as IpcProviderConnection & {
        close(): void;
      };
    } catch (err) {
      // Interrupted while connecting: the normal end of a server.
      if (signal?.aborted) return;
      throw err;
    }
    if (typeof client.sendIpc !== 'function') {
      client.close();
      throw new ClientError(ClientErrorCode.Protocol, 'the connection cannot act as IPC provider');
    }
    const provider = createIpcProvider(client, {
      handlers: backend.handlers,
      nodeName,
      onShutdownRequest: () => (args.refuseShutdown ? 'nack' : 'ack'),
    });
    const sid = (s: ProviderSession): string => s.id.slice(0, 8);
    provider.on('open', (s) => log({ event: 'open', session: s.id, server: s.server }, `open ${sid(s)} ${s.server}`));
    provider.on('close', (s, reason) => log({ event: 'close', session: s.id, server: s.server, reason }, `close ${sid(s)} ${s.server} (${reason})`));
    provider.on('refused', (r) => log({ event: 'refused', session: r.session, server: r.server }, `refused ${r.session.slice(0, 8)} ${r.server}`));
    provider.on('request', (s, r) =>
      log({ event: 'request', session: s.id, server: s.server, msgId: r.msgId, flags: r.flags, op: operationOf(r) }, `request ${sid(s)} ${s.server} #${r.msgId} ${operationOf(r)}`),
    );
    provider.on('shutdown', (d) => log({ event: 'shutdown', decision: d }, `shutdown request answered: ${d}`));
    provider.on('handlerError', (e, s) => ctx.err(`pcmk-remote: provide: ${s ? `session ${sid(s)}: ` : ''}${e.message}`));

    const closed = new Promise<void>((resolve) => client.on('close', () => resolve()));
    const stop = (): void => {
      void provider.close().finally(() => client.close());
    };
    signal?.addEventListener('abort', stop, { once: true });
    if (signal?.aborted) stop();
    else if (json) ctx.out(toJson({ event: 'ready', node: nodeName, cib: args.cib }));
    else ctx.out(`ready: serving IPC for node ${nodeName} from ${args.cib}`);
    try {
      await closed;
    } finally {
      signal?.removeEventListener('abort', stop);
    }
    if (!signal?.aborted) throw new ClientError(ClientErrorCode.ConnectionLost, 'the executor closed the connection');
  });
}
