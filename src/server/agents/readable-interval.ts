/**
 * Milliseconds as the short text Pacemaker puts into timeout exit reasons
 * ("did not complete within 20s"; spec/protocol.md §11.5): days, hours,
 * minutes, then `Ns`, `N.NNNs` or `NNNms`. A unit is used only when the
 * remainder is strictly greater than it, so 60000 is "60s" and 1000 is "1000ms",
 * as in Pacemaker's `pcmk__readable_interval` (lib/common/iso8601.c).
 */
export function readableInterval(ms: number): string {
  let rest = Math.max(0, Math.floor(ms));
  let out = '';
  for (const [unit, size] of UNITS) {
    if (rest > size) {
      out += `${Math.floor(rest / size)}${unit}`;
      rest %= size;
    }
  }
  if (rest > 1000) {
    const s = Math.floor(rest / 1000);
    const frac = rest % 1000;
    out += frac > 0 ? `${s}.${String(frac).padStart(3, '0')}s` : `${s}s`;
  } else if (rest > 0) {
    out += `${rest}ms`;
  } else if (out === '') {
    out = '0s';
  }
  return out;
}

const UNITS: readonly (readonly [string, number])[] = [
  ['d', 86_400_000],
  ['h', 3_600_000],
  ['m', 60_000],
];
