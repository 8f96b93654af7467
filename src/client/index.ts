/**
 * The cluster-side client (spec/protocol.md §4–§6).
 */
export { connectClient, createReconnectingClient, resolvePort, type ConnectOptions } from './connect.js';
export { Client, DEFAULT_ENCODINGS, type ClientOptions, type ClientEvents } from './client.js';
export type { CallOptions, RegisterResourceArgs, ExecArgs, AlertExecArgs } from './operation-args.js';
export { ReconnectingClient, type ClientFactory, type ReconnectOptions, type ReconnectInfo, type ReconnectingClientEvents } from './reconnecting-client.js';
export { backoffDelay, DEFAULT_BACKOFF, type BackoffOptions } from './backoff.js';
export { LivenessMonitor, DEFAULT_LIVENESS_INTERVAL_MS, DEFAULT_LIVENESS_TIMEOUT_MS, type LivenessOptions, type LivenessTarget } from './liveness.js';
export {
  Session,
  DEFAULT_REQUEST_TIMEOUT_MS,
  DEFAULT_NOTIFY_HIGH_WATER_MARK,
  type SessionOptions,
  type SessionEvents,
  type SessionNotify,
  type RequestOptions,
  type OutgoingRequest,
  type DistributiveOmit,
} from './session.js';
export { ClientError, ClientErrorCode, PeerError, isClientError, isPeerError, rcName } from './errors.js';
export { ExecResults, DEFAULT_MAX_BUFFERED_RESULTS } from './exec-results.js';
export { NotifyQueue, type NotifyQueueOptions } from './notify-queue.js';
export * from './ipc-provider/index.js';
