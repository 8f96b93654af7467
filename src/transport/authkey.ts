/**
 * PSK key file lookup (spec/protocol.md §4.1). The key is the raw bytes of
 * the file, trailing newline included; an empty file counts as no key.
 */
import { readFile as fsReadFile } from 'node:fs/promises';
import { TransportError, TransportErrorCode } from './errors.js';

/** Pacemaker's default key location. */
export const DEFAULT_AUTHKEY_PATH = '/etc/pacemaker/authkey';
/** Fallback kept by Pacemaker 2.1.x, gone in 3.0. */
export const COROSYNC_AUTHKEY_PATH = '/etc/corosync/authkey';

/** Options of {@link loadAuthKey}. */
export interface LoadAuthKeyOptions {
  /** Use exactly this file; no fallback when it fails. */
  readonly path?: string;
  /** Environment to read `PCMK_authkey_location` from; default `process.env`. */
  readonly env?: NodeJS.ProcessEnv;
  /**
   * Lookup rules. `'2.1'` (default, the more forgiving): the env path, then
   * /etc/pacemaker/authkey, then /etc/corosync/authkey, first usable wins.
   * `'3.0'`: the env path (`PCMK_` or `HA_authkey_location`) alone if set,
   * else /etc/pacemaker/authkey alone.
   */
  readonly version?: '2.1' | '3.0';
  /** File reader, for tests; default `fs.promises.readFile`. */
  readonly readFile?: (path: string) => Promise<Uint8Array>;
}

/** A loaded key and the file it came from. */
export interface AuthKey {
  readonly key: Buffer;
  readonly path: string;
}

/** The files {@link loadAuthKey} tries, in order. */
export function authKeyCandidates(options: Omit<LoadAuthKeyOptions, 'readFile'> = {}): string[] {
  if (options.path !== undefined) return [options.path];
  const env = options.env ?? process.env;
  const fromEnv = nonEmpty(env.PCMK_authkey_location) ?? (options.version === '3.0' ? nonEmpty(env.HA_authkey_location) : undefined);
  if (options.version === '3.0') return [fromEnv ?? DEFAULT_AUTHKEY_PATH];
  const out = fromEnv === undefined ? [] : [fromEnv];
  for (const p of [DEFAULT_AUTHKEY_PATH, COROSYNC_AUTHKEY_PATH]) if (!out.includes(p)) out.push(p);
  return out;
}

/**
 * Find and read the PSK key. Throws {@link TransportError}: AUTHKEY_MISSING
 * when no candidate exists, otherwise the failure of the first candidate
 * that exists (AUTHKEY_UNREADABLE or AUTHKEY_EMPTY).
 */
export async function loadAuthKey(options: LoadAuthKeyOptions = {}): Promise<AuthKey> {
  const read = options.readFile ?? fsReadFile;
  const candidates = authKeyCandidates(options);
  let first: TransportError | undefined;
  for (const path of candidates) {
    let bytes: Uint8Array;
    try {
      bytes = await read(path);
    } catch (err) {
      if ((err as { code?: unknown }).code !== 'ENOENT' && (err as { code?: unknown }).code !== 'ENOTDIR') {
        first ??= new TransportError(TransportErrorCode.AuthkeyUnreadable, `cannot read key file ${path}: ${(err as Error).message}`, { cause: err });
      }
      continue;
    }
    if (bytes.length === 0) {
      first ??= new TransportError(TransportErrorCode.AuthkeyEmpty, `key file ${path} is empty`);
      continue;
    }
    return { key: Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes), path };
  }
  throw first ?? new TransportError(TransportErrorCode.AuthkeyMissing, `no key file found (tried ${candidates.join(', ')})`);
}

function nonEmpty(v: string | undefined): string | undefined {
  return v === undefined || v === '' ? undefined : v;
}
