// `npm run bench`: codec throughput on this machine (spec/protocol.md §2, §3, §13),
// then round trips against the real daemon when it can run here (bench/roundtrip.bench.ts).
// Prints tables; `--json` prints the figures as JSON instead.
import { decodePayload, encodeMessageFrame, MessageDecoder } from '../src/protocol/codec.js';
import type { Message } from '../src/protocol/messages/message.js';
import { parseXml } from '../src/protocol/xml/index.js';
import { decodeHeader } from '../src/protocol/header.js';
import { cibEvent, execNotify, execRequest, makeCib, registerReply } from './fixtures.js';
import { runLibxml2Baseline } from './libxml2-baseline.js';
import { formatRoundtrip, roundtripUnavailable, runRoundtripBench, summarizeRoundtrip, type RoundtripReport } from './roundtrip.bench.js';

const SECONDS = Number(process.env.BENCH_SECONDS ?? 0.5);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);

/** Best of ROUNDS rounds of about SECONDS each: a busy 2-core machine only ever slows a round down. */
function measure(fn: () => void): number {
  let best = 0;
  for (let r = 0; r < ROUNDS; r++) best = Math.max(best, round(fn));
  return best;
}

/** Run fn repeatedly for about SECONDS; returns operations per second. */
function round(fn: () => void): number {
  for (let i = 0; i < 200; i++) fn(); // warm-up
  let n = 0;
  const batch = 64;
  const start = process.hrtime.bigint();
  const limit = BigInt(Math.round(SECONDS * 1e9));
  let elapsed = 0n;
  while (elapsed < limit) {
    for (let i = 0; i < batch; i++) fn();
    n += batch;
    elapsed = process.hrtime.bigint() - start;
  }
  return n / (Number(elapsed) / 1e9);
}

const join = (f: { header: Uint8Array; payload: Uint8Array }) => Buffer.concat([f.header, f.payload]);

interface Row {
  name: string;
  xml: number;
  protobuf?: number;
  unit: string;
  bytes?: number;
}
const rows: Row[] = [];

function messageRows(name: string, msg: Message): void {
  const xmlFrame = join(encodeMessageFrame(msg));
  const pbFrame = join(encodeMessageFrame(msg, { encoding: 'protobuf' }));
  const dx = new MessageDecoder();
  const dp = new MessageDecoder();
  rows.push({
    name: `decode ${name}`,
    xml: measure(() => dx.push(xmlFrame)),
    protobuf: measure(() => dp.push(pbFrame)),
    unit: 'msg/s',
    bytes: xmlFrame.length,
  });
  rows.push({
    name: `encode ${name}`,
    xml: measure(() => encodeMessageFrame(msg)),
    protobuf: measure(() => encodeMessageFrame(msg, { encoding: 'protobuf' })),
    unit: 'msg/s',
  });
}

messageRows('register reply', registerReply);
messageRows('exec request, 20 params', execRequest);
messageRows('exec-result notify', execNotify);

{
  const frame = join(encodeMessageFrame(registerReply));
  rows.push({ name: 'header decode', xml: measure(() => decodeHeader(frame)), unit: 'hdr/s' });
}

{
  const cib = makeCib(1024 * 1024);
  const msg = cibEvent(cib);
  const frameBytes = join(encodeMessageFrame(msg));
  const payloadText = new TextDecoder().decode(frameBytes.subarray(40, frameBytes.length - 1));
  const mb = frameBytes.length / (1024 * 1024);
  const [frame] = new MessageDecoder().push(frameBytes).map((d) => d.frame);
  rows.push({
    name: '1 MiB CIB in IPC event, full parse',
    xml: measure(() => parseXml(payloadText)) * mb,
    unit: 'MB/s',
  });
  rows.push({
    name: '1 MiB CIB in IPC event, opaque (typed)',
    xml: measure(() => decodePayload(frame!)) * mb,
    protobuf: (() => {
      const pb = join(encodeMessageFrame(msg, { encoding: 'protobuf' }));
      const d = new MessageDecoder();
      return measure(() => d.push(pb)) * mb;
    })(),
    unit: 'MB/s',
  });
  rows.push({ name: '1 MiB CIB in IPC event, encode', xml: measure(() => encodeMessageFrame(msg)) * mb, unit: 'MB/s' });
}

const baseline = runLibxml2Baseline({ registerReply, execRequest, execNotify, cib: makeCib(1024 * 1024) });

// The round-trip bench must never cost the codec figures: any failure is reported, not thrown.
let roundtrip: RoundtripReport | { available: false; failed: true; reason: string };
try {
  if (!roundtripUnavailable()) console.error('round-trip bench against the real daemon: running (about 45 s)...');
  roundtrip = runRoundtripBench();
} catch (err) {
  roundtrip = { available: false, failed: true, reason: (err as Error).message };
  process.exitCode = 1;
}

if (process.argv.includes('--json')) {
  console.log(JSON.stringify({ rows, baseline, roundtrip: summarizeRoundtrip(roundtrip) }, null, 2));
} else {
  const fmt = (n: number | undefined) => (n === undefined ? '' : n >= 1000 ? Math.round(n).toLocaleString('en-US') : n.toFixed(1));
  console.log(`pcmk-remote codec benchmark (node ${process.version}, best of ${ROUNDS} rounds of ${SECONDS}s per figure)\n`);
  console.log('| benchmark | XML | protobuf | pb/XML | unit |');
  console.log('|---|---:|---:|---:|---|');
  for (const r of rows) {
    const ratio = r.protobuf !== undefined ? `${(r.protobuf / r.xml).toFixed(1)}x` : '';
    console.log(`| ${r.name} | ${fmt(r.xml)} | ${fmt(r.protobuf)} | ${ratio} | ${r.unit} |`);
  }
  console.log('');
  if (baseline.available) {
    console.log("Pacemaker's counterpart: libxml2 parse as Pacemaker does it (xmlReadMemory, NOBLANKS), C, same payloads:\n");
    console.log('| payload | libxml2 parse | unit |');
    console.log('|---|---:|---|');
    for (const r of baseline.rows) console.log(`| ${r.name} | ${fmt(r.value)} | ${r.unit} |`);
  } else {
    console.log(`libxml2 baseline not run: ${baseline.reason}`);
  }
  console.log('');
  console.log('failed' in roundtrip ? `round-trip bench failed: ${roundtrip.reason}` : formatRoundtrip(roundtrip));
}
