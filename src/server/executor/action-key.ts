/**
 * How actions are matched for cancel and duplicate merging (spec/protocol.md
 * §5.6, §5.14.5): action names compare case-insensitively, and for the classes
 * whose process layer calls the monitor action `status` (lsb, service,
 * systemd, upstart) `monitor` and `status` are the same action.
 */

const STATUS_CLASSES: ReadonlySet<string> = new Set(['lsb', 'service', 'systemd', 'upstart']);

/** The key under which `action` of a resource of class `standard` is matched. */
export function actionKey(standard: string, action: string): string {
  const a = action.toLowerCase();
  return a === 'monitor' && STATUS_CLASSES.has(standard.toLowerCase()) ? 'status' : a;
}
