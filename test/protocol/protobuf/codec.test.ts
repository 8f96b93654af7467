import fc from 'fast-check';
import { isDeepStrictEqual } from 'node:util';
import t, { type Test } from 'tap';
import { ErrorCode, ProtocolError } from '../../../src/protocol/errors.js';
import type { AlertExecRequest, Message, RscExecRequest } from '../../../src/protocol/messages/message.js';
import {
  decodeProtobuf,
  encodeProtobuf,
  Encoding,
  isProtobufFlagged,
  PROTOBUF_FLAG,
} from '../../../src/protocol/protobuf/index.js';
import { arbMessage } from '../../helpers/arbitraries.js';

/**
 * An exact form of a value for strictSame: objects become sorted [key, value]
 * lists, so a missing key or an extra `undefined` key shows up and prototypes
 * do not matter; parameter and unknown-attribute records keep their order.
 */
const ORDERED = new Set(['params', 'extra', 'dataExtra']);
function canon(v: unknown, ordered = false): unknown {
  if (Array.isArray(v)) return v.map((x) => canon(x));
  if (v === null || typeof v !== 'object') return v;
  const rec = v as Record<string, unknown>;
  const keys = Object.keys(rec);
  if (!ordered) keys.sort();
  return keys.map((k) => [k, canon(rec[k], ORDERED.has(k))]);
}

const roundTrip = (m: Message): Message => decodeProtobuf(encodeProtobuf(m));

const params = { CRM_meta_timeout: '20000', '1st': 'digit-leading', 'with space': 'x', ip: '192.0.2.1', '': 'empty name' };

/** One message of every variant with every optional field set, and one with none. */
export const examples: [string, Message][] = [
  [
    'register, full',
    {
      kind: 'request',
      op: 'register',
      msgId: 1,
      origin: 'lrmd_api_connect',
      extra: { t: 'lrmd', __name__: 'lrmd_command' },
      timeout: 0,
      callOptions: 0,
      asyncId: '',
      dataExtra: {},
      dataOrigin: 'x',
      clientName: 'pacemaker-remote-node1:3121',
      protocolVersion: '1.2',
      isIpcProvider: false,
      encodings: ['protobuf', 'xml'],
    },
  ],
  ['register, minimal', { kind: 'request', op: 'register', msgId: 1, clientName: '' }],
  ['register, empty encodings', { kind: 'request', op: 'register', msgId: 1, clientName: 'c', encodings: [] }],
  [
    'rsc_register',
    {
      kind: 'request',
      op: 'lrmd_rsc_register',
      msgId: 2,
      timeout: 30000,
      callOptions: 3,
      rscId: 'vip',
      standard: 'ocf',
      provider: 'heartbeat',
      agent: 'IPaddr2',
    },
  ],
  ['rsc_register, minimal', { kind: 'request', op: 'lrmd_rsc_register', msgId: 2, rscId: 'd', standard: 'lsb', agent: 'x' }],
  ['rsc_unregister', { kind: 'request', op: 'lrmd_rsc_unregister', msgId: 3, rscId: 'vip', dataExtra: { foo: 'bar' } }],
  ['rsc_unregister, minimal', { kind: 'request', op: 'lrmd_rsc_unregister', msgId: 3 }],
  ['rsc_info', { kind: 'request', op: 'lrmd_rsc_info', msgId: 4, rscId: 'vip' }],
  ['rsc_info, minimal', { kind: 'request', op: 'lrmd_rsc_info', msgId: 4 }],
  [
    'rsc_exec',
    {
      kind: 'request',
      op: 'lrmd_rsc_exec',
      msgId: 5,
      timeout: 20000,
      callOptions: 4,
      dataOrigin: 'lrmd_api_exec',
      rscId: 'vip',
      action: 'monitor',
      interval: 10000,
      actionTimeout: 20000,
      startDelay: 0,
      userData: '12:34:0:6fd1b2c3',
      params,
    },
  ],
  [
    'rsc_exec, minimal',
    { kind: 'request', op: 'lrmd_rsc_exec', msgId: 5, interval: 0, actionTimeout: 0, startDelay: 0, params: {} },
  ],
  ['rsc_cancel', { kind: 'request', op: 'lrmd_rsc_cancel', msgId: 6, rscId: 'vip', action: 'monitor', interval: 10000 }],
  ['rsc_cancel, minimal', { kind: 'request', op: 'lrmd_rsc_cancel', msgId: 6, interval: 0 }],
  [
    'rsc_metadata',
    { kind: 'request', op: 'lrmd_rsc_metadata', msgId: 7, rscId: 'r', standard: 'ocf', provider: 'pacemaker', agent: 'Dummy' },
  ],
  ['rsc_metadata, minimal', { kind: 'request', op: 'lrmd_rsc_metadata', msgId: 7 }],
  ['get_recurring', { kind: 'request', op: 'lrmd_get_recurring', msgId: 8, rscId: 'vip' }],
  ['get_recurring, minimal', { kind: 'request', op: 'lrmd_get_recurring', msgId: 8 }],
  ['poke', { kind: 'request', op: 'lrmd_rsc_poke', msgId: 9, timeout: 0, callOptions: 0 }],
  ['poke, minimal', { kind: 'request', op: 'lrmd_rsc_poke', msgId: 9 }],
  ['check', { kind: 'request', op: 'lrmd_check', msgId: 10, watchdog: '10s' }],
  ['check, minimal', { kind: 'request', op: 'lrmd_check', msgId: 10 }],
  [
    'alert_exec',
    {
      kind: 'request',
      op: 'lrmd_alert_exec',
      msgId: 11,
      alertId: 'mail',
      alertPath: '/usr/share/pacemaker/alerts/alert_smtp.sh',
      alertTimeout: 30000,
      params: { CRM_alert_kind: 'node', CRM_alert_node: 'remote1' },
    },
  ],
  ['alert_exec, minimal', { kind: 'request', op: 'lrmd_alert_exec', msgId: 11, alertTimeout: 0, params: {} }],
  [
    'unknown request',
    { kind: 'request', op: 'lrmd_future_op', unknown: true, msgId: 12, extra: { lrmd_future: '1' }, dataExtra: { a: 'b' } },
  ],
  ['unknown request, empty op', { kind: 'request', op: '', unknown: true, msgId: 12 }],
  [
    'register reply',
    {
      kind: 'reply',
      msgId: 1,
      origin: 'process_lrmd_signon',
      rc: 0,
      callId: 1,
      op: 'register',
      clientId: '0b6e9d62-5b4c-4d8e-9c53-2bde3c4ad0f1',
      protocolVersion: '1.2',
      uptime: 1234,
      nodeStartState: 'standby',
      encoding: 'protobuf',
    },
  ],
  ['reply, minimal', { kind: 'reply', msgId: 0, rc: 0 }],
  ['reply, negative rc', { kind: 'reply', msgId: 3, rc: -19, callId: 0 }],
  [
    'rsc_info reply',
    { kind: 'reply', msgId: 4, rc: 0, callId: 4, rsc: { rscId: 'vip', standard: 'ocf', provider: 'heartbeat', agent: 'IPaddr2' } },
  ],
  ['rsc_info reply, minimal rsc', { kind: 'reply', msgId: 4, rc: 0, rsc: { rscId: '' } }],
  [
    'get_recurring reply',
    {
      kind: 'reply',
      msgId: 8,
      rc: 0,
      recurring: [
        { rscId: 'vip', ops: [{ action: 'monitor', interval: 10000, timeout: 20000 }, { action: 'x', interval: 0, timeout: 0 }] },
        { rscId: 'db', ops: [] },
      ],
    },
  ],
  ['get_recurring reply, empty', { kind: 'reply', msgId: 8, rc: 0, recurring: [] }],
  [
    'exec notify',
    {
      kind: 'notify',
      op: 'lrmd_rsc_exec',
      msgId: 0,
      origin: 'send_cmd_complete_notify',
      rscId: 'vip',
      action: 'monitor',
      callId: 41,
      interval: 10000,
      timeout: 20000,
      startDelay: 0,
      execRc: 7,
      opStatus: -1,
      rscDeleted: true,
      runTime: 1732230000,
      rcChangeTime: Number.MAX_SAFE_INTEGER,
      execTime: 27,
      queueTime: 3,
      userData: 'u',
      exitReason: 'not running',
      output: 'line 1\nline 2 \u00e9\u{1f600}',
      params,
    },
  ],
  [
    'exec notify, minimal',
    {
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
      runTime: Number.MIN_SAFE_INTEGER,
      rcChangeTime: 0,
      execTime: 0,
      queueTime: 0,
      params: {},
    },
  ],
  ['generic notify', { kind: 'notify', op: 'lrmd_rsc_register', msgId: 0, rc: 0, callId: 2, rscId: 'vip' }],
  ['generic notify, unregister', { kind: 'notify', op: 'lrmd_rsc_unregister', msgId: 0, rc: -19 }],
  ['generic notify, poke', { kind: 'notify', op: 'lrmd_rsc_poke', msgId: 0, rc: 0, origin: 'o' }],
  ['new client notify', { kind: 'notify', op: 'lrmd_rsc_new_client', msgId: 0, origin: 'lrmd_remote_client_msg' }],
  ['unknown notify', { kind: 'notify', op: 'lrmd_future_event', unknown: true, msgId: 0, extra: { a: '1', b: '2' } }],
  [
    'ipc new',
    {
      kind: 'ipc',
      ipcOp: 'new',
      msgId: 0,
      msgType: 'notify',
      session: '0b6e9d62-5b4c-4d8e-9c53-2bde3c4ad0f1',
      server: 'cib_rw',
    },
  ],
  ['ipc new, minimal', { kind: 'ipc', ipcOp: 'new', msgId: 0, session: '', server: '' }],
  ['ipc destroy', { kind: 'ipc', ipcOp: 'destroy', msgId: 4, msgType: 'request', op: 'ipc_fwd', session: 's' }],
  [
    'ipc request',
    {
      kind: 'ipc',
      ipcOp: 'request',
      msgId: 0,
      msgType: 'notify',
      session: 's',
      client: 'crmd',
      user: 'hacluster',
      ipcMsgId: 7,
      ipcMsgFlags: 0x40200,
      body: { xml: '<lrmd_ipc_msg><cib_command t="cib" a="&amp;"/></lrmd_ipc_msg>' },
    },
  ],
  ['ipc request, minimal', { kind: 'ipc', ipcOp: 'request', msgId: 0, session: 's', ipcMsgId: 0, ipcMsgFlags: 0 }],
  [
    'ipc response',
    { kind: 'ipc', ipcOp: 'response', msgId: 9, msgType: 'request', op: 'ipc_fwd', session: 's', ipcMsgId: 7, body: { xml: '' } },
  ],
  ['ipc response, minimal', { kind: 'ipc', ipcOp: 'response', msgId: 9, session: 's', ipcMsgId: 7 }],
  ['ipc event', { kind: 'ipc', ipcOp: 'event', msgId: 9, op: 'ipc_fwd', session: 's', body: { xml: '<x/>' } }],
  ['ipc event, minimal', { kind: 'ipc', ipcOp: 'event', msgId: 9, session: 's' }],
  ['ipc shutdown_req', { kind: 'ipc', ipcOp: 'shutdown_req', msgId: 5, msgType: 'request', op: 'ipc_fwd', session: '0' }],
  ['ipc shutdown_req, minimal', { kind: 'ipc', ipcOp: 'shutdown_req', msgId: 5 }],
  ['ipc shutdown_ack', { kind: 'ipc', ipcOp: 'shutdown_ack', msgId: 0, msgType: 'notify', extra: { x: 'y' } }],
  ['ipc shutdown_nack', { kind: 'ipc', ipcOp: 'shutdown_nack', msgId: 0, origin: '' }],
];

t.test('every variant round-trips exactly', async (t) => {
  const variants = new Set<string>();
  for (const [name, m] of examples) {
    const back = roundTrip(m);
    t.same(back, m, name);
    t.strictSame(canon(back), canon(m), `${name}: same keys, order and values`);
    variants.add(m.kind === 'ipc' ? `ipc:${m.ipcOp}` : m.kind === 'reply' ? 'reply' : `${m.kind}:${'unknown' in m ? '?' : m.op}`);
  }
  // 11 request ops + unknown, reply, 3 generic ops + exec + new client + unknown notify, 8 IPC ops
  t.equal(variants.size, 12 + 1 + 6 + 8, 'all variants covered');
});

t.test('absent optional fields stay absent, present empty ones stay present', async (t) => {
  const bare = roundTrip({ kind: 'reply', msgId: 0, rc: 0 });
  t.strictSame(Object.keys(bare).sort(), ['kind', 'msgId', 'rc']);
  const empty = roundTrip({ kind: 'reply', msgId: 0, rc: 0, origin: '', callId: 0, uptime: 0, extra: {}, recurring: [] });
  t.strictSame(canon(empty), canon({ kind: 'reply', msgId: 0, rc: 0, origin: '', callId: 0, uptime: 0, extra: {}, recurring: [] }));
  const reg = roundTrip({ kind: 'request', op: 'register', msgId: 1, clientName: 'c', isIpcProvider: false });
  t.equal((reg as { isIpcProvider?: boolean }).isIpcProvider, false);
});

t.test('parameters and unknown attributes keep their order', async (t) => {
  const names = Array.from({ length: 30 }, (_, i) => `p_${(i * 7) % 30}`);
  const ordered = Object.fromEntries(names.map((n) => [n, n.toUpperCase()]));
  const back = roundTrip({
    kind: 'request',
    op: 'lrmd_alert_exec',
    msgId: 1,
    alertTimeout: 0,
    params: ordered,
    extra: ordered,
    dataExtra: ordered,
  }) as AlertExecRequest;
  t.strictSame(Object.keys(back.params), names);
  t.strictSame(Object.keys(back.extra ?? {}), names);
  t.strictSame(Object.keys(back.dataExtra ?? {}), names);
});

t.test('parameter records have no prototype, so any name is plain data', async (t) => {
  const params = Object.create(null) as Record<string, string>;
  params['__proto__'] = 'p';
  params['toString'] = 's';
  params['constructor'] = 'c';
  const back = roundTrip({
    kind: 'request',
    op: 'lrmd_rsc_exec',
    msgId: 1,
    interval: 0,
    actionTimeout: 0,
    startDelay: 0,
    params,
  }) as RscExecRequest;
  // no inherited keys: the prototype chain is empty (a fast-properties null record)
  const proto = Object.getPrototypeOf(back.params) as object | null;
  t.ok(proto === null || (Object.getPrototypeOf(proto) === null && Reflect.ownKeys(proto).length === 0));
  t.notOk('hasOwnProperty' in back.params);
  t.strictSame(Object.keys(back.params), ['__proto__', 'toString', 'constructor']);
  t.equal(back.params['__proto__'], 'p');
});

t.test('input may be a Buffer or a view into a larger buffer', async (t) => {
  const m: Message = { kind: 'notify', op: 'lrmd_rsc_register', msgId: 0, rc: -19, rscId: 'r' };
  const bytes = encodeProtobuf(m);
  t.same(decodeProtobuf(Buffer.from(bytes)), m);
  const big = new Uint8Array(bytes.length + 10).fill(0xff);
  big.set(bytes, 5);
  t.same(decodeProtobuf(big.subarray(5, 5 + bytes.length)), m);
  t.same(decodeProtobuf(Buffer.from(big.buffer, 5, bytes.length)), m);
});

t.test('encoding edge cases', async (t) => {
  t.test('an unpaired surrogate becomes U+FFFD, short or long string', async (t) => {
    for (const [s, want] of [
      ['a\ud800b', 'a\ufffdb'],
      ['x'.repeat(60) + '\udc00', 'x'.repeat(60) + '\ufffd'],
      ['\ud83d\ude00', '\ud83d\ude00'],
    ]) {
      const back = roundTrip({ kind: 'notify', op: 'lrmd_rsc_poke', msgId: 0, rc: 0, rscId: s! }) as { rscId?: string };
      t.equal(back.rscId, want);
    }
  });

  t.test('an op the types do not know goes out as an unknown message', async (t) => {
    const req = { kind: 'request', op: 'lrmd_later', msgId: 2, timeout: 5 } as unknown as Message;
    t.same(roundTrip(req), { kind: 'request', op: 'lrmd_later', unknown: true, msgId: 2, timeout: 5 });
    const note = { kind: 'notify', op: 'lrmd_later', msgId: 0 } as unknown as Message;
    t.same(roundTrip(note), { kind: 'notify', op: 'lrmd_later', unknown: true, msgId: 0 });
  });

  t.test('a value outside the union is refused with MESSAGE_BAD_VALUE', async (t) => {
    t.throws(() => encodeProtobuf({ kind: 'other', msgId: 0 } as unknown as Message), { code: ErrorCode.MessageBadValue });
    t.throws(() => encodeProtobuf({ kind: 'ipc', ipcOp: 'other', msgId: 0 } as unknown as Message), {
      code: ErrorCode.MessageBadValue,
    });
  });

  t.test('the shared writer: results do not alias, failures and big payloads leave it usable', async (t) => {
    const a: Message = { kind: 'reply', msgId: 1, rc: 0, op: 'register' };
    const b: Message = { kind: 'reply', msgId: 2, rc: -1, clientId: 'c'.repeat(50) };
    const first = encodeProtobuf(a);
    const copy = Uint8Array.from(first);
    encodeProtobuf(b);
    t.same(first, copy, 'an earlier result is not overwritten');
    // a number where a string belongs fails inside the generated encoder
    t.throws(() => encodeProtobuf({ kind: 'reply', msgId: 1, rc: 0, op: 5 } as unknown as Message));
    t.same(roundTrip(b), b, 'next encode after a failure');
    const big: Message = { kind: 'ipc', ipcOp: 'event', msgId: 3, session: 's', body: { xml: `<x>${'y'.repeat(100_000)}</x>` } };
    t.same(roundTrip(big), big, 'a payload over 64 KiB');
    t.same(roundTrip(a), a, 'next encode after a big one');
  });
});

/** Asserts that decoding throws PROTOBUF_INVALID. */
function invalid(t: Test, bytes: Uint8Array, name: string): void {
  t.throws(() => decodeProtobuf(bytes), { code: ErrorCode.ProtobufInvalid, name: 'ProtocolError' }, name);
}

t.test('garbage gives PROTOBUF_INVALID', async (t) => {
  invalid(t, new Uint8Array(), 'empty payload: no message set');
  invalid(t, Uint8Array.of(0x08, 0x02), 'msg_id only');
  invalid(t, Uint8Array.of(0xff), 'truncated varint tag');
  invalid(t, Uint8Array.of(0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff), 'overlong varint');
  invalid(t, Uint8Array.of(0x0f), 'wire type 7');
  invalid(t, Uint8Array.of(0x92, 0x01, 0x05, 0x00), 'poke whose length runs past the end');
  invalid(t, new TextEncoder().encode('<lrmd_command t="lrmd"/>'), 'an XML payload');
  // reply { op (field 3) = bytes FF FE }: not UTF-8
  invalid(t, Uint8Array.of(0xf2, 0x01, 0x04, 0x1a, 0x02, 0xff, 0xfe), 'invalid UTF-8 in a string');
  // generic_notify { op = "lrmd_rsc_exec" }
  const op = new TextEncoder().encode('lrmd_rsc_exec');
  invalid(t, Uint8Array.of(0xca, 0x02, op.length + 2, 0x0a, op.length, ...op), 'generic notify naming another op');
  // oneof member with the wrong wire type is skipped, leaving no message
  invalid(t, Uint8Array.of(0x90, 0x01, 0x00), 'poke as a varint');
  const err = (() => {
    try {
      decodeProtobuf(Uint8Array.of(0xff));
    } catch (e) {
      return e;
    }
    return undefined;
  })();
  t.ok(err instanceof ProtocolError && err.cause instanceof Error, 'the protobufjs error is kept as cause');
});

t.test('every truncation of a valid payload gives PROTOBUF_INVALID', async (t) => {
  let checked = 0;
  for (const [name, m] of examples) {
    const bytes = encodeProtobuf(m);
    for (let n = 0; n < bytes.length; n++) {
      try {
        decodeProtobuf(bytes.subarray(0, n));
        t.fail(`${name}: prefix of ${n}/${bytes.length} bytes decoded`);
      } catch (e) {
        if (!(e instanceof ProtocolError) || e.code !== ErrorCode.ProtobufInvalid) throw e;
      }
      checked++;
    }
  }
  t.ok(checked > 1000, `${checked} prefixes`);
});

t.test('unknown fields are skipped', async (t) => {
  const m: Message = { kind: 'request', op: 'lrmd_rsc_poke', msgId: 1 };
  const bytes = encodeProtobuf(m);
  // field 99 (varint 1) and field 100 (bytes "ab") before the message, field 5 of poke (fixed32) inside it
  const withUnknown = Uint8Array.of(0x98, 0x06, 0x01, 0xa2, 0x06, 0x02, 0x61, 0x62, ...bytes.subarray(0, bytes.length - 1), 0x05, 0x2d, 1, 2, 3, 4);
  t.same(decodeProtobuf(withUnknown), m);
});

t.test('random and mutated bytes give a message or PROTOBUF_INVALID, nothing else', async (t) => {
  const valid = examples.map(([, m]) => encodeProtobuf(m));
  const arbBytes = fc.oneof(
    fc.uint8Array({ maxLength: 64 }),
    fc
      .tuple(fc.constantFrom(...valid), fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), { minLength: 1, maxLength: 4 }))
      .map(([b, flips]) => {
        const out = Uint8Array.from(b);
        for (const [at, v] of flips) if (out.length > 0) out[at % out.length] = v;
        return out;
      }),
  );
  fc.assert(
    fc.property(arbBytes, (bytes) => {
      try {
        const m = decodeProtobuf(bytes);
        return typeof m.kind === 'string';
      } catch (e) {
        return e instanceof ProtocolError && e.code === ErrorCode.ProtobufInvalid;
      }
    }),
    { numRuns: 3000 },
  );
  t.pass('only messages or PROTOBUF_INVALID');
});

t.test('any typed message round-trips exactly (property)', async (t) => {
  fc.assert(
    fc.property(arbMessage, (m) => isDeepStrictEqual(canon(roundTrip(m)), canon(m))),
    { numRuns: 1000 },
  );
  t.pass('1000 random messages');
});

t.test('flag and encoding names (§13.1, §13.2)', async (t) => {
  t.equal(PROTOBUF_FLAG, 1n << 32n);
  t.ok(isProtobufFlagged(PROTOBUF_FLAG | 0x5n));
  t.notOk(isProtobufFlagged(0xffff_ffffn));
  t.same(Encoding, { protobuf: 'protobuf', xml: 'xml' });
});
