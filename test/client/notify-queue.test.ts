// NotifyQueue watermarks (spec/protocol.md §4.7).
import t from 'tap';
import { NotifyQueue } from '../../src/client/notify-queue.js';

t.test('pressure on at the high mark, off at the low mark', async (t) => {
  const events: boolean[] = [];
  const q = new NotifyQueue<number>({ highWaterMark: 4, lowWaterMark: 1, onPressure: (f) => events.push(f) });
  for (let i = 0; i < 3; i++) q.push(i);
  t.notOk(q.full);
  q.push(3);
  t.ok(q.full);
  q.push(4);
  t.same(events, [true], 'reported once');
  await q.next();
  await q.next();
  await q.next();
  t.ok(q.full, 'two left, above the low mark');
  await q.next();
  t.notOk(q.full);
  t.same(events, [true, false]);
  t.equal(q.size, 1);
});

t.test('default low mark is half the high mark; a low mark at or above high is lowered', async (t) => {
  const events: boolean[] = [];
  const q = new NotifyQueue<number>({ highWaterMark: 10, onPressure: (f) => events.push(f) });
  for (let i = 0; i < 10; i++) q.push(i);
  for (let i = 0; i < 4; i++) await q.next();
  t.same(events, [true]);
  await q.next();
  t.same(events, [true, false], 'relieved at 5');
  const r = new NotifyQueue<number>({ highWaterMark: 2, lowWaterMark: 5 });
  r.push(1);
  r.push(2);
  t.ok(r.full);
  await r.next();
  t.notOk(r.full, 'relieved at high − 1');
});

t.test('no high mark, or 0, means never full', async (t) => {
  for (const q of [new NotifyQueue<number>(), new NotifyQueue<number>({ highWaterMark: 0 })]) {
    for (let i = 0; i < 5000; i++) q.push(i);
    t.notOk(q.full);
  }
});

t.test('return() relieves pressure and calls onReturn once', async (t) => {
  const events: boolean[] = [];
  let returns = 0;
  const q = new NotifyQueue<number>({ highWaterMark: 1, onPressure: (f) => events.push(f), onReturn: () => returns++ });
  q.push(1);
  t.ok(q.full);
  t.same(await q.return(), { value: undefined, done: true });
  await q.return();
  t.same(events, [true, false]);
  t.equal(returns, 1);
  t.same(await q.next(), { value: undefined, done: true });
});

t.test('a waiting consumer takes items directly; end() releases it', async (t) => {
  const q = new NotifyQueue<string>({ highWaterMark: 1 });
  const a = q.next();
  q.push('x');
  t.same(await a, { value: 'x', done: false });
  t.notOk(q.full, 'handed over, never queued');
  const b = q.next();
  q.end();
  q.end();
  t.same(await b, { value: undefined, done: true });
  t.equal(q[Symbol.asyncIterator](), q);
});
