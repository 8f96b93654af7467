// Shared setup of the executor tests: a fake clock and runner, recording
// sinks, one log of everything sent in order, and request builders.
import { CallOpt } from '../../../src/protocol/constants.js';
import type { ExecNotify, GenericNotify } from '../../../src/protocol/messages/notify.js';
import type { Reply } from '../../../src/protocol/messages/reply.js';
import type {
  AlertExecRequest,
  RscCancelRequest,
  RscExecRequest,
  RscRegisterRequest,
} from '../../../src/protocol/messages/request.js';
import type { ClientSink, Outgoing } from '../../../src/server/executor/clients.js';
import { Executor, type ErrorSource, type ExecutorOptions, type ExecutorRequest } from '../../../src/server/executor/executor.js';
import { FakeClock } from './fake-clock.js';
import { FakeRunner } from './fake-runner.js';

export class Recorder implements ClientSink {
  readonly messages: Outgoing[] = [];
  constructor(
    readonly id: string,
    private readonly log: string[],
  ) {}
  send(m: Outgoing): void {
    this.messages.push(m);
    this.log.push(`${this.id} ${describe(m)}`);
  }
  get replies(): Reply[] {
    return this.messages.filter((m): m is Reply => m.kind === 'reply');
  }
  get execs(): ExecNotify[] {
    return this.messages.filter((m): m is ExecNotify => m.kind === 'notify' && m.op === 'lrmd_rsc_exec');
  }
  get generics(): GenericNotify[] {
    return this.messages.filter(
      (m): m is GenericNotify =>
        m.kind === 'notify' && (m.op === 'lrmd_rsc_register' || m.op === 'lrmd_rsc_unregister' || m.op === 'lrmd_rsc_poke'),
    );
  }
  clear(): void {
    this.messages.length = 0;
  }
}

/** One line per message: `reply rc=… call=…`, `exec <rsc> <action>/<interval> call=… rc=… st=…`, `<op> …`. */
export function describe(m: Outgoing): string {
  if (m.kind === 'reply') return `reply rc=${m.rc} call=${m.callId}`;
  if (m.op === 'lrmd_rsc_exec') return `exec ${m.rscId} ${m.action}/${m.interval} call=${m.callId} rc=${m.execRc} st=${m.opStatus}`;
  if (m.op === 'lrmd_rsc_new_client') return 'new_client';
  return `${m.op} ${m.rscId ?? '-'} rc=${m.rc} call=${m.callId}`;
}

/** A request without `kind`, its msg id optional. */
export type RequestBody = ExecutorRequest extends infer T
  ? T extends unknown
    ? Omit<T, 'msgId' | 'kind'> & { msgId?: number }
    : never
  : never;

export interface Harness {
  readonly clock: FakeClock;
  readonly runner: FakeRunner;
  readonly ex: Executor;
  readonly log: string[];
  readonly errors: { error: unknown; source: ErrorSource }[];
  /** Attach a named client with a recorder. */
  client(id: string, name?: string | null): Recorder;
  /** Handle a request (msg ids are numbered automatically). */
  send(clientId: string, req: RequestBody): Reply | undefined;
}

export function setup(options: Partial<ExecutorOptions> = {}): Harness {
  const clock = new FakeClock();
  const runner = new FakeRunner();
  const log: string[] = [];
  const errors: { error: unknown; source: ErrorSource }[] = [];
  const ex = new Executor({ runner, clock, onError: (error, source) => errors.push({ error, source }), ...options });
  let msgId = 0;
  return {
    clock,
    runner,
    ex,
    log,
    errors,
    client(id, name) {
      const r = new Recorder(id, log);
      ex.attachClient(id, name === null ? undefined : (name ?? `name-${id}`), r);
      return r;
    },
    send(clientId, req) {
      return ex.handle(clientId, { kind: 'request', msgId: req.msgId ?? ++msgId, ...req } as ExecutorRequest);
    },
  };
}

export const registerReq = (
  rscId: string,
  over: Partial<RscRegisterRequest> = {},
): Omit<RscRegisterRequest, 'msgId' | 'kind'> => ({
  op: 'lrmd_rsc_register',
  rscId,
  standard: 'ocf',
  provider: 'pacemaker',
  agent: 'Dummy',
  callOptions: CallOpt.dropRecurringCompat,
  ...over,
});

export const execReq = (
  rscId: string,
  action: string,
  over: Partial<RscExecRequest> = {},
): Omit<RscExecRequest, 'msgId' | 'kind'> => ({
  op: 'lrmd_rsc_exec',
  rscId,
  action,
  interval: 0,
  actionTimeout: 20000,
  startDelay: 0,
  callOptions: 0,
  params: { CRM_meta_timeout: '20000', crm_feature_set: '3.16.2' },
  ...over,
});

export const cancelReq = (rscId: string, action: string, interval: number): Omit<RscCancelRequest, 'msgId' | 'kind'> => ({
  op: 'lrmd_rsc_cancel',
  rscId,
  action,
  interval,
  callOptions: 0,
  timeout: 0,
});

export const alertReq = (over: Partial<AlertExecRequest> = {}): Omit<AlertExecRequest, 'msgId' | 'kind'> => ({
  op: 'lrmd_alert_exec',
  alertId: 'a1',
  alertPath: '/bin/true',
  alertTimeout: 30000,
  params: { CRM_alert_kind: 'node' },
  ...over,
});
