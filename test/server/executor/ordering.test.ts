// The order of replies and notifications (spec/protocol.md §5.13): generic
// notifications after the reply, cancellations a request causes before it.
import t from 'tap';
import { ExecStatus } from '../../../src/protocol/constants.js';
import { cancelReq, execReq, registerReq, setup } from './harness.js';

t.test('register: reply to the requester, then the generic notify to every named client', async (t) => {
  const h = setup();
  h.client('A');
  h.client('B');
  h.client('U', null); // no name: no notifications
  h.send('A', registerReq('r1'));
  h.send('U', { op: 'lrmd_rsc_poke', callOptions: 0, timeout: 0 });
  t.same(h.log, [
    'A reply rc=0 call=1',
    'A lrmd_rsc_register r1 rc=0 call=1',
    'B lrmd_rsc_register r1 rc=0 call=1',
    'U reply rc=0 call=2',
    'A lrmd_rsc_poke - rc=0 call=2',
    'B lrmd_rsc_poke - rc=0 call=2',
  ]);
});

t.test('exec: the reply precedes the result even with an instant runner', async (t) => {
  const h = setup();
  h.runner.auto = () => ({ rc: 0, status: ExecStatus.done });
  h.client('A');
  h.send('A', registerReq('r1'));
  h.log.length = 0;
  h.send('A', execReq('r1', 'start'));
  await h.clock.advance(0);
  t.same(h.log, ['A reply rc=2 call=2', 'A exec r1 start/0 call=2 rc=0 st=0']);
});

t.test('cancel: the cancelled notify precedes the cancel reply', async (t) => {
  const h = setup();
  h.client('A');
  h.client('B');
  h.send('A', registerReq('r1'));
  h.send('A', execReq('r1', 'monitor', { interval: 2000 }));
  h.runner.last('r1').finish();
  await h.clock.advance(0);
  h.log.length = 0;
  h.send('B', cancelReq('r1', 'monitor', 2000));
  t.same(h.log, [
    'A exec r1 monitor/2000 call=2 rc=0 st=1',
    'B exec r1 monitor/2000 call=2 rc=0 st=1',
    'B reply rc=0 call=3',
  ]);
});

t.test('stop: recurring cancellations, then the exec reply, then (later) the stop result', async (t) => {
  const h = setup();
  h.client('A');
  h.send('A', registerReq('r1'));
  h.send('A', execReq('r1', 'monitor', { interval: 1000 }));
  h.runner.last('r1').finish();
  await h.clock.advance(0);
  h.send('A', execReq('r1', 'monitor', { interval: 5000 })); // running, killed by the stop
  h.log.length = 0;
  h.send('A', execReq('r1', 'stop'));
  await h.clock.advance(0);
  h.runner.last('r1', 'stop').finish();
  await h.clock.advance(0);
  t.same(h.log, [
    'A exec r1 monitor/1000 call=2 rc=0 st=1',
    'A exec r1 monitor/5000 call=3 rc=0 st=1',
    'A reply rc=4 call=4',
    'A exec r1 stop/0 call=4 rc=0 st=0',
  ]);
});

t.test('unregister: queued and recurring cancellations (deleted), reply -115, generic notify, then the running result', async (t) => {
  const h = setup();
  const a = h.client('A');
  h.send('A', registerReq('r1'));
  h.send('A', execReq('r1', 'monitor', { interval: 1000 }));
  h.runner.last('r1').finish({ rc: 7 });
  await h.clock.advance(0);
  h.send('A', execReq('r1', 'start')); // running
  h.send('A', execReq('r1', 'promote')); // queued
  h.log.length = 0;
  const reply = h.send('A', { op: 'lrmd_rsc_unregister', rscId: 'r1', callOptions: 0, timeout: 0 })!;
  t.equal(reply.rc, -115);
  h.runner.last('r1', 'start').finish();
  await h.clock.advance(2000);
  t.same(h.log, [
    'A exec r1 promote/0 call=4 rc=0 st=1',
    'A exec r1 monitor/1000 call=2 rc=7 st=1',
    'A reply rc=-115 call=5',
    'A lrmd_rsc_unregister r1 rc=-115 call=5',
    'A exec r1 start/0 call=3 rc=0 st=0',
  ]);
  t.same(
    a.execs.slice(-3).map((n) => n.rscDeleted),
    [true, true, true],
  );
  t.equal(h.runner.calls.length, 2, 'the queued action never ran, the monitor stopped');
  t.same(h.ex.status().resources, []);
});

t.test('a replacing register: cancellations of the old definition before the reply', async (t) => {
  const h = setup();
  const a = h.client('A');
  h.send('A', registerReq('r1'));
  h.send('A', execReq('r1', 'monitor', { interval: 1000 }));
  h.runner.last('r1').finish();
  await h.clock.advance(0);
  h.log.length = 0;
  h.send('A', registerReq('r1', { agent: 'Stateful' }));
  t.same(h.log, [
    'A exec r1 monitor/1000 call=2 rc=0 st=1',
    'A reply rc=0 call=3',
    'A lrmd_rsc_register r1 rc=0 call=3',
  ]);
  t.equal(a.execs.at(-1)!.rscDeleted, true);
  t.equal(h.ex.status().resources[0]!.agent, 'Stateful');
});

t.test('new client: announced to every named client except the newcomer', async (t) => {
  const h = setup();
  h.client('A');
  h.client('U', null);
  h.client('C');
  h.ex.announceNewClient('C');
  t.same(h.log, ['A new_client']);
});
