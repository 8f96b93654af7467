import t from 'tap';
import { actionKey } from '../../../src/server/executor/action-key.js';

t.test('case-insensitive; monitor is status for lsb, service, systemd, upstart (spec/protocol.md §5.6)', async (t) => {
  t.equal(actionKey('ocf', 'Monitor'), 'monitor');
  t.equal(actionKey('ocf', 'status'), 'status');
  for (const std of ['lsb', 'LSB', 'service', 'systemd', 'upstart']) t.equal(actionKey(std, 'MONITOR'), 'status', std);
  t.equal(actionKey('lsb', 'Status'), 'status');
  t.equal(actionKey('stonith', 'monitor'), 'monitor');
  t.equal(actionKey('systemd', 'Start'), 'start');
});
