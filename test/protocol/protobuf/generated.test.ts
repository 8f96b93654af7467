// The checked-in static code must be what spec/remote.proto generates today
// (spec/protocol.md §13.3): run scripts/gen-proto.mjs into a temporary
// directory and compare byte for byte.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import t from 'tap';
import { childEnv } from '../../helpers/child-env.js';

const repo = fileURLToPath(new URL('../../../', import.meta.url));
const FILES = ['remote-pb.ts', 'remote-pb-types.ts'];

t.test('checked-in generated code matches spec/remote.proto', async (t) => {
  const out = mkdtempSync(join(tmpdir(), 'pcmk-gen-proto-'));
  t.teardown(() => rmSync(out, { recursive: true, force: true }));
  execFileSync(process.execPath, [join(repo, 'scripts', 'gen-proto.mjs'), '--out-dir', out], { stdio: 'pipe', env: childEnv });
  for (const name of FILES) {
    const fresh = readFileSync(join(out, name), 'utf8');
    const checkedIn = readFileSync(join(repo, 'src', 'protocol', 'protobuf', name), 'utf8');
    t.ok(fresh.length > 1000, `${name} was generated`);
    t.ok(fresh === checkedIn, `${name} is up to date (else run: npm run gen:proto)`);
  }
});
