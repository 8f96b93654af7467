/**
 * Field codecs (spec/protocol.md §3.9).
 */
import t from 'tap';
import { ErrorCode, isProtocolError } from '../../../src/protocol/errors.js';
import { AttrReader, AttrWriter, parseBoolean, parseInteger } from '../../../src/protocol/messages/fields.js';
import type { XmlElement } from '../../../src/protocol/xml/types.js';

t.test('parseInteger', async (t) => {
  t.equal(parseInteger('0', 'x'), 0);
  t.equal(parseInteger('-17', 'x'), -17);
  t.equal(parseInteger('0042', 'x'), 42);
  t.ok(Object.is(parseInteger('-0', 'x'), 0));
  for (const v of ['', '-', ' 1', '1\n', '+1', '1_000', '1.5', '0b1', 'Infinity', '99999999999999999999']) {
    t.throws(() => parseInteger(v, 'x'), { code: ErrorCode.MessageBadValue }, JSON.stringify(v));
  }
  try {
    parseInteger('z', 'lrmd_rc');
  } catch (e) {
    t.ok(isProtocolError(e, ErrorCode.MessageBadValue));
  }
});

t.test('parseBoolean', async (t) => {
  for (const v of ['true', 'True', 'YES', 'y', 'On', '1']) t.equal(parseBoolean(v), true, v);
  for (const v of ['false', '0', 'off', 'n', '2', '']) t.equal(parseBoolean(v), false, v);
});

t.test('AttrReader keeps what was not read, AttrWriter keeps order and first values', async (t) => {
  const el: XmlElement = { type: 'element', name: 'e', attrs: { a: '1', b: 'x', c: 'true' }, children: [] };
  const r = new AttrReader(el);
  t.equal(r.int('a'), 1);
  t.equal(r.str('missing'), undefined);
  t.equal(r.int0('missing'), 0);
  t.equal(r.bool('c'), true);
  t.equal(r.bool('missing'), undefined);
  t.same(r.rest(), { b: 'x' });
  r.skip('b');
  r.skip('missing');
  t.equal(r.rest(), undefined);
  t.throws(() => r.required('missing'), { code: ErrorCode.MessageMissingField });

  const w = new AttrWriter().set('z', 1).set('skip', undefined).bool('b', true).add('z', 'no').add('y', 'v');
  w.extra({ z: 'no', q: 'r', s: 't' }, new Set(['s']));
  t.same(Object.keys(w.attrs), ['z', 'b', 'y', 'q']);
  t.same({ ...w.attrs }, { z: '1', b: 'true', y: 'v', q: 'r' });
});
