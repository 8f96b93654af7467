/**
 * Exit reasons written by OCF agents to stderr (spec/protocol.md §11.4): the
 * text after the last `ocf-exit-reason:` marker up to the end of its line,
 * at most 128 characters; an empty one counts as none.
 */

/** The marker agents print before an exit reason; exported to agents as `OCF_EXIT_REASON_PREFIX`. */
export const EXIT_REASON_PREFIX = 'ocf-exit-reason:';

/** Longest exit reason kept, in characters. */
export const EXIT_REASON_MAX = 128;

/** The exit reason in `stderr`, or undefined when there is none. */
export function parseExitReason(stderr: string): string | undefined {
  const at = stderr.lastIndexOf(EXIT_REASON_PREFIX);
  if (at < 0) return undefined;
  const start = at + EXIT_REASON_PREFIX.length;
  let end = stderr.indexOf('\n', start);
  if (end < 0) end = stderr.length;
  if (end === start) return undefined;
  return stderr.slice(start, Math.min(end, start + EXIT_REASON_MAX));
}

/** Cuts a runner's own reason (e.g. an error message) to the same limit. */
export function clampReason(reason: string): string {
  const line = reason.split('\n', 1)[0] ?? '';
  return line.length > EXIT_REASON_MAX ? line.slice(0, EXIT_REASON_MAX) : line;
}
