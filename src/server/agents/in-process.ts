/**
 * Agents written in TypeScript that run inside the daemon (spec/protocol.md
 * §11.10). An agent is an object with one method per action; each gets the
 * parameters and an AbortSignal and returns an OCF code or
 * `{ rc, output, exitReason }`. Timeouts and cancellation abort that signal;
 * a thrown error becomes rc 1 with status error.
 */
import type { ProxyApi } from '../ipc-proxy/api.js';
import { ExecStatus, OcfExit } from '../../protocol/constants.js';
import { AgentError, AgentErrorCode } from './errors.js';
import { clampReason } from './exit-reason.js';
import { CANCELLED } from './process-result.js';
import { readableInterval } from './readable-interval.js';
import { ocfExitToOcf } from './result-codes.js';
import type { AgentAction, AgentResult, AgentRunner } from './types.js';

/** What an action method receives. */
export interface InProcessContext {
  readonly rscId: string;
  /** Action name as requested. */
  readonly action: string;
  /** Parameters as sent, `CRM_meta_*` included, without any prefix. */
  readonly params: Readonly<Record<string, string>>;
  readonly intervalMs: number;
  readonly timeoutMs: number;
  /** Aborted on timeout, cancel or shutdown: stop work and return. */
  readonly signal: AbortSignal;
  /**
   * The daemon's IPC proxy (§8.12): node attributes and the CIB of the
   * cluster. Absent when the registry runs outside a daemon. Its
   * `nodeName` is preset from `CRM_meta_on_node` when the action carries it.
   */
  readonly proxy?: ProxyApi;
}

/** What an action method may return: an OCF code, or a code with output and exit reason (rc defaults to 0). */
export type InProcessReturn = number | { readonly rc?: number; readonly output?: string; readonly exitReason?: string };

/** One action of an in-process agent. */
export type InProcessHandler = (ctx: InProcessContext) => InProcessReturn | Promise<InProcessReturn>;

/** An in-process agent: methods named after actions (`start`, `stop`, `monitor`, `meta-data`, ...). */
export interface InProcessAgent {
  readonly [action: string]: InProcessHandler | undefined;
}

/** Extra facts about an in-process agent. */
export interface DefineOptions {
  /** Metadata XML returned for `meta-data` when the agent has no such method. */
  readonly metadata?: string;
}

interface Entry {
  readonly impl: InProcessAgent;
  readonly metadata?: string;
}

/** The set of in-process agents, keyed by class (case-insensitive), provider and type. */
export class InProcessRegistry {
  private readonly agents = new Map<string, Entry>();
  /** Handed to every action as `ctx.proxy`; the daemon sets it. */
  proxy: ProxyApi | undefined;

  /**
   * Adds an agent, e.g. `define('ocf', 'acme', 'Counter', impl)`. Classes
   * without providers take `''` or undefined. Throws {@link AgentError}
   * `AGENT_DUPLICATE` when the name is taken, `AGENT_INVALID_NAME` for an
   * empty class or type, or an `ocf` agent without provider.
   */
  define(standard: string, provider: string | undefined, type: string, impl: InProcessAgent, options: DefineOptions = {}): void {
    if (standard === '' || type === '' || (standard.toLowerCase() === 'ocf' && !provider)) {
      throw new AgentError(AgentErrorCode.InvalidName, `invalid agent name ${standard}:${provider ?? ''}:${type}`);
    }
    const k = key(standard, provider, type);
    if (this.agents.has(k)) throw new AgentError(AgentErrorCode.Duplicate, `agent ${k} is already defined`);
    this.agents.set(k, { impl, ...(options.metadata !== undefined ? { metadata: options.metadata } : {}) });
  }

  /** Removes an agent; false when there was none. */
  undefine(standard: string, provider: string | undefined, type: string): boolean {
    return this.agents.delete(key(standard, provider, type));
  }

  /** True when an agent of that name is defined. */
  has(standard: string, provider: string | undefined, type: string): boolean {
    return this.agents.has(key(standard, provider, type));
  }

  /** Names of all agents, as `class:provider:type`. */
  list(): string[] {
    return [...this.agents.keys()];
  }

  /** Runs `action` on its in-process agent; undefined when none is defined. */
  run(action: AgentAction): Promise<AgentResult> | undefined {
    const entry = this.agents.get(key(action.standard, action.provider, action.agent));
    return entry === undefined ? undefined : runEntry(entry, action, this.proxy);
  }

  /** This registry as an {@link AgentRunner} for the classes it has agents of; unknown agents are not installed. */
  asRunner(): AgentRunner {
    const self = this;
    return {
      get standards(): readonly string[] {
        return [...new Set(self.list().map((k) => k.split(':', 1)[0]!))];
      },
      run(action: AgentAction): Promise<AgentResult> {
        return (
          self.run(action) ??
          Promise.resolve({
            rc: OcfExit.notInstalled,
            status: ExecStatus.notInstalled,
            exitReason: `${action.agent}: No such file or directory`,
          })
        );
      },
    };
  }
}

function key(standard: string, provider: string | undefined, type: string): string {
  return `${standard.toLowerCase()}:${provider ?? ''}:${type}`;
}

/** Finds the method for `action` (own or inherited, never one of Object's). */
function handlerOf(impl: InProcessAgent, action: string): InProcessHandler | undefined {
  for (const name of [action, action.toLowerCase()]) {
    if (name in Object.prototype) continue;
    const h = impl[name];
    if (typeof h === 'function') return h;
  }
  return undefined;
}

/** The proxy with `nodeName` taken from the action's `CRM_meta_on_node` (the name the cluster knows this node by). */
function proxyFor(proxy: ProxyApi, params: Readonly<Record<string, string>>): ProxyApi {
  const onNode = params.CRM_meta_on_node;
  if (onNode === undefined || onNode === '') return proxy;
  return proxy.withNode(onNode);
}

async function runEntry(entry: Entry, action: AgentAction, proxy?: ProxyApi): Promise<AgentResult> {
  if (action.signal.aborted) return CANCELLED;
  const handler = handlerOf(entry.impl, action.action);
  if (handler === undefined) {
    if (action.action.toLowerCase() === 'meta-data' && entry.metadata !== undefined) {
      return { rc: OcfExit.ok, status: ExecStatus.done, output: entry.metadata };
    }
    return {
      rc: OcfExit.unimplementFeature,
      status: ExecStatus.done,
      exitReason: `${action.agent} does not implement ${action.action}`,
    };
  }
  const ctl = new AbortController();
  let timer: ReturnType<typeof setTimeout> | undefined;
  let onAbort: (() => void) | undefined;
  const stopped = new Promise<AgentResult>((resolve) => {
    onAbort = () => {
      ctl.abort(action.signal.reason);
      resolve(CANCELLED);
    };
    action.signal.addEventListener('abort', onAbort, { once: true });
    if (action.timeoutMs > 0) {
      timer = setTimeout(() => {
        ctl.abort(new Error('timeout'));
        resolve({
          rc: OcfExit.unknownError,
          status: ExecStatus.timeout,
          exitReason: `Resource agent did not complete within ${readableInterval(action.timeoutMs)}`,
        });
      }, action.timeoutMs);
    }
  });
  const ctx: InProcessContext = {
    rscId: action.rscId,
    action: action.action,
    params: action.params,
    intervalMs: action.intervalMs,
    timeoutMs: action.timeoutMs,
    signal: ctl.signal,
    ...(proxy ? { proxy: proxyFor(proxy, action.params) } : {}),
  };
  const finished = (async (): Promise<AgentResult> => {
    try {
      return toResult(await handler.call(entry.impl, ctx));
    } catch (e) {
      return { rc: OcfExit.unknownError, status: ExecStatus.error, exitReason: clampReason(errorText(e)) };
    }
  })();
  try {
    return await Promise.race([finished, stopped]);
  } finally {
    clearTimeout(timer);
    action.signal.removeEventListener('abort', onAbort!);
  }
}

function toResult(r: InProcessReturn): AgentResult {
  if (typeof r === 'number') return { rc: ocfExitToOcf(r), status: ExecStatus.done };
  if (r === null || typeof r !== 'object') {
    return { rc: OcfExit.unknownError, status: ExecStatus.error, exitReason: 'in-process agent returned no result' };
  }
  return {
    rc: ocfExitToOcf(r.rc ?? OcfExit.ok),
    status: ExecStatus.done,
    ...(r.output !== undefined && r.output !== '' ? { output: String(r.output) } : {}),
    ...(r.exitReason !== undefined && r.exitReason !== '' ? { exitReason: clampReason(String(r.exitReason)) } : {}),
  };
}

function errorText(e: unknown): string {
  if (e instanceof Error) return e.message || e.name;
  return String(e);
}
