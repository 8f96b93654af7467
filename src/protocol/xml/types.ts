/**
 * The element tree the XML codec produces and consumes (spec/protocol.md §3.11).
 * Attribute values and text are decoded (entities resolved); `raw` nodes keep
 * an element's exact source text for relaying without a parse.
 */

/** An element. `attrs` is an object without inherited keys, in document order. */
export interface XmlElement {
  readonly type: 'element';
  readonly name: string;
  readonly attrs: Record<string, string>;
  readonly children: XmlNode[];
}

/** Character data between tags, decoded. */
export interface XmlText {
  readonly type: 'text';
  readonly text: string;
}

/** A CDATA section's content (schema files travel this way, §8.10). */
export interface XmlCData {
  readonly type: 'cdata';
  readonly text: string;
}

/** A comment's content (CIBs may carry comments, §3.11). */
export interface XmlComment {
  readonly type: 'comment';
  readonly text: string;
}

/**
 * An element kept as its exact source text, from `<` to the end of its closing
 * tag, checked only for balance (opaque mode).
 */
export interface XmlRawElement {
  readonly type: 'raw';
  readonly name: string;
  readonly xml: string;
}

export type XmlNode = XmlElement | XmlText | XmlCData | XmlComment | XmlRawElement;

/** Limits and switches of the parser. */
export interface XmlParseOptions {
  /** Maximum element nesting depth; default 256. */
  readonly maxDepth?: number;
  /** Maximum attributes on one element; default 10000. */
  readonly maxAttributes?: number;
  /** Maximum input length in UTF-16 code units; default 32 MiB. */
  readonly maxLength?: number;
  /**
   * Called for each element start below the root; returning true keeps that
   * element as an {@link XmlRawElement} without parsing its content.
   */
  readonly opaque?: (name: string, parent: XmlElement, depth: number) => boolean;
}
