/**
 * The in-process API of the proxy (spec/protocol.md §8.12): what custom
 * TypeScript agents and the local bridge use to reach the cluster's
 * attribute manager and CIB from the remote node.
 */
import type { RawXml } from '../../protocol/messages/common.js';
import { buildAttrdQuery, buildAttrdUpdate, checkUpdateReply, parseQueryReply, type AttributeValue } from './attrd.js';
import type { ProxyBody } from './body.js';
import { assertCibOk, CibCallOpt, CibConnection, getPermanentNodeAttribute, setPermanentNodeAttribute, CIB_RC_NO_SUCH } from './cib.js';
import type { IpcProxyEndpoint, OpenSessionOptions, ProxyStatus } from './endpoint.js';
import { ProxyError, ProxyErrorCode } from './errors.js';
import { askNodeName } from './node-name.js';
import type { ProxyRequestOptions, ProxySession } from './session.js';

/** `transient` (until the node reboots: the attribute manager) or `permanent` (the CIB's nodes section). */
export type AttributeLifetime = 'reboot' | 'forever';

/** Time limit and cancellation of one API call. */
export interface CallLimits {
  /** Default the endpoint's request limit (30 000 ms); applies to each exchange. */
  readonly timeoutMs?: number;
  readonly signal?: AbortSignal;
}

/** Options of {@link ProxyApi.setAttribute}. */
export interface SetAttributeOptions extends CallLimits, OpenSessionOptions {
  /** Default `reboot`. */
  readonly lifetime?: AttributeLifetime;
  /**
   * The node's cluster name. Default {@link ProxyApi.nodeName}; for
   * `reboot` it may stay unknown (the provider fills it in, §8.6), for
   * `forever` it is asked of the cluster when unknown (§8.12.1).
   */
  readonly node?: string;
  /** `reboot` only: keep the value out of the CIB (`attr_is_private`). */
  readonly private?: boolean;
}

/** Options of {@link ProxyApi.getAttribute}. */
export interface GetAttributeOptions extends CallLimits, OpenSessionOptions {
  readonly lifetime?: AttributeLifetime;
  /** Default {@link ProxyApi.nodeName}, else asked of the cluster (§8.12.1). */
  readonly node?: string;
}

/** Options of {@link ProxyApi.queryCib}. */
export interface QueryCibOptions extends CallLimits, OpenSessionOptions {
  /**
   * true: ask for the reply as the response (`cib_sync_call`); default
   * false, as `cibadmin -Q`: the reply comes as an event.
   */
  readonly sync?: boolean;
}

/** The proxy as seen by agents and the bridge. */
export interface ProxyApi {
  /**
   * This node's cluster name, when known, used when a call names no node.
   * When it is unknown and a call needs it, the cluster is asked
   * ({@link learnNodeName}).
   */
  nodeName: string | undefined;
  /** The same API with another {@link nodeName}. */
  withNode(nodeName: string | undefined): ProxyApi;
  /** Registered providers, newest first; empty = the cluster is not connected. */
  readonly providers: readonly string[];
  /** Sessions per endpoint and providers. */
  status(): ProxyStatus;
  /** A raw session (see IpcProxyEndpoint.openSession). Throws PROXY_NO_PROVIDER, PROXY_BAD_SERVER, PROXY_CLOSED. */
  openSession(server: string, options?: OpenSessionOptions): ProxySession;
  /** `session.request(body, options)`. */
  request(session: ProxySession, body: ProxyBody, options?: ProxyRequestOptions): Promise<RawXml>;
  /**
   * Set a node attribute: `reboot` as `attrd_updater -U` / `crm_attribute -l reboot`,
   * `forever` as `crm_attribute -l forever`. Rejects with ProxyError.
   */
  setAttribute(name: string, value: string, options?: SetAttributeOptions): Promise<void>;
  /** Remove a `reboot` attribute's value (as `attrd_updater -D`). */
  deleteAttribute(name: string, options?: Omit<SetAttributeOptions, 'lifetime'>): Promise<void>;
  /**
   * This node's name as the cluster knows it, asked as `crm_node -n` asks
   * (§8.12.1); remembered until another provider takes over.
   */
  learnNodeName(options?: CallLimits & OpenSessionOptions): Promise<string>;
  /** One node's value (default this node's); undefined when unset. Rejects with ProxyError. */
  getAttribute(name: string, options?: GetAttributeOptions): Promise<string | undefined>;
  /** Every node's `reboot` value (a query without node, as `attrd_updater -Q -A`); undefined when the attribute does not exist. */
  queryAttribute(name: string, options?: CallLimits & OpenSessionOptions & { readonly node?: string }): Promise<AttributeValue[] | undefined>;
  /**
   * The CIB, or what `xpath` selects, as XML text exactly as relayed
   * (as `cibadmin -Q [--xpath X]`). Rejects with PROXY_REQUEST_FAILED
   * (`rc` -6 when the xpath matches nothing).
   */
  queryCib(xpath?: string, options?: QueryCibOptions): Promise<string>;
}

/** The API over an endpoint. */
export function createProxyApi(endpoint: IpcProxyEndpoint, init: { nodeName?: string } = {}): ProxyApi {
  const api: ProxyApi = {
    nodeName: init.nodeName,
    withNode: (nodeName) => createProxyApi(endpoint, nodeName !== undefined ? { nodeName } : {}),
    get providers() {
      return endpoint.providers;
    },
    status: () => endpoint.status(),
    openSession: (server, options) => endpoint.openSession(server, options),
    request: (session, body, options) => session.request(body, options),

    learnNodeName: (options = {}) => learnNodeName(endpoint, options),

    async setAttribute(name, value, options = {}) {
      const node = options.node ?? api.nodeName;
      if ((options.lifetime ?? 'reboot') === 'forever') {
        const target = node ?? (await learnNodeName(endpoint, options));
        await withCib(endpoint, options, (cib) => setPermanentNodeAttribute(cib, target, name, value, limits(options)));
        return;
      }
      await attrdUpdate(endpoint, { name, value, ...(node !== undefined ? { node } : {}), ...(options.private ? { private: true } : {}) }, options);
    },

    async deleteAttribute(name, options = {}) {
      const node = options.node ?? api.nodeName;
      await attrdUpdate(endpoint, { name, ...(node !== undefined ? { node } : {}) }, options);
    },

    async getAttribute(name, options = {}) {
      const node = options.node ?? api.nodeName ?? (await learnNodeName(endpoint, options));
      if (options.lifetime === 'forever') return withCib(endpoint, options, (cib) => getPermanentNodeAttribute(cib, node, name, limits(options)));
      const values = await attrdQuery(endpoint, name, node, options);
      return values?.find((v) => v.node === node)?.value;
    },

    queryAttribute: (name, options = {}) => attrdQuery(endpoint, name, options.node, options),

    async queryCib(xpath, options = {}) {
      return withCib(endpoint, options, async (cib) => {
        let opts = xpath !== undefined ? CibCallOpt.xpath : 0;
        if (options.sync) opts |= CibCallOpt.syncCall;
        const r = await cib.perform('cib_query', { ...(xpath !== undefined ? { section: xpath } : {}), callOptions: opts }, limits(options));
        assertCibOk(r, xpath !== undefined ? `query of ${xpath}` : 'CIB query');
        if (r.output === undefined) throw new ProxyError(ProxyErrorCode.RequestFailed, 'the CIB answered without data', { rc: CIB_RC_NO_SUCH });
        return r.output;
      });
    },
  };
  return api;
}

/** The learned name per endpoint, with the provider that gave it. */
const learned = new WeakMap<IpcProxyEndpoint, { readonly provider: string; readonly name: string }>();

/**
 * Only answers are remembered, not questions in flight: each caller asks
 * under its own time limit and signal, so one caller's abort or long limit
 * never reaches another (§8.12.1).
 */
async function learnNodeName(endpoint: IpcProxyEndpoint, o: CallLimits & OpenSessionOptions): Promise<string> {
  const provider = endpoint.providers[0];
  const known = learned.get(endpoint);
  if (known !== undefined && known.provider === provider) return known.name;
  const name = await askNodeName(endpoint, { ...limits(o), ...sessionOptions(o) });
  // The question went to `provider` (it exists, else openSession threw); keep the answer while it is the newest.
  if (provider !== undefined && endpoint.providers[0] === provider) learned.set(endpoint, { provider, name });
  return name;
}

function limits(o: CallLimits): CallLimits {
  return { ...(o.timeoutMs !== undefined ? { timeoutMs: o.timeoutMs } : {}), ...(o.signal ? { signal: o.signal } : {}) };
}

function sessionOptions(o: OpenSessionOptions): OpenSessionOptions {
  return { ...(o.user !== undefined ? { user: o.user } : {}), ...(o.pid !== undefined ? { pid: o.pid } : {}) };
}

/** One short session per call, as the command-line tools make one connection per run. */
async function withAttrd<T>(endpoint: IpcProxyEndpoint, o: CallLimits & OpenSessionOptions, body: (s: ProxySession) => Promise<T>): Promise<T> {
  const session = endpoint.openSession('attrd', sessionOptions(o));
  try {
    return await body(session);
  } finally {
    session.close();
  }
}

async function withCib<T>(endpoint: IpcProxyEndpoint, o: CallLimits & OpenSessionOptions, body: (cib: CibConnection) => Promise<T>): Promise<T> {
  const cib = await CibConnection.signOn(endpoint, 'pcmk-remote', { ...limits(o), ...sessionOptions(o) });
  try {
    return await body(cib);
  } finally {
    cib.close();
  }
}

function attrdUpdate(endpoint: IpcProxyEndpoint, u: Parameters<typeof buildAttrdUpdate>[0], o: CallLimits & OpenSessionOptions): Promise<void> {
  const msg = buildAttrdUpdate(u);
  return withAttrd(endpoint, o, async (s) => checkUpdateReply(await s.request(msg, limits(o))));
}

function attrdQuery(endpoint: IpcProxyEndpoint, name: string, node: string | undefined, o: CallLimits & OpenSessionOptions): Promise<AttributeValue[] | undefined> {
  const msg = buildAttrdQuery(name, node);
  return withAttrd(endpoint, o, async (s) => parseQueryReply(await s.request(msg, limits(o))));
}
