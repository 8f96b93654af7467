// A remote daemon with one resource agent written in TypeScript, ocf:acme:Counter
// (spec §11.10). Run: npx tsx examples/custom-agent.ts [PORT]   (Ctrl-C stops it)
//
// Drive it by hand with the client CLI, using the key path it prints:
//   pcmk-remote --port 3121 --authkey KEY register c1 ocf:acme:Counter
//   pcmk-remote --port 3121 --authkey KEY exec c1 start --param step=5 --wait    # rc 0
//   pcmk-remote --port 3121 --authkey KEY exec c1 monitor --wait                 # rc 0, output "count=5"
//   pcmk-remote --port 3121 --authkey KEY exec c1 stop --wait                    # then monitor: rc 7
// (from a checkout, `pcmk-remote` is `npx tsx src/cli/pcmk-remote.ts`).
//
// In a cluster, this host is a remote node: give the daemon the cluster's
// /etc/pacemaker/authkey instead of a fresh key, add the node
// (`pcs cluster node add-remote HOST`), then
// `pcs resource create c1 ocf:acme:Counter step=5 op monitor interval=10s`.
// The controller runs the agent's meta-data on the cluster nodes themselves
// (spec §5.12), so they need a stub /usr/lib/ocf/resource.d/acme/Counter that
// prints the XML below for `meta-data`.
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { OcfExit } from 'pcmk-remote';
import { createRemoteDaemon } from '../src/server/index.js'; // not yet a package subpath

const METADATA = `<?xml version="1.0"?>
<resource-agent name="Counter" version="1.0">
  <version>1.1</version>
  <shortdesc lang="en">Counts its monitors</shortdesc>
  <longdesc lang="en">An in-process example agent: each monitor adds step to a counter.</longdesc>
  <parameters>
    <parameter name="step"><shortdesc lang="en">Added per monitor</shortdesc><content type="integer" default="1"/></parameter>
  </parameters>
  <actions>
    <action name="start" timeout="20s"/><action name="stop" timeout="20s"/>
    <action name="monitor" timeout="20s" interval="10s"/><action name="meta-data" timeout="5s"/>
  </actions>
</resource-agent>
`;

// A development key in a private temporary file, so that a client can use it too.
const dir = mkdtempSync(join(tmpdir(), 'counter-'));
const keyFile = join(dir, 'authkey');
const key = randomBytes(256);
writeFileSync(keyFile, key, { mode: 0o600 });

const daemon = await createRemoteDaemon({ key, address: '127.0.0.1', port: Number(process.argv[2] ?? 3121) });

/** Counter per resource id; absent = stopped. */
const counters = new Map<string, number>();

daemon.agents.define('ocf', 'acme', 'Counter', {
  async start({ rscId, signal }) {
    await sleep(200, undefined, { signal }); // some work; a timeout or cancel aborts it
    counters.set(rscId, 0);
    return OcfExit.ok;
  },
  stop({ rscId }) {
    counters.delete(rscId); // stopping what is stopped succeeds too
    return OcfExit.ok;
  },
  monitor({ rscId, params }) {
    const n = counters.get(rscId);
    if (n === undefined) return OcfExit.notRunning; // 7
    const step = Number(params.step ?? 1);
    if (!Number.isInteger(step)) return { rc: OcfExit.notConfigured, exitReason: `step must be an integer, not ${params.step}` };
    counters.set(rscId, n + step);
    return { rc: OcfExit.ok, output: `count=${n + step}` };
  },
  'meta-data': () => ({ output: METADATA }),
});

const at = await daemon.listen();
console.log(`listening on ${at.address}:${at.port}, key ${keyFile}`);

process.once('SIGINT', () => {
  void daemon.close().then(() => rmSync(dir, { recursive: true, force: true }));
});
