import t from 'tap';
import { createCallIdCounter } from '../../../src/server/executor/call-ids.js';

t.test('starts at 1, counts up, wraps to 1 after 2^31-1 (spec/protocol.md §3.6)', async (t) => {
  const c = createCallIdCounter();
  t.equal(c.last, 0);
  t.equal(c.peek(), 1, 'peek takes nothing');
  t.equal(c.peek(), 1);
  t.equal(c.next(), 1);
  t.equal(c.next(), 2);
  t.equal(c.last, 2);
  const w = createCallIdCounter(0x7ffffffe);
  t.equal(w.next(), 0x7fffffff);
  t.equal(w.peek(), 1);
  t.equal(w.next(), 1);
  t.equal(createCallIdCounter(-5).next(), 1);
});
