import t from 'tap';
import { ClientError, PeerError } from '../../src/client/errors.js';
import { CliError, ExitCode, describeError, exitCodeFor } from '../../src/cli/exit-codes.js';
import { ProtocolError } from '../../src/protocol/errors.js';
import { TransportError, TransportErrorCode } from '../../src/transport/errors.js';

t.test('every transport code maps to connection, timeout or interrupted', async (t) => {
  const special: Record<string, number> = { CONNECT_TIMEOUT: 4, TLS_HANDSHAKE_TIMEOUT: 4, ABORTED: 130 };
  for (const code of Object.values(TransportErrorCode)) {
    t.equal(exitCodeFor(new TransportError(code, 'x')), special[code] ?? 3, code);
  }
  t.equal(exitCodeFor(new TransportError('SOMETHING_NEW' as never, 'x')), 3, 'a future transport code is a connection failure');
});

t.test("the built-in TLS engine's codes are connection failures (spec/protocol.md §4.9, §12.2)", async (t) => {
  for (const code of ['TLS_PSK_MISMATCH', 'TLS_ALERT', 'TLS_BAD_RECORD', 'TLS_DECRYPT_ERROR'] as const) {
    t.ok(Object.values(TransportErrorCode).includes(code), `${code} is a transport code`);
    t.equal(exitCodeFor(new TransportError(code, 'x')), ExitCode.Connection, code);
    t.match(describeError(new TransportError(code, 'x')), new RegExp(`^${code}: `));
  }
});

t.test('client, peer, codec and command-line errors', async (t) => {
  t.equal(exitCodeFor(new ClientError('TIMEOUT', 'x')), ExitCode.Timeout);
  t.equal(exitCodeFor(new ClientError('ABORTED', 'x')), ExitCode.Interrupted);
  t.equal(exitCodeFor(new ClientError('CONNECTION_LOST', 'x')), ExitCode.Connection);
  t.equal(exitCodeFor(new ClientError('NOT_CONNECTED', 'x')), ExitCode.Connection);
  t.equal(exitCodeFor(new ClientError('REGISTER_FAILED', 'x')), ExitCode.Connection);
  t.equal(exitCodeFor(new ClientError('LIVENESS_FAILED' as never, 'x')), ExitCode.Connection);
  t.equal(exitCodeFor(new ClientError('PROTOCOL', 'x')), ExitCode.Failed);
  t.equal(exitCodeFor(new ClientError('SOMETHING_NEW' as never, 'x')), ExitCode.Failed);
  t.equal(exitCodeFor(new PeerError(-19, 'lrmd_rsc_exec')), ExitCode.Failed);
  t.equal(exitCodeFor(new PeerError(-95, 'lrmd_rsc_cancel')), ExitCode.Failed);
  t.equal(exitCodeFor(new ProtocolError('MESSAGE_MISSING_FIELD', 'x')), ExitCode.Failed);
  t.equal(exitCodeFor(new CliError('USAGE', 'x')), ExitCode.Usage);
  t.equal(exitCodeFor(new CliError('NOT_REGISTERED', 'x')), ExitCode.Failed);
  t.equal(exitCodeFor(new Error('plain')), ExitCode.Failed);
  t.equal(exitCodeFor('thrown string'), ExitCode.Failed);
});

t.test('describeError: code first, one line', async (t) => {
  t.match(describeError(new PeerError(-19, 'lrmd_rsc_info')), /^ENODEV: [^\n]+$/);
  t.match(describeError(new TransportError('CLOSED', 'a\nb\n  c')), /^CLOSED: [^\n]+$/);
  t.notMatch(describeError(new Error('x\ny')), /\n/);
  t.equal(describeError('text'), 'text');
  const e = new CliError('USAGE', 'x');
  t.equal(e.name, 'CliError');
  t.equal(e.code, 'USAGE');
});
