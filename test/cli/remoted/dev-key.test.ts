// Development keys: temporary, named and created, named and reused.
import t from 'tap';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { DEV_KEY_BYTES, ensureDevKey } from '../../../src/cli/remoted/dev-key.js';

const work = mkdtempSync(join(tmpdir(), 'pcmk-devkey-'));
t.teardown(() => rmSync(work, { recursive: true, force: true }));

t.test('temporary key: 256 random bytes, 0600, removed by dispose', async (t) => {
  const k = await ensureDevKey();
  t.equal(k.key.length, DEV_KEY_BYTES);
  t.equal(DEV_KEY_BYTES, 256);
  t.ok(k.created);
  t.equal(statSync(k.path).mode & 0o777, 0o600);
  t.same(readFileSync(k.path), k.key);
  const other = await ensureDevKey();
  t.not(other.path, k.path);
  t.notSame(other.key, k.key);
  await k.dispose();
  await other.dispose();
  t.notOk(existsSync(k.path));
  t.notOk(existsSync(dirname(k.path)));
});

t.test('named key: created with its directory, then reused and kept', async (t) => {
  const path = join(work, 'a', 'b', 'authkey');
  const first = await ensureDevKey(path);
  t.ok(first.created);
  t.equal(statSync(path).mode & 0o777, 0o600);
  t.equal(statSync(dirname(path)).mode & 0o777, 0o700);
  const again = await ensureDevKey(path);
  t.notOk(again.created);
  t.same(again.key, first.key);
  await again.dispose();
  await first.dispose();
  t.ok(existsSync(path), 'a named key survives dispose');
});

t.test('an existing key of any length is used as is', async (t) => {
  const path = join(work, 'given');
  writeFileSync(path, 'short key\n');
  t.same((await ensureDevKey(path)).key, Buffer.from('short key\n'));
});

t.test('empty or unreadable key files are errors, never overwritten', async (t) => {
  const empty = join(work, 'empty');
  writeFileSync(empty, '');
  await t.rejects(ensureDevKey(empty), { code: 'AUTHKEY_EMPTY' });
  t.equal(readFileSync(empty).length, 0);
  const dir = join(work, 'isdir');
  mkdirSync(dir);
  await t.rejects(ensureDevKey(dir), { code: 'AUTHKEY_UNREADABLE' });
});

t.test('a dangling symlink is not followed', async (t) => {
  const target = join(work, 'target');
  const link = join(work, 'link');
  symlinkSync(target, link);
  await t.rejects(ensureDevKey(link), { code: 'EEXIST' });
  t.notOk(existsSync(target));
});

t.test('a key path whose directory cannot exist (fails for root too)', async (t) => {
  const plain = join(work, 'plain-file');
  writeFileSync(plain, '');
  await t.rejects(ensureDevKey(join(plain, 'authkey')), { code: /^(ENOTDIR|EEXIST)$/ });
});
