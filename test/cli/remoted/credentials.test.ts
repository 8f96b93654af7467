// Which credentials the daemon gets: X.509 from the environment, else the
// PSK from --authkey, PCMK_authkey_location, --dev-key, default locations.
import t from 'tap';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describeCredentials, resolveCredentials } from '../../../src/cli/remoted/credentials.js';
import { makePki, opensslUnavailable } from '../../transport/fixtures/x509/make-pki.js';

const work = mkdtempSync(join(tmpdir(), 'pcmk-creds-'));
t.teardown(() => rmSync(work, { recursive: true, force: true }));
const keyA = join(work, 'a');
const keyB = join(work, 'b');
writeFileSync(keyA, 'key-a');
writeFileSync(keyB, 'key-b');

t.test('--authkey, then PCMK_authkey_location, then --dev-key', async (t) => {
  const dev = join(work, 'dev');
  let c = await resolveCredentials({ authkeyPath: keyA, devKey: { path: dev } }, { PCMK_authkey_location: keyB });
  t.match(c, { mode: 'psk', path: keyA, created: false, dev: false });
  t.equal(describeCredentials(c), `psk, key ${keyA}`);
  c = await resolveCredentials({ devKey: { path: dev } }, { PCMK_authkey_location: keyB });
  t.match(c, { mode: 'psk', path: keyB, dev: false });
  t.same(c.mode === 'psk' && c.key, Buffer.from('key-b'));
  t.notOk(existsSync(dev), 'no dev key made when one is configured');
  c = await resolveCredentials({ devKey: { path: dev } }, { PCMK_authkey_location: '' });
  t.match(c, { mode: 'psk', path: dev, created: true, dev: true });
  await c.dispose();
  t.ok(existsSync(dev));
});

t.test('a temporary dev key goes away with dispose', async (t) => {
  const c = await resolveCredentials({ devKey: {} }, {});
  t.ok(c.mode === 'psk' && existsSync(c.path));
  await c.dispose();
  t.notOk(c.mode === 'psk' && existsSync(c.path));
});

t.test('missing key', async (t) => {
  await t.rejects(resolveCredentials({ authkeyPath: join(work, 'nope') }, {}), { code: 'AUTHKEY_MISSING' });
});

t.test('X.509 from the environment', { skip: opensslUnavailable }, async (t) => {
  const pki = makePki();
  t.teardown(() => rmSync(pki.dir, { recursive: true, force: true }));
  const env = { PCMK_ca_file: pki.ca, PCMK_cert_file: pki.server.cert, PCMK_key_file: pki.server.key };
  const c = await resolveCredentials({ authkeyPath: join(work, 'nope') }, env);
  t.equal(c.mode, 'x509', 'X.509 wins; the key is not even looked up');
  t.equal(describeCredentials(c), `x509, ca ${pki.ca}`);
  await c.dispose();
  await t.rejects(resolveCredentials({}, { PCMK_ca_file: pki.ca }), { code: 'X509_CONFIG_INCOMPLETE' });
});
