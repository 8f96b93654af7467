/**
 * Tag-level scanning shared by the parser and its opaque mode
 * (spec/protocol.md §3.11, §10): positioned errors, end tags, and the skimmer
 * that steps over an element checking only that its tags balance.
 */
import { ErrorCode, ProtocolError } from '../errors.js';
import * as esc from './escape.js';

// Module-local copies: a transpiled import is read through a getter on every use.
const NAME_ASCII = esc.NAME_ASCII;
const nameLength = esc.nameLength;

const TAB = 0x09;
const LF = 0x0a;
const CR = 0x0d;
const SP = 0x20;
const BANG = 0x21;
const SLASH = 0x2f;
const GT = 0x3e;
const LT = 0x3c;
const QMARK = 0x3f;

// The rest of a tag, quoted values included, through its `>`.
const TAG_REST = /[^>"']*(?:(?:"[^"]*"|'[^']*')[^>"']*)*>/y;

/** XML white space (S). */
export function isSpace(c: number): boolean {
  return c === SP || c === LF || c === TAB || c === CR;
}

/** Throws a ProtocolError naming the offset in the text. */
export function fail(code: ErrorCode, message: string, offset: number): never {
  throw new ProtocolError(code, `${message} at offset ${offset}`);
}

/** `<!` followed by neither a comment nor CDATA. */
export function badBang(src: string, lt: number): never {
  if (src.startsWith('<!DOCTYPE', lt)) fail(ErrorCode.XmlForbidden, 'DOCTYPE is not allowed', lt);
  return fail(ErrorCode.XmlSyntax, "unexpected '<!'", lt);
}

/** Reads `</name S?>` at `lt`; returns the position after it. */
export function endTag(src: string, lt: number, name: string): number {
  const p = lt + 2;
  const n = name.length;
  let k = 0;
  while (k < n && src.charCodeAt(p + k) === name.charCodeAt(k)) k++;
  if (k === n) {
    let pos = p + n;
    let c = src.charCodeAt(pos);
    while (isSpace(c)) c = src.charCodeAt(++pos);
    if (c === GT) return pos + 1;
  }
  const got = src.slice(p, p + nameLength(src, p));
  if (got === name) fail(ErrorCode.XmlSyntax, 'unterminated end tag', lt);
  return fail(ErrorCode.XmlSyntax, `end tag </${got}> does not match <${name}>`, lt);
}

/**
 * Steps over the element whose start tag begins at `lt` and whose name ends
 * at `nameEnd`; returns the position after it. Only tag balance is checked
 * (not depth, §10): quoted values, comments, CDATA and PIs are stepped over,
 * entities, characters and attributes are not looked at.
 * Open elements are kept as the positions of their names; an end tag is
 * compared with its start tag character by character, so no name is
 * scanned twice or sliced. skim-bytes.ts is the same check on ASCII bytes;
 * what it declines comes here, so the errors below are the only ones.
 */
export function skimElement(src: string, lt: number, nameEnd: number): number {
  const c = src.charCodeAt(nameEnd);
  if (c !== GT && c !== SLASH && !isSpace(c)) fail(ErrorCode.XmlSyntax, 'malformed start tag', nameEnd);
  let pos = skipTag(src, nameEnd);
  if (src.charCodeAt(pos - 2) === SLASH) return pos;
  const open: number[] = [lt + 1];
  for (;;) {
    const i = src.charCodeAt(pos) === LT ? pos : src.indexOf('<', pos);
    if (i < 0) fail(ErrorCode.XmlSyntax, 'unclosed element', src.length);
    const c = src.charCodeAt(i + 1);
    if (c === SLASH) {
      pos = rawEndTag(src, i, open.pop()!);
      if (open.length === 0) return pos;
    } else if (c === BANG) {
      // The search starts after the opening delimiter: `<!-->` is no comment end.
      if (src.startsWith('--', i + 2)) pos = skipTo(src, '-->', i, i + 4);
      else if (src.startsWith('[CDATA[', i + 2)) pos = skipTo(src, ']]>', i, i + 9);
      else badBang(src, i);
    } else if (c === QMARK) {
      pos = skipTo(src, '?>', i, i + 2);
    } else {
      if (!(c >= 0x80) && (NAME_ASCII[c]! & 1) === 0) fail(ErrorCode.XmlSyntax, 'invalid element name', i + 1);
      pos = skipTag(src, i + 2);
      if (src.charCodeAt(pos - 2) !== SLASH) open.push(i + 1);
    }
  }
}

/**
 * Reads the end tag at `lt`, which must repeat the name starting at
 * `start`; returns the position after it.
 */
function rawEndTag(src: string, lt: number, start: number): number {
  const p = lt + 2;
  let k = 0;
  let a = src.charCodeAt(p);
  let b = src.charCodeAt(start);
  while (a === b && (a >= 0x80 || (NAME_ASCII[a]! & 2) !== 0)) {
    k++;
    a = src.charCodeAt(p + k);
    b = src.charCodeAt(start + k);
  }
  if (k > 0 && (b === GT || b === SLASH || isSpace(b))) {
    let pos = p + k;
    while (isSpace(a)) a = src.charCodeAt(++pos);
    if (a === GT) return pos + 1;
  }
  return endTag(src, lt, src.slice(start, start + nameLength(src, start)));
}

/** Position after the first `close` at or after `from` (the construct began at `lt`). */
function skipTo(src: string, close: string, lt: number, from: number): number {
  const e = src.indexOf(close, from);
  if (e < 0) fail(ErrorCode.XmlSyntax, 'unterminated markup', lt);
  return e + close.length;
}

/**
 * Steps from inside a tag's name to just after the tag's `>`, over quoted
 * values. One sticky regex match per tag; a tag ending `/>` is self-closing.
 */
function skipTag(src: string, p: number): number {
  TAG_REST.lastIndex = p;
  if (!TAG_REST.test(src)) fail(ErrorCode.XmlSyntax, 'unterminated tag', p);
  return TAG_REST.lastIndex;
}
