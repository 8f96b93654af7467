import t from 'tap';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ExecStatus, OcfExit } from '../../../src/protocol/constants.js';
import { createLsbRunner, lsbArgument, lsbScriptPath } from '../../../src/server/agents/lsb-runner.js';
import { lsbMetadata, parseLsbHeader } from '../../../src/server/agents/lsb-metadata.js';
import { action, tempDir, testEnv, writeScript } from './fixtures.js';

const { dir, cleanup } = tempDir('lsb');
t.teardown(cleanup);
const SCRIPT = `#!/bin/sh
### BEGIN INIT INFO
# Provides:          lsbdummy
# Required-Start:    $remote_fs
# Required-Stop:     $remote_fs
# Default-Start:     2 3 4 5
# Default-Stop:      0 1 6
# Short-Description: test <script>
# Description:       first line
#  continued & more
### END INIT INFO
D=$(dirname "$0")
echo "$1" >> "$D/calls"
case "$1" in
  start) touch "$D/lsbdummy.state"; exit 0;;
  stop) rm -f "$D/lsbdummy.state"; exit 0;;
  status) [ -f "$D/code" ] && exit $(cat "$D/code"); [ -f "$D/lsbdummy.state" ] && exit 0; exit 3;;
  slow) sleep 30;;
  env) env; exit 0;;
  *) exit \${CODE:-9};;
esac
`;
writeScript(join(dir, 'lsbdummy'), SCRIPT);
const runner = createLsbRunner({ initDir: dir, env: testEnv, killGraceMs: 200 });
const lsb = (over: Parameters<typeof action>[0] = {}) =>
  runner.run(action({ standard: 'lsb', provider: undefined, agent: 'lsbdummy', ...over }));

t.test('start, monitor (as status), stop', async (t) => {
  t.same(await lsb({ action: 'monitor' }), { rc: OcfExit.notRunning, status: 0 }, 'LSB 3 → 7');
  t.same(await lsb({ action: 'start' }), { rc: 0, status: 0 });
  t.same(await lsb({ action: 'monitor' }), { rc: 0, status: 0 });
  t.same(await lsb({ action: 'stop' }), { rc: 0, status: 0 });
  t.same(await lsb({ action: 'status' }), { rc: 7, status: 0 });
  const calls = readFileSync(join(dir, 'calls'), 'utf8');
  t.equal(calls, 'status\nstart\nstatus\nstop\nstatus\n', 'monitor runs the script with status');
});

t.test('status exit codes map by the LSB rules', async (t) => {
  for (const [code, rc] of [
    [1, 7],
    [2, 7],
    [3, 7],
    [4, 1],
    [150, 5],
    [151, 4],
    [5, 1],
  ] as const) {
    writeFileSync(join(dir, 'code'), String(code));
    t.equal((await lsb({ action: 'monitor' })).rc, rc, `status ${code}`);
  }
  rmSync(join(dir, 'code'));
});

t.test('other actions: 0-7 pass, others 1; no parameters, no exit reasons', async (t) => {
  t.equal((await lsb({ action: 'weird' })).rc, 1, 'exit 9 → 1');
  const env = await lsb({ action: 'env', params: { secret: 'x' } });
  t.notMatch(env.output, /OCF_RESKEY|secret/);
  t.notMatch(env.output, /OCF_ROOT/);
});

t.test('missing script: rc 5, not installed, reason names the path', async (t) => {
  t.same(await lsb({ agent: 'nope', action: 'monitor' }), {
    rc: 5,
    status: ExecStatus.notInstalled,
    exitReason: `${dir}/nope: No such file or directory`,
  });
  t.match(await lsb({ agent: 'a/b' }), { rc: 5, status: 7 });
  t.same(await lsb({ agent: '' }), { rc: 1, status: 6, exitReason: 'Required agent or action information missing' });
});

t.test('an absolute path names the script directly', async (t) => {
  t.same(await lsb({ agent: join(dir, 'lsbdummy'), action: 'start' }), { rc: 0, status: 0 });
  t.equal(lsbScriptPath('/etc/init.d', '/opt/x'), '/opt/x');
  t.equal(lsbScriptPath('/etc/init.d', 'x'), '/etc/init.d/x');
  t.equal(lsbScriptPath('/etc/init.d', '..'), undefined);
  t.equal(lsbArgument('Monitor'), 'status');
  t.equal(lsbArgument('start'), 'start');
});

t.test('timeout and cancel', async (t) => {
  t.match(await lsb({ action: 'slow', timeoutMs: 200 }), { rc: 1, status: ExecStatus.timeout });
  t.same(await lsb({ signal: AbortSignal.abort() }), { rc: 0, status: ExecStatus.cancelled });
});

t.test('meta-data is synthesised from the header', async (t) => {
  const r = await lsb({ action: 'meta-data' });
  t.match(r, { rc: 0, status: 0 });
  t.match(r.output, /<resource-agent name="lsbdummy"/);
  t.match(r.output, /<shortdesc lang="en">test &lt;script&gt;<\/shortdesc>/);
  t.match(r.output, /first line\ncontinued &amp; more/);
  t.match(r.output, /<Provides>lsbdummy<\/Provides>/);
  t.match(r.output, /<Default-Stop>0 1 6<\/Default-Stop>/);
  t.match(r.output, /<Should-Start><\/Should-Start>/);
  t.notMatch(readFileSync(join(dir, 'calls'), 'utf8'), /meta-data/, 'the script is not run');
});

t.test('metadata of a script without header; unreadable script', async (t) => {
  t.same(parseLsbHeader('#!/bin/sh\necho hi\n'), {});
  t.same(parseLsbHeader('### BEGIN INIT INFO\n# Provides: a\n# Provides: b\nnot a comment\n# Short-Description: late\n'), { provides: 'a' });
  const xml = lsbMetadata('plain', {});
  t.match(xml, /<longdesc lang="en">plain<\/longdesc>/);
  t.match(xml, /<shortdesc lang="en">plain<\/shortdesc>/);
  mkdirSync(join(dir, 'adir'));
  t.same(await lsb({ agent: 'adir', action: 'meta-data' }), {
    rc: 5,
    status: ExecStatus.notInstalled,
    exitReason: `${dir}/adir: Is a directory`,
  });
});
