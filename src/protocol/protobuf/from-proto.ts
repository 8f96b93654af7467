/**
 * Decoded protobuf Envelope → typed message (spec/protocol.md §13.3).
 *
 * An optional typed field is set only when its protobuf field was present.
 * A proto3 field without `optional` always has a value after decoding (the
 * generated class's prototype holds the zero value, the repeated ones an empty
 * array), although the generated types say `| null`; the `!` below rely on that.
 */
import { ErrorCode, ProtocolError } from '../errors.js';
import type { IpcProxy } from '../messages/ipc-proxy.js';
import type { Envelope, Extra, Message } from '../messages/message.js';
import type { ExecNotify, GenericNotify, UnknownNotify } from '../messages/notify.js';
import type { RecurringEntry, Reply, RscDefinition } from '../messages/reply.js';
import type {
  AlertExecRequest,
  GetRecurringRequest,
  Request,
  RscExecRequest,
  RscInfoRequest,
  RscUnregisterRequest,
  UnknownRequest,
} from '../messages/request.js';
import { NullRecord } from '../null-record.js';
import type { PbDecoded, PbProps } from './pb.js';

type Mutable<T> = { -readonly [K in keyof T]: T[K] };
type AnyRequest = Request | UnknownRequest;
type RscIdRequest = RscUnregisterRequest | RscInfoRequest | GetRecurringRequest;
type Ipc<Op extends IpcProxy['ipcOp']> = Mutable<Extract<IpcProxy, { ipcOp: Op }>>;

/** A 64-bit field as decoded: a Long (protobufjs loads the `long` package), or a number without it. */
type Int64 = number | { toNumber(): number };

const GENERIC_OPS: ReadonlySet<string> = new Set(['lrmd_rsc_register', 'lrmd_rsc_unregister', 'lrmd_rsc_poke']);

function num(v: Int64): number {
  return typeof v === 'number' ? v : v.toNumber();
}

/**
 * Parallel name and value lists to a record without inherited keys (as the
 * XML codec builds them), so any name is an own key; a repeated name keeps
 * its first value (§3.8). An absent list is an empty record.
 *
 * @throws ProtocolError PROTOBUF_INVALID when the two lists differ in length (§13.3)
 */
function fromPairs(p: PbProps<'Pairs'> | null | undefined): Record<string, string> {
  const out = new NullRecord();
  if (p == null) return out;
  const names = p.names!;
  const values = p.values!;
  if (names.length !== values.length) {
    throw new ProtocolError(ErrorCode.ProtobufInvalid, `${names.length} names but ${values.length} values`);
  }
  for (let i = 0; i < names.length; i++) {
    const name = names[i]!;
    if (!(name in out)) out[name] = values[i]!;
  }
  return out;
}

function fromExtra(p: PbProps<'Pairs'>): Extra {
  return fromPairs(p);
}

/** Copies the fields every message has (§3.2, §3.10). */
function withEnvelope<T extends Mutable<Envelope>>(m: T, env: PbDecoded<'Envelope'>): T {
  if (env.origin != null) m.origin = env.origin;
  if (env.extra != null) m.extra = fromExtra(env.extra);
  return m;
}

/** Copies the lrmd_command fields shared by every request (§3.3). */
function withCommon<T extends Mutable<AnyRequest>>(m: T, c: PbProps<'RequestCommon'> | null | undefined): T {
  if (c == null) return m;
  if (c.timeout != null) m.timeout = num(c.timeout);
  if (c.callOptions != null) m.callOptions = num(c.callOptions);
  if (c.asyncId != null) m.asyncId = c.asyncId;
  if (c.dataExtra != null) m.dataExtra = fromExtra(c.dataExtra);
  if (c.dataOrigin != null) m.dataOrigin = c.dataOrigin;
  return m;
}

/** Copies `lrmd_remote_msg_type` and `lrmd_op` of an IPC proxy message (§8.2). */
function withRoute<T extends Mutable<IpcProxy>>(m: T, r: { msgType?: string | null; op?: string | null }): T {
  if (r.msgType != null) m.msgType = r.msgType;
  if (r.op != null) m.op = r.op;
  return m;
}

/**
 * Maps a decoded Envelope to the typed message.
 * @throws ProtocolError PROTOBUF_INVALID when no variant is set, or a generic
 *   notification names an operation other than the three it may name (§6.2).
 */
export function fromEnvelope(env: PbDecoded<'Envelope'>): Message {
  const msgId = num(env.msgId!);
  let m: Mutable<Message>;
  switch (env.payload) {
    case 'register':
      m = register(msgId, env.register);
      break;
    case 'rscRegister': {
      const r = env.rscRegister;
      const out: Mutable<Request> = {
        kind: 'request',
        op: 'lrmd_rsc_register',
        msgId,
        rscId: r.rscId!,
        standard: r.standard!,
        agent: r.agent!,
      };
      if (r.provider != null) out.provider = r.provider;
      m = withCommon(out, r.common);
      break;
    }
    case 'rscUnregister':
      m = rscIdRequest('lrmd_rsc_unregister', msgId, env.rscUnregister);
      break;
    case 'rscInfo':
      m = rscIdRequest('lrmd_rsc_info', msgId, env.rscInfo);
      break;
    case 'getRecurring':
      m = rscIdRequest('lrmd_get_recurring', msgId, env.getRecurring);
      break;
    case 'rscExec':
      m = execRequest(msgId, env.rscExec);
      break;
    case 'rscCancel': {
      const r = env.rscCancel;
      const out: Mutable<Request> = { kind: 'request', op: 'lrmd_rsc_cancel', msgId, interval: num(r.interval!) };
      if (r.rscId != null) out.rscId = r.rscId;
      if (r.action != null) out.action = r.action;
      m = withCommon(out, r.common);
      break;
    }
    case 'rscMetadata': {
      const r = env.rscMetadata;
      const out: Mutable<Request> = { kind: 'request', op: 'lrmd_rsc_metadata', msgId };
      if (r.rscId != null) out.rscId = r.rscId;
      if (r.standard != null) out.standard = r.standard;
      if (r.provider != null) out.provider = r.provider;
      if (r.agent != null) out.agent = r.agent;
      m = withCommon(out, r.common);
      break;
    }
    case 'poke':
      m = withCommon({ kind: 'request', op: 'lrmd_rsc_poke', msgId }, env.poke.common);
      break;
    case 'check': {
      const r = env.check;
      const out: Mutable<Request> = { kind: 'request', op: 'lrmd_check', msgId };
      if (r.watchdog != null) out.watchdog = r.watchdog;
      m = withCommon(out, r.common);
      break;
    }
    case 'alertExec':
      m = alertExec(msgId, env.alertExec);
      break;
    case 'unknownRequest': {
      const r = env.unknownRequest;
      const out: Mutable<UnknownRequest> = { kind: 'request', op: r.op!, unknown: true, msgId };
      m = withCommon(out, r.common);
      break;
    }
    case 'reply':
      m = reply(msgId, env.reply);
      break;
    case 'execNotify':
      m = execNotify(msgId, env.execNotify);
      break;
    case 'genericNotify':
      m = genericNotify(msgId, env.genericNotify);
      break;
    case 'newClientNotify':
      m = { kind: 'notify', op: 'lrmd_rsc_new_client', msgId };
      break;
    case 'unknownNotify':
      m = { kind: 'notify', op: env.unknownNotify.op!, unknown: true, msgId } satisfies UnknownNotify;
      break;
    case 'ipcNew': {
      const r = env.ipcNew;
      m = withRoute<Ipc<'new'>>({ kind: 'ipc', ipcOp: 'new', msgId, session: r.session!, server: r.server! }, r);
      break;
    }
    case 'ipcDestroy': {
      const r = env.ipcDestroy;
      m = withRoute<Ipc<'destroy'>>({ kind: 'ipc', ipcOp: 'destroy', msgId, session: r.session! }, r);
      break;
    }
    case 'ipcRequest':
      m = ipcRequest(msgId, env.ipcRequest);
      break;
    case 'ipcResponse': {
      const r = env.ipcResponse;
      const out: Ipc<'response'> = { kind: 'ipc', ipcOp: 'response', msgId, session: r.session!, ipcMsgId: num(r.ipcMsgId!) };
      if (r.body != null) out.body = { xml: r.body };
      m = withRoute(out, r);
      break;
    }
    case 'ipcEvent': {
      const r = env.ipcEvent;
      const out: Ipc<'event'> = { kind: 'ipc', ipcOp: 'event', msgId, session: r.session! };
      if (r.body != null) out.body = { xml: r.body };
      m = withRoute(out, r);
      break;
    }
    case 'ipcShutdownReq': {
      const r = env.ipcShutdownReq;
      const out: Ipc<'shutdown_req'> = { kind: 'ipc', ipcOp: 'shutdown_req', msgId };
      if (r.session != null) out.session = r.session;
      m = withRoute(out, r);
      break;
    }
    case 'ipcShutdownAck':
      m = withRoute<Ipc<'shutdown_ack'>>({ kind: 'ipc', ipcOp: 'shutdown_ack', msgId }, env.ipcShutdownAck);
      break;
    case 'ipcShutdownNack':
      m = withRoute<Ipc<'shutdown_nack'>>({ kind: 'ipc', ipcOp: 'shutdown_nack', msgId }, env.ipcShutdownNack);
      break;
    default:
      throw new ProtocolError(ErrorCode.ProtobufInvalid, 'protobuf envelope carries no message');
  }
  return withEnvelope(m, env);
}

function register(msgId: number, r: PbProps<'RegisterRequest'>): Mutable<Request> {
  const out: Mutable<Request> = { kind: 'request', op: 'register', msgId, clientName: r.clientName! };
  if (r.protocolVersion != null) out.protocolVersion = r.protocolVersion;
  if (r.isIpcProvider != null) out.isIpcProvider = r.isIpcProvider;
  if (r.encodings != null) out.encodings = r.encodings.values!.slice();
  return withCommon(out, r.common);
}

function rscIdRequest(
  op: RscIdRequest['op'],
  msgId: number,
  r: { common?: PbProps<'RequestCommon'> | null; rscId?: string | null },
): Mutable<RscIdRequest> {
  const out: Mutable<RscIdRequest> = { kind: 'request', op, msgId };
  if (r.rscId != null) out.rscId = r.rscId;
  return withCommon(out, r.common);
}

function execRequest(msgId: number, r: PbProps<'RscExecRequest'>): Mutable<RscExecRequest> {
  const out: Mutable<RscExecRequest> = {
    kind: 'request',
    op: 'lrmd_rsc_exec',
    msgId,
    interval: num(r.interval!),
    actionTimeout: num(r.actionTimeout!),
    startDelay: num(r.startDelay!),
    params: fromPairs(r.params),
  };
  if (r.rscId != null) out.rscId = r.rscId;
  if (r.action != null) out.action = r.action;
  if (r.userData != null) out.userData = r.userData;
  return withCommon(out, r.common);
}

function alertExec(msgId: number, r: PbProps<'AlertExecRequest'>): Mutable<AlertExecRequest> {
  const out: Mutable<AlertExecRequest> = {
    kind: 'request',
    op: 'lrmd_alert_exec',
    msgId,
    alertTimeout: num(r.alertTimeout!),
    params: fromPairs(r.params),
  };
  if (r.alertId != null) out.alertId = r.alertId;
  if (r.alertPath != null) out.alertPath = r.alertPath;
  return withCommon(out, r.common);
}

function reply(msgId: number, r: PbProps<'Reply'>): Mutable<Reply> {
  const out: Mutable<Reply> = { kind: 'reply', msgId, rc: num(r.rc!) };
  if (r.callId != null) out.callId = num(r.callId);
  if (r.op != null) out.op = r.op;
  if (r.clientId != null) out.clientId = r.clientId;
  if (r.protocolVersion != null) out.protocolVersion = r.protocolVersion;
  if (r.uptime != null) out.uptime = num(r.uptime);
  if (r.nodeStartState != null) out.nodeStartState = r.nodeStartState;
  if (r.encoding != null) out.encoding = r.encoding;
  if (r.rsc != null) {
    const rsc: Mutable<RscDefinition> = { rscId: r.rsc.rscId! };
    if (r.rsc.standard != null) rsc.standard = r.rsc.standard;
    if (r.rsc.provider != null) rsc.provider = r.rsc.provider;
    if (r.rsc.agent != null) rsc.agent = r.rsc.agent;
    out.rsc = rsc;
  }
  if (r.recurring != null) {
    out.recurring = r.recurring.entries!.map(
      (e): RecurringEntry => ({
        rscId: e.rscId!,
        ops: e.ops!.map((o) => ({ action: o.action!, interval: num(o.interval!), timeout: num(o.timeout!) })),
      }),
    );
  }
  return out;
}

function execNotify(msgId: number, n: PbProps<'ExecNotify'>): Mutable<ExecNotify> {
  const out: Mutable<ExecNotify> = {
    kind: 'notify',
    op: 'lrmd_rsc_exec',
    msgId,
    rscId: n.rscId!,
    action: n.action!,
    callId: num(n.callId!),
    interval: num(n.interval!),
    timeout: num(n.timeout!),
    startDelay: num(n.startDelay!),
    execRc: num(n.execRc!),
    opStatus: num(n.opStatus!),
    rscDeleted: n.rscDeleted!,
    runTime: num(n.runTime!),
    rcChangeTime: num(n.rcChangeTime!),
    execTime: num(n.execTime!),
    queueTime: num(n.queueTime!),
    params: fromPairs(n.params),
  };
  if (n.userData != null) out.userData = n.userData;
  if (n.exitReason != null) out.exitReason = n.exitReason;
  if (n.output != null) out.output = n.output;
  return out;
}

function genericNotify(msgId: number, n: PbProps<'GenericNotify'>): Mutable<GenericNotify> {
  const op = n.op!;
  if (!GENERIC_OPS.has(op)) {
    throw new ProtocolError(ErrorCode.ProtobufInvalid, `generic notification with lrmd_op ${JSON.stringify(op)}`);
  }
  const out: Mutable<GenericNotify> = { kind: 'notify', op: op as GenericNotify['op'], msgId, rc: num(n.rc!) };
  if (n.callId != null) out.callId = num(n.callId);
  if (n.rscId != null) out.rscId = n.rscId;
  return out;
}

function ipcRequest(msgId: number, r: PbProps<'IpcRequest'>): Ipc<'request'> {
  const out: Ipc<'request'> = {
    kind: 'ipc',
    ipcOp: 'request',
    msgId,
    session: r.session!,
    ipcMsgId: num(r.ipcMsgId!),
    ipcMsgFlags: num(r.ipcMsgFlags!),
  };
  if (r.client != null) out.client = r.client;
  if (r.user != null) out.user = r.user;
  if (r.body != null) out.body = { xml: r.body };
  return withRoute(out, r);
}
