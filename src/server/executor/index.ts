/**
 * The executor core of the reference daemon: resources, action queues,
 * replies and notifications, without transport or agent processes
 * (spec/protocol.md §5, §6).
 */
export { Executor, createExecutor, type ErrorSource, type ExecutorOptions, type ExecutorRequest } from './executor.js';
export type { ClientSink, Outgoing } from './clients.js';
export type { ActionRunner } from './scheduler.js';
export { ALERT_DRAIN_GRACE_MS, type AlertRunner } from './alerts.js';
export { systemClock, type Clock, type TimerHandle } from './clock.js';
export { ExecutorError, ExecutorErrorCode, isExecutorError } from './errors.js';
export { actionKey } from './action-key.js';
export type { ActionState } from './action.js';
export type { ActionStatus, ClientStatus, ExecutorStatus, ResourceStatus, RunStatus } from './status.js';
