// The daemon's debug lines: one `request` per request (IPC messages
// included) and one `exec result` per result, whatever the number of
// clients; nothing is built when debug is off.
import t from 'tap';
import { randomBytes } from 'node:crypto';
import { Client } from '../../../src/client/client.js';
import { createRemoteDaemon } from '../../../src/server/index.js';
import { debugEnabled, ipcFields, requestFields, resultFields } from '../../../src/server/session/request-log.js';
import { silentLogger, type Logger } from '../../../src/server/session/logger.js';
import { createMemoryPair } from '../../../src/transport/memory.js';

interface Line {
  readonly level: string;
  readonly msg: string | undefined;
  readonly o: Record<string, unknown>;
}

function capture(debug: boolean): Logger & { lines: Line[] } {
  const lines: Line[] = [];
  const at = (level: string) => (o: object, msg?: string) => void lines.push({ level, msg, o: o as Record<string, unknown> });
  return { lines, debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error'), isLevelEnabled: (l) => debug || l !== 'debug' };
}

t.test('requests and results at debug level', async (t) => {
  const log = capture(true);
  const daemon = await createRemoteDaemon({ key: randomBytes(32), logger: log });
  t.teardown(() => daemon.close());
  daemon.agents.define('ocf', 'acme', 'Ok', { start: () => 0 });
  const clients: Client[] = [];
  for (const name of ['crmd', 'other']) {
    const [a, b] = createMemoryPair();
    daemon.acceptStream(b, { remote: 'memory' });
    const c = new Client({ clientName: name });
    t.teardown(() => c.close());
    await c.connect(a);
    clients.push(c);
  }
  const c = clients[0]!;
  await c.registerResource({ rscId: 'r1', standard: 'ocf', provider: 'acme', agent: 'Ok' });
  const { callId } = await c.exec({ rscId: 'r1', action: 'start', interval: 0, actionTimeoutMs: 5000 });
  await c.waitForResult(callId, { timeoutMs: 5000 });
  await c.sendIpc({ op: 'ipc_fwd', ipcOp: 'destroy', session: 's1' });
  const poked = await c.poke();

  const requests = log.lines.filter((l) => l.msg === 'request').map((l) => l.o);
  t.match(requests, [
    { op: 'lrmd_rsc_register', rscId: 'r1', agent: 'ocf:acme:Ok', callId: callId - 1 },
    { op: 'lrmd_rsc_exec', rscId: 'r1', action: 'start', interval: 0, actionTimeout: 5000, callId },
    { op: 'ipc_fwd', ipcOp: 'destroy', session: 's1', callId: callId + 1 },
    { op: 'lrmd_rsc_poke', callId: poked.callId },
  ]);
  t.equal(poked.callId, callId + 2, 'the logged call ids are the ones allocated');
  t.ok(requests.every((r) => typeof r.client === 'string'));
  const results = log.lines.filter((l) => l.msg === 'exec result').map((l) => l.o);
  t.match(results, [{ rscId: 'r1', action: 'start', interval: 0, callId, rc: 0, opStatus: 0 }], 'one line for two clients');
  t.equal(results.length, 1);
});

t.test('off: nothing is built', async (t) => {
  const log = capture(false);
  const daemon = await createRemoteDaemon({ key: randomBytes(32), logger: log });
  t.teardown(() => daemon.close());
  const [a, b] = createMemoryPair();
  daemon.acceptStream(b, { remote: 'memory' });
  const c = new Client({ clientName: 'crmd' });
  t.teardown(() => c.close());
  await c.connect(a);
  await c.poke();
  t.same(log.lines.filter((l) => l.level === 'debug'), []);
  t.equal(debugEnabled(silentLogger), false);
  t.equal(debugEnabled({ ...silentLogger, isLevelEnabled: undefined }), true, 'a logger without a level check is asked');
});

t.test('field builders', async (t) => {
  t.same(requestFields({ kind: 'request', op: 'lrmd_rsc_register', msgId: 1, rscId: 'x', standard: 'lsb', agent: 'foo' } as never), { op: 'lrmd_rsc_register', rscId: 'x', agent: 'lsb:foo' });
  t.same(requestFields({ kind: 'request', op: 'something_new', msgId: 1, unknown: true } as never), { op: 'something_new' });
  t.same(ipcFields({ kind: 'ipc', ipcOp: 'shutdown_ack', msgId: 1, op: 'ipc_fwd' }), { op: 'ipc_fwd', ipcOp: 'shutdown_ack' });
  t.same(ipcFields({ kind: 'ipc', ipcOp: 'destroy', msgId: 1, session: 's' }), { op: 'lrmd_ipc_proxy', ipcOp: 'destroy', session: 's' });
  t.match(resultFields({ rscId: 'r', action: 'monitor', interval: 1000, callId: 3, execRc: 7, opStatus: 0, execTime: 12 } as never), { execTimeMs: 12, rc: 7 });
});
