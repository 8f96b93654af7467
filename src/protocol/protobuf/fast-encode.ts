/**
 * Hand-written encoders for the frequent messages (register reply, exec
 * request, exec-result notification), writing spec/remote.proto's wire format
 * directly from the typed message (spec/protocol.md §13.3). They write the
 * same bytes as the generated encoder (field order, skipped proto3 defaults);
 * anything else, or a field of an unexpected type, is left to it.
 */
import type { Extra, Message, Params } from '../messages/message.js';
import type { ExecNotify } from '../messages/notify.js';
import type { Reply } from '../messages/reply.js';
import type { RscExecRequest } from '../messages/request.js';
import { FastWriter } from './fast-writer.js';

const w = new FastWriter();

/** Thrown inside to hand the message to the generated encoder. */
const BAIL: unique symbol = Symbol('bail');

function int(v: unknown): number {
  if (typeof v !== 'number') throw BAIL;
  return v;
}

/** Optional sint64 field: written when present, zero included. */
function optInt(tag: number, v: unknown): void {
  if (v == null) return;
  w.uint32(tag);
  w.sint64(int(v));
}

/** Plain proto3 sint64 field: skipped when zero. */
function plainInt(tag: number, v: unknown): void {
  if (v == null) return;
  if (int(v) !== 0) {
    w.uint32(tag);
    w.sint64(v as number);
  }
}

function optStr(tag: number, v: string | undefined): void {
  if (v == null) return;
  w.uint32(tag);
  w.string(v);
}

/** Plain proto3 string field: skipped when empty. */
function plainStr(tag: number, v: string | undefined): void {
  if (v == null || v === '') return;
  w.uint32(tag);
  w.string(v);
}

/*
 * Parameter names repeat from message to message in the same order; the
 * encoded names of the last parameter list are kept and copied when the next
 * list has the same names.
 */
let lastNames: readonly string[] = [];
let lastNamesBytes: Buffer = Buffer.alloc(0);

function sameNames(names: readonly string[]): boolean {
  const n = names.length;
  if (n !== lastNames.length) return false;
  for (let i = 0; i < n; i++) if (names[i] !== lastNames[i]) return false;
  return true;
}

/** A `Pairs` message (field `tag`): names, then values, in the record's own key order (§3.8, §13.3). */
function pairsMessage(tag: number, p: Params | Extra, cache: boolean): void {
  w.uint32(tag);
  const at = w.fork();
  const names = Object.keys(p);
  if (cache && names.length > 0 && sameNames(names)) {
    w.raw(lastNamesBytes);
  } else {
    const start = w.pos;
    for (const name of names) {
      w.uint32(10);
      w.string(name);
    }
    if (cache) {
      lastNames = names;
      lastNamesBytes = Buffer.from(w.buf.subarray(start, w.pos));
    }
  }
  for (const name of names) {
    w.uint32(18);
    w.string(p[name]!);
  }
  w.ldelim(at);
}

/** An optional `Pairs` message: nothing when the record is absent. */
function optPairs(tag: number, e: Extra | undefined): void {
  if (e != null) pairsMessage(tag, e, false);
}

function reply(r: Reply): void {
  if (r.rsc != null || r.recurring != null) throw BAIL;
  w.uint32(242); // field 30
  const at = w.fork();
  plainInt(8, r.rc);
  optInt(16, r.callId);
  optStr(26, r.op);
  optStr(34, r.clientId);
  optStr(42, r.protocolVersion);
  optInt(48, r.uptime);
  optStr(58, r.nodeStartState);
  optStr(66, r.encoding);
  w.ldelim(at);
}

function execRequest(r: RscExecRequest): void {
  w.uint32(114); // field 14
  const at = w.fork();
  if (r.timeout != null || r.callOptions != null || r.asyncId != null || r.dataExtra != null || r.dataOrigin != null) {
    w.uint32(10);
    const c = w.fork();
    optInt(8, r.timeout);
    optInt(16, r.callOptions);
    optStr(26, r.asyncId);
    optPairs(34, r.dataExtra);
    optStr(42, r.dataOrigin);
    w.ldelim(c);
  }
  optStr(18, r.rscId);
  optStr(26, r.action);
  plainInt(32, r.interval);
  plainInt(40, r.actionTimeout);
  plainInt(48, r.startDelay);
  optStr(58, r.userData);
  pairsMessage(66, r.params, true);
  w.ldelim(at);
}

function execNotify(n: ExecNotify): void {
  w.uint32(322); // field 40
  const at = w.fork();
  plainStr(10, n.rscId);
  plainStr(18, n.action);
  plainInt(24, n.callId);
  plainInt(32, n.interval);
  plainInt(40, n.timeout);
  plainInt(48, n.startDelay);
  plainInt(56, n.execRc);
  plainInt(64, n.opStatus);
  if (n.rscDeleted != null) {
    if (typeof n.rscDeleted !== 'boolean') throw BAIL;
    if (n.rscDeleted) {
      w.uint32(72);
      w.bool(true);
    }
  }
  plainInt(80, n.runTime);
  plainInt(88, n.rcChangeTime);
  plainInt(96, n.execTime);
  plainInt(104, n.queueTime);
  optStr(114, n.userData);
  optStr(122, n.exitReason);
  optStr(130, n.output);
  pairsMessage(138, n.params, true);
  w.ldelim(at);
}

/**
 * The payload of `msg` when it is one of the frequent kinds, else undefined.
 * @throws TypeError when a string field holds something else (as the generated encoder does)
 */
export function fastEncode(msg: Message): Uint8Array | undefined {
  const k = msg.kind;
  if (k === 'request' || k === 'notify') {
    if (msg.op !== 'lrmd_rsc_exec' || 'unknown' in msg) return undefined;
  } else if (k !== 'reply') {
    return undefined;
  }
  w.reset();
  try {
    plainInt(8, msg.msgId);
    optStr(18, msg.origin);
    optPairs(26, msg.extra);
    if (k === 'reply') reply(msg);
    else if (k === 'request') execRequest(msg as RscExecRequest);
    else execNotify(msg as ExecNotify);
  } catch (err) {
    if (err === BAIL) return undefined;
    throw err;
  }
  return w.finish();
}
