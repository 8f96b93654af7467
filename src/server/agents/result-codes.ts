/**
 * Mapping of raw agent exit codes to OCF codes (spec/protocol.md §7.1,
 * §11.3, §11.6), as Pacemaker's services library does it
 * (lib/services/services_ocf.c, services_lsb.c).
 */
import { OcfExit } from '../../protocol/constants.js';

/** LSB `status` exit codes that differ from OCF ones (LSB 4.1 init script actions). */
export const LsbStatus = {
  ok: 0,
  deadPidFile: 1,
  deadLockFile: 2,
  notRunning: 3,
  unknown: 4,
  notInstalled: 150,
  insufficientPriv: 151,
} as const;

/** OCF agent exit code → OCF result: 0–9, 190, 191 pass, anything else is 1. */
export function ocfExitToOcf(code: number): number {
  if (code === OcfExit.degraded || code === OcfExit.degradedPromoted) return code;
  if (!Number.isInteger(code) || code < 0 || code > OcfExit.failedPromoted) return OcfExit.unknownError;
  return code;
}

/** True for the actions an LSB script answers with status codes (`status`, `monitor`). */
export function isStatusAction(action: string): boolean {
  const a = action.toLowerCase();
  return a === 'status' || a === 'monitor';
}

/**
 * LSB exit code → OCF result. Other actions: 0–7 pass, anything else is 1.
 * `status`/`monitor`: 0 → 0; 1, 2, 3 → 7; 150 → 5; 151 → 4; anything else → 1.
 */
export function lsbExitToOcf(action: string, code: number): number {
  if (!isStatusAction(action)) {
    if (!Number.isInteger(code) || code < 0 || code > OcfExit.notRunning) return OcfExit.unknownError;
    return code;
  }
  switch (code) {
    case LsbStatus.ok:
      return OcfExit.ok;
    case LsbStatus.deadPidFile:
    case LsbStatus.deadLockFile:
    case LsbStatus.notRunning:
      return OcfExit.notRunning;
    case LsbStatus.notInstalled:
      return OcfExit.notInstalled;
    case LsbStatus.insufficientPriv:
      return OcfExit.insufficientPriv;
    default:
      return OcfExit.unknownError;
  }
}
