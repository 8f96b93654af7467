// Replays the IPC traffic captured from the real tools (data/real-tools-capture.json,
// see its "source") through the provider and the in-memory backend: every
// answer must match what was sent to the real daemon then, apart from the
// random client ids (spec/protocol.md §8.16).
import { readFileSync } from 'node:fs';
import t from 'tap';
import { createIpcProvider, createMemoryBackend } from '../../../src/client/index.js';
import type { IpcProxy } from '../../../src/protocol/index.js';
import { FakeDaemon } from './fake-daemon.js';

const dir = new URL('./data/', import.meta.url);
const capture = JSON.parse(readFileSync(new URL('real-tools-capture.json', dir), 'utf8')) as {
  source: string;
  messages: Array<IpcProxy & { dir: 'in' | 'out' }>;
};
const cib = readFileSync(new URL('small-cib.xml', dir), 'utf8');

const UUID = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/g;
const norm = (m: IpcProxy): unknown => {
  const { ipcOp } = m;
  const body = 'body' in m && m.body ? m.body.xml.replace(UUID, 'ID') : undefined;
  return { ipcOp, ...('ipcMsgId' in m ? { ipcMsgId: m.ipcMsgId } : {}), ...(body !== undefined ? { body } : {}) };
};

t.test('the captured requests get the captured answers', async (t) => {
  const daemon = new FakeDaemon();
  const client = await daemon.connect();
  t.teardown(() => client.close());
  const backend = createMemoryBackend({ cib, nodeName: 'remote1' });
  createIpcProvider(client, { handlers: backend.handlers, nodeName: 'remote1' });
  // Answers, per session, without the destroys (their timing differs by run).
  const expected = new Map<string, unknown[]>();
  for (const m of capture.messages) {
    if (m.dir !== 'out' || m.ipcOp === 'destroy' || !('session' in m)) continue;
    const list = expected.get(String(m.session)) ?? [];
    list.push(norm(m));
    expected.set(String(m.session), list);
  }
  const inbound = capture.messages.filter((m) => m.dir === 'in' && m.ipcOp !== 'destroy');
  for (const m of inbound) {
    const { dir: _dir, ...msg } = m;
    daemon.send(msg as IpcProxy);
    await daemon.settle(5);
  }
  await daemon.settle();
  const got = new Map<string, unknown[]>();
  for (const m of daemon.received) {
    if (m.ipcOp === 'destroy' || !('session' in m)) continue;
    const list = got.get(String(m.session)) ?? [];
    list.push(norm(m));
    got.set(String(m.session), list);
  }
  t.equal(expected.size, 9, "sessions of cibadmin, crm_node, crm_attribute ×2 (cib + attrd), attrd_updater ×2, crm_mon (fencer + cib)");
  for (const [session, answers] of expected) t.same(got.get(session), answers, `session ${session.slice(0, 8)}`);
});
