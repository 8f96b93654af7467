#!/usr/bin/env node
// tap 21 has no thresholds of its own (it wants 100% or nothing): this script
// enforces ours on the summary tap wrote, so coverage can only go up.
import { readFileSync } from 'node:fs';

const THRESHOLDS = { lines: 85, statements: 85, functions: 75, branches: 90 };
const file = new URL('../.tap/report/coverage-summary.json', import.meta.url);
let total;
try {
  total = JSON.parse(readFileSync(file, 'utf8')).total;
} catch (err) {
  console.error(`coverage: no summary at ${file.pathname} (${err.message})`);
  process.exit(1);
}
let ok = true;
// A child process that loads our sources through another compiler makes c8
// merge mismatched coverage, and every such file collapses to one statement
// (test/helpers/child-env.ts). Catch that instead of reporting a bogus figure.
const collapsed = Object.entries(JSON.parse(readFileSync(file, 'utf8')))
  .filter(([f, s]) => f.includes('/src/') && s.statements.total <= 1 && lineCount(f) > 20)
  .map(([f]) => f);
if (collapsed.length > 0) {
  ok = false;
  console.log(`coverage: merge broken, ${collapsed.length} files collapsed to one statement, e.g. ${collapsed[0]}`);
}
for (const [k, min] of Object.entries(THRESHOLDS)) {
  const pct = total[k].pct;
  const good = pct >= min;
  ok &&= good;
  console.log(`coverage ${k}: ${pct}% (threshold ${min}%)${good ? '' : '  BELOW THRESHOLD'}`);
}
process.exit(ok ? 0 : 1);

function lineCount(f) {
  try {
    return readFileSync(f, 'utf8').split('\n').length;
  } catch {
    return 0;
  }
}
