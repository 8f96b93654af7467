// Load check, not a test: 10,000 registered resources and 1,000 recurring
// 1 s monitors with an instant in-process runner, on the real clock.
// Run: node --expose-gc --import tsx test/server/executor/load-check.ts [changes-only|all|all-xml]
// (all-xml: every result notified and encoded to XML by the sink). Under tap
// (no mode argument) it only reports a skip.
import { messageToXml } from '../../../src/protocol/codec.js';
import { CallOpt, ExecStatus } from '../../../src/protocol/constants.js';
import type { Request } from '../../../src/protocol/messages/request.js';
import { Executor } from '../../../src/server/executor/executor.js';

if (process.argv[2] === undefined) {
  console.log('1..0 # SKIP load check: run it by hand with a mode argument');
  process.exit(0);
}

const RESOURCES = 10_000;
const MONITORS = 1_000;
const SECONDS = 10;
const mode = process.argv[2];
const gc = (globalThis as { gc?: () => void }).gc ?? (() => {});

let runs = 0;
let notifies = 0;
const ex = new Executor({
  runner: { run: () => (runs++, Promise.resolve({ rc: 0, status: ExecStatus.done })) },
});
let bytes = 0;
ex.attachClient('c', 'controller', {
  send: (m) => {
    if (m.kind === 'notify') notifies++;
    if (mode === 'all-xml') bytes += messageToXml(m).length;
  },
});

let msgId = 0;
const send = (r: Omit<Request, 'kind' | 'msgId'>) => ex.handle('c', { kind: 'request', msgId: ++msgId, ...r } as Request);

gc();
const before = process.memoryUsage();
for (let i = 0; i < RESOURCES; i++) {
  send({ op: 'lrmd_rsc_register', rscId: `rsc-${i}`, standard: 'ocf', provider: 'pacemaker', agent: 'Dummy', callOptions: 3 } as never);
}
gc();
const registered = process.memoryUsage();
const params = { CRM_meta_interval: '1000', CRM_meta_name: 'monitor', CRM_meta_timeout: '20000', crm_feature_set: '3.16.2', state: '/run/x.state' };
for (let i = 0; i < MONITORS; i++) {
  send({
    op: 'lrmd_rsc_exec', rscId: `rsc-${i}`, action: 'monitor', interval: 1000, actionTimeout: 20000, startDelay: 0,
    callOptions: mode !== 'changes-only' ? 0 : CallOpt.notifyChangesOnly, params, userData: `1:2:0:${i}`,
  } as never);
}
await new Promise((r) => setTimeout(r, 1500)); // warm up
gc();
const withMonitors = process.memoryUsage();
runs = 0;
notifies = 0;
const cpu0 = process.cpuUsage();
const t0 = performance.now();
await new Promise((r) => setTimeout(r, SECONDS * 1000));
const wall = performance.now() - t0;
const cpu = process.cpuUsage(cpu0);
const mib = (b: number) => (b / 1048576).toFixed(1);
console.log(JSON.stringify({
  mode,
  wallMs: Math.round(wall),
  cpuUserMs: Math.round(cpu.user / 1000),
  cpuSystemMs: Math.round(cpu.system / 1000),
  cpuPercentOfOneCore: +(((cpu.user + cpu.system) / 1000 / wall) * 100).toFixed(2),
  runsPerSecond: Math.round(runs / (wall / 1000)),
  notifiesPerSecond: Math.round(notifies / (wall / 1000)),
  xmlBytes: bytes,
  heapBeforeMiB: mib(before.heapUsed),
  heapPerResourceBytes: Math.round((registered.heapUsed - before.heapUsed) / RESOURCES),
  heapPerMonitorBytes: Math.round((withMonitors.heapUsed - registered.heapUsed) / MONITORS),
  rssMiB: mib(withMonitors.rss),
  status: { resources: ex.status().resources.length, lastCallId: ex.status().lastCallId },
}));
await ex.close();
