/**
 * Access to systemd through the `systemctl` command (spec/protocol.md §11.8):
 * whether systemd manages this machine, unit names, unit properties and
 * unit jobs. Pacemaker talks D-Bus instead; the states read are the same.
 */
import { accessSync, constants, statSync } from 'node:fs';
import { delimiter, join } from 'node:path';
import type { Env } from './agent-env.js';
import { runProcess, type ProcessResult } from './process-runner.js';

/** Where systemctl is and how to tell that systemd is running. */
export interface SystemctlOptions {
  /** The systemctl program: a path, or a name looked up on PATH (default `systemctl`). */
  readonly systemctl?: string;
  /** A directory that exists only while systemd is PID 1 (default `/run/systemd/system`, as sd_booted(3) checks). */
  readonly bootedDir?: string;
}

/** The default of {@link SystemctlOptions.bootedDir}; also the root of runtime unit drop-ins. */
export const SYSTEMD_RUNTIME_DIR = '/run/systemd/system';

/** Unit suffixes Pacemaker accepts as given; any other name gets `.service`. */
const UNIT_SUFFIXES = ['.service', '.socket', '.mount', '.timer', '.path'];

/**
 * The unit name of agent `type`: kept when it ends in a unit suffix, else
 * `.service` is appended. For metadata a template name (`name@` or
 * `name@.service`) gets the instance `pacemaker`, as in Pacemaker.
 */
export function unitName(type: string, forMetadata = false): string {
  const suffix = UNIT_SUFFIXES.find((s) => type.endsWith(s));
  if (suffix !== undefined) {
    const stem = type.slice(0, -suffix.length);
    return stem.endsWith('@') ? `${stem}pacemaker${suffix}` : type;
  }
  return forMetadata && type.endsWith('@') ? `${type}pacemaker.service` : `${type}.service`;
}

/** Absolute path of `program` (searched on PATH when it has no slash), or undefined. */
export function findProgram(program: string, path = process.env.PATH ?? ''): string | undefined {
  const candidates = program.includes('/') ? [program] : path.split(delimiter).filter((d) => d !== '').map((d) => join(d, program));
  for (const c of candidates) {
    try {
      accessSync(c, constants.X_OK);
      if (statSync(c).isFile()) return c;
    } catch {
      // not this one
    }
  }
  return undefined;
}

/** The systemctl path when systemd runs this machine and systemctl exists, else undefined. */
export function locateSystemctl(o: SystemctlOptions, env: Readonly<Env>): string | undefined {
  const booted = statSync(o.bootedDir ?? SYSTEMD_RUNTIME_DIR, { throwIfNoEntry: false });
  if (booted === undefined || !booted.isDirectory()) return undefined;
  return findProgram(o.systemctl ?? 'systemctl', env.PATH ?? process.env.PATH ?? '');
}

/** One systemctl call. */
export interface SystemctlCall {
  readonly program: string;
  readonly env: Readonly<Env>;
  readonly timeoutMs: number;
  readonly signal: AbortSignal;
}

/** Runs `systemctl <args>`. */
export function systemctl(call: SystemctlCall, args: readonly string[]): Promise<ProcessResult> {
  return runProcess({
    file: call.program,
    args,
    env: call.env,
    timeoutMs: call.timeoutMs,
    signal: call.signal,
    killGraceMs: 0,
  });
}

/** Parses `systemctl show` output (`Name=value` lines). */
export function parseShow(stdout: string): Record<string, string> {
  const props: Record<string, string> = {};
  for (const line of stdout.split('\n')) {
    const eq = line.indexOf('=');
    if (eq > 0) props[line.slice(0, eq)] = line.slice(eq + 1);
  }
  return props;
}
