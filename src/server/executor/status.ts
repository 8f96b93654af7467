/**
 * A read-only snapshot of the executor for a status endpoint: clients,
 * resources with their queued and recurring actions, agent runs, uptime.
 */
import type { Action, ActionState, Run } from './action.js';
import type { ClientEntry } from './clients.js';
import type { Resource } from './resource.js';

/** One action as seen in a snapshot. */
export interface ActionStatus {
  readonly action: string;
  readonly interval: number;
  readonly callId: number;
  readonly state: ActionState;
  readonly clientId: string;
  readonly timeout: number;
  readonly startDelay: number;
  readonly userData?: string;
  /** Exit code of the latest result (0 before any). */
  readonly lastRc: number;
}

/** One resource. */
export interface ResourceStatus {
  readonly rscId: string;
  readonly standard: string;
  readonly provider?: string;
  readonly agent: string;
  readonly callOptions: number;
  /** Epoch ms. */
  readonly registeredAt: number;
  /** Waiting to run, head first. */
  readonly queued: readonly ActionStatus[];
  /** Recurring actions that have started at least once. */
  readonly recurring: readonly ActionStatus[];
}

/** One agent run in progress. */
export interface RunStatus {
  readonly rscId: string;
  readonly action: string;
  readonly interval: number;
  readonly callId: number;
  /** Epoch ms. */
  readonly startedAt: number;
  /** Cancelled, waiting for its runner to settle. */
  readonly cancelled: boolean;
  /** The resource was unregistered or replaced meanwhile. */
  readonly rscDeleted: boolean;
}

/** One attached client. */
export interface ClientStatus {
  readonly id: string;
  readonly name?: string;
  /** Epoch ms. */
  readonly attachedAt: number;
}

/** The whole executor. */
export interface ExecutorStatus {
  /** Epoch ms. */
  readonly startedAt: number;
  readonly uptimeMs: number;
  /** The call id handed out last. */
  readonly lastCallId: number;
  readonly clients: readonly ClientStatus[];
  readonly resources: readonly ResourceStatus[];
  readonly runs: readonly RunStatus[];
  readonly alertsInFlight: number;
}

/** Inputs of {@link buildStatus}. */
export interface StatusSources {
  readonly startedAt: number;
  readonly now: number;
  readonly lastCallId: number;
  readonly clients: readonly ClientEntry[];
  readonly resources: Iterable<Resource>;
  readonly runs: readonly Run[];
  readonly alertsInFlight: number;
}

/** Take a snapshot; nothing in it is shared with the live state. */
export function buildStatus(s: StatusSources): ExecutorStatus {
  return {
    startedAt: s.startedAt,
    uptimeMs: Math.max(0, s.now - s.startedAt),
    lastCallId: s.lastCallId,
    clients: s.clients.map((c) => ({
      id: c.id,
      ...(c.name !== undefined ? { name: c.name } : {}),
      attachedAt: c.attachedAt,
    })),
    resources: [...s.resources].map(resourceStatus),
    runs: s.runs.map(runStatus),
    alertsInFlight: s.alertsInFlight,
  };
}

function resourceStatus(r: Resource): ResourceStatus {
  return {
    rscId: r.def.rscId,
    standard: r.def.standard,
    ...(r.def.provider !== undefined ? { provider: r.def.provider } : {}),
    agent: r.def.agent,
    callOptions: r.callOptions,
    registeredAt: r.registeredAt,
    queued: r.queue.map(actionStatus),
    recurring: r.recurring.map(actionStatus),
  };
}

function actionStatus(a: Action): ActionStatus {
  return {
    action: a.action,
    interval: a.interval,
    callId: a.callId,
    state: a.state,
    clientId: a.clientId,
    timeout: a.timeout,
    startDelay: a.startDelay,
    ...(a.userData !== undefined ? { userData: a.userData } : {}),
    lastRc: a.lastRc,
  };
}

function runStatus(r: Run): RunStatus {
  return {
    rscId: r.action.resource.def.rscId,
    action: r.action.action,
    interval: r.action.interval,
    callId: r.action.callId,
    startedAt: r.startedAt,
    cancelled: r.abandoned,
    rscDeleted: r.action.resource.deleted,
  };
}
