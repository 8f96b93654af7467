// connectClient in X.509 mode (§4.6): explicit credentials and the
// PCMK_*_file environment, against an X.509 server on loopback.
import t from 'tap';
import type { AddressInfo } from 'node:net';
import { rmSync } from 'node:fs';
import { connectClient } from '../../src/client/connect.js';
import { MessageDecoder, encodeMessageFrame, type Request } from '../../src/protocol/index.js';
import { RecordWriter, createX509TlsServer } from '../../src/transport/index.js';
import { makePki, opensslUnavailable } from '../transport/fixtures/x509/make-pki.js';

if (opensslUnavailable && process.env.CI) {
  t.fail(`${opensslUnavailable}: in CI this test must run`);
} else if (opensslUnavailable) {
  t.test('connectClient over X.509', { skip: opensslUnavailable }, () => {});
} else {
  const pki = makePki();
  t.teardown(() => rmSync(pki.dir, { recursive: true, force: true }));

  t.test('connectClient over X.509', async (t) => {
    const server = createX509TlsServer({ ca: pki.ca, cert: pki.server.cert, key: pki.server.key }, (socket) => {
      const writer = new RecordWriter(socket);
      const decoder = new MessageDecoder();
      socket.on('error', () => {});
      socket.on('data', (d: Buffer) => {
        for (const f of decoder.push(d)) {
          const req = f.message as Request;
          if (req.op === 'register') {
            void writer.write(encodeMessageFrame({ kind: 'reply', msgId: req.msgId, rc: 0, op: 'register', clientId: 'x509-client', protocolVersion: '1.2' })).catch(() => {});
          }
        }
      });
    });
    server.on('tlsClientError', () => {});
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    t.teardown(() => new Promise<void>((resolve) => server.close(() => resolve())));
    const port = (server.address() as AddressInfo).port;

    const explicit = await connectClient({ port, x509: { ca: pki.ca, cert: pki.client.cert, key: pki.client.key, peerName: 'remote1.test' }, encodings: [] });
    t.equal(explicit.clientId, 'x509-client', 'explicit credentials, pinned peer name');
    explicit.close();

    const env = { PCMK_ca_file: pki.ca, PCMK_cert_file: pki.client.cert, PCMK_key_file: pki.client.key };
    const fromEnv = await connectClient({ port, x509: 'env', env, encodings: [] });
    t.equal(fromEnv.clientId, 'x509-client', 'credentials from PCMK_*_file');
    fromEnv.close();

    await t.rejects(
      connectClient({ port, x509: { ca: pki.ca, cert: pki.client.cert, key: pki.client.key, peerName: 'other.test' } }),
      { code: 'TLS_CERT_INVALID' },
      'a pinned name that does not match',
    );
    await t.rejects(
      connectClient({ port, x509: 'env', env: { PCMK_ca_file: pki.ca } }),
      { code: 'X509_CONFIG_INCOMPLETE' },
      'a partial X.509 environment is an error, not a silent fall back to PSK',
    );
    await t.rejects(
      connectClient({ port, x509: 'env', env: {}, key: new Uint8Array(65_537) }),
      { code: 'PSK_TOO_LONG' },
      'no PCMK_*_file at all: PSK mode',
    );
  });
}
