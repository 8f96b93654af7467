// Spawn overhead of the OCF runner next to a bare child_process.spawn loop
// of the same trivial agent, sequential and 8 in parallel (spec/protocol.md §11.2).
// Run: npx tsx test/server/agents/spawn-rate.bench.ts [runs per round] [rounds]
// Medians over interleaved pairs of rounds; the parent's CPU per run is less sensitive to load.
import { spawn } from 'node:child_process';
import { createOcfRunner } from '../../../src/server/agents/ocf-runner.js';
import { action, makeOcfRoot, tempDir, testEnv, writeScript } from './fixtures.js';

const runs = Number(process.argv[2] ?? 100);
const { dir, cleanup } = tempDir('bench');
makeOcfRoot(dir);
const script = writeScript(`${dir}/resource.d/test/trivial`, '#!/bin/sh\nexit 0\n');
const runner = createOcfRunner({ ocfRoot: dir, env: testEnv });
const env = testEnv as NodeJS.ProcessEnv;

function bare(): Promise<void> {
  return new Promise((resolve, reject) => {
    const c = spawn(script, ['monitor'], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    c.stdout.resume();
    c.stderr.resume();
    c.on('error', reject);
    c.on('close', () => resolve());
  });
}

async function ocf(): Promise<void> {
  const r = await runner.run(action({ agent: 'trivial', action: 'monitor' }));
  if (r.rc !== 0) throw new Error(`rc ${r.rc}`);
}

interface Sample {
  rate: number;
  cpuUs: number;
}

/** Runs per second (wall clock) and parent CPU µs per run, for `runs` runs, `parallel` at a time. */
async function measure(fn: () => Promise<void>, parallel: number): Promise<Sample> {
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  let left = runs;
  await Promise.all(
    Array.from({ length: parallel }, async () => {
      while (left-- > 0) await fn();
    }),
  );
  const ms = performance.now() - t0;
  const cpu = process.cpuUsage(c0);
  return { rate: (runs / ms) * 1000, cpuUs: (cpu.user + cpu.system) / runs };
}

const rounds = Number(process.argv[3] ?? 9);
const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
for (const parallel of [1, 8]) {
  const bareS: Sample[] = [];
  const ocfS: Sample[] = [];
  const ratios: number[] = [];
  for (let round = 0; round < rounds; round++) {
    // interleaved pairs, so both see the same machine load; the ratio is taken per pair
    const b = await measure(bare, parallel);
    const o = await measure(ocf, parallel);
    bareS.push(b);
    ocfS.push(o);
    ratios.push(o.rate / b.rate);
  }
  const rate = (xs: Sample[]): string => median(xs.map((x) => x.rate)).toFixed(0);
  const cpu = (xs: Sample[]): string => median(xs.map((x) => x.cpuUs)).toFixed(0);
  console.log(
    `parallel ${parallel}: bare spawn ${rate(bareS)}/s (${cpu(bareS)} µs CPU/run), ` +
      `ocf runner ${rate(ocfS)}/s (${cpu(ocfS)} µs CPU/run); ` +
      `median ratio ${(median(ratios) * 100).toFixed(0)}% of bare (medians over ${rounds} pairs of ${runs} runs)`,
  );
}
cleanup();
