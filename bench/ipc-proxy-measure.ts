// Runs inside the namespace of bench/ipc-proxy.bench.ts next to a daemon on
// 127.0.0.1:PORT: registers our IPC provider (in-memory backend), then drives
// proxied CIB queries with the libcib driver (bench/cib-query-bench.c) and
// with `cibadmin -Q`. Prints one JSON line.
// Usage: node --import tsx ipc-proxy-measure.ts KEYFILE PORT DRIVER SECONDS
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { connectClient } from '../src/client/connect.js';
import { createIpcProvider } from '../src/client/ipc-provider/provider.js';
import { createMemoryBackend } from '../src/client/ipc-provider/memory/backend.js';

const [keyFile, portArg, driver, secondsArg] = process.argv.slice(2);
const seconds = Number(secondsArg ?? 3);

/** A CIB of about `bytes` bytes: cluster options, two nodes, padded with primitives. */
export function makeCib(bytes: number): string {
  const head =
    '<cib crm_feature_set="3.16.1" validate-with="pacemaker-3.8" epoch="1" num_updates="0" admin_epoch="0" have-quorum="1" dc-uuid="1"><configuration><crm_config><cluster_property_set id="o"><nvpair id="o-s" name="stonith-enabled" value="false"/></cluster_property_set></crm_config><nodes><node id="1" uname="node1"/><node id="remote1" uname="remote1" type="remote"/></nodes><resources>';
  const tail = '</resources><constraints/></configuration><status/></cib>';
  const parts: string[] = [];
  let size = head.length + tail.length;
  for (let i = 0; size < bytes; i++) {
    const p = `<primitive id="r${i}" class="ocf" provider="heartbeat" type="Dummy"><instance_attributes id="r${i}-ia"><nvpair id="r${i}-ia-state" name="state" value="/run/resource-agents/r${i}.state"/></instance_attributes><operations><op id="r${i}-mon" name="monitor" interval="10s" timeout="20s"/></operations></primitive>`;
    parts.push(p);
    size += p.length;
  }
  return head + parts.join('') + tail;
}

function run(cmd: string, args: string[]): Promise<{ code: number | null; stdout: string; stderr: string; ms: number }> {
  const t0 = performance.now();
  return new Promise((resolve) => {
    const c = spawn(cmd, args, { env: { PATH: process.env.PATH ?? '/usr/bin:/bin', PCMK_logfacility: 'none', PCMK_logfile: '/dev/null', LANG: 'C' } });
    let stdout = '';
    let stderr = '';
    c.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    c.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    c.on('close', (code) => resolve({ code, stdout, stderr, ms: performance.now() - t0 }));
  });
}

/** One provider, one seeded CIB, one driver pass. */
async function pass(cibText: string, minQueries: number): Promise<Record<string, unknown>> {
  const client = await connectClient({ host: '127.0.0.1', port: Number(portArg), key: readFileSync(keyFile!), isIpcProvider: true, clientName: 'ipc-bench' });
  const backend = createMemoryBackend({ cib: cibText, nodeName: 'remote1' });
  const provider = createIpcProvider(client, { handlers: backend.handlers, nodeName: 'remote1' });
  backend.cib.text(); // serialized once up front, as a long-running provider would have it
  let requests = 0;
  provider.on('request', () => requests++);
  const cpu0 = process.cpuUsage();
  const r = await run(driver!, [String(seconds), String(minQueries)]);
  const cpu = process.cpuUsage(cpu0);
  const out = JSON.parse(r.stdout.trim().split('\n').pop() || '{}') as { queries?: number; ms?: number; replyBytes?: number; error?: string };
  // cibadmin -Q a few times: tool start-up included.
  const tool: number[] = [];
  for (let i = 0; i < 5; i++) {
    const c = await run('cibadmin', ['-Q']);
    if (c.code === 0) tool.push(c.ms);
  }
  await provider.close();
  client.close();
  const queries = out.queries ?? 0;
  const ms = out.ms ?? 1;
  return {
    cibBytes: cibText.length,
    replyBytes: out.replyBytes ?? 0,
    queries,
    perSecond: Math.round((queries / ms) * 1000 * 10) / 10,
    msPerQuery: Math.round((ms / Math.max(queries, 1)) * 100) / 100,
    mbPerSecond: Math.round(((queries * (out.replyBytes ?? 0)) / (ms / 1000) / 1e6) * 100) / 100,
    providerCpuMsPerQuery: Math.round(((cpu.user + cpu.system) / 1000 / Math.max(queries, 1)) * 100) / 100,
    providerRequests: requests,
    cibadminMs: tool.map((x) => Math.round(x)),
    ...(out.error ? { error: out.error, stderr: r.stderr.slice(-500) } : {}),
  };
}

const small = await pass(readFileSync('test/client/ipc-provider/data/small-cib.xml', 'utf8'), 1);
const large = await pass(makeCib(5 * 1024 * 1024), 5);
console.log(JSON.stringify({ small, large }));
process.exit(0);
