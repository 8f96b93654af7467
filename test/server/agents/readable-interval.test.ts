import t from 'tap';
import { readableInterval } from '../../../src/server/agents/readable-interval.js';

t.test('the cases of Pacemaker’s own unit test, and the strict-greater quirks', async (t) => {
  t.equal(readableInterval(0), '0s');
  t.equal(readableInterval(30_000), '30s');
  t.equal(readableInterval(150_000), '2m30s');
  t.equal(readableInterval(3333), '3.333s');
  t.equal(readableInterval(4_294_967_295), '49d17h2m47.295s');
  t.equal(readableInterval(20_000), '20s');
  t.equal(readableInterval(300), '300ms');
  t.equal(readableInterval(1000), '1000ms', 'a unit is used only past it');
  t.equal(readableInterval(60_000), '60s');
  t.equal(readableInterval(60_001), '1m1ms');
  t.equal(readableInterval(3_600_000), '60m');
  t.equal(readableInterval(-5), '0s');
});
