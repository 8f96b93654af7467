// End to end with a real cluster: a one-node corosync + Pacemaker 2.1.5
// cluster in a namespace of its own runs resources on a remote node served by
// our pcmk-remoted, then by the real pacemaker-remoted 2.1.5 as the control
// (every check that passes there must pass with ours). See
// test/e2e/harness/scenario.ts; by hand: scripts/e2e-cluster.sh.
// Needs root and Debian's corosync, pacemaker and pacemaker-cli-utils; in CI
// (process.env.CI) anything missing is a failure, elsewhere a skip.
import t from 'tap';
import { childEnv } from '../helpers/child-env.js';
import type { Cleanup } from './harness/cleanup.js';
import { setBaseEnv } from './harness/proc.js';
import { missingFor, type RemoteKind } from './harness/remote-node.js';
import { describeRun, runScenario, type Group, type RunResult } from './harness/scenario.js';

setBaseEnv(childEnv);
t.setTimeout(180_000);

const groups: [Group, string][] = [
  ['cluster', 'the cluster runs resources on the remote node'],
  ['faults', 'faults: kill -9, restart, cleanup'],
  ['ipc', 'IPC proxy through the daemon and graceful shutdown'],
];

const runs: RunResult[] = [];

for (const kind of ['ours', 'real'] as RemoteKind[]) {
  const why = missingFor(kind);
  const name = kind === 'ours' ? 'our pcmk-remoted as the remote node' : 'the real pacemaker-remoted 2.1.5 as the remote node (control)';
  if (why && process.env.CI) {
    t.fail(`${name}: ${why} — in CI this test must run`);
    continue;
  }
  if (why) {
    t.test(name, { skip: why }, () => {});
    continue;
  }
  t.test(name, async (t) => {
    let cleanup: Cleanup | undefined;
    t.teardown(() => cleanup?.now());
    const r = await runScenario({ kind, onCleanup: (c) => (cleanup = c), log: (l) => t.comment(l) });
    runs.push(r);
    for (const [group, title] of groups) {
      await t.test(title, async (t) => {
        for (const c of r.checks.filter((x) => x.group === group)) t.ok(c.ok, c.name, { detail: c.detail });
      });
    }
    for (const line of describeRun(r)) t.comment(line);
  });
}

t.test('the same executor operations reach both daemons', async (t) => {
  const ours = runs.find((r) => r.kind === 'ours');
  const real = runs.find((r) => r.kind === 'real');
  if (!ours || !real) {
    t.pass('one of the runs did not happen');
    return;
  }
  t.comment(`ours: ${ours.opsOnly}`);
  t.comment(`real: ${real.opsOnly}`);
  // Up to the last step the scenario waits for before its first fault (the
  // custom agent's start) both runs follow the same script. What comes after
  // it races with the kill (the recurring monitor may or may not be sent
  // first), and pokes are timer-driven: both are left out.
  const scripted = (r: RunResult): string[] => {
    const end = r.requests.findIndex((e) => e.op === 'lrmd_rsc_exec' && e.rsc === 'e2e-counter' && e.action === 'start');
    return r.requests.slice(0, end + 1).map((e) => e.op).filter((op) => op !== 'lrmd_rsc_poke');
  };
  t.ok(scripted(ours).length > 5 && scripted(real).length > 5, 'both runs reached the custom agent\'s start');
  t.same(scripted(ours), scripted(real), 'request sequence (without pokes) until the custom agent started');
});
