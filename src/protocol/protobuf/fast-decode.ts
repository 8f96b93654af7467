/**
 * A hand-written decoder for the frequent payloads (register reply, exec
 * request, exec-result notification), reading spec/remote.proto's wire format
 * straight into the typed message (spec/protocol.md §13.3).
 *
 * It takes only the plain case: known fields of the right wire type, each
 * sub-message once, no other variant. Anything else (unknown fields, merged
 * sub-messages, truncation, invalid UTF-8, other variants) returns undefined
 * and the generated decoder handles the payload, errors included, so results
 * never differ between the two paths.
 */
import { isAscii } from 'node:buffer';
import $protobuf from 'protobufjs/minimal.js';
import type { Extra, Message } from '../messages/message.js';
import type { ExecNotify } from '../messages/notify.js';
import type { Reply } from '../messages/reply.js';
import type { RscExecRequest } from '../messages/request.js';
import { NullRecord } from '../null-record.js';

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

interface Latin1 {
  latin1Slice(start: number, end: number): string;
}

const readStrict = $protobuf.util.utf8.readStrict;

/** Thrown inside to hand the payload to the generated decoder. */
const BAIL: unique symbol = Symbol('bail');

const EMPTY = Buffer.alloc(0);
/** Placeholder until the parameters are read; never returned. */
const EMPTY_PARAMS: Extra = Object.freeze(new NullRecord());
let buf: Buffer = EMPTY;
let pos = 0;
/** The whole payload as a string when it is pure ASCII (the usual case), else ''. */
let text = '';

function varint32(end: number): number {
  let v = 0;
  for (let shift = 0; shift < 35; shift += 7) {
    if (pos >= end) throw BAIL;
    const b = buf[pos++]!;
    v += (b & 127) * 2 ** shift;
    if (b < 128) {
      if (v > 0x7fffffff) throw BAIL;
      return v;
    }
  }
  throw BAIL;
}

/** sint64 as a number: the same value protobufjs's Long.toNumber gives. */
function sint64(end: number): number {
  let lo = 0;
  let hi = 0;
  let i = 0;
  for (; i < 4; i++) {
    if (pos >= end) throw BAIL;
    const b = buf[pos++]!;
    lo = (lo | ((b & 127) << (i * 7))) >>> 0;
    if (b < 128) return zz(lo, 0);
  }
  if (pos >= end) throw BAIL;
  let b = buf[pos++]!;
  lo = (lo | ((b & 127) << 28)) >>> 0;
  hi = (hi | ((b & 127) >> 4)) >>> 0;
  if (b >= 128) {
    for (i = 0; ; i++) {
      if (i === 5 || pos >= end) throw BAIL;
      b = buf[pos++]!;
      hi = (hi | ((b & 127) << (i * 7 + 3))) >>> 0;
      if (b < 128) break;
    }
  }
  return zz(lo, hi);
}

function zz(lo: number, hi: number): number {
  const mask = -(lo & 1);
  const l = (((lo >>> 1) | (hi << 31)) ^ mask) >>> 0;
  const h = ((hi >>> 1) ^ mask) >>> 0;
  return (h | 0) * 4294967296 + l;
}

/** A varint read as protobufjs's `bool` does (low 32 bits non-zero). */
function bool(end: number): boolean {
  let lo = 0;
  for (let i = 0; i < 10; i++) {
    if (pos >= end) throw BAIL;
    const b = buf[pos++]!;
    if (i < 5) lo = (lo | ((b & 127) << (i * 7))) >>> 0;
    if (b < 128) return lo !== 0;
  }
  throw BAIL;
}

/*
 * Short ASCII strings (parameter names, most values) repeat from message to
 * message; a small cache keyed by their bytes returns the same string object,
 * which V8 has already internalized as a property key.
 */
const SLOTS = 2048;
const MAX_CACHED = 32;
const cacheBytes = new Uint8Array(SLOTS * MAX_CACHED);
const cacheLen = new Int32Array(SLOTS).fill(-1);
const cacheStr: string[] = new Array<string>(SLOTS).fill('');

function string(end: number): string {
  const len = varint32(end);
  const start = pos;
  const stop = start + len;
  if (stop > end) throw BAIL;
  pos = stop;
  // ASCII payload: one native conversion up front, then slices (no byte loops).
  if (text !== '') return text.slice(start, stop);
  let h = len;
  for (let i = start; i < stop; i++) {
    const b = buf[i]!;
    if (b >= 0x80) return readStrict(buf, start, stop);
    h = (Math.imul(h, 31) + b) | 0;
  }
  if (len > MAX_CACHED) return (buf as unknown as Latin1).latin1Slice(start, stop);
  const slot = (h ^ (h >>> 11)) & (SLOTS - 1);
  const base = slot * MAX_CACHED;
  if (cacheLen[slot] === len) {
    let i = 0;
    while (i < len && cacheBytes[base + i] === buf[start + i]) i++;
    if (i === len) return cacheStr[slot]!;
  }
  const str = (buf as unknown as Latin1).latin1Slice(start, stop);
  cacheBytes.set(buf.subarray(start, stop), base);
  cacheLen[slot] = len;
  cacheStr[slot] = str;
  return str;
}

/** Bounds of a length-delimited sub-message; `pos` is at its start. */
function sub(end: number): number {
  const len = varint32(end);
  const stop = pos + len;
  if (stop > end) throw BAIL;
  return stop;
}

// Scratch lists for one `Pairs` message; reused so decoding allocates only the record.
const names: string[] = [];
const values: string[] = [];

/** The record of the `n` names and values read; the first value of a repeated name wins (§3.8). */
function record(n: number): Record<string, string> {
  const out = new NullRecord();
  for (let i = 0; i < n; i++) {
    const name = names[i]!;
    if (!(name in out)) out[name] = values[i]!;
  }
  return out;
}

/** A `Pairs` message: parallel name and value lists of equal length (§13.3). */
function pairs(end: number): Extra {
  const stop = sub(end);
  let n = 0;
  let m = 0;
  while (pos < stop) {
    const tag = buf[pos++]!;
    if (tag === 10) names[n++] = string(stop);
    else if (tag === 18) values[m++] = string(stop);
    else throw BAIL;
  }
  if (pos !== stop || n !== m) throw BAIL;
  return record(n);
}

function reply(end: number, msgId: number): Mutable<Reply> {
  const stop = sub(end);
  let rc = 0;
  let callId: number | undefined;
  let op: string | undefined;
  let clientId: string | undefined;
  let protocolVersion: string | undefined;
  let uptime: number | undefined;
  let nodeStartState: string | undefined;
  let encoding: string | undefined;
  while (pos < stop) {
    switch (buf[pos++]) {
      case 8: rc = sint64(stop); break;
      case 16: callId = sint64(stop); break;
      case 26: op = string(stop); break;
      case 34: clientId = string(stop); break;
      case 42: protocolVersion = string(stop); break;
      case 48: uptime = sint64(stop); break;
      case 58: nodeStartState = string(stop); break;
      case 66: encoding = string(stop); break;
      default: throw BAIL;
    }
  }
  if (pos !== stop) throw BAIL;
  const out: Mutable<Reply> = { kind: 'reply', msgId, rc };
  if (callId !== undefined) out.callId = callId;
  if (op !== undefined) out.op = op;
  if (clientId !== undefined) out.clientId = clientId;
  if (protocolVersion !== undefined) out.protocolVersion = protocolVersion;
  if (uptime !== undefined) out.uptime = uptime;
  if (nodeStartState !== undefined) out.nodeStartState = nodeStartState;
  if (encoding !== undefined) out.encoding = encoding;
  return out;
}

function execRequest(end: number, msgId: number): Mutable<RscExecRequest> {
  const stop = sub(end);
  let common = false;
  let timeout: number | undefined;
  let callOptions: number | undefined;
  let asyncId: string | undefined;
  let dataExtra: Extra | undefined;
  let dataOrigin: string | undefined;
  let rscId: string | undefined;
  let action: string | undefined;
  let interval = 0;
  let actionTimeout = 0;
  let startDelay = 0;
  let userData: string | undefined;
  let params: Extra | undefined;
  while (pos < stop) {
    switch (buf[pos++]) {
      case 10: {
        if (common) throw BAIL;
        common = true;
        const cstop = sub(stop);
        while (pos < cstop) {
          switch (buf[pos++]) {
            case 8: timeout = sint64(cstop); break;
            case 16: callOptions = sint64(cstop); break;
            case 26: asyncId = string(cstop); break;
            case 34:
              if (dataExtra !== undefined) throw BAIL;
              dataExtra = pairs(cstop);
              break;
            case 42: dataOrigin = string(cstop); break;
            default: throw BAIL;
          }
        }
        if (pos !== cstop) throw BAIL;
        break;
      }
      case 18: rscId = string(stop); break;
      case 26: action = string(stop); break;
      case 32: interval = sint64(stop); break;
      case 40: actionTimeout = sint64(stop); break;
      case 48: startDelay = sint64(stop); break;
      case 58: userData = string(stop); break;
      case 66:
        if (params !== undefined) throw BAIL;
        params = pairs(stop);
        break;
      default: throw BAIL;
    }
  }
  if (pos !== stop) throw BAIL;
  const out: Mutable<RscExecRequest> = {
    kind: 'request',
    op: 'lrmd_rsc_exec',
    msgId,
    interval,
    actionTimeout,
    startDelay,
    params: params ?? new NullRecord(),
  };
  if (rscId !== undefined) out.rscId = rscId;
  if (action !== undefined) out.action = action;
  if (userData !== undefined) out.userData = userData;
  if (timeout !== undefined) out.timeout = timeout;
  if (callOptions !== undefined) out.callOptions = callOptions;
  if (asyncId !== undefined) out.asyncId = asyncId;
  if (dataExtra !== undefined) out.dataExtra = dataExtra;
  if (dataOrigin !== undefined) out.dataOrigin = dataOrigin;
  return out;
}

function execNotify(end: number, msgId: number): Mutable<ExecNotify> {
  const stop = sub(end);
  const out: Mutable<ExecNotify> = {
    kind: 'notify',
    op: 'lrmd_rsc_exec',
    msgId,
    rscId: '',
    action: '',
    callId: 0,
    interval: 0,
    timeout: 0,
    startDelay: 0,
    execRc: 0,
    opStatus: 0,
    rscDeleted: false,
    runTime: 0,
    rcChangeTime: 0,
    execTime: 0,
    queueTime: 0,
    params: EMPTY_PARAMS,
  };
  let params = false;
  let userData: string | undefined;
  let exitReason: string | undefined;
  let output: string | undefined;
  while (pos < stop) {
    let tag = buf[pos++]!;
    if (tag >= 128) {
      if (pos >= stop) throw BAIL;
      const hi = buf[pos++]!;
      if (hi !== 1) throw BAIL;
      tag = (tag & 127) | 128; // fields 16 and 17
    }
    switch (tag) {
      case 10: out.rscId = string(stop); break;
      case 18: out.action = string(stop); break;
      case 24: out.callId = sint64(stop); break;
      case 32: out.interval = sint64(stop); break;
      case 40: out.timeout = sint64(stop); break;
      case 48: out.startDelay = sint64(stop); break;
      case 56: out.execRc = sint64(stop); break;
      case 64: out.opStatus = sint64(stop); break;
      case 72: out.rscDeleted = bool(stop); break;
      case 80: out.runTime = sint64(stop); break;
      case 88: out.rcChangeTime = sint64(stop); break;
      case 96: out.execTime = sint64(stop); break;
      case 104: out.queueTime = sint64(stop); break;
      case 114: userData = string(stop); break;
      case 122: exitReason = string(stop); break;
      case 130: output = string(stop); break;
      case 138:
        if (params) throw BAIL;
        params = true;
        out.params = pairs(stop);
        break;
      default: throw BAIL;
    }
  }
  if (pos !== stop) throw BAIL;
  if (!params) out.params = new NullRecord();
  if (userData !== undefined) out.userData = userData;
  if (exitReason !== undefined) out.exitReason = exitReason;
  if (output !== undefined) out.output = output;
  return out;
}

/** The message of `bytes` when it is a plain frequent payload, else undefined. */
export function fastDecode(bytes: Uint8Array): Message | undefined {
  buf = Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  pos = 0;
  const end = buf.length;
  text = end > 0 && isAscii(buf) ? (buf as unknown as Latin1).latin1Slice(0, end) : '';
  try {
    let msgId = 0;
    let origin: string | undefined;
    let extra: Extra | undefined;
    let m: Mutable<Message> | undefined;
    while (pos < end) {
      let tag = buf[pos++]!;
      if (tag >= 128) {
        if (pos >= end) throw BAIL;
        tag = (tag & 127) | (buf[pos++]! << 7);
        if (tag >= 16384) throw BAIL;
      }
      if (tag === 8) msgId = sint64(end);
      else if (tag === 18) origin = string(end);
      else if (tag === 26) {
        if (extra !== undefined) throw BAIL;
        extra = pairs(end);
      } else if (m !== undefined) throw BAIL;
      else if (tag === 242) m = reply(end, 0);
      else if (tag === 114) m = execRequest(end, 0);
      else if (tag === 322) m = execNotify(end, 0);
      else throw BAIL;
    }
    if (m === undefined) return undefined;
    m.msgId = msgId;
    if (origin !== undefined) m.origin = origin;
    if (extra !== undefined) m.extra = extra;
    return m;
  } catch {
    return undefined;
  } finally {
    buf = EMPTY;
    text = '';
  }
}
