/**
 * Typed message → plain objects shaped for the generated protobuf encoders
 * (spec/protocol.md §13.3). Absent optional fields are left `undefined`,
 * which the generated code skips, so absence survives on the wire.
 */
import { ErrorCode, ProtocolError } from '../errors.js';
import type { Extra, Message, Params } from '../messages/message.js';
import type { IpcProxy } from '../messages/ipc-proxy.js';
import type { Notify, UnknownNotify } from '../messages/notify.js';
import type { Reply } from '../messages/reply.js';
import type { Request, UnknownRequest } from '../messages/request.js';
import type { PbProps } from './pb.js';

type AnyRequest = Request | UnknownRequest;

/** Builds the Envelope properties for `msg`. */
export function toEnvelope(msg: Message): PbProps<'Envelope'> {
  const env: PbProps<'Envelope'> = {
    msgId: msg.msgId,
    origin: msg.origin,
    extra: msg.extra === undefined ? undefined : toPairs(msg.extra),
  };
  switch (msg.kind) {
    case 'request':
      setRequest(env, msg);
      break;
    case 'reply':
      env.reply = toReply(msg);
      break;
    case 'notify':
      setNotify(env, msg);
      break;
    case 'ipc':
      setIpc(env, msg);
      break;
    default:
      throw new ProtocolError(ErrorCode.MessageBadValue, `not a message kind: ${String((msg as { kind: unknown }).kind)}`);
  }
  return env;
}

/** Parallel name and value lists in the object's own key order (§3.8, §3.10, §13.3). */
function toPairs(p: Params | Extra): PbProps<'Pairs'> {
  const names = Object.keys(p);
  const values: string[] = [];
  for (const name of names) values.push(p[name]!);
  return { names, values };
}

/** The lrmd_command fields every request may carry (§3.3); undefined when none is set. */
function toCommon(r: AnyRequest): PbProps<'RequestCommon'> | undefined {
  if (
    r.timeout === undefined &&
    r.callOptions === undefined &&
    r.asyncId === undefined &&
    r.dataExtra === undefined &&
    r.dataOrigin === undefined
  ) {
    return undefined;
  }
  return {
    timeout: r.timeout,
    callOptions: r.callOptions,
    asyncId: r.asyncId,
    dataExtra: r.dataExtra === undefined ? undefined : toPairs(r.dataExtra),
    dataOrigin: r.dataOrigin,
  };
}

function setRequest(env: PbProps<'Envelope'>, r: AnyRequest): void {
  const common = toCommon(r);
  if ('unknown' in r) {
    env.unknownRequest = { common, op: r.op };
    return;
  }
  switch (r.op) {
    case 'register':
      env.register = {
        common,
        clientName: r.clientName,
        protocolVersion: r.protocolVersion,
        isIpcProvider: r.isIpcProvider,
        encodings: r.encodings === undefined ? undefined : { values: r.encodings.slice() },
      };
      break;
    case 'lrmd_rsc_register':
      env.rscRegister = { common, rscId: r.rscId, standard: r.standard, provider: r.provider, agent: r.agent };
      break;
    case 'lrmd_rsc_unregister':
      env.rscUnregister = { common, rscId: r.rscId };
      break;
    case 'lrmd_rsc_info':
      env.rscInfo = { common, rscId: r.rscId };
      break;
    case 'lrmd_rsc_exec':
      env.rscExec = {
        common,
        rscId: r.rscId,
        action: r.action,
        interval: r.interval,
        actionTimeout: r.actionTimeout,
        startDelay: r.startDelay,
        userData: r.userData,
        params: toPairs(r.params),
      };
      break;
    case 'lrmd_rsc_cancel':
      env.rscCancel = { common, rscId: r.rscId, action: r.action, interval: r.interval };
      break;
    case 'lrmd_rsc_metadata':
      env.rscMetadata = { common, rscId: r.rscId, standard: r.standard, provider: r.provider, agent: r.agent };
      break;
    case 'lrmd_get_recurring':
      env.getRecurring = { common, rscId: r.rscId };
      break;
    case 'lrmd_rsc_poke':
      env.poke = { common };
      break;
    case 'lrmd_check':
      env.check = { common, watchdog: r.watchdog };
      break;
    case 'lrmd_alert_exec':
      env.alertExec = {
        common,
        alertId: r.alertId,
        alertPath: r.alertPath,
        alertTimeout: r.alertTimeout,
        params: toPairs(r.params),
      };
      break;
    default:
      // An op the types do not know, without `unknown: true`: sent as what it is.
      env.unknownRequest = { common, op: (r as { op: string }).op };
  }
}

function toReply(r: Reply): PbProps<'Reply'> {
  return {
    rc: r.rc,
    callId: r.callId,
    op: r.op,
    clientId: r.clientId,
    protocolVersion: r.protocolVersion,
    uptime: r.uptime,
    nodeStartState: r.nodeStartState,
    encoding: r.encoding,
    rsc: r.rsc && {
      rscId: r.rsc.rscId,
      standard: r.rsc.standard,
      provider: r.rsc.provider,
      agent: r.rsc.agent,
    },
    recurring: r.recurring && {
      entries: r.recurring.map((e) => ({
        rscId: e.rscId,
        ops: e.ops.map((o) => ({ action: o.action, interval: o.interval, timeout: o.timeout })),
      })),
    },
  };
}

function setNotify(env: PbProps<'Envelope'>, n: Notify | UnknownNotify): void {
  if ('unknown' in n) {
    env.unknownNotify = { op: n.op };
    return;
  }
  switch (n.op) {
    case 'lrmd_rsc_exec':
      env.execNotify = {
        rscId: n.rscId,
        action: n.action,
        callId: n.callId,
        interval: n.interval,
        timeout: n.timeout,
        startDelay: n.startDelay,
        execRc: n.execRc,
        opStatus: n.opStatus,
        rscDeleted: n.rscDeleted,
        runTime: n.runTime,
        rcChangeTime: n.rcChangeTime,
        execTime: n.execTime,
        queueTime: n.queueTime,
        userData: n.userData,
        exitReason: n.exitReason,
        output: n.output,
        params: toPairs(n.params),
      };
      break;
    case 'lrmd_rsc_new_client':
      env.newClientNotify = {};
      break;
    case 'lrmd_rsc_register':
    case 'lrmd_rsc_unregister':
    case 'lrmd_rsc_poke':
      env.genericNotify = { op: n.op, rc: n.rc, callId: n.callId, rscId: n.rscId };
      break;
    default:
      // An op the types do not know, without `unknown: true`: sent as what it is.
      env.unknownNotify = { op: (n as { op: string }).op };
  }
}

function setIpc(env: PbProps<'Envelope'>, m: IpcProxy): void {
  const { msgType, op } = m;
  switch (m.ipcOp) {
    case 'new':
      env.ipcNew = { msgType, op, session: m.session, server: m.server };
      break;
    case 'destroy':
      env.ipcDestroy = { msgType, op, session: m.session };
      break;
    case 'request':
      env.ipcRequest = {
        msgType,
        op,
        session: m.session,
        client: m.client,
        user: m.user,
        ipcMsgId: m.ipcMsgId,
        ipcMsgFlags: m.ipcMsgFlags,
        body: m.body?.xml,
      };
      break;
    case 'response':
      env.ipcResponse = { msgType, op, session: m.session, ipcMsgId: m.ipcMsgId, body: m.body?.xml };
      break;
    case 'event':
      env.ipcEvent = { msgType, op, session: m.session, body: m.body?.xml };
      break;
    case 'shutdown_req':
      env.ipcShutdownReq = { msgType, op, session: m.session };
      break;
    case 'shutdown_ack':
      env.ipcShutdownAck = { msgType, op };
      break;
    case 'shutdown_nack':
      env.ipcShutdownNack = { msgType, op };
      break;
    default:
      throw new ProtocolError(ErrorCode.MessageBadValue, `not an IPC proxy op: ${String((m as { ipcOp: unknown }).ipcOp)}`);
  }
}
