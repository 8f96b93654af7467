#!/usr/bin/env node
// Writes spec/vectors/frames.json: hand-built frame vectors (spec/protocol.md §14).
// The bytes are assembled here with plain Buffer writes and the system bzip2,
// independently of src/protocol, so tests never check our encoder against itself.
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';

function header({ le = true, marker = 0xbadadbbd, version = 1, id = 1n, flags = 0n, total, offset = 40, compressed = 0, uncompressed }) {
  const b = Buffer.alloc(40);
  const u32 = (v, o) => (le ? b.writeUInt32LE(v >>> 0, o) : b.writeUInt32BE(v >>> 0, o));
  const u64 = (v, o) => (le ? b.writeBigUInt64LE(v, o) : b.writeBigUInt64BE(v, o));
  u32(marker, 0); u32(version, 4); u64(id, 8); u64(flags, 16);
  u32(total, 24); u32(offset, 28); u32(compressed, 32); u32(uncompressed, 36);
  return b;
}
const z = (s) => Buffer.concat([Buffer.from(s, 'utf8'), Buffer.from([0])]);
function frame(xml, opts = {}) {
  const p = z(xml);
  return Buffer.concat([header({ total: 40 + p.length, uncompressed: p.length, ...opts }), p]);
}
const bz = (buf) => execFileSync('bzip2', ['-c', '-9'], { input: buf });
const hdr = (o) => ({ byteOrder: 'le', version: 1, id: '1', flags: '0', payloadOffset: 40, payloadCompressed: 0, ...o });

const poke = '<lrmd_command t="lrmd" lrmd_op="lrmd_rsc_poke" lrmd_timeout="0" lrmd_callopt="0" lrmd_remote_msg_id="18" lrmd_remote_msg_type="request"><lrmd_calldata><lrmd_rsc lrmd_origin="lrmd_api_poke_connection"/></lrmd_calldata></lrmd_command>';
const reply = '<lrmd_reply lrmd_origin="process_lrmd_message" lrmd_rc="0" lrmd_callid="7" lrmd_remote_msg_id="18" lrmd_remote_msg_type="reply"/>';
const utf8 = '<lrmd_notify lrmd_op="lrmd_rsc_exec" lrmd_rsc_output="caf\u00e9 &lt;b&gt; \u2603" lrmd_remote_msg_id="0" lrmd_remote_msg_type="notify"/>';
const cib = '<cib epoch="1">' + '<primitive id="r" class="ocf" provider="heartbeat" type="Dummy"/>'.repeat(200) + '</cib>';
const big = `<lrmd_ipc_proxy lrmd_ipc_op="event" lrmd_ipc_session="s1" lrmd_remote_msg_id="3" lrmd_remote_msg_type="request" lrmd_op="ipc_fwd"><lrmd_ipc_msg>${cib}</lrmd_ipc_msg></lrmd_ipc_proxy>`;

const v = [];
const ok = (name, bytes, header, xml, source = 'hand-built by scripts/make-frame-vectors.mjs') =>
  v.push({ name, source, hex: bytes.toString('hex'), header, xml });
const bad = (name, bytes, error, source = 'hand-built by scripts/make-frame-vectors.mjs') =>
  v.push({ name, source, hex: bytes.toString('hex'), error });

const pp = z(poke);
ok('le-poke-request', frame(poke, { id: 1n }), hdr({ id: '1', sizeTotal: 40 + pp.length, payloadUncompressed: pp.length }), poke);
ok('be-poke-request-byte-swapped', frame(poke, { le: false, id: 0x0102030405060708n }),
  hdr({ byteOrder: 'be', id: String(0x0102030405060708n), sizeTotal: 40 + pp.length, payloadUncompressed: pp.length }), poke);
const rp = z(reply);
ok('le-reply-large-id-and-flags', frame(reply, { id: 0xfffffffffffffffen, flags: 0x8000000000000001n, version: 2 }),
  hdr({ version: 2, id: String(0xfffffffffffffffen), flags: String(0x8000000000000001n), sizeTotal: 40 + rp.length, payloadUncompressed: rp.length }), reply);
const up = z(utf8);
ok('le-utf8-payload', frame(utf8, { id: 9n }), hdr({ id: '9', sizeTotal: 40 + up.length, payloadUncompressed: up.length }), utf8);
{
  const raw = z(big); const c = bz(raw);
  const bytes = Buffer.concat([header({ id: 5n, total: 40 + c.length, compressed: c.length, uncompressed: raw.length }), c]);
  ok('le-bzip2-compressed-ipc-event', bytes, hdr({ id: '5', sizeTotal: 40 + c.length, payloadCompressed: c.length, payloadUncompressed: raw.length }), big);
}
{
  const raw = z(reply); const c = bz(raw);
  const bytes = Buffer.concat([header({ le: false, id: 6n, total: 40 + c.length, compressed: c.length, uncompressed: raw.length }), c]);
  ok('be-bzip2-compressed-reply', bytes, hdr({ byteOrder: 'be', id: '6', sizeTotal: 40 + c.length, payloadCompressed: c.length, payloadUncompressed: raw.length }), reply);
}
// Errors
bad('bad-marker', Buffer.concat([header({ marker: 0x12345678, total: 40 + pp.length, uncompressed: pp.length }), pp]), 'FRAME_BAD_MARKER');
bad('bad-marker-half-swapped', Buffer.concat([header({ marker: 0xdbbdbada, total: 40 + pp.length, uncompressed: pp.length }), pp]), 'FRAME_BAD_MARKER');
bad('payload-offset-48', Buffer.concat([header({ offset: 48, total: 40 + pp.length, uncompressed: pp.length }), pp]), 'FRAME_BAD_OFFSET');
bad('size-total-too-small', Buffer.concat([header({ total: 40 + pp.length - 1, uncompressed: pp.length }), pp]), 'FRAME_SIZE_MISMATCH');
bad('size-total-sum-3.0.2-style', Buffer.concat([header({ total: 40 + pp.length + 4, compressed: 0, uncompressed: pp.length }), pp, Buffer.alloc(4)]), 'FRAME_SIZE_MISMATCH');
bad('oversize-total-4GiB', header({ total: 0xffffffff, uncompressed: 0xffffffff - 40 }), 'FRAME_TOO_LARGE');
bad('oversize-20MiB-plus-1', header({ total: 20 * 1024 * 1024 + 1, uncompressed: 20 * 1024 * 1024 + 1 - 40 }), 'FRAME_TOO_LARGE');
bad('payload-not-nul-terminated', Buffer.concat([header({ total: 40 + 5, uncompressed: 5 }), Buffer.from('<a/>x')]), 'FRAME_BAD_PAYLOAD');
bad('nul-inside-payload', Buffer.concat([header({ total: 40 + 6, uncompressed: 6 }), Buffer.from('<a/>\0\0')]), 'FRAME_BAD_PAYLOAD');
bad('empty-payload', header({ total: 40, uncompressed: 0 }), 'FRAME_BAD_PAYLOAD');
bad('truncated-header', frame(poke).subarray(0, 23), 'FRAME_TRUNCATED');
bad('truncated-payload', frame(poke).subarray(0, 100), 'FRAME_TRUNCATED');
{
  const raw = z(reply); const c = bz(raw);
  bad('bzip2-declared-size-too-small', Buffer.concat([header({ total: 40 + c.length, compressed: c.length, uncompressed: raw.length - 10 }), c]), 'FRAME_BAD_COMPRESSION');
  bad('bzip2-declared-size-too-large', Buffer.concat([header({ total: 40 + c.length, compressed: c.length, uncompressed: raw.length + 10 }), c]), 'FRAME_BAD_COMPRESSION');
  const corrupt = Buffer.from(c); corrupt[20] ^= 0xff;
  bad('bzip2-corrupt', Buffer.concat([header({ total: 40 + c.length, compressed: c.length, uncompressed: raw.length }), corrupt]), 'FRAME_BAD_COMPRESSION');
  bad('bzip2-garbage', Buffer.concat([header({ total: 40 + 16, compressed: 16, uncompressed: 32 }), Buffer.from('not bzip2 at all')]), 'FRAME_BAD_COMPRESSION');
}
{
  // Decompression bomb: 16 MiB of zeros compresses to a few dozen bytes.
  const c = bz(Buffer.alloc(16 * 1024 * 1024));
  bad('bzip2-bomb-honest-header', Buffer.concat([header({ total: 40 + c.length, compressed: c.length, uncompressed: 16 * 1024 * 1024 }), c]), 'FRAME_TOO_LARGE');
  bad('bzip2-bomb-lying-header', Buffer.concat([header({ total: 40 + c.length, compressed: c.length, uncompressed: c.length * 100 }), c]), 'FRAME_BAD_COMPRESSION');
}
// Two frames back to back in one buffer: the decoder returns both.
ok('two-frames-second', Buffer.concat([frame(poke, { id: 1n }), frame(reply, { id: 2n })]).subarray(0), null, null);
v[v.length - 1].frames = [
  { header: hdr({ id: '1', sizeTotal: 40 + pp.length, payloadUncompressed: pp.length }), xml: poke },
  { header: hdr({ id: '2', sizeTotal: 40 + rp.length, payloadUncompressed: rp.length }), xml: reply },
];
delete v[v.length - 1].header; delete v[v.length - 1].xml;
v[v.length - 1].name = 'two-frames-one-buffer';

writeFileSync(new URL('../spec/vectors/frames.json', import.meta.url), JSON.stringify({
  description: 'Hand-built frames: byte orders, ids and flags, UTF-8, bzip2, and every header/payload error (spec/protocol.md §2, §12, §14).',
  source: 'scripts/make-frame-vectors.mjs: plain Buffer writes and the system bzip2, independent of src/protocol',
  vectors: v,
}, null, 1) + '\n');
console.log(`${v.length} vectors`);
