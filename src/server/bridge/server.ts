/**
 * The daemon's local bridge (spec/protocol.md §8.13): a Unix socket through
 * which shell agents and the `pcmk-remote attr` / `cib` commands reach the
 * proxy's in-process API. Root-only: the directory is created 0700 and the
 * socket made 0600, so only the daemon's user (and root) may connect.
 */
import { chmod, lstat, mkdir, unlink } from 'node:fs/promises';
import net from 'node:net';
import { dirname } from 'node:path';
import { PcmkRemoteError } from '../../protocol/errors.js';
import type { ProxyApi } from '../ipc-proxy/api.js';
import { errorFields, silentLogger, type Logger } from '../session/logger.js';
import { BridgeError, BridgeErrorCode } from './errors.js';
import { BridgeOp, LineSplitter, MAX_BRIDGE_REQUEST_BYTES, type BridgeAnswer, type BridgeRequest } from './protocol.js';

/** Options of {@link startBridge}. */
export interface BridgeServerOptions {
  readonly path: string;
  readonly api: ProxyApi;
  readonly logger?: Logger;
}

/** A running bridge. */
export interface BridgeServer {
  readonly path: string;
  /** Stop listening, drop connections, remove the socket file. */
  close(): Promise<void>;
}

/**
 * Listen on `path`. A stale socket file (nobody answers on it) is
 * replaced. Rejects with BridgeError BRIDGE_IN_USE when a live daemon
 * serves it or the path is not a socket, or with the filesystem error.
 */
export async function startBridge(options: BridgeServerOptions): Promise<BridgeServer> {
  const { path, api } = options;
  const log = options.logger ?? silentLogger;
  const dir = dirname(path);
  const made = await mkdir(dir, { recursive: true, mode: 0o700 });
  if (made !== undefined) await chmod(dir, 0o700);
  await removeStale(path);

  const sockets = new Set<net.Socket>();
  const server = net.createServer((socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
    serveConnection(socket, api, log);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(path, () => {
      server.off('error', reject);
      resolve();
    });
  });
  await chmod(path, 0o600);
  server.on('error', (err) => log.error({ path, ...errorFields(err) }, 'bridge socket error'));
  log.info({ path }, 'bridge listening');

  let closing: Promise<void> | undefined;
  return {
    path,
    close() {
      closing ??= (async () => {
        const closed = new Promise<void>((r) => server.close(() => r()));
        for (const s of sockets) s.destroy();
        await closed;
        await unlink(path).catch(() => {});
      })();
      return closing;
    },
  };
}

async function removeStale(path: string): Promise<void> {
  let st;
  try {
    st = await lstat(path);
  } catch {
    return;
  }
  if (!st.isSocket()) throw new BridgeError(BridgeErrorCode.InUse, `${path} exists and is not a socket`);
  const alive = await new Promise<boolean>((resolve) => {
    const c = net.connect(path);
    c.once('connect', () => {
      c.destroy();
      resolve(true);
    });
    c.once('error', () => resolve(false));
  });
  if (alive) throw new BridgeError(BridgeErrorCode.InUse, `another daemon serves ${path}`);
  await unlink(path);
}

function serveConnection(socket: net.Socket, api: ProxyApi, log: Logger): void {
  const lines = new LineSplitter(MAX_BRIDGE_REQUEST_BYTES);
  const answer = (a: BridgeAnswer): void => {
    if (!socket.destroyed) socket.write(JSON.stringify(a) + '\n');
  };
  socket.on('error', () => {});
  socket.on('data', (chunk: Buffer) => {
    let got: string[];
    try {
      got = lines.push(chunk);
    } catch {
      answer({ id: 0, ok: false, error: { code: BridgeErrorCode.Protocol, message: `request longer than ${MAX_BRIDGE_REQUEST_BYTES} bytes` } });
      socket.end();
      return;
    }
    for (const line of got) {
      if (line.trim() === '') continue;
      let req: BridgeRequest;
      try {
        req = JSON.parse(line) as BridgeRequest;
        if (typeof req !== 'object' || req === null || typeof req.op !== 'string') throw new Error('not a request object');
      } catch (err) {
        answer({ id: 0, ok: false, error: { code: BridgeErrorCode.Protocol, message: `unreadable request: ${(err as Error).message}` } });
        continue;
      }
      const id = typeof req.id === 'number' ? req.id : 0;
      handle(api, req).then(
        (result) => answer({ id, ok: true, result: result ?? null }),
        (err: unknown) => {
          log.debug({ op: req.op, ...errorFields(err) }, 'bridge request failed');
          answer({ id, ok: false, error: toWireError(err) });
        },
      );
    }
  });
}

function toWireError(err: unknown): { code: string; message: string; rc?: number } {
  if (err instanceof PcmkRemoteError) {
    const rc = (err as { rc?: unknown }).rc;
    return { code: err.code, message: err.message, ...(typeof rc === 'number' ? { rc } : {}) };
  }
  return { code: 'INTERNAL', message: err instanceof Error ? err.message : String(err) };
}

function str(v: unknown, what: string): string {
  if (typeof v !== 'string') throw new BridgeError(BridgeErrorCode.Protocol, `${what} must be a string`);
  return v;
}

/** Dispatch one request to the API. */
async function handle(api: ProxyApi, req: BridgeRequest): Promise<unknown> {
  const common = {
    ...(typeof req.timeoutMs === 'number' ? { timeoutMs: req.timeoutMs } : {}),
    ...(typeof req.pid === 'number' ? { pid: req.pid } : {}),
    ...(typeof req.user === 'string' ? { user: req.user } : {}),
    ...(typeof req.node === 'string' ? { node: req.node } : {}),
  };
  const lifetime = req.lifetime === 'forever' ? ({ lifetime: 'forever' } as const) : {};
  switch (req.op) {
    case BridgeOp.status:
      return api.status();
    case BridgeOp.attrSet:
      await api.setAttribute(str(req.name, 'name'), str(req.value, 'value'), { ...common, ...lifetime });
      return null;
    case BridgeOp.attrDelete:
      await api.deleteAttribute(str(req.name, 'name'), common);
      return null;
    case BridgeOp.attrGet:
      return (await api.getAttribute(str(req.name, 'name'), { ...common, ...lifetime })) ?? null;
    case BridgeOp.attrQuery:
      return (await api.queryAttribute(str(req.name, 'name'), common)) ?? null;
    case BridgeOp.cibQuery: {
      const { node: _n, ...rest } = common;
      return api.queryCib(req.xpath === undefined ? undefined : str(req.xpath, 'xpath'), rest);
    }
    case BridgeOp.nodeName: {
      const { node: _n, ...rest } = common;
      return api.nodeName ?? (await api.learnNodeName(rest));
    }
    default:
      throw new BridgeError(BridgeErrorCode.UnknownOp, `unknown bridge operation ${req.op}`);
  }
}
