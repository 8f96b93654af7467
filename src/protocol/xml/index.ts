/**
 * XML codec of the protocol: strict parser, compact serializer, escaping and
 * the legacy unescape for Pacemaker 2.1.5 values (spec/protocol.md §3.11).
 */
export {
  parseXml,
  parseXmlBytes,
  DEFAULT_MAX_ATTRIBUTES,
  DEFAULT_MAX_DEPTH,
  DEFAULT_MAX_LENGTH,
} from './parser.js';
export { serializeXml } from './serializer.js';
export { escapeAttr, escapeText, isXmlName } from './escape.js';
export { unescapeLegacy } from './legacy.js';
export type * from './types.js';
