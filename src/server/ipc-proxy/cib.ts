/**
 * The CIB through a proxied `cib_rw` session (spec/protocol.md §8.12), with
 * the messages of Pacemaker 2.1.5's own client library (lib/cib/cib_native.c,
 * cib_utils.c `cib_create_op`) as `cibadmin` and `crm_attribute` send them:
 *
 *   sign-on, sent with crm_ipc_client_response (the CIB's answer is relayed
 *   as a `response`):
 *     <cib_command t="cib" cib_op="register" cib_clientname="NAME" cib_callopt="4096"/>
 *     → <cib_common_callback_worker cib_op="register" cib_clientid="TOKEN"/>
 *   an operation (call ids count from 1 per connection):
 *     <cib_command __name__="cib_command" t="cib" cib_async_id="TOKEN" cib_op="OP"
 *         [cib_section="S"] cib_callid="N" cib_callopt="OPTS"><cib_calldata>DATA</cib_calldata></cib_command>
 *     → <cib-reply t="cib" cib_op="OP" cib_callid="N" cib_clientid="…" cib_callopt="OPTS" cib_rc="RC">
 *         <cib_calldata>OUTPUT</cib_calldata></cib-reply>
 *
 * With `cib_sync_call` (0x1000) in the options the request carries
 * crm_ipc_client_response and the reply comes back as the `response`;
 * without it (`cibadmin -Q`'s default) the reply comes back as an `event`
 * and is matched on `cib_callid`.
 */
import type { RawXml } from '../../protocol/messages/common.js';
import type { XmlElement } from '../../protocol/xml/types.js';
import { assertNotNack, el, parseBody } from './body.js';
import type { IpcProxyEndpoint, OpenSessionOptions } from './endpoint.js';
import { ProxyError, ProxyErrorCode } from './errors.js';
import type { ProxyRequestOptions, ProxySession } from './session.js';

/** CIB call option bits used here (Pacemaker's `enum cib_call_options`). */
export const CibCallOpt = {
  xpath: 0x2,
  scopeLocal: 0x100,
  syncCall: 0x1000,
  quorumOverride: 0x100000,
} as const;

/** `cib_rc` of an xpath that matched nothing (-ENXIO). */
export const CIB_RC_NO_SUCH = -6;

/** The answer of one CIB operation. */
export interface CibResult {
  /** `cib_rc`: 0 or a negative errno. */
  readonly rc: number;
  /** The text of the element inside `cib_calldata`, exactly as relayed; absent when there was none. */
  readonly output?: string;
}

/** Options of {@link CibConnection.perform}. */
export interface CibOperation {
  readonly section?: string;
  readonly data?: XmlElement;
  /** `cib_callopt`; {@link CibCallOpt.syncCall} makes it a request/response exchange. */
  readonly callOptions?: number;
}

/** A signed-on CIB connection over one proxied session. */
export class CibConnection {
  readonly session: ProxySession;
  readonly token: string;
  #callId = 0;

  private constructor(session: ProxySession, token: string) {
    this.session = session;
    this.token = token;
  }

  /**
   * Open a `cib_rw` session and sign on as `name` (cib_native's register).
   * Throws/rejects with ProxyError (PROXY_NO_PROVIDER, PROXY_NACK,
   * PROXY_BAD_REPLY, PROXY_TIMEOUT, …); the session is closed on failure.
   */
  static async signOn(endpoint: IpcProxyEndpoint, name: string, options: ProxyRequestOptions & OpenSessionOptions = {}): Promise<CibConnection> {
    const session = endpoint.openSession('cib_rw', options);
    try {
      const hello = el('cib_command', { t: 'cib', cib_op: 'register', cib_clientname: name, cib_callopt: CibCallOpt.syncCall });
      const body = parseBody(await session.request(hello, options));
      assertNotNack(body, 'CIB sign-on');
      const token = body.attrs.cib_clientid;
      if (body.attrs.cib_op !== 'register' || !token) throw new ProxyError(ProxyErrorCode.BadReply, `unexpected answer <${body.name}> to the CIB sign-on`);
      return new CibConnection(session, token);
    } catch (err) {
      session.close();
      throw err;
    }
  }

  /** Run one CIB operation (`cib_query`, `cib_modify`, …); `rc` is not checked here. */
  async perform(op: string, operation: CibOperation = {}, options: Omit<ProxyRequestOptions, 'expectResponse' | 'flags'> = {}): Promise<CibResult> {
    this.#callId = this.#callId >= 0x7fff_ffff ? 1 : this.#callId + 1;
    const callId = this.#callId;
    const callOptions = operation.callOptions ?? 0;
    const msg = el(
      'cib_command',
      {
        __name__: 'cib_command',
        t: 'cib',
        cib_async_id: this.token,
        cib_op: op,
        cib_section: operation.section,
        cib_callid: callId,
        cib_callopt: callOptions,
      },
      operation.data ? [el('cib_calldata', {}, [operation.data])] : [],
    );
    let raw: RawXml;
    if ((callOptions & CibCallOpt.syncCall) !== 0) {
      raw = await this.session.request(msg, options);
    } else {
      const tag = `cib_callid="${callId}"`;
      const answer = this.session.waitForEvent((b) => b.xml.includes(tag) && isReplyTo(parseHead(b), callId), options);
      // An unhandled rejection must not escape if sending fails first.
      answer.catch(() => {});
      await this.session.request(msg, { ...options, expectResponse: false });
      raw = await answer;
    }
    return readReply(raw, op);
  }

  /** End the session (`destroy`, §8.3). */
  close(): void {
    this.session.close();
  }
}

/** The root element of a body without its children (cheap for a 5 MiB CIB). */
function parseHead(b: RawXml): XmlElement {
  return parseBody(b, { opaque: () => true });
}

function isReplyTo(head: XmlElement, callId: number): boolean {
  return head.attrs.t === 'cib' && head.attrs.cib_callid === String(callId);
}

function readReply(raw: RawXml, op: string): CibResult {
  const body = parseBody(raw, { opaque: (_name, parent) => parent.name === 'cib_calldata' });
  assertNotNack(body, op);
  const rc = Number.parseInt(body.attrs.cib_rc ?? '', 10);
  if (body.attrs.t !== 'cib' || !Number.isFinite(rc)) throw new ProxyError(ProxyErrorCode.BadReply, `unexpected answer <${body.name}> to ${op}`);
  let output: string | undefined;
  for (const c of body.children) {
    if (c.type !== 'element' || c.name !== 'cib_calldata') continue;
    const inner = c.children.find((x) => x.type === 'raw');
    if (inner && inner.type === 'raw') output = inner.xml;
  }
  return { rc, ...(output !== undefined ? { output } : {}) };
}

/** Throw PROXY_REQUEST_FAILED for a non-zero `cib_rc`. */
export function assertCibOk(r: CibResult, what: string): CibResult {
  if (r.rc !== 0) throw new ProxyError(ProxyErrorCode.RequestFailed, `${what} failed: cib_rc ${r.rc}`, { rc: r.rc });
  return r;
}

/** XPath quoting for attribute values in the `[@a='v']` form; a value with `'` is refused. */
export function xpathLiteral(v: string): string {
  if (v.includes("'")) throw new ProxyError(ProxyErrorCode.BadArgument, `a name with ' cannot be used: ${v}`);
  return `'${v}'`;
}

/**
 * The permanent attribute update of `crm_attribute -l forever` for a remote
 * node (lib/cib/cib_attrs.c): find the nvpair by xpath, then `cib_modify`
 * the `nodes` section, creating `<node type="remote">` and its
 * `instance_attributes` when the attribute is new.
 */
export async function setPermanentNodeAttribute(
  cib: CibConnection,
  node: string,
  name: string,
  value: string,
  options: Omit<ProxyRequestOptions, 'expectResponse' | 'flags'> = {},
): Promise<void> {
  const xpath = `/cib/configuration/nodes//node[@id=${xpathLiteral(node)}]//instance_attributes//nvpair[@name=${xpathLiteral(name)}]`;
  const found = await cib.perform('cib_query', { section: xpath, callOptions: CibCallOpt.syncCall | CibCallOpt.scopeLocal | CibCallOpt.xpath }, options);
  let data: XmlElement;
  if (found.rc === 0 && found.output !== undefined) {
    const nv = parseBody({ xml: found.output });
    if (nv.name !== 'nvpair' || !nv.attrs.id) throw new ProxyError(ProxyErrorCode.RequestFailed, `attribute ${name} of ${node} is not unique`);
    data = el('nvpair', { id: nv.attrs.id, name, value });
  } else if (found.rc === CIB_RC_NO_SUCH || found.rc === 0) {
    const set = `nodes-${node}`;
    data = el('nodes', {}, [
      el('node', { type: 'remote', id: node, uname: node }, [
        el('instance_attributes', { id: set }, [el('nvpair', { id: sanitizeId(`${set}-${name}`), name, value })]),
      ]),
    ]);
  } else {
    assertCibOk(found, 'attribute lookup');
    /* c8 ignore next */
    return;
  }
  assertCibOk(await cib.perform('cib_modify', { section: 'nodes', data, callOptions: CibCallOpt.syncCall | CibCallOpt.quorumOverride }, options), 'cib_modify');
}

/** The permanent value (nodes section), or undefined. */
export async function getPermanentNodeAttribute(cib: CibConnection, node: string, name: string, options: Omit<ProxyRequestOptions, 'expectResponse' | 'flags'> = {}): Promise<string | undefined> {
  const xpath = `/cib/configuration/nodes//node[@id=${xpathLiteral(node)}]//instance_attributes//nvpair[@name=${xpathLiteral(name)}]`;
  const r = await cib.perform('cib_query', { section: xpath, callOptions: CibCallOpt.syncCall | CibCallOpt.scopeLocal | CibCallOpt.xpath }, options);
  if (r.rc === CIB_RC_NO_SUCH) return undefined;
  assertCibOk(r, 'attribute lookup');
  if (r.output === undefined) return undefined;
  const nv = parseBody({ xml: r.output });
  return nv.name === 'nvpair' ? nv.attrs.value : undefined;
}

/** As Pacemaker's `crm_xml_sanitize_id`: `:` and `#` become `.`. */
export function sanitizeId(id: string): string {
  return id.replace(/[:#]/g, '.');
}
