// The hand-written encoders/decoders of the frequent messages must agree with
// the generated code byte for byte and field for field (spec/protocol.md §13.3).
import fc from 'fast-check';
import { isDeepStrictEqual } from 'node:util';
import t, { type Test } from 'tap';
import type { Message, RscExecRequest } from '../../../src/protocol/messages/message.js';
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

/** An exec request whose parameters are written field by field, in the given order (tag 10 = name, 18 = value). */
function execWithPairs(fields: [1 | 2, string][]): Uint8Array {
  const body: number[] = [];
  for (const [field, s] of fields) {
    const bytes = Buffer.from(s, 'utf8');
    body.push(field === 1 ? 10 : 18, ...varint(bytes.length), ...bytes);
  }
  const rscExec = [0x42, ...varint(body.length), ...body]; // params = 8
  return Uint8Array.from([0x72, ...varint(rscExec.length), ...rscExec]); // rsc_exec = 14
}

function varint(n: number): number[] {
  const out: number[] = [];
  while (n > 127) {
    out.push((n & 127) | 128);
    n >>>= 7;
  }
  out.push(n);
  return out;
}

const names = (...n: string[]): [1, string][] => n.map((s) => [1, s]);
const values = (...v: string[]): [2, string][] => v.map((s) => [2, s]);

function sameAsGenerated(t: Test, bytes: Uint8Array, label: string): void {
  const fast = fastDecode(bytes);
  const slow = generatedDecode(bytes);
  t.ok(fast !== undefined, `${label}: fast path taken`);
  t.equal(entries(fast), entries(slow), `${label}: same fields in the same order`);
  t.ok(isDeepStrictEqual(fast, slow), `${label}: deep equal`);
}

t.test('parameter lists that repeat the names of the previous one', async (t) => {
  sameAsGenerated(t, execWithPairs([...names('a', 'b', 'c'), ...values('1', '2', '3')]), 'first list');
  sameAsGenerated(t, execWithPairs([...names('a', 'b', 'c'), ...values('4', '5', '6')]), 'same names');
  t.equal(fastDecode(execWithPairs([...names('a', 'b', 'c')])), undefined, 'names without values: not a valid list');
  sameAsGenerated(t, execWithPairs([...names('a', 'b', 'c', 'd'), ...values('1', '2', '3', '4')]), 'one name more');
  sameAsGenerated(t, execWithPairs([...names('a', 'b', 'c', 'd'), ...values('7', '8', '9', '0')]), 'the longer list again');
  sameAsGenerated(t, execWithPairs([...names('a', 'b', 'c'), ...values('1', '2', '3')]), 'a prefix of the kept names');
  sameAsGenerated(t, execWithPairs([...names('a', 'b', 'c'), ...values('1', '2', '3'), ...names('a'), ...values('x')]), 'kept names, then a repeat of one');
  sameAsGenerated(t, execWithPairs([...names('a', 'b', 'c'), ...values('1', '2', '3'), ...names('z'), ...values('x')]), 'kept names, then a new one');
  sameAsGenerated(t, execWithPairs([]), 'empty list');
});

t.test('a list of names that keeps coming back gets its records from a maker, unchanged', async (t) => {
  for (let i = 0; i < 12; i++) {
    sameAsGenerated(t, execWithPairs([...names('m1', '__proto__', 'm3'), ...values(`${i}`, 'p', `x${i}`)]), `time ${i}`);
  }
  const back = fastDecode(execWithPairs([...names('m1', '__proto__', 'm3'), ...values('a', 'b', 'c')])) as RscExecRequest;
  t.strictSame(Object.entries(back.params), [['m1', 'a'], ['__proto__', 'b'], ['m3', 'c']]);
  t.equal(Object.getPrototypeOf(Object.getPrototypeOf(back.params)), null, 'inherits nothing');
  const many = Array.from({ length: 70 }, (_, i) => `q${i}`);
  for (let i = 0; i < 10; i++) sameAsGenerated(t, execWithPairs([...names(...many), ...values(...many)]), `70 names, time ${i}`);
});

t.test('a repeated name keeps its first value, whether its list is new or repeated', async (t) => {
  const dup = execWithPairs([...names('p', 'q', 'p'), ...values('first', 'q', 'second')]);
  sameAsGenerated(t, dup, 'new list');
  sameAsGenerated(t, dup, 'repeated list');
  t.same(Object.entries((fastDecode(dup) as RscExecRequest).params), [['p', 'first'], ['q', 'q']]);
  sameAsGenerated(t, execWithPairs([...names('p', 'q', 'p'), ...values('1', '2', '3')]), 'same names, other values');
});

t.test('names and values in alternation, as another encoder may write them', async (t) => {
  const alt = execWithPairs([[1, 'x'], [2, '1'], [1, 'y'], [2, '2'], [1, 'x'], [2, '3']]);
  sameAsGenerated(t, alt, 'first time');
  sameAsGenerated(t, alt, 'second time');
  sameAsGenerated(t, execWithPairs([...values('1', '2'), ...names('u', 'v')]), 'values first');
});

t.test('strings: cached, long, non-ASCII, empty and colliding', async (t) => {
  const long = 'L'.repeat(33);
  const list = execWithPairs([...names('', 'é', long, 'ключ', 'k'), ...values('v', 'ü'.repeat(20), long, '', 'x'.repeat(300))]);
  sameAsGenerated(t, list, 'first time');
  sameAsGenerated(t, list, 'from the caches');
  // Many distinct short strings: every cache slot is taken and replaced.
  for (let round = 0; round < 3; round++) {
    const fields: [1 | 2, string][] = [];
    for (let i = 0; i < 3000; i++) fields.push([1, `n${round}-${i}`], [2, `${i % 7}`]);
    const bytes = execWithPairs(fields);
    const fast = fastDecode(bytes) as RscExecRequest;
    t.equal(Object.keys(fast.params).length, 3000, `round ${round}: every name`);
    t.equal(entries(fast), entries(generatedDecode(bytes)), `round ${round}: same as the generated code`);
  }
  const bad = execWithPairs([...names('ok'), ...values('ok')]);
  const at = Buffer.from(bad).indexOf('ok', 0, 'latin1');
  const broken = Uint8Array.from(bad);
  broken[at] = 0xff;
  t.equal(fastDecode(broken), undefined, 'invalid UTF-8 in a short string is left to the generated code');
  t.equal(fastDecode(bad) !== undefined, true, 'and the valid bytes still decode');
});

t.test('any sequence of parameter lists decodes as the generated code does (property)', async (t) => {
  // Few distinct names and values, so lists repeat, extend and shorten each other.
  const word = fc.constantFrom('a', 'b', 'c', 'CRM_meta_timeout', 'é', '', 'x'.repeat(40));
  const list = fc.oneof(
    fc.array(fc.tuple(fc.constantFrom<1 | 2>(1, 2), word), { maxLength: 8 }),
    fc.array(word, { maxLength: 6 }).map((n): [1 | 2, string][] => [...names(...n), ...values(...n.map((_, i) => `${i}`))]),
  );
  fc.assert(
    fc.property(fc.array(list, { minLength: 1, maxLength: 6 }), (lists) => {
      for (const fields of lists) {
        const bytes = execWithPairs(fields);
        let slow: Message | undefined;
        try {
          slow = generatedDecode(bytes);
        } catch {
          slow = undefined;
        }
        const fast = fastDecode(bytes);
        if (slow === undefined ? fast !== undefined : !isDeepStrictEqual(fast, slow) || entries(fast) !== entries(slow)) return false;
      }
      return true;
    }),
    { numRuns: 2000 },
  );
  t.pass('agree');
});

t.test('lengths: padded, oversized and cut varints', async (t) => {
  // rsc_exec's length written in two bytes (non-minimal) is still a valid payload.
  const plain = execWithPairs([...names('a'), ...values('b')]);
  const padded = Uint8Array.from([plain[0]!, plain[1]! | 0x80, 0x00, ...plain.subarray(2)]);
  sameAsGenerated(t, padded, 'padded length');
  // Padded to five bytes, far from the end: the unrolled reader.
  const body = execWithPairs([...names('n'.repeat(10)), ...values('v'.repeat(10))]).subarray(2);
  const five = Uint8Array.from([0x72, (body.length & 127) | 0x80, 0x80, 0x80, 0x80, 0x00, ...body]);
  sameAsGenerated(t, five, 'five-byte length');
  t.equal(fastDecode(Uint8Array.from([0x72, 0xff, 0xff, 0xff, 0xff, 0x0f, ...body])), undefined, 'length past 2^31');
  t.equal(fastDecode(Uint8Array.from([0x72, 0x80, 0x80, 0x80, 0x80, 0x80, 0x00, ...body])), undefined, 'six-byte varint');
  sameAsGenerated(t, execWithPairs([...names('k'), ...values('é'.repeat(200))]), 'long non-ASCII value');
  sameAsGenerated(t, execWithPairs([...names('k'.repeat(300)), ...values('x')]), 'long name');
});

t.test('a boolean varint longer than ten bytes is left to the generated code', async (t) => {
  const notify = Uint8Array.from([0x48, ...new Array<number>(10).fill(0x80), 0x01]); // rsc_deleted = 9
  t.equal(fastDecode(Uint8Array.from([0xc2, 0x02, notify.length, ...notify])), undefined); // exec_notify = 40
});
