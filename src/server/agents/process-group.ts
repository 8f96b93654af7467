/**
 * Signals to an agent's process group and the check that the group is gone
 * (spec/protocol.md §11.5). Members that already died but were not reaped
 * (zombies, e.g. orphans under a PID 1 that does not reap) do not count.
 */
import { readdirSync, readFileSync } from 'node:fs';

/** Sends `sig` to process group `pgid`; false when no process is in it. */
export function signalGroup(pgid: number, sig: NodeJS.Signals | 0): boolean {
  try {
    process.kill(-pgid, sig);
    return true;
  } catch {
    return false;
  }
}

/**
 * True while a live (not zombie) process is in group `pgid`. Uses /proc where
 * it exists; elsewhere any member, zombies included, counts.
 */
export function groupAlive(pgid: number): boolean {
  if (!signalGroup(pgid, 0)) return false;
  let entries: string[];
  try {
    entries = readdirSync('/proc');
  } catch {
    return true;
  }
  for (const e of entries) {
    const c = e.charCodeAt(0);
    if (c < 0x30 || c > 0x39) continue;
    let stat: string;
    try {
      stat = readFileSync(`/proc/${e}/stat`, 'latin1');
    } catch {
      continue;
    }
    // "pid (comm) state ppid pgrp ..."; comm may hold spaces and parentheses
    const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ', 3);
    if (Number(f[2]) === pgid && f[0] !== 'Z' && f[0] !== 'X') return true;
  }
  return false;
}
