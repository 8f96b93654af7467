// The pcmk-remote executable against the real pacemaker-remoted 2.1.5, inside
// a private network namespace: every client command once, as separate
// processes, plus the wrong-key and unknown-resource failures.
// Needs root, unshare and the daemon from scripts/install-debian-deps.sh.
// Outside CI it skips loudly when those are missing; in CI (CI=true) it fails.
import t from 'tap';
import { runAgainstRealRemoted, unavailable } from '../helpers/real-remoted.js';

interface Step {
  args: string[];
  code: number | null;
  out: string[];
  err: string[];
  ms: number;
}

if (unavailable && process.env.CI) {
  t.fail(`${unavailable} — in CI this test must run`);
} else {
  t.test('pcmk-remote commands against the real pacemaker-remoted 2.1.5', { skip: unavailable, timeout: 180_000 }, async (t) => {
    const r = runAgainstRealRemoted('test/cli/fixtures/remoted-cli.ts');
    t.equal(r.status, 0, `fixture exit status (stderr tail: ${r.stderr.slice(-1500)})`);
    if (r.status !== 0) return;
    const res = JSON.parse(r.stdout.trim().split('\n').pop()!) as { steps: Step[]; failures: string[]; notes: Record<string, unknown> };
    t.same(res.failures, [], 'every command printed and exited as expected');
    const commands = new Set(res.steps.map((s) => s.args.find((a) => !a.startsWith('-') && a !== '--json')));
    for (const c of ['poke', 'info', 'register', 'exec', 'recurring', 'watch', 'cancel', 'unregister', 'alert']) t.ok(commands.has(c), `${c} ran`);
    const codes = new Set(res.steps.map((s) => s.code));
    t.ok(codes.has(3) && codes.has(1) && codes.has(0), 'exit statuses 0, 1 and 3 seen');
    t.comment(`notes: ${JSON.stringify(res.notes)}`);
  });
}
