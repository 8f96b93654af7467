/**
 * Agent execution for the reference daemon (spec/protocol.md §11): runners
 * per resource class, in-process TypeScript agents, alerts.
 */
export type { AgentAction, AgentResult, AgentRunner, AlertAction, AlertRunner } from './types.js';
export { createAgentRunners, type AgentRunners, type AgentRunnersOptions } from './agent-runners.js';
export {
  InProcessRegistry,
  type DefineOptions,
  type InProcessAgent,
  type InProcessContext,
  type InProcessHandler,
  type InProcessReturn,
} from './in-process.js';
export { AgentError, AgentErrorCode } from './errors.js';
export { createOcfRunner, DEFAULT_OCF_ROOT, type OcfRunnerOptions } from './ocf-runner.js';
export { createLsbRunner, DEFAULT_INIT_DIR, type LsbRunnerOptions } from './lsb-runner.js';
export { createServiceRunner, type ServiceRunnerOptions } from './service-runner.js';
export { createSystemdRunner, type SystemdRunnerOptions } from './systemd-runner.js';
export { createStonithRunner } from './stonith-runner.js';
export { createAlertRunner, describeAlertResult, type AlertRunnerOptions, type RunAs } from './alert-runner.js';
export {
  runProcess,
  DEFAULT_KILL_GRACE_MS,
  DEFAULT_PIPE_DRAIN_MS,
  type ProcessOutcome,
  type ProcessResult,
  type ProcessSpec,
  type ProcessTuning,
} from './process-runner.js';
export { DEFAULT_MAX_OUTPUT_BYTES } from './output-collector.js';
export { EXIT_REASON_PREFIX, parseExitReason } from './exit-reason.js';
export { lsbExitToOcf, ocfExitToOcf } from './result-codes.js';
