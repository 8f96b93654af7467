import t from 'tap';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  COROSYNC_AUTHKEY_PATH,
  DEFAULT_AUTHKEY_PATH,
  authKeyCandidates,
  loadAuthKey,
} from '../../src/transport/authkey.js';
import { TransportErrorCode } from '../../src/transport/errors.js';

const enoent = (p: string): Error => Object.assign(new Error(`ENOENT: ${p}`), { code: 'ENOENT' });

/** A fake file system: path → contents, or an Error to throw. */
function fakeFs(files: Record<string, string | Error>): (p: string) => Promise<Uint8Array> {
  return async (p) => {
    const v = files[p];
    if (v === undefined) throw enoent(p);
    if (v instanceof Error) throw v;
    return Buffer.from(v);
  };
}

t.test('candidate order', async (t) => {
  t.same(authKeyCandidates({ env: {} }), [DEFAULT_AUTHKEY_PATH, COROSYNC_AUTHKEY_PATH]);
  t.same(authKeyCandidates({ env: { PCMK_authkey_location: '/k' } }), ['/k', DEFAULT_AUTHKEY_PATH, COROSYNC_AUTHKEY_PATH]);
  t.same(authKeyCandidates({ env: { PCMK_authkey_location: DEFAULT_AUTHKEY_PATH } }), [DEFAULT_AUTHKEY_PATH, COROSYNC_AUTHKEY_PATH]);
  t.same(authKeyCandidates({ env: { PCMK_authkey_location: '' } }), [DEFAULT_AUTHKEY_PATH, COROSYNC_AUTHKEY_PATH]);
  t.same(authKeyCandidates({ env: { HA_authkey_location: '/ha' } }), [DEFAULT_AUTHKEY_PATH, COROSYNC_AUTHKEY_PATH], '2.1 ignores HA_');
  t.same(authKeyCandidates({ env: { HA_authkey_location: '/ha' }, version: '3.0' }), ['/ha']);
  t.same(authKeyCandidates({ env: { HA_authkey_location: '/ha', PCMK_authkey_location: '/p' }, version: '3.0' }), ['/p']);
  t.same(authKeyCandidates({ env: {}, version: '3.0' }), [DEFAULT_AUTHKEY_PATH]);
  t.same(authKeyCandidates({ path: '/x', env: { PCMK_authkey_location: '/k' } }), ['/x']);
});

t.test('2.1 order: env, pacemaker, corosync; first usable wins', async (t) => {
  const env = { PCMK_authkey_location: '/env/key' };
  let r = await loadAuthKey({ env, readFile: fakeFs({ '/env/key': 'E\n', [DEFAULT_AUTHKEY_PATH]: 'P' }) });
  t.same(r, { key: Buffer.from('E\n'), path: '/env/key' }, 'trailing newline kept');
  r = await loadAuthKey({ env, readFile: fakeFs({ [DEFAULT_AUTHKEY_PATH]: 'P', [COROSYNC_AUTHKEY_PATH]: 'C' }) });
  t.equal(r.path, DEFAULT_AUTHKEY_PATH);
  r = await loadAuthKey({ env, readFile: fakeFs({ '/env/key': '', [COROSYNC_AUTHKEY_PATH]: 'C' }) });
  t.equal(r.path, COROSYNC_AUTHKEY_PATH, 'empty env key falls through');
  t.equal(r.key.toString(), 'C');
});

t.test('3.0 order: no fallback', async (t) => {
  const files = fakeFs({ [DEFAULT_AUTHKEY_PATH]: 'P', [COROSYNC_AUTHKEY_PATH]: 'C' });
  await t.rejects(loadAuthKey({ version: '3.0', env: { PCMK_authkey_location: '/nope' }, readFile: files }), { code: TransportErrorCode.AuthkeyMissing });
  t.equal((await loadAuthKey({ version: '3.0', env: {}, readFile: files })).path, DEFAULT_AUTHKEY_PATH);
  await t.rejects(loadAuthKey({ version: '3.0', env: {}, readFile: fakeFs({ [COROSYNC_AUTHKEY_PATH]: 'C' }) }), { code: TransportErrorCode.AuthkeyMissing });
});

t.test('explicit path: only that file', async (t) => {
  const files = fakeFs({ [DEFAULT_AUTHKEY_PATH]: 'P' });
  await t.rejects(loadAuthKey({ path: '/mine', env: {}, readFile: files }), { code: TransportErrorCode.AuthkeyMissing });
});

t.test('errors: missing, unreadable, empty; the first existing candidate decides', async (t) => {
  await t.rejects(loadAuthKey({ env: {}, readFile: fakeFs({}) }), { code: TransportErrorCode.AuthkeyMissing });
  const eacces = Object.assign(new Error('EACCES'), { code: 'EACCES' });
  await t.rejects(loadAuthKey({ env: {}, readFile: fakeFs({ [DEFAULT_AUTHKEY_PATH]: eacces, [COROSYNC_AUTHKEY_PATH]: '' }) }), {
    code: TransportErrorCode.AuthkeyUnreadable,
  });
  await t.rejects(loadAuthKey({ env: {}, readFile: fakeFs({ [DEFAULT_AUTHKEY_PATH]: '', [COROSYNC_AUTHKEY_PATH]: eacces }) }), {
    code: TransportErrorCode.AuthkeyEmpty,
  });
});

t.test('real files', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'pcmk-authkey-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  const good = join(dir, 'good');
  const bytes = Buffer.concat([Buffer.from([0, 1, 255, 10]), Buffer.alloc(252, 7), Buffer.from('\n')]);
  writeFileSync(good, bytes);
  const empty = join(dir, 'empty');
  writeFileSync(empty, '');
  const r = await loadAuthKey({ path: good });
  t.ok(r.key.equals(bytes), 'raw bytes, unmodified');
  t.equal(r.key.length, 257);
  await t.rejects(loadAuthKey({ path: empty }), { code: TransportErrorCode.AuthkeyEmpty });
  await t.rejects(loadAuthKey({ path: dir }), { code: TransportErrorCode.AuthkeyUnreadable }, 'a directory');
  await t.rejects(loadAuthKey({ path: join(dir, 'missing') }), { code: TransportErrorCode.AuthkeyMissing });
  await t.rejects(loadAuthKey({ path: join(good, 'below-a-file') }), { code: TransportErrorCode.AuthkeyMissing }, 'ENOTDIR');
  t.equal((await loadAuthKey({ env: { PCMK_authkey_location: good } })).path, good);
});
