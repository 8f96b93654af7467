// The built-in engine against GnuTLS (gnutls-cli / gnutls-serv 3.7.9 from
// gnutls-bin, the library Pacemaker uses), both directions: 4096- and 256-byte
// keys, each cipher suite, both groups, HelloRetryRequest, Pacemaker's
// priority string. Outside CI it skips loudly without gnutls-bin; in CI it fails.
import t from 'tap';
import net from 'node:net';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { childEnv } from '../../helpers/child-env.js';
import { acceptTls13Psk, connectTls13Psk, NamedGroup, type Tls13PskSocket } from '../../../src/transport/tls13-psk/index.js';

const missing = spawnSync('gnutls-cli', ['--version']).status !== 0;
if (missing && process.env.CI) t.fail('gnutls-cli missing — in CI this test must run');
else if (missing) t.comment('SKIP: gnutls-bin is not installed: run scripts/install-debian-deps.sh');

const PACEMAKER_PRIORITY = 'NORMAL:+DHE-PSK:+PSK';
const TLS13_ONLY = 'NORMAL:-VERS-ALL:+VERS-TLS1.3:+DHE-PSK:+PSK';
const dir = mkdtempSync(join(tmpdir(), 'tls13-gnutls-'));
t.teardown(() => rmSync(dir, { recursive: true, force: true }));

async function freePort(): Promise<number> {
  const s = net.createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  const port = (s.address() as net.AddressInfo).port;
  await new Promise((r) => s.close(r));
  return port;
}

function started(child: ChildProcess, t: { teardown: (fn: () => void) => void }): void {
  t.teardown(() => {
    if (child.exitCode === null) child.kill('SIGKILL');
  });
}

async function connectWithRetry(port: number, key: Buffer, options: Parameters<typeof connectTls13Psk>[1] extends infer O ? Partial<O> : never): Promise<Tls13PskSocket> {
  for (let i = 0; ; i++) {
    const raw = net.connect(port, '127.0.0.1');
    const ok = await new Promise<boolean>((r) => {
      raw.once('connect', () => r(true));
      raw.once('error', () => r(false));
    });
    if (ok) return connectTls13Psk(raw, { key, ...options });
    if (i > 100) throw new Error('gnutls-serv did not listen');
    await new Promise((r) => setTimeout(r, 100));
  }
}

function echo(s: Tls13PskSocket, text: string): Promise<string> {
  return new Promise((resolve, reject) => {
    let got = '';
    s.on('data', (d: Buffer) => {
      got += d.toString();
      if (got.includes('\n')) resolve(got);
    });
    s.once('error', reject);
    s.write(text);
  });
}

if (!missing) {
  for (const size of [4096, 256]) {
    t.test(`our client → gnutls-serv, ${size}-byte key`, async (t) => {
      const key = randomBytes(size);
      const passwd = join(dir, `psk-${size}.txt`);
      writeFileSync(passwd, `lrmd:${key.toString('hex')}\n`);
      for (const [priority, suites, group] of [
        [PACEMAKER_PRIORITY, ['TLS_AES_128_GCM_SHA256'], NamedGroup.x25519],
        [PACEMAKER_PRIORITY, ['TLS_CHACHA20_POLY1305_SHA256'], NamedGroup.secp256r1],
        // gnutls-serv takes only secp256r1: our X25519 share draws a HelloRetryRequest.
        [`${TLS13_ONLY}:-GROUP-ALL:+GROUP-SECP256R1`, ['TLS_AES_128_GCM_SHA256', 'TLS_CHACHA20_POLY1305_SHA256'], NamedGroup.x25519],
      ] as const) {
        const port = await freePort();
        const serv = spawn('gnutls-serv', ['--echo', '--pskpasswd', passwd, '--priority', priority, '-p', String(port)], { env: childEnv, stdio: 'ignore' });
        started(serv, t);
        const s = await connectWithRetry(port, key, { cipherSuites: suites, keyShareGroup: group });
        t.equal(s.getCipher()?.name, suites.length === 1 ? suites[0] : 'TLS_AES_128_GCM_SHA256', `${priority} ${suites.join()} ${group}`);
        t.equal(await echo(s, 'ping\n'), 'ping\n');
        s.end();
        serv.kill('SIGTERM');
      }
      const port = await freePort();
      const serv = spawn('gnutls-serv', ['--echo', '--pskpasswd', passwd, '--priority', PACEMAKER_PRIORITY, '-p', String(port)], { env: childEnv, stdio: 'ignore' });
      started(serv, t);
      await t.rejects(connectWithRetry(port, randomBytes(size), {}), { code: 'TLS_PSK_MISMATCH' }, 'wrong key');
      await t.rejects(connectWithRetry(port, key, { identity: 'nobody' }), { code: /^TLS_(PSK_MISMATCH|HANDSHAKE_FAILED)$/ }, 'unknown identity');
      serv.kill('SIGTERM');
    });

    t.test(`gnutls-cli → our server, ${size}-byte key`, async (t) => {
      const key = randomBytes(size);
      const secure: string[] = [];
      const errors: string[] = [];
      const server = net.createServer((raw) => {
        const s = acceptTls13Psk(raw, { key, identity: 'lrmd', groups: [NamedGroup.secp256r1, NamedGroup.x25519] });
        s.on('error', (e: { code?: string }) => errors.push(e.code ?? '?'));
        s.on('secure', () => {
          secure.push(s.getCipher()!.name);
          s.pipe(s);
        });
      });
      await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
      t.teardown(() => new Promise((r) => server.close(r)));
      const port = (server.address() as net.AddressInfo).port;
      const cli = (hexKey: string, priority: string): Promise<{ status: number | null; out: string }> =>
        new Promise((resolve) => {
          const c = spawn('gnutls-cli', ['--pskusername', 'lrmd', '--pskkey', hexKey, '--priority', priority, '-p', String(port), '127.0.0.1'], { env: childEnv });
          let out = '';
          c.stdout.on('data', (d) => (out += d));
          c.stderr.on('data', (d) => (out += d));
          c.stdin.write('hello over gnutls\n');
          const timer = setTimeout(() => c.stdin.end(), 1500);
          c.on('exit', (status) => {
            clearTimeout(timer);
            resolve({ status, out });
          });
        });
      const hex = key.toString('hex');
      t.equal(hex.length, size * 2);
      for (const [priority, expected] of [
        [PACEMAKER_PRIORITY, /^TLS_(AES_128_GCM|CHACHA20_POLY1305)_SHA256$/],
        [`${TLS13_ONLY}:-CIPHER-ALL:+CHACHA20-POLY1305`, /^TLS_CHACHA20_POLY1305_SHA256$/],
        [`${TLS13_ONLY}:-CIPHER-ALL:+AES-128-GCM`, /^TLS_AES_128_GCM_SHA256$/],
        // gnutls-cli sends an X25519 share first; our server prefers secp256r1 only when no share matches, so force it:
        [`${TLS13_ONLY}:-GROUP-ALL:+GROUP-SECP384R1:+GROUP-SECP256R1`, /^TLS_/],
      ] as const) {
        const r = await cli(hex, priority);
        t.match(r.out, /hello over gnutls/, `${priority}: echoed`);
        t.match(secure.at(-1), expected, priority);
      }
      const bad = await cli(randomBytes(size).toString('hex'), PACEMAKER_PRIORITY);
      t.notMatch(bad.out, /hello over gnutls/);
      t.match(bad.out, /Decrypt error|decrypt/i, 'gnutls-cli got decrypt_error');
      t.same(errors, ['TLS_PSK_MISMATCH']);
    });
  }
}
