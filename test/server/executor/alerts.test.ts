// lrmd_alert_exec (spec/protocol.md §5.10): reply at once, no notification,
// a per-executor sequence, draining on close.
import t from 'tap';
import type { AlertAction } from '../../../src/server/agents/types.js';
import { ALERT_DRAIN_GRACE_MS } from '../../../src/server/executor/alerts.js';
import { alertReq, setup } from './harness.js';

function alertRunner() {
  const calls: { action: AlertAction; done: (fail?: unknown) => void }[] = [];
  const run = (action: AlertAction) =>
    new Promise<void>((resolve, reject) => {
      calls.push({ action, done: (fail) => (fail === undefined ? resolve() : reject(fail)) });
    });
  return { calls, run };
}

t.test('runs in the background, replies 0, sends no notification, numbers the alerts', async (t) => {
  const ar = alertRunner();
  const h = setup({ runAlert: ar.run });
  const a = h.client('A');
  t.match(h.send('A', alertReq()), { rc: 0, origin: 'process_lrmd_message' });
  t.equal(h.send('A', alertReq({ params: { CRM_alert_node_sequence: '99', x: 'y' } }))!.rc, 0);
  t.equal(a.messages.length, 2, 'replies only');
  t.match(ar.calls[0]!.action, { alertId: 'a1', path: '/bin/true', timeoutMs: 30000 });
  t.same(ar.calls[0]!.action.params, { CRM_alert_kind: 'node', CRM_alert_node_sequence: '1', CRM_notify_node_sequence: '1' });
  t.same(ar.calls[1]!.action.params, { CRM_alert_node_sequence: '2', x: 'y', CRM_notify_node_sequence: '2' });
  t.equal(h.ex.status().alertsInFlight, 2);
  ar.calls[0]!.done();
  ar.calls[1]!.done(new Error('exit 1'));
  await h.clock.advance(0);
  t.equal(h.ex.status().alertsInFlight, 0);
  t.match(h.errors, [{ source: { kind: 'alert' } }]);
});

t.test('missing id or path: -22 (empty ones are accepted); no runner or a throwing one: -7', async (t) => {
  const h = setup();
  h.client('A');
  t.equal(h.send('A', alertReq({ alertId: undefined }))!.rc, -22);
  t.equal(h.send('A', alertReq({ alertPath: undefined }))!.rc, -22);
  t.equal(h.send('A', alertReq())!.rc, -7);
  const ar = alertRunner();
  const h1 = setup({ runAlert: ar.run });
  h1.client('A');
  t.equal(h1.send('A', alertReq({ alertId: '', alertPath: '' }))!.rc, 0, 'as the real 2.1.5 daemon');
  t.equal(ar.calls.length, 1);
  const h2 = setup({
    runAlert: () => {
      throw new Error('cannot');
    },
  });
  h2.client('A');
  t.equal(h2.send('A', alertReq())!.rc, -7);
  t.equal(h2.errors.length, 1);
  t.equal(h2.ex.status().alertsInFlight, 0);
});

t.test('close waits for running alerts up to the largest timeout plus the grace', async (t) => {
  const ar = alertRunner();
  const h = setup({ runAlert: ar.run });
  h.client('A');
  h.send('A', alertReq({ alertTimeout: 1000 }));
  h.send('A', alertReq({ alertTimeout: 3000 }));
  let closed = false;
  void h.ex.close().then(() => (closed = true));
  await h.clock.advance(3000 + ALERT_DRAIN_GRACE_MS - 1);
  t.equal(closed, false);
  t.equal(ar.calls[0]!.action.signal.aborted, false);
  await h.clock.advance(1);
  t.equal(closed, true);
  t.equal(ar.calls[1]!.action.signal.aborted, true, 'what is left is aborted');
});

t.test('close returns as soon as the alerts finish; while draining alerts are accepted without running', async (t) => {
  const ar = alertRunner();
  const h = setup({ runAlert: ar.run });
  h.client('A');
  h.send('A', alertReq());
  let closed = false;
  const closing = h.ex.close().then(() => (closed = true));
  await h.clock.advance(10);
  t.equal(closed, false);
  ar.calls[0]!.done();
  await closing;
  t.equal(closed, true);
  t.equal(h.clock.pending, 0, 'drain timer cleared');
});

t.test('close without alerts in flight is immediate', async (t) => {
  const h = setup();
  await h.ex.close();
  t.equal(h.ex.closed, true);
});
