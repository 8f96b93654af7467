import t from 'tap';
import { ClientError, PeerError, isClientError, isPeerError, rcName } from '../../src/client/errors.js';
import { PcmkRemoteError } from '../../src/protocol/errors.js';

t.test('PeerError names the errno', async (t) => {
  const e = new PeerError(-19, 'lrmd_rsc_info');
  t.ok(e instanceof PcmkRemoteError);
  t.equal(e.code, 'ENODEV');
  t.equal(e.rc, -19);
  t.equal(e.op, 'lrmd_rsc_info');
  t.equal(e.name, 'PeerError');
  t.ok(isPeerError(e, 'ENODEV'));
  t.notOk(isPeerError(e, 'EINVAL'));
  t.equal(rcName(-115), 'EINPROGRESS');
  t.equal(rcName(-71), 'EPROTO');
  t.equal(rcName(-5), 'E5');
});

t.test('ClientError', async (t) => {
  const e = new ClientError('TIMEOUT', 'x');
  t.ok(e instanceof PcmkRemoteError);
  t.equal(e.name, 'ClientError');
  t.ok(isClientError(e, 'TIMEOUT'));
  t.notOk(isClientError(e, 'ABORTED'));
  t.notOk(isClientError(new Error('x')));
});
