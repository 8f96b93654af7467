import t from 'tap';
import { ExecResults } from '../../src/client/exec-results.js';
import { NotifyQueue } from '../../src/client/notify-queue.js';
import type { ExecNotify } from '../../src/protocol/index.js';

const n = (callId: number, execRc = 0) => ({ kind: 'notify', op: 'lrmd_rsc_exec', callId, execRc }) as unknown as ExecNotify;

t.test('first result per call id is kept, oldest evicted past the limit', async (t) => {
  const r = new ExecResults(2);
  r.add(n(1, 7));
  r.add(n(1, 0)); // a later iteration does not replace the first
  r.add(n(2));
  r.add(n(3)); // evicts 1
  t.match(await r.wait(2), { callId: 2 });
  t.match(await r.wait(3), { callId: 3 });
  await t.rejects(r.wait(1, { timeoutMs: 10 }), { code: 'TIMEOUT' });
  const a = r.wait(4);
  const b = r.wait(4);
  r.add(n(4, 1));
  t.match(await Promise.all([a, b]), [{ execRc: 1 }, { execRc: 1 }]);
});

t.test('NotifyQueue drains after end', async (t) => {
  const q = new NotifyQueue<number>();
  q.push(1);
  q.push(2);
  t.equal(q.size, 2);
  q.end();
  q.push(3);
  const got: number[] = [];
  for await (const x of q) got.push(x);
  t.same(got, [1, 2]);
});
