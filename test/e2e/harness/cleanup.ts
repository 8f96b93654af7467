// Everything a run must undo: namespace holders (killing one ends every
// process inside), the work directory. Recorded in /run/pcmk-e2e/<pid>.json so
// that a run killed outright (SIGKILL: no handler runs) is swept by the next.
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { cmdlineOf, pidAlive, signalPid } from './proc.js';

const registryDir = '/run/pcmk-e2e';

export class Cleanup {
  readonly holders = new Set<number>();
  readonly dirs = new Set<string>();
  readonly #file = join(registryDir, `${process.pid}.json`);
  #done = false;
  readonly #onExit = (): void => this.now();

  constructor() {
    process.once('exit', this.#onExit);
  }

  addHolder(pid: number): void {
    this.holders.add(pid);
    this.#save();
  }

  addDir(dir: string): void {
    this.dirs.add(dir);
    this.#save();
  }

  #save(): void {
    mkdirSync(registryDir, { recursive: true });
    writeFileSync(this.#file, JSON.stringify({ owner: process.pid, holders: [...this.holders], dirs: [...this.dirs] }));
  }

  /** Kills every holder (and so every process in its namespace), removes the directories; synchronous, idempotent. */
  now(keepDirs = false): void {
    if (this.#done) return;
    this.#done = true;
    process.off('exit', this.#onExit);
    for (const pid of this.holders) if (isHolder(pid)) signalPid(pid, 'SIGKILL');
    if (!keepDirs) for (const d of this.dirs) rmSync(d, { recursive: true, force: true });
    rmSync(this.#file, { force: true });
  }
}

function isHolder(pid: number): boolean {
  return pidAlive(pid) && cmdlineOf(pid).startsWith('unshare ');
}

/** Ends what runs whose process is gone left behind; returns how many runs were swept. */
export function sweepStaleRuns(): number {
  if (!existsSync(registryDir)) return 0;
  let swept = 0;
  for (const f of readdirSync(registryDir)) {
    const path = join(registryDir, f);
    let rec: { owner: number; holders: number[]; dirs: string[] };
    try {
      rec = JSON.parse(readFileSync(path, 'utf8')) as typeof rec;
    } catch {
      rmSync(path, { force: true });
      continue;
    }
    if (pidAlive(rec.owner)) continue;
    for (const pid of rec.holders) if (isHolder(pid)) signalPid(pid, 'SIGKILL');
    for (const d of rec.dirs) rmSync(d, { recursive: true, force: true });
    rmSync(path, { force: true });
    swept++;
  }
  return swept;
}
