/**
 * Fast construction of string records whose names repeat: attribute maps of
 * one element kind, parameter lists of one agent (spec/protocol.md §3.8,
 * §3.11).
 *
 * Filling a record in a loop (`out[name] = value`) goes through one store
 * site that sees every name, which V8 handles by a generic lookup per
 * property: with 20 parameters that costs more than all the rest of a
 * decode. A constructor generated for one list of names has one store site
 * per name, each compiled for its single name, and builds the same record an
 * order of magnitude faster.
 *
 * The records are the same as {@link NullRecord}'s: same prototype (one
 * without keys), same own keys in the same order. Names enter the generated
 * code only as JSON string literals, which JavaScript reads back as exactly
 * that string, so no name can change the code. Where code generation is
 * disabled (`--disallow-code-generation-from-strings`) no maker is made and
 * callers fill records the usual way.
 *
 * Generating a maker costs as much as hundreds of decodes, so callers ask
 * for one ({@link makerFor}) only after the same names came
 * {@link MAKER_AFTER} times in a row, and makers are kept by their list of
 * names (at most {@link MAKERS_MAX}), so a list that comes back later finds
 * its maker again.
 */
import { NullRecord } from './null-record.js';

/** Builds a record of a fixed list of names from their values, in that order. */
export type RecordMaker = new (values: readonly string[]) => Record<string, string>;

/** Longest list of names a maker is made for; longer lists are rare and filled in a loop. */
export const MAX_SHAPE_NAMES = 64;
/** Times in a row a list of names must come before a caller asks for its maker. */
export const MAKER_AFTER = 8;
/** Makers kept; the oldest goes first. */
export const MAKERS_MAX = 256;

/** Makers by their names as JSON (one string per list, whatever the names hold); null: none can be made. */
const makers = new Map<string, RecordMaker | null>();

/** The maker of `names`, made now unless one is kept; null when none can be made. */
export function makerFor(names: readonly string[]): RecordMaker | null {
  const key = JSON.stringify(names);
  let maker = makers.get(key);
  if (maker === undefined) {
    maker = makeRecordMaker(names) ?? null;
    if (makers.size >= MAKERS_MAX) makers.delete(makers.keys().next().value!);
    makers.set(key, maker);
  }
  return maker;
}

/**
 * A maker for `names` (distinct, at most {@link MAX_SHAPE_NAMES}), or
 * undefined when code cannot be generated here.
 */
export function makeRecordMaker(names: readonly string[]): RecordMaker | undefined {
  if (names.length > MAX_SHAPE_NAMES) return undefined;
  let body = '';
  for (let i = 0; i < names.length; i++) body += `this[${JSON.stringify(names[i])}]=v[${i}];`;
  let maker: RecordMaker;
  try {
    // eslint-disable-next-line @typescript-eslint/no-implied-eval -- see the module comment
    maker = new Function('v', body) as unknown as RecordMaker;
  } catch {
    return undefined;
  }
  maker.prototype = NullRecord.prototype;
  return maker;
}
