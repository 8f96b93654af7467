// Client registry and delivery rules (spec/protocol.md §6.4).
import t from 'tap';
import type { Notify } from '../../../src/protocol/messages/notify.js';
import { ClientRegistry, type Outgoing } from '../../../src/server/executor/clients.js';
import { ExecutorErrorCode } from '../../../src/server/executor/errors.js';
import { buildNewClientNotify, buildReply } from '../../../src/server/executor/messages.js';
import { setup } from './harness.js';

function registry() {
  const errors: [string, unknown][] = [];
  const got: string[] = [];
  const reg = new ClientRegistry((id, err) => errors.push([id, err]));
  const add = (id: string, name?: string, send?: (m: Outgoing) => void) =>
    reg.add({ id, name, attachedAt: 0, sink: { send: send ?? ((m) => got.push(`${id}:${m.kind}`)) } });
  return { reg, errors, got, add };
}

t.test('notifyAll skips unnamed clients and the excluded one; notifyOne needs a name', async (t) => {
  const { reg, got, add } = registry();
  add('A', 'a');
  add('B');
  add('C', 'c');
  const n: Notify = buildNewClientNotify();
  reg.notifyAll(n, 'C');
  reg.notifyOne('B', n);
  reg.notifyOne('C', n);
  reg.notifyOne('Z', n);
  reg.sendTo('B', buildReply(1, 1, { rc: 0 }));
  reg.sendTo('Z', buildReply(1, 1, { rc: 0 }));
  t.same(got, ['A:notify', 'C:notify', 'B:reply']);
  t.equal(reg.size, 3);
  t.equal(reg.get('A')?.name, 'a');
  t.same(
    reg.list().map((c) => c.id),
    ['A', 'B', 'C'],
  );
  t.throws(() => add('A'), { code: ExecutorErrorCode.DuplicateClient });
  t.equal(reg.remove('A'), true);
  t.equal(reg.remove('A'), false);
});

t.test('a throwing sink is reported and the others still get the message', async (t) => {
  const { reg, errors, got, add } = registry();
  add('A', 'a', () => {
    throw new Error('broken pipe');
  });
  add('B', 'b');
  reg.notifyAll(buildNewClientNotify());
  t.same(got, ['B:notify']);
  t.equal(errors[0]![0], 'A');
});

t.test('a sink that detaches another client during a broadcast: that client is skipped', async (t) => {
  const { reg, got, add } = registry();
  add('A', 'a', () => {
    got.push('A:notify');
    reg.remove('B');
  });
  add('B', 'b');
  reg.notifyAll(buildNewClientNotify());
  t.same(got, ['A:notify']);
  reg.notifyAll(buildNewClientNotify());
  const empty = new ClientRegistry(() => {});
  empty.notifyAll(buildNewClientNotify());
});

t.test('through the executor: sink errors go to onError with the client id', async (t) => {
  const h = setup();
  h.ex.attachClient('A', 'a', {
    send: () => {
      throw new Error('x');
    },
  });
  h.client('B');
  const r = h.send('B', { op: 'lrmd_rsc_poke' });
  t.equal(r?.rc, 0);
  t.match(h.errors, [{ source: { kind: 'sink', clientId: 'A' } }]);
  t.same(
    h.ex.status().clients.map((c) => c.id),
    ['A', 'B'],
  );
});
