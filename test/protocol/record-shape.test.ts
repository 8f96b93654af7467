// Generated record makers build the same records as a NullRecord filled in a
// loop: same keys, order, values and prototype (spec/protocol.md §3.8).
import fc from 'fast-check';
import t from 'tap';
import { NullRecord } from '../../src/protocol/null-record.js';
import { makeRecordMaker, makerFor, MAKERS_MAX, MAX_SHAPE_NAMES } from '../../src/protocol/record-shape.js';

function filled(names: readonly string[], values: readonly string[]): Record<string, string> {
  const out: Record<string, string> = new NullRecord();
  names.forEach((n, i) => (out[n] = values[i]!));
  return out;
}

const protoOf = (o: object): unknown => Object.getPrototypeOf(o);

t.test('names that are awkward in code are plain keys', async (t) => {
  const names = ['__proto__', 'constructor', 'toString', '12', 'a"b', 'c\\d', '\u2028', '\ud800', '${x}', '*/', '', 'x y'];
  const values = names.map((_, i) => `v${i}`);
  const Maker = makeRecordMaker(names)!;
  t.ok(Maker);
  const made = new Maker(values);
  t.strictSame(Object.entries(made), Object.entries(filled(names, values)));
  t.equal(protoOf(made), NullRecord.prototype);
  t.notOk('hasOwnProperty' in made, 'inherits nothing');
  t.equal(made['__proto__'], 'v0');
});

t.test('each record is new; values are taken by position', async (t) => {
  const Maker = makeRecordMaker(['a', 'b'])!;
  const one = new Maker(['1', '2', 'ignored']);
  const two = new Maker(['3', '4']);
  one['a'] = 'changed';
  t.strictSame(Object.entries(two), [['a', '3'], ['b', '4']]);
  t.strictSame(Object.entries(new Maker([])), [['a', undefined], ['b', undefined]], 'missing values are undefined: callers pass them all');
});

t.test('agrees with a filled record for any distinct names (property)', async (t) => {
  fc.assert(
    fc.property(fc.uniqueArray(fc.string({ unit: 'binary', maxLength: 12 }), { maxLength: 20 }), (names) => {
      const values = names.map((n) => `=${n}`);
      const made = new (makeRecordMaker(names)!)(values);
      return JSON.stringify(Object.entries(made)) === JSON.stringify(Object.entries(filled(names, values))) && protoOf(made) === NullRecord.prototype;
    }),
    { numRuns: 100 },
  );
  t.pass('agree');
});

t.test('no maker for long lists or where code cannot be generated', async (t) => {
  const many = Array.from({ length: MAX_SHAPE_NAMES + 1 }, (_, i) => `n${i}`);
  t.equal(makeRecordMaker(many), undefined);
  t.ok(makeRecordMaker(many.slice(1)), 'the maximum itself is fine');
  const saved = globalThis.Function;
  globalThis.Function = function refuse(): never {
    throw new EvalError('code generation from strings disallowed');
  } as unknown as FunctionConstructor;
  try {
    t.equal(makeRecordMaker(['a']), undefined);
  } finally {
    globalThis.Function = saved;
  }
});

t.test('makers are kept by their list of names, a bounded number of them', async (t) => {
  const first = makerFor(['k1', 'k2']);
  t.ok(first);
  t.equal(makerFor(['k1', 'k2']), first, 'found again');
  t.not(makerFor(['k1\u0000k2']), first, 'another list, whatever its characters');
  t.equal(makerFor(Array.from({ length: MAX_SHAPE_NAMES + 1 }, (_, i) => `m${i}`)), null, 'none for a long list, and that is kept too');
  for (let i = 0; i < MAKERS_MAX; i++) makerFor([`evict${i}`]);
  const again = makerFor(['k1', 'k2']);
  t.ok(again);
  t.not(again, first, 'the oldest were dropped, so it is made anew');
});
