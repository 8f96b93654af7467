// Our daemon for bench/daemon.bench.ts, in its own process: PSK from a key
// file, 127.0.0.1, a free port, OCF agents under the given root, and one
// in-process agent ocf:bench:inproc that succeeds at once (§11.10).
// Usage: node --expose-gc daemon-server.js keyfile ocf-root
// Prints {"port":N} when listening; then answers lines on standard input:
// `mem` (after gc: heapUsed, rss), `cpu` (process CPU µs and wall µs),
// `status` (resources, recurring). End of input closes the daemon.
import { readFileSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { createRemoteDaemon } from '../src/server/daemon.js';

const [keyFile, ocfRoot] = process.argv.slice(2);
if (!keyFile || !ocfRoot) throw new Error('usage: daemon-server keyfile ocf-root');
const gc = (globalThis as { gc?: () => void }).gc ?? ((): void => {});

const daemon = await createRemoteDaemon({ key: readFileSync(keyFile), address: '127.0.0.1', port: 0, agents: { ocfRoot } });
const ok = (): number => 0;
daemon.agents.define('ocf', 'bench', 'inproc', { start: ok, stop: ok, monitor: ok });
const { port } = await daemon.listen();
const say = (o: unknown): boolean => process.stdout.write(`${JSON.stringify(o)}\n`);
say({ port });

const lines = createInterface({ input: process.stdin });
lines.on('line', (cmd) => {
  if (cmd === 'mem') {
    gc();
    gc();
    const m = process.memoryUsage();
    say({ heapUsed: m.heapUsed, rss: m.rss });
  } else if (cmd === 'cpu') {
    const c = process.cpuUsage();
    say({ cpuUs: c.user + c.system, wallUs: Number(process.hrtime.bigint() / 1000n) });
  } else if (cmd === 'status') {
    const s = daemon.executor.status();
    say({ resources: s.resources.length });
  } else {
    say({ error: `unknown command ${cmd}` });
  }
});
lines.on('close', () => {
  void daemon.close().then(() => process.exit(0));
});
