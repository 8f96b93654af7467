// Against the real thing, every run: capture fresh traffic between the real
// pacemaker-remoted 2.1.5 and Pacemaker's client library (tools/capture), then
// check that our codec decodes every frame and re-encodes it to the same
// elements, attributes and values (spec/protocol.md §2, §3, §14).
// Needs root, unshare and the Debian packages (scripts/install-debian-deps.sh).
// Outside CI it skips loudly when those are missing; in CI (CI=true) it fails.
import t from 'tap';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { FrameDecoder } from '../../src/protocol/frame-decoder.js';
import { decodePayload, messageToXml } from '../../src/protocol/codec.js';
import { parseXml } from '../../src/protocol/xml/index.js';
import type { VectorFile } from '../helpers/vectors.js';
import { childEnv } from '../helpers/child-env.js';
import { hex } from '../helpers/vectors.js';
import { treeShape } from '../helpers/saxes-tree.js';


const repo = fileURLToPath(new URL('../../', import.meta.url));
const remoted = join(repo, '.deps/pacemaker-remote/usr/sbin/pacemaker-remoted');
const missing = [
  process.getuid?.() !== 0 && 'root',
  !existsSync(remoted) && 'the pacemaker-remote daemon (.deps)',
  !existsSync('/usr/include/pacemaker/crm/lrmd.h') && 'pacemaker-dev',
].filter(Boolean);
const reason = missing.length ? `real Pacemaker unavailable (missing ${missing.join(', ')}): run scripts/install-debian-deps.sh as root` : false;

if (reason && process.env.CI) {
  t.fail(`${reason} — in CI this test must run`);
} else {
  for (const scenario of ['executor', 'proxy']) t.test(`fresh ${scenario} capture from real Pacemaker 2.1.5 decodes and re-encodes`, { skip: reason, timeout: 180_000 }, async (t) => {
    const dir = mkdtempSync(join(tmpdir(), 'pcmk-capture-'));
    const out = join(dir, 'captured.json');
    try {
      const r = spawnSync('bash', [join(repo, 'tools/capture/capture.sh'), '--out', out, '--scenario', scenario], {
        encoding: 'utf8',
        timeout: 170_000,
        env: childEnv,
      });
      t.equal(r.status, 0, `capture.sh exit status (stderr tail: ${r.stderr.slice(-800)})`);
      if (r.status !== 0) return;
      const file = JSON.parse(readFileSync(out, 'utf8')) as VectorFile;
      t.ok(file.vectors.length >= 5, `${file.vectors.length} frames captured`);
      let same = 0;
      for (const v of file.vectors) {
        const frames = new FrameDecoder().push(hex(v.hex));
        t.equal(frames.length, 1, v.name);
        if (v.records) t.equal(v.records[0]!.length, 80, `${v.name}: header in a 40-byte record of its own`);
        let msg;
        try {
          msg = decodePayload(frames[0]!);
        } catch (err) {
          t.fail(`${v.name}: ${(err as Error).message}`);
          continue;
        }
        t.same(treeShape(parseXml(messageToXml(msg))), treeShape(parseXml(v.xml!)), `${v.name} re-encodes to the same elements`);
        same++;
      }
      t.equal(same, file.vectors.length, 'every captured message round-trips');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
}
