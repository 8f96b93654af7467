import t from 'tap';
import { chmodSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ExecStatus } from '../../../src/protocol/constants.js';
import { createAlertRunner, describeAlertResult, lookupUser } from '../../../src/server/agents/alert-runner.js';
import type { AlertAction } from '../../../src/server/agents/types.js';
import { tempDir, testEnv, writeScript } from './fixtures.js';

const { dir, cleanup } = tempDir('alert');
t.teardown(cleanup);
const out = join(dir, 'out');
mkdirSync(out);
chmodSync(out, 0o777);
const script = writeScript(
  join(dir, 'alert.sh'),
  '#!/bin/sh\n{ echo "argc=$#"; id -u; env | grep -E "^CRM_(alert|notify)_|^extra=" | sort; } > "$OUT/$CRM_alert_node_sequence"\nexit ${CODE:-0}\n',
);
writeScript(join(dir, 'slow.sh'), '#!/bin/sh\nsleep 30\n');
const alert = (over: Partial<AlertAction> = {}): AlertAction => ({
  alertId: 'a1',
  path: script,
  timeoutMs: 10_000,
  params: { CRM_alert_kind: 'node', CRM_alert_node: 'n1', extra: 'x y' },
  signal: new AbortController().signal,
  ...over,
});
const env = { ...testEnv, OUT: out };

t.test('environment, no arguments, sequence numbers', async (t) => {
  const r = createAlertRunner({ env, user: null });
  t.same(await r.runAlert(alert()), { rc: 0, status: 0 });
  t.same(await r.runAlert(alert({ params: { CRM_alert_kind: 'resource', CRM_alert_node_sequence: '99' } })), { rc: 0, status: 0 });
  const first = readFileSync(join(out, '1'), 'utf8').split('\n');
  t.same(first.slice(0, 2), ['argc=0', String(process.getuid!())]);
  t.ok(first.includes('CRM_alert_kind=node'));
  t.ok(first.includes('CRM_alert_node=n1'));
  t.ok(first.includes('extra=x y'), 'parameters are exported under their own names');
  t.ok(first.includes('CRM_alert_node_sequence=1'));
  t.ok(first.includes('CRM_notify_node_sequence=1'));
  t.match(readFileSync(join(out, '2'), 'utf8'), /CRM_alert_node_sequence=2\n/, 'the executor’s sequence wins');
  const modern = createAlertRunner({ env, user: null, legacyNames: false });
  await modern.runAlert(alert());
  t.notMatch(readFileSync(join(out, '1'), 'utf8'), /CRM_notify_node_sequence/);
});

const root = process.getuid?.() === 0;
const hacluster = lookupUser('hacluster');
t.test('runs as hacluster when root', { skip: root && hacluster ? false : 'needs root and user hacluster' }, async (t) => {
  const own = join(dir, 'out-user');
  mkdirSync(own);
  chmodSync(own, 0o777);
  const r = createAlertRunner({ env: { ...env, OUT: own } });
  t.same(await r.runAlert(alert()), { rc: 0, status: 0 });
  t.equal(readFileSync(join(own, '1'), 'utf8').split('\n')[1], String(hacluster!.uid));
  const again = createAlertRunner({ env: { ...env, OUT: join(dir, 'out-ids') }, user: { uid: 1234, gid: 1234 } });
  mkdirSync(join(dir, 'out-ids'));
  chmodSync(join(dir, 'out-ids'), 0o777);
  await again.runAlert(alert());
  t.equal(readFileSync(join(dir, 'out-ids', '1'), 'utf8').split('\n')[1], '1234');
});

t.test('exit status, timeout, missing agent, cancel', async (t) => {
  const r = createAlertRunner({ env: { ...env, CODE: '42' }, user: null, killGraceMs: 100 });
  const failed = await r.runAlert(alert());
  t.same(failed, { rc: 42, status: 0 }, 'the raw exit status, for the log');
  t.same(describeAlertResult(failed), { level: 'notice', message: 'Alert completed but exited with status 42' });
  const late = await r.runAlert(alert({ path: join(dir, 'slow.sh'), timeoutMs: 200 }));
  t.same(late, { rc: 1, status: ExecStatus.timeout, exitReason: 'Alert agent did not complete within 200ms' });
  t.same(describeAlertResult(late), {
    level: 'notice',
    message: 'Could not send alert: Timed Out (Alert agent did not complete within 200ms)',
  });
  const missing = await r.runAlert(alert({ path: join(dir, 'none.sh') }));
  t.same(missing, { rc: 5, status: 7, exitReason: `${join(dir, 'none.sh')}: No such file or directory` });
  t.same(await r.runAlert(alert({ path: '' })), { rc: 5, status: 7, exitReason: ': No such file or directory' });
  t.same(await r.runAlert(alert({ signal: AbortSignal.abort() })), { rc: 0, status: ExecStatus.cancelled });
  t.same(describeAlertResult({ rc: 0, status: 0 }), { level: 'debug', message: 'Alert completed' });
  t.same(describeAlertResult({ rc: 0, status: 1 }), { level: 'notice', message: 'Could not send alert: Cancelled' });
  t.same(describeAlertResult({ rc: 0, status: 99 }).message, 'Could not send alert: unknown');
});

t.test('a relative path is taken from the working directory', async (t) => {
  const r = createAlertRunner({ env, user: null, cwd: dir });
  t.same(await r.runAlert(alert({ path: 'alert.sh' })), { rc: 0, status: 0 });
});

t.test('lookupUser', async (t) => {
  const passwd = join(dir, 'passwd');
  writeFileSync(passwd, 'root:x:0:0::/root:/bin/sh\nbad:x:y:z\nhacluster:x:102:105::/var/lib/pacemaker:/usr/sbin/nologin\n');
  t.same(lookupUser('hacluster', passwd), { uid: 102, gid: 105 });
  t.equal(lookupUser('bad', passwd), undefined);
  t.equal(lookupUser('nobody-here', passwd), undefined);
  t.equal(lookupUser('root', join(dir, 'missing')), undefined);
  const r = createAlertRunner({ env, user: 'nobody-here', passwdFile: passwd });
  t.same(await r.runAlert(alert()), { rc: 0, status: 0 }, 'unknown user: runs as the daemon');
});
