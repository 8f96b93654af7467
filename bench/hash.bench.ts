// Hash primitives of the built-in TLS 1.3 engine (src/transport/tls13-psk/hkdf.ts):
// node:crypto against @noble/hashes (one of the design's named packages), on the
// shapes a PSK handshake uses: HMAC-SHA256 of a 32-byte key over a short label
// (HKDF-Expand-Label, about 20 per handshake), HKDF-Extract of a 4096-byte PSK
// (once per handshake), and SHA-256 of a 1 KiB transcript. Medians of 9 rounds,
// interleaved. `npm run bench:hash`.
import { createHash, createHmac, randomBytes } from 'node:crypto';
import { hmac as nobleHmac } from '@noble/hashes/hmac.js';
import { sha256 as nobleSha256 } from '@noble/hashes/sha2.js';

const ROUNDS = 9;
const key32 = randomBytes(32);
// HkdfLabel of "c hs traffic" with a 32-byte transcript hash: 2 + 1 + 18 + 1 + 32 bytes (plus Expand's counter byte).
const label = randomBytes(55);
const psk = randomBytes(4096);
const zeros = Buffer.alloc(32);
const transcript = randomBytes(1024);

type Case = { name: string; node: () => unknown; noble: () => unknown };
const cases: Case[] = [
  {
    name: 'HMAC-SHA256, 32-byte key, 55-byte info (one Expand-Label block)',
    node: () => createHmac('sha256', key32).update(label).digest(),
    noble: () => nobleHmac(nobleSha256, key32, label),
  },
  {
    name: 'HKDF-Extract of a 4096-byte PSK',
    node: () => createHmac('sha256', zeros).update(psk).digest(),
    noble: () => nobleHmac(nobleSha256, zeros, psk),
  },
  {
    name: 'SHA-256 of a 1 KiB transcript',
    node: () => createHash('sha256').update(transcript).digest(),
    noble: () => nobleSha256(transcript),
  },
];

/** µs per call over a batch sized to take about 20 ms. */
function time(fn: () => unknown): number {
  let n = 1;
  for (;;) {
    const t0 = performance.now();
    for (let i = 0; i < n; i++) fn();
    const ms = performance.now() - t0;
    if (ms > 20) return (ms * 1000) / n;
    n *= 2;
  }
}

const median = (v: number[]): number => [...v].sort((a, b) => a - b)[Math.floor(v.length / 2)]!;
const table: Record<string, { 'node:crypto µs': number; '@noble/hashes µs': number; 'noble / node': number }> = {};
for (const c of cases) {
  for (let i = 0; i < 2000; i++) {
    c.node();
    c.noble();
  }
  const node: number[] = [];
  const noble: number[] = [];
  for (let r = 0; r < ROUNDS; r++) {
    if (r % 2 === 0) {
      node.push(time(c.node));
      noble.push(time(c.noble));
    } else {
      noble.push(time(c.noble));
      node.push(time(c.node));
    }
  }
  const a = median(node);
  const b = median(noble);
  table[c.name] = { 'node:crypto µs': +a.toFixed(2), '@noble/hashes µs': +b.toFixed(2), 'noble / node': +(b / a).toFixed(2) };
}
console.log(`Hash primitives, node ${process.version}, ${ROUNDS} interleaved rounds, medians`);
console.table(table);
console.log(JSON.stringify({ bench: 'hash', table }));
