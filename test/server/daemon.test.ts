// One behaviour suite for the reference daemon, run over the in-memory pair
// (acceptStream) and over PSK-TLS on loopback: our client against our
// daemon, with an in-process agent and a shell OCF agent in a temp root.
import t, { type Test } from 'tap';
import { randomBytes } from 'node:crypto';
import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client, type ClientOptions } from '../../src/client/client.js';
import { connectClient } from '../../src/client/connect.js';
import { ClientErrorCode } from '../../src/client/errors.js';
import type { Notify } from '../../src/protocol/messages/notify.js';
import { createRemoteDaemon, type RemoteDaemon, type RemoteDaemonOptions } from '../../src/server/index.js';
import { SessionErrorCode, type SessionError } from '../../src/server/session/errors.js';
import { createMemoryPair } from '../../src/transport/memory.js';
import { childEnv } from '../helpers/child-env.js';
import { until } from './session/raw-peer.js';

const key = randomBytes(64);

/** A temp OCF root with `ocf:test:echoer`. */
function ocfRoot(t: Test): string {
  const dir = mkdtempSync(join(tmpdir(), 'pcmk-daemon-'));
  chmodSync(dir, 0o755);
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  const provider = join(dir, 'resource.d', 'test');
  mkdirSync(provider, { recursive: true });
  const agent = join(provider, 'echoer');
  writeFileSync(
    agent,
    '#!/bin/sh\ncase "$1" in\n  start) echo "hello ${OCF_RESKEY_name}"; exit 0;;\n  stop) exit 0;;\n' +
      '  monitor) exit ${OCF_RESKEY_rc:-0};;\n  *) exit 3;;\nesac\n',
  );
  chmodSync(agent, 0o755);
  return dir;
}

interface Transport {
  readonly name: string;
  /** Start a daemon and a way to connect registered clients to it. */
  start(t: Test, options?: Partial<RemoteDaemonOptions>): Promise<{ daemon: RemoteDaemon; connect: (o?: ClientOptions) => Promise<Client> }>;
}

async function daemonFor(t: Test, options: Partial<RemoteDaemonOptions>): Promise<RemoteDaemon> {
  const daemon = await createRemoteDaemon({ key, address: '127.0.0.1', port: 0, agents: { ocfRoot: ocfRoot(t), env: childEnv }, ...options });
  daemon.agents.define('ocf', 'acme', 'Counter', {
    start: () => ({ rc: 0, output: 'started' }),
    stop: () => 0,
    monitor: ({ params }) => Number(params['rc'] ?? 0),
  });
  t.teardown(() => daemon.close());
  return daemon;
}

function track(t: Test, c: Client): Client {
  t.teardown(() => c.close());
  return c;
}

const transports: Transport[] = [
  {
    name: 'memory pair',
    async start(t, options = {}) {
      const daemon = await daemonFor(t, options);
      return {
        daemon,
        connect: async (o = {}) => {
          const [a, b] = createMemoryPair();
          t.ok(daemon.acceptStream(b, { remote: 'memory' }));
          const c = track(t, new Client(o));
          await c.connect(a);
          return c;
        },
      };
    },
  },
  {
    name: 'PSK-TLS loopback',
    async start(t, options = {}) {
      const daemon = await daemonFor(t, options);
      const { port } = await daemon.listen();
      return { daemon, connect: async (o = {}) => track(t, await connectClient({ host: '127.0.0.1', port, key, ...o })) };
    },
  },
];

/** The next notification on `c` matching `pred`. */
function nextNotify(c: Client, pred: (n: Notify) => boolean, ms = 10_000): Promise<Notify> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      c.off('notify', on);
      reject(new Error('no matching notification'));
    }, ms);
    const on = (n: Notify | { op: string }): void => {
      if (!pred(n as Notify)) return;
      clearTimeout(timer);
      c.off('notify', on);
      resolve(n as Notify);
    };
    c.on('notify', on);
  });
}

for (const tr of transports) {
  t.test(tr.name, async (t) => {
    t.test('register, info, exec of an in-process agent', async (t) => {
      const { daemon, connect } = await tr.start(t);
      const c = await connect({ clientName: 'tester' });
      t.match(c.clientId, /^[0-9a-f-]{36}$/);
      t.equal(c.peerProtocolVersion, '1.2');
      t.equal(typeof c.uptime, 'number');
      await c.registerResource({ rscId: 'r1', standard: 'ocf', provider: 'acme', agent: 'Counter' });
      t.same(await c.getResourceInfo('r1'), { rscId: 'r1', standard: 'ocf', provider: 'acme', agent: 'Counter' });
      t.equal(await c.getResourceInfo('nope'), undefined);
      const { callId } = await c.exec({ rscId: 'r1', action: 'start' });
      const res = await c.waitForResult(callId, { timeoutMs: 10_000 });
      t.equal(res.execRc, 0);
      t.equal(res.opStatus, 0);
      t.equal(res.output, 'started');
      const st = daemon.status();
      t.equal(st.connections.length, 1);
      t.equal(st.connections[0]!.name, 'tester');
      t.equal(st.connections[0]!.id, c.clientId);
      t.equal(st.pendingHandshakes, 0);
      t.equal(st.executor.resources.length, 1);
      t.ok(!Number.isNaN(Date.parse(st.connections[0]!.since)));
      t.equal(await c.unregisterResource('r1').then((r) => r.inProgress), false);
    });

    t.test('exec of a shell OCF agent', async (t) => {
      const { connect } = await tr.start(t);
      const c = await connect();
      await c.registerResource({ rscId: 'sh', standard: 'ocf', provider: 'test', agent: 'echoer' });
      const start = await c.exec({ rscId: 'sh', action: 'start', params: { name: 'world' } });
      const r = await c.waitForResult(start.callId, { timeoutMs: 20_000 });
      t.equal(r.execRc, 0);
      t.match(r.output, /hello world/);
      t.equal(r.params['name'], 'world', 'parameters echoed');
      const mon = await c.exec({ rscId: 'sh', action: 'monitor', params: { rc: '7' } });
      t.equal((await c.waitForResult(mon.callId, { timeoutMs: 20_000 })).execRc, 7);
      await c.registerResource({ rscId: 'missing', standard: 'ocf', provider: 'test', agent: 'nothere' });
      const ni = await c.exec({ rscId: 'missing', action: 'start' });
      const nr = await c.waitForResult(ni.callId, { timeoutMs: 20_000 });
      t.equal(nr.execRc, 5, 'not installed');
      t.equal(nr.opStatus, 7);
    });

    t.test('recurring monitor, then cancel', async (t) => {
      const { connect } = await tr.start(t);
      const c = await connect();
      await c.registerResource({ rscId: 'rec', standard: 'ocf', provider: 'acme', agent: 'Counter' });
      const results: Notify[] = [];
      c.on('exec', (n) => results.push(n));
      const { callId } = await c.exec({ rscId: 'rec', action: 'monitor', interval: 100 });
      await until(() => results.filter((n) => n.op === 'lrmd_rsc_exec' && n.callId === callId).length >= 2, 10_000);
      t.same(await c.getRecurring('rec'), [{ rscId: 'rec', ops: [{ action: 'monitor', interval: 100, timeout: 20_000 }] }]);
      const cancelled = nextNotify(c, (n) => n.op === 'lrmd_rsc_exec' && n.opStatus === 1);
      await c.cancel({ rscId: 'rec', action: 'monitor', interval: 100 });
      const cn = await cancelled;
      t.equal(cn.op === 'lrmd_rsc_exec' && cn.action, 'monitor');
      t.same(await c.getRecurring('rec'), [{ rscId: 'rec', ops: [] }], 'the resource stays, without recurring ops');
      const count = results.length;
      await new Promise((r) => setTimeout(r, 300));
      t.equal(results.length, count, 'nothing after the cancellation');
    });

    t.test('two clients: new-client notification, shared notifications', async (t) => {
      const { daemon, connect } = await tr.start(t);
      const a = await connect({ clientName: 'a' });
      const announced = nextNotify(a, (n) => n.op === 'lrmd_rsc_new_client');
      const bSeen: string[] = [];
      const b = await connect({ clientName: 'b' });
      b.on('notify', (n) => bSeen.push(n.op));
      await announced;
      const aPoke = nextNotify(a, (n) => n.op === 'lrmd_rsc_poke');
      await b.poke();
      await aPoke;
      t.notOk(bSeen.includes('lrmd_rsc_new_client'), 'the newcomer is not told of itself');
      t.same(
        daemon
          .status()
          .connections.map((x) => x.name)
          .sort(),
        ['a', 'b'],
      );
      const gone = new Promise<SessionError>((r) => daemon.once('disconnect', (_i, reason) => r(reason)));
      b.close();
      t.equal((await gone).code, SessionErrorCode.PeerClosed);
      await until(() => daemon.status().connections.length === 1);
    });

    t.test('protobuf between ours; XML when the client offers nothing', async (t) => {
      const { daemon, connect } = await tr.start(t);
      const pb = await connect({ clientName: 'pb' });
      t.equal(pb.encoding, 'protobuf');
      const xml = await connect({ clientName: 'xml', encodings: [] });
      t.equal(xml.encoding, 'xml');
      await pb.poke();
      await xml.poke();
      const byName = Object.fromEntries(daemon.status().connections.map((x) => [x.name, x.encoding]));
      t.same(byName, { pb: 'protobuf', xml: 'xml' });
      const off = await tr.start(t, { encodings: ['xml'] });
      t.equal((await off.connect()).encoding, 'xml', 'daemon with protobuf turned off');
    });

    t.test('version mismatch: -71 reply, then the daemon closes', async (t) => {
      const { daemon, connect } = await tr.start(t);
      const gone = new Promise<SessionError>((r) => daemon.once('disconnect', (_i, reason) => r(reason)));
      const err = await connect({ protocolVersion: '0.9' }).catch((e: unknown) => e);
      t.match(err, { code: ClientErrorCode.RegisterFailed, cause: { rc: -71 } });
      t.equal((await gone).code, SessionErrorCode.VersionRefused);
      t.equal(daemon.status().connections.length, 0);
    });

    t.test('IPC provider flag is recorded', async (t) => {
      const { daemon, connect } = await tr.start(t);
      await connect({ clientName: 'ctl', isIpcProvider: true });
      t.equal(daemon.status().connections[0]!.ipcProvider, true);
    });

    t.test('close ends the clients and the executor', async (t) => {
      const { daemon, connect } = await tr.start(t);
      const c = await connect();
      const closed = new Promise((r) => c.once('close', r));
      await daemon.close();
      await closed;
      t.ok(daemon.executor.closed);
      t.equal(daemon.acceptStream(createMemoryPair()[1]), false, 'no streams after close');
      await t.rejects(daemon.listen(), { code: SessionErrorCode.DaemonClosing });
      await daemon.close();
    });
  });
}
