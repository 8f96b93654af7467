/**
 * decodeMessage: the rules that the vectors do not show on their own
 * (spec/protocol.md §3.2–§3.10, §5, §6, §8).
 */
import t from 'tap';
import { ErrorCode, isProtocolError } from '../../../src/protocol/errors.js';
import {
  decodeMessage,
  isExecNotify,
  isIpcProxy,
  isNotify,
  isReply,
  isRequest,
  opaqueIpcBodies,
  type Message,
} from '../../../src/protocol/messages/index.js';
import { parseXml } from '../../../src/protocol/xml/parser.js';
import type { XmlElement } from '../../../src/protocol/xml/types.js';
import { saxesTree } from '../../helpers/saxes-tree.js';

const dec = (xml: string, legacyEscapes?: boolean): Message =>
  decodeMessage(saxesTree(xml), legacyEscapes === undefined ? undefined : { legacyEscapes });

function code(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (e) {
    return isProtocolError(e) ? e.code : `not a ProtocolError: ${String(e)}`;
  }
  return undefined;
}

/** Paths of own keys whose value is undefined (the codec must omit them). */
function undefinedKeys(v: unknown, path = ''): string[] {
  if (v === null || typeof v !== 'object') return [];
  return Object.entries(v).flatMap(([k, x]) =>
    x === undefined ? [`${path}.${k}`] : undefinedKeys(x, `${path}.${k}`),
  );
}

t.test('reply without lrmd_rc reads as -42 (ENOMSG), as liblrmd does', async (t) => {
  t.same(dec('<lrmd_reply lrmd_callid="3" lrmd_remote_msg_id="9"/>'), { kind: 'reply', msgId: 9, rc: -42, callId: 3 });
});

t.test('missing lrmd_remote_msg_id reads as 0', async (t) => {
  t.same(dec('<lrmd_reply lrmd_rc="0"/>'), { kind: 'reply', msgId: 0, rc: 0 });
});

t.test('lrmd_remote_msg_type is not recorded outside lrmd_ipc_proxy: the root names the kind', async (t) => {
  t.same(dec('<lrmd_reply lrmd_rc="0" lrmd_remote_msg_id="1" lrmd_remote_msg_type="REPLY"/>'), {
    kind: 'reply', msgId: 1, rc: 0,
  });
  t.same(dec('<lrmd_notify lrmd_op="lrmd_rsc_new_client" lrmd_remote_msg_type="reply"/>'), {
    kind: 'notify', op: 'lrmd_rsc_new_client', msgId: 0,
  });
  t.same(dec('<lrmd_command t="lrmd" lrmd_op="lrmd_rsc_poke" lrmd_remote_msg_type="x"/>'), {
    kind: 'request', op: 'lrmd_rsc_poke', msgId: 0,
  });
});

t.test('t: "lrmd" is consumed, another value or none is kept', async (t) => {
  const base = 'lrmd_op="lrmd_rsc_poke" lrmd_remote_msg_id="1"';
  t.same(dec(`<lrmd_command t="lrmd" ${base}/>`), { kind: 'request', op: 'lrmd_rsc_poke', msgId: 1 });
  t.same(dec(`<lrmd_command t="" ${base}/>`), { kind: 'request', op: 'lrmd_rsc_poke', msgId: 1, extra: { t: '' } });
  t.same(dec(`<lrmd_command ${base}/>`), { kind: 'request', op: 'lrmd_rsc_poke', msgId: 1, extra: { t: '' } });
  t.same(dec(`<lrmd_command ${base} t="LRMD" x="1"/>`), {
    kind: 'request', op: 'lrmd_rsc_poke', msgId: 1, extra: { t: 'LRMD', x: '1' },
  });
  // Only lrmd_command gives t a meaning.
  t.same(dec('<lrmd_reply t="lrmd" lrmd_rc="0"/>'), { kind: 'reply', msgId: 0, rc: 0, extra: { t: 'lrmd' } });
});

t.test('client-supplied lrmd_callid / lrmd_clientid on a request stay in extra (§3.3)', async (t) => {
  t.same(dec('<lrmd_command t="lrmd" lrmd_op="lrmd_rsc_poke" lrmd_callid="5" lrmd_clientid="c"/>'), {
    kind: 'request', op: 'lrmd_rsc_poke', msgId: 0, extra: { lrmd_callid: '5', lrmd_clientid: 'c' },
  });
});

t.test('legacyEscapes undoes 2.1.5 backslash escapes in output and exit reason only', async (t) => {
  const xml = String.raw`<lrmd_notify lrmd_op="lrmd_rsc_exec" lrmd_rsc_id="r" lrmd_rsc_action="start"
    lrmd_callid="1" lrmd_exec_rc="1" lrmd_exec_op_status="0" lrmd_rsc_output="line1\nline2\rend" lrmd_rsc_exit_reason="bad\nthing" lrmd_rsc_userdata_str="u\nv"/>`;
  const plain = dec(xml) as { output: string; exitReason: string; userData: string };
  t.equal(plain.output, String.raw`line1\nline2\rend`);
  t.equal(plain.exitReason, String.raw`bad\nthing`);
  const legacy = dec(xml, true) as { output: string; exitReason: string; userData: string };
  t.equal(legacy.output, 'line1\nline2\rend');
  t.equal(legacy.exitReason, 'bad\nthing');
  t.equal(legacy.userData, String.raw`u\nv`, 'user data is opaque and untouched');
  t.same(
    dec('<lrmd_reply lrmd_rc="0" lrmd_rsc_output="a\\nb"/>', true),
    { kind: 'reply', msgId: 0, rc: 0, extra: { lrmd_rsc_output: 'a\\nb' } },
    'other messages are untouched',
  );
});

const EXEC = 'lrmd_op="lrmd_rsc_exec" lrmd_rsc_id="r" lrmd_rsc_action="start"';
const EXEC_RESULT = `${EXEC} lrmd_callid="4" lrmd_exec_rc="7" lrmd_exec_op_status="0"`;

t.test('exec notification: id, action, call id, rc, status required; other numbers absent = 0 (§6.1)', async (t) => {
  t.same(dec(`<lrmd_notify ${EXEC_RESULT}/>`), {
    kind: 'notify', op: 'lrmd_rsc_exec', msgId: 0, rscId: 'r', action: 'start', callId: 4, interval: 0,
    timeout: 0, startDelay: 0, execRc: 7, opStatus: 0, rscDeleted: false, runTime: 0, rcChangeTime: 0,
    execTime: 0, queueTime: 0, params: {},
  });
  for (const drop of ['lrmd_rsc_id', 'lrmd_rsc_action', 'lrmd_callid', 'lrmd_exec_rc', 'lrmd_exec_op_status']) {
    const xml = `<lrmd_notify ${EXEC_RESULT}/>`.replace(new RegExp(` ${drop}="[^"]*"`), '');
    t.equal(code(() => dec(xml)), ErrorCode.MessageMissingField, drop);
  }
  t.equal(code(() => dec(`<lrmd_notify ${EXEC} lrmd_callid="x" lrmd_exec_rc="0" lrmd_exec_op_status="0"/>`)),
    ErrorCode.MessageBadValue);
});

t.test('lrmd_rsc_deleted is an integer flag: non-zero is true (§3.9)', async (t) => {
  const del = (v: string) =>
    (dec(`<lrmd_notify ${EXEC_RESULT} lrmd_rsc_deleted="${v}"/>`) as { rscDeleted: boolean }).rscDeleted;
  for (const v of ['1', '2', '-1']) t.equal(del(v), true, v);
  for (const v of ['0', '00', '-0']) t.equal(del(v), false, v);
  for (const v of ['true', '', 'yes']) t.equal(code(() => del(v)), ErrorCode.MessageBadValue, JSON.stringify(v));
});

t.test('generic notification without lrmd_rc reads rc 0', async (t) => {
  t.same(dec('<lrmd_notify lrmd_op="lrmd_rsc_poke"/>'), { kind: 'notify', op: 'lrmd_rsc_poke', msgId: 0, rc: 0 });
});

t.test('booleans accept true/yes/y/on/1 in any case (§3.9)', async (t) => {
  const prov = (v: string) =>
    (dec(`<lrmd_command t="lrmd" lrmd_op="register" lrmd_clientname="c" lrmd_is_ipc_provider="${v}"/>`) as {
      isIpcProvider: boolean;
    }).isIpcProvider;
  for (const v of ['true', 'TRUE', 'yes', 'Y', 'on', '1']) t.equal(prov(v), true, v);
  for (const v of ['false', 'no', '0', 'enabled', '']) t.equal(prov(v), false, JSON.stringify(v));
});

t.test('integers are strict decimal', async (t) => {
  const rc = (v: string) => (dec(`<lrmd_reply lrmd_rc="${v}"/>`) as { rc: number }).rc;
  t.equal(rc('007'), 7);
  t.equal(rc('-2147483648'), -2147483648);
  t.equal(rc('9007199254740991'), 9007199254740991);
  t.ok(Object.is(rc('-0'), 0), '-0 folds to 0');
  for (const v of ['', ' 1', '1 ', '+1', '1.0', '1e3', '0x10', '--1', '9007199254740992', 'NaN', '١']) {
    t.equal(code(() => rc(v)), ErrorCode.MessageBadValue, JSON.stringify(v));
  }
});

t.test('request data: the first element inside the first lrmd_calldata (§3.3)', async (t) => {
  t.same(
    dec('<lrmd_command t="lrmd" lrmd_op="lrmd_rsc_exec"><lrmd_calldata><lrmd_alert lrmd_rsc_id="r"/></lrmd_calldata></lrmd_command>'),
    { kind: 'request', op: 'lrmd_rsc_exec', msgId: 0, rscId: 'r', interval: 0, actionTimeout: 0, startDelay: 0, params: {} },
    'whatever its name',
  );
  t.same(
    dec('<lrmd_command t="lrmd" lrmd_op="lrmd_rsc_info"><lrmd_calldata>x<lrmd_rsc lrmd_rsc_id="a"/></lrmd_calldata><lrmd_calldata><lrmd_rsc lrmd_rsc_id="b"/></lrmd_calldata></lrmd_command>'),
    { kind: 'request', op: 'lrmd_rsc_info', msgId: 0, rscId: 'a' },
    'text is skipped, a second lrmd_calldata ignored',
  );
  t.same(dec('<lrmd_command t="lrmd" lrmd_op="lrmd_rsc_exec"><lrmd_rsc lrmd_rsc_id="r"/></lrmd_command>'), {
    kind: 'request', op: 'lrmd_rsc_exec', msgId: 0, interval: 0, actionTimeout: 0, startDelay: 0, params: {},
  }, 'a data element outside lrmd_calldata is not read');
  t.same(
    dec('<lrmd_command t="lrmd" lrmd_op="lrmd_rsc_info"><lrmd_calldata><lrmd_rsc lrmd_rsc_id="a"/><lrmd_rsc lrmd_rsc_id="b"/></lrmd_calldata></lrmd_command>'),
    { kind: 'request', op: 'lrmd_rsc_info', msgId: 0, rscId: 'a' },
    'the first one wins',
  );
});

t.test('unknown operation: attributes of any data element go to dataExtra', async (t) => {
  t.same(
    dec('<lrmd_command t="lrmd" lrmd_op="x_op"><lrmd_calldata><lrmd_alert lrmd_origin="o" a="1"><attributes b="2"/></lrmd_alert></lrmd_calldata></lrmd_command>'),
    { kind: 'request', op: 'x_op', unknown: true, msgId: 0, dataOrigin: 'o', dataExtra: { a: '1' } },
  );
  t.same(dec('<lrmd_command t="lrmd" lrmd_op=""/>'), { kind: 'request', op: '', unknown: true, msgId: 0 });
  t.same(dec('<lrmd_command t="lrmd" lrmd_op="lrmd_rsc_new_client"/>'), {
    kind: 'request', op: 'lrmd_rsc_new_client', unknown: true, msgId: 0,
  }, 'a notification op is not a request op');
});

t.test('register request: encodings list is split on commas, blanks dropped', async (t) => {
  const enc = (v: string) =>
    (dec(`<lrmd_command t="lrmd" lrmd_op="register" lrmd_clientname="c" pcmk_remote_encodings="${v}"/>`) as unknown as {
      encodings: string[];
    }).encodings;
  t.same(enc('protobuf, xml'), ['protobuf', 'xml']);
  t.same(enc(''), []);
  t.same(enc(',xml,,'), ['xml']);
});

t.test('info reply: resource attributes without lrmd_rsc_id stay in extra', async (t) => {
  t.same(dec('<lrmd_reply lrmd_rc="0" lrmd_class="ocf" lrmd_type="Dummy"/>'), {
    kind: 'reply', msgId: 0, rc: 0, extra: { lrmd_class: 'ocf', lrmd_type: 'Dummy' },
  });
  t.same(dec('<lrmd_reply lrmd_rc="0" lrmd_rsc_id="r"/>'), { kind: 'reply', msgId: 0, rc: 0, rsc: { rscId: 'r' } });
});

t.test('recurring reply: other children ignored, absent numbers 0', async (t) => {
  t.same(
    dec('<lrmd_reply lrmd_rc="0"><junk/><lrmd_rsc lrmd_rsc_id="r"><x/><lrmd_rsc_op lrmd_rsc_action="monitor"/></lrmd_rsc></lrmd_reply>'),
    { kind: 'reply', msgId: 0, rc: 0, recurring: [{ rscId: 'r', ops: [{ action: 'monitor', interval: 0, timeout: 0 }] }] },
  );
  t.equal(
    code(() => dec('<lrmd_reply lrmd_rc="0"><lrmd_rsc lrmd_rsc_id="r"><lrmd_rsc_op/></lrmd_rsc></lrmd_reply>')),
    ErrorCode.MessageMissingField,
  );
});

t.test('lrmd_rsc_register missing its data element, id, or the provider of an ocf resource (§5.2)', async (t) => {
  const reg = (attrs: string) =>
    `<lrmd_command t="lrmd" lrmd_op="lrmd_rsc_register"><lrmd_calldata><lrmd_rsc ${attrs}/></lrmd_calldata></lrmd_command>`;
  t.equal(code(() => dec(reg('lrmd_rsc_id="r" lrmd_class="ocf" lrmd_type="D"'))), ErrorCode.MessageMissingField);
  t.equal(code(() => dec(reg('lrmd_rsc_id="r" lrmd_class="OCF" lrmd_type="D"'))), ErrorCode.MessageMissingField);
  t.equal(code(() => dec(reg('lrmd_rsc_id="r" lrmd_class="lsb"'))), ErrorCode.MessageMissingField);
  t.same(dec(reg('lrmd_rsc_id="r" lrmd_class="lsb" lrmd_type="cron"')), {
    kind: 'request', op: 'lrmd_rsc_register', msgId: 0, rscId: 'r', standard: 'lsb', agent: 'cron',
  });
  t.equal(code(() => dec('<lrmd_command t="lrmd" lrmd_op="lrmd_rsc_register"/>')), ErrorCode.MessageMissingField);
  t.equal(
    code(() => dec('<lrmd_command t="lrmd" lrmd_op="lrmd_rsc_register"><lrmd_calldata><lrmd_rsc lrmd_class="ocf" lrmd_type="D"/></lrmd_calldata></lrmd_command>')),
    ErrorCode.MessageMissingField,
  );
});

t.test('IPC: lrmd_ipc_op is case-insensitive, stray attributes kept', async (t) => {
  t.same(dec('<lrmd_ipc_proxy lrmd_ipc_op="SHUTDOWN_ACK" lrmd_ipc_session="0" lrmd_op="ipc_fwd"/>'), {
    kind: 'ipc', ipcOp: 'shutdown_ack', msgId: 0, op: 'ipc_fwd', extra: { lrmd_ipc_session: '0' },
  });
  t.same(dec('<lrmd_ipc_proxy lrmd_ipc_op="shutdown_req"/>'), { kind: 'ipc', ipcOp: 'shutdown_req', msgId: 0 });
  t.equal(code(() => dec('<lrmd_ipc_proxy lrmd_ipc_op="destroy"/>')), ErrorCode.MessageMissingField);
  t.equal(code(() => dec('<lrmd_ipc_proxy lrmd_ipc_op="new" lrmd_ipc_session="s"/>')), ErrorCode.MessageMissingField);
  t.equal(code(() => dec('<lrmd_ipc_proxy lrmd_ipc_op=""/>')), ErrorCode.MessageBadValue);
});

t.test('IPC body: raw text kept exactly; a parsed element is serialized; none is undefined', async (t) => {
  const body = `<cib_command  t='cib' a="&amp;&#x41;" ><!-- c --><![CDATA[<x>]]></cib_command >`;
  const xml = `<lrmd_ipc_proxy lrmd_ipc_op="event" lrmd_ipc_session="s"><lrmd_ipc_msg>${body}</lrmd_ipc_msg></lrmd_ipc_proxy>`;
  const opaque = decodeMessage(parseXml(xml, { opaque: opaqueIpcBodies })) as { body: { xml: string } };
  t.equal(opaque.body.xml, body);
  const parsed = decodeMessage(parseXml(xml)) as { body: { xml: string } };
  t.equal(parsed.body.xml, '<cib_command t="cib" a="&amp;A"><!-- c --><![CDATA[<x>]]></cib_command>');
  // Text or comments around the element are skipped.
  const tree: XmlElement = saxesTree(
    '<lrmd_ipc_proxy lrmd_ipc_op="event" lrmd_ipc_session="s"><lrmd_ipc_msg>x<!--c--><a/></lrmd_ipc_msg></lrmd_ipc_proxy>',
  );
  t.same((decodeMessage(tree) as { body: unknown }).body, { xml: '<a/>' });
  t.same(dec('<lrmd_ipc_proxy lrmd_ipc_op="event" lrmd_ipc_session="s"><lrmd_ipc_msg>text</lrmd_ipc_msg></lrmd_ipc_proxy>'), {
    kind: 'ipc', ipcOp: 'event', msgId: 0, session: 's',
  });
  t.same(dec('<lrmd_ipc_proxy lrmd_ipc_op="response" lrmd_ipc_session="s"/>'), {
    kind: 'ipc', ipcOp: 'response', msgId: 0, session: 's', ipcMsgId: 0,
  });
  t.same(
    dec('<lrmd_ipc_proxy lrmd_ipc_op="new" lrmd_ipc_session="s" lrmd_ipc_server="cib_ro"><lrmd_ipc_msg><a/></lrmd_ipc_msg></lrmd_ipc_proxy>'),
    { kind: 'ipc', ipcOp: 'new', msgId: 0, session: 's', server: 'cib_ro' },
    'a body on an operation without one is not read',
  );
});

t.test('opaqueIpcBodies selects exactly the children of lrmd_ipc_msg', async (t) => {
  const el = (name: string): XmlElement => ({ type: 'element', name, attrs: {}, children: [] });
  t.equal(opaqueIpcBodies('x', el('lrmd_ipc_msg'), 2), true);
  t.equal(opaqueIpcBodies('lrmd_ipc_msg', el('lrmd_ipc_proxy'), 1), false);
  t.equal(opaqueIpcBodies('lrmd_rsc', el('lrmd_calldata'), 2), false);
});

t.test('unknown root and every decoded object is free of undefined values', async (t) => {
  t.equal(code(() => dec('<cib/>')), ErrorCode.MessageUnknownRoot);
  t.equal(code(() => dec('<LRMD_REPLY lrmd_rc="0"/>')), ErrorCode.MessageUnknownRoot, 'names are case-sensitive');
  const samples = [
    '<lrmd_command t="lrmd" lrmd_op="lrmd_rsc_exec"/>',
    '<lrmd_command t="lrmd" lrmd_op="register" lrmd_clientname="c"/>',
    '<lrmd_reply/>',
    `<lrmd_notify ${EXEC_RESULT}/>`,
    '<lrmd_ipc_proxy lrmd_ipc_op="request" lrmd_ipc_session="s"/>',
  ];
  for (const xml of samples) t.same(undefinedKeys(dec(xml)), [], xml);
});

t.test('cancel and alert requests without a data element read numbers as 0', async (t) => {
  t.same(dec('<lrmd_command t="lrmd" lrmd_op="lrmd_rsc_cancel"/>'), {
    kind: 'request', op: 'lrmd_rsc_cancel', msgId: 0, interval: 0,
  });
  t.same(dec('<lrmd_command t="lrmd" lrmd_op="lrmd_alert_exec"/>'), {
    kind: 'request', op: 'lrmd_alert_exec', msgId: 0, alertTimeout: 0, params: {},
  });
});

t.test('narrowing helpers agree with decoded kinds', async (t) => {
  const req = dec('<lrmd_command t="lrmd" lrmd_op="lrmd_rsc_poke"/>');
  const rep = dec('<lrmd_reply lrmd_rc="0"/>');
  const exec = dec(`<lrmd_notify ${EXEC_RESULT}/>`);
  const unk = dec('<lrmd_notify lrmd_op="zz"/>');
  const ipc = dec('<lrmd_ipc_proxy lrmd_ipc_op="shutdown_ack"/>');
  t.same([req, rep, exec, ipc].map(isRequest), [true, false, false, false]);
  t.same([req, rep, exec, ipc].map(isReply), [false, true, false, false]);
  t.same([req, rep, exec, unk, ipc].map(isNotify), [false, false, true, true, false]);
  t.same([req, rep, exec, unk, ipc].map(isExecNotify), [false, false, true, false, false]);
  t.same([req, rep, exec, ipc].map(isIpcProxy), [false, false, false, true]);
});
