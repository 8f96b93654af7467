#!/usr/bin/env node
// Turns the plaintext logs written by tools/capture/shim.c into wire test vectors
// (spec/protocol.md §14). Frames are cut from each connection's send stream by the 40-byte
// header (§2.1); bytes are copied as logged, never rewritten.
//
// Usage: node tools/capture/make-vectors.mjs --client <client log> --daemon <daemon log>
//          [--out <json>] [--no-dedup]
// Default output: <repo>/spec/vectors/captured-2.1.5.json

import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const HEADER_SIZE = 40;
const MARKER = 0xbadadbbd;
const MAX_RECORD = 16384;

const SOURCE =
  'captured on loopback: liblrmd 2.1.5 (Debian 12 pacemaker-dev, C client ' +
  'tools/capture/lrmd-client.c) <-> pacemaker-remoted 2.1.5 (Debian 12 pacemaker-remote), ' +
  'plaintext logged by tools/capture/shim.c at gnutls_record_send';

// Attribute values that change from run to run or between otherwise equal messages; they are
// blanked only to decide which messages repeat one another (the vectors keep the real bytes).
// Times are reduced to zero / non-zero: a zero run time marks a later recurring iteration.
const TIMES = new Set(['lrmd_run_time', 'lrmd_rcchange_time', 'lrmd_exec_time', 'lrmd_queue_time']);
const VOLATILE = new Set([
  'lrmd_remote_msg_id', 'lrmd_callid', 'lrmd_clientid', 'lrmd_async_id', 'lrmd_clientname', 'lrmd_ipc_session',
  'lrmd_ipc_client', 'lrmd_ipc_msg_id', 'CRM_alert_node_sequence',
]);

function parseArgs(argv) {
  const args = { dedup: true };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--client' || a === '--daemon' || a === '--out') {
      const v = argv[++i];
      if (v === undefined) throw new Error(`${a} needs a value`);
      args[a.slice(2)] = v;
    } else if (a === '--no-dedup') {
      args.dedup = false;
    } else {
      throw new Error(`unknown argument ${a}`);
    }
  }
  if (!args.client || !args.daemon) {
    throw new Error('usage: make-vectors.mjs --client <log> --daemon <log> [--out <json>] [--no-dedup]');
  }
  return args;
}

// One log line: "<dir> <pid> <sec.nsec> <n>:<ptr> <count> <hex>".
function readLog(path, role) {
  const entries = [];
  const text = readFileSync(path, 'utf8');
  for (const line of text.split('\n')) {
    if (line === '') continue;
    const f = line.split(' ');
    if (f.length < 5) throw new Error(`${path}: bad line ${line.slice(0, 80)}`);
    const [dir, pid, time, conn, count] = f;
    const hex = f[5] ?? '';
    const [sec, nsec] = time.split('.');
    const ns = BigInt(sec) * 1000000000n + BigInt(nsec);
    const bytes = Buffer.from(hex, 'hex');
    if (bytes.length !== Number(count)) throw new Error(`${path}: count mismatch in ${line.slice(0, 80)}`);
    entries.push({ role, dir, pid: Number(pid), ns, conn: `${role}:${pid}:${conn.split(':')[0]}`, bytes });
  }
  return entries;
}

// Split one connection's records (in order) into frames; each frame lists the records (or
// pieces of records) that carried it.
function framesOf(records, problems, label) {
  const frames = [];
  let pending = []; // { rec, start, end } pieces not yet assigned
  let buf = Buffer.alloc(0);
  for (const rec of records) {
    pending.push({ rec, start: 0, end: rec.bytes.length });
    buf = Buffer.concat([buf, rec.bytes]);
    for (;;) {
      if (buf.length < HEADER_SIZE) break;
      const total = buf.readUInt32LE(24);
      if (buf.readUInt32LE(0) !== MARKER) {
        problems.push(`${label}: bad marker ${buf.subarray(0, 4).toString('hex')}`);
        return frames;
      }
      if (buf.length < total) break;
      // Take exactly `total` bytes of pieces.
      const pieces = [];
      let need = total;
      while (need > 0) {
        const p = pending[0];
        const len = p.end - p.start;
        if (len <= need) {
          pieces.push(p);
          pending.shift();
          need -= len;
        } else {
          pieces.push({ rec: p.rec, start: p.start, end: p.start + need });
          p.start += need;
          problems.push(`${label}: a record carries bytes of two frames`);
          need = 0;
        }
      }
      frames.push({ bytes: buf.subarray(0, total), pieces });
      buf = buf.subarray(total);
    }
  }
  if (buf.length > 0) {
    problems.push(`${label}: ${buf.length} trailing bytes not forming a frame (last message cut short)`);
  }
  return frames;
}

function checkHeader(frame, problems, label) {
  const b = frame.bytes;
  const h = {
    version: b.readUInt32LE(4),
    id: b.readBigUInt64LE(8),
    flags: b.readBigUInt64LE(16),
    sizeTotal: b.readUInt32LE(24),
    payloadOffset: b.readUInt32LE(28),
    payloadCompressed: b.readUInt32LE(32),
    payloadUncompressed: b.readUInt32LE(36),
  };
  const payload = b.subarray(HEADER_SIZE);
  if (h.version !== 1) problems.push(`${label}: version ${h.version}`);
  if (h.flags !== 0n) problems.push(`${label}: flags ${h.flags}`);
  if (h.payloadOffset !== HEADER_SIZE) problems.push(`${label}: payload_offset ${h.payloadOffset}`);
  if (h.payloadCompressed !== 0) problems.push(`${label}: compressed payload`);
  if (h.sizeTotal !== HEADER_SIZE + h.payloadUncompressed) {
    problems.push(`${label}: size_total != 40 + payload_uncompressed`);
  }
  if (payload[payload.length - 1] !== 0) problems.push(`${label}: payload not NUL-terminated`);
  if (payload.indexOf(0) !== payload.length - 1) problems.push(`${label}: NUL inside the payload`);
  return h;
}

function attr(xml, name) {
  const m = xml.match(new RegExp(`^<[^>]*?\\s${name}="([^"]*)"`));
  return m ? m[1] : undefined;
}

function rootOf(xml) {
  const m = xml.match(/^<([A-Za-z_][\w.-]*)/);
  return m ? m[1] : '?';
}

function dedupKey(direction, kind, xml) {
  const blanked = xml.replace(/([A-Za-z_][\w.-]*)="([^"]*)"/g, (all, name, value) => {
    if (VOLATILE.has(name)) return `${name}=""`;
    if (TIMES.has(name)) return `${name}="${value === '0' ? '0' : 'N'}"`;
    return all;
  });
  // A positive lrmd_rc of an exec reply is a call id.
  return `${direction}|${kind}|${blanked.replace(/lrmd_rc="[1-9][0-9]*"/, 'lrmd_rc="+"')}`;
}

function slug(s) {
  return s.replace(/[^A-Za-z0-9_]+/g, '-').replace(/^-|-$/g, '');
}

const STATUS_NAMES = {
  '1': 'cancelled', '2': 'timeout', '3': 'not-supported', '4': 'error', '5': 'error-hard',
  '6': 'error-fatal', '7': 'not-installed', '8': 'not-connected', '9': 'invalid',
};

// "<kind>[-details]": kind = the operation (lrmd_op / lrmd_ipc_op, or the request's op for a
// reply); details tell similar messages apart.
function describe(xml, direction, requestOps) {
  const root = rootOf(xml);
  const op = attr(xml, 'lrmd_op');
  const ipcOp = attr(xml, 'lrmd_ipc_op');
  let kind;
  const details = [];
  if (root === 'lrmd_ipc_proxy') {
    kind = direction === 'to-server' ? `ipc_fwd-${ipcOp}` : `proxy-${ipcOp}`;
  } else if (root === 'lrmd_reply') {
    const reqOp = op ?? requestOps.get(attr(xml, 'lrmd_remote_msg_id')) ?? 'unmatched';
    kind = `reply-${reqOp}`;
    const rc = attr(xml, 'lrmd_rc');
    if (rc !== undefined && rc.startsWith('-')) details.push(`rc${rc}`);
  } else if (root === 'lrmd_notify') {
    kind = `notify-${op}`;
  } else {
    kind = op ?? root;
  }
  if (op === 'lrmd_rsc_exec' || op === 'lrmd_rsc_cancel') {
    const m = xml.match(/<lrmd_rsc [^>]*?lrmd_rsc_action="([^"]*)"/);
    const action = attr(xml, 'lrmd_rsc_action') ?? (m ? m[1] : undefined);
    const im = xml.match(/lrmd_rsc_interval="([^"]*)"/);
    if (action) details.push(im && im[1] !== '0' ? `${action}_${im[1]}` : action);
    // The capture client labels each exec with its purpose in the user data.
    const um = xml.match(/lrmd_rsc_userdata_str="([^"]{1,24})"/);
    if (um && um[1] !== action) details.push(um[1]);
    if (root === 'lrmd_notify') {
      const rc = attr(xml, 'lrmd_exec_rc');
      const st = attr(xml, 'lrmd_exec_op_status');
      if (rc && rc !== '0') details.push(`rc${rc}`);
      if (st && st !== '0') details.push(STATUS_NAMES[st] ?? `status${st}`);
      if (attr(xml, 'lrmd_rsc_deleted') === '1') details.push('deleted');
    }
  }
  if (op === 'lrmd_get_recurring' && root === 'lrmd_command' && !xml.includes('<lrmd_rsc ')) {
    details.push('all');
  }
  return { kind, name: [kind, ...details].map(slug).join('-') };
}

function main() {
  const args = parseArgs(process.argv.slice(2));
  const here = dirname(fileURLToPath(import.meta.url));
  const out = resolve(args.out ?? resolve(here, '../../spec/vectors/captured-2.1.5.json'));
  const entries = [...readLog(args.client, 'client'), ...readLog(args.daemon, 'daemon')];
  const problems = [];
  const t0 = entries.reduce((m, e) => (e.ns < m ? e.ns : m), entries[0]?.ns ?? 0n);

  // Group by connection.
  const conns = new Map();
  for (const e of entries) {
    if (!conns.has(e.conn)) conns.set(e.conn, { id: e.conn, role: e.role, send: [], recv: [], init: undefined });
    const c = conns.get(e.conn);
    if (e.dir === 'send') c.send.push(e);
    else if (e.dir === 'recv') c.recv.push(e);
    else if (e.dir === 'init') c.init = e.ns;
    else if (e.dir === 'handshake') c.tls = e.bytes.toString('utf8');
  }
  const cat = (list) => Buffer.concat(list.map((e) => e.bytes));

  // Pair each daemon connection with the client connection whose sends it received.
  const clientConns = [...conns.values()].filter((c) => c.role === 'client');
  const daemonConns = [...conns.values()].filter((c) => c.role === 'daemon');
  const peer = new Map();
  for (const d of daemonConns) {
    const got = cat(d.recv);
    const match = clientConns.find((c) => {
      const sent = cat(c.send);
      const n = Math.min(sent.length, got.length);
      return n > 0 && sent.subarray(0, n).equals(got.subarray(0, n));
    });
    if (match) {
      peer.set(d.id, match.id);
      peer.set(match.id, d.id);
    } else if (got.length > 0) {
      problems.push(`${d.id}: no client connection sent what it received`);
    }
  }

  // Connection names from the register request (lrmd_clientname) and a stable number.
  const ordered = [...clientConns].sort((a, b) => (a.init ?? 0n) < (b.init ?? 0n) ? -1 : 1);
  const connName = new Map();
  ordered.forEach((c, i) => {
    const first = framesOf(c.send, [], c.id)[0];
    const xml = first ? first.bytes.subarray(HEADER_SIZE, first.bytes.length - 1).toString('utf8') : '';
    const name = `#${i + 1} ${attr(xml, 'lrmd_clientname') ?? 'unnamed'}`;
    connName.set(c.id, name);
    const d = peer.get(c.id);
    if (d) connName.set(d, name);
  });

  // Cut frames and check them.
  const frames = [];
  const stats = { frames: 0, headerOwnRecord: 0, payloadRecords: new Map(), maxRecord: 0 };
  for (const c of conns.values()) {
    const label = `${c.id} (${connName.get(c.id) ?? '?'})`;
    const direction = c.role === 'client' ? 'to-server' : 'to-client';
    let index = 0;
    for (const f of framesOf(c.send, problems, label)) {
      index++;
      const h = checkHeader(f, problems, `${label} frame ${index}`);
      const wholeRecords = f.pieces.every((p) => p.start === 0 && p.end === p.rec.bytes.length);
      const first = f.pieces[0];
      const headerAlone = wholeRecords && first.rec.bytes.length === HEADER_SIZE;
      if (headerAlone) stats.headerOwnRecord++;
      const nPayload = f.pieces.length - 1;
      stats.payloadRecords.set(nPayload, (stats.payloadRecords.get(nPayload) ?? 0) + 1);
      for (const p of f.pieces) stats.maxRecord = Math.max(stats.maxRecord, p.end - p.start);
      if (!headerAlone) problems.push(`${label} frame ${index}: header not in its own 40-byte record`);
      stats.frames++;
      frames.push({
        conn: c.id, direction, index, header: h, ns: first.rec.ns,
        records: f.pieces.map((p) => p.rec.bytes.subarray(p.start, p.end)),
        bytes: f.bytes,
        xml: f.bytes.subarray(HEADER_SIZE, f.bytes.length - 1).toString('utf8'),
      });
    }
    // What one side sent, the other received, byte for byte.
    const p = peer.get(c.id);
    if (c.role === 'daemon' && p) {
      const sent = cat(c.send);
      const got = cat(conns.get(p).recv);
      if (!sent.subarray(0, got.length).equals(got)) {
        problems.push(`${label}: client received other bytes than the daemon sent`);
      } else if (got.length < sent.length) {
        problems.push(`${label}: client read ${got.length} of ${sent.length} bytes the daemon sent ` +
          '(connection closed)');
      }
    }
  }
  frames.sort((a, b) => (a.ns < b.ns ? -1 : a.ns > b.ns ? 1 : 0));

  // Requests by (connection, msg id), to name the replies.
  const requestOps = new Map();
  for (const f of frames) {
    if (f.direction !== 'to-server') continue;
    const id = attr(f.xml, 'lrmd_remote_msg_id');
    const d = peer.get(f.conn);
    if (id !== undefined && d) {
      if (!requestOps.has(d)) requestOps.set(d, new Map());
      requestOps.get(d).set(id, attr(f.xml, 'lrmd_op') ?? rootOf(f.xml));
    }
  }

  // Name, deduplicate, number.
  const seen = new Set();
  const kept = [];
  const kinds = new Map();
  let dropped = 0;
  for (const f of frames) {
    const { kind, name } = describe(f.xml, f.direction, requestOps.get(f.conn) ?? new Map());
    const key = dedupKey(f.direction, name, f.xml);
    if (args.dedup && seen.has(key)) {
      dropped++;
      continue;
    }
    seen.add(key);
    kinds.set(`${f.direction} ${kind}`, (kinds.get(`${f.direction} ${kind}`) ?? 0) + 1);
    kept.push({ f, name });
  }
  const vectors = kept.map(({ f, name }, i) => {
    const seq = String(i + 1).padStart(3, '0');
    const dir = f.direction === 'to-server' ? 'c2s' : 's2c';
    const sender = f.direction === 'to-server' ? 'liblrmd 2.1.5 client' : 'pacemaker-remoted 2.1.5';
    const ms = Number((f.ns - t0) / 1000000n) / 1000;
    return {
      name: `${dir}-${seq}-${name}`,
      source: `${sender}, connection ${connName.get(f.conn) ?? f.conn}, frame ${f.index} sent on it, ` +
        `header id ${f.header.id}, t=+${ms.toFixed(3)} s`,
      direction: f.direction,
      records: f.records.map((r) => r.toString('hex')),
      hex: f.bytes.toString('hex'),
      xml: f.xml,
    };
  });

  const recordSummary = [...stats.payloadRecords.entries()].sort((a, b) => a[0] - b[0])
    .map(([n, c]) => `${c} frame(s) with ${n} payload record(s)`).join(', ');
  const doc = {
    description:
      'Real Pacemaker 2.1.5 executor-protocol frames (spec/protocol.md §14). Each vector is one ' +
      'frame exactly as the sender passed it to GnuTLS: 40-byte little-endian header + ' +
      'NUL-terminated XML payload. "records" are the plaintexts of the TLS records that carried ' +
      `it, in order (observed: ${stats.headerOwnRecord} of ${stats.frames} frames had the header ` +
      `alone in a 40-byte record; ${recordSummary}; largest record ${stats.maxRecord} bytes). ` +
      '"hex" is the whole frame, "xml" the payload without its NUL. Frames are listed in capture ' +
      'order; later frames equal to an earlier one apart from ids, call ids, times, session ids ' +
      `and client names were left out (${dropped} of ${frames.length}). Timestamps and UUIDs are ` +
      'the real ones.',
    source: SOURCE,
    vectors,
  };
  writeFileSync(out, JSON.stringify(doc, null, 2) + '\n');

  // Report.
  console.log(`connections: ${[...new Set(connName.values())].join(', ')}`);
  const tls = [...new Set([...conns.values()].map((c) => c.tls).filter(Boolean))];
  console.log(`TLS handshakes: ${tls.join('; ') || 'not logged'}`);
  const toServer = frames.filter((f) => f.direction === 'to-server').length;
  console.log(`frames: ${stats.frames} (${toServer} to-server, ${stats.frames - toServer} to-client); ` +
    `kept ${vectors.length}, dropped ${dropped} repeats`);
  console.log(`records: header alone in a 40-byte record for ${stats.headerOwnRecord}/${stats.frames} ` +
    `frames; ${recordSummary}; largest ${stats.maxRecord} (limit ${MAX_RECORD})`);
  console.log('kinds kept:');
  for (const [k, n] of [...kinds.entries()].sort()) console.log(`  ${n.toString().padStart(3)}  ${k}`);
  if (problems.length > 0) {
    console.log('observations/problems:');
    for (const p of problems) console.log(`  - ${p}`);
  }
  console.log(`wrote ${out}`);
  // An unfinished last frame is what a connection cut mid-message leaves; it is reported only.
  const hard = problems.filter((p) => !p.includes('connection closed') && !p.includes('trailing bytes'));
  process.exitCode = hard.length > 0 ? 1 : 0;
}

main();
