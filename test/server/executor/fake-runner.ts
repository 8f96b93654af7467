// A controllable agent runner: each run is a call the test settles by hand,
// or at once through `auto`.
import { ExecStatus } from '../../../src/protocol/constants.js';
import type { AgentAction, AgentResult } from '../../../src/server/agents/types.js';
import type { ActionRunner } from '../../../src/server/executor/scheduler.js';

export interface RunCall {
  readonly action: AgentAction;
  settled: boolean;
  finish(result?: Partial<AgentResult>): void;
}

export class FakeRunner implements ActionRunner {
  readonly calls: RunCall[] = [];
  /** When set, a run settles at once with its result (unless it returns undefined). */
  auto: ((a: AgentAction) => AgentResult | undefined) | undefined;
  /** Settle a run as cancelled when its signal fires (the runner contract). */
  resolveOnAbort = true;

  run(action: AgentAction): Promise<AgentResult> {
    return new Promise<AgentResult>((resolve) => {
      const call: RunCall = {
        action,
        settled: false,
        finish(result) {
          if (call.settled) return;
          call.settled = true;
          resolve({ rc: 0, status: ExecStatus.done, ...result });
        },
      };
      this.calls.push(call);
      action.signal.addEventListener('abort', () => {
        if (this.resolveOnAbort) call.finish({ rc: 0, status: ExecStatus.cancelled });
      });
      const r = this.auto?.(action);
      if (r) call.finish(r);
    });
  }

  /** Runs not settled yet. */
  get open(): RunCall[] {
    return this.calls.filter((c) => !c.settled);
  }

  /** The last run of a resource (optionally of one action). */
  last(rscId: string, action?: string): RunCall {
    const c = this.calls.filter((x) => x.action.rscId === rscId && (action === undefined || x.action.action === action)).at(-1);
    if (!c) throw new Error(`no run of ${rscId} ${action ?? ''}`);
    return c;
  }
}
