/**
 * `<attributes>` parameter maps (spec/protocol.md §3.8).
 */
import t from 'tap';
import { ErrorCode } from '../../../src/protocol/errors.js';
import { decodeParams, encodeParams, isAttributeParamName } from '../../../src/protocol/messages/params.js';
import { saxesTree } from '../../helpers/saxes-tree.js';

t.test('reader merges attributes and <param> children, first occurrence wins', async (t) => {
  const el = saxesTree(
    '<attributes a="1" b="2"><param name="a" value="x"/><param name="3d" value="y"/><param name="3d" value="z"/>' +
      '<param name="novalue"/><param value="noname"/><param name="" value="empty"/><other name="c" value="w"/></attributes>',
  );
  t.same(decodeParams(el), { a: '1', b: '2', '3d': 'y' });
  t.same(decodeParams(undefined), {});
});

t.test('reader handles any key, __proto__ included', async (t) => {
  const p = decodeParams(saxesTree('<attributes __proto__="x" constructor="y"/>'));
  t.notOk('toString' in p, 'no inherited keys');
  t.notOk('hasOwnProperty' in decodeParams(undefined), 'no inherited keys when empty');
  t.equal(p['__proto__'], 'x');
  t.same(Object.keys(p), ['__proto__', 'constructor']);
  t.equal(p['constructor'], 'y');
});

t.test('writer: attribute form for plain names, <param> for the rest', async (t) => {
  t.same(
    { ...encodeParams({ b: '1', '1a': '2', a: '3' }).attrs },
    { b: '1', a: '3' },
  );
  const el = encodeParams({ '1a': '2', 'has space': '3' });
  t.same(
    el.children.map((c) => (c.type === 'element' ? [c.name, { ...c.attrs }] : c.type)),
    [['param', { name: '1a', value: '2' }], ['param', { name: 'has space', value: '3' }]],
  );
  t.equal(el.name, 'attributes');
});

t.test('writer rejects an empty name', async (t) => {
  t.throws(() => encodeParams({ a: '1', '': '2' }), { code: ErrorCode.MessageBadValue });
});

t.test('isAttributeParamName: [A-Za-z_][A-Za-z0-9_.-]* except xmlns', async (t) => {
  for (const n of ['a', '_x', 'CRM_meta_timeout', 'a-b.c', 'xmlfoo', 'xmlns_x']) {
    t.ok(isAttributeParamName(n), n);
  }
  for (const n of ['', '1', '9x', '-a', '.a', 'a b', 'a:b', 'xmlns', 'a/b', 'a=b', 'é', 'x\u4e2d']) {
    t.notOk(isAttributeParamName(n), JSON.stringify(n));
  }
});
