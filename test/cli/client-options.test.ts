import t from 'tap';
import {
  DEFAULT_CLI_TIMEOUT_MS,
  parseAgentSpec,
  parseConnectionOptions,
  parseEngine,
  parseMs,
  parseParams,
  parsePort,
  requireArg,
  toConnectOptions,
} from '../../src/cli/client-options.js';

const usage = { code: 'USAGE' };

t.test('numbers', async (t) => {
  t.equal(parseMs('0', 'x'), 0);
  t.equal(parseMs(' 1500 ', 'x'), 1500);
  for (const bad of ['', '-1', '1.5', '1e3', 'abc', '99999999999999999999']) t.throws(() => parseMs(bad, 'x'), usage, bad);
  t.equal(parsePort('3121'), 3121);
  t.equal(parsePort('65535'), 65535);
  for (const bad of ['0', '65536', 'x', '']) t.throws(() => parsePort(bad), usage, bad);
});

t.test('connection options: defaults, overrides, checks', async (t) => {
  t.same(parseConnectionOptions({}), { host: '127.0.0.1', json: false, timeoutMs: DEFAULT_CLI_TIMEOUT_MS });
  t.same(parseConnectionOptions({ host: 'h1', port: '1', json: true, timeout: '5' }, { host: 'h2', port: undefined, authkey: '/k' }), {
    host: 'h2',
    port: 1,
    authkeyPath: '/k',
    json: true,
    timeoutMs: 5,
  });
  t.throws(() => parseConnectionOptions({ host: ' ' }), usage);
  t.throws(() => parseConnectionOptions({ authkey: '' }), usage);
  t.throws(() => parseConnectionOptions({ port: 'x' }), usage);
  t.throws(() => parseConnectionOptions({ timeout: '-5' }), usage);
});

t.test('--tls-engine', async (t) => {
  for (const e of ['auto', 'node', 'builtin'] as const) t.equal(parseEngine(e), e);
  t.equal(parseEngine(' BuiltIn '), 'builtin');
  for (const bad of ['', 'openssl', 'gnutls']) t.throws(() => parseEngine(bad), usage, bad);
  t.match(parseConnectionOptions({ tlsEngine: 'builtin' }), { engine: 'builtin' });
  t.equal(toConnectOptions(parseConnectionOptions({ tlsEngine: 'node' }), {}).engine, 'node');
  t.equal(toConnectOptions(parseConnectionOptions({}), {}).engine, undefined, 'absent: auto, decided by the key size');
});

t.test('toConnectOptions', async (t) => {
  const env = { PCMK_remote_port: '4000' };
  const signal = new AbortController().signal;
  const o = toConnectOptions({ host: 'h', port: 9, authkeyPath: '/k', json: false, timeoutMs: 700 }, env, signal);
  t.match(o, { host: 'h', port: 9, authkey: { path: '/k' }, env, connectTimeoutMs: 700, handshakeTimeoutMs: 700, registerTimeoutMs: 700, defaultTimeoutMs: 700, signal });
  const d = toConnectOptions({ host: 'h', json: false, timeoutMs: 0 }, env);
  t.equal(d.port, undefined, 'port left to resolvePort (PCMK_remote_port)');
  t.equal(d.authkey, undefined, 'key left to the lookup');
  t.equal(d.signal, undefined);
  t.equal(d.registerTimeoutMs, 0);
  t.ok(d.connectTimeoutMs! > 3_600_000, 'no limit becomes a long one for node:net/tls');
});

t.test('params', async (t) => {
  t.same(parseParams(), {});
  t.same(parseParams(['a=1', 'b=x=y', 'c=']), { a: '1', b: 'x=y', c: '' });
  t.same(parseParams(['a=1', 'a=2']), { a: '2' }, 'last wins');
  t.throws(() => parseParams(['novalue']), usage);
  t.throws(() => parseParams(['=v']), usage);
});

t.test('agent specs', async (t) => {
  t.same(parseAgentSpec('ocf:pacemaker:Dummy'), { standard: 'ocf', provider: 'pacemaker', agent: 'Dummy' });
  t.same(parseAgentSpec('OCF:heartbeat:IPaddr2'), { standard: 'OCF', provider: 'heartbeat', agent: 'IPaddr2' });
  t.same(parseAgentSpec('systemd:sshd'), { standard: 'systemd', agent: 'sshd' });
  t.same(parseAgentSpec('lsb:network'), { standard: 'lsb', agent: 'network' });
  for (const bad of ['Dummy', 'ocf:Dummy', 'lsb:x:y', 'ocf::Dummy', ':a', 'a:', 'a:b:c:d', '']) t.throws(() => parseAgentSpec(bad), usage, bad);
  t.equal(requireArg('x', 'X'), 'x');
  t.throws(() => requireArg('', 'X'), usage);
  t.throws(() => requireArg(undefined, 'X'), usage);
});
