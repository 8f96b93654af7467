// pcmk-remoted options: command line, environment, defaults, usage errors.
import t from 'tap';
import { debugFromEnv, parseListenPort, parseRemotedOptions, DEFAULT_DAEMON_PORT, type RawRemotedOptions } from '../../../src/cli/remoted/options.js';

t.test('defaults', async (t) => {
  t.same(parseRemotedOptions({}, {}), { port: DEFAULT_DAEMON_PORT, logLevel: 'info' });
  t.equal(DEFAULT_DAEMON_PORT, 3121);
});

t.test('--tls-engine', async (t) => {
  t.match(parseRemotedOptions({ tlsEngine: 'builtin' }, {}), { engine: 'builtin' });
  t.match(parseRemotedOptions({ tlsEngine: 'node' }, {}), { engine: 'node' });
  t.throws(() => parseRemotedOptions({ tlsEngine: 'tls12' }, {}), { code: 'USAGE' });
});

t.test('command line wins over the environment', async (t) => {
  const env = { PCMK_remote_address: '10.0.0.1', PCMK_remote_port: '3200', PCMK_debug: 'yes', PCMK_logfile: '/var/log/x.log' };
  t.same(parseRemotedOptions({}, env), { address: '10.0.0.1', port: 3200, logLevel: 'debug', logFile: '/var/log/x.log' });
  t.same(parseRemotedOptions({ address: '127.0.0.1', port: '0', logLevel: 'WARN', logFile: '/tmp/l' }, env), {
    address: '127.0.0.1',
    port: 0,
    logLevel: 'warn',
    logFile: '/tmp/l',
  });
});

t.test('empty or "none" environment values count as unset', async (t) => {
  t.same(parseRemotedOptions({}, { PCMK_remote_address: '', PCMK_remote_port: ' ', PCMK_debug: '', PCMK_logfile: 'none' }), {
    port: 3121,
    logLevel: 'info',
  });
  t.same(parseRemotedOptions({}, { PCMK_logfile: 'NONE' }), { port: 3121, logLevel: 'info' });
});

t.test('PCMK_debug', async (t) => {
  for (const v of ['yes', 'YES', 'true', 'on', 'y', '1', 'pacemaker-remoted', 'pacemaker-controld,pacemaker-remoted', 'pcmk-remoted']) t.ok(debugFromEnv(v), v);
  for (const v of [undefined, '', 'no', 'false', '0', 'off', 'pacemaker-controld']) t.notOk(debugFromEnv(v), String(v));
});

t.test('key options', async (t) => {
  t.same(parseRemotedOptions({ authkey: '/k' }), { port: 3121, logLevel: 'info', authkeyPath: '/k' });
  t.same(parseRemotedOptions({ devKey: true }), { port: 3121, logLevel: 'info', devKey: {} });
  t.same(parseRemotedOptions({ devKey: '.dev/authkey' }), { port: 3121, logLevel: 'info', devKey: { path: '.dev/authkey' } });
  t.same(parseRemotedOptions({ devKey: false }), { port: 3121, logLevel: 'info' });
});

t.test('status endpoint and ocf root', async (t) => {
  t.match(parseRemotedOptions({ statusSocket: '/run/s.sock' }), { status: { socketPath: '/run/s.sock' } });
  t.match(parseRemotedOptions({ statusPort: '0' }), { status: { port: 0 } });
  t.match(parseRemotedOptions({ statusPort: '9000' }), { status: { port: 9000 } });
  t.match(parseRemotedOptions({ ocfRoot: '/opt/ocf' }), { ocfRoot: '/opt/ocf' });
});

t.test('usage errors', async (t) => {
  const bad: Array<[RawRemotedOptions, NodeJS.ProcessEnv?]> = [
    [{ port: 'x' }],
    [{ port: '65536' }],
    [{ port: '-1' }],
    [{}, { PCMK_remote_port: 'abc' }],
    [{ address: ' ' }],
    [{ authkey: '' }],
    [{ devKey: '' }],
    [{ logLevel: 'verbose' }],
    [{ logFile: '' }],
    [{ statusSocket: '/s', statusPort: '1' }],
    [{ statusSocket: '' }],
    [{ statusPort: 'http' }],
    [{ ocfRoot: '' }],
  ];
  for (const [raw, env] of bad) t.throws(() => parseRemotedOptions(raw, env), { code: 'USAGE' }, JSON.stringify([raw, env]));
  t.equal(parseListenPort(' 80 ', '--port'), 80);
});
