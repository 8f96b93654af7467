// The command tree end to end in one process: argv → commander → command →
// the real Client over an in-memory pair → a scripted executor, and back.
import t from 'tap';
import { runCli, type CliDeps } from '../../src/cli/program.js';
import { connectClient, resolvePort, type ConnectOptions } from '../../src/client/connect.js';
import { createMemoryPair } from '../../src/transport/memory.js';
import { createPskTlsServer } from '../../src/transport/psk-tls.js';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type AddressInfo, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { hex, loadVectors } from '../helpers/vectors.js';
import { FakeExecutor } from './fixtures/fake-executor.js';

async function* none(): AsyncGenerator<Uint8Array> {}

function setup(env: NodeJS.ProcessEnv = {}) {
  const executor = new FakeExecutor();
  const connects: ConnectOptions[] = [];
  let out: string[] = [];
  let err: string[] = [];
  const deps = (extra: Partial<CliDeps> = {}): CliDeps => ({
    connect: (o) => {
      connects.push(o);
      return connectClient({
        ...o,
        transport: async () => {
          const [client, server] = createMemoryPair();
          executor.attach(server);
          return client;
        },
      });
    },
    env,
    input: none(),
    out: (l) => out.push(l),
    err: (l) => err.push(l),
    ...extra,
  });
  const run = async (...argv: string[]) => {
    out = [];
    err = [];
    const code = await runCli(argv, deps());
    return { code, out, err };
  };
  return { executor, connects, run, deps, lines: () => ({ out, err }) };
}

t.test('a resource life cycle through the command line', async (t) => {
  const { executor, run } = setup();
  t.match(await run('poke'), { code: 0, out: [/^poke: ok in [\d.]+ ms$/], err: [] });
  t.match(await run('info', 'd1'), { code: 1, out: [], err: [/^pcmk-remote: NOT_REGISTERED: /] });
  t.match(await run('register', 'd1', 'ocf:pacemaker:Dummy'), { code: 0, out: ['registered: d1 ocf:pacemaker:Dummy'] });
  t.match(executor.requests.at(-1), { op: 'lrmd_rsc_register', callOptions: 0 }, 'no drop-recurring unless asked');
  t.match(await run('register', 'd0', 'ocf:pacemaker:Dummy', '--drop-recurring'), { code: 0 });
  t.match(executor.requests.at(-1), { op: 'lrmd_rsc_register', callOptions: 3 });
  t.match(await run('info', 'd1', '--json'), { code: 0, out: ['{"rscId":"d1","standard":"ocf","provider":"pacemaker","agent":"Dummy"}'] });

  executor.result = (req) => (req.action === 'monitor' && req.interval === 0 ? { execRc: 7 } : {});
  t.match(await run('exec', 'd1', 'monitor', '--wait'), { code: 0, out: [/^call-id: \d+$/, 'rc: 7 (not-running)', 'status: 0 (done)'] });
  t.match(await run('exec', 'd1', 'start', '--wait', '--param', 'state=/tmp/x', '--param', 'fake=1'), { code: 0, out: [/^call-id/, 'rc: 0 (ok)', 'status: 0 (done)'] });
  t.match(executor.requests.at(-1), { op: 'lrmd_rsc_exec', action: 'start', params: { state: '/tmp/x', fake: '1' }, actionTimeout: 20000, interval: 0 });
  const started = await run('--json', 'exec', 'd1', 'start', '--wait');
  t.match(JSON.parse(started.out[0]!), { rscId: 'd1', action: 'start', rc: 0, rcName: 'ok', status: 0, statusName: 'done', callId: Number });
  t.match(await run('exec', 'd1', 'monitor', '--interval', '1000', '--timeout', '5000', '--start-delay', '10'), { code: 0, out: [/^call-id: \d+$/] });
  t.match(executor.requests.at(-1), { op: 'lrmd_rsc_exec', interval: 1000, actionTimeout: 5000, startDelay: 10 });
  t.match(await run('recurring'), { code: 0, out: ['d1 monitor interval=1000 timeout=5000', 'd0 -'] });
  t.match(await run('recurring', 'd1', '--json'), { code: 0, out: ['[{"rscId":"d1","ops":[{"action":"monitor","interval":1000,"timeout":5000}]}]'] });
  t.match(await run('recurring', 'nope'), { code: 1, err: [/^pcmk-remote: ENODEV: /] });
  t.match(await run('cancel', 'd1', 'monitor', '1000'), { code: 0, out: ['cancelled: d1 monitor 1000'] });
  t.match(await run('cancel', 'd1', 'monitor', '1000'), { code: 1, err: [/^pcmk-remote: EOPNOTSUPP: /] });
  t.match(await run('exec', 'nope', 'start'), { code: 1, out: [], err: [/^pcmk-remote: ENODEV: /] });
  t.match(await run('unregister', 'd1'), { code: 0, out: ['unregistered: d1'] });
  t.match(await run('alert', 'a1', '/bin/true', '--param', 'CRM_alert_kind=node', '--timeout', '700'), { code: 0, out: ['alert: a1 started'] });
  t.match(executor.requests.at(-1), { op: 'lrmd_alert_exec', alertId: 'a1', alertPath: '/bin/true', alertTimeout: 700, params: { CRM_alert_kind: 'node' } });
});

t.test('option placement: global before the command, --timeout after exec/alert is the agent timeout', async (t) => {
  const { executor, connects, run } = setup({ PCMK_remote_port: '4444' });
  await run('register', 'd1', 'lsb:x');
  await run('--timeout', '1234', '--host', 'h1', 'exec', 'd1', 'start', '--timeout', '5000');
  t.match(connects.at(-1), { host: 'h1', defaultTimeoutMs: 1234, registerTimeoutMs: 1234 });
  t.match(executor.requests.at(-1), { op: 'lrmd_rsc_exec', actionTimeout: 5000 });
  t.equal(resolvePort(connects.at(-1)!.port, connects.at(-1)!.env), 4444, 'PCMK_remote_port from the environment');
  await run('poke', '--timeout', '321', '--port', '9', '--authkey', '/k', '--host', 'h2');
  t.match(connects.at(-1), { host: 'h2', port: 9, authkey: { path: '/k' }, defaultTimeoutMs: 321 });
  await run('--host', 'h3', 'alert', 'a', '/p', '--timeout', '99');
  t.match(connects.at(-1), { host: 'h3', defaultTimeoutMs: 10_000 });
  t.match(executor.requests.at(-1), { alertTimeout: 99 });
  t.match(await run('--json', 'poke'), { code: 0, out: [/^\{"ok":true/] });
});

t.test('usage errors exit 2 with one stderr line', async (t) => {
  const { run, connects } = setup();
  for (const argv of [
    ['bogus'],
    ['info'],
    ['register', 'd1'],
    ['register', 'd1', 'ocf:Dummy'],
    ['exec', 'd1', 'start', '--interval', 'soon'],
    ['exec', 'd1', 'start', '--param'],
    ['exec', 'd1', 'start', '--param', 'novalue'],
    ['cancel', 'd1', 'monitor'],
    ['--port', '0', 'poke'],
    ['poke', '--timeout', 'x'],
    ['poke', '--frobnicate'],
    ['poke', 'extra'],
  ]) {
    const r = await run(...argv);
    t.equal(r.code, 2, argv.join(' '));
    t.equal(r.err.length, 1, 'one line');
    t.match(r.err[0], /^pcmk-remote: USAGE: /);
    t.same(r.out, []);
  }
  t.same(connects, [], 'nothing connected');
  const help = await run('--help');
  t.equal(help.code, 0);
  t.ok(help.out.some((l) => /Exit status/.test(l)));
  const sub = await run('exec', '--help');
  t.equal(sub.code, 0);
  t.ok(sub.out.some((l) => /--wait/.test(l)));
  t.equal((await run()).code, 2, 'no command: help on stderr, usage status');
});

t.test('watch through runCli: lines, then SIGINT (the signal) ends it with 0', async (t) => {
  const { executor, deps, lines } = setup();
  const ac = new AbortController();
  const done = runCli(['watch'], deps({ signal: ac.signal }));
  // Wait for the watch connection (its register), then notify.
  while (!executor.requests.some((r) => r.op === 'register')) await new Promise((r) => setTimeout(r, 5));
  await new Promise((r) => setTimeout(r, 10));
  executor.broadcast({ kind: 'notify', msgId: 0, op: 'lrmd_rsc_new_client' });
  executor.broadcast({ kind: 'notify', msgId: 0, op: 'lrmd_rsc_poke', rc: 0 });
  await new Promise((r) => setTimeout(r, 30));
  ac.abort();
  t.equal(await done, 0);
  t.same(lines().out, ['new-client', 'poke rc=0']);
  t.same(lines().err, []);
});

t.test('watch through runCli: the executor going away exits 3', async (t) => {
  const { executor, deps, lines } = setup();
  const done = runCli(['--json', 'watch'], deps({ signal: new AbortController().signal }));
  while (!executor.requests.some((r) => r.op === 'register')) await new Promise((r) => setTimeout(r, 5));
  await new Promise((r) => setTimeout(r, 10));
  executor.broadcast({ kind: 'notify', msgId: 0, op: 'lrmd_rsc_poke', rc: 0 });
  await new Promise((r) => setTimeout(r, 30));
  executor.dropAll();
  t.equal(await done, 3);
  t.match(JSON.parse(lines().out[0]!), { kind: 'notify', op: 'lrmd_rsc_poke', rc: 0 });
  t.match(lines().err, [/^pcmk-remote: CONNECTION_LOST: /]);
});

t.test('a request the executor never answers: timeout, exit 4', async (t) => {
  const { executor, run } = setup();
  executor.override = (req) => (req.op === 'lrmd_rsc_info' ? { silent: true } : undefined);
  const t0 = Date.now();
  t.match(await run('--timeout', '100', 'info', 'd1'), { code: 4, err: [/^pcmk-remote: TIMEOUT: /] });
  t.ok(Date.now() - t0 < 5000);
  executor.override = (req) => (req.op === 'register' ? { reply: { rc: -71, op: 'register' } } : undefined);
  t.match(await run('poke'), { code: 3, err: [/^pcmk-remote: REGISTER_FAILED: /] });
});

t.test('decode is still there', async (t) => {
  const { deps } = setup();
  const out: string[] = [];
  const captured = loadVectors('captured-2.1.5.json')!;
  const bytes = hex(captured.vectors[0]!.hex);
  async function* input() {
    yield bytes;
  }
  const code = await runCli(['decode'], deps({ input: input(), out: (l) => out.push(l) }));
  t.equal(code, 0);
  t.match(JSON.parse(out[0]!), { frame: 1, kind: String });
  t.equal(await runCli(['decode', '--max-frame-size', '0'], deps()), 2);
});

t.test('real connectClient over PSK-TLS loopback: key, refusal and timeout errors', async (t) => {
  const work = mkdtempSync(join(tmpdir(), 'pcmk-cli-'));
  t.teardown(() => rmSync(work, { recursive: true, force: true }));
  const key = randomBytes(64);
  writeFileSync(join(work, 'key'), key);
  writeFileSync(join(work, 'wrong'), randomBytes(64));
  writeFileSync(join(work, 'empty'), '');
  const executor = new FakeExecutor();
  const server = createPskTlsServer({ key }, (s) => executor.attach(s));
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  // Accepts TCP and never says a word: the TLS handshake times out.
  const sockets: Socket[] = [];
  const mute = createServer((s) => sockets.push(s));
  await new Promise<void>((r) => mute.listen(0, '127.0.0.1', r));
  t.teardown(() => {
    executor.dropAll();
    server.close();
    for (const s of sockets) s.destroy();
    mute.close();
  });
  const port = String((server.address() as AddressInfo).port);
  const mutePort = String((mute.address() as AddressInfo).port);
  const run = async (argv: string[], env: NodeJS.ProcessEnv = {}) => {
    const out: string[] = [];
    const err: string[] = [];
    const code = await runCli(argv, { connect: connectClient, env, input: none(), out: (l) => out.push(l), err: (l) => err.push(l) });
    return { code, out, err };
  };
  t.match(await run(['--port', port, '--authkey', join(work, 'key'), 'poke']), { code: 0, out: [/^poke: ok/] });
  t.match(await run(['poke'], { PCMK_remote_port: port, PCMK_authkey_location: join(work, 'key') }), { code: 0 }, 'environment');
  t.match(await run(['--port', port, '--authkey', join(work, 'wrong'), 'poke']), { code: 3, err: [/^pcmk-remote: TLS_HANDSHAKE_FAILED: /] });
  t.match(await run(['--port', port, '--authkey', join(work, 'absent'), 'poke']), { code: 3, err: [/^pcmk-remote: AUTHKEY_MISSING: /] });
  t.match(await run(['--port', port, '--authkey', join(work, 'empty'), 'poke']), { code: 3, err: [/^pcmk-remote: AUTHKEY_EMPTY: /] });
  t.match(await run(['--port', '1', '--authkey', join(work, 'key'), 'poke']), { code: 3, err: [/^pcmk-remote: CONNECT_FAILED: /] });
  t.match(await run(['--timeout', '300', '--port', mutePort, '--authkey', join(work, 'key'), 'poke']), { code: 4, err: [/^pcmk-remote: TLS_HANDSHAKE_TIMEOUT: /] });
  const ac = new AbortController();
  const pending = runCli(['--port', mutePort, '--authkey', join(work, 'key'), 'poke'], { connect: connectClient, env: {}, signal: ac.signal, input: none(), out: () => {}, err: () => {} });
  setTimeout(() => ac.abort(), 100);
  t.equal(await pending, 130, 'interrupted while connecting');
});
