/**
 * Strict XML parser for protocol payloads (spec/protocol.md §3.11): one root
 * element, no DTD, only the five predefined entities and character
 * references. Hand-written index scanner; see {@link parseXml}.
 */
import { isAscii, isUtf8 } from 'node:buffer';
import { ErrorCode } from '../errors.js';
import { latin1Slice } from '../latin1.js';
import { NullRecord as NullRecordImport } from '../null-record.js';
import * as esc from './escape.js';
import * as skim from './skim.js';
import * as skimBytes from './skim-bytes.js';
import type { XmlElement, XmlNode, XmlParseOptions, XmlRawElement } from './types.js';
import { MAKER_AFTER, makerFor, MAX_SHAPE_NAMES, type RecordMaker } from '../record-shape.js';

// Module-local copies: where modules are transpiled (tsx, bundlers) an
// imported binding is read through a getter call on every use.
const NAME_ASCII = esc.NAME_ASCII;
const nameLength = esc.nameLength;
const { badBang, endTag, fail, isSpace, skimElement } = skim;
const skimElementBytes = skimBytes.skimElementBytes;
const NullRecord = NullRecordImport;

/** Default {@link XmlParseOptions.maxDepth}. */
export const DEFAULT_MAX_DEPTH = 256;
/** Default {@link XmlParseOptions.maxAttributes}. */
export const DEFAULT_MAX_ATTRIBUTES = 10_000;
/** Default {@link XmlParseOptions.maxLength} (UTF-16 code units). */
export const DEFAULT_MAX_LENGTH = 32 * 1024 * 1024;

const TAB = 0x09;
const LF = 0x0a;
const CR = 0x0d;
const SP = 0x20;
const BANG = 0x21;
const DQ = 0x22;
const HASH = 0x23;
const AMP = 0x26;
const SQ = 0x27;
const SLASH = 0x2f;
const SEMI = 0x3b;
const LT = 0x3c;
const EQ = 0x3d;
const GT = 0x3e;
const QMARK = 0x3f;
const RBRACKET = 0x5d;

// Modes of Parser.scan: what the checked range is.
const TEXT = 0;
const ATTR = 1;
const LITERAL = 2; // comment, CDATA, PI: no references

// Result bits of Parser.scan.
const HAS_AMP = 1;
const HAS_TAB_LF = 2;
const HAS_CR = 4;

const XML_DECL =
  /^<\?xml[ \t\r\n]+version[ \t\r\n]*=[ \t\r\n]*(?:"1\.[0-9]+"|'1\.[0-9]+')(?:[ \t\r\n]+encoding[ \t\r\n]*=[ \t\r\n]*(?:"[A-Za-z][A-Za-z0-9._-]*"|'[A-Za-z][A-Za-z0-9._-]*'))?(?:[ \t\r\n]+standalone[ \t\r\n]*=[ \t\r\n]*(?:"(?:yes|no)"|'(?:yes|no)'))?[ \t\r\n]*\?>$/;

const CRLF = /\r\n?/g;

// Names repeat across documents. A cached name is a string V8 has already
// made a property key; a fresh slice would be hashed and looked up again.
const NAME_CACHE_SLOTS = 4096;
const NAME_CACHE_MAX_LENGTH = 64;
const nameCache: (string | undefined)[] = new Array<string | undefined>(NAME_CACHE_SLOTS).fill(undefined);

// Attribute names of the last start tag read, per element name: messages of
// one kind repeat them in the same order. A tag that repeats them all gets
// its attributes from a generated maker (record-shape.ts) once the same names
// came MAKER_AFTER times in a row. Bounded; results never depend on it.
const SHAPES_MAX = 1024;

interface Shape {
  readonly names: readonly string[];
  /** Tags in a row that had exactly these names. */
  hits: number;
  /** Undefined until made; null when it cannot be. */
  maker: RecordMaker | null | undefined;
}
const shapes = new Map<string, Shape>();

function rememberShape(name: string, attrs: Record<string, string>, count: number): void {
  if (count > MAX_SHAPE_NAMES) return;
  if (shapes.size >= SHAPES_MAX && !shapes.has(name)) shapes.clear();
  // Document order: attribute names never look like array indices.
  shapes.set(name, { names: Object.keys(attrs), hits: 1, maker: undefined });
}

/** The attributes of a tag that had exactly the names of `shape`, values in `values`. */
function shapedRecord(shape: Shape, values: readonly string[]): Record<string, string> {
  let maker = shape.maker;
  if (maker === undefined && ++shape.hits >= MAKER_AFTER) maker = shape.maker = makerFor(shape.names);
  if (maker) return new maker(values);
  return prefixRecord(shape.names, values, shape.names.length);
}

/** A record of the first `n` names of a shape and their values. */
function prefixRecord(names: readonly string[], values: readonly string[], n: number): Record<string, string> {
  const attrs: Record<string, string> = new NullRecord();
  for (let i = 0; i < n; i++) attrs[names[i]!] = values[i]!;
  return attrs;
}

/** Longest document whose values may stay in {@link shapeValues} after the parse. */
const KEEP_MAX = 65536;

/** Values of the attributes read on shape, for the maker; reused (tags are read one at a time). */
const shapeValues: string[] = [];

/** True when the code unit `c` after a name cannot continue it (NaN at the end too). */
function endsName(c: number): boolean {
  return c < 0x80 ? (NAME_ASCII[c]! & 2) === 0 : !(c >= 0x80);
}

/** True when `s` occurs in `src` at `pos` (measured faster than startsWith or a loop for names). */
function sameAt(src: string, pos: number, s: string): boolean {
  return src.slice(pos, pos + s.length) === s;
}

/** The property-key (internalized) form of `s`. */
function internalize(s: string): string {
  return Object.keys({ [s]: 0 })[0]!;
}

/**
 * Parses a document holding exactly one root element.
 *
 * Accepted around the root: an XML declaration at the very start (after an
 * optional BOM), whitespace, comments and processing instructions, all
 * skipped. Inside the root, whitespace-only text is dropped (Pacemaker parses
 * with NOBLANKS); other text, CDATA sections and comments are kept as nodes,
 * processing instructions are skipped. Line ends are normalised (CRLF and CR
 * to LF); in attribute values a raw TAB, LF or CR becomes a space while
 * character references keep the real character. Attribute objects inherit no
 * keys and keep document order.
 *
 * `options.opaque(name, parent, depth)` is asked for each element below the
 * root (`depth` = number of ancestors, so a child of the root has depth 1);
 * when it returns true the element becomes an {@link XmlRawElement} holding
 * its exact source text. The raw part is only skimmed: tag names are matched
 * and quoted values, comments, CDATA and PIs are stepped over, but entities,
 * characters, attributes and depth are not checked (spec/protocol.md §10).
 *
 * @throws ProtocolError `XML_SYNTAX` when the text is not well formed,
 *   `XML_FORBIDDEN` for a DOCTYPE or an entity other than the five predefined
 *   ones, `XML_LIMIT` when the text is longer than `maxLength`, an element is
 *   nested `maxDepth` deep or has more than `maxAttributes` attributes.
 */
export function parseXml(text: string, options?: XmlParseOptions): XmlElement {
  return parseText(text, options, undefined);
}

/** `bytes`, when given, are `text` as ASCII: the opaque skim may run on them. */
function parseText(text: string, options: XmlParseOptions | undefined, bytes: Uint8Array | undefined): XmlElement {
  const maxLength = options?.maxLength ?? DEFAULT_MAX_LENGTH;
  if (text.length > maxLength) {
    fail(ErrorCode.XmlLimit, `document of ${text.length} code units exceeds ${maxLength}`, 0);
  }
  try {
    return new Parser(text, options, bytes).document();
  } finally {
    // Values may be slices of `text`: do not keep a large one alive.
    if (text.length > KEEP_MAX) shapeValues.length = 0;
  }
}

/**
 * Decodes strict UTF-8 (a leading BOM is dropped) and parses the result with
 * {@link parseXml}.
 *
 * @throws ProtocolError `XML_SYNTAX` for invalid UTF-8, and everything
 *   {@link parseXml} throws.
 */
export function parseXmlBytes(bytes: Uint8Array, options?: XmlParseOptions): XmlElement {
  const maxLength = options?.maxLength ?? DEFAULT_MAX_LENGTH;
  // A UTF-16 code unit takes at most 3 bytes, so this bound is safe before decoding.
  if (bytes.length > maxLength * 3) {
    fail(ErrorCode.XmlLimit, `document of ${bytes.length} bytes exceeds the limit`, 0);
  }
  if (isAscii(bytes)) {
    return parseText(latin1Slice.call(bytes, 0, bytes.length), options, bytes);
  }
  if (!isUtf8(bytes)) fail(ErrorCode.XmlSyntax, 'invalid UTF-8', 0);
  return parseText(utf8.decode(bytes), options, undefined);
}

// Measured faster than Buffer#toString for non-ASCII input; validated before use.
const utf8 = new TextDecoder('utf-8', { fatal: true });

class Parser {
  private readonly src: string;
  private readonly len: number;
  private readonly maxDepth: number;
  private readonly maxAttrs: number;
  private readonly opaque: XmlParseOptions['opaque'];
  /** The source as ASCII bytes, when parsing from such bytes (same offsets as `src`). */
  private readonly bytes: Uint8Array | undefined;
  /** Position after the construct the last sub-parser read. */
  private pos = 0;
  /** Whether the last start tag read ended with `/>`. */
  private selfClosing = false;
  /** Position after the last reference decoded. */
  private refEnd = 0;
  /** End of the last name read by `readName`. */
  private nameEnd = 0;

  constructor(src: string, options: XmlParseOptions | undefined, bytes: Uint8Array | undefined) {
    this.src = src;
    this.bytes = bytes;
    this.len = src.length;
    this.maxDepth = options?.maxDepth ?? DEFAULT_MAX_DEPTH;
    this.maxAttrs = options?.maxAttributes ?? DEFAULT_MAX_ATTRIBUTES;
    this.opaque = options?.opaque;
  }

  document(): XmlElement {
    const src = this.src;
    let pos = src.charCodeAt(0) === 0xfeff ? 1 : 0;
    if (src.startsWith('<?xml', pos) && isSpace(src.charCodeAt(pos + 5))) {
      const end = src.indexOf('?>', pos);
      if (end < 0 || !XML_DECL.test(src.slice(pos, end + 2))) {
        fail(ErrorCode.XmlSyntax, 'malformed XML declaration', pos);
      }
      pos = end + 2;
    }
    pos = this.misc(pos);
    if (pos >= this.len) fail(ErrorCode.XmlSyntax, 'no root element', pos);
    if (src.charCodeAt(pos) !== LT) fail(ErrorCode.XmlSyntax, 'text outside the root element', pos);
    const root = this.tree(pos);
    pos = this.misc(this.pos);
    if (pos < this.len) fail(ErrorCode.XmlSyntax, 'content after the root element', pos);
    return root;
  }

  /** Skips whitespace, comments and PIs outside the root; returns where something else starts. */
  private misc(pos: number): number {
    const src = this.src;
    for (;;) {
      while (isSpace(src.charCodeAt(pos))) pos++;
      if (src.charCodeAt(pos) !== LT) return pos;
      const c = src.charCodeAt(pos + 1);
      if (c === QMARK) {
        this.pi(pos);
      } else if (c === BANG && src.startsWith('--', pos + 2)) {
        this.comment(pos);
      } else if (c === BANG) {
        badBang(src, pos);
      } else {
        return pos;
      }
      pos = this.pos;
    }
  }

  /** Parses the root element starting at `lt`; sets `pos` after its end tag. */
  private tree(lt: number): XmlElement {
    const src = this.src;
    if (this.maxDepth < 1) fail(ErrorCode.XmlLimit, 'maximum depth 0', lt);
    const root = this.startTag(lt, null, 0) as XmlElement;
    if (this.selfClosing) return root;
    const stack: XmlElement[] = [root];
    let cur = root;
    let pos = this.pos;
    for (;;) {
      const i = src.indexOf('<', pos);
      if (i < 0) fail(ErrorCode.XmlSyntax, `unclosed element <${cur.name}>`, this.len);
      if (i > pos) this.text(pos, i, cur.children);
      const c = src.charCodeAt(i + 1);
      if (c === SLASH) {
        pos = endTag(src, i, cur.name);
        stack.pop();
        const parent = stack[stack.length - 1];
        if (parent === undefined) break;
        cur = parent;
        continue;
      }
      if (c === BANG) {
        if (src.startsWith('--', i + 2)) {
          cur.children.push({ type: 'comment', text: this.comment(i) });
        } else if (src.startsWith('[CDATA[', i + 2)) {
          cur.children.push({ type: 'cdata', text: this.cdata(i) });
        } else {
          badBang(src, i);
        }
      } else if (c === QMARK) {
        this.pi(i);
      } else {
        const depth = stack.length;
        if (depth >= this.maxDepth) fail(ErrorCode.XmlLimit, `nesting deeper than ${this.maxDepth}`, i);
        const node = this.startTag(i, cur, depth);
        cur.children.push(node);
        if (!this.selfClosing) {
          const el = node as XmlElement;
          stack.push(el);
          cur = el;
        }
      }
      pos = this.pos;
    }
    this.pos = pos;
    return root;
  }

  /**
   * Reads the start tag at `lt`: an element (or a raw element when the opaque
   * callback asks). Sets `pos` after it and `selfClosing`.
   */
  private startTag(lt: number, parent: XmlElement | null, depth: number): XmlElement | XmlRawElement {
    const src = this.src;
    const name = this.readName(lt + 1);
    if (name === '') fail(ErrorCode.XmlSyntax, 'invalid element name', lt + 1);
    let pos = this.nameEnd;
    if (parent !== null && this.opaque !== undefined && this.opaque(name, parent, depth)) {
      // The byte skim is the fast path; on anything it refuses, the string skim throws the error.
      const end = this.bytes === undefined ? -1 : skimElementBytes(this.bytes, lt, pos);
      this.pos = end >= 0 ? end : skimElement(src, lt, pos);
      this.selfClosing = true;
      return { type: 'raw', name, xml: src.slice(lt, this.pos) };
    }
    let count = 0;
    // While the names match, in order, those of the last tag of this name
    // (distinct by construction), they need no hashing and no duplicate
    // check, and their values wait in `shapeValues` for the record.
    const shape = shapes.get(name);
    const names = shape?.names;
    let attrs: Record<string, string> | undefined = shape === undefined ? new NullRecord() : undefined;
    for (;;) {
      let c = src.charCodeAt(pos);
      if (c === GT) {
        this.pos = pos + 1;
        this.selfClosing = false;
        break;
      }
      if (c === SLASH) {
        if (src.charCodeAt(pos + 1) !== GT) fail(ErrorCode.XmlSyntax, "expected '>' after '/'", pos + 1);
        this.pos = pos + 2;
        this.selfClosing = true;
        break;
      }
      if (!isSpace(c)) {
        fail(ErrorCode.XmlSyntax, pos >= this.len ? 'unterminated start tag' : 'expected whitespace', pos);
      }
      do c = src.charCodeAt(++pos);
      while (isSpace(c));
      if (c === GT || c === SLASH) continue;
      let aname: string | undefined = attrs === undefined ? names![count] : undefined;
      if (aname !== undefined && sameAt(src, pos, aname) && endsName(src.charCodeAt(pos + aname.length))) {
        pos += aname.length;
      } else {
        attrs ??= prefixRecord(names!, shapeValues, count);
        aname = this.readName(pos);
        if (aname === '') fail(ErrorCode.XmlSyntax, 'invalid attribute name', pos);
        pos = this.nameEnd;
      }
      const an = aname.length;
      c = src.charCodeAt(pos);
      while (isSpace(c)) c = src.charCodeAt(++pos);
      if (c !== EQ) fail(ErrorCode.XmlSyntax, "expected '='", pos);
      c = src.charCodeAt(++pos);
      while (isSpace(c)) c = src.charCodeAt(++pos);
      if (c !== DQ && c !== SQ) fail(ErrorCode.XmlSyntax, 'expected a quoted value', pos);
      const vs = pos + 1;
      // Fast path: plain characters up to the closing quote, nothing to decode.
      let ve = vs;
      let d = src.charCodeAt(ve);
      while (d !== c && d >= SP && d < 0xd800 && d !== AMP && d !== LT) d = src.charCodeAt(++ve);
      let value: string;
      if (d === c) {
        value = src.slice(vs, ve);
      } else {
        ve = src.indexOf(c === DQ ? '"' : "'", vs);
        if (ve < 0) fail(ErrorCode.XmlSyntax, 'unterminated attribute value', pos);
        value = this.scan(vs, ve, ATTR) === 0 ? src.slice(vs, ve) : this.decode(vs, ve, true);
      }
      if (attrs !== undefined && attrs[aname] !== undefined) fail(ErrorCode.XmlSyntax, `duplicate attribute ${aname}`, vs - an);
      if (++count > this.maxAttrs) fail(ErrorCode.XmlLimit, `more than ${this.maxAttrs} attributes`, vs);
      if (attrs === undefined) shapeValues[count - 1] = value;
      else attrs[aname] = value;
      pos = ve + 1;
    }
    if (attrs === undefined) {
      if (count === names!.length) {
        attrs = count === 0 ? new NullRecord() : shapedRecord(shape!, shapeValues);
      } else {
        attrs = prefixRecord(names!, shapeValues, count);
        rememberShape(name, attrs, count);
      }
    } else {
      rememberShape(name, attrs, count);
    }
    return { type: 'element', name, attrs, children: [] };
  }

  /**
   * Reads the Name at `pos` (ASCII in one pass with its hash, else via
   * `nameLength`); sets `nameEnd`. Returns '' when there is no Name.
   */
  private readName(pos: number): string {
    const src = this.src;
    let c = src.charCodeAt(pos);
    let h = c;
    let i = pos + 1;
    if (c < 0x80 && (NAME_ASCII[c]! & 1) !== 0) {
      for (;;) {
        c = src.charCodeAt(i);
        if (c >= 0x80 || (NAME_ASCII[c]! & 2) === 0) break;
        h = (Math.imul(h, 31) + c) | 0;
        i++;
      }
      if (!(c >= 0x80)) return this.cachedName(pos, i, h);
    } else if (!(c >= 0x80)) {
      this.nameEnd = pos;
      return '';
    }
    const n = nameLength(src, pos);
    this.nameEnd = pos + n;
    return src.slice(pos, pos + n);
  }

  /** The name in [pos, end) whose hash is `h`, from the cache when possible. */
  private cachedName(pos: number, end: number, h: number): string {
    const src = this.src;
    this.nameEnd = end;
    const n = end - pos;
    if (n > NAME_CACHE_MAX_LENGTH) return src.slice(pos, end);
    const slot = h & (NAME_CACHE_SLOTS - 1);
    const cached = nameCache[slot];
    if (cached !== undefined && cached.length === n && sameAt(src, pos, cached)) return cached;
    const name = internalize(src.slice(pos, end));
    nameCache[slot] = name;
    return name;
  }

  /** Adds the character data in [start, end) to `children` unless it is blank. */
  private text(start: number, end: number, children: XmlNode[]): void {
    const src = this.src;
    let i = start;
    let cr = 0;
    for (let c = src.charCodeAt(i); i < end && isSpace(c); c = src.charCodeAt(++i)) if (c === CR) cr = HAS_CR;
    if (i === end) return;
    const flags = this.scan(i, end, TEXT) | cr;
    const text = (flags & (HAS_AMP | HAS_CR)) === 0 ? src.slice(start, end) : this.decode(start, end, false);
    children.push({ type: 'text', text });
  }

  /** Reads the comment at `lt`; returns its text, sets `pos` after it. */
  private comment(lt: number): string {
    const s = lt + 4;
    const e = this.src.indexOf('--', s);
    if (e < 0) fail(ErrorCode.XmlSyntax, 'unterminated comment', lt);
    if (this.src.charCodeAt(e + 2) !== GT) fail(ErrorCode.XmlSyntax, "'--' inside a comment", e);
    this.pos = e + 3;
    return this.literal(s, e);
  }

  /** Reads the CDATA section at `lt`; returns its content, sets `pos` after it. */
  private cdata(lt: number): string {
    const s = lt + 9;
    const e = this.src.indexOf(']]>', s);
    if (e < 0) fail(ErrorCode.XmlSyntax, 'unterminated CDATA section', lt);
    this.pos = e + 3;
    return this.literal(s, e);
  }

  /** Skips the processing instruction at `lt`; sets `pos` after it. */
  private pi(lt: number): void {
    const src = this.src;
    const ns = lt + 2;
    const n = nameLength(src, ns);
    if (n === 0) fail(ErrorCode.XmlSyntax, 'invalid processing instruction target', ns);
    if (n === 3 && src.slice(ns, ns + 3).toLowerCase() === 'xml') {
      fail(ErrorCode.XmlSyntax, 'XML declaration not at the start', lt);
    }
    const p = ns + n;
    if (!src.startsWith('?>', p)) {
      if (!isSpace(src.charCodeAt(p))) fail(ErrorCode.XmlSyntax, 'malformed processing instruction', p);
      const e = src.indexOf('?>', p);
      if (e < 0) fail(ErrorCode.XmlSyntax, 'unterminated processing instruction', lt);
      this.scan(p, e, LITERAL);
      this.pos = e + 2;
    } else {
      this.pos = p + 2;
    }
  }

  /** Checked content of a comment or CDATA section, line ends normalised. */
  private literal(start: number, end: number): string {
    const s = this.src.slice(start, end);
    return (this.scan(start, end, LITERAL) & HAS_CR) === 0 ? s : s.replace(CRLF, '\n');
  }

  /**
   * Checks that [start, end) holds only XML characters allowed in `mode` and
   * returns which of `&`, TAB/LF, CR occur.
   */
  private scan(start: number, end: number, mode: number): number {
    const src = this.src;
    let flags = 0;
    for (let i = start; i < end; i++) {
      const c = src.charCodeAt(i);
      if (c > GT) {
        if (c >= 0xd800) i = this.checkHigh(i, c);
        continue;
      }
      if (c >= SP) {
        if (mode === LITERAL) continue;
        if (c === AMP) flags |= HAS_AMP;
        else if (c === LT) fail(ErrorCode.XmlSyntax, "'<' in an attribute value", i);
        else if (c === GT && mode === TEXT && i - 2 >= start && src.charCodeAt(i - 1) === RBRACKET && src.charCodeAt(i - 2) === RBRACKET) {
          fail(ErrorCode.XmlSyntax, "']]>' in character data", i - 2);
        }
        continue;
      }
      if (c === LF || c === TAB) flags |= HAS_TAB_LF;
      else if (c === CR) flags |= HAS_CR;
      else fail(ErrorCode.XmlSyntax, `character U+${c.toString(16).padStart(4, '0')} not allowed`, i);
    }
    return flags;
  }

  /** Checks a code unit >= U+D800 at `i`; returns the index of its last unit. */
  private checkHigh(i: number, c: number): number {
    if (c <= 0xdbff) {
      const d = this.src.charCodeAt(i + 1);
      if (d >= 0xdc00 && d <= 0xdfff) return i + 1;
    } else if (c > 0xdfff && c < 0xfffe) {
      return i;
    }
    return fail(ErrorCode.XmlSyntax, `character U+${c.toString(16)} not allowed`, i);
  }

  /**
   * Decodes [start, end) (already checked by `scan`): references, line ends,
   * and in attributes whitespace normalisation.
   */
  private decode(start: number, end: number, attr: boolean): string {
    const src = this.src;
    let out = '';
    let last = start;
    for (let i = start; i < end; i++) {
      const c = src.charCodeAt(i);
      if (c === AMP) {
        out += src.slice(last, i) + this.reference(i);
        last = this.refEnd;
        i = last - 1;
      } else if (c === CR) {
        out += src.slice(last, i) + (attr ? ' ' : '\n');
        if (src.charCodeAt(i + 1) === LF) i++;
        last = i + 1;
      } else if (attr && (c === LF || c === TAB)) {
        out += src.slice(last, i) + ' ';
        last = i + 1;
      }
    }
    return out + src.slice(last, end);
  }

  /** Decodes the reference at `amp`; sets `refEnd` after its `;`. */
  private reference(amp: number): string {
    const src = this.src;
    if (src.charCodeAt(amp + 1) === HASH) {
      let j = amp + 2;
      const hex = src.charCodeAt(j) === 0x78;
      if (hex) j++;
      const digits = j;
      let v = 0;
      for (;; j++) {
        const c = src.charCodeAt(j);
        let d: number;
        if (c >= 0x30 && c <= 0x39) d = c - 0x30;
        else if (hex && c >= 0x61 && c <= 0x66) d = c - 0x57;
        else if (hex && c >= 0x41 && c <= 0x46) d = c - 0x37;
        else break;
        if (v <= 0x10ffff) v = v * (hex ? 16 : 10) + d;
      }
      if (j === digits || src.charCodeAt(j) !== SEMI) fail(ErrorCode.XmlSyntax, 'malformed character reference', amp);
      // C0 controls are accepted: Pacemaker 3.0 writes them as references (§3.11).
      if (v === 0 || v > 0x10ffff || (v >= 0xd800 && v <= 0xdfff) || v === 0xfffe || v === 0xffff) {
        fail(ErrorCode.XmlSyntax, 'character reference to a non-character', amp);
      }
      this.refEnd = j + 1;
      return String.fromCodePoint(v);
    }
    const n = nameLength(src, amp + 1);
    if (n === 0 || src.charCodeAt(amp + 1 + n) !== SEMI) fail(ErrorCode.XmlSyntax, "malformed reference after '&'", amp);
    this.refEnd = amp + 2 + n;
    switch (src.slice(amp + 1, amp + 1 + n)) {
      case 'amp':
        return '&';
      case 'lt':
        return '<';
      case 'gt':
        return '>';
      case 'quot':
        return '"';
      case 'apos':
        return "'";
      default:
        return fail(ErrorCode.XmlForbidden, 'entity is not predefined', amp);
    }
  }
}
