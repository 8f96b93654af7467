// Pacemaker's own client library (liblrmd 2.1.5, through the conformance kit)
// against OUR daemon with a 4096-byte key: the daemon must pick the built-in
// TLS 1.3 engine by itself (node:tls takes at most 512 bytes; spec/protocol.md
// §4.9). Scenarios: connect, dummy, recurring, two-clients. The key reaches
// both through runRealRemoted's keyBytes: the harness writes it, the kit reads
// it, and run-conformance.ts starts our daemon with PCMK_authkey_location.
// Needs root, unshare, the daemon, a C compiler and pacemaker-dev; outside CI
// it skips loudly when those are missing; in CI (CI=true) it fails.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import t from 'tap';
import { childEnv } from '../helpers/child-env.js';
import { repo, runRealRemoted, unavailable } from '../helpers/real-remoted.js';

const SCENARIOS = ['connect', 'dummy', 'recurring', 'two-clients'];
const DAEMON = 'exec node --import tsx src/cli/pcmk-remoted.ts --log-level warn --no-bridge';

function buildToolsMissing(): string | false {
  const cc = spawnSync('sh', ['-c', 'command -v "${CC:-cc}"'], { env: childEnv }).status === 0;
  const pkg = spawnSync('pkg-config', ['--exists', 'pacemaker-lrmd', 'pacemaker', 'glib-2.0', 'libxml-2.0'], { env: childEnv }).status === 0;
  const missing = [!cc && 'a C compiler', !pkg && 'pkg-config with pacemaker-dev'].filter(Boolean);
  return missing.length ? `cannot build the conformance kit (missing ${missing.join(', ')}): run scripts/install-debian-deps.sh as root` : false;
}

const why = unavailable || buildToolsMissing();
if (why && process.env.CI) {
  t.fail(`${why} — in CI this test must run`);
} else if (why) {
  t.test('conformance kit against our daemon with a 4096-byte key', { skip: why }, () => {});
} else {
  t.setTimeout(300_000);
  const out = mkdtempSync(join(tmpdir(), 'pcmk-conformance-long-key-'));
  t.teardown(() => rmSync(out, { recursive: true, force: true }));
  const build = spawnSync('sh', [join(repo, 'tools/conformance/build.sh'), out], { encoding: 'utf8', env: childEnv });
  t.test('liblrmd → our daemon, 4096-byte key', { timeout: 280_000 }, async (t) => {
    t.equal(build.status, 0, `build.sh exit status (stderr: ${build.stderr.slice(-2000)})`);
    if (build.status !== 0) return;
    const run = await runRealRemoted('test/conformance/fixtures/run-conformance.ts', {
      keyBytes: 4096,
      fixtureLimitS: 200,
      env: { CONFORMANCE_BIN: join(out, 'lrmd-conformance'), CONFORMANCE_SCENARIOS: SCENARIOS.join(','), PCMK_CONFORMANCE_DAEMON: DAEMON },
    });
    const lines = run.stdout
      .split('\n')
      .filter((l) => l.startsWith('{'))
      .map((l) => JSON.parse(l) as Record<string, any>);
    const fixture = lines.filter((l) => l.type === 'fixture').pop();
    t.equal(run.status, 0, `fixture exit status (stderr tail: ${run.stderr.slice(-2500)})`);
    t.notOk(fixture?.fixtureError, `fixture error: ${String(fixture?.fixtureError ?? '')}`);
    t.match(String(fixture?.daemon ?? ''), /pcmk-remoted\.ts/, 'our daemon was tested');
    for (const c of lines.filter((l) => l.type === 'check')) t.ok(c.ok, `${c.scenario}/${c.check}: ${c.detail}`);
    for (const s of SCENARIOS) {
      const end = lines.find((l) => l.type === 'scenario' && l.scenario === s);
      t.ok(end && end.checks > 0 && end.failed === 0, `scenario ${s} ran: ${end ? `${end.checks} checks, ${end.failed} failed` : 'missing'}`);
    }
    t.match(lines.find((l) => l.type === 'summary'), { failed: 0 });
    t.comment(`${run.ms} ms including daemon start`);
  });
}
