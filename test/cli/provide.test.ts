// `pcmk-remote provide` through runCli, with the real Client over an
// in-memory pair to a fake daemon side (spec/protocol.md §8).
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import t from 'tap';
import { runProvide } from '../../src/cli/commands/provide.js';
import { runCli, type CliDeps } from '../../src/cli/program.js';
import { parseConnectionOptions } from '../../src/cli/client-options.js';
import type { ConnectOptions } from '../../src/client/connect.js';
import { ClientError } from '../../src/client/errors.js';
import type { IpcProxy } from '../../src/protocol/index.js';
import { FakeDaemon } from '../client/ipc-provider/fake-daemon.js';
import { Client } from '../../src/client/client.js';

const dir = mkdtempSync(join(tmpdir(), 'provide-'));
t.teardown(() => rmSync(dir, { recursive: true, force: true }));
const cibFile = join(dir, 'cib.xml');
writeFileSync(cibFile, '<cib epoch="1"><configuration><nodes><node id="r1" uname="r1" type="remote"/></nodes></configuration><status/></cib>');
const badCib = join(dir, 'bad.xml');
writeFileSync(badCib, '<notcib/>');

async function* none(): AsyncGenerator<Uint8Array> {}
const tick = (ms = 10): Promise<void> => new Promise((r) => setTimeout(r, ms));

function setup() {
  const daemons: FakeDaemon[] = [];
  const connects: ConnectOptions[] = [];
  const out: string[] = [];
  const err: string[] = [];
  const ac = new AbortController();
  const deps: CliDeps = {
    connect: async (o) => {
      connects.push(o);
      const d = new FakeDaemon();
      daemons.push(d);
      const c = new Client(o);
      await c.connect(d.clientEnd);
      return c;
    },
    env: {},
    input: none(),
    signal: ac.signal,
    out: (l) => out.push(l),
    err: (l) => err.push(l),
  };
  const ready = async (): Promise<FakeDaemon> => {
    while (!out.some((l) => /ready/.test(l))) await tick(5);
    return daemons[0]!;
  };
  return { deps, out, err, ac, connects, ready };
}

t.test('serves requests, logs with --verbose, SIGINT ends with 0', async (t) => {
  const { deps, out, err, ac, connects, ready } = setup();
  const done = runCli(['provide', '--cib', cibFile, '--node', 'r1', '--verbose'], deps);
  const daemon = await ready();
  t.match(connects[0], { isIpcProvider: true, clientName: 'pcmk-remote-provide' });
  t.equal(out[0], `ready: serving IPC for node r1 from ${cibFile}`);
  daemon.open('S1', 'crmd');
  daemon.request('S1', 2, '<create_request_adv t="crmd" crm_task="node-info" reference="ref-1" crm_sys_from="1_crm_node"/>', 0x100);
  const ev = await daemon.next((m) => m.ipcOp === 'event');
  t.match('body' in ev ? ev.body?.xml : '', /uname="r1"/);
  daemon.open('S2', 'pacemakerd');
  await daemon.next((m) => m.ipcOp === 'destroy');
  daemon.ipc({ ipcOp: 'destroy', session: 'S1' } as IpcProxy);
  daemon.ipc({ ipcOp: 'shutdown_req', session: '0' } as IpcProxy);
  await daemon.next((m) => m.ipcOp === 'shutdown_ack');
  await tick(20);
  ac.abort();
  t.equal(await done, 0);
  t.same(out.slice(1), ['open S1 crmd', 'request S1 crmd #2 node-info', 'refused S2 pacemakerd', 'close S1 crmd (daemon)', 'shutdown request answered: ack']);
  t.same(err, []);
});

t.test('--json: one JSON line per event; --refuse-shutdown; handler errors on stderr; loss exits 3', async (t) => {
  const { deps, out, err, ready } = setup();
  const done = runCli(['provide', '--cib', cibFile, '--node', 'r1', '--json', '--refuse-shutdown'], deps);
  const daemon = await ready();
  t.same(JSON.parse(out[0]!), { event: 'ready', node: 'r1', cib: cibFile });
  daemon.open('S1', 'cib_rw');
  daemon.request('S1', 1, '<cib_command t="cib" cib_op="register"/>');
  await daemon.next((m) => m.ipcOp === 'response');
  daemon.request('S1', 2, '<cib_command cib_op="cib_query" cib_callopt="2" cib_section="/cib[bad"/>');
  await daemon.next((m) => m.ipcOp === 'response' && 'ipcMsgId' in m && m.ipcMsgId === 2, 0);
  daemon.ipc({ ipcOp: 'shutdown_req', session: '0' } as IpcProxy);
  await daemon.next((m) => m.ipcOp === 'shutdown_nack');
  await tick(20);
  daemon.kill();
  t.equal(await done, 3);
  const events = out.map((l) => JSON.parse(l) as Record<string, unknown>);
  t.same(events.map((e) => e.event), ['ready', 'open', 'request', 'request', 'shutdown', 'close']);
  t.match(events[2], { session: 'S1', server: 'cib_rw', msgId: 1, flags: 0x300, op: 'register' });
  t.match(events[4], { decision: 'nack' });
  t.match(events[5], { reason: 'disconnect' });
  t.match(err, [/^pcmk-remote: provide: session S1: xpath /, /^pcmk-remote: CONNECTION_LOST: /]);
});

t.test('usage and setup failures', async (t) => {
  const { deps, err } = setup();
  t.equal(await runCli(['provide'], deps), 2, '--cib is required');
  t.equal(await runCli(['provide', '--cib', join(dir, 'missing.xml')], deps), 2);
  t.match(err.at(-1), /^pcmk-remote: USAGE: --cib: cannot read /);
  t.equal(await runCli(['provide', '--cib', badCib], deps), 1);
  t.match(err.at(-1), /^pcmk-remote: IPC_BAD_CIB: /);
  t.equal(await runCli(['provide', '--cib', cibFile, '--node', ''], deps), 2);
  t.equal(await runCli(['provide', '--cib', cibFile, '--port', 'x'], deps), 2, 'bad connection option');
});

const ctx = (connect: (o: ConnectOptions) => Promise<unknown>, signal?: AbortSignal) => {
  const out: string[] = [];
  const err: string[] = [];
  return {
    out,
    err,
    c: {
      connect: connect as never,
      connection: parseConnectionOptions({}),
      env: {},
      out: (l: string) => out.push(l),
      err: (l: string) => err.push(l),
      ...(signal ? { signal } : {}),
    },
  };
};

t.test('connection failure: status 3; interrupted while connecting or before: 0', async (t) => {
  const failing = ctx(() => Promise.reject(new ClientError('CONNECTION_LOST', 'no')));
  t.equal(await runProvide({ cib: cibFile, node: 'r1' }, failing.c), 3);
  const ac = new AbortController();
  const slow = ctx(() => new Promise((_r, reject) => setTimeout(() => reject(new ClientError('ABORTED', 'stop')), 20)), ac.signal);
  const p = runProvide({ cib: cibFile, node: 'r1' }, slow.c);
  ac.abort();
  t.equal(await p, 0);
  const ac2 = new AbortController();
  ac2.abort();
  const d = new FakeDaemon();
  const pre = ctx(async (o) => {
    const c = new Client(o);
    await c.connect(d.clientEnd);
    return c;
  }, ac2.signal);
  t.equal(await runProvide({ cib: cibFile }, pre.c), 0, 'default node name: the host name');
  t.same(pre.out, []);
});

t.test('a connection that cannot send IPC messages is refused', async (t) => {
  let closed = 0;
  const x = ctx(async () => ({ on: () => {}, close: () => void closed++ }));
  t.equal(await runProvide({ cib: cibFile, node: 'r1' }, x.c), 1);
  t.equal(closed, 1);
  t.match(x.err, [/^pcmk-remote: PROTOCOL: /]);
});
