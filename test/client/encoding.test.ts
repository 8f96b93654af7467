// Payload encoding negotiation as the client does it (spec/protocol.md §13.1).
import t, { type Test } from 'tap';
import { Client, type ClientOptions } from '../../src/client/client.js';
import type { Encoding } from '../../src/protocol/index.js';
import { FakeServer } from './fixtures/fake-server.js';

const CLIENT_ID = '0b6e9d62-5b4c-4d8e-9c53-2bde3c4ad0f1';

/** A server that answers register with `chosen` in pcmk_remote_encodings, then speaks it. */
async function negotiate(t: Test, chosen: string | undefined, opts: ClientOptions = {}): Promise<{ srv: FakeServer; client: Client }> {
  const srv = new FakeServer();
  srv.onRequest = (req, s) => {
    if (req.op === 'register') {
      s.reply(req, { rc: 0, op: 'register', clientId: CLIENT_ID, protocolVersion: '1.2', ...(chosen !== undefined ? { encoding: chosen } : {}) });
      if (chosen === 'protobuf') s.encoding = 'protobuf';
    } else if (req.op === 'lrmd_rsc_info') {
      s.reply(req, { rc: 0, rsc: { rscId: 'R', standard: 'ocf', provider: 'pacemaker', agent: 'Dummy' } });
    } else if (req.op === 'lrmd_rsc_exec') {
      s.reply(req, { rc: 41, callId: 41 });
      s.notifyExec(41, { execRc: 7, output: 'x < y & "z"' });
    }
  };
  const client = new Client(opts);
  await client.connect(srv.clientEnd);
  t.teardown(() => client.close());
  return { srv, client };
}

t.test('default offer is protobuf,xml; a protobuf answer switches later requests', async (t) => {
  const { srv, client } = await negotiate(t, 'protobuf');
  t.match(srv.requests[0], { op: 'register', encodings: ['protobuf', 'xml'] });
  t.equal(client.encoding, 'protobuf');
  t.same(await client.getResourceInfo('R'), { rscId: 'R', standard: 'ocf', provider: 'pacemaker', agent: 'Dummy' });
  const { callId } = await client.exec({ rscId: 'R', action: 'monitor', params: { a: '1' } });
  t.match(await client.waitForResult(callId), { callId: 41, execRc: 7, output: 'x < y & "z"' });
  t.same(srv.requestEncodings, ['xml', 'protobuf', 'protobuf'], 'register is XML, the rest protobuf');
  t.match(srv.requests[2], { op: 'lrmd_rsc_exec', params: { a: '1' } });
  // XML from the server is still accepted after the switch (§13.1 rule 5).
  srv.encoding = 'xml';
  t.ok(await client.getResourceInfo('R'));
  t.equal(srv.requestEncodings.at(-1), 'protobuf');
});

t.test('answers that mean XML (§13.1 rule 4)', async (t) => {
  const cases: [string, string | undefined, ClientOptions][] = [
    ['no attribute (Pacemaker)', undefined, {}],
    ['xml', 'xml', {}],
    ['unknown token', 'cbor', {}],
    ['protobuf not offered', 'protobuf', { encodings: ['xml'] }],
    ['nothing offered', 'protobuf', { encodings: [] }],
  ];
  for (const [name, chosen, opts] of cases) {
    const { srv, client } = await negotiate(t, chosen, opts);
    srv.encoding = 'xml'; // a correct server would not have switched
    t.equal(client.encoding, 'xml', name);
    t.ok(await client.getResourceInfo('R'), name);
    t.same(srv.requestEncodings, ['xml', 'xml'], name);
    client.close();
  }
});

t.test('offer order and the empty offer on the wire', async (t) => {
  const a = await negotiate(t, 'protobuf', { encodings: ['xml', 'protobuf'] });
  t.match(a.srv.requests[0], { encodings: ['xml', 'protobuf'] });
  t.equal(a.client.encoding, 'protobuf', 'the server chose among what was offered');
  const b = await negotiate(t, undefined, { encodings: [] });
  t.notOk('encodings' in b.srv.requests[0]!, 'no attribute at all');
});

t.test('a padded token is read as the token', async (t) => {
  const { client } = await negotiate(t, ' protobuf ');
  t.equal(client.encoding, 'protobuf' satisfies Encoding);
});

t.test('encoding is xml before connect and after a failed register', async (t) => {
  const client = new Client({ defaultTimeoutMs: 30 });
  t.equal(client.encoding, 'xml');
  const srv = new FakeServer();
  srv.onRequest = (req, s) => s.reply(req, { rc: -71, op: 'register', clientId: 'x', encoding: 'protobuf' });
  await t.rejects(client.connect(srv.clientEnd), { code: 'REGISTER_FAILED' });
  t.equal(client.encoding, 'xml');
});
