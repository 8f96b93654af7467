// The server half of register as pure functions: encoding choice (§13.1),
// version rule (§4.5, §9.2), reply fields (§4.3).
import t from 'tap';
import { buildRegisterReply, chooseEncoding, registerRc, REGISTER_ORIGIN } from '../../../src/server/session/register.js';
import { messageToXml } from '../../../src/protocol/codec.js';

t.test('chooseEncoding picks the first offered token we accept, and names it only then', async (t) => {
  t.same(chooseEncoding(undefined), { encoding: 'xml' });
  t.same(chooseEncoding([]), { encoding: 'xml' });
  t.same(chooseEncoding(['protobuf', 'xml']), { encoding: 'protobuf', announce: 'protobuf' });
  t.same(chooseEncoding(['xml', 'protobuf']), { encoding: 'xml', announce: 'xml' });
  t.same(chooseEncoding([' cbor ', '', ' protobuf ']), { encoding: 'protobuf', announce: 'protobuf' });
  t.same(chooseEncoding(['cbor']), { encoding: 'xml' }, 'nothing usable: XML, no attribute');
  t.same(chooseEncoding(['PROTOBUF']), { encoding: 'xml' }, 'tokens are lower case');
  t.same(chooseEncoding(['protobuf'], ['xml']), { encoding: 'xml' }, 'never names an encoding not offered');
  t.same(chooseEncoding(['protobuf', 'xml'], ['xml']), { encoding: 'xml', announce: 'xml' });
});

t.test('registerRc refuses versions below 1.0 and an absent one with -71', async (t) => {
  t.equal(registerRc('1.0'), 0);
  t.equal(registerRc('1.1'), 0);
  t.equal(registerRc('1.2'), 0);
  t.equal(registerRc('2.0'), 0, 'a higher major version passes, as in Pacemaker');
  t.equal(registerRc('1'), 0);
  t.equal(registerRc('0.9'), -71);
  t.equal(registerRc(undefined), -71);
  t.equal(registerRc(''), -71);
});

t.test('buildRegisterReply carries op, client id, version and uptime whatever the rc', async (t) => {
  const r = buildRegisterReply({ msgId: 3, callId: 9, rc: -71, clientId: 'id', uptimeSec: 12 });
  t.same(r, { kind: 'reply', msgId: 3, origin: REGISTER_ORIGIN, rc: -71, callId: 9, op: 'register', clientId: 'id', protocolVersion: '1.2', uptime: 12 });
  const x = buildRegisterReply({ msgId: 1, callId: 1, rc: 0, clientId: 'id', uptimeSec: 0, nodeStartState: 'standby', encoding: 'protobuf' });
  t.equal(x.nodeStartState, 'standby');
  t.equal(x.encoding, 'protobuf');
  const xml = messageToXml(x);
  t.match(xml, /lrmd_origin="process_lrmd_signon"/);
  t.match(xml, /pcmk_remote_encodings="protobuf"/);
  t.match(xml, /node_start_state="standby"/);
});
