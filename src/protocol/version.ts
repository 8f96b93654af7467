/**
 * Frame-header version and lrmd protocol versions with the compatibility
 * rule (spec/protocol.md §9).
 */

/** Value of the header `version` field every known sender writes (§2.1). */
export const HEADER_VERSION = 1;

/** lrmd protocol versions in the order Pacemaker introduced them (§9.1). */
export const SUPPORTED_PROTOCOL_VERSIONS = ['1.0', '1.1', '1.2'] as const;
export type ProtocolVersion = (typeof SUPPORTED_PROTOCOL_VERSIONS)[number];

/** The version this implementation announces (Pacemaker 2.1.8 and 3.0.x send the same). */
export const PROTOCOL_VERSION: ProtocolVersion = '1.2';
/** The oldest client version a server accepts (§9.2). */
export const MIN_PROTOCOL_VERSION = '1.0';
/** What Pacemaker 2.1.5 announces. */
export const PROTOCOL_VERSION_2_1_5 = '1.1';

/**
 * Compare two dotted versions numerically, component by component; missing
 * components count as 0 and an absent version is lower than any other
 * (Pacemaker's `compare_version`, §9.2). Returns -1, 0 or 1.
 */
export function compareVersions(a: string | undefined, b: string | undefined): -1 | 0 | 1 {
  if (a === b) return 0;
  if (a === undefined) return -1;
  if (b === undefined) return 1;
  const pa = a.split('.');
  const pb = b.split('.');
  const n = Math.max(pa.length, pb.length);
  for (let i = 0; i < n; i++) {
    const x = parseInt(pa[i] ?? '0', 10) || 0;
    const y = parseInt(pb[i] ?? '0', 10) || 0;
    if (x !== y) return x < y ? -1 : 1;
  }
  return 0;
}

/**
 * The server-side rule: a client is accepted when its announced version is
 * not lower than 1.0. Any higher version passes, as in Pacemaker (§9.2).
 */
export function isCompatibleClientVersion(version: string | undefined): boolean {
  return version !== undefined && compareVersions(version, MIN_PROTOCOL_VERSION) >= 0;
}

/** True when the peer's version enables the 1.2 schema fetch (§8.10). */
export function supportsSchemaFetch(version: string | undefined): boolean {
  return compareVersions(version, '1.2') >= 0;
}
