import t from 'tap';
import { OutputCollector } from '../../../src/server/agents/output-collector.js';

t.test('keeps up to the limit, flags the rest', async (t) => {
  const c = new OutputCollector(5);
  t.equal(c.text(), '');
  c.push(Buffer.from('abc'));
  t.equal(c.text(), 'abc');
  c.push(Buffer.from('defg'));
  t.equal(c.text(), 'abcde');
  t.equal(c.truncated, true);
  c.push(Buffer.from('h'));
  t.equal(c.text(), 'abcde');
  const empty = new OutputCollector(0);
  empty.push(Buffer.alloc(0));
  t.equal(empty.truncated, false, 'an empty chunk truncates nothing');
  empty.push(Buffer.from('x'));
  t.equal(empty.truncated, true);
});

t.test('a character split across chunks is decoded whole', async (t) => {
  const c = new OutputCollector(100);
  const bytes = Buffer.from('é', 'utf8');
  c.push(bytes.subarray(0, 1));
  c.push(bytes.subarray(1));
  t.equal(c.text(), 'é');
});
