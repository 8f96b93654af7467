/**
 * The server side: the reference remote daemon and its parts — the TLS
 * listener, the per-connection session, the executor core and the agent
 * runners (spec/protocol.md §4, §5, §11).
 */
export {
  createRemoteDaemon,
  DEFAULT_HANDSHAKE_TIMEOUT_MS,
  DEFAULT_MAX_CLIENTS,
  DEFAULT_MAX_PENDING_HANDSHAKES,
  DEFAULT_SHUTDOWN_WAIT_MS,
  type ShutdownOutcome,
  type AcceptStreamOptions,
  type ConnectionStatus,
  type DaemonLimits,
  type DaemonLogger,
  type DaemonStatus,
  type RemoteDaemon,
  type RemoteDaemonEvents,
  type RemoteDaemonOptions,
} from './daemon.js';
export { TlsListener, remoteOf, type ListenerCredentials, type TlsListenerOptions } from './listener.js';
export * from './session/index.js';
export { Executor, createExecutor, type ErrorSource, type ExecutorOptions, type ExecutorRequest } from './executor/index.js';
export type { ClientSink, Outgoing, ActionRunner, Clock, TimerHandle, ActionState } from './executor/index.js';
/** The executor's alert hook (a function); the agent layer's `AlertRunner` is the object form. */
export type { AlertRunner as ExecutorAlertRunner } from './executor/index.js';
export { ALERT_DRAIN_GRACE_MS, systemClock, ExecutorError, ExecutorErrorCode, isExecutorError, actionKey } from './executor/index.js';
export type { ActionStatus, ClientStatus, ExecutorStatus, ResourceStatus, RunStatus } from './executor/index.js';
export * from './agents/index.js';
export * from './ipc-proxy/index.js';
export * from './bridge/index.js';
