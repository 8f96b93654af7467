/**
 * The IPC provider role of the cluster-side client (spec/protocol.md §8):
 * serve the Pacemaker tools of a remote node through its daemon.
 */
export {
  createIpcProvider,
  IpcProvider,
  type IpcProviderOptions,
  type IpcProviderEvents,
  type IpcProviderConnection,
} from './provider.js';
export {
  IpcServer,
  IpcFlag,
  type IpcBody,
  type IpcHandler,
  type IpcHandlers,
  type IpcRequest,
  type ProviderSession,
  type SessionCloseReason,
  type ShutdownDecision,
} from './types.js';
export { createPassThroughHandler, createPassThroughHandlers, rewriteProxiedRequest, type ForwardCall, type PassThroughOptions } from './pass-through.js';
export { ackBody, nackBody, parseBody, toRawBody } from './body.js';
export { IpcProviderError, IpcProviderErrorCode, isIpcProviderError } from './errors.js';
export * from './memory/index.js';
