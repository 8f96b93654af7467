import t from 'tap';
import { compareVersions, isCompatibleClientVersion, supportsSchemaFetch } from '../../src/protocol/version.js';

t.test('compareVersions is numeric per component', async (t) => {
  t.equal(compareVersions('1.10', '1.2'), 1);
  t.equal(compareVersions('1', '1.0'), 0);
  t.equal(compareVersions('1.0', '1.1'), -1);
  t.equal(compareVersions(undefined, '0'), -1);
  t.equal(compareVersions('0', undefined), 1);
  t.equal(compareVersions(undefined, undefined), 0);
  t.equal(compareVersions('x.1', '0.1'), 0);
});

t.test('server accepts any version from 1.0 up, as Pacemaker does', async (t) => {
  for (const v of ['1.0', '1.1', '1.2', '1', '2.0']) t.ok(isCompatibleClientVersion(v), v);
  for (const v of [undefined, '0.9', '0']) t.notOk(isCompatibleClientVersion(v), String(v));
});

t.test('schema fetch needs 1.2', async (t) => {
  t.ok(supportsSchemaFetch('1.2'));
  t.notOk(supportsSchemaFetch('1.1'));
});
