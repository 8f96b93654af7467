/**
 * Environments of agent processes (spec/protocol.md §11.3, §11.7): the
 * daemon's own environment minus `NOTIFY_SOCKET`, plus the class's variables.
 */
import { EXIT_REASON_PREFIX } from './exit-reason.js';

/** An environment as handed to `spawn`. */
export type Env = Record<string, string>;

/** Snapshot of `source` (default: this process's environment) without `NOTIFY_SOCKET`. */
export function inheritedEnv(source: Readonly<Record<string, string | undefined>> = process.env): Env {
  const env: Env = {};
  for (const [k, v] of Object.entries(source)) {
    if (v !== undefined && k !== 'NOTIFY_SOCKET') env[k] = v;
  }
  return env;
}

/**
 * Sets one variable, as setenv(3) would: a name that is empty or holds `=`
 * or NUL is skipped; a value ends at its first NUL.
 */
export function putEnv(env: Env, name: string, value: string): void {
  if (name === '' || name.includes('=') || name.includes('\0')) return;
  const nul = value.indexOf('\0');
  env[name] = nul < 0 ? value : value.slice(0, nul);
}

/** What the OCF environment is made of. */
export interface OcfEnvInput {
  readonly rscId: string;
  readonly provider: string;
  readonly agent: string;
  readonly params: Readonly<Record<string, string>>;
  /** Value of `OCF_ROOT`. */
  readonly ocfRoot: string;
}

/**
 * `base` plus `OCF_RESKEY_<name>` per parameter (`OCF_CHECK_LEVEL` keeps its
 * own name), then `OCF_RA_VERSION_MAJOR`/`MINOR` (1.1), `OCF_ROOT`,
 * `OCF_EXIT_REASON_PREFIX`, `OCF_RESOURCE_INSTANCE`, `OCF_RESOURCE_TYPE` and
 * `OCF_RESOURCE_PROVIDER`, which win over anything before them.
 */
export function ocfEnv(base: Readonly<Env>, input: OcfEnvInput): Env {
  const env: Env = { ...base };
  for (const [k, v] of Object.entries(input.params)) {
    putEnv(env, k === 'OCF_CHECK_LEVEL' ? k : `OCF_RESKEY_${k}`, v);
  }
  env.OCF_RA_VERSION_MAJOR = '1';
  env.OCF_RA_VERSION_MINOR = '1';
  env.OCF_ROOT = input.ocfRoot;
  env.OCF_EXIT_REASON_PREFIX = EXIT_REASON_PREFIX;
  putEnv(env, 'OCF_RESOURCE_INSTANCE', input.rscId);
  putEnv(env, 'OCF_RESOURCE_TYPE', input.agent);
  putEnv(env, 'OCF_RESOURCE_PROVIDER', input.provider);
  return env;
}

/** `base` plus every alert parameter under its own name (§11.7). */
export function alertEnv(base: Readonly<Env>, params: Readonly<Record<string, string>>): Env {
  const env: Env = { ...base };
  for (const [k, v] of Object.entries(params)) putEnv(env, k, v);
  return env;
}
