/**
 * String records without inherited keys, for attribute maps and parameters
 * (spec/protocol.md §3.8, §3.10): any wire name, `__proto__` and `toString`
 * included, is an ordinary own key.
 *
 * `Object.create(null)` gives the same safety, but V8 keeps such objects in
 * slow dictionary mode. An object made by a constructor whose `prototype` is
 * itself prototype-less has fast properties and still inherits nothing.
 */

function NullProto(): void {}
NullProto.prototype = Object.create(null) as object;

/** Constructor of an empty record; its prototype chain holds no keys. */
export const NullRecord = NullProto as unknown as new () => Record<string, string>;

/** An empty record without inherited keys. */
export function emptyRecord(): Record<string, string> {
  return new NullRecord();
}
