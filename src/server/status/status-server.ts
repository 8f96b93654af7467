/**
 * A small read-only HTTP endpoint beside the daemon: `GET /status` returns
 * the daemon's status snapshot as JSON, `GET /healthz` returns `ok`. It
 * has no authentication, so it listens on a Unix socket (mode 0600) or on a
 * loopback TCP address, never elsewhere.
 */
import { lstat, chmod, unlink } from 'node:fs/promises';
import http from 'node:http';
import net from 'node:net';
import { StatusEndpointError, StatusEndpointErrorCode } from './errors.js';
import { isLoopbackAddress, isLoopbackHost } from './loopback.js';

/** Returns the current status; called once per `GET /status`, its result sent as JSON. */
export type StatusSource = () => unknown;

/** Options of {@link startStatusEndpoint}: exactly one of `socketPath` and `port`. */
export interface StatusEndpointOptions {
  readonly source: StatusSource;
  /** Listen on this Unix socket, created with mode 0600; a stale socket file is replaced. */
  readonly socketPath?: string;
  /** Listen on this TCP port (0: any free port) of `host`. */
  readonly port?: number;
  /** Loopback address for TCP; default 127.0.0.1. Anything else is refused. */
  readonly host?: string;
  /** Told about a source that threw (the request gets 500). */
  readonly onError?: (err: unknown) => void;
}

/** Where an endpoint listens. */
export type StatusEndpointAddress = { readonly socketPath: string } | { readonly host: string; readonly port: number };

/** A running endpoint. */
export interface StatusEndpoint {
  readonly address: StatusEndpointAddress;
  /** Stop listening, drop open connections, remove the socket file. */
  close(): Promise<void>;
}

/** Options of {@link createStatusHandler}. */
export interface StatusHandlerOptions {
  /** Answer 403 unless the `Host` header names a loopback address or `localhost` (TCP mode). */
  readonly checkHost?: boolean;
  readonly onError?: (err: unknown) => void;
}

type Route = () => { type: string; body: string };

/**
 * The request handler alone: `GET`/`HEAD` of `/status` (200, JSON) and
 * `/healthz` (200, `ok`); another method on those paths 405; any other
 * path 404; a source that throws 500.
 */
export function createStatusHandler(source: StatusSource, options: StatusHandlerOptions = {}): http.RequestListener {
  const routes: Record<string, Route> = {
    '/status': () => ({ type: 'application/json; charset=utf-8', body: JSON.stringify(source(), null, 2) + '\n' }),
    '/healthz': () => ({ type: 'text/plain; charset=utf-8', body: 'ok' }),
  };
  return (req, res) => {
    const path = (req.url ?? '/').split('?', 1)[0]!;
    if (options.checkHost && !isLoopbackHost(req.headers.host)) return send(res, req, 403, 'forbidden\n');
    const route = Object.hasOwn(routes, path) ? routes[path] : undefined;
    if (route === undefined) return send(res, req, 404, 'not found\n');
    if (req.method !== 'GET' && req.method !== 'HEAD') return send(res, req, 405, 'method not allowed\n', { allow: 'GET, HEAD' });
    let out: { type: string; body: string };
    try {
      out = route();
    } catch (err) {
      options.onError?.(err);
      return send(res, req, 500, 'internal error\n');
    }
    send(res, req, 200, out.body, { 'content-type': out.type });
  };
}

function send(res: http.ServerResponse, req: http.IncomingMessage, status: number, body: string, headers: Record<string, string> = {}): void {
  res.writeHead(status, {
    'content-type': 'text/plain; charset=utf-8',
    'content-length': Buffer.byteLength(body),
    'cache-control': 'no-store',
    'x-content-type-options': 'nosniff',
    ...headers,
  });
  res.end(req.method === 'HEAD' ? undefined : body);
}

/**
 * Start the endpoint. Throws {@link StatusEndpointError}: `STATUS_INVALID_OPTIONS`
 * (not exactly one of socket and port, or a bad port), `STATUS_NOT_LOOPBACK`
 * (a TCP host that is not a loopback address), `STATUS_ADDRESS_IN_USE` (a
 * live listener on the socket or port, or a socket path naming a file that
 * is not a socket), `STATUS_LISTEN_FAILED` (anything else; `cause` is node's error).
 */
export async function startStatusEndpoint(options: StatusEndpointOptions): Promise<StatusEndpoint> {
  const { socketPath, port } = options;
  if ((socketPath === undefined) === (port === undefined) || socketPath === '') {
    throw new StatusEndpointError(StatusEndpointErrorCode.InvalidOptions, 'the status endpoint needs either a socket path or a TCP port');
  }
  if (port !== undefined && (!Number.isInteger(port) || port < 0 || port > 65535)) {
    throw new StatusEndpointError(StatusEndpointErrorCode.InvalidOptions, `status port out of range: ${port}`);
  }
  const host = options.host ?? '127.0.0.1';
  if (socketPath === undefined && !isLoopbackAddress(host)) {
    throw new StatusEndpointError(StatusEndpointErrorCode.NotLoopback, `the status endpoint listens on loopback addresses only, not ${host}`);
  }
  const server = http.createServer(
    { requestTimeout: 10_000, headersTimeout: 10_000, keepAliveTimeout: 5_000 },
    createStatusHandler(options.source, { checkHost: socketPath === undefined, ...(options.onError ? { onError: options.onError } : {}) }),
  );
  server.maxConnections = 64;

  let address: StatusEndpointAddress;
  if (socketPath !== undefined) {
    await listenUnix(server, socketPath);
    address = { socketPath };
  } else {
    await listenOnce(server, { host, port: port! }).catch((err: unknown) => {
      throw listenError(err, `${host}:${port}`);
    });
    address = { host, port: (server.address() as net.AddressInfo).port };
  }
  return {
    address,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

/** `unix:/path` or `127.0.0.1:port` (`[::1]:port`), for messages. */
export function describeStatusAddress(a: StatusEndpointAddress): string {
  if ('socketPath' in a) return `unix:${a.socketPath}`;
  return `${a.host.includes(':') ? `[${a.host}]` : a.host}:${a.port}`;
}

async function listenUnix(server: http.Server, path: string): Promise<void> {
  try {
    await listenOnce(server, { path }, 0o177);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EADDRINUSE' || !(await isStaleSocket(path))) throw listenError(err, path);
    // A socket file left by a daemon that died: replace it.
    await unlink(path).catch(() => {});
    await listenOnce(server, { path }, 0o177).catch((e: unknown) => {
      throw listenError(e, path);
    });
  }
  // The umask above already made it 0600 where node binds synchronously; make sure.
  await chmod(path, 0o600);
}

/** Listen once; with `umask`, bind under that umask (the socket file gets its mode at bind). */
function listenOnce(server: net.Server, opts: net.ListenOptions, umask?: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const onError = (err: Error): void => reject(err);
    server.once('error', onError);
    const old = umask === undefined ? undefined : setUmask(umask);
    try {
      server.listen(opts, () => {
        server.off('error', onError);
        resolve();
      });
    } finally {
      if (old !== undefined) setUmask(old);
    }
  });
}

function setUmask(mask: number): number | undefined {
  try {
    return process.umask(mask);
  } catch {
    return undefined; // worker threads cannot; chmod afterwards still applies
  }
}

/** A socket file nobody accepts on (ECONNREFUSED); anything else is not ours to remove. */
async function isStaleSocket(path: string): Promise<boolean> {
  const st = await lstat(path).catch(() => undefined);
  if (!st?.isSocket()) return false;
  return new Promise((resolve) => {
    const probe = net.connect({ path });
    probe.once('connect', () => {
      probe.destroy();
      resolve(false);
    });
    probe.once('error', (err: NodeJS.ErrnoException) => resolve(err.code === 'ECONNREFUSED'));
  });
}

function listenError(err: unknown, where: string): StatusEndpointError {
  const code = (err as NodeJS.ErrnoException).code;
  if (code === 'EADDRINUSE') return new StatusEndpointError(StatusEndpointErrorCode.AddressInUse, `status endpoint: ${where} is in use`, { cause: err });
  return new StatusEndpointError(StatusEndpointErrorCode.ListenFailed, `status endpoint: cannot listen on ${where}: ${(err as Error).message}`, { cause: err });
}
