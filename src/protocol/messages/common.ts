/**
 * Pieces shared by every typed message (spec/protocol.md §3).
 */

/** Agent or alert parameters, in wire order (§3.8). */
export type Params = Readonly<Record<string, string>>;

/**
 * Attributes we do not model, kept so that a decode/encode round trip loses
 * nothing (§3.10). Keys are wire names, values the decoded text.
 */
export type Extra = Readonly<Record<string, string>>;

/**
 * An XML element carried verbatim: the exact text of one element as it stood
 * in the payload (entities unexpanded), so it can be relayed without a parse.
 */
export interface RawXml {
  readonly xml: string;
}

/** Fields every message may carry. */
export interface Envelope {
  /** `lrmd_remote_msg_id`: request counter, copied in replies, 0 in notifications (§3.2). */
  readonly msgId: number;
  /** `lrmd_origin`: the sender's function name; informational. */
  readonly origin?: string;
  /** Unknown root attributes, preserved (§3.10). */
  readonly extra?: Extra;
}
