// The codec against builders that are not the codec: protobufjs's reflection
// API loading spec/remote.proto directly, and bytes written out by hand.
import { fileURLToPath } from 'node:url';
import protobuf from 'protobufjs';
import t from 'tap';
import type { Message } from '../../../src/protocol/messages/message.js';
import { decodeProtobuf, encodeProtobuf } from '../../../src/protocol/protobuf/index.js';

const root = protobuf.loadSync(fileURLToPath(new URL('../../../spec/remote.proto', import.meta.url)));
const Envelope = root.lookupType('pcmk_remote.v1.Envelope');

/** Bytes of an Envelope built by reflection from a plain object in .proto field names (camelCase). */
function build(obj: Record<string, unknown>): Uint8Array {
  const err = Envelope.verify(obj);
  if (err) throw new Error(`bad test object: ${err}`);
  return Envelope.encode(Envelope.fromObject(obj)).finish();
}

/** A payload decoded by reflection, as a plain object: set fields only, 64-bit values as numbers. */
function inspect(bytes: Uint8Array): Record<string, unknown> {
  const obj = Envelope.toObject(Envelope.decode(bytes), { longs: Number, arrays: false, defaults: false });
  return JSON.parse(JSON.stringify(obj)) as Record<string, unknown>;
}

/** Sorted-key, order-keeping-for-records exact form (see codec.test.ts). */
const ORDERED = new Set(['params', 'extra', 'dataExtra']);
function canon(v: unknown, ordered = false): unknown {
  if (Array.isArray(v)) return v.map((x) => canon(x));
  if (v === null || typeof v !== 'object') return v;
  const rec = v as Record<string, unknown>;
  const keys = Object.keys(rec);
  if (!ordered) keys.sort();
  return keys.map((k) => [k, canon(rec[k], ORDERED.has(k))]);
}

/** A Pairs message: parallel name and value lists (§13.3). */
const pairs = (...kv: string[]): { names: string[]; values: string[] } => {
  const out = { names: [] as string[], values: [] as string[] };
  for (let i = 0; i < kv.length; i += 2) {
    out.names.push(kv[i]!);
    out.values.push(kv[i + 1]!);
  }
  return out;
};

/** [name, reflection object, expected typed message] */
const cases: [string, Record<string, unknown>, Message][] = [
  [
    'exec request',
    {
      msgId: 17,
      origin: 'lrmd_send_command',
      extra: pairs('t', 'lrmd'),
      rscExec: {
        common: { timeout: 20000, callOptions: 4, dataOrigin: 'lrmd_api_exec', dataExtra: pairs('z', '1', 'a', '2') },
        rscId: 'vip',
        action: 'monitor',
        interval: 10000,
        actionTimeout: 20000,
        userData: 'u',
        params: pairs('ip', '192.0.2.1', '2nd', 'x', 'ip', 'ignored: first one wins', 'cidr_netmask', '24'),
      },
    },
    {
      kind: 'request',
      op: 'lrmd_rsc_exec',
      msgId: 17,
      origin: 'lrmd_send_command',
      extra: { t: 'lrmd' },
      timeout: 20000,
      callOptions: 4,
      dataOrigin: 'lrmd_api_exec',
      dataExtra: { z: '1', a: '2' },
      rscId: 'vip',
      action: 'monitor',
      interval: 10000,
      actionTimeout: 20000,
      startDelay: 0,
      userData: 'u',
      params: { ip: '192.0.2.1', '2nd': 'x', cidr_netmask: '24' },
    },
  ],
  [
    'register request',
    { msgId: 1, register: { clientName: 'n', protocolVersion: '1.2', isIpcProvider: true, encodings: { values: ['protobuf', 'xml'] } } },
    {
      kind: 'request',
      op: 'register',
      msgId: 1,
      clientName: 'n',
      protocolVersion: '1.2',
      isIpcProvider: true,
      encodings: ['protobuf', 'xml'],
    },
  ],
  [
    'register reply',
    {
      msgId: 1,
      origin: 'process_lrmd_signon',
      reply: { rc: 0, callId: 1, op: 'register', clientId: 'id', protocolVersion: '1.2', uptime: 2 ** 40, encoding: 'protobuf' },
    },
    {
      kind: 'reply',
      msgId: 1,
      origin: 'process_lrmd_signon',
      rc: 0,
      callId: 1,
      op: 'register',
      clientId: 'id',
      protocolVersion: '1.2',
      uptime: 2 ** 40,
      encoding: 'protobuf',
    },
  ],
  [
    'rsc_info and get_recurring reply parts',
    {
      msgId: 4,
      reply: {
        rc: -19,
        rsc: { rscId: 'vip', agent: 'IPaddr2' },
        recurring: { entries: [{ rscId: 'vip', ops: [{ action: 'monitor', interval: 10000, timeout: 20000 }] }] },
      },
    },
    {
      kind: 'reply',
      msgId: 4,
      rc: -19,
      rsc: { rscId: 'vip', agent: 'IPaddr2' },
      recurring: [{ rscId: 'vip', ops: [{ action: 'monitor', interval: 10000, timeout: 20000 }] }],
    },
  ],
  [
    'exec notify',
    {
      execNotify: {
        rscId: 'vip',
        action: 'stop',
        callId: 41,
        execRc: 1,
        opStatus: -2,
        rscDeleted: true,
        runTime: -(2 ** 50),
        exitReason: '',
        params: pairs('a', 'b'),
      },
    },
    {
      kind: 'notify',
      op: 'lrmd_rsc_exec',
      msgId: 0,
      rscId: 'vip',
      action: 'stop',
      callId: 41,
      interval: 0,
      timeout: 0,
      startDelay: 0,
      execRc: 1,
      opStatus: -2,
      rscDeleted: true,
      runTime: -(2 ** 50),
      rcChangeTime: 0,
      execTime: 0,
      queueTime: 0,
      exitReason: '',
      params: { a: 'b' },
    },
  ],
  [
    'generic notify',
    { genericNotify: { op: 'lrmd_rsc_unregister', rc: -19, rscId: 'x' } },
    { kind: 'notify', op: 'lrmd_rsc_unregister', msgId: 0, rc: -19, rscId: 'x' },
  ],
  ['new client notify', { newClientNotify: {} }, { kind: 'notify', op: 'lrmd_rsc_new_client', msgId: 0 }],
  [
    'unknown notify',
    { unknownNotify: { op: 'later' }, extra: pairs('k', 'v') },
    { kind: 'notify', op: 'later', unknown: true, msgId: 0, extra: { k: 'v' } },
  ],
  [
    'unknown request',
    { msgId: 3, unknownRequest: { op: 'lrmd_future', common: { asyncId: 'tok' } } },
    { kind: 'request', op: 'lrmd_future', unknown: true, msgId: 3, asyncId: 'tok' },
  ],
  [
    'IPC request',
    {
      msgId: 0,
      ipcRequest: {
        msgType: 'notify',
        session: 's1',
        client: 'crmd',
        ipcMsgId: 3,
        ipcMsgFlags: 0x40200,
        body: '<lrmd_ipc_msg><x a="&lt;"/></lrmd_ipc_msg>',
      },
    },
    {
      kind: 'ipc',
      ipcOp: 'request',
      msgId: 0,
      msgType: 'notify',
      session: 's1',
      client: 'crmd',
      ipcMsgId: 3,
      ipcMsgFlags: 0x40200,
      body: { xml: '<lrmd_ipc_msg><x a="&lt;"/></lrmd_ipc_msg>' },
    },
  ],
  [
    'IPC shutdown ack',
    { msgId: 8, ipcShutdownAck: { msgType: 'request', op: 'ipc_fwd' } },
    { kind: 'ipc', ipcOp: 'shutdown_ack', msgId: 8, msgType: 'request', op: 'ipc_fwd' },
  ],
];

t.test('payloads built by reflection decode to the expected message', async (t) => {
  for (const [name, obj, expected] of cases) {
    const got = decodeProtobuf(build(obj));
    t.same(got, expected, name);
    t.strictSame(canon(got), canon(expected), `${name}: exact`);
  }
});

t.test('reflection reads our encoding as the same fields', async (t) => {
  for (const [name, obj, expected] of cases) {
    if (name === 'exec request') continue; // its reflection object repeats a parameter on purpose
    t.same(inspect(encodeProtobuf(expected)), inspect(build(obj)), name);
  }
});

t.test('hand-written bytes (spec/remote.proto field numbers, sint64 zigzag)', async (t) => {
  const hex = (s: string): Uint8Array => Uint8Array.from(Buffer.from(s.replace(/\s/g, ''), 'hex'));
  // msg_id (1) = 1 → zigzag 2; poke (18, length-delimited) → tag 0x92 0x01, empty
  const poke = hex('08 02  92 01 00');
  t.same(decodeProtobuf(poke), { kind: 'request', op: 'lrmd_rsc_poke', msgId: 1 });
  t.same(Buffer.from(encodeProtobuf({ kind: 'request', op: 'lrmd_rsc_poke', msgId: 1 })), Buffer.from(poke));

  // reply (30) → tag 0xf2 0x01; rc (1) = -71 → zigzag 141 = 0x8d 0x01; call_id (2) = 0, present
  const reply = hex('08 0e  f2 01 05  08 8d 01  10 00');
  t.same(decodeProtobuf(reply), { kind: 'reply', msgId: 7, rc: -71, callId: 0 });
  t.same(Buffer.from(encodeProtobuf({ kind: 'reply', msgId: 7, rc: -71, callId: 0 })), Buffer.from(reply));

  // exec_notify (40) → tag 0xc2 0x02; params (17) → tag 0x8a 0x01, Pairs { names ["a"], values [""] }
  const notify = hex('c2 02 08  8a 01 05  0a 01 61  12 00');
  t.same(decodeProtobuf(notify), {
    kind: 'notify',
    op: 'lrmd_rsc_exec',
    msgId: 0,
    rscId: '',
    action: '',
    callId: 0,
    interval: 0,
    timeout: 0,
    startDelay: 0,
    execRc: 0,
    opStatus: 0,
    rscDeleted: false,
    runTime: 0,
    rcChangeTime: 0,
    execTime: 0,
    queueTime: 0,
    params: { a: '' },
  });

  // ipc_shutdown_req (55) → tag 0xba 0x03; session (3) = "0"
  const shutdown = hex('ba 03 03  1a 01 30');
  t.same(decodeProtobuf(shutdown), { kind: 'ipc', ipcOp: 'shutdown_req', msgId: 0, session: '0' });
});
