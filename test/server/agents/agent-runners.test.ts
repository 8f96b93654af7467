import t from 'tap';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { ExecStatus } from '../../../src/protocol/constants.js';
import { createAgentRunners } from '../../../src/server/agents/agent-runners.js';
import { InProcessRegistry } from '../../../src/server/agents/in-process.js';
import { action, makeOcfRoot, tempDir, testEnv, writeScript } from './fixtures.js';

const { dir, cleanup } = tempDir('runners');
t.teardown(cleanup);
makeOcfRoot(dir);
const initDir = join(dir, 'init.d');
mkdirSync(initDir);
writeScript(join(initDir, 'svc'), '#!/bin/sh\n[ "$1" = status ] && exit 3\nexit 0\n');
const alertScript = writeScript(join(dir, 'alert.sh'), '#!/bin/sh\nexit 0\n');

const runners = createAgentRunners({ ocfRoot: dir, initDir, env: testEnv, bootedDir: join(dir, 'no-systemd'), alertUser: null });

t.test('dispatch by class, case-insensitive', async (t) => {
  t.same(await runners.run(action({ params: { code: '7' } })), { rc: 7, status: 0 });
  t.same(await runners.run(action({ standard: 'OCF', params: { code: '0' } })), { rc: 0, status: 0 });
  t.same(await runners.run(action({ standard: 'lsb', provider: undefined, agent: 'svc', action: 'monitor' })), { rc: 7, status: 0 });
  t.same(await runners.run(action({ standard: 'service', provider: undefined, agent: 'svc', action: 'start' })), { rc: 0, status: 0 });
  t.match(await runners.run(action({ standard: 'systemd', agent: 'x' })), { rc: 5, status: 7 });
  t.match(await runners.run(action({ standard: 'stonith', agent: 'fence_x', action: 'monitor' })), { rc: 7, status: 4 });
  for (const s of ['ocf', 'lsb', 'service', 'systemd', 'stonith']) t.ok(runners.standards.includes(s), s);
  t.equal(runners.runnerFor('LSB')?.standards[0], 'lsb');
  t.equal(runners.runnerFor('nagios'), undefined);
});

t.test('unknown class: not installed, as Pacemaker', async (t) => {
  t.same(await runners.run(action({ standard: 'nagios', agent: 'check_x' })), {
    rc: 5,
    status: ExecStatus.notInstalled,
    exitReason: 'check_x: No such file or directory',
  });
});

t.test('missing information: rc 1, fatal', async (t) => {
  const missing = { rc: 1, status: ExecStatus.errorFatal, exitReason: 'Required agent or action information missing' };
  t.same(await runners.run(action({ rscId: '' })), missing);
  t.same(await runners.run(action({ standard: '' })), missing);
  t.same(await runners.run(action({ agent: '' })), missing);
  t.same(await runners.run(action({ action: '' })), missing);
  t.same(await runners.run(action({ provider: '' })), missing, 'ocf without provider');
});

t.test('in-process agents come first, even over one on disk', async (t) => {
  const registry = new InProcessRegistry();
  const r = createAgentRunners({ ocfRoot: dir, env: testEnv, registry });
  r.registry.define('ocf', 'test', 'exitcode', { start: () => ({ rc: 0, output: 'in-process' }) });
  r.registry.define('mine', '', 'thing', { monitor: () => 7 });
  t.equal(r.registry, registry);
  t.same(await r.run(action()), { rc: 0, status: 0, output: 'in-process' });
  t.same(await r.run(action({ standard: 'Mine', provider: undefined, agent: 'thing', action: 'monitor' })), { rc: 7, status: 0 });
  t.ok(r.standards.includes('mine'));
});

t.test('added runners, and a runner that throws', async (t) => {
  const r = createAgentRunners({
    env: testEnv,
    runners: [
      { standards: ['Nagios'], run: async () => ({ rc: 0, status: 0, output: 'nagios' }) },
      { standards: ['stonith'], run: async () => ({ rc: 0, status: 0, output: 'my fencer' }) },
      { standards: ['broken'], run: async () => { throw new Error('bug'); } },
    ],
  });
  t.same(await r.run(action({ standard: 'nagios' })), { rc: 0, status: 0, output: 'nagios' });
  t.same(await r.run(action({ standard: 'stonith' })), { rc: 0, status: 0, output: 'my fencer' }, 'replaces the built-in');
  t.same(await r.run(action({ standard: 'broken' })), { rc: 1, status: ExecStatus.error, exitReason: 'Error: bug' });
});

t.test('alerts', async (t) => {
  const r = await runners.runAlert({ alertId: 'a', path: alertScript, timeoutMs: 5000, params: {}, signal: new AbortController().signal });
  t.same(r, { rc: 0, status: 0 });
});
