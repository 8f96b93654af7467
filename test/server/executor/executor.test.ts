// Operation by operation (spec/protocol.md §5): replies, rc values, call ids,
// client bookkeeping and shutdown.
import t from 'tap';
import { CallOpt, ExecStatus } from '../../../src/protocol/constants.js';
import { ExecutorErrorCode, isExecutorError } from '../../../src/server/executor/errors.js';
import { Executor, createExecutor } from '../../../src/server/executor/executor.js';
import { systemClock } from '../../../src/server/executor/clock.js';
import { FakeRunner } from './fake-runner.js';
import { execReq, registerReq, setup } from './harness.js';

t.test('call ids: one counter for every request of every client; replies copy the msg id', async (t) => {
  const h = setup();
  h.client('A');
  h.client('B');
  t.equal(h.ex.nextCallId, 1, 'nextCallId: the id the next request gets');
  const r1 = h.send('A', { op: 'lrmd_rsc_info', rscId: 'x', msgId: 41 })!;
  t.equal(h.ex.allocateCallId(), 2, 'register / ipc_fwd take one too');
  t.equal(h.send('B', { op: 'lrmd_check', callOptions: 0, timeout: 0 }), undefined, 'check: no reply');
  const r4 = h.send('B', { op: 'lrmd_rsc_poke', msgId: 7 })!;
  t.match(r1, { kind: 'reply', msgId: 41, callId: 1, rc: -19, origin: 'process_lrmd_get_rsc_info' });
  t.match(r4, { msgId: 7, callId: 4, rc: 0, origin: 'process_lrmd_message' });
  t.equal(h.ex.status().lastCallId, 4);
});

t.test('lrmd_rsc_register: same agent (any case) is a no-op keeping options; otherwise replaced', async (t) => {
  const h = setup();
  const a = h.client('A');
  h.send('A', registerReq('r1', { callOptions: 0 }));
  h.send('A', registerReq('r1', { standard: 'OCF', provider: 'Pacemaker', agent: 'dummy', callOptions: 3 }));
  t.equal(h.ex.status().resources[0]!.callOptions, 0, 'options not updated by a duplicate');
  t.equal(a.generics.length, 2, 'notified anyway');
  h.send('A', registerReq('r1', { provider: undefined, standard: 'lsb', agent: 'Dummy' }));
  t.match(h.ex.status().resources[0], { standard: 'lsb', callOptions: 3 });
  t.notOk('provider' in h.ex.status().resources[0]!);
  t.same(
    a.replies.map((r) => r.rc),
    [0, 0, 0],
  );
});

t.test('lrmd_rsc_info: definition on the reply, or -19', async (t) => {
  const h = setup();
  h.client('A');
  h.send('A', registerReq('r1'));
  h.send('A', registerReq('s1', { standard: 'systemd', provider: undefined, agent: 'cron' }));
  t.match(h.send('A', { op: 'lrmd_rsc_info', rscId: 'r1' }), {
    rc: 0,
    rsc: { rscId: 'r1', standard: 'ocf', provider: 'pacemaker', agent: 'Dummy' },
  });
  t.same(h.send('A', { op: 'lrmd_rsc_info', rscId: 's1' })!.rsc, { rscId: 's1', standard: 'systemd', agent: 'cron' });
  const missing = h.send('A', { op: 'lrmd_rsc_info' })!;
  t.equal(missing.rc, -19);
  t.notOk('rsc' in missing);
});

t.test('lrmd_rsc_unregister: -19 without id (no notify), 0 for unknown (notify), 0 for idle', async (t) => {
  const h = setup();
  const a = h.client('A');
  t.equal(h.send('A', { op: 'lrmd_rsc_unregister' })!.rc, -19);
  t.equal(a.generics.length, 0);
  t.equal(h.send('A', { op: 'lrmd_rsc_unregister', rscId: 'ghost' })!.rc, 0);
  t.match(a.generics, [{ op: 'lrmd_rsc_unregister', rscId: 'ghost', rc: 0 }]);
  h.send('A', registerReq('r1'));
  t.equal(h.send('A', { op: 'lrmd_rsc_unregister', rscId: 'r1' })!.rc, 0);
  t.equal(h.send('A', execReq('r1', 'start'))!.rc, -19, 'gone');
});

t.test('lrmd_rsc_unregister while a recurring action runs: cancelled before the reply, rc 0 (nothing more to come)', async (t) => {
  const h = setup();
  const a = h.client('A');
  h.runner.resolveOnAbort = false;
  h.send('A', registerReq('r1'));
  h.send('A', execReq('r1', 'monitor', { interval: 1000 }));
  const run = h.runner.last('r1');
  h.log.length = 0;
  t.equal(h.send('A', { op: 'lrmd_rsc_unregister', rscId: 'r1' })!.rc, 0);
  t.same(h.log, ['A exec r1 monitor/1000 call=2 rc=0 st=1', 'A reply rc=0 call=3', 'A lrmd_rsc_unregister r1 rc=0 call=3']);
  t.equal(run.action.signal.aborted, true);
  t.equal(a.execs[0]!.rscDeleted, true);
  h.send('A', registerReq('r1'));
  h.send('A', execReq('r1', 'start'));
  t.equal(h.runner.calls.length, 1, 'the killed agent still holds the id');
  run.finish();
  await h.clock.advance(0);
  t.equal(h.runner.calls.length, 2);
  t.equal(a.execs.length, 1, 'the killed run reports nothing');
});

t.test('a re-registered id waits for the old definition\'s running agent', async (t) => {
  const h = setup();
  const a = h.client('A');
  h.send('A', registerReq('r1'));
  h.send('A', execReq('r1', 'start'));
  t.equal(h.send('A', { op: 'lrmd_rsc_unregister', rscId: 'r1' })!.rc, -115);
  h.send('A', registerReq('r1'));
  t.equal(h.send('A', { op: 'lrmd_rsc_unregister', rscId: 'r1' })!.rc, -115, 'the id is still busy');
  h.send('A', registerReq('r1'));
  h.send('A', execReq('r1', 'monitor'));
  t.equal(h.runner.calls.length, 1);
  h.runner.last('r1', 'start').finish();
  await h.clock.advance(0);
  t.equal(h.runner.calls.length, 2, 'starts once the old agent is done');
  t.match(a.execs[0], { action: 'start', rscDeleted: true });
});

t.test('lrmd_rsc_exec: call id as rc; -22 without id or action; -19 unknown', async (t) => {
  const h = setup();
  h.client('A');
  h.send('A', registerReq('r1'));
  const r = h.send('A', execReq('r1', 'start'))!;
  t.equal(r.rc, 2);
  t.equal(r.callId, 2);
  t.equal(h.send('A', { ...execReq('r1', 'start'), rscId: undefined })!.rc, -22);
  t.equal(h.send('A', { ...execReq('r1', 'start'), action: undefined })!.rc, -22);
  t.equal(h.send('A', execReq('r1', ''))!.rc, -22, 'an empty action too');
  t.equal(h.send('A', execReq('nope', 'start'))!.rc, -19);
  t.equal(h.send('A', execReq('', 'start'))!.rc, -19, 'an empty id is just unknown');
});

t.test('lrmd_get_recurring: started recurring actions per resource; -19 for an unknown one', async (t) => {
  const h = setup();
  h.client('A');
  h.send('A', registerReq('r1'));
  h.send('A', registerReq('r2'));
  h.send('A', execReq('r1', 'monitor', { interval: 2000, actionTimeout: 20000 }));
  h.send('A', execReq('r1', 'monitor', { interval: 9000, actionTimeout: 5000 })); // queued: not listed
  t.same(h.send('A', { op: 'lrmd_get_recurring' })!.recurring, [
    { rscId: 'r1', ops: [{ action: 'monitor', interval: 2000, timeout: 20000 }] },
    { rscId: 'r2', ops: [] },
  ]);
  t.same(h.send('A', { op: 'lrmd_get_recurring', rscId: 'r2' })!.recurring, [{ rscId: 'r2', ops: [] }]);
  const miss = h.send('A', { op: 'lrmd_get_recurring', rscId: 'zz' })!;
  t.match(miss, { rc: -19, origin: 'process_lrmd_get_recurring', recurring: [] });
});

t.test('lrmd_rsc_poke: reply 0 then a poke notify to every named client', async (t) => {
  const h = setup();
  const a = h.client('A');
  const b = h.client('B');
  h.send('B', { op: 'lrmd_rsc_poke' });
  t.match(a.generics, [{ op: 'lrmd_rsc_poke', rc: 0, callId: 1 }]);
  t.notOk('rscId' in a.generics[0]!);
  t.equal(b.generics.length, 1);
});

t.test('lrmd_check: no reply, the hook sees it', async (t) => {
  const seen: string[] = [];
  const h = setup({ onCheck: (req, id) => seen.push(`${id}:${req.watchdog}`) });
  const a = h.client('A');
  t.equal(h.send('A', { op: 'lrmd_check', watchdog: '10000' }), undefined);
  t.same(seen, ['A:10000']);
  t.equal(a.messages.length, 0);
});

t.test('unknown operations, lrmd_rsc_metadata and register: -95, no notify', async (t) => {
  const h = setup();
  const a = h.client('A');
  t.equal(h.send('A', { op: 'lrmd_frobnicate', unknown: true } as never)!.rc, -95);
  t.equal(h.send('A', { op: 'lrmd_rsc_metadata', rscId: 'r' })!.rc, -95);
  t.equal(h.send('A', { op: 'register', clientName: 'x' } as never)!.rc, -95);
  t.equal(a.messages.length, 3);
});

t.test('API misuse throws ExecutorError with a code', async (t) => {
  const h = setup();
  h.client('A');
  t.throws(() => h.client('A'), { code: ExecutorErrorCode.DuplicateClient });
  t.throws(() => h.send('Z', { op: 'lrmd_rsc_poke' }), { code: ExecutorErrorCode.UnknownClient });
  t.equal(h.ex.detachClient('Z'), false);
  await h.ex.close();
  await h.ex.close();
  t.equal(h.ex.closed, true);
  try {
    h.send('A', { op: 'lrmd_rsc_poke' });
    t.fail('should throw');
  } catch (err) {
    t.ok(isExecutorError(err, ExecutorErrorCode.Closed));
    t.notOk(isExecutorError(err, ExecutorErrorCode.UnknownClient));
    t.equal((err as Error).name, 'ExecutorError');
  }
  t.throws(() => h.client('B'), { code: ExecutorErrorCode.Closed });
  t.equal(h.ex.detachClient('A'), true);
});

t.test('detach of the last client cancels recurring actions of drop-recurring resources (bit 0x1)', async (t) => {
  const h = setup();
  h.runner.auto = () => ({ rc: 0, status: ExecStatus.done });
  h.client('A');
  const b = h.client('B');
  h.send('A', registerReq('v215', { callOptions: CallOpt.dropRecurringCompat }));
  h.send('A', registerReq('v30', { callOptions: CallOpt.dropRecurring }));
  h.send('A', registerReq('keep', { callOptions: CallOpt.notifyOrigOnly })); // 0x2 alone: no
  for (const id of ['v215', 'v30', 'keep']) h.send('A', execReq(id, 'monitor', { interval: 1000 }));
  h.send('B', execReq('v30', 'monitor', { interval: 3000 }));
  await h.clock.advance(0);
  b.clear();
  h.ex.detachClient('A');
  await h.clock.advance(1000);
  t.equal(b.execs.filter((n) => n.opStatus === ExecStatus.cancelled).length, 0, 'not the last client: nothing cancelled');
  t.equal(h.ex.detachClient('B'), true);
  const st = h.ex.status();
  t.same(
    st.resources.map((r) => [r.rscId, r.recurring.length]),
    [
      ['v215', 0],
      ['v30', 0],
      ['keep', 1],
    ],
    'resources stay registered; only drop-recurring ones lose their recurring actions, whoever asked',
  );
  const before = h.runner.calls.length;
  await h.clock.advance(3000);
  t.same(
    h.runner.calls.slice(before).map((c) => c.action.rscId),
    ['keep', 'keep', 'keep'],
  );
});

t.test('one-shot actions survive the last client and report to nobody', async (t) => {
  const h = setup();
  h.client('A');
  h.send('A', registerReq('r1'));
  h.send('A', execReq('r1', 'start'));
  h.ex.detachClient('A');
  t.equal(h.runner.open.length, 1);
  t.equal(h.runner.open[0]!.action.signal.aborted, false);
  const b = h.client('B');
  h.runner.last('r1').finish();
  await h.clock.advance(0);
  t.equal(b.execs.length, 1, 'whoever is connected now gets it');
});

t.test('close aborts runs, stops timers and sends nothing more', async (t) => {
  const h = setup();
  const a = h.client('A');
  h.send('A', registerReq('r1'));
  h.send('A', registerReq('r2'));
  h.send('A', execReq('r1', 'monitor', { interval: 1000 }));
  h.send('A', execReq('r2', 'start', { startDelay: 1000 }));
  h.send('A', execReq('r2', 'monitor', { interval: 1000 }));
  const run = h.runner.last('r1');
  await h.ex.close();
  t.equal(run.action.signal.aborted, true);
  t.equal(h.clock.pending, 0);
  await h.clock.advance(5000);
  t.equal(a.execs.length, 0);
  t.equal(h.runner.calls.length, 1);
});

t.test('close right after a recurring run finished: the interval timer is cleared', async (t) => {
  const h = setup();
  h.client('A');
  h.send('A', registerReq('r1'));
  h.send('A', execReq('r1', 'monitor', { interval: 1000 }));
  h.runner.last('r1').finish();
  await h.clock.advance(0);
  t.equal(h.clock.pending, 1);
  await h.ex.close();
  t.equal(h.clock.pending, 0);
});

t.test('createExecutor with the system clock runs a real action', async (t) => {
  const runner = new FakeRunner();
  runner.auto = () => ({ rc: 0, status: ExecStatus.done });
  const ex = createExecutor({ runner });
  t.type(ex, Executor);
  const got: string[] = [];
  ex.attachClient('A', 'a', { send: (m) => got.push(m.kind) });
  ex.handle('A', { kind: 'request', msgId: 1, ...registerReq('r1') });
  ex.handle('A', { kind: 'request', msgId: 2, ...execReq('r1', 'start', { startDelay: 5 }) });
  await new Promise((r) => setTimeout(r, 30));
  t.same(got, ['reply', 'notify', 'reply', 'notify']);
  t.ok(ex.status().uptimeMs >= 0);
  await ex.close();
  let fired = false;
  const tm = systemClock.setTimeout(() => (fired = true), 1);
  systemClock.clearTimeout(tm);
  await new Promise((r) => setTimeout(r, 5));
  t.equal(fired, false);
});
