import t from 'tap';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ExecStatus, OcfExit } from '../../../src/protocol/constants.js';
import { findProgram, locateSystemctl, parseShow, unitName } from '../../../src/server/agents/systemctl.js';
import { createSystemdRunner, nextPollDelay, stateResult } from '../../../src/server/agents/systemd-runner.js';
import { action, tempDir, testEnv, writeScript } from './fixtures.js';

// A stand-in for systemctl: unit state lives in files under $FAKE.
const FAKE_SYSTEMCTL = `#!/bin/sh
echo "$*" >> "$FAKE/calls"
[ "$1" = "--no-block" ] && shift
verb="$1"; shift
case "$verb" in
  show)
    prop="$2"; unit="$3"
    if [ -f "$FAKE/$unit.$prop" ]; then v=$(cat "$FAKE/$unit.$prop")
    elif [ "$prop" = ActiveState ]; then v=inactive
    elif [ "$prop" = LoadState ]; then v=not-found
    else v=""; fi
    echo "$prop=$v"; exit 0;;
  daemon-reload) exit 0;;
  start|stop|restart)
    unit="$1"
    [ -f "$FAKE/fail-$verb" ] && { echo "Job for $unit failed." >&2; exit 1; }
    if [ "$verb" = start ]; then now=activating; target=$(cat "$FAKE/$unit.target" 2>/dev/null || echo active)
    elif [ "$verb" = stop ]; then now=deactivating; target=inactive
    else exit 0; fi
    echo $now > "$FAKE/$unit.ActiveState"
    delay=$(cat "$FAKE/delay" 2>/dev/null || echo 0.2)
    (sleep $delay; echo $target > "$FAKE/$unit.ActiveState") >/dev/null 2>&1 &
    echo $$ >> "$FAKE/jobs"
    exit 0;;
esac
exit 1
`;

const { dir, cleanup } = tempDir('systemd');
t.teardown(() => {
  // end the stand-in's pending "jobs": each start/stop call left a process group that flips the state later
  for (const pid of readFileSync(join(fake, 'jobs'), 'utf8').trim().split('\n')) {
    try {
      process.kill(-Number(pid), 'SIGKILL');
    } catch {
      try {
        process.kill(Number(pid), 'SIGKILL');
      } catch {
        // already done
      }
    }
  }
  cleanup();
});
const fake = join(dir, 'fake');
const booted = join(dir, 'run-systemd-system');
mkdirSync(fake);
mkdirSync(booted);
const systemctlPath = writeScript(join(dir, 'systemctl'), FAKE_SYSTEMCTL);
const env = { ...testEnv, FAKE: fake };
const runner = createSystemdRunner({ systemctl: systemctlPath, bootedDir: booted, env, pollMaxMs: 100 });
const sd = (over: Parameters<typeof action>[0] = {}) =>
  runner.run(action({ standard: 'systemd', provider: undefined, agent: 'web', timeoutMs: 5000, ...over }));
const set = (file: string, v: string) => writeFileSync(join(fake, file), `${v}\n`);
const calls = (): string[] => readFileSync(join(fake, 'calls'), 'utf8').trim().split('\n');

t.test('monitor maps ActiveState', async (t) => {
  set('web.service.LoadState', 'loaded');
  t.same(await sd({ action: 'monitor' }), { rc: 7, status: 0, exitReason: 'inactive' });
  set('web.service.ActiveState', 'active');
  t.same(await sd({ action: 'status' }), { rc: 0, status: 0 });
  set('web.service.ActiveState', 'activating');
  t.same(await sd({ action: 'monitor' }), { rc: OcfExit.unknown, status: ExecStatus.pending });
  set('web.service.ActiveState', 'inactive');
});

t.test('start queues a job, writes the drop-in, polls until active', async (t) => {
  const t0 = Date.now();
  t.same(await sd({ action: 'start' }), { rc: 0, status: 0 });
  t.ok(Date.now() - t0 >= 150, 'waited for the unit');
  const dropIn = readFileSync(join(booted, 'web.service.d', '50-pacemaker.conf'), 'utf8');
  t.match(dropIn, /Before=pacemaker.service pacemaker_remote.service/);
  t.match(dropIn, /Restart=no/);
  t.ok(calls().includes('daemon-reload'));
  t.ok(calls().includes('--no-block start web.service'));
});

t.test('stop polls until not active and removes the drop-in', async (t) => {
  t.same(await sd({ action: 'stop' }), { rc: 0, status: 0 });
  t.notOk(existsSync(join(booted, 'web.service.d', '50-pacemaker.conf')));
  t.equal(readFileSync(join(fake, 'web.service.ActiveState'), 'utf8').trim(), 'inactive');
});

t.test('a start that ends not running is rc 1', async (t) => {
  set('web.service.target', 'failed');
  t.same(await sd({ action: 'start' }), { rc: 1, status: 0, exitReason: 'failed' });
  set('web.service.target', 'active');
});

t.test('a start still pending at the timeout', async (t) => {
  set('delay', '5');
  const r = await sd({ action: 'start', timeoutMs: 400 });
  t.match(r, { rc: 1, status: ExecStatus.timeout });
  set('delay', '0.2');
});

t.test('missing unit: start not installed, stop fine', async (t) => {
  t.same(await sd({ agent: 'ghost', action: 'start' }), {
    rc: 5,
    status: ExecStatus.notInstalled,
    exitReason: 'systemd unit ghost not found',
  });
  t.same(await sd({ agent: 'ghost', action: 'stop' }), { rc: 0, status: 0 });
  t.same(await sd({ agent: 'ghost', action: 'monitor' }), { rc: 7, status: 0, exitReason: 'inactive' });
});

t.test('systemctl failure, restart, unsupported action', async (t) => {
  set('fail-start', '');
  t.same(await sd({ action: 'start' }), { rc: 1, status: ExecStatus.error, exitReason: 'Job for web.service failed.' });
  rmSync(join(fake, 'fail-start'));
  t.same(await sd({ action: 'restart' }), { rc: 0, status: 0 });
  t.same(await sd({ action: 'reload' }), {
    rc: OcfExit.unimplementFeature,
    status: ExecStatus.error,
    exitReason: 'Action reload not implemented for systemd resources',
  });
});

t.test('meta-data from the Description', async (t) => {
  set('web.service.Description', 'Web <server>');
  const r = await sd({ action: 'meta-data' });
  t.match(r, { rc: 0, status: 0 });
  t.match(r.output, /<longdesc lang="en">Web &lt;server&gt;<\/longdesc>/);
  t.match((await sd({ agent: 'other', action: 'meta-data' })).output, /Systemd unit file for other/);
});

t.test('cancel during the poll', async (t) => {
  set('delay', '5');
  const ac = new AbortController();
  const p = sd({ action: 'start', signal: ac.signal });
  setTimeout(() => ac.abort(), 150);
  t.same(await p, { rc: 0, status: ExecStatus.cancelled });
  t.same(await sd({ signal: AbortSignal.abort() }), { rc: 0, status: ExecStatus.cancelled });
  set('delay', '0.2');
});

t.test('systemd absent: not installed, stop succeeds, meta-data still answers', async (t) => {
  const none = createSystemdRunner({ systemctl: systemctlPath, bootedDir: join(dir, 'nope'), env });
  const a = (name: string) => none.run(action({ standard: 'systemd', agent: 'web', action: name }));
  t.same(await a('start'), { rc: 5, status: ExecStatus.notInstalled, exitReason: 'systemd is not running on this node' });
  t.same(await a('monitor'), { rc: 5, status: ExecStatus.notInstalled, exitReason: 'systemd is not running on this node' });
  t.same(await a('stop'), { rc: 0, status: 0 });
  t.match(await a('meta-data'), { rc: 0, output: /<resource-agent name="web"/ });
  const noProgram = createSystemdRunner({ systemctl: join(dir, 'no-systemctl'), bootedDir: booted, env });
  t.match(await noProgram.run(action({ standard: 'systemd', agent: 'web', action: 'start' })), { rc: 5, status: 7 });
  t.match(await none.run(action({ standard: 'systemd', agent: '' })), { rc: 1, status: 6 });
});

t.test('this machine', async (t) => {
  // The host under test may or may not run systemd; either way the runner answers.
  const host = createSystemdRunner({ env: testEnv });
  const r = await host.run(action({ standard: 'systemd', agent: 'pcmk-remote-no-such-unit', action: 'start' }));
  t.equal(r.rc, 5);
  t.equal(r.status, ExecStatus.notInstalled);
});

t.test('helpers', async (t) => {
  t.equal(unitName('web'), 'web.service');
  t.equal(unitName('web.socket'), 'web.socket');
  t.equal(unitName('tpl@'), 'tpl@.service');
  t.equal(unitName('tpl@', true), 'tpl@pacemaker.service');
  t.equal(unitName('tpl@.service'), 'tpl@pacemaker.service');
  t.equal(unitName('.service'), '.service');
  t.same(parseShow('A=1\nB=x=y\nnoise\n'), { A: '1', B: 'x=y' });
  t.same(stateResult('reloading'), { rc: 0, status: 0 });
  t.same(stateResult('deactivating'), { rc: 193, status: -1 });
  t.equal(nextPollDelay(20_000, 0), 2000);
  t.equal(nextPollDelay(1000, 0), 100);
  t.equal(nextPollDelay(1000, 950), 25, 'half the time left');
  t.equal(nextPollDelay(1000, 990), undefined, 'time is up');
  t.equal(nextPollDelay(0, 123_456, 500), 500, 'no timeout');
  t.equal(findProgram('sh', '/nonexistent:/bin'), '/bin/sh');
  t.equal(findProgram('/bin'), undefined, 'a directory is no program');
  t.equal(locateSystemctl({ bootedDir: join(dir, 'nope') }, env), undefined);
});
