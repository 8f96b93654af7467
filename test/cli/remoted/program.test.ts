// The pcmk-remoted program with a fake daemon: what the daemon receives,
// the listening line, the status endpoint, shutdown, and start failures.
import t from 'tap';
import { EventEmitter } from 'node:events';
import http from 'node:http';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { makePki, opensslUnavailable } from '../../transport/fixtures/x509/make-pki.js';
import { clientHint, hostPort, runRemoted, type DaemonStartOptions, type RemotedDeps } from '../../../src/cli/remoted/program.js';

const work = mkdtempSync(join(tmpdir(), 'pcmk-remoted-prog-'));
t.teardown(() => rmSync(work, { recursive: true, force: true }));
const keyFile = join(work, 'authkey');
writeFileSync(keyFile, 'secret-key');

class FakeDaemon extends EventEmitter {
  closed = 0;
  readonly defined: string[] = [];
  readonly agents = {
    define: (standard: string, provider: string | undefined, type: string): void => {
      if (type === 'Taken') throw new Error(`agent ${standard}:${provider}:${type} is already defined`);
      this.defined.push(`${standard}:${provider ?? ''}:${type}`);
    },
  };
  constructor(
    readonly options: DaemonStartOptions,
    private readonly failListen?: Error,
    private readonly failClose?: Error,
  ) {
    super();
  }
  listen(): Promise<{ address: string; port: number }> {
    if (this.failListen) return Promise.reject(this.failListen);
    return Promise.resolve({ address: this.options.address ?? '::', port: this.options.port || 45678 });
  }
  close(): Promise<void> {
    this.closed++;
    return this.failClose ? Promise.reject(this.failClose) : Promise.resolve();
  }
  status(): unknown {
    return { uptimeSec: 5, connections: [], pendingHandshakes: 0, executor: { resources: [] } };
  }
}

interface Run {
  code: Promise<number>;
  out: string[];
  err: string[];
  logs: Array<Record<string, unknown>>;
  daemons: FakeDaemon[];
  stop(): void;
  /** Resolves with the listening line. */
  listening(): Promise<string>;
}

function run(argv: string[], env: NodeJS.ProcessEnv = {}, extra: Partial<RemotedDeps> & { failListen?: Error; failClose?: Error } = {}): Run {
  const ctl = new AbortController();
  const out: string[] = [];
  const err: string[] = [];
  const logs: Array<Record<string, unknown>> = [];
  const daemons: FakeDaemon[] = [];
  let onLine: ((l: string) => void) | undefined;
  const code = runRemoted(argv, {
    env,
    out: (l) => {
      out.push(l);
      onLine?.(l);
    },
    err: (l) => err.push(l),
    signal: ctl.signal,
    logStream: { write: (s: string) => void logs.push(JSON.parse(s) as Record<string, unknown>) },
    createDaemon: async (o) => {
      const d = new FakeDaemon(o, extra.failListen, extra.failClose);
      daemons.push(d);
      return d;
    },
    ...extra,
  });
  return {
    code,
    out,
    err,
    logs,
    daemons,
    stop: () => ctl.abort('SIGTERM'),
    listening: () =>
      new Promise((resolve, reject) => {
        const found = out.find((l) => l.startsWith('pcmk-remoted listening'));
        if (found) return resolve(found);
        onLine = (l) => l.startsWith('pcmk-remoted listening') && resolve(l);
        void code.then((c) => reject(new Error(`exited ${c} before listening: ${err.join(' | ')}`)));
      }),
  };
}

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

t.test('--authkey: the daemon gets key, address, port, env, logger; one line; SIGTERM exits 0', async (t) => {
  const env = { SOME: 'x' };
  const r = run(['--authkey', keyFile, '--address', '127.0.0.1', '--port', '0', '--ocf-root', '/opt/ocf'], env);
  t.equal(await r.listening(), `pcmk-remoted listening on 127.0.0.1:45678 (psk, key ${keyFile})`);
  const d = r.daemons[0]!;
  t.same(Buffer.from(d.options.key!), Buffer.from('secret-key'));
  t.match(d.options, { address: '127.0.0.1', port: 0, env, agents: { ocfRoot: '/opt/ocf' } });
  t.notOk('x509' in d.options);
  t.type(d.options.logger?.info, 'function');
  t.same(r.err, [], 'nothing on stderr');
  d.emit('error', new Error('listener broke'));
  r.stop();
  t.equal(await r.code, 0);
  t.equal(d.closed, 1);
  t.equal(r.out.length, 1, 'exactly one line on stdout');
  t.same(
    r.logs.map((l) => l.msg),
    ['ready', 'daemon error', 'stop requested', 'stopped'],
  );
  t.match(r.logs[0], { level: 'info', address: '127.0.0.1', port: 45678, mode: 'psk', keyFile });
  t.match(r.logs[2], { reason: 'SIGTERM' });
});

t.test('--tls-engine reaches the daemon; absent, the daemon decides by key size', async (t) => {
  const r = run(['--authkey', keyFile, '--port', '0', '--tls-engine', 'builtin']);
  await r.listening();
  t.equal(r.daemons[0]!.options.engine, 'builtin');
  r.stop();
  t.equal(await r.code, 0);
  const d = run(['--authkey', keyFile, '--port', '0']);
  await d.listening();
  t.notOk('engine' in d.daemons[0]!.options);
  d.stop();
  t.equal(await d.code, 0);
});

t.test('address and port from the environment; default: every address, 3121', async (t) => {
  let r = run(['--authkey', keyFile], { PCMK_remote_address: '::1', PCMK_remote_port: '3300' });
  t.match(await r.listening(), /on \[::1\]:3300 /);
  r.stop();
  t.equal(await r.code, 0);
  r = run(['--authkey', keyFile], {});
  t.match(await r.listening(), /on \[::\]:3121 /);
  t.notOk('address' in r.daemons[0]!.options);
  t.equal(r.daemons[0]!.options.port, 3121);
  r.stop();
  t.equal(await r.code, 0);
});

t.test('PCMK_debug gives debug logs; --log-level wins', async (t) => {
  let r = run(['--authkey', keyFile], { PCMK_debug: 'true' });
  await r.listening();
  r.daemons[0]!.options.logger!.debug({ k: 1 }, 'dbg');
  r.stop();
  await r.code;
  t.ok(r.logs.some((l) => l.msg === 'dbg' && l.level === 'debug'));
  r = run(['--authkey', keyFile, '--log-level', 'warn'], { PCMK_debug: 'true' });
  await r.listening();
  r.daemons[0]!.options.logger!.info({}, 'hidden');
  r.stop();
  await r.code;
  t.same(r.logs, [], 'nothing below warn');
});

t.test('--dev-key FILE: created on first run, reused after, hint on stderr', async (t) => {
  const dev = join(work, 'dev', 'authkey');
  let r = run(['--dev-key', dev, '--address', '127.0.0.1', '--port', '3122'], {}, { clientCommand: 'npx tsx src/cli/pcmk-remote.ts' });
  t.equal(await r.listening(), `pcmk-remoted listening on 127.0.0.1:3122 (psk, key ${dev})`);
  t.equal(statSync(dev).mode & 0o777, 0o600);
  const key = readFileSync(dev);
  t.same(Buffer.from(r.daemons[0]!.options.key!), key);
  t.same(r.err, [`pcmk-remoted: development key ${dev}; try: npx tsx src/cli/pcmk-remote.ts --port 3122 --authkey ${dev} poke`]);
  t.ok(r.logs.some((l) => l.msg === 'generated a development key'));
  r.stop();
  t.equal(await r.code, 0);
  t.ok(existsSync(dev), 'a named dev key is kept');

  r = run(['--dev-key', dev, '--port', '3122'], {});
  await r.listening();
  t.same(Buffer.from(r.daemons[0]!.options.key!), key, 'same key on the next run');
  t.notOk(r.logs.some((l) => l.msg === 'generated a development key'));
  r.stop();
  await r.code;
});

t.test('--dev-key alone: a temporary key, removed at shutdown; an explicit key wins', async (t) => {
  let r = run(['--dev-key', '--port', '0'], {});
  const line = await r.listening();
  const path = /key (\S+)\)/.exec(line)![1]!;
  t.ok(existsSync(path));
  t.match(r.err[0], /--port 45678 --authkey .* poke$/);
  r.stop();
  t.equal(await r.code, 0);
  t.notOk(existsSync(path), 'temporary key removed');

  r = run(['--dev-key', '--authkey', keyFile], {});
  t.match(await r.listening(), `key ${keyFile})`);
  t.same(r.err, [], 'no dev hint for a configured key');
  r.stop();
  await r.code;
});

t.test('X.509 settings in the environment: the daemon gets certificates, not a key', { skip: opensslUnavailable }, async (t) => {
  const pki = makePki();
  t.teardown(() => rmSync(pki.dir, { recursive: true, force: true }));
  const r = run(['--dev-key'], { PCMK_ca_file: pki.ca, PCMK_cert_file: pki.server.cert, PCMK_key_file: pki.server.key });
  t.match(await r.listening(), `(x509, ca ${pki.ca})`);
  const o = r.daemons[0]!.options;
  t.notOk('key' in o);
  t.ok(o.x509 && Buffer.isBuffer(o.x509.cert));
  t.match(r.logs[0], { msg: 'ready', mode: 'x509', caFile: pki.ca });
  t.same(r.err, [], 'no dev key in X.509 mode');
  r.stop();
  t.equal(await r.code, 0);
});

t.test('status endpoint on a loopback port', async (t) => {
  const r = run(['--authkey', keyFile, '--status-port', '0'], {});
  const line = await r.listening();
  const m = /; status 127\.0\.0\.1:(\d+)\)$/.exec(line);
  t.ok(m, line);
  const port = Number(m![1]);
  const s = await get(port, '/status');
  t.equal(s.status, 200);
  t.match(JSON.parse(s.body), { uptimeSec: 5, connections: [] });
  t.match(await get(port, '/healthz'), { status: 200, body: 'ok' });
  t.match(await get(port, '/other'), { status: 404 });
  r.stop();
  t.equal(await r.code, 0);
  await t.rejects(get(port, '/healthz'), { code: 'ECONNREFUSED' }, 'endpoint closed with the daemon');
});

t.test('status endpoint on a Unix socket', async (t) => {
  const sock = join(work, 'st.sock');
  const r = run(['--authkey', keyFile, '--status-socket', sock], {});
  t.match(await r.listening(), `; status unix:${sock})`);
  t.equal(statSync(sock).mode & 0o777, 0o600);
  r.stop();
  t.equal(await r.code, 0);
  t.notOk(existsSync(sock));
});

t.test('start failures: one line on stderr, exit 1, daemon closed', async (t) => {
  let r = run(['--authkey', join(work, 'missing')], {});
  t.equal(await r.code, 1);
  t.equal(r.err.length, 1);
  t.match(r.err[0], /^pcmk-remoted: cannot start: AUTHKEY_MISSING: /);
  t.same(r.out, []);
  t.same(r.daemons, [], 'no daemon without a key');

  const inUse = Object.assign(new Error('listen EADDRINUSE: address already in use 127.0.0.1:3121'), { code: 'EADDRINUSE' });
  r = run(['--authkey', keyFile], {}, { failListen: inUse });
  t.equal(await r.code, 1);
  t.same(r.err, ['pcmk-remoted: cannot start: listen EADDRINUSE: address already in use 127.0.0.1:3121']);
  t.equal(r.daemons[0]!.closed, 1);
  t.match(r.logs, [{ level: 'fatal' }], 'also logged, since logs go elsewhere here');

  // Status port taken: the daemon that already listens is closed again.
  const blocker = http.createServer();
  await new Promise<void>((res) => blocker.listen(0, '127.0.0.1', res));
  t.teardown(() => blocker.close());
  const taken = (blocker.address() as { port: number }).port;
  r = run(['--authkey', keyFile, '--status-port', String(taken)], {});
  t.equal(await r.code, 1);
  t.match(r.err, [/^pcmk-remoted: cannot start: STATUS_ADDRESS_IN_USE: /]);
  t.equal(r.daemons[0]!.closed, 1);

  r = run(['--authkey', keyFile], { PCMK_ca_file: '/x.pem' });
  t.equal(await r.code, 1);
  t.match(r.err, [/^pcmk-remoted: cannot start: X509_CONFIG_INCOMPLETE: /]);

  r = run(['--authkey', keyFile], {}, { createDaemon: () => Promise.reject(new Error('bad options')) });
  t.equal(await r.code, 1);
  t.same(r.err, ['pcmk-remoted: cannot start: bad options']);
});

t.test('log file: opened, announced for SIGHUP; an unusable one fails the start', async (t) => {
  const file = join(work, 'd.log');
  let reopen: (() => void) | undefined;
  let r = run(['--authkey', keyFile, '--log-file', file], {}, { logStream: undefined, onLogFile: (f) => (reopen = f) });
  await r.listening();
  t.type(reopen, 'function');
  r.stop();
  t.equal(await r.code, 0);
  t.match(readFileSync(file, 'utf8'), /"msg":"ready"[\s\S]*"msg":"stopped"/);

  r = run(['--authkey', keyFile], { PCMK_logfile: join(work, 'no', 'such', 'x.log') }, { logStream: undefined });
  t.equal(await r.code, 1);
  t.match(r.err, [/^pcmk-remoted: cannot open the log file: /]);
});

t.test('usage: exit 2, one USAGE line; --help exits 0', async (t) => {
  for (const argv of [['--port', 'x'], ['--bogus'], ['--log-level', 'loud'], ['extra-arg'], ['--status-port', '1', '--status-socket', '/s']]) {
    const r = run(argv, {});
    t.equal(await r.code, 2, argv.join(' '));
    t.match(r.err, [/^pcmk-remoted: USAGE: /], argv.join(' '));
  }
  const bad = run([], { PCMK_remote_port: 'nope' });
  t.equal(await bad.code, 2);
  t.match(bad.err, [/^pcmk-remoted: USAGE: PCMK_remote_port: /]);
  const h = run(['--help'], {});
  t.equal(await h.code, 0);
  t.match(h.out.join('\n'), /Usage: pcmk-remoted[\s\S]*--dev-key[\s\S]*PCMK_remote_port/);
});

t.test('a stop during start still closes everything and exits 0', async (t) => {
  const ctl = new AbortController();
  ctl.abort('SIGINT');
  const daemons: FakeDaemon[] = [];
  const code = await runRemoted(['--authkey', keyFile], {
    env: {},
    out: () => {},
    err: () => {},
    signal: ctl.signal,
    logStream: { write: () => {} },
    createDaemon: async (o) => {
      const d = new FakeDaemon(o);
      daemons.push(d);
      return d;
    },
  });
  t.equal(code, 0);
  t.equal(daemons[0]!.closed, 1);
});

t.test('a failing close exits 1', async (t) => {
  const r = run(['--authkey', keyFile], {}, { failClose: new Error('stuck') });
  await r.listening();
  r.stop();
  t.equal(await r.code, 1);
  t.match(r.logs.at(-1), { level: 'error', msg: 'shutdown failed' });
});

t.test('hint and address formatting', async (t) => {
  t.equal(hostPort('::', 1), '[::]:1');
  t.equal(hostPort('10.0.0.1', 2), '10.0.0.1:2');
  t.equal(clientHint('pcmk-remote', { address: '0.0.0.0', port: 3121 }, '/k'), 'pcmk-remote --authkey /k poke');
  t.equal(clientHint('pcmk-remote', { address: '::1', port: 3121 }, '/k'), 'pcmk-remote --host ::1 --authkey /k poke');
  t.equal(clientHint('pcmk-remote', { address: '10.1.1.1', port: 4000 }, "/tmp/a b'c"), `pcmk-remote --host 10.1.1.1 --port 4000 --authkey '/tmp/a b'\\''c' poke`);
});

t.test('--agents: modules load before listening; their agents are defined in the daemon', async (t) => {
  const dir = mkdtempSync(join(work, 'agents-'));
  writeFileSync(join(dir, 'one.mjs'), "export const agents = { 'ocf:acme:Counter': { start: () => 0 }, 'lsb:thing': {} };\n");
  writeFileSync(join(dir, 'two.mjs'), "export function defineAgents(r) { r.define('ocf', 'acme', 'Other', {}); }\n");
  const r = run(['--authkey', keyFile, '--agents', 'one.mjs', '--agents', join(dir, 'two.mjs')], {}, { cwd: dir });
  await r.listening();
  t.same(r.daemons[0]!.defined, ['ocf:acme:Counter', 'lsb::thing', 'ocf:acme:Other']);
  t.match(
    r.logs.filter((l) => l.msg === 'agents loaded'),
    [
      { module: 'one.mjs', agents: ['ocf:acme:Counter', 'lsb:thing'] },
      { module: join(dir, 'two.mjs'), agents: ['ocf:acme:Other'] },
    ],
  );
  r.stop();
  t.equal(await r.code, 0);
});

t.test('--agents: a broken module stops the start with exit 1 and one line', async (t) => {
  const dir = mkdtempSync(join(work, 'bad-agents-'));
  writeFileSync(join(dir, 'none.mjs'), 'export const x = 1;\n');
  writeFileSync(join(dir, 'taken.mjs'), "export const agents = { 'ocf:acme:Taken': {} };\n");
  for (const [file, why] of [
    ['missing.mjs', /agent module missing\.mjs: /],
    ['none.mjs', /exports neither/],
    ['taken.mjs', /already defined/],
  ] as const) {
    const r = run(['--authkey', keyFile, '--agents', file], {}, { cwd: dir });
    t.equal(await r.code, 1, file);
    t.match(r.err, [why], file);
    t.equal(r.daemons.length, file === 'taken.mjs' ? 1 : 0, 'no daemon is created for a module that does not load');
    if (file === 'taken.mjs') t.equal(r.daemons[0]!.closed, 1, 'the daemon created is closed again');
  }
  const u = run(['--authkey', keyFile, '--agents', ' ']);
  t.equal(await u.code, 2, 'an empty path is a usage error');
});
