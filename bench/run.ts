// `npm run bench`: codec throughput on this machine (spec/protocol.md §2, §3, §13),
// then round trips against the real daemon when it can run here (bench/roundtrip.bench.ts),
// then our daemon under load (bench/daemon.bench.ts; BENCH_DAEMON=0 skips it).
// Prints tables; `--json` prints the figures as JSON instead. Each XML /
// protobuf pair is measured interleaved, medians over many short rounds, on
// process CPU time unless BENCH_CLOCK=wall (bench/measure.ts).
import { decodePayload, encodeMessageFrame, MessageDecoder } from '../src/protocol/codec.js';
import type { Message } from '../src/protocol/messages/message.js';
import { parseXml } from '../src/protocol/xml/index.js';
import { decodeHeader } from '../src/protocol/header.js';
import { FrameDecoder } from '../src/protocol/frame-decoder.js';
import { readFileSync } from 'node:fs';
import { cibEvent, execNotify, execRequest, makeCib, registerReply } from './fixtures.js';
import { runLibxml2Baseline } from './libxml2-baseline.js';
import { measureOne, measurePair, methodNote } from './measure.js';
import { daemonUnavailable, formatDaemon, runDaemonBench, type DaemonReport } from './daemon.bench.js';
import { formatRoundtrip, roundtripUnavailable, runRoundtripBench, summarizeRoundtrip, type RoundtripReport } from './roundtrip.bench.js';

const join = (f: { header: Uint8Array; payload: Uint8Array }) => Buffer.concat([f.header, f.payload]);

interface Row {
  name: string;
  xml: number;
  protobuf?: number;
  /** Median of the per-round pb/XML ratios (interleaved rounds). */
  ratio?: number;
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
    ...measurePair(
      () => dx.push(xmlFrame),
      () => dp.push(pbFrame),
    ),
    unit: 'msg/s',
    bytes: xmlFrame.length,
  });
  const pb = { encoding: 'protobuf' } as const;
  rows.push({
    name: `encode ${name}`,
    ...measurePair(
      () => encodeMessageFrame(msg),
      () => encodeMessageFrame(msg, pb),
    ),
    unit: 'msg/s',
  });
}

messageRows('register reply', registerReply);
messageRows('exec request, 20 params', execRequest);
messageRows('exec-result notify', execNotify);

{
  const frame = join(encodeMessageFrame(registerReply));
  rows.push({ name: 'header decode', xml: measureOne(() => decodeHeader(frame)), unit: 'hdr/s' });
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
    xml: measureOne(() => parseXml(payloadText)) * mb,
    unit: 'MB/s',
  });
  const pbFrame = join(encodeMessageFrame(msg, { encoding: 'protobuf' }));
  const d = new MessageDecoder();
  const opaque = measurePair(
    () => decodePayload(frame!),
    () => d.push(pbFrame),
  );
  rows.push({
    name: '1 MiB CIB in IPC event, opaque (typed)',
    xml: opaque.xml * mb,
    protobuf: opaque.protobuf * mb,
    ratio: opaque.ratio,
    unit: 'MB/s',
  });
  rows.push({ name: '1 MiB CIB in IPC event, encode', xml: measureOne(() => encodeMessageFrame(msg)) * mb, unit: 'MB/s' });
}

// Decompression bombs (spec/protocol.md §2.4): time from bytes to the typed refusal.
const bombs: { name: string; ms: number }[] = [];
{
  const vectors = JSON.parse(readFileSync(new URL('../../spec/vectors/frames.json', import.meta.url), 'utf8')) as {
    vectors: { name: string; hex: string; error?: string }[];
  };
  for (const name of ['bzip2-bomb-honest-header', 'bzip2-bomb-lying-header']) {
    const v = vectors.vectors.find((x) => x.name === name)!;
    const bytes = Buffer.from(v.hex, 'hex');
    const refuse = () => {
      try {
        new FrameDecoder().push(bytes);
      } catch (err) {
        if ((err as { code?: string }).code === v.error) return;
      }
      throw new Error(`${name}: not refused with ${v.error}`);
    };
    bombs.push({ name, ms: 1000 / measureOne(refuse) });
  }
}

const baseline = runLibxml2Baseline({ registerReply, execRequest, execNotify, cib: makeCib(1024 * 1024) });

// The round-trip bench must never cost the codec figures: any failure is reported, not thrown.
let roundtrip: RoundtripReport | { available: false; failed: true; reason: string };
try {
  if (!roundtripUnavailable()) console.error('round-trip bench against the real daemon: running (about 75 s)...');
  roundtrip = runRoundtripBench();
} catch (err) {
  roundtrip = { available: false, failed: true, reason: (err as Error).message };
  process.exitCode = 1;
}

// Same for the daemon bench.
let daemon: DaemonReport | { available: false; failed: true; reason: string };
try {
  if (!daemonUnavailable()) console.error('daemon bench (our client against our daemon): running (about 35 s)...');
  daemon = await runDaemonBench();
} catch (err) {
  daemon = { available: false, failed: true, reason: (err as Error).message };
  process.exitCode = 1;
}

if (process.argv.includes('--json')) {
  console.log(JSON.stringify({ method: methodNote(), rows, bombs, baseline, roundtrip: summarizeRoundtrip(roundtrip), daemon }, null, 2));
} else {
  const fmt = (n: number | undefined) => (n === undefined ? '' : n >= 1000 ? Math.round(n).toLocaleString('en-US') : n.toFixed(1));
  console.log(`pcmk-remote codec benchmark (node ${process.version}, ${methodNote()}; pb/XML = median of per-round ratios)\n`);
  console.log('| benchmark | XML | protobuf | pb/XML | unit |');
  console.log('|---|---:|---:|---:|---|');
  for (const r of rows) {
    const ratio = r.ratio !== undefined ? `${r.ratio.toFixed(1)}x` : '';
    console.log(`| ${r.name} | ${fmt(r.xml)} | ${fmt(r.protobuf)} | ${ratio} | ${r.unit} |`);
  }
  console.log('');
  for (const b of bombs) console.log(`decompression bomb ${b.name}: refused in ${b.ms.toFixed(2)} ms (target < 100 ms)`);
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
  console.log('');
  console.log('failed' in daemon ? `daemon bench failed: ${daemon.reason}` : formatDaemon(daemon));
}
