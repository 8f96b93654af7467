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
 *
 * Most of the time goes into strings, parameter names above all: a fresh
 * string used as a property key costs a string-table lookup. Short names and
 * values therefore come from byte-keyed caches (string-cache.ts), and when a
 * parameter list has the same names as the previous one, byte for byte, its
 * names are taken over as a whole (`sameNames`).
 */
import { isAscii } from 'node:buffer';
import $protobuf from 'protobufjs/minimal.js';
import type { Extra, Message } from '../messages/message.js';
import type { ExecNotify } from '../messages/notify.js';
import type { Reply } from '../messages/reply.js';
import type { RscExecRequest } from '../messages/request.js';
import { NullRecord } from '../null-record.js';
import { MAKER_AFTER, makerFor, type RecordMaker } from '../record-shape.js';
import { internalize, StringCache } from './string-cache.js';

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
/** The payload read as Latin-1, made on first need; its ASCII parts are the decoded text. */
let text: string | undefined;

/** An unsigned varint below 2^31 (lengths); anything else bails. */
function varint32(end: number): number {
  if (pos + 5 > end) return varint32Slow(end);
  let b = buf[pos++]!;
  let v = b & 127;
  if (b < 128) return v;
  b = buf[pos++]!;
  v |= (b & 127) << 7;
  if (b < 128) return v;
  b = buf[pos++]!;
  v |= (b & 127) << 14;
  if (b < 128) return v;
  b = buf[pos++]!;
  v |= (b & 127) << 21;
  if (b < 128) return v;
  b = buf[pos++]!;
  if (b > 7) throw BAIL;
  return v | (b << 28);
}

/** {@link varint32} less than 5 bytes from the end, where it can only be short. */
function varint32Slow(end: number): number {
  let v = 0;
  for (let shift = 0; pos < end; shift += 7) {
    const b = buf[pos++]!;
    v |= (b & 127) << shift;
    if (b < 128) return v;
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
 * Names of parameters and attributes are cached up to 32 bytes, as property
 * keys; other strings up to 48 bytes (ids, user data, origins). A cached
 * string is made on its own (`own`), never as a slice of the payload text,
 * which it would keep alive.
 */
const NAME_CACHED = 32;
const VALUE_CACHED = 48;
const nameCache = new StringCache(12, NAME_CACHED);
const valueCache = new StringCache(11, VALUE_CACHED);

/** Reads a string field's length; `pos` ends at the string's start. */
function stringLength(end: number): number {
  let len = buf[pos]!;
  if (len < 128 && pos < end) pos++;
  else len = varint32(end);
  if (pos + len > end) throw BAIL;
  return len;
}

/** A length-delimited string field; `pos` is at its length. */
function string(end: number): string {
  const len = stringLength(end);
  const start = pos;
  const stop = (pos += len);
  if (len > VALUE_CACHED) return long(start, stop);
  if (len === 0) return '';
  return valueCache.lookup(buf, start, len) ?? valueCache.store(buf, start, len, own(start, stop));
}

/** A name of a `Pairs` message, as a property key; `pos` is at its length. */
function name(end: number): string {
  const len = stringLength(end);
  const start = pos;
  const stop = (pos += len);
  if (len > NAME_CACHED) return long(start, stop);
  if (len === 0) return '';
  return nameCache.lookup(buf, start, len) ?? nameCache.store(buf, start, len, internalize(own(start, stop)));
}

/**
 * The string of bytes `start`..`stop`, not cached. An ASCII string is a slice
 * of the payload read once as Latin-1 (one native call per payload rather
 * than one per string); anything else is decoded as strict UTF-8.
 */
function long(start: number, stop: number): string {
  if (stop - start > 256) {
    if (!isAscii(buf.subarray(start, stop))) return readStrict(buf, start, stop);
  } else {
    for (let i = start; i < stop; i++) if (buf[i]! >= 0x80) return readStrict(buf, start, stop);
  }
  text ??= (buf as unknown as Latin1).latin1Slice(0, buf.length);
  return text.slice(start, stop);
}

/** The string of bytes `start`..`stop` (at most a few dozen) as a string of its own. */
function own(start: number, stop: number): string {
  for (let i = start; i < stop; i++) if (buf[i]! >= 0x80) return readStrict(buf, start, stop);
  return (buf as unknown as Latin1).latin1Slice(start, stop);
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

/*
 * Consecutive lists often have the same names (the same resource, or
 * resources of one agent). The names part of the last list read (its tags,
 * lengths and bytes) is kept with its strings; a list that starts with the
 * same bytes takes those names as they are, already known to be distinct.
 */
let lastNamesBytes = new Uint8Array(256);
/** Length of the kept bytes; 0 when nothing is kept. */
let lastNamesLength = 0;
const lastNames: string[] = [];
let lastCount = 0;
let lastDistinct = false;
/** Maker of records with the kept names (record-shape.ts), asked for when they came MAKER_AFTER times in a row. */
let lastMaker: RecordMaker | null | undefined;
let lastHits = 0;

/** Whether the names of the last record built were distinct. */
let distinct = false;

/**
 * The record of the `n` names and values read; the first value of a repeated
 * name wins (§3.8). `known` says the names are known to be distinct.
 */
function record(n: number, known: boolean): Record<string, string> {
  let out = new NullRecord();
  for (let i = 0; i < n; i++) out[names[i]!] = values[i]!;
  distinct = known || n < 2 || Object.keys(out).length === n;
  if (!distinct) {
    // A repeated name: rare, only from other encoders.
    out = new NullRecord();
    for (let i = 0; i < n; i++) {
      const name = names[i]!;
      if (!(name in out)) out[name] = values[i]!;
    }
  }
  return out;
}

/** Takes the names of the last list when the list at `pos` starts with them; returns their count. */
function sameNames(stop: number): number {
  const k = lastNamesLength;
  const start = pos;
  if (k === 0 || start + k > stop || (start + k < stop && buf[start + k] !== 18)) return 0;
  if (k > 48) {
    // memcmp beats a byte loop past a few dozen bytes.
    if (buf.compare(lastNamesBytes, 0, k, start, start + k) !== 0) return 0;
  } else {
    for (let i = 0; i < k; i++) if (buf[start + i] !== lastNamesBytes[i]) return 0;
  }
  const n = lastCount;
  for (let i = 0; i < n; i++) names[i] = lastNames[i]!;
  pos = start + k;
  return n;
}

/** Keeps bytes `start`..`stop` of the payload, the names part of a list, and its `n` names. */
function keepNames(start: number, stop: number, n: number): void {
  const k = stop - start;
  if (k > lastNamesBytes.length) lastNamesBytes = new Uint8Array(Math.max(k, 2 * lastNamesBytes.length));
  lastNamesBytes.set(new Uint8Array(buf.buffer, buf.byteOffset + start, k));
  lastNamesLength = k;
  for (let i = 0; i < n; i++) lastNames[i] = names[i]!;
  lastCount = n;
  lastDistinct = distinct;
  lastMaker = undefined;
  lastHits = 0;
}

/** The record of the kept names, each once, and the values read. */
function keptRecord(n: number): Record<string, string> {
  if (lastMaker === undefined && ++lastHits >= MAKER_AFTER) lastMaker = makerFor(lastNames.slice(0, n));
  if (lastMaker) return new lastMaker(values);
  return record(n, true);
}

/** A `Pairs` message: parallel name and value lists of equal length (§13.3). */
function pairs(end: number): Extra {
  const stop = sub(end);
  const start = pos;
  const reused = sameNames(stop);
  let n = reused;
  let m = 0;
  // End of the names when they all come before the values, else -1.
  let namesEnd = stop;
  while (pos < stop) {
    const tag = buf[pos++]!;
    if (tag === 18) {
      if (m === 0 && namesEnd === stop) namesEnd = pos - 1;
      values[m++] = string(stop);
    } else if (tag === 10) {
      if (m !== 0) namesEnd = -1;
      names[n++] = name(stop);
    } else {
      throw BAIL;
    }
  }
  if (pos !== stop || n !== m) throw BAIL;
  if (reused !== 0) return n === reused && lastDistinct ? keptRecord(n) : record(n, false);
  const out = record(n, false);
  if (n !== 0 && namesEnd !== -1) keepNames(start, namesEnd, n);
  return out;
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
  text = undefined;
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
    text = undefined;
  }
}
