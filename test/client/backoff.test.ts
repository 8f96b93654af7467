import t from 'tap';
import { backoffDelay, DEFAULT_BACKOFF } from '../../src/client/backoff.js';

const mid = (): number => 0.5; // no jitter effect

t.test('exponential growth with a cap', async (t) => {
  t.same([1, 2, 3, 4, 5, 6, 7].map((n) => backoffDelay(n, {}, mid)), [1000, 2000, 4000, 8000, 16000, 30000, 30000]);
  t.same([0, 1, 2, 3].map((n) => backoffDelay(n, { initialDelayMs: 10, factor: 3, maxDelayMs: 50 }, mid)), [10, 10, 30, 50]);
  t.equal(backoffDelay(1000, {}, mid), DEFAULT_BACKOFF.maxDelayMs, 'huge attempt numbers stay at the cap');
});

t.test('jitter spreads the delay by ±jitter', async (t) => {
  t.equal(backoffDelay(1, {}, () => 0), 800);
  t.equal(backoffDelay(1, {}, () => 0.999999), 1200);
  t.equal(backoffDelay(1, { jitter: 0 }, () => 0), 1000);
  t.equal(backoffDelay(1, { jitter: 5 }, () => 0), 0, 'jitter is clamped to 1');
  t.equal(backoffDelay(1, { jitter: -1 }, () => 0), 1000, 'negative jitter means none');
  for (let i = 0; i < 200; i++) {
    const d = backoffDelay(3, { initialDelayMs: 100 });
    if (d < 320 || d > 480) t.fail(`out of range: ${d}`);
  }
  t.equal(backoffDelay(1, { initialDelayMs: undefined }, mid), 1000, 'undefined fields take the default');
});
