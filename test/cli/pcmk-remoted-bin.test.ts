// The pcmk-remoted executable as a process with the real daemon: the
// listening line, a client round trip, the status endpoint, SIGTERM and
// SIGINT, start failures, and `npm start`.
import t from 'tap';
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { connectClient } from '../../src/client/connect.js';
import { childEnv } from '../helpers/child-env.js';

const repo = fileURLToPath(new URL('../../', import.meta.url));
const work = mkdtempSync(join(tmpdir(), 'pcmk-remoted-bin-'));
t.teardown(() => rmSync(work, { recursive: true, force: true }));
const keyFile = join(work, 'authkey');
writeFileSync(keyFile, randomBytes(256), { mode: 0o600 });

interface Proc {
  child: ChildProcessWithoutNullStreams;
  out: string[];
  err: () => string[];
  /** The listening line, or rejects when the process ends first. */
  listening: Promise<string>;
  exit: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

function start(cmd: string, args: string[], env: NodeJS.ProcessEnv = {}): Proc {
  // A bridge of its own: test daemons must not compete for the machine's default socket.
  const child = spawn(cmd, args, { cwd: repo, env: { ...childEnv, PCMK_REMOTE_BRIDGE: join(work, 'bridge.sock'), ...env } });
  let stdout = '';
  let stderr = '';
  const out: string[] = [];
  const exit = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.on('close', (code, signal) => resolve({ code, signal })));
  const listening = new Promise<string>((resolve, reject) => {
    child.stdout.on('data', (d: Buffer) => {
      stdout += d.toString();
      out.splice(0, out.length, ...stdout.split('\n').filter(Boolean));
      const line = out.find((l) => l.startsWith('pcmk-remoted listening on '));
      if (line) resolve(line);
    });
    void exit.then(({ code }) => reject(new Error(`exited ${code} before listening; stderr: ${stderr}`)));
  });
  listening.catch(() => {});
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  return { child, out, err: () => stderr.split('\n').filter(Boolean), listening, exit };
}

const daemon = (args: string[], env?: NodeJS.ProcessEnv): Proc => start(process.execPath, ['--import', 'tsx', 'src/cli/pcmk-remoted.ts', ...args], env);

function get(port: number, path: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    http
      .get({ host: '127.0.0.1', port, path, agent: false }, (res) => {
        let body = '';
        res.on('data', (d: Buffer) => (body += d.toString()));
        res.on('end', () => resolve({ status: res.statusCode!, body }));
      })
      .on('error', reject);
  });
}

const portOf = (line: string): number => Number(/ on 127\.0\.0\.1:(\d+) /.exec(line)![1]);

t.test('listens, serves a client, reports status, stops on SIGTERM with 0', { timeout: 60_000 }, async (t) => {
  const p = daemon(['--address', '127.0.0.1', '--port', '0', '--authkey', keyFile, '--status-port', '0', '--log-level', 'debug']);
  t.teardown(() => p.child.kill('SIGKILL'));
  const line = await p.listening;
  t.match(line, new RegExp(`^pcmk-remoted listening on 127\\.0\\.0\\.1:\\d+ \\(psk, key ${keyFile}; status 127\\.0\\.0\\.1:\\d+\\)$`));
  const port = portOf(line);
  const statusPort = Number(/status 127\.0\.0\.1:(\d+)/.exec(line)![1]);

  const client = await connectClient({ host: '127.0.0.1', port, authkey: { path: keyFile }, clientName: 'bin-test' });
  await client.poke();
  await client.registerResource({ rscId: 'd1', standard: 'ocf', provider: 'pacemaker', agent: 'Dummy' });
  const s = await get(statusPort, '/status');
  t.equal(s.status, 200);
  const st = JSON.parse(s.body) as { listening: { port: number }; connections: Array<{ name?: string }>; executor: { resources: Array<{ rscId: string }> } };
  t.equal(st.listening.port, port);
  t.match(st.connections, [{ name: 'bin-test' }]);
  t.match(st.executor.resources, [{ rscId: 'd1' }]);
  t.match(await get(statusPort, '/healthz'), { status: 200, body: 'ok' });
  client.close();

  p.child.kill('SIGTERM');
  t.same(await p.exit, { code: 0, signal: null });
  t.same(p.out, [line], 'exactly one line on stdout');
  const logs = p.err().map((l) => JSON.parse(l) as { level: string; msg: string });
  t.ok(logs.some((l) => l.msg === 'client registered'), 'structured logs on stderr');
  t.ok(logs.some((l) => l.level === 'debug'), 'debug level honoured');
  t.equal(logs.at(-1)?.msg, 'stopped');
});

t.test('SIGINT also stops cleanly; a repeat within a second does not force', { timeout: 60_000 }, async (t) => {
  const p = daemon(['--address', '127.0.0.1', '--port', '0', '--authkey', keyFile, '--log-level', 'silent']);
  t.teardown(() => p.child.kill('SIGKILL'));
  await p.listening;
  p.child.kill('SIGINT');
  p.child.kill('SIGINT');
  t.same(await p.exit, { code: 0, signal: null });
  t.same(p.err(), []);
});

t.test('start failures: one line on stderr, non-zero exit', { timeout: 60_000 }, async (t) => {
  const busy = net.createServer();
  await new Promise<void>((r) => busy.listen(0, '127.0.0.1', r));
  t.teardown(() => busy.close());
  const port = (busy.address() as net.AddressInfo).port;

  let p = daemon(['--address', '127.0.0.1', '--port', String(port), '--authkey', keyFile]);
  let e = await p.exit;
  t.equal(e.code, 1, 'port in use');
  t.same(p.out, []);
  t.equal(p.err().length, 1);
  t.match(p.err()[0], /^pcmk-remoted: cannot start: .*EADDRINUSE/);

  p = daemon(['--port', '0', '--authkey', join(work, 'missing')]);
  e = await p.exit;
  t.equal(e.code, 1, 'no key');
  t.match(p.err(), [/^pcmk-remoted: cannot start: AUTHKEY_MISSING: /]);
  t.equal(p.err().length, 1);

  p = daemon(['--port', 'nope']);
  t.equal((await p.exit).code, 2, 'usage');
  t.match(p.err(), [/^pcmk-remoted: USAGE: /]);
});

t.test('--dev-key: a temporary key the client can use, removed at exit', { timeout: 60_000 }, async (t) => {
  const p = daemon(['--address', '127.0.0.1', '--port', '0', '--dev-key', '--log-level', 'silent'], { PCMK_authkey_location: '' });
  t.teardown(() => p.child.kill('SIGKILL'));
  const line = await p.listening;
  const path = /key (\S+)\)$/.exec(line)![1]!;
  t.equal(statSync(path).mode & 0o777, 0o600);
  const client = await connectClient({ host: '127.0.0.1', port: portOf(line), authkey: { path } });
  await client.poke();
  client.close();
  t.match(p.err(), [/^pcmk-remoted: development key .*; try: npx tsx src\/cli\/pcmk-remote\.ts --port \d+ --authkey \S+ poke$/]);
  p.child.kill('SIGTERM');
  t.equal((await p.exit).code, 0);
  t.notOk(existsSync(path));
});

t.test('npm start: 127.0.0.1 with a dev key, no build needed', { timeout: 90_000 }, async (t) => {
  const key = join(work, 'npm-start', 'authkey');
  const p = start('npm', ['start', '--silent', '--', '--port', '0', '--dev-key', key, '--log-level', 'silent'], { PCMK_authkey_location: '' });
  t.teardown(() => p.child.kill('SIGKILL'));
  const line = await p.listening;
  t.match(line, `(psk, key ${key})`);
  const client = await connectClient({ host: '127.0.0.1', port: portOf(line), authkey: { path: key } });
  await client.poke();
  client.close();
  t.ok(p.err().some((l) => l.includes(`--authkey ${key} poke`)), 'prints how to point the client at it');
  p.child.kill('SIGTERM');
  t.equal((await p.exit).code, 0);
  t.ok(existsSync(key), 'the dev key is kept for the next start');
});
