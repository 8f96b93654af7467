// The hand-written encoders/decoders of the frequent messages must agree with
// the generated code byte for byte and field for field (spec/protocol.md §13.3).
import fc from 'fast-check';
import { isDeepStrictEqual } from 'node:util';
import t from 'tap';
import type { Message } from '../../../src/protocol/messages/message.js';
import { fastDecode } from '../../../src/protocol/protobuf/fast-decode.js';
import { fastEncode } from '../../../src/protocol/protobuf/fast-encode.js';
import { fromEnvelope } from '../../../src/protocol/protobuf/from-proto.js';
import { pb } from '../../../src/protocol/protobuf/pb.js';
import { toEnvelope } from '../../../src/protocol/protobuf/to-proto.js';
import { execNotify, execRequest, registerReply } from '../../../bench/fixtures.js';

const generatedEncode = (m: Message): Uint8Array => pb.Envelope.encode(toEnvelope(m)).finish();
const generatedDecode = (b: Uint8Array): Message => fromEnvelope(pb.Envelope.decode(b));
const entries = (m: unknown): unknown => JSON.stringify(m, (_k, v: unknown) => (v && typeof v === 'object' && !Array.isArray(v) ? Object.entries(v) : v));

const str = fc.oneof(fc.string({ maxLength: 40 }), fc.string({ unit: 'binary', maxLength: 200 }), fc.constantFrom('', 'a', 'é'));
const int = fc.oneof(fc.integer(), fc.maxSafeInteger(), fc.constant(0), fc.double({ noNaN: false }).map((d) => (Number.isFinite(d) ? Math.trunc(d) : 0)), fc.constantFrom(2 ** 53 - 1, -(2 ** 53 - 1), -1, 2 ** 40));
const rec = fc.array(fc.tuple(str, str), { maxLength: 25 }).map((kv) => {
  const o = Object.create(null) as Record<string, string>;
  for (const [k, v] of kv) o[k] = v;
  return o;
});
const opt = <T>(a: fc.Arbitrary<T>) => fc.option(a, { nil: undefined });
const strip = (o: Record<string, unknown>): Message => {
  for (const k of Object.keys(o)) if (o[k] === undefined) delete o[k];
  return o as unknown as Message;
};
const envelope = { msgId: int, origin: opt(str), extra: opt(rec) };
const arb = fc.oneof(
  fc.record({ kind: fc.constant('reply'), ...envelope, rc: int, callId: opt(int), op: opt(str), clientId: opt(str), protocolVersion: opt(str), uptime: opt(int), nodeStartState: opt(str), encoding: opt(str) }),
  fc.record({ kind: fc.constant('request'), op: fc.constant('lrmd_rsc_exec'), ...envelope, timeout: opt(int), callOptions: opt(int), asyncId: opt(str), dataExtra: opt(rec), dataOrigin: opt(str), rscId: opt(str), action: opt(str), interval: int, actionTimeout: int, startDelay: int, userData: opt(str), params: rec }),
  fc.record({ kind: fc.constant('notify'), op: fc.constant('lrmd_rsc_exec'), ...envelope, rscId: str, action: str, callId: int, interval: int, timeout: int, startDelay: int, execRc: int, opStatus: int, rscDeleted: fc.boolean(), runTime: int, rcChangeTime: int, execTime: int, queueTime: int, userData: opt(str), exitReason: opt(str), output: opt(str), params: rec }),
).map((o) => strip(o as Record<string, unknown>));

function agree(m: Message): boolean {
  const fast = fastEncode(m);
  const slow = generatedEncode(m);
  if (fast === undefined || !Buffer.from(fast).equals(Buffer.from(slow))) return false;
  const back = fastDecode(slow);
  return back !== undefined && entries(back) === entries(generatedDecode(slow)) && isDeepStrictEqual(back, generatedDecode(slow));
}

t.test('fixtures: same bytes and same message as the generated code', async (t) => {
  for (const m of [registerReply, execRequest, execNotify]) t.ok(agree(m), `${m.kind}`);
});

t.test('random frequent messages agree with the generated code (property)', async (t) => {
  fc.assert(fc.property(arb, agree), { numRuns: 1500 });
  t.pass('agree');
});

t.test('other payloads are left to the generated code', async (t) => {
  t.equal(fastEncode({ kind: 'request', op: 'lrmd_rsc_poke', msgId: 1 }), undefined);
  t.equal(fastEncode({ kind: 'reply', msgId: 1, rc: 0, rsc: { rscId: 'r' } }), undefined);
  t.equal(fastEncode({ kind: 'reply', msgId: 1, rc: '0' } as unknown as Message), undefined);
  const bytes = generatedEncode(registerReply);
  t.equal(fastDecode(Uint8Array.of(0x98, 0x06, 0x01, ...bytes)), undefined, 'unknown field');
  t.equal(fastDecode(bytes.subarray(0, bytes.length - 1)), undefined, 'truncated');
  t.equal(fastDecode(new Uint8Array()), undefined, 'empty');
});
