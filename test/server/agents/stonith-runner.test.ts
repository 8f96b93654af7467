import t from 'tap';
import { ExecStatus, OcfExit } from '../../../src/protocol/constants.js';
import { createStonithRunner } from '../../../src/server/agents/stonith-runner.js';
import { action } from './fixtures.js';

const r = createStonithRunner();
const st = (over: Parameters<typeof action>[0]) => r.run(action({ standard: 'stonith', provider: undefined, agent: 'fence_dummy', ...over }));

t.test('probe answers "not running" without a fencer; everything else: no fencer', async (t) => {
  t.same(r.standards, ['stonith']);
  t.same(await st({ action: 'monitor' }), { rc: OcfExit.notRunning, status: ExecStatus.error });
  const refused = { rc: 1, status: ExecStatus.error, exitReason: 'No connection to fencer' };
  t.same(await st({ action: 'monitor', intervalMs: 60_000 }), refused);
  t.same(await st({ action: 'start' }), refused);
  t.same(await st({ action: 'stop' }), refused);
  t.same(await st({ action: 'meta-data' }), refused);
  t.same(await st({ action: 'start', signal: AbortSignal.abort() }), { rc: 0, status: ExecStatus.cancelled });
});
