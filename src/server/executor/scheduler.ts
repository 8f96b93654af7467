/**
 * When actions run (spec/protocol.md §5.14): one FIFO queue per resource, at
 * most one agent run per resource id, start delays, fixed-delay recurring
 * re-runs, duplicate merging, stop-implies-cancel, cancellation and the
 * destruction of a resource. Everything here is synchronous except the
 * runner's promise; notifications that a request causes are therefore emitted
 * before the caller writes that request's reply (§5.13).
 */
import { ExecStatus, OcfExit } from '../../protocol/constants.js';
import type { ExecNotify } from '../../protocol/messages/notify.js';
import type { AgentAction, AgentResult } from '../agents/types.js';
import type { Action, Run } from './action.js';
import type { Clock } from './clock.js';
import { buildExecNotify, takeNotify, type Outcome } from './exec-notify.js';
import type { Resource } from './resource.js';

/** Runs one action; the executor's view of the agent runners (`AgentRunner.run`). */
export interface ActionRunner {
  run(action: AgentAction): Promise<AgentResult>;
}

/** What the scheduler needs from its owner. */
export interface SchedulerDeps {
  readonly clock: Clock;
  readonly runner: ActionRunner;
  /** The resource currently registered under an id. */
  readonly lookup: (rscId: string) => Resource | undefined;
  /** Every registered resource (for close). */
  readonly resources: () => Iterable<Resource>;
  /** Deliver an exec result; the owner picks the recipients (§6.4). */
  readonly notify: (action: Action, notify: ExecNotify) => void;
}

const seconds = (ms: number): number => Math.floor(ms / 1000);

/** Schedules and runs the actions of every resource. */
export class Scheduler {
  readonly #deps: SchedulerDeps;
  /** The agent run per resource id; a cancelled run stays until its runner settles. */
  readonly #inflight = new Map<string, Run>();
  #closed = false;

  constructor(deps: SchedulerDeps) {
    this.#deps = deps;
  }

  /**
   * True while an agent of this resource id runs and its result is still to
   * be reported (a cancelled run does not count). After a destroy this is
   * the running one-shot action that unregister answers -115 for (§5.4).
   */
  resultPending(rscId: string): boolean {
    const run = this.#inflight.get(rscId);
    return run !== undefined && !run.abandoned;
  }

  /** Agent runs in progress, including cancelled ones not yet settled. */
  runs(): Run[] {
    return [...this.#inflight.values()];
  }

  /**
   * Accept a new action (§5.5): merge it into a duplicate (§5.14.5), or, for
   * `stop`, cancel the resource's recurring actions first (§5.14.6), then
   * queue it and start it if the resource is free.
   */
  schedule(rsc: Resource, a: Action): void {
    if (this.#merge(rsc, a)) return;
    if (a.key === 'stop') this.cancelAllRecurring(rsc);
    a.state = 'queued';
    a.queuedAt = this.#deps.clock.now();
    rsc.queue.push(a);
    if (a.startDelay > 0) {
      a.delayTimer = this.#deps.clock.setTimeout(() => {
        a.delayTimer = undefined;
        this.#kick(rsc);
      }, a.startDelay);
    }
    this.#kick(rsc);
  }

  /**
   * Cancel the action matching (key, interval) (§5.6): a queued one first,
   * then a recurring one. False when none matches (the caller answers -95).
   */
  cancel(rsc: Resource, key: string, interval: number): boolean {
    const match = (x: Action): boolean => x.key === key && x.interval === interval;
    const found = rsc.queue.find(match) ?? (interval > 0 ? rsc.recurring.find(match) : undefined);
    if (!found) return false;
    this.cancelAction(found);
    return true;
  }

  /** Cancel every recurring action of a resource, whoever requested it (§5.14.6, §5.14.9). */
  cancelAllRecurring(rsc: Resource): void {
    // Started ones first, then those still queued, as Pacemaker does.
    for (const x of new Set([...rsc.recurring, ...rsc.queue])) {
      if (x.interval > 0) this.cancelAction(x);
    }
  }

  /**
   * Remove a resource's pending work (§5.4): queued actions and recurring
   * actions are cancelled (notified with `lrmd_rsc_deleted="1"`); a running
   * one-shot action continues and reports as deleted.
   */
  destroy(rsc: Resource): void {
    rsc.deleted = true;
    for (const x of [...rsc.queue]) this.cancelAction(x);
    for (const x of [...rsc.recurring]) this.cancelAction(x);
  }

  /**
   * Finalize an action as cancelled and notify it now (§5.6): rc is the last
   * exit code, or 0 when a running agent is stopped; the runner's later
   * result for that run is dropped.
   */
  cancelAction(a: Action): void {
    const rsc = a.resource;
    const now = this.#deps.clock.now();
    let times = { runTime: 0, execTime: 0, queueTime: 0 };
    switch (a.state) {
      case 'done':
        return;
      case 'queued':
        this.#clearDelay(a);
        remove(rsc.queue, a);
        break;
      case 'idle':
        this.#clearInterval(a);
        break;
      case 'running': {
        const run = a.run;
        a.run = undefined;
        if (run) {
          run.abandoned = true;
          run.controller.abort();
        }
        this.#noteRc(a, OcfExit.ok, now);
        times = this.#reportTimes(a, now);
        break;
      }
    }
    a.state = 'done';
    a.queuedAt = 0;
    a.runStartedAt = 0;
    remove(rsc.recurring, a);
    this.#emit(a, { rc: a.lastRc, status: ExecStatus.cancelled, ...times });
    this.#kick(rsc);
  }

  /** Stop everything: abort runs, clear timers; nothing is notified afterwards. */
  close(): void {
    this.#closed = true;
    for (const run of this.#inflight.values()) {
      run.abandoned = true;
      run.controller.abort();
    }
    for (const rsc of this.#deps.resources()) {
      for (const a of [...rsc.queue, ...rsc.recurring]) {
        this.#clearDelay(a);
        this.#clearInterval(a);
      }
    }
  }

  // ------------------------------------------------------------ internals

  /** Merge into an equal recurring action (§5.14.5). */
  #merge(rsc: Resource, a: Action): boolean {
    if (a.interval === 0) return false;
    const match = (x: Action): boolean => x.interval === a.interval && x.key === a.key;
    const dup = rsc.queue.find(match) ?? rsc.recurring.find(match);
    if (!dup) return false;
    dup.callId = a.callId;
    dup.userData = a.userData;
    dup.firstNotifySent = false;
    if (dup.state === 'idle') {
      this.#clearInterval(dup);
      this.#requeue(dup);
    }
    return true;
  }

  /** Start the head of the queue if the resource id is free and its delay is over. */
  #kick(rsc: Resource): void {
    if (this.#closed || rsc.deleted || this.#inflight.has(rsc.def.rscId)) return;
    const head = rsc.queue[0];
    if (head === undefined || head.delayTimer !== undefined) return;
    rsc.queue.shift();
    this.#start(rsc, head);
  }

  #start(rsc: Resource, a: Action): void {
    const now = this.#deps.clock.now();
    if (!a.started) {
      // Only the first run reports its times (§5.14.4).
      a.started = true;
      a.runStartedAt = now;
      if (a.interval > 0) rsc.recurring.push(a);
    }
    a.state = 'running';
    const run: Run = { action: a, controller: new AbortController(), startedAt: now, abandoned: false };
    a.run = run;
    this.#inflight.set(rsc.def.rscId, run);
    const def = rsc.def;
    const agentAction: AgentAction = {
      rscId: def.rscId,
      standard: def.standard,
      provider: def.provider,
      agent: def.agent,
      action: a.action,
      intervalMs: a.interval,
      timeoutMs: a.timeout,
      params: a.params,
      signal: run.controller.signal,
    };
    let result: Promise<AgentResult>;
    try {
      result = Promise.resolve(this.#deps.runner.run(agentAction));
    } catch (err) {
      result = Promise.reject(err);
    }
    result.then(
      (r) => this.#settle(run, r),
      (err: unknown) => this.#settle(run, failure(err)),
    );
  }

  /** The runner is done with a run. */
  #settle(run: Run, r: AgentResult): void {
    const a = run.action;
    const id = a.resource.def.rscId;
    if (this.#inflight.get(id) === run) this.#inflight.delete(id);
    if (this.#closed) return;
    if (!run.abandoned) this.#complete(a, r);
    // The id may now belong to a newer registration waiting for this run.
    const current = this.#deps.lookup(id);
    if (current) this.#kick(current);
  }

  #complete(a: Action, r: AgentResult): void {
    const now = this.#deps.clock.now();
    const { rc, status, output, exitReason } = normalizeResult(r);
    a.run = undefined;
    this.#noteRc(a, rc, now);
    const times = this.#reportTimes(a, now);
    a.queuedAt = 0;
    a.runStartedAt = 0;
    if (a.interval > 0 && !a.resource.deleted) {
      // Fixed delay: the next run is one interval after this one finished (§5.14.1).
      a.state = 'idle';
      a.intervalTimer = this.#deps.clock.setTimeout(() => {
        a.intervalTimer = undefined;
        this.#requeue(a);
      }, a.interval);
    } else {
      a.state = 'done';
    }
    this.#emit(a, { rc, status, output, exitReason, ...times });
  }

  /** Put an idle recurring action back in the queue for its next run. */
  #requeue(a: Action): void {
    if (this.#closed) return;
    a.state = 'queued';
    a.resource.queue.push(a);
    this.#kick(a.resource);
  }

  #noteRc(a: Action, rc: number, now: number): void {
    if (rc !== a.lastRc) {
      a.lastRc = rc;
      a.rcChangeTime = seconds(now);
    }
  }

  /** Run, exec and queue times of the reported (first) run; zeros otherwise (§6.1). */
  #reportTimes(a: Action, now: number): { runTime: number; execTime: number; queueTime: number } {
    if (a.runStartedAt === 0) return { runTime: 0, execTime: 0, queueTime: 0 };
    return {
      runTime: seconds(a.runStartedAt),
      execTime: Math.max(0, now - a.runStartedAt),
      queueTime: a.queuedAt > 0 ? Math.max(0, a.runStartedAt - a.queuedAt) : 0,
    };
  }

  #emit(a: Action, o: Outcome): void {
    if (takeNotify(a, o.rc, o.status)) this.#deps.notify(a, buildExecNotify(a, o));
  }

  #clearDelay(a: Action): void {
    if (a.delayTimer !== undefined) {
      this.#deps.clock.clearTimeout(a.delayTimer);
      a.delayTimer = undefined;
    }
  }

  #clearInterval(a: Action): void {
    if (a.intervalTimer !== undefined) {
      this.#deps.clock.clearTimeout(a.intervalTimer);
      a.intervalTimer = undefined;
    }
  }
}

function remove<T>(list: T[], item: T): void {
  const i = list.indexOf(item);
  if (i >= 0) list.splice(i, 1);
}

/** Guard against a runner that breaks its contract (§11): a missing code is an error. */
function normalizeResult(r: AgentResult | undefined): AgentResult {
  if (typeof r !== 'object' || r === null) return failure(new Error('no result'));
  return {
    rc: Number.isInteger(r.rc) ? r.rc : OcfExit.unknownError,
    status: Number.isInteger(r.status) ? r.status : ExecStatus.error,
    output: typeof r.output === 'string' ? r.output : undefined,
    exitReason: typeof r.exitReason === 'string' ? r.exitReason : undefined,
  };
}

/** A runner that threw or rejected: reported as an execution error. */
function failure(err: unknown): AgentResult {
  const reason = err instanceof Error ? err.message : String(err);
  return { rc: OcfExit.unknownError, status: ExecStatus.error, exitReason: `Agent runner failed: ${reason}` };
}
