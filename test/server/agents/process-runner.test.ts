import t from 'tap';
import { join } from 'node:path';
import { killGroupFor, pickTuning, runProcess } from '../../../src/server/agents/process-runner.js';
import { makeOcfRoot, processGone, readPid, tempDir, testEnv, waitFor } from './fixtures.js';

const { dir, cleanup } = tempDir('proc');
t.teardown(cleanup);
makeOcfRoot(dir);
const agent = (name: string): string => join(dir, 'resource.d', 'test', name);
const env = { ...testEnv, OCF_RESKEY_dir: dir } as Record<string, string>;
const sh = (script: string, over: Partial<Parameters<typeof runProcess>[0]> = {}) =>
  runProcess({ file: '/bin/sh', args: ['-c', script], env, timeoutMs: 10_000, ...over });

t.test('exit code, stdout, stderr and timing', async (t) => {
  const r = await sh('echo out; echo err >&2; exit 3');
  t.match(r, { outcome: 'exited', exitCode: 3, signal: null, stdout: 'out\n', stderr: 'err\n' });
  t.equal(r.stdoutTruncated, false);
  t.type(r.pid, 'number');
  t.ok(r.durationMs >= 0 && r.durationMs < 5000);
  t.ok(Math.abs(r.startedAt - Date.now()) < 10_000);
});

t.test('output past the cap is read and dropped', async (t) => {
  const r = await runProcess({ file: agent('big'), args: [], env, timeoutMs: 10_000, maxOutputBytes: 1000 });
  t.equal(r.outcome, 'exited');
  t.equal(r.stdout.length, 1000);
  t.equal(r.stdoutTruncated, true);
  const full = await runProcess({ file: agent('big'), args: [], env, timeoutMs: 10_000 });
  t.equal(full.stdout.length, 102_400);
  t.equal(full.stdoutTruncated, false);
});

t.test('timeout: the whole process group is killed, grandchild included', async (t) => {
  const t0 = Date.now();
  const r = await runProcess({ file: agent('family'), args: [], env, timeoutMs: 300, killGraceMs: 500 });
  const took = Date.now() - t0;
  t.equal(r.outcome, 'timeout');
  t.equal(r.signal, 'SIGTERM', 'the leader died of SIGTERM');
  t.match(r.stderr, /started/, 'output before the kill is kept');
  t.ok(took >= 290 && took < 3000, `took ${took} ms`);
  t.ok(await waitFor(() => processGone(readPid(join(dir, 'leader')))), 'leader gone');
  t.ok(await waitFor(() => processGone(readPid(join(dir, 'grandchild')))), 'grandchild gone');
});

t.test('an agent that ignores SIGTERM gets SIGKILL after the grace', async (t) => {
  const t0 = Date.now();
  const r = await runProcess({ file: agent('stubborn'), args: [], env, timeoutMs: 300, killGraceMs: 400 });
  const took = Date.now() - t0;
  t.equal(r.outcome, 'timeout');
  t.equal(r.signal, 'SIGKILL');
  t.ok(took >= 650 && took < 4000, `took ${took} ms`);
  t.ok(await waitFor(() => processGone(readPid(join(dir, 'grandchild')))), 'grandchild gone');
  t.ok(processGone(readPid(join(dir, 'leader'))), 'leader gone');
});

t.test('grace 0: SIGKILL at once', async (t) => {
  const r = await runProcess({ file: agent('stubborn'), args: [], env, timeoutMs: 200, killGraceMs: 0 });
  t.match(r, { outcome: 'timeout', signal: 'SIGKILL' });
  t.ok(await waitFor(() => processGone(readPid(join(dir, 'grandchild')))));
});

t.test('abort kills the group and reports cancelled', async (t) => {
  const ac = new AbortController();
  const p = runProcess({ file: agent('family'), args: [], env, timeoutMs: 0, signal: ac.signal, killGraceMs: 300 });
  await waitFor(() => {
    try {
      return readPid(join(dir, 'grandchild')) > 0 && readPid(join(dir, 'leader')) > 0;
    } catch {
      return false;
    }
  });
  await new Promise((r) => setTimeout(r, 100));
  ac.abort();
  const r = await p;
  t.equal(r.outcome, 'cancelled');
  t.ok(await waitFor(() => processGone(readPid(join(dir, 'grandchild')))), 'grandchild gone');
});

t.test('abort before start: nothing runs', async (t) => {
  const r = await sh('exit 0', { signal: AbortSignal.abort() });
  t.equal(r.outcome, 'cancelled');
  t.equal(r.pid, undefined);
});

t.test('start failures carry the errno name', async (t) => {
  t.match(await runProcess({ file: join(dir, 'missing'), args: [], env, timeoutMs: 0 }), {
    outcome: 'spawnFailed',
    errorCode: 'ENOENT',
  });
  t.match(await runProcess({ file: agent('noexec'), args: [], env, timeoutMs: 0 }), {
    outcome: 'spawnFailed',
    errorCode: 'EACCES',
  });
  // spawn itself throws for a NUL in the environment
  t.match(await sh('exit 0', { env: { A: 'x\0y' } }), { outcome: 'spawnFailed', errorCode: 'EINVAL' });
});

t.test('a process left holding the pipes does not hold up the result', async (t) => {
  const t0 = Date.now();
  const r = await runProcess({ file: agent('daemonize'), args: [], env, timeoutMs: 10_000, pipeDrainMs: 50 });
  const took = Date.now() - t0;
  t.match(r, { outcome: 'exited', exitCode: 0, stdout: 'daemon started\n' });
  t.ok(took < 2000, `took ${took} ms`);
  const daemon = readPid(join(dir, 'daemon'));
  t.notOk(processGone(daemon), 'the daemon the agent started keeps running');
  process.kill(daemon, 'SIGKILL');
});

t.test('killed by a signal of its own', async (t) => {
  const r = await runProcess({ file: agent('segv'), args: [], env, timeoutMs: 10_000 });
  t.match(r, { outcome: 'signaled', signal: 'SIGSEGV', exitCode: null });
});

t.test('pickTuning keeps only the tuning fields', async (t) => {
  t.same(pickTuning({ killGraceMs: 1, maxOutputBytes: 2, pipeDrainMs: 3, cwd: '/', other: 1 } as never), {
    killGraceMs: 1,
    maxOutputBytes: 2,
    pipeDrainMs: 3,
    cwd: '/',
  });
  t.same(pickTuning({}), {});
});

t.test('killGroup false (on-fail=block): only the agent is killed', async (t) => {
  const r = await runProcess({ file: agent('family'), args: [], env, timeoutMs: 300, killGraceMs: 300, killGroup: false });
  t.equal(r.outcome, 'timeout');
  const grandchild = readPid(join(dir, 'grandchild'));
  t.notOk(processGone(grandchild), 'the grandchild survives');
  process.kill(grandchild, 'SIGKILL');
  const stubborn = await runProcess({ file: agent('stubborn'), args: [], env, timeoutMs: 200, killGraceMs: 200, killGroup: false });
  t.match(stubborn, { outcome: 'timeout', signal: 'SIGKILL' });
  process.kill(readPid(join(dir, 'grandchild')), 'SIGKILL');
  t.equal(killGroupFor({ CRM_meta_on_fail: 'Block' }), false);
  t.equal(killGroupFor({ CRM_meta_on_fail: 'restart' }), true);
  t.equal(killGroupFor({}), true);
});

// best effort: the reset follows the start, so the agent's first instants keep the daemon's value
t.test('agents run at nice 0 whatever the daemon’s value', { skip: process.getuid?.() === 0 ? false : 'needs root' }, async (t) => {
  // a child node at nice 5 runs an agent that reports its own nice value
  const { spawnSync } = await import('node:child_process');
  const code = `import('${new URL('../../../src/server/agents/process-runner.ts', import.meta.url).pathname}').then(async (m) => {
    const r = await m.runProcess({ file: '/bin/sh', args: ['-c', 'sleep 0.3; cut -d" " -f19 /proc/self/stat'], env: process.env, timeoutMs: 5000 });
    process.stdout.write(r.stdout);
  })`;
  const r = spawnSync('nice', ['-n', '5', process.execPath, '--import', 'tsx', '-e', code], { env: testEnv, encoding: 'utf8' });
  t.equal(r.stdout.trim(), '0', r.stderr);
});
