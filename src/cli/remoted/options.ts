/**
 * Options of `pcmk-remoted`, checked: command line first, then the
 * environment variables Pacemaker's daemon reads (`PCMK_remote_address`,
 * `PCMK_remote_port`, `PCMK_debug`, `PCMK_logfile`), then defaults. Pure:
 * no files are read here. Every malformed value is a {@link CliError} `USAGE`.
 */
import { CliError, CliErrorCode } from '../exit-codes.js';
import { parseEngine } from '../client-options.js';
import type { PskEngine } from '../../transport/psk-tls.js';

/** Default TCP port (spec/protocol.md §4.1). */
export const DEFAULT_DAEMON_PORT = 3121;

/** pino's levels, most verbose first, and `silent`. */
export const LOG_LEVELS = ['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

/** Options as commander hands them over (strings, unchecked). */
export interface RawRemotedOptions {
  readonly address?: string;
  readonly port?: string;
  readonly authkey?: string;
  readonly logLevel?: string;
  readonly logFile?: string;
  readonly statusSocket?: string;
  readonly statusPort?: string;
  /** `--dev-key` alone is `true`; `--dev-key FILE` the file. */
  readonly devKey?: string | boolean;
  readonly ocfRoot?: string;
  /** `--agents`, repeatable. */
  readonly agents?: readonly string[];
  /** `--bridge PATH`; `--no-bridge` is `false`. */
  readonly bridge?: string | boolean;
  readonly shutdownWait?: string;
  readonly nodeName?: string;
  readonly tlsEngine?: string;
}

/** Where the status endpoint listens. */
export type StatusListen = { readonly socketPath: string } | { readonly port: number };

/** Checked options. */
export interface RemotedOptions {
  /** Absent: every address (the daemon's default). */
  readonly address?: string;
  readonly port: number;
  /** `--authkey`: this file and no other. */
  readonly authkeyPath?: string;
  /** `--dev-key`: when no key is configured, use (and if needed create) a key file; `path` absent = a temporary one. */
  readonly devKey?: { readonly path?: string };
  readonly logLevel: LogLevel;
  /** Absent: standard error. */
  readonly logFile?: string;
  readonly status?: StatusListen;
  readonly ocfRoot?: string;
  /** Modules of in-process agents (agent-modules.ts), in command-line order. */
  readonly agentModules?: readonly string[];
  /**
   * The local bridge's socket when named (spec/protocol.md §8.13): `--bridge`,
   * else `PCMK_REMOTE_BRIDGE`. Absent: the default path, where a failure is
   * only logged (see {@link bridgeOf}); `false`: `--no-bridge`.
   */
  readonly bridge?: string | false;
  /** `--shutdown-wait MS`: longest graceful-shutdown wait for the cluster (§8.14). */
  readonly shutdownWaitMs?: number;
  /** `--node-name`: this node's cluster name for the proxy API. */
  readonly nodeName?: string;
  /** `--tls-engine`: the PSK engine (spec/protocol.md §4.9); absent = auto. */
  readonly engine?: PskEngine;
}

/** Default socket of the local bridge (same as src/server/bridge/protocol.ts). */
export const DEFAULT_BRIDGE_SOCKET = '/run/pcmk-remote/bridge.sock';

/**
 * The bridge the daemon serves: on by default. A path someone named must
 * work; the default one may fail (a run without root) and is then skipped.
 */
export function bridgeOf(o: RemotedOptions): { path: string; optional: boolean } | undefined {
  if (o.bridge === false) return undefined;
  return o.bridge !== undefined ? { path: o.bridge, optional: false } : { path: DEFAULT_BRIDGE_SOCKET, optional: true };
}

function usage(message: string): CliError {
  return new CliError(CliErrorCode.Usage, message);
}

function nonEmpty(v: string | undefined): string | undefined {
  return v === undefined || v.trim() === '' ? undefined : v.trim();
}

/** A port to listen on, 0–65535 (0: any free port). */
export function parseListenPort(text: string, what: string): number {
  const n = /^\d+$/.test(text.trim()) ? Number(text.trim()) : Number.NaN;
  if (!Number.isInteger(n) || n > 65535) throw usage(`${what}: expected a port 0-65535, got '${text}'`);
  return n;
}

/**
 * `PCMK_debug` as Pacemaker reads it: a true value (`yes`, `true`, `on`,
 * `y`, `1`) turns debugging on for every daemon; otherwise a comma- or
 * space-separated list of daemon names turns it on for those named.
 */
export function debugFromEnv(value: string | undefined): boolean {
  const v = nonEmpty(value)?.toLowerCase();
  if (v === undefined) return false;
  if (['yes', 'y', 'true', 'on', '1'].includes(v)) return true;
  return v.split(/[\s,]+/).some((name) => name === 'pacemaker-remoted' || name === 'pcmk-remoted');
}

/** Check the options; `env` supplies what the command line leaves out. */
export function parseRemotedOptions(raw: RawRemotedOptions, env: NodeJS.ProcessEnv = {}): RemotedOptions {
  if (raw.address !== undefined && raw.address.trim() === '') throw usage('--address: empty');
  const address = nonEmpty(raw.address) ?? nonEmpty(env.PCMK_remote_address);

  const envPort = nonEmpty(env.PCMK_remote_port);
  const port =
    raw.port !== undefined
      ? parseListenPort(raw.port, '--port')
      : envPort !== undefined
        ? parseListenPort(envPort, 'PCMK_remote_port')
        : DEFAULT_DAEMON_PORT;

  if (raw.authkey !== undefined && raw.authkey === '') throw usage('--authkey: empty file name');
  if (raw.devKey === '') throw usage('--dev-key: empty file name');

  let logLevel: LogLevel = debugFromEnv(env.PCMK_debug) ? 'debug' : 'info';
  if (raw.logLevel !== undefined) {
    const l = raw.logLevel.trim().toLowerCase();
    if (!(LOG_LEVELS as readonly string[]).includes(l)) throw usage(`--log-level: expected one of ${LOG_LEVELS.join(', ')}, got '${raw.logLevel}'`);
    logLevel = l as LogLevel;
  }

  if (raw.logFile !== undefined && raw.logFile === '') throw usage('--log-file: empty file name');
  // Pacemaker's "none" turns file logging off; here that means standard error.
  const envLog = nonEmpty(env.PCMK_logfile);
  const logFile = raw.logFile ?? (envLog !== undefined && envLog.toLowerCase() !== 'none' ? envLog : undefined);

  if (raw.statusSocket !== undefined && raw.statusPort !== undefined) throw usage('--status-socket and --status-port: give one of them');
  if (raw.statusSocket === '') throw usage('--status-socket: empty path');
  const status: StatusListen | undefined =
    raw.statusSocket !== undefined
      ? { socketPath: raw.statusSocket }
      : raw.statusPort !== undefined
        ? { port: parseListenPort(raw.statusPort, '--status-port') }
        : undefined;

  if (raw.ocfRoot !== undefined && raw.ocfRoot === '') throw usage('--ocf-root: empty path');
  if (raw.agents?.some((a) => a.trim() === '')) throw usage('--agents: empty module path');

  if (raw.bridge === '') throw usage('--bridge: empty path');
  const envBridge = nonEmpty(env.PCMK_REMOTE_BRIDGE);
  const bridge = raw.bridge === false ? false : typeof raw.bridge === 'string' ? raw.bridge : envBridge;
  let shutdownWaitMs: number | undefined;
  if (raw.shutdownWait !== undefined) {
    shutdownWaitMs = /^\d+$/.test(raw.shutdownWait.trim()) ? Number(raw.shutdownWait.trim()) : Number.NaN;
    if (!Number.isSafeInteger(shutdownWaitMs)) throw usage(`--shutdown-wait: expected milliseconds, got '${raw.shutdownWait}'`);
  }
  if (raw.nodeName !== undefined && raw.nodeName.trim() === '') throw usage('--node-name: empty name');

  return {
    ...(address !== undefined ? { address } : {}),
    port,
    ...(bridge !== undefined ? { bridge } : {}),
    ...(shutdownWaitMs !== undefined ? { shutdownWaitMs } : {}),
    ...(raw.nodeName !== undefined ? { nodeName: raw.nodeName.trim() } : {}),
    ...(raw.tlsEngine !== undefined ? { engine: parseEngine(raw.tlsEngine) } : {}),
    ...(raw.authkey !== undefined ? { authkeyPath: raw.authkey } : {}),
    ...(raw.devKey !== undefined && raw.devKey !== false ? { devKey: typeof raw.devKey === 'string' ? { path: raw.devKey } : {} } : {}),
    logLevel,
    ...(logFile !== undefined ? { logFile } : {}),
    ...(status !== undefined ? { status } : {}),
    ...(raw.ocfRoot !== undefined ? { ocfRoot: raw.ocfRoot } : {}),
    ...(raw.agents !== undefined && raw.agents.length > 0 ? { agentModules: raw.agents.map((a) => a.trim()) } : {}),
  };
}
