/**
 * The structured logger the server parts write to: pino's calling
 * convention (fields object first, message second), so a pino logger can be
 * passed as is.
 */

/** A pino-compatible logger. */
export interface Logger {
  debug(o: object, msg?: string): void;
  info(o: object, msg?: string): void;
  warn(o: object, msg?: string): void;
  error(o: object, msg?: string): void;
  /** pino's level check; lets callers skip building lines nobody writes. */
  isLevelEnabled?(level: string): boolean;
}

const nothing = (): void => {};

/** A logger that drops everything; the default. */
export const silentLogger: Logger = { debug: nothing, info: nothing, warn: nothing, error: nothing, isLevelEnabled: () => false };

/** Fields describing an error for a log line: code, message, and the cause's code. */
export function errorFields(err: unknown): { err: { code?: string; message: string; cause?: string } } {
  const e = err as { code?: unknown; message?: unknown; cause?: { code?: unknown; message?: unknown } } | undefined;
  const code = typeof e?.code === 'string' ? e.code : undefined;
  const message = typeof e?.message === 'string' ? e.message : String(err);
  const cause = e?.cause === undefined ? undefined : typeof e.cause?.code === 'string' ? e.cause.code : String(e.cause?.message ?? e.cause);
  return { err: { ...(code !== undefined ? { code } : {}), message, ...(cause !== undefined ? { cause } : {}) } };
}
