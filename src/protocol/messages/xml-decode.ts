/**
 * XML element tree → typed message, for both directions of the protocol
 * (spec/protocol.md §3–§8). Unknown operations become `unknown` messages and
 * unknown attributes are kept in `extra` / `dataExtra` (§3.10).
 */
import { Attr, Element, IpcOp, LrmdRc, Op, Root, T_LRMD } from '../constants.js';
import { ErrorCode, ProtocolError } from '../errors.js';
import { unescapeLegacy } from '../xml/legacy.js';
import { serializeXml } from '../xml/serializer.js';
import type { XmlElement, XmlParseOptions } from '../xml/types.js';
import type { Extra, RawXml } from './common.js';
import { AttrReader, emptyRecord, parseInteger } from './fields.js';
import type { IpcProxy } from './ipc-proxy.js';
import type { Message } from './message.js';
import type { Notify, UnknownNotify } from './notify.js';
import { decodeParams } from './params.js';
import type { RecurringEntry, Reply } from './reply.js';
import type { Request, UnknownRequest } from './request.js';

/** Switches of {@link decodeMessage}. */
export interface DecodeMessageOptions {
  /**
   * The peer is Pacemaker 2.1.x (it announced protocol 1.1 or lower): undo its
   * backslash escapes (`\n`, `\r`, `\ooo`) in `lrmd_rsc_output` and
   * `lrmd_rsc_exit_reason` of exec notifications, and nowhere else (§3.11).
   * Off by default.
   */
  readonly legacyEscapes?: boolean;
}

/**
 * Parser option that keeps the one child of `<lrmd_ipc_msg>` (an IPC body,
 * §8.2) as raw XML, so a relay forwards it without a parse.
 */
export const opaqueIpcBodies: NonNullable<XmlParseOptions['opaque']> = (_name, parent) =>
  parent.name === Element.ipcMsg;

/**
 * Map a parsed element tree to a typed message (§3.10 lists what becomes of
 * unknown operations, attributes and children).
 *
 * Integers marked "absent = 0" in the spec read as 0 when missing. A reply
 * without `lrmd_rc` reads as rc -42 (ENOMSG), the value Pacemaker's client
 * library reports for it, so a waiting call fails at once instead of timing out.
 * @throws ProtocolError MESSAGE_UNKNOWN_ROOT for a root outside §3.1;
 *   MESSAGE_BAD_VALUE for a malformed integer (§3.9) or an unknown
 *   `lrmd_ipc_op` (§8.2); MESSAGE_MISSING_FIELD when a required field is
 *   absent (`lrmd_op`, `lrmd_ipc_op`, §4.2 client name, §5.2 resource
 *   definition, §6.1 result fields, §8.2 session and server, §5.7 entry id).
 */
export function decodeMessage(root: XmlElement, options: DecodeMessageOptions = {}): Message {
  switch (root.name) {
    case Root.command:
      return decodeRequest(root);
    case Root.reply:
      return decodeReply(root);
    case Root.notify:
      return decodeNotify(root, options);
    case Root.ipcProxy:
      return decodeIpc(root);
    default:
      throw new ProtocolError(ErrorCode.MessageUnknownRoot, `unknown root element <${root.name}>`);
  }
}

// ---------------------------------------------------------------- helpers
//
// Messages are built field by field in the order of their types, and an
// absent optional field is never added (no undefined keys, no `delete`), so
// V8 keeps them as fast objects.

/** A message under construction. */
type Draft = Record<string, unknown>;

function child(el: XmlElement | undefined, name: string): XmlElement | undefined {
  if (el === undefined) return undefined;
  const children = el.children;
  for (let i = 0; i < children.length; i++) {
    const c = children[i]!;
    if (c.type === 'element' && c.name === name) return c;
  }
  return undefined;
}

function firstElement(el: XmlElement | undefined): XmlElement | undefined {
  if (el === undefined) return undefined;
  const children = el.children;
  for (let i = 0; i < children.length; i++) {
    const c = children[i]!;
    if (c.type === 'element') return c;
  }
  return undefined;
}

/**
 * Starts a message with `kind`, `msgId` and `origin`. Outside
 * `lrmd_ipc_proxy` the root names the kind, so `lrmd_remote_msg_type` is not
 * recorded (§3.2).
 */
function envelope(kind: string, r: AttrReader): Draft {
  r.skip(Attr.remoteMsgType);
  const m: Draft = { kind, msgId: r.int0(Attr.remoteMsgId) };
  const origin = r.str(Attr.origin);
  if (origin !== undefined) m['origin'] = origin;
  return m;
}

// ---------------------------------------------------------------- requests

function decodeRequest(root: XmlElement): Request | UnknownRequest {
  const r = new AttrReader(root);
  const op = r.required(Attr.op);
  // `t` other than "lrmd" stays in extra so it survives a relay; a missing
  // one is kept as extra.t = "" (both mean "not lrmd" to a server, §3.3).
  const t = root.attrs[Attr.t];
  if (t === T_LRMD) r.skip(Attr.t);
  const m = envelope('request', r);
  const timeout = r.int(Attr.timeout);
  const callOptions = r.int(Attr.callOpt);
  const asyncId = r.str(Attr.asyncId);
  if (timeout !== undefined) m['timeout'] = timeout;
  if (callOptions !== undefined) m['callOptions'] = callOptions;
  if (asyncId !== undefined) m['asyncId'] = asyncId;
  m['op'] = op;

  // The data element: the first element inside the first lrmd_calldata (§3.3).
  const data = firstElement(child(root, Element.calldata));
  const d = data === undefined ? undefined : new AttrReader(data);

  switch (op) {
    case Op.register: {
      const clientName = r.required(Attr.clientName);
      const protocolVersion = r.str(Attr.protocolVersion);
      const isIpcProvider = r.bool(Attr.isIpcProvider);
      const encodings = splitList(r.str(Attr.encodings));
      m['clientName'] = clientName;
      if (protocolVersion !== undefined) m['protocolVersion'] = protocolVersion;
      if (isIpcProvider !== undefined) m['isIpcProvider'] = isIpcProvider;
      if (encodings !== undefined) m['encodings'] = encodings;
      break;
    }
    case Op.rscRegister: {
      const standard = need(d, Attr.rscClass, op);
      const rscId = need(d, Attr.rscId, op);
      // §5.2: an ocf resource needs its provider (class compared case-insensitively).
      const provider = standard.toLowerCase() === 'ocf' ? need(d, Attr.rscProvider, op) : d?.str(Attr.rscProvider);
      const agent = need(d, Attr.rscType, op);
      m['rscId'] = rscId;
      m['standard'] = standard;
      if (provider !== undefined) m['provider'] = provider;
      m['agent'] = agent;
      break;
    }
    case Op.rscMetadata: {
      if (d === undefined) break;
      const rscId = d.str(Attr.rscId);
      const standard = d.str(Attr.rscClass);
      const provider = d.str(Attr.rscProvider);
      const agent = d.str(Attr.rscType);
      if (rscId !== undefined) m['rscId'] = rscId;
      if (standard !== undefined) m['standard'] = standard;
      if (provider !== undefined) m['provider'] = provider;
      if (agent !== undefined) m['agent'] = agent;
      break;
    }
    case Op.rscUnregister:
    case Op.rscInfo:
    case Op.getRecurring: {
      const rscId = d?.str(Attr.rscId);
      if (rscId !== undefined) m['rscId'] = rscId;
      break;
    }
    case Op.rscExec: {
      const rscId = d?.str(Attr.rscId);
      const action = d?.str(Attr.rscAction);
      const interval = d === undefined ? 0 : d.int0(Attr.rscInterval);
      const actionTimeout = d === undefined ? 0 : d.int0(Attr.timeout);
      const startDelay = d === undefined ? 0 : d.int0(Attr.rscStartDelay);
      const userData = d?.str(Attr.rscUserData);
      if (rscId !== undefined) m['rscId'] = rscId;
      if (action !== undefined) m['action'] = action;
      m['interval'] = interval;
      m['actionTimeout'] = actionTimeout;
      m['startDelay'] = startDelay;
      if (userData !== undefined) m['userData'] = userData;
      m['params'] = decodeParams(child(data, Element.attributes));
      break;
    }
    case Op.rscCancel: {
      const rscId = d?.str(Attr.rscId);
      const action = d?.str(Attr.rscAction);
      const interval = d === undefined ? 0 : d.int0(Attr.rscInterval);
      if (rscId !== undefined) m['rscId'] = rscId;
      if (action !== undefined) m['action'] = action;
      m['interval'] = interval;
      break;
    }
    case Op.poke:
      break;
    case Op.check: {
      const watchdog = d?.str(Attr.watchdog);
      if (watchdog !== undefined) m['watchdog'] = watchdog;
      break;
    }
    case Op.alertExec: {
      const alertId = d?.str(Attr.alertId);
      const alertPath = d?.str(Attr.alertPath);
      const alertTimeout = d === undefined ? 0 : d.int0(Attr.timeout);
      if (alertId !== undefined) m['alertId'] = alertId;
      if (alertPath !== undefined) m['alertPath'] = alertPath;
      m['alertTimeout'] = alertTimeout;
      m['params'] = decodeParams(child(data, Element.attributes));
      break;
    }
    default:
      m['unknown'] = true;
  }

  let extra = r.rest();
  if (t === undefined) extra = withEmptyT(extra);
  if (extra !== undefined) m['extra'] = extra;
  if (d !== undefined) {
    const dataOrigin = d.str(Attr.origin);
    if (dataOrigin !== undefined) m['dataOrigin'] = dataOrigin;
    const dataExtra = d.rest();
    if (dataExtra !== undefined) m['dataExtra'] = dataExtra;
  }
  return m as unknown as Request | UnknownRequest;
}

function withEmptyT(extra: Extra | undefined): Extra {
  const out = emptyRecord();
  out[Attr.t] = '';
  return Object.assign(out, extra);
}

function need(d: AttrReader | undefined, name: string, op: string): string {
  if (d === undefined) {
    throw new ProtocolError(ErrorCode.MessageMissingField, `${op} request lacks its data element`);
  }
  return d.required(name);
}

/** `pcmk_remote_encodings`: a comma list, blanks dropped (§13.1). */
function splitList(value: string | undefined): string[] | undefined {
  return value?.split(',').map((s) => s.trim()).filter((s) => s !== '');
}

// ---------------------------------------------------------------- replies

function decodeReply(root: XmlElement): Reply {
  const r = new AttrReader(root);
  const m = envelope('reply', r);
  const rc = r.int(Attr.rc);
  m['rc'] = rc ?? LrmdRc.ENOMSG;
  const callId = r.int(Attr.callId);
  if (callId !== undefined) m['callId'] = callId;
  const op = r.str(Attr.op);
  if (op !== undefined) m['op'] = op;
  const clientId = r.str(Attr.clientId);
  if (clientId !== undefined) m['clientId'] = clientId;
  const protocolVersion = r.str(Attr.protocolVersion);
  if (protocolVersion !== undefined) m['protocolVersion'] = protocolVersion;
  const uptime = r.int(Attr.uptime);
  if (uptime !== undefined) m['uptime'] = uptime;
  const nodeStartState = r.str(Attr.nodeStartState);
  if (nodeStartState !== undefined) m['nodeStartState'] = nodeStartState;
  const encoding = r.str(Attr.encodings);
  if (encoding !== undefined) m['encoding'] = encoding;
  // §5.3: the info result sits on the reply element itself.
  if (r.has(Attr.rscId)) {
    const rsc: Draft = { rscId: r.required(Attr.rscId) };
    const standard = r.str(Attr.rscClass);
    if (standard !== undefined) rsc['standard'] = standard;
    const provider = r.str(Attr.rscProvider);
    if (provider !== undefined) rsc['provider'] = provider;
    const agent = r.str(Attr.rscType);
    if (agent !== undefined) rsc['agent'] = agent;
    m['rsc'] = rsc;
  }
  const recurring = decodeRecurring(root);
  if (recurring !== undefined) m['recurring'] = recurring;
  const extra = r.rest();
  if (extra !== undefined) m['extra'] = extra;
  return m as unknown as Reply;
}

/** `lrmd_get_recurring` result (§5.7); no `<lrmd_rsc>` children gives undefined. */
function decodeRecurring(root: XmlElement): RecurringEntry[] | undefined {
  const entries: RecurringEntry[] = [];
  for (const c of root.children) {
    if (c.type !== 'element' || c.name !== Element.rsc) continue;
    const rscId = new AttrReader(c).required(Attr.rscId);
    const ops = [];
    for (const o of c.children) {
      if (o.type !== 'element' || o.name !== Element.rscOp) continue;
      const or = new AttrReader(o);
      ops.push({
        action: or.required(Attr.rscAction),
        interval: or.int0(Attr.rscInterval),
        timeout: or.int0(Attr.timeout),
      });
    }
    entries.push({ rscId, ops });
  }
  return entries.length > 0 ? entries : undefined;
}

// ---------------------------------------------------------------- notifications

function decodeNotify(root: XmlElement, options: DecodeMessageOptions): Notify | UnknownNotify {
  const r = new AttrReader(root);
  const m = envelope('notify', r);
  const op = r.required(Attr.op);
  m['op'] = op;
  switch (op) {
    case Op.rscExec: {
      // §6.1: id, action, call id, rc and status are required; other numbers absent = 0.
      m['rscId'] = r.required(Attr.rscId);
      m['action'] = r.required(Attr.rscAction);
      m['callId'] = parseInteger(r.required(Attr.callId), Attr.callId);
      m['interval'] = r.int0(Attr.rscInterval);
      m['timeout'] = r.int0(Attr.timeout);
      m['startDelay'] = r.int0(Attr.rscStartDelay);
      m['execRc'] = parseInteger(r.required(Attr.execRc), Attr.execRc);
      m['opStatus'] = parseInteger(r.required(Attr.execOpStatus), Attr.execOpStatus);
      m['rscDeleted'] = r.int0(Attr.rscDeleted) !== 0; // an integer flag (§3.9)
      m['runTime'] = r.int0(Attr.runTime);
      m['rcChangeTime'] = r.int0(Attr.rcChangeTime);
      m['execTime'] = r.int0(Attr.execTime);
      m['queueTime'] = r.int0(Attr.queueTime);
      const userData = r.str(Attr.rscUserData);
      if (userData !== undefined) m['userData'] = userData;
      const legacy = options.legacyEscapes === true;
      const exitReason = r.str(Attr.rscExitReason);
      if (exitReason !== undefined) m['exitReason'] = legacy ? unescapeLegacy(exitReason) : exitReason;
      const output = r.str(Attr.rscOutput);
      if (output !== undefined) m['output'] = legacy ? unescapeLegacy(output) : output;
      m['params'] = decodeParams(child(root, Element.attributes));
      break;
    }
    case Op.rscRegister:
    case Op.rscUnregister:
    case Op.poke: {
      m['rc'] = r.int0(Attr.rc);
      const callId = r.int(Attr.callId);
      if (callId !== undefined) m['callId'] = callId;
      const rscId = r.str(Attr.rscId);
      if (rscId !== undefined) m['rscId'] = rscId;
      break;
    }
    case Op.newClient:
      break;
    default:
      m['unknown'] = true;
  }
  const extra = r.rest();
  if (extra !== undefined) m['extra'] = extra;
  return m as unknown as Notify | UnknownNotify;
}

// ---------------------------------------------------------------- IPC proxy

const IPC_OPS: ReadonlySet<string> = new Set(Object.values(IpcOp));

function decodeIpc(root: XmlElement): IpcProxy {
  const r = new AttrReader(root);
  const wireOp = r.required(Attr.ipcOp);
  const ipcOp = wireOp.toLowerCase(); // compared case-insensitively (§8.2)
  if (!IPC_OPS.has(ipcOp)) {
    throw new ProtocolError(ErrorCode.MessageBadValue, `unknown lrmd_ipc_op ${JSON.stringify(wireOp)}`);
  }
  const m: Draft = { kind: 'ipc', ipcOp, msgId: r.int0(Attr.remoteMsgId) };
  const msgType = r.str(Attr.remoteMsgType);
  if (msgType !== undefined) m['msgType'] = msgType;
  const op = r.str(Attr.op);
  if (op !== undefined) m['op'] = op;
  const origin = r.str(Attr.origin);
  if (origin !== undefined) m['origin'] = origin;
  switch (ipcOp) {
    case IpcOp.new: {
      m['session'] = r.required(Attr.ipcSession);
      m['server'] = r.required(Attr.ipcServer);
      break;
    }
    case IpcOp.request: {
      m['session'] = r.required(Attr.ipcSession);
      const client = r.str(Attr.ipcClient);
      if (client !== undefined) m['client'] = client;
      const user = r.str(Attr.ipcUser);
      if (user !== undefined) m['user'] = user;
      m['ipcMsgId'] = r.int0(Attr.ipcMsgId);
      m['ipcMsgFlags'] = r.int0(Attr.ipcMsgFlags);
      ipcBody(m, root);
      break;
    }
    case IpcOp.response:
      m['session'] = r.required(Attr.ipcSession);
      m['ipcMsgId'] = r.int0(Attr.ipcMsgId);
      ipcBody(m, root);
      break;
    case IpcOp.event:
      m['session'] = r.required(Attr.ipcSession);
      ipcBody(m, root);
      break;
    case IpcOp.destroy:
      m['session'] = r.required(Attr.ipcSession);
      break;
    case IpcOp.shutdownReq: {
      const session = r.str(Attr.ipcSession);
      if (session !== undefined) m['session'] = session;
      break;
    }
    default: // shutdown_ack, shutdown_nack
  }
  const extra = r.rest();
  if (extra !== undefined) m['extra'] = extra;
  return m as unknown as IpcProxy;
}

/** Sets `body`: the one element inside `<lrmd_ipc_msg>`, as text (§8.2). */
function ipcBody(m: Draft, root: XmlElement): void {
  for (const c of child(root, Element.ipcMsg)?.children ?? []) {
    if (c.type === 'raw') {
      m['body'] = { xml: c.xml } satisfies RawXml;
      return;
    }
    if (c.type === 'element') {
      m['body'] = { xml: serializeXml(c) } satisfies RawXml;
      return;
    }
  }
}
