/**
 * The daemon's structured log: pino, one JSON object per line, to standard
 * error or to a file (appended, reopened on request for log rotation).
 * Writes are synchronous so that nothing is lost when the process ends.
 */
import { destination, pino, stdTimeFunctions, type DestinationStream, type Logger } from 'pino';
import type { LogLevel } from './options.js';

/** Options of {@link createDaemonLogger}. */
export interface DaemonLoggerOptions {
  readonly level: LogLevel;
  /** Append to this file; absent: standard error. */
  readonly file?: string;
  /** Write here instead (tests). */
  readonly stream?: DestinationStream;
}

/** A logger and what the process does with its destination. */
export interface DaemonLog {
  readonly logger: Logger;
  /** Reopen the log file (after rotation); no-op for standard error. */
  reopen(): void;
}

/** Create the logger. Throws node's error when the file cannot be opened. */
export function createDaemonLogger(o: DaemonLoggerOptions): DaemonLog {
  const fileDest = o.stream === undefined && o.file !== undefined ? destination({ dest: o.file, sync: true, append: true, mode: 0o640 }) : undefined;
  const dest = o.stream ?? fileDest ?? destination({ dest: 2, sync: true });
  const logger = pino(
    {
      level: o.level,
      base: { pid: process.pid },
      timestamp: stdTimeFunctions.isoTime,
      // Level names, not numbers: readable in a file and in journald.
      formatters: { level: (label) => ({ level: label }) },
    },
    dest,
  );
  return { logger, reopen: () => fileDest?.reopen() };
}
