/**
 * Command-line arguments of the client commands, checked and turned into
 * library options. Every malformed value is a {@link CliError} `USAGE`.
 */
import type { ConnectOptions } from '../client/connect.js';
import type { PskEngine } from '../transport/psk-tls.js';
import { CliError, CliErrorCode } from './exit-codes.js';

/** Default time limit of each network step and request, ms. */
export const DEFAULT_CLI_TIMEOUT_MS = 10_000;

/** Connection options as commander hands them over (strings, unchecked). */
export interface RawConnectionOptions {
  readonly host?: string;
  readonly port?: string;
  readonly authkey?: string;
  readonly json?: boolean;
  readonly timeout?: string;
  readonly tlsEngine?: string;
}

/** Checked connection options. */
export interface ConnectionOptions {
  readonly host: string;
  /** Absent: `PCMK_remote_port`, else 3121 (see `resolvePort`). */
  readonly port?: number;
  /** Absent: the key lookup of §4.1 (`PCMK_authkey_location`, /etc/pacemaker/authkey, /etc/corosync/authkey). */
  readonly authkeyPath?: string;
  readonly json: boolean;
  /** Limit of each step (TCP, TLS, register) and of each reply, ms; 0 = none. */
  readonly timeoutMs: number;
  /** `--tls-engine`: absent = auto (spec/protocol.md §4.9). */
  readonly engine?: PskEngine;
}

function usage(message: string): CliError {
  return new CliError(CliErrorCode.Usage, message);
}

/** A non-negative integer number of milliseconds. */
export function parseMs(text: string, what: string): number {
  const n = /^\d+$/.test(text.trim()) ? Number(text.trim()) : Number.NaN;
  if (!Number.isSafeInteger(n)) throw usage(`${what}: expected a number of milliseconds, got '${text}'`);
  return n;
}

/** A TCP port, 1–65535. */
export function parsePort(text: string): number {
  const n = /^\d+$/.test(text.trim()) ? Number(text.trim()) : Number.NaN;
  if (!Number.isInteger(n) || n < 1 || n > 65535) throw usage(`--port: expected 1-65535, got '${text}'`);
  return n;
}

const ENGINES: readonly PskEngine[] = ['auto', 'node', 'builtin'];

/** Help text of `--tls-engine`, the same on both executables. */
export const TLS_ENGINE_HELP = 'PSK TLS engine: auto (default: node:tls up to 512-byte keys, built-in TLS 1.3 above), node or builtin';

/** `--tls-engine`: auto, node or builtin (spec/protocol.md §4.9). */
export function parseEngine(text: string): PskEngine {
  const v = text.trim().toLowerCase();
  if (!(ENGINES as readonly string[]).includes(v)) throw usage(`--tls-engine: expected auto, node or builtin, got '${text}'`);
  return v as PskEngine;
}

/** Check the connection options; later sources override earlier ones. */
export function parseConnectionOptions(...sources: RawConnectionOptions[]): ConnectionOptions {
  const raw: RawConnectionOptions = Object.assign({}, ...sources.map((s) => Object.fromEntries(Object.entries(s).filter(([, v]) => v !== undefined))));
  if (raw.host !== undefined && raw.host.trim() === '') throw usage('--host: empty');
  if (raw.authkey !== undefined && raw.authkey === '') throw usage('--authkey: empty file name');
  return {
    host: raw.host ?? '127.0.0.1',
    ...(raw.port !== undefined ? { port: parsePort(raw.port) } : {}),
    ...(raw.authkey !== undefined ? { authkeyPath: raw.authkey } : {}),
    json: raw.json ?? false,
    timeoutMs: raw.timeout !== undefined ? parseMs(raw.timeout, '--timeout') : DEFAULT_CLI_TIMEOUT_MS,
    ...(raw.tlsEngine !== undefined ? { engine: parseEngine(raw.tlsEngine) } : {}),
  };
}

/** Library options of `connectClient` for the checked connection options. */
export function toConnectOptions(o: ConnectionOptions, env: NodeJS.ProcessEnv, signal?: AbortSignal): ConnectOptions {
  // node:tls wants a positive limit; 0 ("none") becomes a day.
  const step = o.timeoutMs > 0 ? o.timeoutMs : 86_400_000;
  return {
    host: o.host,
    ...(o.port !== undefined ? { port: o.port } : {}),
    ...(o.authkeyPath !== undefined ? { authkey: { path: o.authkeyPath } } : {}),
    ...(o.engine !== undefined ? { engine: o.engine } : {}),
    env,
    clientName: 'pcmk-remote-cli',
    connectTimeoutMs: step,
    handshakeTimeoutMs: step,
    registerTimeoutMs: o.timeoutMs,
    defaultTimeoutMs: o.timeoutMs,
    ...(signal ? { signal } : {}),
  };
}

/** `K=V` pairs (repeatable `--param`) into a map; the first `=` separates, later ones belong to V. */
export function parseParams(pairs: readonly string[] = []): Record<string, string> {
  const out: Record<string, string> = {};
  for (const p of pairs) {
    const i = p.indexOf('=');
    if (i <= 0) throw usage(`--param: expected NAME=VALUE, got '${p}'`);
    out[p.slice(0, i)] = p.slice(i + 1);
  }
  return out;
}

/** A resource agent `CLASS:[PROVIDER:]TYPE`. */
export interface AgentSpec {
  readonly standard: string;
  readonly provider?: string;
  readonly agent: string;
}

/**
 * Parse `CLASS:[PROVIDER:]TYPE` (spec/protocol.md §5.2): `ocf` needs a
 * provider, the other classes take none.
 */
export function parseAgentSpec(text: string): AgentSpec {
  const parts = text.split(':');
  const bad = (why: string): CliError => usage(`agent '${text}': ${why} (expected CLASS:[PROVIDER:]TYPE, e.g. ocf:pacemaker:Dummy)`);
  if (parts.some((p) => p === '') || parts.length < 2 || parts.length > 3) throw bad('malformed');
  const isOcf = parts[0]!.toLowerCase() === 'ocf';
  if (parts.length === 2) {
    if (isOcf) throw bad('class ocf needs a provider');
    return { standard: parts[0]!, agent: parts[1]! };
  }
  if (!isOcf) throw bad('only class ocf takes a provider');
  return { standard: parts[0]!, provider: parts[1]!, agent: parts[2]! };
}

/** A non-empty positional argument. */
export function requireArg(value: string | undefined, what: string): string {
  if (value === undefined || value === '') throw usage(`${what}: missing or empty`);
  return value;
}
