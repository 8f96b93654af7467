/**
 * A development key for `pcmk-remoted --dev-key`: random bytes in a file of
 * mode 0600, kept when it exists so that clients can keep using it.
 */
import { randomBytes } from 'node:crypto';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { loadAuthKey } from '../../transport/authkey.js';

/** Length of a generated key: what `pcs` creates, and within node:tls's 512-byte limit. */
export const DEV_KEY_BYTES = 256;

/** A development key and where it is. */
export interface DevKey {
  readonly key: Buffer;
  readonly path: string;
  /** True when this call wrote the file. */
  readonly created: boolean;
  /** Remove what this call created in a temporary directory; keeps a named file. */
  dispose(): Promise<void>;
}

/**
 * Use the key at `path`, creating it (and its directory, mode 0700) with
 * {@link DEV_KEY_BYTES} random bytes when it does not exist. Without `path`,
 * create one in a new temporary directory. Throws the TransportError of
 * the key lookup when the file exists but is unreadable or empty.
 */
export async function ensureDevKey(path?: string): Promise<DevKey> {
  if (path === undefined) {
    const dir = await mkdtemp(join(tmpdir(), 'pcmk-remoted-'));
    const file = join(dir, 'authkey');
    const key = randomBytes(DEV_KEY_BYTES);
    await writeFile(file, key, { mode: 0o600, flag: 'wx' });
    return { key, path: file, created: true, dispose: () => rm(dir, { recursive: true, force: true }) };
  }
  const keep = async (): Promise<void> => {};
  try {
    const found = await loadAuthKey({ path });
    return { key: found.key, path, created: false, dispose: keep };
  } catch (err) {
    if ((err as { code?: unknown }).code !== 'AUTHKEY_MISSING') throw err;
  }
  await mkdir(dirname(path), { recursive: true, mode: 0o700 });
  const key = randomBytes(DEV_KEY_BYTES);
  // 'wx': never follow or overwrite a file that appeared meanwhile.
  await writeFile(path, key, { mode: 0o600, flag: 'wx' });
  return { key, path, created: true, dispose: keep };
}
