/**
 * Typed message → XML element tree (spec/protocol.md §3–§8). Attributes are
 * written in the order Pacemaker 2.1.5 writes them, so our payloads read like
 * captured ones; receivers do not depend on that order (§3.11).
 */
import * as C from '../constants.js';
import type { XmlElement, XmlNode, XmlRawElement } from '../xml/types.js';
import type { Extra, RawXml } from './common.js';
import * as F from './fields.js';
import type { IpcProxy } from './ipc-proxy.js';
import type { Message } from './message.js';
import type { ExecNotify, GenericNotify, Notify, UnknownNotify } from './notify.js';
import * as P from './params.js';
import type { Reply } from './reply.js';
import type { AlertExecRequest, Request, RscExecRequest, UnknownRequest } from './request.js';

// Module-local copies: a transpiled import is read through a getter on every use.
const { Attr, Element, IpcOp, MsgType, Op, Root, T_LRMD } = C;
const { AttrWriter, emptyRecord } = F;
type AttrWriter = F.AttrWriter;
const encodeParams = P.encodeParams;

/** Names the encoder places itself; never copied from `extra` in passing. */
const TRANSPORT: ReadonlySet<string> = new Set([Attr.remoteMsgId, Attr.remoteMsgType]);
const REQUEST_SPECIAL: ReadonlySet<string> = new Set([...TRANSPORT, Attr.t, Attr.legacyName]);

/**
 * Build the element tree of a message.
 *
 * - `extra` / `dataExtra` are written after the modelled attributes; names the
 *   encoder writes itself win over the same names in `extra`.
 * - Requests carry `t="lrmd"` unless `extra.t` says otherwise; `extra.t = ""`
 *   (how a missing `t` decodes) writes no `t` at all (§3.3).
 * - `lrmd_remote_msg_id` and `lrmd_remote_msg_type` come last, as Pacemaker
 *   adds them just before sending (§3.2). The type is `request`, `reply` or
 *   `notify` by kind; for IPC messages see {@link ipcMsgType}.
 * @throws ProtocolError MESSAGE_BAD_VALUE for an empty parameter name (§3.8).
 */
export function encodeMessage(msg: Message): XmlElement {
  switch (msg.kind) {
    case 'request':
      return encodeRequest(msg);
    case 'reply':
      return encodeReply(msg);
    case 'notify':
      return encodeNotify(msg);
    case 'ipc':
      return encodeIpc(msg);
  }
}

function element(name: string, attrs: Record<string, string>, children: XmlNode[] = []): XmlElement {
  return { type: 'element', name, attrs, children };
}

function transport(w: AttrWriter, msgId: number, msgType: string): void {
  w.set(Attr.remoteMsgId, msgId).set(Attr.remoteMsgType, msgType);
}

// ---------------------------------------------------------------- requests

function encodeRequest(msg: Request | UnknownRequest): XmlElement {
  const extra: Extra = msg.extra ?? emptyRecord();
  const w = new AttrWriter();
  // 2.1.5 order: __name__, t, lrmd_async_id, lrmd_op, lrmd_timeout, lrmd_callopt.
  w.set(Attr.legacyName, extra[Attr.legacyName]);
  const t = extra[Attr.t];
  if (t !== '') w.set(Attr.t, t ?? T_LRMD);
  w.set(Attr.asyncId, msg.asyncId)
    .set(Attr.op, msg.op)
    .set(Attr.timeout, msg.timeout)
    .set(Attr.callOpt, msg.callOptions);
  if (!('unknown' in msg) && msg.op === Op.register) {
    w.set(Attr.clientName, msg.clientName)
      .set(Attr.protocolVersion, msg.protocolVersion)
      .bool(Attr.isIpcProvider, msg.isIpcProvider)
      .set(Attr.encodings, msg.encodings?.join(','));
  }
  w.set(Attr.origin, msg.origin).extra(extra, REQUEST_SPECIAL);
  transport(w, msg.msgId, MsgType.request);

  const data = dataElement(msg);
  return element(Root.command, w.attrs, data ? [element(Element.calldata, emptyRecord(), [data])] : []);
}

/** The data element inside `<lrmd_calldata>`, in 2.1.5 attribute order (§5). */
function dataElement(msg: Request | UnknownRequest): XmlElement | undefined {
  const d = new AttrWriter().set(Attr.origin, msg.dataOrigin);
  let name: string = Element.rsc;
  let children: XmlNode[] = [];
  const hasData = msg.dataOrigin !== undefined || msg.dataExtra !== undefined;
  if ('unknown' in msg) {
    if (!hasData) return undefined;
  } else {
    switch (msg.op) {
      case Op.register:
        if (!hasData) return undefined;
        break;
      case Op.rscRegister:
      case Op.rscMetadata:
        d.set(Attr.rscId, msg.rscId)
          .set(Attr.rscClass, msg.standard)
          .set(Attr.rscProvider, msg.provider)
          .set(Attr.rscType, msg.agent);
        break;
      case Op.getRecurring: // sent only with an id (§5.7)
        if (!hasData && msg.rscId === undefined) return undefined;
        d.set(Attr.rscId, msg.rscId);
        break;
      case Op.rscUnregister:
      case Op.rscInfo:
        d.set(Attr.rscId, msg.rscId);
        break;
      case Op.rscExec:
        execData(d, msg);
        children = [encodeParams(msg.params)];
        break;
      case Op.rscCancel:
        d.set(Attr.rscAction, msg.action).set(Attr.rscId, msg.rscId).set(Attr.rscInterval, msg.interval);
        break;
      case Op.poke:
        break;
      case Op.check:
        name = Element.op;
        d.set(Attr.watchdog, msg.watchdog);
        break;
      case Op.alertExec:
        name = Element.alert;
        alertData(d, msg);
        children = [encodeParams(msg.params)];
        break;
    }
  }
  d.extra(msg.dataExtra);
  return element(name, d.attrs, children);
}

function execData(d: AttrWriter, msg: RscExecRequest): void {
  d.set(Attr.rscId, msg.rscId)
    .set(Attr.rscAction, msg.action)
    .set(Attr.rscUserData, msg.userData)
    .set(Attr.rscInterval, msg.interval)
    .set(Attr.timeout, msg.actionTimeout)
    .set(Attr.rscStartDelay, msg.startDelay);
}

function alertData(d: AttrWriter, msg: AlertExecRequest): void {
  d.set(Attr.alertId, msg.alertId).set(Attr.alertPath, msg.alertPath).set(Attr.timeout, msg.alertTimeout);
}

// ---------------------------------------------------------------- replies

function encodeReply(msg: Reply): XmlElement {
  const w = new AttrWriter()
    .set(Attr.origin, msg.origin)
    .set(Attr.rc, msg.rc)
    .set(Attr.callId, msg.callId)
    .set(Attr.op, msg.op)
    .set(Attr.clientId, msg.clientId)
    .set(Attr.protocolVersion, msg.protocolVersion)
    .set(Attr.uptime, msg.uptime)
    .set(Attr.nodeStartState, msg.nodeStartState)
    .set(Attr.encodings, msg.encoding);
  if (msg.rsc) {
    w.set(Attr.rscId, msg.rsc.rscId)
      .set(Attr.rscClass, msg.rsc.standard)
      .set(Attr.rscProvider, msg.rsc.provider)
      .set(Attr.rscType, msg.rsc.agent);
  }
  w.extra(msg.extra, TRANSPORT);
  transport(w, msg.msgId, MsgType.reply);
  const children = (msg.recurring ?? []).map((entry) =>
    element(
      Element.rsc,
      new AttrWriter().set(Attr.rscId, entry.rscId).attrs,
      entry.ops.map((op) =>
        element(
          Element.rscOp,
          new AttrWriter()
            .set(Attr.rscAction, op.action)
            .set(Attr.rscInterval, op.interval)
            .set(Attr.timeout, op.timeout).attrs,
        ),
      ),
    ),
  );
  return element(Root.reply, w.attrs, children);
}

// ---------------------------------------------------------------- notifications

function encodeNotify(msg: Notify | UnknownNotify): XmlElement {
  const w = new AttrWriter().set(Attr.origin, msg.origin);
  let children: XmlNode[] = [];
  if ('unknown' in msg) {
    w.set(Attr.op, msg.op);
  } else if (msg.op === Op.rscExec) {
    execNotify(w, msg);
    // 2.1.5 writes <attributes> whenever the action has a parameter table,
    // which every request carries, so even an empty one is written (§6.1).
    children = [encodeParams(msg.params)];
  } else if (msg.op === Op.newClient) {
    w.set(Attr.op, msg.op);
  } else {
    genericNotify(w, msg);
  }
  w.extra(msg.extra, TRANSPORT);
  transport(w, msg.msgId, MsgType.notify);
  return element(Root.notify, w.attrs, children);
}

function execNotify(w: AttrWriter, msg: ExecNotify): void {
  w.set(Attr.timeout, msg.timeout)
    .set(Attr.rscInterval, msg.interval)
    .set(Attr.rscStartDelay, msg.startDelay)
    .set(Attr.execRc, msg.execRc)
    .set(Attr.execOpStatus, msg.opStatus)
    .set(Attr.callId, msg.callId)
    .set(Attr.rscDeleted, msg.rscDeleted ? 1 : 0)
    .set(Attr.runTime, msg.runTime)
    .set(Attr.rcChangeTime, msg.rcChangeTime)
    .set(Attr.execTime, msg.execTime)
    .set(Attr.queueTime, msg.queueTime)
    .set(Attr.op, msg.op)
    .set(Attr.rscId, msg.rscId)
    .set(Attr.rscAction, msg.action)
    .set(Attr.rscUserData, msg.userData)
    .set(Attr.rscExitReason, msg.exitReason)
    .set(Attr.rscOutput, msg.output);
}

function genericNotify(w: AttrWriter, msg: GenericNotify): void {
  w.set(Attr.rc, msg.rc).set(Attr.callId, msg.callId).set(Attr.op, msg.op).set(Attr.rscId, msg.rscId);
}

// ---------------------------------------------------------------- IPC proxy

const FROM_PROVIDER: ReadonlySet<string> = new Set([
  IpcOp.response,
  IpcOp.event,
  IpcOp.shutdownAck,
  IpcOp.shutdownNack,
]);

/**
 * `lrmd_remote_msg_type` of an IPC message whose `msgType` is unset (§8.3):
 * `request` when `op` is `ipc_fwd` or the operation only flows provider →
 * daemon (response, event, shutdown_ack, shutdown_nack); otherwise `notify`
 * (new, request, shutdown_req, and destroy, which defaults to the daemon's
 * direction; a provider's destroy sets `op: 'ipc_fwd'`).
 */
export function ipcMsgType(msg: IpcProxy): string {
  if (msg.msgType !== undefined) return msg.msgType;
  return msg.op === Op.ipcFwd || FROM_PROVIDER.has(msg.ipcOp) ? MsgType.request : MsgType.notify;
}

function encodeIpc(msg: IpcProxy): XmlElement {
  const msgType = ipcMsgType(msg);
  // A provider → daemon copy travels as an executor request: lrmd_op="ipc_fwd" (§8.2).
  const op = msg.op ?? (msgType === MsgType.request ? Op.ipcFwd : undefined);
  const w = new AttrWriter().set(Attr.ipcOp, msg.ipcOp);
  let body: RawXml | undefined;
  switch (msg.ipcOp) {
    case 'new':
      w.set(Attr.ipcServer, msg.server).set(Attr.ipcSession, msg.session);
      break;
    case 'request':
      w.set(Attr.ipcSession, msg.session)
        .set(Attr.ipcClient, msg.client)
        .set(Attr.ipcUser, msg.user)
        .set(Attr.ipcMsgId, msg.ipcMsgId)
        .set(Attr.ipcMsgFlags, msg.ipcMsgFlags);
      body = msg.body;
      break;
    case 'response':
      w.set(Attr.ipcSession, msg.session).set(Attr.ipcMsgId, msg.ipcMsgId);
      body = msg.body;
      break;
    case 'event':
      w.set(Attr.ipcSession, msg.session);
      body = msg.body;
      break;
    case 'destroy':
    case 'shutdown_req':
      w.set(Attr.ipcSession, msg.session);
      break;
    default: // shutdown_ack, shutdown_nack
  }
  w.set(Attr.origin, msg.origin).set(Attr.op, op).extra(msg.extra, TRANSPORT);
  transport(w, msg.msgId, msgType);
  const children = body ? [element(Element.ipcMsg, emptyRecord(), [rawElement(body)])] : [];
  return element(Root.ipcProxy, w.attrs, children);
}

/** An IPC body as a raw node; its name is read from the start tag. */
function rawElement(body: RawXml): XmlRawElement {
  const m = /^\s*<([^\s/>]+)/.exec(body.xml);
  return { type: 'raw', name: m?.[1] ?? '', xml: body.xml };
}
