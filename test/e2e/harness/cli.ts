// `scripts/e2e-cluster.sh [--remote ours|real|both] [--keep]`: the end-to-end
// run by hand (as root). Prints each check, the timings and the sequences of
// executor operations; exit status 0 when every check passed.
import { describeRun, runScenario, type RunResult } from './scenario.js';
import { missingFor, type RemoteKind } from './remote-node.js';

const args = process.argv.slice(2);
let remote = 'both';
let keep = false;
for (let i = 0; i < args.length; i++) {
  const a = args[i]!;
  if (a === '--remote') remote = args[++i] ?? '';
  else if (a.startsWith('--remote=')) remote = a.slice('--remote='.length);
  else if (a === '--keep') keep = true;
  else if (a === '-h' || a === '--help') {
    console.log('usage: scripts/e2e-cluster.sh [--remote ours|real|both] [--keep]\n  --keep  leave the work directory (logs) in place');
    process.exit(0);
  } else {
    console.error(`unknown argument ${a}`);
    process.exit(2);
  }
}
if (!['ours', 'real', 'both'].includes(remote)) {
  console.error('--remote takes ours, real or both');
  process.exit(2);
}
const kinds: RemoteKind[] = remote === 'both' ? ['ours', 'real'] : [remote as RemoteKind];
for (const k of kinds) {
  const why = missingFor(k);
  if (why) {
    console.error(`cannot run (${k}): ${why}`);
    process.exit(1);
  }
}
const runs: RunResult[] = [];
for (const kind of kinds) runs.push(await runScenario({ kind, keep, log: (l) => console.log(l) }));
console.log('');
for (const r of runs) {
  for (const l of describeRun(r)) console.log(l);
  if (keep) console.log(`${r.kind} logs: ${r.workDir}/log`);
}
const failed = runs.flatMap((r) => r.checks.filter((c) => !c.ok).map((c) => `[${r.kind}] ${c.name}`));
console.log(failed.length ? `\n${failed.length} check(s) failed:\n  ${failed.join('\n  ')}` : '\nall checks passed');
process.exitCode = failed.length ? 1 : 0;
