// The pcmk-remote executable as a process, against a scripted executor on
// PSK-TLS loopback: real argv, environment, streams, SIGINT and exit status.
import t from 'tap';
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createPskTlsServer } from '../../src/transport/psk-tls.js';
import { childEnv } from '../helpers/child-env.js';
import { FakeExecutor } from './fixtures/fake-executor.js';

const repo = fileURLToPath(new URL('../../', import.meta.url));
const work = mkdtempSync(join(tmpdir(), 'pcmk-cli-'));
t.teardown(() => rmSync(work, { recursive: true, force: true }));
const key = randomBytes(256);
const keyFile = join(work, 'authkey');
const wrongKey = join(work, 'wrong');
writeFileSync(keyFile, key, { mode: 0o600 });
writeFileSync(wrongKey, randomBytes(256), { mode: 0o600 });

const executor = new FakeExecutor();
const server = createPskTlsServer({ key }, (s) => executor.attach(s));
await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
const port = (server.address() as AddressInfo).port;
t.teardown(() => {
  executor.dropAll();
  server.close();
});

interface Run {
  code: number | null;
  signal: NodeJS.Signals | null;
  out: string[];
  err: string[];
}

function cli(args: string[], env: NodeJS.ProcessEnv = {}, during?: (pid: number, out: string[]) => Promise<void>): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli/pcmk-remote.ts', ...args], { cwd: repo, env: { ...childEnv, ...env } });
    let stdout = '';
    let stderr = '';
    const out: string[] = [];
    child.stdout.on('data', (d: Buffer) => {
      stdout += d.toString();
      out.splice(0, out.length, ...stdout.split('\n').filter(Boolean));
    });
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    child.on('close', (code, signal) => resolve({ code, signal, out: stdout.split('\n').filter(Boolean), err: stderr.split('\n').filter(Boolean) }));
    if (during) during(child.pid!, out).catch(reject);
  });
}

const conn = ['--port', String(port), '--authkey', keyFile];

t.test('poke, register, exec --wait with params, as processes', { timeout: 60_000 }, async (t) => {
  t.match(await cli([...conn, 'poke']), { code: 0, out: [/^poke: ok in/], err: [] });
  t.match(await cli([...conn, 'register', 'd1', 'ocf:pacemaker:Dummy']), { code: 0, out: ['registered: d1 ocf:pacemaker:Dummy'] });
  const r = await cli([...conn, '--json', 'exec', 'd1', 'start', '--wait', '--param', 'state=/tmp/s']);
  t.equal(r.code, 0);
  t.match(JSON.parse(r.out[0]!), { rscId: 'd1', action: 'start', rc: 0, status: 0 });
  t.match(executor.requests.at(-1), { op: 'lrmd_rsc_exec', params: { state: '/tmp/s' } });
});

t.test('key and port from the environment', { timeout: 60_000 }, async (t) => {
  const r = await cli(['poke'], { PCMK_remote_port: String(port), PCMK_authkey_location: keyFile });
  t.match(r, { code: 0, out: [/^poke: ok/] });
});

t.test('failures: wrong key exits 3, usage 2', { timeout: 60_000 }, async (t) => {
  const wrong = await cli(['--port', String(port), '--authkey', wrongKey, 'poke']);
  t.match(wrong, { code: 3, out: [], err: [/^pcmk-remote: TLS_HANDSHAKE_FAILED: /] });
  t.equal(wrong.err.length, 1);
  t.match(await cli(['exec']), { code: 2, err: [/^pcmk-remote: USAGE: /] });
});

t.test('--tls-engine picks the PSK engine (spec/protocol.md §4.9)', { timeout: 60_000 }, async (t) => {
  // The scripted executor listens with node:tls, so the built-in client engine is what is tested here.
  t.match(await cli([...conn, '--tls-engine', 'builtin', 'poke']), { code: 0, out: [/^poke: ok in/] });
  t.match(await cli([...conn, '--tls-engine', 'node', 'poke']), { code: 0, out: [/^poke: ok in/] });
  const long = join(work, 'long-key');
  writeFileSync(long, randomBytes(4096), { mode: 0o600 });
  t.match(await cli(['--port', String(port), '--authkey', long, '--tls-engine', 'node', 'poke']), { code: 3, err: [/^pcmk-remote: PSK_TOO_LONG: /] });
  t.match(await cli([...conn, '--tls-engine', 'openssl', 'poke']), { code: 2, err: [/^pcmk-remote: USAGE: --tls-engine/] });
});

t.test('watch streams until SIGINT, then exits 0', { timeout: 60_000 }, async (t) => {
  const before = executor.requests.length;
  const r = await cli([...conn, 'watch'], {}, async (pid, out) => {
    // Connected once its register arrived; then notify and interrupt.
    while (!executor.requests.slice(before).some((q) => q.op === 'register')) await new Promise((res) => setTimeout(res, 20));
    await new Promise((res) => setTimeout(res, 100));
    executor.broadcast({ kind: 'notify', msgId: 0, op: 'lrmd_rsc_register', rc: 0, rscId: 'd9' });
    executor.broadcast({ kind: 'notify', msgId: 0, op: 'lrmd_rsc_poke', rc: 0 });
    for (let i = 0; i < 200 && out.length < 2; i++) await new Promise((res) => setTimeout(res, 20));
    process.kill(pid, 'SIGINT');
  });
  t.match(r, { code: 0, signal: null, out: ['register d9 rc=0', 'poke rc=0'], err: [] });
});
