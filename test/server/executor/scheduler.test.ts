// Execution semantics (spec/protocol.md §5.14) through the public Executor.
import t from 'tap';
import { CallOpt, ExecStatus } from '../../../src/protocol/constants.js';
import { cancelReq, execReq, registerReq, setup } from './harness.js';

t.test('one run per resource, FIFO; other resources run in parallel', async (t) => {
  const h = setup();
  const a = h.client('A');
  h.send('A', registerReq('r1'));
  h.send('A', registerReq('r2'));
  const c1 = h.send('A', execReq('r1', 'start'))!.rc;
  const c2 = h.send('A', execReq('r1', 'monitor'))!.rc;
  h.send('A', execReq('r2', 'start'));
  t.same(
    h.runner.open.map((c) => `${c.action.rscId}:${c.action.action}`),
    ['r1:start', 'r2:start'],
    'r1 monitor waits for r1 start',
  );
  h.runner.last('r1', 'start').finish();
  await h.clock.advance(0);
  t.same(h.runner.open.map((c) => `${c.action.rscId}:${c.action.action}`), ['r2:start', 'r1:monitor']);
  h.runner.last('r1', 'monitor').finish({ rc: 7 });
  await h.clock.advance(0);
  t.same(
    a.execs.filter((n) => n.rscId === 'r1').map((n) => [n.callId, n.execRc]),
    [
      [c1, 0],
      [c2, 7],
    ],
  );
});

t.test('the agent gets the definition, the action and the parameters', async (t) => {
  const h = setup();
  h.client('A');
  h.send('A', registerReq('r1', { standard: 'ocf', provider: 'heartbeat', agent: 'IPaddr2' }));
  h.send('A', execReq('r1', 'monitor', { interval: 10000, actionTimeout: 5000, params: { ip: '192.0.2.1' } }));
  const act = h.runner.last('r1').action;
  t.match(act, {
    rscId: 'r1',
    standard: 'ocf',
    provider: 'heartbeat',
    agent: 'IPaddr2',
    action: 'monitor',
    intervalMs: 10000,
    timeoutMs: 5000,
    params: { ip: '192.0.2.1' },
  });
  t.equal(act.signal.aborted, false);
});

t.test('start delay: counted from acceptance, blocks the queue behind it, reported as queue time', async (t) => {
  const h = setup();
  const a = h.client('A');
  h.send('A', registerReq('r1'));
  h.send('A', execReq('r1', 'monitor', { startDelay: 1500 }));
  h.send('A', execReq('r1', 'start'));
  t.equal(h.runner.calls.length, 0);
  await h.clock.advance(1499);
  t.equal(h.runner.calls.length, 0);
  await h.clock.advance(1);
  t.equal(h.runner.calls.length, 1);
  t.equal(h.runner.calls[0]!.action.action, 'monitor');
  await h.clock.advance(19);
  h.runner.calls[0]!.finish();
  await h.clock.advance(0);
  const n = a.execs[0]!;
  t.equal(n.queueTime, 1500);
  t.equal(n.execTime, 19);
  t.equal(n.startDelay, 1500);
  t.equal(n.runTime, Math.floor((h.clock.now() - 19) / 1000));
  t.equal(h.runner.calls[1]!.action.action, 'start', 'the one behind runs next');
});

t.test('a delayed action behind a busy head keeps waiting for its own delay', async (t) => {
  const h = setup();
  h.client('A');
  h.send('A', registerReq('r1'));
  h.send('A', execReq('r1', 'start'));
  h.send('A', execReq('r1', 'monitor', { startDelay: 1000 }));
  h.runner.last('r1', 'start').finish();
  await h.clock.advance(500);
  t.equal(h.runner.calls.length, 1);
  await h.clock.advance(500);
  t.equal(h.runner.calls.length, 2);
});

t.test('recurring: next run one interval after the previous finished; re-runs report zero times', async (t) => {
  const h = setup();
  const a = h.client('A');
  h.send('A', registerReq('r1'));
  const callId = h.send('A', execReq('r1', 'monitor', { interval: 1000 }))!.rc;
  await h.clock.advance(300);
  h.runner.last('r1').finish();
  await h.clock.advance(999);
  t.equal(h.runner.calls.length, 1, 'not yet: fixed delay from the end of the run');
  await h.clock.advance(1);
  t.equal(h.runner.calls.length, 2);
  await h.clock.advance(50);
  h.runner.last('r1').finish();
  await h.clock.advance(0);
  t.equal(a.execs.length, 2, 'every run notified without changes-only');
  t.match(a.execs[0], { callId, interval: 1000, execTime: 300, queueTime: 0, rcChangeTime: 0 });
  t.ok(a.execs[0]!.runTime > 0);
  t.match(a.execs[1], { callId, runTime: 0, execTime: 0, queueTime: 0 });
});

t.test('notify_changes_only: first result, changes, and the cancellation', async (t) => {
  const h = setup();
  const a = h.client('A');
  h.send('A', registerReq('r1'));
  const callId = h.send('A', execReq('r1', 'monitor', { interval: 1000, callOptions: CallOpt.notifyChangesOnly }))!.rc;
  const rcs = [0, 0, 7, 7, 0];
  for (const rc of rcs) {
    h.runner.last('r1').finish({ rc });
    await h.clock.advance(1000);
  }
  t.same(
    a.execs.map((n) => n.execRc),
    [0, 7, 0],
  );
  const t7 = a.execs[1]!.rcChangeTime;
  t.equal(t7, Math.floor((h.clock.now() - 3000) / 1000), 'rc change time when 7 first came');
  t.equal(a.execs[0]!.rcChangeTime, 0, 'stays 0 while the first rc is 0');
  h.send('A', cancelReq('r1', 'monitor', 1000));
  t.match(a.execs.at(-1), { callId, execRc: 0, opStatus: ExecStatus.cancelled });
});

t.test('duplicate recurring request merges: new call id and user data, notified again, runs now if idle', async (t) => {
  const h = setup();
  const a = h.client('A');
  h.send('A', registerReq('r1'));
  const first = h.send('A', execReq('r1', 'monitor', { interval: 10000, userData: 'old', callOptions: CallOpt.notifyChangesOnly }))!.rc;
  h.runner.last('r1').finish();
  await h.clock.advance(100);
  t.equal(a.execs.length, 1);
  const second = h.send('A', execReq('r1', 'MONITOR', { interval: 10000, userData: 'new', params: { other: '1' } }))!;
  t.equal(second.rc, second.callId, 'answered with the new call id');
  t.not(second.rc, first);
  t.equal(h.runner.calls.length, 2, 'idle duplicate runs at once');
  h.runner.last('r1').finish();
  await h.clock.advance(0);
  t.equal(a.execs.length, 2, 'the unchanged result is notified again after the merge');
  t.match(a.execs[1], { callId: second.rc, userData: 'new', action: 'monitor', runTime: 0 });
  t.same(a.execs[1]!.params, execReq('r1', 'monitor').params, 'parameters of the original request are kept');
  const rec = h.ex.status().resources[0]!.recurring;
  t.equal(rec.length, 1, 'still one recurring action');
});

t.test('duplicate of a queued or running recurring action: merged without an extra run', async (t) => {
  const h = setup();
  const a = h.client('A');
  h.send('A', registerReq('r1'));
  h.send('A', execReq('r1', 'start'));
  h.send('A', execReq('r1', 'monitor', { interval: 5000 }));
  const c2 = h.send('A', execReq('r1', 'monitor', { interval: 5000 }))!.rc;
  t.equal(h.ex.status().resources[0]!.queued.length, 1, 'queued duplicate merged');
  h.runner.last('r1', 'start').finish();
  await h.clock.advance(0);
  const c3 = h.send('A', execReq('r1', 'monitor', { interval: 5000, userData: 'x' }))!.rc;
  t.equal(h.runner.calls.length, 2, 'running duplicate: no second run');
  h.runner.last('r1', 'monitor').finish();
  await h.clock.advance(0);
  t.match(a.execs.at(-1), { callId: c3, userData: 'x' });
  t.not(c2, c3);
  t.equal(h.runner.calls.length, 2);
  await h.clock.advance(5000);
  t.equal(h.runner.calls.length, 3, 'then the normal interval');
});

t.test('one-shot duplicates are not merged', async (t) => {
  const h = setup();
  h.client('A');
  h.send('A', registerReq('r1'));
  h.send('A', execReq('r1', 'monitor'));
  h.send('A', execReq('r1', 'monitor'));
  h.runner.last('r1').finish();
  await h.clock.advance(0);
  t.equal(h.runner.calls.length, 2);
});

t.test('stop cancels every recurring action of the resource first, from any client', async (t) => {
  const h = setup();
  const a = h.client('A');
  const b = h.client('B');
  h.send('A', registerReq('r1'));
  h.send('A', registerReq('r2'));
  const m1 = h.send('A', execReq('r1', 'monitor', { interval: 1000 }))!.rc;
  h.runner.last('r1').finish({ rc: 7 });
  await h.clock.advance(0);
  h.send('A', execReq('r1', 'notify')); // keeps r1 busy
  const m2 = h.send('B', execReq('r1', 'monitor', { interval: 2000 }))!.rc; // queued, never ran
  h.send('A', execReq('r2', 'monitor', { interval: 1000 }));
  a.clear();
  b.clear();
  const stop = h.send('B', execReq('r1', 'stop'))!.rc;
  t.same(
    a.execs.map((n) => [n.callId, n.opStatus, n.execRc]),
    [
      [m1, ExecStatus.cancelled, 7],
      [m2, ExecStatus.cancelled, 0],
    ],
    'cancelled notifies carry the last rc',
  );
  t.same(b.execs, a.execs, 'broadcast to everybody');
  t.equal(h.ex.status().resources.find((r) => r.rscId === 'r2')!.recurring.length, 1, 'other resources untouched');
  h.runner.last('r1', 'notify').finish();
  await h.clock.advance(0);
  t.equal(h.runner.last('r1').action.action, 'stop');
  h.runner.last('r1').finish();
  await h.clock.advance(5000);
  t.same(
    h.runner.calls.filter((c) => c.action.rscId === 'r1').map((c) => c.action.action),
    ['monitor', 'notify', 'stop'],
    'no more monitors',
  );
  t.match(a.execs.at(-1), { callId: stop, action: 'stop' });
});

t.test('cancel: queued (also a one-shot waiting for its delay), idle recurring, running recurring; -95 otherwise', async (t) => {
  const h = setup();
  const a = h.client('A');
  h.send('A', registerReq('r1'));
  const delayed = h.send('A', execReq('r1', 'monitor', { startDelay: 5000 }))!.rc;
  t.equal(h.send('A', cancelReq('r1', 'Monitor', 0))!.rc, 0);
  t.match(a.execs.at(-1), { callId: delayed, opStatus: ExecStatus.cancelled, execRc: 0, runTime: 0, execTime: 0, queueTime: 0 });
  await h.clock.advance(6000);
  t.equal(h.runner.calls.length, 0, 'never runs');

  const rec = h.send('A', execReq('r1', 'monitor', { interval: 3000 }))!.rc;
  await h.clock.advance(10);
  h.runner.last('r1').finish({ rc: 7, output: 'not running', exitReason: 'why' });
  await h.clock.advance(100);
  t.equal(h.send('A', cancelReq('r1', 'monitor', 3000))!.rc, 0, 'idle recurring');
  const n = a.execs.at(-1)!;
  t.match(n, { callId: rec, opStatus: ExecStatus.cancelled, execRc: 7, runTime: 0, execTime: 0 });
  t.equal(n.output, undefined, 'no output on a cancellation');
  t.equal(n.exitReason, undefined);
  t.ok(n.rcChangeTime > 0, 'rc change time kept');
  await h.clock.advance(10000);
  t.equal(h.runner.calls.length, 1);

  const rec2 = h.send('A', execReq('r1', 'monitor', { interval: 3000 }))!.rc;
  const run = h.runner.last('r1');
  await h.clock.advance(40);
  t.equal(h.send('A', cancelReq('r1', 'monitor', 3000))!.rc, 0, 'running recurring');
  t.equal(run.action.signal.aborted, true, 'agent stopped');
  t.match(a.execs.at(-1), { callId: rec2, opStatus: ExecStatus.cancelled, execRc: 0, execTime: 40 });
  t.ok(a.execs.at(-1)!.runTime > 0, 'a first run cancelled mid-way reports its start');

  h.send('A', execReq('r1', 'start'));
  await h.clock.advance(0);
  t.equal(h.send('A', cancelReq('r1', 'start', 0))!.rc, -95, 'running one-shot');
  t.equal(h.send('A', cancelReq('r1', 'monitor', 1234))!.rc, -95, 'wrong interval');
  t.equal(h.send('A', cancelReq('r1', 'nothing', 0))!.rc, -95, 'never existed');
  t.equal(h.send('A', cancelReq('nope', 'monitor', 0))!.rc, -19);
  t.equal(h.send('A', { ...cancelReq('r1', 'monitor', 0), rscId: undefined })!.rc, -22);
  t.equal(h.send('A', { ...cancelReq('r1', 'monitor', 0), action: undefined })!.rc, -22);
  t.equal(h.send('A', cancelReq('r1', '', 0))!.rc, -95, 'an empty action matches nothing');
});

t.test('a cancelled running agent holds the resource until its runner settles; its result is dropped', async (t) => {
  const h = setup();
  const a = h.client('A');
  h.runner.resolveOnAbort = false;
  h.send('A', registerReq('r1'));
  h.send('A', execReq('r1', 'monitor', { interval: 1000 }));
  const run = h.runner.last('r1');
  h.send('A', cancelReq('r1', 'monitor', 1000));
  h.send('A', execReq('r1', 'start'));
  await h.clock.advance(100);
  t.equal(h.runner.calls.length, 1, 'start waits for the killed agent');
  t.equal(h.ex.status().runs[0]!.cancelled, true);
  run.finish({ rc: 1, status: ExecStatus.error });
  await h.clock.advance(0);
  t.equal(h.runner.calls.length, 2);
  t.equal(a.execs.length, 1, 'only the cancellation was notified');
});

t.test('cancel matches monitor and status alike for lsb, service and systemd', async (t) => {
  const h = setup();
  h.client('A');
  h.send('A', registerReq('svc', { standard: 'lsb', provider: undefined, agent: 'cron' }));
  h.send('A', execReq('svc', 'monitor', { interval: 1000 }));
  t.equal(h.send('A', cancelReq('svc', 'status', 1000))!.rc, 0);
  h.send('A', registerReq('ocf1'));
  h.send('A', execReq('ocf1', 'monitor', { interval: 1000 }));
  t.equal(h.send('A', cancelReq('ocf1', 'status', 1000))!.rc, -95, 'not for ocf');
});

t.test('notify_orig_only: results only to the requester, and to nobody once it is gone', async (t) => {
  const h = setup();
  const a = h.client('A');
  const b = h.client('B');
  h.send('A', registerReq('r1'));
  h.send('A', execReq('r1', 'start', { callOptions: CallOpt.notifyOrigOnly }));
  h.runner.last('r1').finish();
  await h.clock.advance(0);
  t.equal(a.execs.length, 1);
  t.equal(b.execs.length, 0);
  h.send('A', execReq('r1', 'monitor', { callOptions: CallOpt.notifyOrigOnly }));
  h.ex.detachClient('A');
  h.runner.last('r1', 'monitor').finish();
  await h.clock.advance(0);
  t.equal(b.execs.length, 0);
  h.send('B', execReq('r1', 'stop'));
  h.runner.last('r1', 'stop').finish();
  await h.clock.advance(0);
  t.equal(b.execs.length, 1, 'without the bit: everybody');
});

t.test('a runner that throws or rejects or breaks the contract yields an error result', async (t) => {
  const h = setup();
  const a = h.client('A');
  h.send('A', registerReq('r1'));
  const orig = h.runner.run.bind(h.runner);
  let mode = 0;
  h.runner.run = (act) => {
    mode++;
    if (mode === 1) throw new Error('boom');
    if (mode === 2) return Promise.reject('nope');
    if (mode === 3) return Promise.resolve(undefined as never);
    if (mode === 4) return Promise.resolve({ rc: 'x', status: null, output: 3 } as never);
    return orig(act);
  };
  for (let i = 0; i < 4; i++) h.send('A', execReq('r1', 'start'));
  await h.clock.advance(0);
  t.same(
    a.execs.map((n) => [n.execRc, n.opStatus]),
    [
      [1, ExecStatus.error],
      [1, ExecStatus.error],
      [1, ExecStatus.error],
      [1, ExecStatus.error],
    ],
  );
  t.match(a.execs[0]!.exitReason, /boom/);
  t.match(a.execs[1]!.exitReason, /nope/);
  t.equal(a.execs[3]!.output, undefined);
});

t.test('the runner result passes through: rc, status, output, exit reason; empty strings dropped', async (t) => {
  const h = setup();
  const a = h.client('A');
  h.send('A', registerReq('r1'));
  h.send('A', execReq('r1', 'monitor', { actionTimeout: 2000, userData: 'u' }));
  await h.clock.advance(2001);
  h.runner.last('r1').finish({ rc: 1, status: ExecStatus.timeout, exitReason: 'Resource agent did not complete within 2s', output: '' });
  await h.clock.advance(0);
  t.match(a.execs[0], { execRc: 1, opStatus: 2, exitReason: /within 2s/, timeout: 2000, userData: 'u', execTime: 2001 });
  t.notOk('output' in a.execs[0]!);
  t.ok(a.execs[0]!.rcChangeTime > 0);
});
