import t from 'tap';
import { PcmkRemoteError } from '../../src/protocol/errors.js';
import { TransportError, TransportErrorCode, isTransportError } from '../../src/transport/errors.js';

const sys = (code: string): Error => Object.assign(new Error(code), { code });

t.test('fromSocketError maps by phase', async (t) => {
  t.equal(TransportError.fromSocketError(sys('ECONNREFUSED'), 'connect').code, TransportErrorCode.ConnectFailed);
  t.equal(TransportError.fromSocketError(sys('ETIMEDOUT'), 'connect').code, TransportErrorCode.ConnectTimeout);
  t.equal(TransportError.fromSocketError(sys('ENOTFOUND'), 'connect').code, TransportErrorCode.ConnectFailed);
  t.equal(TransportError.fromSocketError(sys('ECONNRESET'), 'handshake').code, TransportErrorCode.TlsHandshakeFailed);
  t.equal(TransportError.fromSocketError(sys('ERR_SSL_SSLV3_ALERT_ILLEGAL_PARAMETER'), 'handshake').code, TransportErrorCode.TlsHandshakeFailed);
  t.equal(TransportError.fromSocketError(sys('ECONNRESET')).code, TransportErrorCode.Closed);
  t.equal(TransportError.fromSocketError(sys('ETIMEDOUT'), 'io').code, TransportErrorCode.Closed);
  t.equal(TransportError.fromSocketError('weird', 'io').code, TransportErrorCode.Closed);
});

t.test('keeps our errors and the cause', async (t) => {
  const ours = new TransportError(TransportErrorCode.PskTooLong, 'x');
  t.equal(TransportError.fromSocketError(ours, 'handshake'), ours);
  const cause = sys('EPIPE');
  const e = TransportError.fromSocketError(cause);
  t.equal(e.cause, cause);
  t.ok(e instanceof PcmkRemoteError);
  t.equal(e.name, 'TransportError');
  t.ok(isTransportError(e));
  t.ok(isTransportError(e, TransportErrorCode.Closed));
  t.notOk(isTransportError(e, TransportErrorCode.Aborted));
  t.notOk(isTransportError(cause));
});
