// The byte-keyed string caches of the protobuf fast decoder (spec/protocol.md §13.3).
import t from 'tap';
import { internalize, StringCache } from '../../../src/protocol/protobuf/string-cache.js';

const bytes = (s: string, pad = 3): Buffer => Buffer.concat([Buffer.alloc(pad, 0x7e), Buffer.from(s, 'utf8'), Buffer.alloc(pad, 0x7e)]);

t.test('a stored string comes back for the same bytes anywhere, not for other bytes', async (t) => {
  const c = new StringCache(4, 8);
  const a = bytes('monitor');
  t.equal(c.lookup(a, 3, 7), undefined, 'empty cache');
  const s = c.store(a, 3, 7, 'monitor');
  t.equal(s, 'monitor');
  t.equal(c.lookup(bytes('monitor', 9), 9, 7), 'monitor', 'same bytes elsewhere');
  t.equal(c.lookup(bytes('monitoR'), 3, 7), undefined, 'one byte differs');
  t.equal(c.lookup(bytes('monito'), 3, 6), undefined, 'shorter');
  t.equal(c.maxLength, 8);
});

t.test('a slot holds the last string stored there; results never depend on it', async (t) => {
  const c = new StringCache(1, 16); // two slots: most strings share one
  const words = ['a', 'bb', 'ccc', 'dddd', 'eeeee', 'é', 'param_10_name', 'param_11_name', 'xxxxxxxxxxxxxxxx'];
  for (let round = 0; round < 3; round++) {
    for (const w of words) {
      const b = bytes(w);
      const len = b.length - 6;
      const got = c.lookup(b, 3, len) ?? c.store(b, 3, len, w);
      t.equal(got, w, `${w}, round ${round}`);
    }
  }
});

t.test('internalize gives an equal string', async (t) => {
  const s = Buffer.from('CRM_meta_timeout').toString('latin1');
  t.equal(internalize(s), 'CRM_meta_timeout');
  t.equal(internalize(''), '');
  t.equal(internalize('__proto__'), '__proto__', 'an inherited name is a plain key');
});
