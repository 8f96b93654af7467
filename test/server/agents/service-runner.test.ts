import t from 'tap';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ExecStatus } from '../../../src/protocol/constants.js';
import { createServiceRunner } from '../../../src/server/agents/service-runner.js';
import type { AgentAction, AgentRunner } from '../../../src/server/agents/types.js';
import { action, tempDir, testEnv, writeScript } from './fixtures.js';

const { dir, cleanup } = tempDir('service');
t.teardown(cleanup);
const initDir = join(dir, 'init.d');
const booted = join(dir, 'booted');
const fake = join(dir, 'fake');
mkdirSync(initDir);
mkdirSync(booted);
mkdirSync(fake);
writeScript(join(initDir, 'both'), '#!/bin/sh\n[ "$1" = status ] && exit 3\nexit 0\n');
// systemctl stand-in: units listed in $FAKE/loaded exist
const systemctl = writeScript(
  join(dir, 'systemctl'),
  '#!/bin/sh\n[ -n "$SLOW" ] && sleep 5\nif grep -qx "$4" "$FAKE/loaded"; then echo LoadState=loaded; else echo LoadState=not-found; fi\n',
);
writeFileSync(join(fake, 'loaded'), 'both.service\nunit.service\n');

function recorder(name: string): AgentRunner & { seen: AgentAction[] } {
  const seen: AgentAction[] = [];
  return { standards: [name], seen, run: async (a) => (seen.push(a), { rc: 0, status: 0, output: name }) };
}

t.test('LSB script first, then a systemd unit, else LSB', async (t) => {
  const lsb = recorder('lsb');
  const sd = recorder('systemd');
  const r = createServiceRunner({ initDir, bootedDir: booted, systemctl, env: { ...testEnv, FAKE: fake }, lsb, systemdRunner: sd });
  const svc = (agent: string, over = {}) => r.run(action({ standard: 'service', provider: undefined, agent, ...over }));
  t.equal((await svc('both')).output, 'lsb', 'script exists: LSB even though a unit exists too');
  t.equal((await svc('unit')).output, 'systemd');
  t.equal((await svc('neither')).output, 'lsb');
  t.same(sd.seen.map((a) => a.standard), ['systemd'], 'the action is handed on under its resolved class');
  t.same(await svc(''), { rc: 1, status: 6, exitReason: 'Required agent or action information missing' });
  const ac = new AbortController();
  const slow = createServiceRunner({ initDir, bootedDir: booted, systemctl, env: { ...testEnv, FAKE: fake, SLOW: '1' }, lsb, systemdRunner: sd });
  const p = slow.run(action({ standard: 'service', agent: 'unit', signal: ac.signal }));
  setTimeout(() => ac.abort(), 50);
  t.same(await p, { rc: 0, status: ExecStatus.cancelled });
});

t.test('with the real runners: LSB script runs, missing one is not installed', async (t) => {
  const r = createServiceRunner({ initDir, bootedDir: join(dir, 'not-booted'), env: testEnv });
  const svc = (agent: string, a: string) => r.run(action({ standard: 'service', provider: undefined, agent, action: a }));
  t.same(await svc('both', 'monitor'), { rc: 7, status: 0 });
  t.same(await svc('both', 'start'), { rc: 0, status: 0 });
  t.same(await svc('gone', 'monitor'), {
    rc: 5,
    status: ExecStatus.notInstalled,
    exitReason: `${initDir}/gone: No such file or directory`,
  });
});
