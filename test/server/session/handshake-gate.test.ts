// The handshake gate: cap, timeout from accept, abort replacement, release.
import t from 'tap';
import { HandshakeGate } from '../../../src/server/session/handshake-gate.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

t.test('caps the connections in their handshake', async (t) => {
  const gate = new HandshakeGate({ max: 2, timeoutMs: 0 });
  const a = gate.enter('a', () => {});
  const b = gate.enter('b', () => {});
  t.ok(a && b);
  t.equal(gate.size, 2);
  t.ok(gate.full);
  t.equal(gate.enter('c', () => {}), undefined);
  a!.release();
  a!.release();
  t.equal(gate.size, 1);
  t.ok(gate.enter('c', () => {}));
});

t.test('times out from entry and calls the current abort once', async (t) => {
  const seen: string[] = [];
  const gate = new HandshakeGate({ max: 4, timeoutMs: 30, onTimeout: (tk) => seen.push(`timeout ${tk.remote}`) });
  const a = gate.enter('a', () => seen.push('raw a'))!;
  a.setAbort(() => seen.push('session a'));
  const b = gate.enter('b', () => seen.push('raw b'))!;
  b.release();
  b.setAbort(() => seen.push('late b'));
  t.ok(a.since <= Date.now());
  await sleep(120);
  t.same(seen, ['session a', 'timeout a']);
  t.equal(gate.size, 0);
});

t.test('abortAll ends everything still pending', async (t) => {
  const seen: string[] = [];
  const gate = new HandshakeGate({ max: 4, timeoutMs: 10_000 });
  gate.enter('a', () => seen.push('a'));
  gate.enter('b', () => seen.push('b'));
  gate.abortAll();
  t.same(seen, ['a', 'b']);
  t.equal(gate.size, 0);
});
