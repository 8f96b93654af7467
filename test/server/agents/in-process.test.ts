import t from 'tap';
import { ExecStatus, OcfExit } from '../../../src/protocol/constants.js';
import { InProcessRegistry, type InProcessContext } from '../../../src/server/agents/in-process.js';
import { action } from './fixtures.js';

const ocf = (over: Parameters<typeof action>[0] = {}) => action({ provider: 'acme', agent: 'Counter', ...over });

function counter() {
  let running = false;
  let starts = 0;
  return {
    async start(ctx: InProcessContext) {
      if (ctx.params.fail === 'yes') return { rc: OcfExit.notConfigured, exitReason: 'fail=yes given' };
      running = true;
      starts++;
      return OcfExit.ok;
    },
    async stop() {
      running = false;
      return 0;
    },
    monitor: (ctx: InProcessContext) => (running ? { output: `starts=${starts} interval=${ctx.intervalMs}` } : 7),
    async slow(ctx: InProcessContext) {
      await new Promise((resolve) => ctx.signal.addEventListener('abort', resolve, { once: true }));
      return 0;
    },
    async never() {
      return new Promise<number>(() => {});
    },
    async boom() {
      throw new Error('disk on fire\nsecond line');
    },
    async odd() {
      return 42;
    },
    nothing: () => undefined as never,
    throwsString: () => {
      throw 'plain';
    },
  };
}

t.test('define and run', async (t) => {
  const reg = new InProcessRegistry();
  reg.define('ocf', 'acme', 'Counter', counter(), { metadata: '<resource-agent name="Counter"/>' });
  t.ok(reg.has('OCF', 'acme', 'Counter'), 'class is case-insensitive');
  t.same(reg.list(), ['ocf:acme:Counter']);
  t.same(await reg.run(ocf({ action: 'monitor' })), { rc: 7, status: 0 });
  t.same(await reg.run(ocf({ action: 'start' })), { rc: 0, status: 0 });
  t.same(await reg.run(ocf({ action: 'monitor', intervalMs: 5000 })), { rc: 0, status: 0, output: 'starts=1 interval=5000' });
  t.same(await reg.run(ocf({ action: 'start', params: { fail: 'yes' } })), {
    rc: 6,
    status: 0,
    exitReason: 'fail=yes given',
  });
  t.same(await reg.run(ocf({ action: 'meta-data' })), { rc: 0, status: 0, output: '<resource-agent name="Counter"/>' });
  t.same(await reg.run(ocf({ action: 'Stop' })), { rc: 0, status: 0 }, 'action falls back to lower case');
  t.equal(reg.run(ocf({ agent: 'Other' })), undefined);
});

t.test('errors, odd results, missing actions', async (t) => {
  const reg = new InProcessRegistry();
  reg.define('ocf', 'acme', 'Counter', counter());
  t.same(await reg.run(ocf({ action: 'boom' })), { rc: 1, status: ExecStatus.error, exitReason: 'disk on fire' });
  t.same(await reg.run(ocf({ action: 'throwsString' })), { rc: 1, status: ExecStatus.error, exitReason: 'plain' });
  t.same(await reg.run(ocf({ action: 'odd' })), { rc: 1, status: 0 }, 'out-of-range code → 1');
  t.match(await reg.run(ocf({ action: 'nothing' })), { rc: 1, status: ExecStatus.error });
  t.same(await reg.run(ocf({ action: 'meta-data' })), {
    rc: 3,
    status: 0,
    exitReason: 'Counter does not implement meta-data',
  });
  t.match(await reg.run(ocf({ action: 'toString' })), { rc: 3 }, 'Object methods are not actions');
  t.match(await reg.run(ocf({ action: 'constructor' })), { rc: 3 });
});

t.test('timeout and cancel abort the agent’s signal', async (t) => {
  const reg = new InProcessRegistry();
  reg.define('ocf', 'acme', 'Counter', counter());
  t.same(await reg.run(ocf({ action: 'slow', timeoutMs: 50 })), {
    rc: 1,
    status: ExecStatus.timeout,
    exitReason: 'Resource agent did not complete within 50ms',
  });
  t.same(await reg.run(ocf({ action: 'never', timeoutMs: 30 })), {
    rc: 1,
    status: ExecStatus.timeout,
    exitReason: 'Resource agent did not complete within 30ms',
  }, 'an agent that ignores the signal still times out');
  const ac = new AbortController();
  const p = reg.run(ocf({ action: 'slow', timeoutMs: 0, signal: ac.signal }))!;
  setTimeout(() => ac.abort(), 20);
  t.same(await p, { rc: 0, status: ExecStatus.cancelled });
  t.same(await reg.run(ocf({ action: 'start', signal: AbortSignal.abort() })), { rc: 0, status: 1 });
});

t.test('names', async (t) => {
  const reg = new InProcessRegistry();
  reg.define('custom', undefined, 'thing', { start: () => 0 });
  t.ok(reg.has('custom', '', 'thing'));
  t.throws(() => reg.define('custom', '', 'thing', {}), { code: 'AGENT_DUPLICATE' });
  t.throws(() => reg.define('ocf', undefined, 'x', {}), { code: 'AGENT_INVALID_NAME' });
  t.throws(() => reg.define('', 'p', 'x', {}), { code: 'AGENT_INVALID_NAME' });
  t.throws(() => reg.define('lsb', '', '', {}), { code: 'AGENT_INVALID_NAME' });
  t.ok(reg.undefine('custom', undefined, 'thing'));
  t.notOk(reg.undefine('custom', undefined, 'thing'));
});

t.test('as a runner', async (t) => {
  const reg = new InProcessRegistry();
  reg.define('ocf', 'acme', 'A', { start: () => 0 });
  reg.define('mine', '', 'B', { start: () => 0 });
  const r = reg.asRunner();
  t.same([...r.standards].sort(), ['mine', 'ocf']);
  t.same(await r.run(action({ standard: 'mine', provider: undefined, agent: 'B' })), { rc: 0, status: 0 });
  t.same(await r.run(action({ standard: 'mine', provider: undefined, agent: 'C' })), {
    rc: 5,
    status: 7,
    exitReason: 'C: No such file or directory',
  });
});
