/**
 * The contract between the executor core and the agent runners
 * (spec/protocol.md §5.14, §11): the core decides when an action runs; a
 * runner only runs one action of one class and reports how it ended.
 */

/** One run of one action, as the core hands it to a runner. */
export interface AgentAction {
  readonly rscId: string;
  /** Resource class: `ocf`, `lsb`, `service`, `systemd`, `stonith`, or a custom one. */
  readonly standard: string;
  readonly provider?: string;
  /** Agent type, e.g. `Dummy`. */
  readonly agent: string;
  /** Action name as requested (`start`, `monitor`, ...). */
  readonly action: string;
  /** ms; 0 for a one-shot action. Runners use it for the environment only. */
  readonly intervalMs: number;
  /** Kill limit in ms; 0 = none. */
  readonly timeoutMs: number;
  /** Parameters as sent (including `CRM_meta_*`), in request order. */
  readonly params: Readonly<Record<string, string>>;
  /** Fires on cancel (status cancelled) or daemon shutdown; the runner stops the agent. */
  readonly signal: AbortSignal;
}

/** How a run ended; runners resolve with this and never reject. */
export interface AgentResult {
  /** OCF exit code (`OcfExit`), after class-specific mapping (LSB, systemd). */
  readonly rc: number;
  /** Execution status (`ExecStatus`): done, timeout, notInstalled, error, cancelled, ... */
  readonly status: number;
  /**
   * What `lrmd_rsc_output` carries (§11.4): the captured stderr when the
   * agent wrote any, else the captured stdout (each capped); absent when both are empty.
   */
  readonly output?: string;
  /** Exit reason (from `ocf-exit-reason:` lines, or the runner's own text). */
  readonly exitReason?: string;
}

/** Runs actions of one resource class. */
export interface AgentRunner {
  /** Classes this runner handles, lower case (`ocf`; `lsb` and `service`; ...). */
  readonly standards: readonly string[];
  run(action: AgentAction): Promise<AgentResult>;
}

/** One alert agent run (§5.10): no notify follows, the result is only logged. */
export interface AlertAction {
  readonly alertId: string;
  readonly path: string;
  readonly timeoutMs: number;
  /** `CRM_alert_*` and other parameters, exported as environment variables. */
  readonly params: Readonly<Record<string, string>>;
  readonly signal: AbortSignal;
}

/** Runs alert agents (§11.7); resolves with the result for the log, never rejects. */
export interface AlertRunner {
  runAlert(alert: AlertAction): Promise<AgentResult>;
}
