import t from 'tap';
import { clampReason, EXIT_REASON_MAX, parseExitReason } from '../../../src/server/agents/exit-reason.js';

t.test('last marker wins, up to end of line', async (t) => {
  t.equal(parseExitReason('ocf-exit-reason:a\nx\nocf-exit-reason:b c\nmore'), 'b c');
  t.equal(parseExitReason('log: ocf-exit-reason:inline'), 'inline', 'the marker may follow other text');
  t.equal(parseExitReason('ocf-exit-reason:no newline'), 'no newline');
  t.equal(parseExitReason('nothing here'), undefined);
  t.equal(parseExitReason('ocf-exit-reason:\n'), undefined, 'empty');
  t.equal(parseExitReason('ocf-exit-reason:'), undefined, 'empty at end');
  t.equal(parseExitReason('ocf-exitreason:old spelling'), undefined, 'only the exact marker');
  t.equal(parseExitReason(`ocf-exit-reason:${'x'.repeat(300)}`)?.length, EXIT_REASON_MAX);
});

t.test('clampReason keeps the first line, 128 characters at most', async (t) => {
  t.equal(clampReason('one\ntwo'), 'one');
  t.equal(clampReason('y'.repeat(200)).length, 128);
  t.equal(clampReason(''), '');
});
