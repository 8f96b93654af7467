/**
 * Undoing the attribute escaping of Pacemaker 2.1.5's XML writer
 * (spec/protocol.md §3.11, §9.3).
 */

// `\n`, `\r`, a sign-extended high byte (`\` + 11 octal digits, written for a
// byte >= 0x80 that is not followed by another one), or `\` + 3 octal digits.
const LEGACY_SEQUENCE = /\\(?:([nr])|(37777777[0-7]{3})|([0-3][0-7]{2}))/g;

/**
 * Converts the backslash sequences of Pacemaker 2.1.5's attribute writer back
 * to characters: `\n` → LF, `\r` → CR, `\ooo` (three octal digits naming a
 * control character, U+0001–U+001F or U+007F) → that character. A stray byte
 * >= 0x80, which that writer emits as `\377777777ooo`, becomes U+FFFD (what a
 * UTF-8 decoder makes of such a byte). Any other backslash is left alone.
 *
 * Lossy by nature: the writer does not escape a backslash, so a literal `\n`
 * in the original also comes back as LF; its TAB → four spaces cannot be
 * undone. Apply only to values known to come from such a peer (agent output,
 * exit reasons).
 */
export function unescapeLegacy(value: string): string {
  if (!value.includes('\\')) return value;
  return value.replace(LEGACY_SEQUENCE, replace);
}

function replace(match: string, letter: string | undefined, high: string | undefined, octal: string | undefined): string {
  if (letter !== undefined) return letter === 'n' ? '\n' : '\r';
  if (high !== undefined) return '\ufffd';
  const code = parseInt(octal!, 8);
  return code === 0x7f || (code >= 1 && code < 0x20) ? String.fromCharCode(code) : match;
}
