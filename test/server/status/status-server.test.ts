// The status endpoint against a fake status source: routes, methods, Host
// check, Unix socket mode and stale sockets, loopback-only TCP.
import t from 'tap';
import http from 'node:http';
import net from 'node:net';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, statSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  createStatusHandler,
  describeStatusAddress,
  startStatusEndpoint,
  StatusEndpointErrorCode,
  type StatusEndpoint,
} from '../../../src/server/status/index.js';
import { childEnv } from '../../helpers/child-env.js';

const work = mkdtempSync(join(tmpdir(), 'pcmk-status-'));
t.teardown(() => rmSync(work, { recursive: true, force: true }));

interface Reply {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: string;
}

function request(at: StatusEndpoint['address'], path: string, opts: { method?: string; host?: string } = {}): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const target = 'socketPath' in at ? { socketPath: at.socketPath } : { host: at.host, port: at.port };
    const req = http.request({ ...target, path, method: opts.method ?? 'GET', agent: false, headers: opts.host ? { host: opts.host } : {} }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (d: string) => (body += d));
      res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

const fakeStatus = {
  uptimeSec: 12,
  listening: { address: '127.0.0.1', port: 3121 },
  connections: [{ id: 'c1', name: 'crmd', remote: '127.0.0.1:40000', since: '2024-01-01T00:00:00.000Z', encoding: 'xml', ipcProvider: false }],
  pendingHandshakes: 0,
  executor: { startedAt: 1, uptimeMs: 12000, lastCallId: 3, clients: [], resources: [{ rscId: 'r1' }], runs: [], alertsInFlight: 0 },
};

t.test('TCP on 127.0.0.1: /status, /healthz, 404, 405, HEAD', async (t) => {
  let calls = 0;
  const ep = await startStatusEndpoint({ port: 0, source: () => (calls++, fakeStatus) });
  t.teardown(() => ep.close());
  t.match(ep.address, { host: '127.0.0.1', port: Number });
  t.match(describeStatusAddress(ep.address), /^127\.0\.0\.1:\d+$/);

  const s = await request(ep.address, '/status');
  t.equal(s.status, 200);
  t.match(s.headers['content-type'], /^application\/json/);
  t.equal(s.headers['cache-control'], 'no-store');
  t.same(JSON.parse(s.body), fakeStatus);
  t.equal(calls, 1, 'one snapshot per request');

  t.match(await request(ep.address, '/status?pretty=1'), { status: 200 });
  t.match(await request(ep.address, '/healthz'), { status: 200, body: 'ok' });
  t.match(await request(ep.address, '/'), { status: 404 });
  t.match(await request(ep.address, '/status/x'), { status: 404 });
  t.match(await request(ep.address, '/constructor'), { status: 404 }, 'no prototype lookups');
  t.match(await request(ep.address, '/status', { method: 'POST' }), { status: 405, headers: { allow: 'GET, HEAD' } });
  t.match(await request(ep.address, '/nope', { method: 'DELETE' }), { status: 404 });
  const head = await request(ep.address, '/status', { method: 'HEAD' });
  t.equal(head.status, 200);
  t.equal(head.body, '');
  t.equal(Number(head.headers['content-length']), Buffer.byteLength(JSON.stringify(fakeStatus, null, 2) + '\n'));
});

t.test('TCP refuses a Host header that is not loopback (DNS rebinding)', async (t) => {
  const ep = await startStatusEndpoint({ port: 0, source: () => fakeStatus });
  t.teardown(() => ep.close());
  t.match(await request(ep.address, '/status', { host: 'evil.example' }), { status: 403 });
  t.match(await request(ep.address, '/healthz', { host: `localhost:${'port' in ep.address ? ep.address.port : 0}` }), { status: 200 });
});

t.test('a source that throws gives 500 and is reported', async (t) => {
  const errors: unknown[] = [];
  const ep = await startStatusEndpoint({
    port: 0,
    source: () => {
      throw new Error('boom');
    },
    onError: (e) => errors.push(e),
  });
  t.teardown(() => ep.close());
  t.match(await request(ep.address, '/status'), { status: 500 });
  t.match(await request(ep.address, '/healthz'), { status: 200 }, 'health does not read the status');
  t.equal(errors.length, 1);
});

t.test('loopback TCP only; bad options', async (t) => {
  for (const host of ['0.0.0.0', '::', '192.0.2.1', 'localhost']) {
    await t.rejects(startStatusEndpoint({ port: 0, host, source: () => ({}) }), { code: StatusEndpointErrorCode.NotLoopback }, host);
  }
  await t.rejects(startStatusEndpoint({ source: () => ({}) }), { code: StatusEndpointErrorCode.InvalidOptions });
  await t.rejects(startStatusEndpoint({ port: 0, socketPath: join(work, 'x'), source: () => ({}) }), { code: StatusEndpointErrorCode.InvalidOptions });
  await t.rejects(startStatusEndpoint({ socketPath: '', source: () => ({}) }), { code: StatusEndpointErrorCode.InvalidOptions });
  await t.rejects(startStatusEndpoint({ port: 70000, source: () => ({}) }), { code: StatusEndpointErrorCode.InvalidOptions });
  await t.rejects(startStatusEndpoint({ port: 1.5, source: () => ({}) }), { code: StatusEndpointErrorCode.InvalidOptions });
});

const noIpv6 = await new Promise<string | false>((resolve) => {
  const probe = net.createServer();
  probe.once('error', (err) => resolve(`no IPv6 loopback here: ${err.message}`));
  probe.listen(0, '::1', () => probe.close(() => resolve(false)));
});

t.test('IPv6 loopback', { skip: noIpv6 }, async (t) => {
  const ep = await startStatusEndpoint({ port: 0, host: '::1', source: () => fakeStatus });
  t.teardown(() => ep.close());
  t.match(describeStatusAddress(ep.address), /^\[::1\]:\d+$/);
  t.match(await request(ep.address, '/healthz', { host: '[::1]' }), { status: 200, body: 'ok' });
});

t.test('a TCP port in use', async (t) => {
  const a = await startStatusEndpoint({ port: 0, source: () => ({}) });
  t.teardown(() => a.close());
  const port = 'port' in a.address ? a.address.port : 0;
  await t.rejects(startStatusEndpoint({ port, source: () => ({}) }), { code: StatusEndpointErrorCode.AddressInUse });
});

t.test('Unix socket: mode 0600, no Host check, removed on close', async (t) => {
  const path = join(work, 'status.sock');
  const ep = await startStatusEndpoint({ socketPath: path, source: () => fakeStatus });
  t.equal(describeStatusAddress(ep.address), `unix:${path}`);
  t.equal(statSync(path).mode & 0o777, 0o600);
  t.same(JSON.parse((await request(ep.address, '/status', { host: 'anything' })).body), fakeStatus);
  t.match(await request(ep.address, '/healthz'), { status: 200, body: 'ok' });
  await ep.close();
  t.notOk(existsSync(path), 'socket file removed');
});

t.test('Unix socket: a stale socket file is replaced, a live one or a plain file is not', async (t) => {
  // A stale socket: bound by a server whose handle is gone without unlinking.
  const stale = join(work, 'stale.sock');
  const r = spawnSync(process.execPath, ['-e', `require('net').createServer().listen(${JSON.stringify(stale)}, () => process.kill(process.pid, 'SIGKILL'))`], {
    env: childEnv,
  });
  t.equal(r.signal, 'SIGKILL');
  t.ok(statSync(stale).isSocket(), 'stale socket file left behind');
  const ep = await startStatusEndpoint({ socketPath: stale, source: () => fakeStatus });
  t.match(await request(ep.address, '/healthz'), { status: 200 });

  await t.rejects(startStatusEndpoint({ socketPath: stale, source: () => ({}) }), { code: StatusEndpointErrorCode.AddressInUse }, 'live listener kept');
  await ep.close();

  const plain = join(work, 'plain');
  writeFileSync(plain, 'data');
  await t.rejects(startStatusEndpoint({ socketPath: plain, source: () => ({}) }), { code: StatusEndpointErrorCode.AddressInUse });
  t.ok(existsSync(plain), 'a plain file is never removed');

  await t.rejects(startStatusEndpoint({ socketPath: join(work, 'no', 'such', 'dir.sock'), source: () => ({}) }), { code: StatusEndpointErrorCode.ListenFailed });
});

t.test('close drops keep-alive connections', async (t) => {
  const ep = await startStatusEndpoint({ port: 0, source: () => fakeStatus });
  const at = ep.address as { host: string; port: number };
  const sock = net.connect(at.port, at.host);
  await new Promise((r) => sock.once('connect', r));
  sock.write('GET /healthz HTTP/1.1\r\nHost: localhost\r\n\r\n');
  await new Promise((r) => sock.once('data', r));
  const closed = new Promise((r) => sock.once('close', r));
  await ep.close();
  await closed;
  t.pass('closed with an idle keep-alive connection open');
});

t.test('handler alone, without Host check', async (t) => {
  const server = http.createServer(createStatusHandler(() => ({ a: 1 })));
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  t.teardown(() => server.close());
  const port = (server.address() as net.AddressInfo).port;
  t.match(await request({ host: '127.0.0.1', port }, '/status', { host: 'evil.example' }), { status: 200, body: /"a": 1/ });
});
