/**
 * Small field codecs shared by the XML message decoder and encoder
 * (spec/protocol.md §3.9): strict integers, lenient booleans, and a reader
 * that remembers which attributes were mapped so the rest can be kept (§3.10).
 */
import { ErrorCode, ProtocolError } from '../errors.js';
import { NullRecord } from '../null-record.js';
import type { Extra } from './common.js';
import type { XmlElement } from '../xml/types.js';

export { emptyRecord } from '../null-record.js';

const TRUE_WORDS = new Set(['true', 'yes', 'y', 'on', '1']);
const MINUS = 0x2d;
const ZERO = 0x30;
/** Up to this many digits the value is below 2^53 and is summed directly. */
const SAFE_DIGITS = 15;

/**
 * Parse a decimal integer as Pacemaker writes it (`%d`, `%u`, `%lld`, §3.9):
 * an optional `-` and digits, nothing else, within the safe integer range.
 * @throws ProtocolError MESSAGE_BAD_VALUE otherwise.
 */
export function parseInteger(value: string, name: string): number {
  const len = value.length;
  const start = value.charCodeAt(0) === MINUS ? 1 : 0;
  if (len > start) {
    let n = 0;
    let i = start;
    for (; i < len; i++) {
      const d = value.charCodeAt(i) - ZERO;
      if (d < 0 || d > 9) break;
      n = n * 10 + d;
    }
    if (i === len) {
      if (len - start > SAFE_DIGITS) n = Number(value.slice(start));
      if (Number.isSafeInteger(n)) return start === 0 || n === 0 ? n : -n; // folds -0
    }
  }
  throw new ProtocolError(ErrorCode.MessageBadValue, `${name}: not an integer: ${JSON.stringify(value)}`);
}

/** Pacemaker's boolean reading (§3.9): true/yes/y/on/1, any case; everything else is false. */
export function parseBoolean(value: string): boolean {
  if (value === 'true') return true;
  if (value === 'false') return false;
  return TRUE_WORDS.has(value.toLowerCase());
}

/**
 * Reads attributes of one element, each at most once, and hands back the
 * ones nobody read as `extra` (§3.10).
 */
export class AttrReader {
  /** Names read so far; a handful, so a list beats a set. */
  private readonly used: string[] = [];

  constructor(readonly el: XmlElement) {}

  /** True when the attribute is present (does not mark it read). */
  has(name: string): boolean {
    return Object.prototype.hasOwnProperty.call(this.el.attrs, name);
  }

  /** The raw value, marking the attribute read. */
  str(name: string): string | undefined {
    const v = this.el.attrs[name];
    if (v !== undefined) this.used.push(name);
    return v;
  }

  /** Like {@link str}, but absence is an error. @throws MESSAGE_MISSING_FIELD */
  required(name: string): string {
    const v = this.str(name);
    if (v === undefined) {
      throw new ProtocolError(ErrorCode.MessageMissingField, `<${this.el.name}> lacks ${name}`);
    }
    return v;
  }

  /** An integer, or undefined when absent. @throws MESSAGE_BAD_VALUE */
  int(name: string): number | undefined {
    const v = this.str(name);
    return v === undefined ? undefined : parseInteger(v, name);
  }

  /** An integer that Pacemaker always writes; absent reads as 0 (§3.9). */
  int0(name: string): number {
    const v = this.str(name);
    return v === undefined ? 0 : parseInteger(v, name);
  }

  bool(name: string): boolean | undefined {
    const v = this.str(name);
    return v === undefined ? undefined : parseBoolean(v);
  }

  /** Mark an attribute read without looking at it. */
  skip(name: string): void {
    if (this.el.attrs[name] !== undefined) this.used.push(name);
  }

  /** Attributes not read so far, in document order; undefined when none. */
  rest(): Extra | undefined {
    const attrs = this.el.attrs;
    const used = this.used;
    const n = used.length;
    let out: Record<string, string> | undefined;
    // A key array beats `for in`, which checks each key again on every step.
    const keys = Object.keys(attrs);
    for (let j = 0; j < keys.length; j++) {
      const k = keys[j]!;
      let i = 0;
      while (i < n && used[i] !== k) i++;
      if (i < n) continue;
      const v = attrs[k];
      if (v === undefined) continue;
      out ??= new NullRecord();
      out[k] = v;
    }
    return out;
  }
}

// Module-local copy: a transpiled import is read through a getter on every use.
const WriterRecord = NullRecord;

/**
 * Builds one element's attributes in the order they are set; undefined values
 * are skipped, so optional fields stay absent (§3.9).
 */
export class AttrWriter {
  readonly attrs: Record<string, string> = new WriterRecord();

  set(name: string, value: string | number | undefined): this {
    if (value !== undefined) this.attrs[name] = typeof value === 'number' ? String(value) : value;
    return this;
  }

  /** Set only when the name is not set yet (first one wins). */
  add(name: string, value: string): this {
    if (this.attrs[name] === undefined) this.attrs[name] = value;
    return this;
  }

  /** `true`/`false`, as Pacemaker writes booleans. */
  bool(name: string, value: boolean | undefined): this {
    return value === undefined ? this : this.set(name, value ? 'true' : 'false');
  }

  /** Copy kept attributes, skipping names already written and those listed. */
  extra(extra: Extra | undefined, skip: ReadonlySet<string> = NO_NAMES): this {
    if (extra) for (const [k, v] of Object.entries(extra)) if (!skip.has(k)) this.add(k, v);
    return this;
  }
}

const NO_NAMES: ReadonlySet<string> = new Set();
