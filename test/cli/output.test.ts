import t from 'tap';
import { execResultLines, execResultView, execStatusName, notifyLine, ocfExitName, toJson } from '../../src/cli/output.js';
import type { ExecNotify } from '../../src/protocol/messages/notify.js';

const exec: ExecNotify = {
  kind: 'notify', msgId: 0, op: 'lrmd_rsc_exec', rscId: 'd1', action: 'monitor', callId: 7, interval: 1000, timeout: 20000,
  startDelay: 0, execRc: 7, opStatus: 0, rscDeleted: false, runTime: 0, rcChangeTime: 0, execTime: 12, queueTime: 1, params: { a: '1' },
};

t.test('names of OCF exit codes and statuses (§7.1, §7.2)', async (t) => {
  t.equal(ocfExitName(0), 'ok');
  t.equal(ocfExitName(7), 'not-running');
  t.equal(ocfExitName(1), 'unknown-error');
  t.equal(ocfExitName(193), 'unknown');
  t.equal(ocfExitName(42), 'unknown');
  t.equal(execStatusName(0), 'done');
  t.equal(execStatusName(1), 'cancelled');
  t.equal(execStatusName(5), 'error-hard');
  t.equal(execStatusName(-1), 'pending');
  t.equal(execStatusName(99), 'unknown');
});

t.test('exec result view and lines', async (t) => {
  const v = execResultView(exec);
  t.same(v, { rscId: 'd1', action: 'monitor', interval: 1000, callId: 7, rc: 7, rcName: 'not-running', status: 0, statusName: 'done', execTimeMs: 12, queueTimeMs: 1 });
  t.same(execResultLines(v), ['call-id: 7', 'rc: 7 (not-running)', 'status: 0 (done)']);
  const w = execResultView({ ...exec, execRc: 1, opStatus: 2, exitReason: 'took\ntoo long', output: 'line 1\nline 2\n\n' });
  t.same(execResultLines(w), ['call-id: 7', 'rc: 1 (unknown-error)', 'status: 2 (timeout)', 'exit-reason: took too long', 'output: line 1', 'output: line 2']);
});

t.test('watch lines', async (t) => {
  t.equal(notifyLine(exec), 'exec d1 monitor interval=1000 call-id=7 rc=7(not-running) status=0(done)');
  t.equal(
    notifyLine({ ...exec, rscDeleted: true, opStatus: 1, exitReason: 'gone' }),
    'exec d1 monitor interval=1000 call-id=7 rc=7(not-running) status=1(cancelled) deleted exit-reason="gone"',
  );
  t.equal(notifyLine({ kind: 'notify', msgId: 0, op: 'lrmd_rsc_poke', rc: 0 }), 'poke rc=0');
  t.equal(notifyLine({ kind: 'notify', msgId: 0, op: 'lrmd_rsc_register', rc: 0, rscId: 'd1' }), 'register d1 rc=0');
  t.equal(notifyLine({ kind: 'notify', msgId: 0, op: 'lrmd_rsc_unregister', rc: -115, rscId: 'd1' }), 'unregister d1 rc=-115');
  t.equal(notifyLine({ kind: 'notify', msgId: 0, op: 'lrmd_rsc_new_client' }), 'new-client');
  t.equal(notifyLine({ kind: 'notify', msgId: 0, op: 'lrmd_future', unknown: true }), 'lrmd_future (unknown notification)');
  t.equal(toJson({ a: 1n }), '{"a":"1"}');
});
