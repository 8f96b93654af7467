/**
 * Character-level rules of XML 1.0 shared by the parser and the serializer:
 * escaping of attribute values and text, removal of characters XML cannot
 * carry, and the Name production (spec/protocol.md §3.11).
 */

// Anything in these classes sends a value to the slow path. Surrogates go
// there too, so that an unpaired one can be replaced.
const ATTR_SPECIAL = /[&<>"\u0000-\u001f\ud800-\udfff\ufffe\uffff]/;
const TEXT_SPECIAL = /[&<>\u0000-\u0008\u000b-\u001f\ud800-\udfff\ufffe\uffff]/;
const INVALID = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\ud800-\udfff\ufffe\uffff]/;

/**
 * Escapes an attribute value for a double-quoted attribute: `& < > "` become
 * entities, TAB, LF and CR become `&#x9;` `&#xA;` `&#xD;` (a raw one would be
 * read back as a space, spec/protocol.md §3.11), other C0 controls, NUL, U+FFFE and U+FFFF are
 * dropped (XML 1.0 cannot carry them), an unpaired surrogate becomes U+FFFD.
 * Returns `value` itself when nothing needs escaping.
 */
export function escapeAttr(value: string): string {
  if (value.length <= SHORT) {
    // Short values (most protocol fields): a plain loop beats a regex call.
    for (let i = 0; i < value.length; i++) {
      const c = value.charCodeAt(i);
      if (c < 0x20 || c === 0x26 || c === 0x3c || c === 0x3e || c === 0x22 || c >= 0xd800) {
        return ATTR_SPECIAL.test(value) ? escapeSlow(value, true) : value;
      }
    }
    return value;
  }
  return ATTR_SPECIAL.test(value) ? escapeSlow(value, true) : value;
}

/** Up to this length {@link escapeAttr} checks a value in a loop. */
const SHORT = 64;

/**
 * Escapes character data: `& < >` become entities and CR becomes `&#xD;`
 * (a raw CR would be read back as LF); TAB and LF stay raw; characters XML
 * cannot carry are handled as in {@link escapeAttr}. Returns `value` itself
 * when nothing needs escaping.
 */
export function escapeText(value: string): string {
  return TEXT_SPECIAL.test(value) ? escapeSlow(value, false) : value;
}

/**
 * Removes what XML 1.0 cannot carry at all (C0 controls other than TAB, LF,
 * CR; U+FFFE; U+FFFF) and replaces unpaired surrogates with U+FFFD. Used for
 * CDATA and comments, where entities are not available.
 */
export function stripInvalidChars(value: string): string {
  return INVALID.test(value) ? escapeSlow(value, null) : value;
}

/** `attr` true: attribute rules; false: text rules; null: strip only. */
function escapeSlow(value: string, attr: boolean | null): string {
  let out = '';
  let last = 0;
  const len = value.length;
  for (let i = 0; i < len; i++) {
    const c = value.charCodeAt(i);
    let rep: string;
    if (c >= 0xd800) {
      if (c <= 0xdbff) {
        const d = value.charCodeAt(i + 1);
        if (d >= 0xdc00 && d <= 0xdfff) {
          i++;
          continue;
        }
        rep = '\ufffd';
      } else if (c <= 0xdfff) {
        rep = '\ufffd';
      } else if (c >= 0xfffe) {
        rep = '';
      } else {
        continue;
      }
    } else if (c >= 0x20) {
      if (attr === null) continue;
      if (c === 0x26) rep = '&amp;';
      else if (c === 0x3c) rep = '&lt;';
      else if (c === 0x3e) rep = '&gt;';
      else if (c === 0x22 && attr) rep = '&quot;';
      else continue;
    } else if (c === 0x0d) {
      if (attr === null) continue;
      rep = '&#xD;';
    } else if (c === 0x0a || c === 0x09) {
      if (attr !== true) continue;
      rep = c === 0x0a ? '&#xA;' : '&#x9;';
    } else {
      rep = '';
    }
    out += value.slice(last, i) + rep;
    last = i + 1;
  }
  return out + value.slice(last);
}

/**
 * ASCII part of XML 1.0 (5th ed.) §2.3: bit 1 NameStartChar, bit 2 NameChar.
 * @internal
 */
export const NAME_ASCII = new Uint8Array(128);
for (let c = 0; c < 128; c++) {
  const letter = (c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a) || c === 0x5f || c === 0x3a;
  const other = (c >= 0x30 && c <= 0x39) || c === 0x2d || c === 0x2e;
  NAME_ASCII[c] = letter ? 3 : other ? 2 : 0;
}

/**
 * Length of the XML Name starting at `pos` of `s` (0 when there is none).
 * ASCII goes through a table; other characters through the ranges of XML 1.0
 * (5th edition) NameStartChar / NameChar.
 * @internal
 */
export function nameLength(s: string, pos: number): number {
  const len = s.length;
  let i = pos;
  while (i < len) {
    const c = s.charCodeAt(i);
    const mask = i === pos ? 1 : 2;
    if (c < 0x80) {
      if ((NAME_ASCII[c]! & mask) === 0) break;
      i++;
    } else if (c >= 0xd800 && c <= 0xdb7f) {
      // U+10000..U+EFFFF: a high surrogate up to DB7F and any low surrogate.
      const d = s.charCodeAt(i + 1);
      if (!(d >= 0xdc00 && d <= 0xdfff)) break;
      i += 2;
    } else if (isNameCharBmp(c, mask === 1)) {
      i++;
    } else {
      break;
    }
  }
  return i - pos;
}

function isNameCharBmp(c: number, start: boolean): boolean {
  if (
    (c >= 0xc0 && c <= 0xd6) ||
    (c >= 0xd8 && c <= 0xf6) ||
    (c >= 0xf8 && c <= 0x2ff) ||
    (c >= 0x370 && c <= 0x37d) ||
    (c >= 0x37f && c <= 0x1fff) ||
    c === 0x200c ||
    c === 0x200d ||
    (c >= 0x2070 && c <= 0x218f) ||
    (c >= 0x2c00 && c <= 0x2fef) ||
    (c >= 0x3001 && c <= 0xd7ff) ||
    (c >= 0xf900 && c <= 0xfdcf) ||
    (c >= 0xfdf0 && c <= 0xfffd)
  ) {
    return true;
  }
  if (start) return false;
  return c === 0xb7 || (c >= 0x300 && c <= 0x36f) || c === 0x203f || c === 0x2040;
}

const SIMPLE_NAME = /^[A-Za-z_:][A-Za-z0-9_:.-]*$/;

/** True when `name` is an XML 1.0 Name (no namespace processing). */
export function isXmlName(name: string): boolean {
  return SIMPLE_NAME.test(name) || (name.length > 0 && nameLength(name, 0) === name.length);
}
