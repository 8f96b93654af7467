/**
 * encodeMessage: defaults, attribute order and the corner cases of
 * spec/protocol.md §3.2, §3.3, §3.8, §8.3.
 */
import t from 'tap';
import {
  decodeMessage,
  encodeMessage,
  ipcMsgType,
  type IpcProxy,
  type Message,
} from '../../../src/protocol/messages/index.js';
import { serializeXml } from '../../../src/protocol/xml/serializer.js';
import type { XmlElement, XmlNode } from '../../../src/protocol/xml/types.js';
import { saxesTree } from '../../helpers/saxes-tree.js';

const attrs = (el: XmlNode | undefined): Record<string, string> => ({ ...(el as XmlElement).attrs });
const keys = (el: XmlNode | undefined): string[] => Object.keys((el as XmlElement).attrs);
const kid = (el: XmlNode | undefined, i = 0): XmlNode | undefined => (el as XmlElement).children[i];

t.test('request envelope: 2.1.5 order, t="lrmd", transport last', async (t) => {
  const el = encodeMessage({
    kind: 'request', op: 'lrmd_rsc_poke', msgId: 7, timeout: 0, callOptions: 0, asyncId: 'tok',
    extra: { zz: '1', __name__: 'lrmd_command' },
  });
  t.same(keys(el), [
    '__name__', 't', 'lrmd_async_id', 'lrmd_op', 'lrmd_timeout', 'lrmd_callopt', 'zz',
    'lrmd_remote_msg_id', 'lrmd_remote_msg_type',
  ]);
  t.equal(attrs(el)['t'], 'lrmd');
  t.equal(attrs(el)['lrmd_remote_msg_type'], 'request');
  t.same(keys(kid(kid(el))), [], 'poke data element is written even when empty');
});

t.test('t from extra: another value replaces lrmd, "" writes none', async (t) => {
  const msg = (extra: Record<string, string>): Message => ({ kind: 'request', op: 'lrmd_rsc_poke', msgId: 1, extra });
  t.equal(attrs(encodeMessage(msg({ t: 'crmd' })))['t'], 'crmd');
  t.notOk('t' in attrs(encodeMessage(msg({ t: '' }))));
  t.same(keys(encodeMessage(msg({ t: 'x' }))).slice(0, 2), ['t', 'lrmd_op'], 't keeps its place');
});

t.test('transport attributes cannot be overridden by extra', async (t) => {
  const el = encodeMessage({
    kind: 'reply', msgId: 4, rc: 0, extra: { lrmd_remote_msg_id: '99', lrmd_remote_msg_type: 'REPLY', a: 'b' },
  });
  t.same(attrs(el), { lrmd_rc: '0', a: 'b', lrmd_remote_msg_id: '4', lrmd_remote_msg_type: 'reply' });
  t.same(keys(el).slice(-2), ['lrmd_remote_msg_id', 'lrmd_remote_msg_type']);
  const n = encodeMessage({ kind: 'notify', op: 'lrmd_rsc_new_client', msgId: 0, extra: { lrmd_op: 'other' } });
  t.equal(attrs(n)['lrmd_op'], 'lrmd_rsc_new_client', 'modelled fields win over extra');
});

t.test('register request: no calldata, no outer timeout unless given', async (t) => {
  const el = encodeMessage({ kind: 'request', op: 'register', msgId: 1, clientName: 'c', isIpcProvider: false });
  t.same(attrs(el), {
    t: 'lrmd', lrmd_op: 'register', lrmd_clientname: 'c', lrmd_is_ipc_provider: 'false',
    lrmd_remote_msg_id: '1', lrmd_remote_msg_type: 'request',
  });
  t.same((el as XmlElement).children, []);
  const empty = encodeMessage({ kind: 'request', op: 'register', msgId: 1, clientName: 'c', encodings: [] });
  t.equal(attrs(empty)['pcmk_remote_encodings'], '');
  t.same((decodeMessage(empty) as unknown as { encodings: string[] }).encodings, []);
});

t.test('get_recurring and unknown requests write calldata only with data', async (t) => {
  t.same((encodeMessage({ kind: 'request', op: 'lrmd_get_recurring', msgId: 1 }) as XmlElement).children, []);
  t.same((encodeMessage({ kind: 'request', op: 'zz', unknown: true, msgId: 1 }) as XmlElement).children, []);
  const u = encodeMessage({ kind: 'request', op: 'zz', unknown: true, msgId: 1, dataExtra: { a: '1' } });
  t.same(attrs(kid(kid(u))), { a: '1' });
  t.equal((kid(kid(u)) as XmlElement).name, 'lrmd_rsc');
  const r = encodeMessage({ kind: 'request', op: 'register', msgId: 1, clientName: 'c', dataOrigin: 'o' });
  t.same(attrs(kid(kid(r))), { lrmd_origin: 'o' });
});

t.test('exec request and exec notification always carry <attributes>', async (t) => {
  const req = encodeMessage({
    kind: 'request', op: 'lrmd_rsc_exec', msgId: 1, interval: 0, actionTimeout: 0, startDelay: 0, params: {},
  });
  const rsc = kid(kid(req)) as XmlElement;
  t.same(keys(rsc), ['lrmd_rsc_interval', 'lrmd_timeout', 'lrmd_rsc_start_delay'], 'numbers always written');
  t.equal((kid(rsc) as XmlElement).name, 'attributes');
  const note = encodeMessage({
    kind: 'notify', op: 'lrmd_rsc_exec', msgId: 0, rscId: 'r', action: 'a', callId: 1, interval: 0, timeout: 0,
    startDelay: 0, execRc: 0, opStatus: 0, rscDeleted: true, runTime: 0, rcChangeTime: 0, execTime: 0,
    queueTime: 0, params: {},
  });
  t.same(kid(note), { type: 'element', name: 'attributes', attrs: {}, children: [] }, 'as 2.1.5 writes it');
  t.equal(attrs(note)['lrmd_rsc_deleted'], '1', 'deleted flag as Pacemaker writes it');
});

t.test('parameters whose names cannot be attributes travel as <param>', async (t) => {
  const params = { ok: '1', _x: '2', '1st': '3', 'a b': '4', 'x:y': '5', xmlns: '6', é: '7', 'a/b': '8' };
  const el = encodeMessage({
    kind: 'request', op: 'lrmd_alert_exec', msgId: 1, alertTimeout: 0, params,
  });
  const attributes = kid(kid(kid(el))) as XmlElement;
  t.same(attributes.attrs, { ok: '1', _x: '2' });
  t.same(
    attributes.children.map((c) => attrs(c)),
    ['1st', 'a b', 'x:y', 'xmlns', 'é', 'a/b'].map((name) => ({ name, value: params[name as keyof typeof params] })),
  );
  const text = serializeXml(el);
  t.same((decodeMessage(saxesTree(text)) as { params: unknown }).params, params, 'survives text and saxes');
  t.throws(
    () => encodeMessage({ kind: 'request', op: 'lrmd_alert_exec', msgId: 1, alertTimeout: 0, params: { '': 'x' } }),
    { code: 'MESSAGE_BAD_VALUE' },
    'an empty name cannot be sent',
  );
});

t.test('reply: recurring entries as children; an empty list is not written', async (t) => {
  const el = encodeMessage({
    kind: 'reply', msgId: 2, rc: 0, recurring: [{ rscId: 'r', ops: [{ action: 'monitor', interval: 5, timeout: 6 }] }],
  });
  t.same(attrs(kid(el)), { lrmd_rsc_id: 'r' });
  t.same(attrs(kid(kid(el))), { lrmd_rsc_action: 'monitor', lrmd_rsc_interval: '5', lrmd_timeout: '6' });
  const empty = encodeMessage({ kind: 'reply', msgId: 2, rc: 0, recurring: [] });
  t.same((empty as XmlElement).children, []);
  t.same(decodeMessage(empty), { kind: 'reply', msgId: 2, rc: 0 }, 'decodes as absent');
});

t.test('IPC defaults for msgType and op (§8.3)', async (t) => {
  const cases: [IpcProxy, string, string | undefined][] = [
    [{ kind: 'ipc', ipcOp: 'new', msgId: 0, session: 's', server: 'cib_rw' }, 'notify', undefined],
    [{ kind: 'ipc', ipcOp: 'request', msgId: 0, session: 's', ipcMsgId: 1, ipcMsgFlags: 0 }, 'notify', undefined],
    [{ kind: 'ipc', ipcOp: 'destroy', msgId: 0, session: 's' }, 'notify', undefined],
    [{ kind: 'ipc', ipcOp: 'shutdown_req', msgId: 0, session: '0' }, 'notify', undefined],
    [{ kind: 'ipc', ipcOp: 'response', msgId: 3, session: 's', ipcMsgId: 1 }, 'request', 'ipc_fwd'],
    [{ kind: 'ipc', ipcOp: 'event', msgId: 3, session: 's' }, 'request', 'ipc_fwd'],
    [{ kind: 'ipc', ipcOp: 'shutdown_ack', msgId: 3 }, 'request', 'ipc_fwd'],
    [{ kind: 'ipc', ipcOp: 'shutdown_nack', msgId: 3 }, 'request', 'ipc_fwd'],
    [{ kind: 'ipc', ipcOp: 'destroy', msgId: 3, session: 's', op: 'ipc_fwd' }, 'request', 'ipc_fwd'],
    [{ kind: 'ipc', ipcOp: 'destroy', msgId: 3, session: 's', msgType: 'request' }, 'request', 'ipc_fwd'],
    [{ kind: 'ipc', ipcOp: 'event', msgId: 3, session: 's', msgType: 'notify' }, 'notify', undefined],
    [{ kind: 'ipc', ipcOp: 'new', msgId: 0, session: 's', server: 'x', msgType: 'notify', op: 'o' }, 'notify', 'o'],
  ];
  for (const [m, type, op] of cases) {
    const a = attrs(encodeMessage(m));
    const label = `${m.ipcOp} ${m.msgType ?? '-'} ${m.op ?? '-'}`;
    t.equal(ipcMsgType(m), type, label);
    t.equal(a['lrmd_remote_msg_type'], type, label);
    t.equal(a['lrmd_op'], op, label);
  }
});

t.test('IPC attribute order and raw body node', async (t) => {
  const el = encodeMessage({
    kind: 'ipc', ipcOp: 'request', msgId: 0, msgType: 'notify', session: 's', client: 'c', user: 'u',
    ipcMsgId: 7, ipcMsgFlags: 768, body: { xml: '\n <cib_command t="cib"/>' },
  });
  t.same(keys(el), [
    'lrmd_ipc_op', 'lrmd_ipc_session', 'lrmd_ipc_client', 'lrmd_ipc_user', 'lrmd_ipc_msg_id',
    'lrmd_ipc_msg_flags', 'lrmd_remote_msg_id', 'lrmd_remote_msg_type',
  ]);
  t.same(kid(kid(el)), { type: 'raw', name: 'cib_command', xml: '\n <cib_command t="cib"/>' });
  const odd = encodeMessage({ kind: 'ipc', ipcOp: 'event', msgId: 0, session: 's', body: { xml: 'no tag' } });
  t.same(kid(kid(odd)), { type: 'raw', name: '', xml: 'no tag' });
  const newEl = encodeMessage({ kind: 'ipc', ipcOp: 'new', msgId: 0, session: 's', server: 'cib_rw' });
  t.same(keys(newEl), ['lrmd_ipc_op', 'lrmd_ipc_server', 'lrmd_ipc_session', 'lrmd_remote_msg_id', 'lrmd_remote_msg_type']);
});

t.test('encoded trees serialize with the project serializer', async (t) => {
  const el = encodeMessage({
    kind: 'notify', op: 'lrmd_rsc_exec', msgId: 0, rscId: 'r', action: 'a', callId: 1, interval: 0, timeout: 0,
    startDelay: 0, execRc: 0, opStatus: 0, rscDeleted: false, runTime: 0, rcChangeTime: 0, execTime: 0,
    queueTime: 0, output: 'a\nb\tc & <d>', params: { '9lives': 'x' },
  });
  t.match(serializeXml(el), /lrmd_rsc_output="a&#xA;b&#x9;c &amp; &lt;d&gt;"/);
  t.match(serializeXml(el), /<attributes><param name="9lives" value="x"\/><\/attributes>/);
});
