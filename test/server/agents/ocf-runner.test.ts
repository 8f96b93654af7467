import t from 'tap';
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { ExecStatus, OcfExit } from '../../../src/protocol/constants.js';
import {
  DEFAULT_OCF_ROOT,
  createOcfRunner,
  findOcfAgent,
  isPlainName,
  splitAgentPath,
} from '../../../src/server/agents/ocf-runner.js';
import { action, makeOcfRoot, tempDir, testEnv, writeScript } from './fixtures.js';

const { dir, cleanup } = tempDir('ocf');
t.teardown(cleanup);
makeOcfRoot(dir);
const runner = createOcfRunner({ ocfRoot: dir, env: { ...testEnv, NOTIFY_SOCKET: '/run/x' }, killGraceMs: 200 });

t.test('exit codes pass through or become 1', async (t) => {
  for (const [code, rc] of [
    [0, 0],
    [7, 7],
    [9, 9],
    [10, 1],
    [190, 190],
    [191, 191],
    [192, 1],
    [255, 1],
  ] as const) {
    const r = await runner.run(action({ params: { code: String(code) } }));
    t.same(r, { rc, status: ExecStatus.done }, `exit ${code}`);
  }
});

t.test('argv is [path, action]', async (t) => {
  const r = await runner.run(action({ agent: 'argv', action: 'monitor' }));
  t.equal(r.output, `${join(dir, 'resource.d', 'test', 'argv')}|1|monitor\n`);
});

t.test('OCF environment', async (t) => {
  const r = await runner.run(
    action({
      rscId: 'my-rsc',
      agent: 'env',
      params: { state: '/x/y', CRM_meta_timeout: '20000', OCF_CHECK_LEVEL: '10', 'bad=name': 'v', nul: 'a\0b' },
    }),
  );
  const env = Object.fromEntries((r.output ?? '').trim().split('\n').map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)]));
  t.match(env, {
    OCF_RA_VERSION_MAJOR: '1',
    OCF_RA_VERSION_MINOR: '1',
    OCF_ROOT: dir,
    OCF_EXIT_REASON_PREFIX: 'ocf-exit-reason:',
    OCF_RESOURCE_INSTANCE: 'my-rsc',
    OCF_RESOURCE_TYPE: 'env',
    OCF_RESOURCE_PROVIDER: 'test',
    OCF_RESKEY_state: '/x/y',
    OCF_RESKEY_CRM_meta_timeout: '20000',
    OCF_CHECK_LEVEL: '10',
    OCF_RESKEY_nul: 'a',
  });
  t.equal(env.OCF_RESKEY_OCF_CHECK_LEVEL, undefined);
  t.equal(env.NOTIFY_SOCKET, undefined, 'NOTIFY_SOCKET is not inherited');
  t.equal(env.PATH, testEnv.PATH, 'the rest is inherited');
  t.notOk(Object.keys(env).some((k) => k.includes('bad')), 'a name with = is skipped');
});

t.test('parameter values reach the agent unchanged', async (t) => {
  const value = 'spaces and "quotes" \'single\' $HOME `x` \\ é\nsecond line';
  const r = await runner.run(action({ agent: 'reskey', params: { value } }));
  t.equal(r.output, value);
});

t.test('exit reason: last marker in stderr; output is stderr when there is any', async (t) => {
  const r = await runner.run(action({ agent: 'reason' }));
  t.equal(r.rc, OcfExit.notConfigured);
  t.equal(r.status, ExecStatus.done);
  t.equal(r.exitReason, 'second reason');
  t.equal(r.output, 'ocf-exit-reason:first\nnoise\nocf-exit-reason:second reason\n');
  const long = await runner.run(action({ agent: 'longreason' }));
  t.equal(long.exitReason?.length, 128);
  const out = await runner.run(action({ agent: 'stdoutonly' }));
  t.same(out, { rc: 0, status: 0, output: 'only stdout\n' });
});

t.test('100 KB of output is kept whole by default, capped by option', async (t) => {
  const r = await runner.run(action({ agent: 'big' }));
  t.equal(r.output?.length, 102_400);
  const capped = createOcfRunner({ ocfRoot: dir, env: testEnv, maxOutputBytes: 4096 });
  t.equal((await capped.run(action({ agent: 'big' }))).output?.length, 4096);
});

t.test('missing agent: rc 5, status not installed, reason names the type', async (t) => {
  t.same(await runner.run(action({ agent: 'nope' })), {
    rc: OcfExit.notInstalled,
    status: ExecStatus.notInstalled,
    exitReason: 'nope: No such file or directory',
  });
  t.match(await runner.run(action({ provider: 'nobody' })), { rc: 5, status: 7 });
  t.match(await runner.run(action({ agent: '../test/exitcode' })), { rc: 5, status: 7 }, 'no path tricks');
});

t.test('agent not executable: rc 4, status done', async (t) => {
  t.same(await runner.run(action({ agent: 'noexec' })), {
    rc: OcfExit.insufficientPriv,
    status: ExecStatus.done,
    exitReason: 'Child process was unable to execute file',
  });
  t.match(await runner.run(action({ agent: 'adir' })), { rc: 4, status: 0 }, 'a directory');
});

t.test('missing provider or action: rc 1, fatal', async (t) => {
  const missing = { rc: 1, status: ExecStatus.errorFatal, exitReason: 'Required agent or action information missing' };
  t.same(await runner.run(action({ provider: undefined })), missing);
  t.same(await runner.run(action({ action: '' })), missing);
});

t.test('timeout: rc 1, status timed out, Pacemaker-style reason', async (t) => {
  const r = await runner.run(action({ agent: 'sleepy', timeoutMs: 300 }));
  t.match(r, { rc: 1, status: ExecStatus.timeout, exitReason: 'Resource agent did not complete within 300ms' });
});

t.test('cancel while running and before', async (t) => {
  const ac = new AbortController();
  const p = runner.run(action({ agent: 'sleepy', signal: ac.signal }));
  setTimeout(() => ac.abort(), 100);
  t.same(await p, { rc: 0, status: ExecStatus.cancelled });
  t.same(await runner.run(action({ signal: AbortSignal.abort() })), { rc: 0, status: ExecStatus.cancelled });
});

t.test('killed by a signal: rc 1, status error', async (t) => {
  t.same(await runner.run(action({ agent: 'segv' })), {
    rc: 1,
    status: ExecStatus.error,
    exitReason: 'Resource agent interrupted by Segmentation fault signal',
  });
});

t.test('agent path: colon list searched in order', async (t) => {
  const other = join(dir, 'other');
  mkdirSync(join(other, 'test'), { recursive: true });
  writeScript(join(other, 'test', 'exitcode'), '#!/bin/sh\nexit 8\n');
  writeScript(join(other, 'test', 'onlyhere'), '#!/bin/sh\nexit 9\n');
  const r = createOcfRunner({ ocfRoot: dir, agentPath: `${other}::${dir}/resource.d`, env: testEnv });
  t.equal((await r.run(action())).rc, 8, 'first directory wins');
  t.equal((await r.run(action({ agent: 'onlyhere' }))).rc, 9);
  t.equal((await r.run(action({ agent: 'stdoutonly' }))).rc, 0, 'falls through to the next directory');
  t.same(splitAgentPath('a::b:'), ['a', 'b']);
  t.same(splitAgentPath(['x', '']), ['x']);
  t.equal(findOcfAgent([other], 'test', 'missing'), undefined);
  t.notOk(isPlainName('..'));
  t.notOk(isPlainName(''));
  t.ok(isPlainName('Dummy'));
});

const dummy = join(DEFAULT_OCF_ROOT, 'resource.d', 'pacemaker', 'Dummy');
t.test('real ocf:pacemaker:Dummy', { skip: existsSync(dummy) ? false : `${dummy} is not installed` }, async (t) => {
  const real = createOcfRunner({ env: testEnv });
  const state = join(dir, 'dummy.state');
  const a = (name: string, over = {}) =>
    real.run(action({ rscId: 'dummy1', provider: 'pacemaker', agent: 'Dummy', action: name, params: { state }, ...over }));
  t.match(await a('monitor'), { rc: 7, status: 0 }, 'probe: not running');
  t.match(await a('start'), { rc: 0, status: 0 });
  t.ok(existsSync(state), 'state file written');
  t.match(await a('monitor', { intervalMs: 10_000 }), { rc: 0, status: 0 });
  t.match(await a('stop'), { rc: 0, status: 0 });
  t.match(await a('monitor'), { rc: 7, status: 0 });
  const md = await a('meta-data');
  t.match(md, { rc: 0, status: 0 });
  t.match(md.output, /<resource-agent name="Dummy"/);
  t.match(await a('validate-all'), { rc: 0 });
  t.match(await a('no-such-action'), { rc: 3 }, 'unknown action: unimplemented');
  t.match(await a('start', { params: { state, fake: 'x', op_sleep: '5' }, timeoutMs: 500 }), { rc: 1, status: 2 });
});
