import t from 'tap';
import { isStatusAction, lsbExitToOcf, ocfExitToOcf } from '../../../src/server/agents/result-codes.js';

t.test('OCF: 0-9, 190, 191 pass; the rest is 1', async (t) => {
  for (let c = 0; c <= 9; c++) t.equal(ocfExitToOcf(c), c);
  t.equal(ocfExitToOcf(190), 190);
  t.equal(ocfExitToOcf(191), 191);
  for (const c of [-1, 10, 189, 192, 193, 199, 255, 1.5]) t.equal(ocfExitToOcf(c), 1, `${c}`);
});

t.test('LSB: status codes for status/monitor, 0-7 otherwise', async (t) => {
  const status = [
    [0, 0],
    [1, 7],
    [2, 7],
    [3, 7],
    [4, 1],
    [5, 1],
    [150, 5],
    [151, 4],
    [200, 1],
  ] as const;
  for (const [c, rc] of status) {
    t.equal(lsbExitToOcf('status', c), rc, `status ${c}`);
    t.equal(lsbExitToOcf('monitor', c), rc, `monitor ${c}`);
  }
  for (let c = 0; c <= 7; c++) t.equal(lsbExitToOcf('start', c), c);
  for (const c of [8, 150, -1, 2.5]) t.equal(lsbExitToOcf('stop', c), 1, `stop ${c}`);
  t.ok(isStatusAction('Monitor'));
  t.notOk(isStatusAction('start'));
});
