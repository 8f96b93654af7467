// Payload codec throughput, protobuf against XML, without the frame layer
// (spec/protocol.md §13). Run: npx tsx bench/protobuf.bench.ts, or compiled:
// npx tsc -p tsconfig.bench.json && node dist-bench/bench/protobuf.bench.js
// Each round times the four functions in turn (the order alternating between
// rounds) and gives one pb/XML ratio per direction; the table shows the
// median ratio, so a busy machine, which slows whole rounds, hurts both sides
// alike. Before timing, both decoders must give the same typed message.
// BENCH_SECONDS sets the time per function and round, BENCH_ROUNDS the rounds.
import { isDeepStrictEqual } from 'node:util';
import { decodePayload, messageToXml } from '../src/protocol/codec.js';
import type { Frame } from '../src/protocol/frame.js';
import type { Message } from '../src/protocol/messages/message.js';
import { decodeProtobuf, encodeProtobuf } from '../src/protocol/protobuf/index.js';
import { execNotify, execRequest, registerReply } from './fixtures.js';

const SECONDS = Number(process.env.BENCH_SECONDS ?? 0.1);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 15);
const encoder = new TextEncoder();

/** Operations per second of `fn` over about SECONDS. */
function opsPerSecond(fn: () => unknown): number {
  const limit = SECONDS * 1e9;
  const start = process.hrtime.bigint();
  let n = 0;
  let elapsed = 0;
  while (elapsed < limit) {
    for (let i = 0; i < 64; i++) fn();
    n += 64;
    elapsed = Number(process.hrtime.bigint() - start);
  }
  return (n * 1e9) / elapsed;
}

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[xs.length >> 1]!;

interface Result {
  /** Median operations per second of each function. */
  ops: Record<string, number>;
  /** Median over rounds of the per-round pb/XML ratios. */
  encode: number;
  decode: number;
}

function measure(fns: Record<'encXml' | 'encPb' | 'decXml' | 'decPb', () => unknown>): Result {
  for (const fn of Object.values(fns)) for (let i = 0; i < 2000; i++) fn();
  const ops: Record<string, number[]> = { encXml: [], encPb: [], decXml: [], decPb: [] };
  const enc: number[] = [];
  const dec: number[] = [];
  const keys = Object.keys(fns) as (keyof typeof fns)[];
  for (let r = 0; r < ROUNDS; r++) {
    const round: Record<string, number> = {};
    for (const k of r % 2 === 0 ? keys : [...keys].reverse()) round[k] = opsPerSecond(fns[k]);
    for (const k of keys) ops[k]!.push(round[k]!);
    enc.push(round.encPb! / round.encXml!);
    dec.push(round.decPb! / round.decXml!);
  }
  return {
    ops: Object.fromEntries(Object.entries(ops).map(([k, v]) => [k, median(v)])),
    encode: median(enc),
    decode: median(dec),
  };
}

function xmlFrame(payload: Uint8Array): Frame {
  return { header: undefined as unknown as Frame['header'], encoding: 'xml', payload };
}

const cases: [string, Message][] = [
  ['register reply', registerReply],
  ['exec request, 20 params', execRequest],
  ['exec-result notify, 20 params', execNotify],
];

const fmt = (n: number): string => Math.round(n).toLocaleString('en-US');
console.log(`payload codec, node ${process.version}, median of ${ROUNDS} interleaved rounds x ${SECONDS}s\n`);
console.log('| message | bytes XML / pb | encode XML | encode pb | x | decode XML | decode pb | x |');
console.log('|---|---:|---:|---:|---:|---:|---:|---:|');
for (const [name, msg] of cases) {
  const xmlBytes = encoder.encode(messageToXml(msg));
  const pbBytes = encodeProtobuf(msg);
  const frame = xmlFrame(xmlBytes);
  // Both sides must produce the same full typed message, parameters in the same order.
  const fromXml = decodePayload(frame);
  const fromPb = decodeProtobuf(pbBytes);
  const paramOrder = (m: Message): string => ('params' in m ? Object.keys(m.params).join('\0') : '');
  if (!isDeepStrictEqual(fromPb, fromXml) || paramOrder(fromPb) !== paramOrder(fromXml)) {
    throw new Error(`${name}: protobuf and XML decode to different messages`);
  }
  const r = measure({
    encXml: () => encoder.encode(messageToXml(msg)),
    encPb: () => encodeProtobuf(msg),
    decXml: () => decodePayload(frame),
    decPb: () => decodeProtobuf(pbBytes),
  });
  const o = r.ops;
  console.log(
    `| ${name} | ${xmlBytes.length} / ${pbBytes.length} | ${fmt(o.encXml!)} | ${fmt(o.encPb!)} | ${r.encode.toFixed(1)}x ` +
      `| ${fmt(o.decXml!)} | ${fmt(o.decPb!)} | ${r.decode.toFixed(1)}x |`,
  );
}
