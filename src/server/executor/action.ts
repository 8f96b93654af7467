/**
 * One requested action and what the executor remembers about it between runs
 * (spec/protocol.md §5.5, §5.14, §6.1).
 */
import type { Params } from '../../protocol/messages/common.js';
import type { TimerHandle } from './clock.js';
import type { Resource } from './resource.js';

/**
 * `queued`: in the resource's queue; `running`: its agent runs; `idle`: a
 * recurring action between two runs; `done`: finished or cancelled.
 */
export type ActionState = 'queued' | 'running' | 'idle' | 'done';

/** One agent run in progress. */
export interface Run {
  readonly action: Action;
  readonly controller: AbortController;
  /** Epoch ms. */
  readonly startedAt: number;
  /** Cancelled while running: its result is dropped when the runner settles. */
  abandoned: boolean;
}

/** What the request fixed; never changes afterwards (a merge keeps it, §5.14.5). */
export interface ActionRequest {
  readonly clientId: string;
  readonly callOptions: number;
  /** Action name as requested. */
  readonly action: string;
  /** Matching key (`actionKey`). */
  readonly key: string;
  /** ms; 0 = one-shot. */
  readonly interval: number;
  /** Requested action timeout, ms. */
  readonly timeout: number;
  readonly startDelay: number;
  readonly params: Params;
}

/** An action with its mutable state. */
export interface Action extends ActionRequest {
  readonly resource: Resource;
  /** Call id of the latest request for it (a merge replaces it, §3.6). */
  callId: number;
  userData: string | undefined;
  state: ActionState;
  /** Pending start-delay timer; the action cannot start while it is set (§5.14.2). */
  delayTimer: TimerHandle | undefined;
  /** Pending re-run timer of an idle recurring action. */
  intervalTimer: TimerHandle | undefined;
  /** Has started at least once. */
  started: boolean;
  /** The current run, while `running`. */
  run: Run | undefined;
  /** Epoch ms when the action was queued by its request; 0 for re-runs (§5.14.4). */
  queuedAt: number;
  /** Epoch ms when the reported run started; 0 for re-runs. */
  runStartedAt: number;
  /** Exit code of the latest result; 0 before any (§6.1). */
  lastRc: number;
  /** Epoch seconds of the latest exit code change; 0 if none. */
  rcChangeTime: number;
  /** For `notify_changes_only` (§5.14.4). */
  firstNotifySent: boolean;
  lastNotifiedRc: number;
  lastNotifiedStatus: number;
}

/** A fresh, not yet queued action. */
export function createAction(resource: Resource, req: ActionRequest, callId: number, userData?: string): Action {
  return {
    ...req,
    resource,
    callId,
    userData,
    state: 'queued',
    delayTimer: undefined,
    intervalTimer: undefined,
    started: false,
    run: undefined,
    queuedAt: 0,
    runStartedAt: 0,
    lastRc: 0,
    rcChangeTime: 0,
    firstNotifySent: false,
    lastNotifiedRc: 0,
    lastNotifiedStatus: 0,
  };
}
