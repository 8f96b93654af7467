/**
 * `pcmk-remoted --agents MODULE`: in-process TypeScript (or JavaScript)
 * agents loaded from a module (spec/protocol.md §11.10). A module exports
 * either `agents`, a record from agent name to agent, or a function
 * `defineAgents(registry)` that defines them itself; it may export both.
 *
 *     export const agents = { 'ocf:acme:Counter': counterAgent };
 *
 * Names are `class:provider:type`, or `class:type` for classes without
 * providers. A module that cannot be loaded or defines nothing is a
 * {@link CliError} `AGENT_MODULE`: the daemon does not start without its agents.
 */
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { InProcessAgent, InProcessRegistry } from '../../server/agents/index.js';
import { CliError, CliErrorCode } from '../exit-codes.js';

/** The part of the registry a module's `defineAgents` gets. */
export type AgentDefiner = Pick<InProcessRegistry, 'define'>;

/** What an agent module may export. */
export interface AgentModule {
  readonly agents?: Readonly<Record<string, InProcessAgent>>;
  readonly defineAgents?: (registry: AgentDefiner) => void | Promise<void>;
}

/** One loaded module: defines its agents into a registry. */
export interface LoadedAgentModule {
  readonly path: string;
  define(registry: AgentDefiner): Promise<string[]>;
}

/** Imports a module by file path (relative to `cwd`); `importer` is replaceable for tests. */
export async function loadAgentModule(
  path: string,
  cwd: string = process.cwd(),
  importer: (url: string) => Promise<unknown> = (url) => import(url),
): Promise<LoadedAgentModule> {
  const full = resolve(cwd, path);
  let mod: unknown;
  try {
    mod = await importer(pathToFileURL(full).href);
  } catch (err) {
    throw new CliError(CliErrorCode.AgentModule, `agent module ${path}: ${err instanceof Error ? err.message : String(err)}`, { cause: err });
  }
  const m = (mod ?? {}) as AgentModule;
  const agents = m.agents;
  const definer = m.defineAgents;
  if (agents !== undefined && (typeof agents !== 'object' || agents === null)) throw bad(path, '`agents` is not an object');
  if (definer !== undefined && typeof definer !== 'function') throw bad(path, '`defineAgents` is not a function');
  if (agents === undefined && definer === undefined) throw bad(path, 'exports neither `agents` nor `defineAgents`');
  return {
    path,
    async define(registry) {
      const names: string[] = [];
      const counting: AgentDefiner = {
        define(standard, provider, type, impl, options) {
          registry.define(standard, provider, type, impl, options);
          names.push(provider ? `${standard}:${provider}:${type}` : `${standard}:${type}`);
        },
      };
      try {
        for (const [name, impl] of Object.entries(agents ?? {})) {
          const [standard, provider, type] = splitName(name, path);
          counting.define(standard, provider, type, impl);
        }
        await definer?.(counting);
      } catch (err) {
        if (err instanceof CliError) throw err;
        throw new CliError(CliErrorCode.AgentModule, `agent module ${path}: ${err instanceof Error ? err.message : String(err)}`, { cause: err });
      }
      if (names.length === 0) throw bad(path, 'defines no agent');
      return names;
    },
  };
}

/** `ocf:acme:Counter` → [ocf, acme, Counter]; `lsb:foo` → [lsb, undefined, foo]. */
export function splitName(name: string, path: string): [string, string | undefined, string] {
  const parts = name.split(':');
  if (parts.length === 3 && parts.every((p) => p !== '')) return [parts[0]!, parts[1], parts[2]!];
  if (parts.length === 2 && parts.every((p) => p !== '')) return [parts[0]!, undefined, parts[1]!];
  throw bad(path, `agent name '${name}' is not class:provider:type or class:type`);
}

function bad(path: string, why: string): CliError {
  return new CliError(CliErrorCode.AgentModule, `agent module ${path}: ${why}`);
}
