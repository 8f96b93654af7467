/**
 * The daemon's IPC proxy endpoint and its in-process API (spec/protocol.md
 * §8.11, §8.12): sessions relayed to the cluster through the newest IPC
 * provider, and attribute / CIB helpers built on them.
 */
export { IpcProxyEndpoint, type IpcProxyEndpointOptions, type IpcProxyEndpointEvents, type OpenSessionOptions, type ProviderSend, type ProxyStatus } from './endpoint.js';
export { ProxySession, DEFAULT_PROXY_REQUEST_TIMEOUT_MS, type ProxyRequestOptions, type ProxySessionEvents } from './session.js';
export {
  createProxyApi,
  type ProxyApi,
  type AttributeLifetime,
  type CallLimits,
  type SetAttributeOptions,
  type GetAttributeOptions,
  type QueryCibOptions,
} from './api.js';
export { buildAttrdQuery, buildAttrdUpdate, checkUpdateReply, parseQueryReply, ATTRD_CLIENT_NAME, type AttrdUpdate, type AttributeValue } from './attrd.js';
export { CibConnection, CibCallOpt, CIB_RC_NO_SUCH, type CibOperation, type CibResult } from './cib.js';
export { toRawBody, type ProxyBody } from './body.js';
export { ProxyError, ProxyErrorCode, isProxyError } from './errors.js';
