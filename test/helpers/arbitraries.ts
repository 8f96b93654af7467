/**
 * fast-check arbitraries for every typed message (src/protocol/messages).
 *
 * Generated values respect the types and the codec's documented limits, so
 * every one of them must survive encode → decode unchanged, in any encoding:
 * - optional fields are omitted, never `undefined`;
 * - strings hold no NUL and no C0 control other than TAB, LF, CR, and no
 *   U+FFFE/U+FFFF or unpaired surrogates (XML cannot carry them);
 * - `extra` / `dataExtra` keys are XML names that the codec does not model
 *   (a request's `extra` may hold `t` other than "lrmd", and `__name__`);
 * - parameter names are unique and non-empty; most are XML names, some
 *   digit-leading, a few arbitrary text (those travel as `<param>` children);
 * - an `ocf` resource registration has a provider (§5.2);
 * - IPC messages always have `msgType`, and `op` whenever `msgType` is
 *   `request` (the encoder would otherwise fill in defaults);
 * - `recurring` lists are absent or non-empty; `encodings` entries are
 *   non-empty, without commas or surrounding blanks.
 * Records may have a null prototype (fast-check's default); consumers must cope.
 */
import fc from 'fast-check';
import { Attr, IpcOp, Op } from '../../src/protocol/constants.js';
import type {
  AlertExecRequest,
  CheckRequest,
  ExecNotify,
  Extra,
  GenericNotify,
  GetRecurringRequest,
  IpcProxy,
  Message,
  NewClientNotify,
  Notify,
  Params,
  PokeRequest,
  RawXml,
  RegisterRequest,
  Reply,
  Request,
  RscCancelRequest,
  RscExecRequest,
  RscInfoRequest,
  RscMetadataRequest,
  RscRegisterRequest,
  RscUnregisterRequest,
  UnknownNotify,
  UnknownRequest,
} from '../../src/protocol/messages/index.js';
import type { XmlElement, XmlNode } from '../../src/protocol/xml/types.js';
import { treeToXml } from './saxes-tree.js';

// ---------------------------------------------------------------- text

/** One character XML can carry; biased towards ASCII and the characters that need escaping. */
export const arbXmlChar: fc.Arbitrary<string> = fc.oneof(
  { weight: 6, arbitrary: fc.integer({ min: 0x20, max: 0x7e }).map((c) => String.fromCharCode(c)) },
  { weight: 3, arbitrary: fc.constantFrom('&', '<', '>', '"', "'", '\t', '\n', '\r', '\\', ']]>', '--') },
  { weight: 1, arbitrary: fc.integer({ min: 0xa0, max: 0xd7ff }).map((c) => String.fromCharCode(c)) },
  { weight: 1, arbitrary: fc.integer({ min: 0xe000, max: 0xfffd }).map((c) => String.fromCharCode(c)) },
  { weight: 1, arbitrary: fc.integer({ min: 0x10000, max: 0x10ffff }).map((c) => String.fromCodePoint(c)) },
);

/** Any text an attribute value or text node may hold. */
export const arbXmlString = (maxLength = 24): fc.Arbitrary<string> =>
  fc.array(arbXmlChar, { maxLength }).map((a) => a.join(''));

/** A short identifier-like string (ids, names, actions). */
export const arbToken: fc.Arbitrary<string> = fc.stringMatching(/^[A-Za-z0-9_.:-]{1,16}$/);

/** An XML name without ':' (attribute and element names). */
export const arbXmlName: fc.Arbitrary<string> = fc
  .tuple(
    fc.stringMatching(/^[A-Za-z_]$/),
    fc.stringMatching(/^[A-Za-z0-9_.-]{0,12}$/),
    fc.constantFrom('', '', '', 'é', 'ü_x', '\u4e2d'),
  )
  .map(([a, b, c]) => a + b + c)
  .filter((n) => n !== '__proto__' && !n.toLowerCase().startsWith('xml'));

/** Every attribute name the codec models; `extra` never uses these. */
export const RESERVED_NAMES: ReadonlySet<string> = new Set<string>([...Object.values(Attr), 'xmlns']);

const arbExtraName = arbXmlName.filter((n) => !RESERVED_NAMES.has(n));

/** Kept unknown attributes. */
export const arbExtra: fc.Arbitrary<Extra> = fc
  .uniqueArray(fc.tuple(arbExtraName, arbXmlString()), { minLength: 1, maxLength: 4, selector: (e) => e[0] })
  .map((entries) => Object.fromEntries(entries));

/** `extra` of a request: unknown names plus, sometimes, `t` and `__name__`. */
const arbRequestExtra: fc.Arbitrary<Extra> = fc
  .record(
    {
      t: fc.oneof(fc.constant(''), arbToken.filter((s) => s !== 'lrmd')),
      __name__: fc.constant('lrmd_command'),
      rest: arbExtra,
    },
    { requiredKeys: [] },
  )
  .filter((r) => Object.keys(r).length > 0)
  .map(({ rest, ...special }) => ({ ...special, ...rest }));

// ---------------------------------------------------------------- numbers

const int32 = fc.integer({ min: -0x8000_0000, max: 0x7fff_ffff });
const uint31 = fc.integer({ min: 0, max: 0x7fff_ffff });
const safe = fc.maxSafeInteger();

// ---------------------------------------------------------------- params

/** A parameter name: mostly XML names, some digit-leading, a few arbitrary text. */
export const arbParamName: fc.Arbitrary<string> = fc
  .oneof(
    { weight: 6, arbitrary: arbXmlName },
    { weight: 2, arbitrary: fc.tuple(fc.stringMatching(/^[0-9]$/), arbToken).map(([d, s]) => d + s) },
    { weight: 1, arbitrary: fc.stringMatching(/^[0-9]{1,3}$/) },
    { weight: 1, arbitrary: arbXmlString(10) },
  )
  .filter((n) => n !== '' && n !== '__proto__');

/** A parameter map with unique names. */
export const arbParams: fc.Arbitrary<Params> = fc
  .uniqueArray(fc.tuple(arbParamName, arbXmlString()), { maxLength: 8, selector: (e) => e[0] })
  .map((entries) => Object.fromEntries(entries));

// ---------------------------------------------------------------- requests

const requestBase = {
  msgId: uint31,
  origin: arbXmlString(),
  extra: arbRequestExtra,
  timeout: int32,
  callOptions: fc.integer({ min: 0, max: 7 }),
  asyncId: fc.uuid(),
  dataExtra: arbExtra,
  dataOrigin: arbToken,
};
const BASE_KEYS = ['kind', 'op', 'msgId'] as const;

/** A request of one operation: the shared optional fields plus `model`. */
function request<T extends object>(
  op: string,
  model: { [K in keyof T]?: fc.Arbitrary<T[K]> },
  required: (keyof T & string)[] = [],
): fc.Arbitrary<T> {
  return fc.record(
    { kind: fc.constant('request'), op: fc.constant(op), ...requestBase, ...model },
    { requiredKeys: [...BASE_KEYS, ...required] as never },
  ) as unknown as fc.Arbitrary<T>;
}

const str = arbXmlString();

export const arbRegisterRequest = request<RegisterRequest>(
  Op.register,
  {
    clientName: str,
    protocolVersion: fc.constantFrom('1.0', '1.1', '1.2', '2.0'),
    isIpcProvider: fc.boolean(),
    encodings: fc.array(fc.stringMatching(/^[a-z0-9][a-z0-9+_-]{0,8}$/), { maxLength: 3 }),
  },
  ['clientName'],
);
export const arbRscRegisterRequest = request<RscRegisterRequest>(
  Op.rscRegister,
  { rscId: str, standard: fc.oneof(fc.constantFrom('ocf', 'OCF', 'lsb', 'systemd'), str), provider: str, agent: str },
  ['rscId', 'standard', 'agent'],
).filter((m) => m.standard.toLowerCase() !== 'ocf' || m.provider !== undefined);
export const arbRscUnregisterRequest = request<RscUnregisterRequest>(Op.rscUnregister, { rscId: str });
export const arbRscInfoRequest = request<RscInfoRequest>(Op.rscInfo, { rscId: str });
export const arbRscExecRequest = request<RscExecRequest>(
  Op.rscExec,
  {
    rscId: str,
    action: str,
    interval: uint31,
    actionTimeout: int32,
    startDelay: int32,
    userData: str,
    params: arbParams,
  },
  ['interval', 'actionTimeout', 'startDelay', 'params'],
);
export const arbRscCancelRequest = request<RscCancelRequest>(
  Op.rscCancel,
  { rscId: str, action: str, interval: uint31 },
  ['interval'],
);
export const arbRscMetadataRequest = request<RscMetadataRequest>(
  Op.rscMetadata,
  { rscId: str, standard: str, provider: str, agent: str },
);
export const arbGetRecurringRequest = request<GetRecurringRequest>(Op.getRecurring, { rscId: str });
export const arbPokeRequest = request<PokeRequest>(Op.poke, {});
export const arbCheckRequest = request<CheckRequest>(Op.check, { watchdog: str });
export const arbAlertExecRequest = request<AlertExecRequest>(
  Op.alertExec,
  { alertId: str, alertPath: str, alertTimeout: int32, params: arbParams },
  ['alertTimeout', 'params'],
);

const KNOWN_REQUEST_OPS: ReadonlySet<string> = new Set(Object.values(Op).filter((o) => o !== Op.newClient));

export const arbUnknownRequest: fc.Arbitrary<UnknownRequest> = fc
  .tuple(arbToken.filter((o) => !KNOWN_REQUEST_OPS.has(o)), request<object>('', {}))
  .map(([op, base]) => ({ ...base, op, unknown: true }) as unknown as UnknownRequest);

/** Any `lrmd_command`. */
export const arbRequest: fc.Arbitrary<Request | UnknownRequest> = fc.oneof(
  arbRegisterRequest,
  arbRscRegisterRequest,
  arbRscUnregisterRequest,
  arbRscInfoRequest,
  arbRscExecRequest,
  arbRscCancelRequest,
  arbRscMetadataRequest,
  arbGetRecurringRequest,
  arbPokeRequest,
  arbCheckRequest,
  arbAlertExecRequest,
  arbUnknownRequest,
);

// ---------------------------------------------------------------- replies

export const arbReply: fc.Arbitrary<Reply> = fc.record(
  {
    kind: fc.constant('reply' as const),
    msgId: uint31,
    origin: str,
    extra: arbExtra,
    rc: int32,
    callId: int32,
    op: str,
    clientId: fc.uuid(),
    protocolVersion: fc.constantFrom('1.0', '1.1', '1.2'),
    uptime: safe,
    nodeStartState: str,
    encoding: fc.constantFrom('xml', 'protobuf'),
    rsc: fc.record({ rscId: str, standard: str, provider: str, agent: str }, { requiredKeys: ['rscId'] }),
    recurring: fc.array(
      fc.record({
        rscId: str,
        ops: fc.array(fc.record({ action: str, interval: uint31, timeout: int32 }), { maxLength: 3 }),
      }),
      { minLength: 1, maxLength: 3 },
    ),
  },
  { requiredKeys: ['kind', 'msgId', 'rc'] },
);

// ---------------------------------------------------------------- notifications

const notifyBase = { msgId: uint31, origin: str, extra: arbExtra };

export const arbExecNotify: fc.Arbitrary<ExecNotify> = fc.record(
  {
    kind: fc.constant('notify' as const),
    op: fc.constant(Op.rscExec),
    ...notifyBase,
    rscId: str,
    action: str,
    callId: int32,
    interval: uint31,
    timeout: int32,
    startDelay: int32,
    execRc: int32,
    opStatus: fc.integer({ min: -2, max: 11 }),
    rscDeleted: fc.boolean(),
    runTime: safe,
    rcChangeTime: safe,
    execTime: int32,
    queueTime: int32,
    userData: str,
    exitReason: str,
    output: arbXmlString(80),
    params: arbParams,
  },
  {
    requiredKeys: [
      'kind', 'op', 'msgId', 'rscId', 'action', 'callId', 'interval', 'timeout', 'startDelay', 'execRc',
      'opStatus', 'rscDeleted', 'runTime', 'rcChangeTime', 'execTime', 'queueTime', 'params',
    ],
  },
);

export const arbGenericNotify: fc.Arbitrary<GenericNotify> = fc.record(
  {
    kind: fc.constant('notify' as const),
    op: fc.constantFrom(Op.rscRegister, Op.rscUnregister, Op.poke),
    ...notifyBase,
    rc: int32,
    callId: int32,
    rscId: str,
  },
  { requiredKeys: ['kind', 'op', 'msgId', 'rc'] },
);

export const arbNewClientNotify: fc.Arbitrary<NewClientNotify> = fc.record(
  { kind: fc.constant('notify' as const), op: fc.constant(Op.newClient), ...notifyBase },
  { requiredKeys: ['kind', 'op', 'msgId'] },
);

const KNOWN_NOTIFY_OPS: ReadonlySet<string> = new Set([Op.rscExec, Op.rscRegister, Op.rscUnregister, Op.poke, Op.newClient]);

export const arbUnknownNotify: fc.Arbitrary<UnknownNotify> = fc.record(
  {
    kind: fc.constant('notify' as const),
    op: arbToken.filter((o) => !KNOWN_NOTIFY_OPS.has(o)),
    unknown: fc.constant(true as const),
    ...notifyBase,
  },
  { requiredKeys: ['kind', 'op', 'unknown', 'msgId'] },
);

/** Any `lrmd_notify`. */
export const arbNotify: fc.Arbitrary<Notify | UnknownNotify> = fc.oneof(
  arbExecNotify,
  arbGenericNotify,
  arbNewClientNotify,
  arbUnknownNotify,
);

// ---------------------------------------------------------------- IPC proxy

/** Remove every `]]>` (repeatedly: removing one can form another). */
function noCdataEnd(s: string): string {
  while (s.includes(']]>')) s = s.replaceAll(']]>', ']>');
  return s;
}

/** A small XML element tree (an IPC body before serialization). */
export const arbXmlElement: fc.Arbitrary<XmlElement> = fc.letrec<{ el: XmlElement; node: XmlNode }>((tie) => ({
  el: fc.record({
    type: fc.constant('element' as const),
    name: arbXmlName,
    attrs: fc
      .uniqueArray(fc.tuple(arbXmlName, arbXmlString(12)), { maxLength: 3, selector: (e) => e[0] })
      .map((entries) => Object.assign(Object.create(null) as Record<string, string>, Object.fromEntries(entries))),
    children: fc.array(tie('node'), { maxLength: 3, depthIdentifier: 'body' }),
  }),
  node: fc.oneof(
    { depthSize: 'small', maxDepth: 3, depthIdentifier: 'body', withCrossShrink: true },
    // the first choice is the base case fast-check falls back to at depth
    fc.record({ type: fc.constant('text' as const), text: arbXmlString(12).filter((s) => s.trim() !== '') }),
    tie('el'),
    fc.record({ type: fc.constant('cdata' as const), text: arbXmlString(12).map(noCdataEnd) }),
    fc.record({
      type: fc.constant('comment' as const),
      // Legal comment text: no "--", no trailing "-" (a leading ">" or "->" is fine).
      text: fc
        .tuple(fc.constantFrom('', '>', '->'), arbXmlString(12))
        .map(([lead, s]) => (lead + s).replace(/-+/g, '-').replace(/-$/, '_')),
    }),
  ),
})).el;

/** An IPC body: one element as XML text. */
export const arbRawXml: fc.Arbitrary<RawXml> = arbXmlElement.map((el) => ({ xml: treeToXml(el) }));

/** `msgType` and `op` pairs the encoder keeps as they are. */
const arbIpcRoute: fc.Arbitrary<{ msgType: string; op?: string }> = fc.oneof(
  fc.constant({ msgType: 'notify' }),
  fc.constant({ msgType: 'request', op: 'ipc_fwd' }),
  fc.record({ msgType: fc.constant('request'), op: arbToken }),
  fc.record({ msgType: arbToken.filter((s) => s !== 'request'), op: arbToken }, { requiredKeys: ['msgType'] }),
);

const session = fc.oneof(fc.uuid(), str);

function ipc(ipcOp: string, model: Record<string, fc.Arbitrary<unknown>>, required: string[]): fc.Arbitrary<IpcProxy> {
  return fc
    .tuple(
      arbIpcRoute,
      fc.record(
        { kind: fc.constant('ipc'), ipcOp: fc.constant(ipcOp), msgId: uint31, origin: str, extra: arbExtra, ...model },
        { requiredKeys: ['kind', 'ipcOp', 'msgId', ...required] as never },
      ),
    )
    .map(([route, m]) => ({ ...m, ...route }) as unknown as IpcProxy);
}

export const arbIpcProxy: fc.Arbitrary<IpcProxy> = fc.oneof(
  ipc(IpcOp.new, { session, server: str }, ['session', 'server']),
  ipc(IpcOp.destroy, { session }, ['session']),
  ipc(
    IpcOp.request,
    { session, client: str, user: str, ipcMsgId: int32, ipcMsgFlags: uint31, body: arbRawXml },
    ['session', 'ipcMsgId', 'ipcMsgFlags'],
  ),
  ipc(IpcOp.response, { session, ipcMsgId: int32, body: arbRawXml }, ['session', 'ipcMsgId']),
  ipc(IpcOp.event, { session, body: arbRawXml }, ['session']),
  ipc(IpcOp.shutdownReq, { session }, []),
  ipc(IpcOp.shutdownAck, {}, []),
  ipc(IpcOp.shutdownNack, {}, []),
);

// ---------------------------------------------------------------- all

/** Any message of the protocol. */
export const arbMessage: fc.Arbitrary<Message> = fc.oneof(
  { weight: 4, arbitrary: arbRequest },
  { weight: 1, arbitrary: arbReply },
  { weight: 2, arbitrary: arbNotify },
  { weight: 3, arbitrary: arbIpcProxy },
);
