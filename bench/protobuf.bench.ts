// Payload codec throughput, protobuf against XML, without the frame layer
// (spec/protocol.md §13). Run: npx tsx bench/protobuf.bench.ts
// Rounds alternate between the two encodings and the best round counts, so a
// busy machine hurts both sides alike. BENCH_SECONDS sets the time per round.
import { decodePayload, messageToXml } from '../src/protocol/codec.js';
import type { Frame } from '../src/protocol/frame.js';
import type { Message } from '../src/protocol/messages/message.js';
import { decodeProtobuf, encodeProtobuf } from '../src/protocol/protobuf/index.js';
import { execNotify, execRequest, registerReply } from './fixtures.js';

const SECONDS = Number(process.env.BENCH_SECONDS ?? 0.5);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const encoder = new TextEncoder();

/** Operations per second of `fn` over about SECONDS. */
function opsPerSecond(fn: () => unknown): number {
  for (let i = 0; i < 1000; i++) fn();
  const limit = SECONDS * 1e9;
  const start = process.hrtime.bigint();
  let n = 0;
  let elapsed = 0;
  while (elapsed < limit) {
    for (let i = 0; i < 128; i++) fn();
    n += 128;
    elapsed = Number(process.hrtime.bigint() - start);
  }
  return (n * 1e9) / elapsed;
}

/** Best of ROUNDS for each function, the functions taking turns. */
function best(fns: Record<string, () => unknown>): Record<string, number> {
  const out: Record<string, number> = {};
  for (let r = 0; r < ROUNDS; r++) {
    for (const [k, fn] of Object.entries(fns)) out[k] = Math.max(out[k] ?? 0, opsPerSecond(fn));
  }
  return out;
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
console.log(`payload codec, node ${process.version}, best of ${ROUNDS} x ${SECONDS}s\n`);
console.log('| message | bytes XML / pb | encode XML | encode pb | x | decode XML | decode pb | x |');
console.log('|---|---:|---:|---:|---:|---:|---:|---:|');
for (const [name, msg] of cases) {
  const xmlBytes = encoder.encode(messageToXml(msg));
  const pbBytes = encodeProtobuf(msg);
  const frame = xmlFrame(xmlBytes);
  const r = best({
    encXml: () => encoder.encode(messageToXml(msg)),
    encPb: () => encodeProtobuf(msg),
    decXml: () => decodePayload(frame),
    decPb: () => decodeProtobuf(pbBytes),
  });
  const ratio = (a: number, b: number): string => `${(a / b).toFixed(1)}x`;
  console.log(
    `| ${name} | ${xmlBytes.length} / ${pbBytes.length} | ${fmt(r.encXml!)} | ${fmt(r.encPb!)} | ${ratio(r.encPb!, r.encXml!)} ` +
      `| ${fmt(r.decXml!)} | ${fmt(r.decPb!)} | ${ratio(r.decPb!, r.decXml!)} |`,
  );
}
