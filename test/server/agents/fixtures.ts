// Shared helpers of the agent tests: a temp OCF root with small shell
// agents, a temp init.d, action builders, and a check that a pid is gone.
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AgentAction } from '../../../src/server/agents/types.js';
import { childEnv } from '../../helpers/child-env.js';

/** Environment for agents started by tests (keeps tap's coverage out of children). */
export const testEnv = childEnv as Record<string, string | undefined>;

/** A fresh temp dir, removed by `cleanup`. */
export function tempDir(prefix: string): { dir: string; cleanup: () => void } {
  const dir = mkdtempSync(join(tmpdir(), `pcmk-agents-${prefix}-`));
  chmodSync(dir, 0o755);
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

/** Writes an executable script (mode 0755 unless given). */
export function writeScript(path: string, body: string, mode = 0o755): string {
  writeFileSync(path, body);
  chmodSync(path, mode);
  return path;
}

/** Shell agents of provider `test` under `<root>/resource.d/test/`. */
export const SHELL_AGENTS: Readonly<Record<string, string>> = {
  exitcode: '#!/bin/sh\nexit ${OCF_RESKEY_code:-0}\n',
  env: '#!/bin/sh\nenv\n',
  argv: '#!/bin/sh\necho "$0|$#|$1"\n',
  reason:
    '#!/bin/sh\necho "out text"\necho "ocf-exit-reason:first" >&2\necho noise >&2\n' +
    'echo "${OCF_EXIT_REASON_PREFIX}second reason" >&2\nexit 6\n',
  longreason: '#!/bin/sh\nprintf "ocf-exit-reason:%0200d" 0 >&2\nexit 1\n',
  stdoutonly: '#!/bin/sh\necho "only stdout"\nexit 0\n',
  big: '#!/bin/sh\nhead -c 102400 /dev/zero | tr "\\000" x\nexit 0\n',
  sleepy: '#!/bin/sh\nsleep ${OCF_RESKEY_secs:-30}\nexit 0\n',
  // leader and a grandchild; both record their pids
  family:
    '#!/bin/sh\nsleep 30 &\necho $! > "$OCF_RESKEY_dir/grandchild"\necho $$ > "$OCF_RESKEY_dir/leader"\n' +
    'echo "started" >&2\nwait\n',
  // ignores SIGTERM, so only SIGKILL ends it
  stubborn:
    '#!/bin/sh\ntrap "" TERM\nsleep 30 &\necho $! > "$OCF_RESKEY_dir/grandchild"\necho $$ > "$OCF_RESKEY_dir/leader"\n' +
    'while :; do sleep 1; done\n',
  // leaves a process behind that holds stdout, and exits at once
  daemonize: '#!/bin/sh\nsleep 5 &\necho $! > "$OCF_RESKEY_dir/daemon"\necho "daemon started"\nexit 0\n',
  segv: '#!/bin/sh\nkill -SEGV $$\nsleep 5\n',
  reskey: '#!/bin/sh\nprintf "%s" "$OCF_RESKEY_value"\n',
};

/** Creates `<dir>/resource.d/test/*` from {@link SHELL_AGENTS} plus a non-executable one. */
export function makeOcfRoot(dir: string): string {
  const provider = join(dir, 'resource.d', 'test');
  mkdirSync(provider, { recursive: true });
  for (const [name, body] of Object.entries(SHELL_AGENTS)) writeScript(join(provider, name), body);
  writeScript(join(provider, 'noexec'), '#!/bin/sh\nexit 0\n', 0o644);
  mkdirSync(join(provider, 'adir'));
  return dir;
}

/** An action with defaults (`ocf:test:exitcode start`, 10 s timeout). */
export function action(over: Partial<AgentAction> = {}): AgentAction {
  return {
    rscId: 'r1',
    standard: 'ocf',
    provider: 'test',
    agent: 'exitcode',
    action: 'start',
    intervalMs: 0,
    timeoutMs: 10_000,
    params: {},
    signal: new AbortController().signal,
    ...over,
  };
}

/** True when `pid` no longer runs (gone, or a zombie waiting for init). */
export function processGone(pid: number): boolean {
  let stat: string;
  try {
    stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  } catch {
    return true;
  }
  const state = stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3);
  return state === 'Z' || state === 'X';
}

/** Reads a pid a script wrote. */
export function readPid(path: string): number {
  return Number(readFileSync(path, 'utf8').trim());
}

/** Waits until `pred` holds or `ms` passed. */
export async function waitFor(pred: () => boolean, ms = 3000): Promise<boolean> {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    if (pred()) return true;
    await new Promise((r) => setTimeout(r, 20));
  }
  return pred();
}
