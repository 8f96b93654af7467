// Graceful shutdown through the cluster (§8.9, §8.14): no provider, nack,
// ack then disconnect, the wait limit; and the real pcmk-remoted on SIGTERM.
import t, { type Test } from 'tap';
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createRemoteDaemon } from '../../../src/server/index.js';
import { connectPskTls } from '../../../src/transport/psk-tls.js';
import { childEnv } from '../../helpers/child-env.js';
import { until } from '../session/raw-peer.js';
import { FakeProvider, type FakeProviderOptions } from './fake-provider.js';

const key = randomBytes(32);

async function rig(t: Test, po: FakeProviderOptions, waitMs?: number) {
  const daemon = await createRemoteDaemon({ key, address: '127.0.0.1', port: 0, ...(waitMs !== undefined ? { shutdownWaitMs: waitMs } : {}) });
  t.teardown(() => daemon.close());
  const { port } = await daemon.listen();
  const p = await FakeProvider.connect(await connectPskTls({ host: '127.0.0.1', port, key }), po);
  t.teardown(() => p.close());
  await until(() => daemon.proxy.providers.length === 1);
  return { daemon, port, p };
}

t.test('no provider: stops at once', async (t) => {
  const daemon = await createRemoteDaemon({ key, address: '127.0.0.1', port: 0 });
  await daemon.listen();
  t.equal(await daemon.shutdown(), 'no-provider');
  t.equal(await daemon.shutdown(), 'no-provider', 'the same promise');
});

t.test('nack: stops at once', async (t) => {
  const { daemon, p } = await rig(t, { shutdown: 'nack' });
  const requested = new Promise((r) => daemon.once('shutdownRequested', r));
  t.equal(await daemon.shutdown(), 'nack');
  t.match(await requested, { provider: p.clientId });
  t.match(p.received.find((m) => m.ipcOp === 'shutdown_req'), { session: '0' });
});

t.test('ack: stops listening, serves until the provider leaves', async (t) => {
  const { daemon, port, p } = await rig(t, { shutdown: 'ack' });
  let outcome: string | undefined;
  const done = daemon.shutdown().then((o) => (outcome = o));
  await until(() => p.rcs.length > 0);
  t.equal(daemon.status().shuttingDown, true);
  await t.rejects(connectPskTls({ host: '127.0.0.1', port, key, connectTimeoutMs: 3000 }), 'no new connections');
  t.equal(daemon.acceptStream((await import('../../../src/transport/memory.js')).createMemoryPair()[1]), false);
  // Sessions still work while the cluster stops resources.
  await daemon.proxy.setAttribute('during', 'shutdown');
  await new Promise((r) => setTimeout(r, 200));
  t.equal(outcome, undefined, 'still running');
  p.close();
  await done;
  t.equal(outcome, 'acked');
});

t.test('providers gone without an answer; the wait limit', async (t) => {
  const a = await rig(t, { shutdown: 'ignore' });
  const d1 = a.daemon.shutdown();
  await until(() => a.p.received.some((m) => m.ipcOp === 'shutdown_req'));
  a.p.close();
  t.equal(await d1, 'providers-gone');
  const b = await rig(t, { shutdown: 'ignore' }, 300);
  t.equal(await b.daemon.shutdown(), 'timeout');
});

/** Start the real bin; resolves with the process and its port. */
async function startBin(t: Test) {
  const dir = mkdtempSync(join(tmpdir(), 'pcmk-shutdown-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  const keyFile = join(dir, 'authkey');
  writeFileSync(keyFile, key, { mode: 0o600 });
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli/pcmk-remoted.ts', '--address', '127.0.0.1', '--port', '0', '--authkey', keyFile, '--no-bridge', '--log-level', 'info'], {
    env: childEnv,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  t.teardown(() => {
    if (child.exitCode === null) child.kill('SIGKILL');
  });
  let out = '';
  let err = '';
  child.stdout.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr.on('data', (d: Buffer) => (err += d.toString()));
  const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
  await until(() => /listening on /.test(out) || child.exitCode !== null, 120_000);
  const port = Number(/:(\d+) /.exec(out)?.[1]);
  return { child, port, exited, log: () => err };
}

t.test('pcmk-remoted on SIGTERM: ack, wait, exit when the cluster disconnects', async (t) => {
  const { child, port, exited, log } = await startBin(t);
  const p = await FakeProvider.connect(await connectPskTls({ host: '127.0.0.1', port, key }), { shutdown: 'ack' });
  t.teardown(() => p.close());
  child.kill('SIGTERM');
  await until(() => p.received.some((m) => m.ipcOp === 'shutdown_req'), 60_000);
  await new Promise((r) => setTimeout(r, 500));
  t.equal(child.exitCode, null, 'still waiting for the cluster');
  p.close();
  t.equal(await exited, 0);
  t.match(log(), /"outcome":"acked"/);
});

t.test('pcmk-remoted on SIGTERM: nack exits at once', async (t) => {
  const { child, port, exited } = await startBin(t);
  const p = await FakeProvider.connect(await connectPskTls({ host: '127.0.0.1', port, key }), { shutdown: 'nack' });
  t.teardown(() => p.close());
  child.kill('SIGTERM');
  t.equal(await exited, 0);
});
