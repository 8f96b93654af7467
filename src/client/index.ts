/**
 * The cluster-side client (spec/protocol.md §4–§6).
 */
export { connectClient, resolvePort, type ConnectOptions } from './connect.js';
export { Client, type ClientOptions, type ClientEvents, type CallOptions, type RegisterResourceArgs, type ExecArgs, type AlertExecArgs } from './client.js';
export { Session, DEFAULT_REQUEST_TIMEOUT_MS, type SessionOptions, type SessionEvents, type SessionNotify, type RequestOptions, type OutgoingRequest, type DistributiveOmit } from './session.js';
export { ClientError, ClientErrorCode, PeerError, isClientError, isPeerError, rcName } from './errors.js';
export { ExecResults, DEFAULT_MAX_BUFFERED_RESULTS } from './exec-results.js';
export { NotifyQueue } from './notify-queue.js';
