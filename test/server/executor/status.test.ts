// The status snapshot.
import t from 'tap';
import { CallOpt } from '../../../src/protocol/constants.js';
import { execReq, registerReq, setup } from './harness.js';

t.test('clients, resources with queued and recurring actions, runs, uptime', async (t) => {
  const h = setup();
  h.client('A');
  h.client('U', null);
  await h.clock.advance(1500);
  h.send('A', registerReq('r1', { callOptions: CallOpt.dropRecurring }));
  h.send('A', registerReq('s1', { standard: 'systemd', provider: undefined, agent: 'cron' }));
  h.send('A', execReq('r1', 'monitor', { interval: 1000, userData: 'k' }));
  h.send('A', execReq('r1', 'start', { startDelay: 100 }));
  const st = h.ex.status();
  t.equal(st.uptimeMs, 1500);
  t.equal(st.lastCallId, 4);
  t.same(st.clients, [
    { id: 'A', name: 'name-A', attachedAt: st.startedAt },
    { id: 'U', attachedAt: st.startedAt },
  ]);
  t.match(st.resources[0], {
    rscId: 'r1',
    standard: 'ocf',
    provider: 'pacemaker',
    agent: 'Dummy',
    callOptions: 1,
    registeredAt: st.startedAt + 1500,
    queued: [{ action: 'start', interval: 0, callId: 4, state: 'queued', clientId: 'A', startDelay: 100, lastRc: 0 }],
    recurring: [{ action: 'monitor', interval: 1000, callId: 3, state: 'running', userData: 'k', timeout: 20000 }],
  });
  t.notOk('userData' in st.resources[0]!.queued[0]!);
  t.notOk('provider' in st.resources[1]!);
  t.same(st.runs, [
    { rscId: 'r1', action: 'monitor', interval: 1000, callId: 3, startedAt: st.startedAt + 1500, cancelled: false, rscDeleted: false },
  ]);
  t.equal(st.alertsInFlight, 0);
  h.runner.last('r1').finish();
  await h.clock.advance(0);
  t.equal(h.ex.status().resources[0]!.recurring[0]!.state, 'idle');
});
