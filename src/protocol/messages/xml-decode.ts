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

/** Drop undefined-valued keys, so absent optional fields stay absent. */
function compact<T extends object>(obj: T): T {
  for (const k of Object.keys(obj) as (keyof T)[]) if (obj[k] === undefined) delete obj[k];
  return obj;
}

function child(el: XmlElement | undefined, name: string): XmlElement | undefined {
  for (const c of el?.children ?? []) if (c.type === 'element' && c.name === name) return c;
  return undefined;
}

function firstElement(el: XmlElement | undefined): XmlElement | undefined {
  for (const c of el?.children ?? []) if (c.type === 'element') return c;
  return undefined;
}

/**
 * `msgId` and `origin`. Outside `lrmd_ipc_proxy` the root names the kind, so
 * `lrmd_remote_msg_type` is not recorded (§3.2).
 */
function envelope(r: AttrReader): { msgId: number; origin: string | undefined } {
  r.skip(Attr.remoteMsgType);
  return { msgId: r.int0(Attr.remoteMsgId), origin: r.str(Attr.origin) };
}

// ---------------------------------------------------------------- requests

function decodeRequest(root: XmlElement): Request | UnknownRequest {
  const r = new AttrReader(root);
  const op = r.required(Attr.op);
  // `t` other than "lrmd" stays in extra so it survives a relay; a missing
  // one is kept as extra.t = "" (both mean "not lrmd" to a server, §3.3).
  const t = r.el.attrs[Attr.t];
  if (t === T_LRMD) r.skip(Attr.t);
  const base = {
    kind: 'request' as const,
    ...envelope(r),
    timeout: r.int(Attr.timeout),
    callOptions: r.int(Attr.callOpt),
    asyncId: r.str(Attr.asyncId),
  };

  // The data element: the first element inside the first lrmd_calldata (§3.3).
  const data = firstElement(child(root, Element.calldata));
  const d = data === undefined ? undefined : new AttrReader(data);

  let fields: object;
  switch (op) {
    case Op.register:
      fields = {
        op,
        clientName: r.required(Attr.clientName),
        protocolVersion: r.str(Attr.protocolVersion),
        isIpcProvider: r.bool(Attr.isIpcProvider),
        encodings: splitList(r.str(Attr.encodings)),
      };
      break;
    case Op.rscRegister: {
      const standard = need(d, Attr.rscClass, op);
      fields = {
        op,
        rscId: need(d, Attr.rscId, op),
        standard,
        // §5.2: an ocf resource needs its provider (class compared case-insensitively).
        provider: standard.toLowerCase() === 'ocf' ? need(d, Attr.rscProvider, op) : d?.str(Attr.rscProvider),
        agent: need(d, Attr.rscType, op),
      };
      break;
    }
    case Op.rscMetadata:
      fields = {
        op,
        rscId: d?.str(Attr.rscId),
        standard: d?.str(Attr.rscClass),
        provider: d?.str(Attr.rscProvider),
        agent: d?.str(Attr.rscType),
      };
      break;
    case Op.rscUnregister:
    case Op.rscInfo:
    case Op.getRecurring:
      fields = { op, rscId: d?.str(Attr.rscId) };
      break;
    case Op.rscExec:
      fields = {
        op,
        rscId: d?.str(Attr.rscId),
        action: d?.str(Attr.rscAction),
        interval: d?.int0(Attr.rscInterval) ?? 0,
        actionTimeout: d?.int0(Attr.timeout) ?? 0,
        startDelay: d?.int0(Attr.rscStartDelay) ?? 0,
        userData: d?.str(Attr.rscUserData),
        params: decodeParams(child(data, Element.attributes)),
      };
      break;
    case Op.rscCancel:
      fields = {
        op,
        rscId: d?.str(Attr.rscId),
        action: d?.str(Attr.rscAction),
        interval: d?.int0(Attr.rscInterval) ?? 0,
      };
      break;
    case Op.poke:
      fields = { op };
      break;
    case Op.check:
      fields = { op, watchdog: d?.str(Attr.watchdog) };
      break;
    case Op.alertExec:
      fields = {
        op,
        alertId: d?.str(Attr.alertId),
        alertPath: d?.str(Attr.alertPath),
        alertTimeout: d?.int0(Attr.timeout) ?? 0,
        params: decodeParams(child(data, Element.attributes)),
      };
      break;
    default:
      fields = { op, unknown: true };
  }

  let extra = r.rest();
  if (t === undefined) extra = withEmptyT(extra);
  return compact({
    ...base,
    ...fields,
    extra,
    dataOrigin: d?.str(Attr.origin),
    dataExtra: d?.rest(),
  }) as Request | UnknownRequest;
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
  const env = envelope(r);
  const reply = {
    kind: 'reply' as const,
    ...env,
    rc: r.int(Attr.rc) ?? LrmdRc.ENOMSG,
    callId: r.int(Attr.callId),
    op: r.str(Attr.op),
    clientId: r.str(Attr.clientId),
    protocolVersion: r.str(Attr.protocolVersion),
    uptime: r.int(Attr.uptime),
    nodeStartState: r.str(Attr.nodeStartState),
    encoding: r.str(Attr.encodings),
    // §5.3: the info result sits on the reply element itself.
    rsc: r.has(Attr.rscId)
      ? compact({
          rscId: r.required(Attr.rscId),
          standard: r.str(Attr.rscClass),
          provider: r.str(Attr.rscProvider),
          agent: r.str(Attr.rscType),
        })
      : undefined,
    recurring: decodeRecurring(root),
  };
  return compact({ ...reply, extra: r.rest() });
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
  const env = envelope(r);
  const op = r.required(Attr.op);
  const text = (name: string): string | undefined => {
    const v = r.str(name);
    return v !== undefined && options.legacyEscapes === true ? unescapeLegacy(v) : v;
  };
  let fields: object;
  switch (op) {
    case Op.rscExec: {
      // §6.1: id, action, call id, rc and status are required; other numbers absent = 0.
      fields = {
        rscId: r.required(Attr.rscId),
        action: r.required(Attr.rscAction),
        callId: parseInteger(r.required(Attr.callId), Attr.callId),
        interval: r.int0(Attr.rscInterval),
        timeout: r.int0(Attr.timeout),
        startDelay: r.int0(Attr.rscStartDelay),
        execRc: parseInteger(r.required(Attr.execRc), Attr.execRc),
        opStatus: parseInteger(r.required(Attr.execOpStatus), Attr.execOpStatus),
        rscDeleted: r.int0(Attr.rscDeleted) !== 0, // an integer flag (§3.9)
        runTime: r.int0(Attr.runTime),
        rcChangeTime: r.int0(Attr.rcChangeTime),
        execTime: r.int0(Attr.execTime),
        queueTime: r.int0(Attr.queueTime),
        userData: r.str(Attr.rscUserData),
        exitReason: text(Attr.rscExitReason),
        output: text(Attr.rscOutput),
        params: decodeParams(child(root, Element.attributes)),
      };
      break;
    }
    case Op.rscRegister:
    case Op.rscUnregister:
    case Op.poke:
      fields = { rc: r.int0(Attr.rc), callId: r.int(Attr.callId), rscId: r.str(Attr.rscId) };
      break;
    case Op.newClient:
      fields = {};
      break;
    default:
      fields = { unknown: true };
  }
  return compact({ kind: 'notify' as const, ...env, op, ...fields, extra: r.rest() }) as
    | Notify
    | UnknownNotify;
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
  const base = {
    kind: 'ipc' as const,
    ipcOp,
    msgId: r.int0(Attr.remoteMsgId),
    msgType: r.str(Attr.remoteMsgType),
    op: r.str(Attr.op),
    origin: r.str(Attr.origin),
  };
  let fields: object;
  switch (ipcOp) {
    case IpcOp.new:
      fields = { session: r.required(Attr.ipcSession), server: r.required(Attr.ipcServer) };
      break;
    case IpcOp.request:
      fields = {
        session: r.required(Attr.ipcSession),
        client: r.str(Attr.ipcClient),
        user: r.str(Attr.ipcUser),
        ipcMsgId: r.int0(Attr.ipcMsgId),
        ipcMsgFlags: r.int0(Attr.ipcMsgFlags),
        body: ipcBody(root),
      };
      break;
    case IpcOp.response:
      fields = { session: r.required(Attr.ipcSession), ipcMsgId: r.int0(Attr.ipcMsgId), body: ipcBody(root) };
      break;
    case IpcOp.event:
      fields = { session: r.required(Attr.ipcSession), body: ipcBody(root) };
      break;
    case IpcOp.destroy:
      fields = { session: r.required(Attr.ipcSession) };
      break;
    case IpcOp.shutdownReq:
      fields = { session: r.str(Attr.ipcSession) };
      break;
    default: // shutdown_ack, shutdown_nack
      fields = {};
  }
  return compact({ ...base, ...fields, extra: r.rest() }) as IpcProxy;
}

/** The one element inside `<lrmd_ipc_msg>`, as text (§8.2). */
function ipcBody(root: XmlElement): RawXml | undefined {
  for (const c of child(root, Element.ipcMsg)?.children ?? []) {
    if (c.type === 'raw') return { xml: c.xml };
    if (c.type === 'element') return { xml: serializeXml(c) };
  }
  return undefined;
}
