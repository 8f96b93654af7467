/**
 * Metadata of an LSB init script (spec/protocol.md §11.11): an OCF-style
 * `<resource-agent>` document built from the script's `### BEGIN INIT INFO`
 * comment block, as Pacemaker's services library synthesises it
 * (lib/services/services_lsb.c). No parameters; the usual init actions.
 */
import { escapeAttr, escapeText } from '../../protocol/xml/escape.js';

/** The header fields of an init script that metadata reports. */
export interface LsbHeader {
  provides?: string;
  requiredStart?: string;
  requiredStop?: string;
  shouldStart?: string;
  shouldStop?: string;
  defaultStart?: string;
  defaultStop?: string;
  shortDescription?: string;
  description?: string;
}

const FIELDS: readonly (readonly [string, keyof LsbHeader])[] = [
  ['# Provides:', 'provides'],
  ['# Required-Start:', 'requiredStart'],
  ['# Required-Stop:', 'requiredStop'],
  ['# Should-Start:', 'shouldStart'],
  ['# Should-Stop:', 'shouldStop'],
  ['# Default-Start:', 'defaultStart'],
  ['# Default-Stop:', 'defaultStop'],
  ['# Short-Description:', 'shortDescription'],
];

/**
 * Reads the INIT INFO block of a script's text. The first occurrence of each
 * field wins; `# Description:` continues over lines that start with `#` and a
 * tab or two spaces. The block ends at `### END INIT INFO` or at the first
 * line that is not a comment.
 */
export function parseLsbHeader(script: string): LsbHeader {
  const h: LsbHeader = {};
  const lines = script.split('\n');
  let i = lines.findIndex((l) => l.startsWith('### BEGIN INIT INFO'));
  if (i < 0) return h;
  for (i++; i < lines.length; i++) {
    const line = lines[i]!;
    const field = FIELDS.find(([prefix]) => line.startsWith(prefix));
    if (field !== undefined) {
      h[field[1]] ??= line.slice(field[0].length).trim();
      continue;
    }
    if (h.description === undefined && line.startsWith('# Description:')) {
      const parts = [line.slice('# Description:'.length).trim()];
      while (i + 1 < lines.length && /^#( {2}|\t)/.test(lines[i + 1]!)) parts.push(lines[++i]!.slice(1).trim());
      h.description = parts.join('\n');
      continue;
    }
    if (line.startsWith('### END INIT INFO') || !line.startsWith('#')) break;
  }
  return h;
}

/** The metadata document of init script `type` with header `h`. */
export function lsbMetadata(type: string, h: LsbHeader): string {
  const t = (s: string | undefined): string => escapeText(s ?? '');
  return [
    '<?xml version="1.0"?>',
    `<resource-agent name="${escapeAttr(type)}" version="1.0">`,
    '  <version>1.0</version>',
    `  <longdesc lang="en">${t(h.description ?? type)}</longdesc>`,
    `  <shortdesc lang="en">${t(h.shortDescription ?? type)}</shortdesc>`,
    '  <parameters/>',
    '  <actions>',
    ...['start', 'stop', 'status', 'restart', 'force-reload'].map((a) => `    <action name="${a}" timeout="15s"/>`),
    '    <action name="monitor" timeout="15s" interval="15s"/>',
    '    <action name="meta-data" timeout="5s"/>',
    '  </actions>',
    '  <special tag="LSB">',
    `    <Provides>${t(h.provides)}</Provides>`,
    `    <Required-Start>${t(h.requiredStart)}</Required-Start>`,
    `    <Required-Stop>${t(h.requiredStop)}</Required-Stop>`,
    `    <Should-Start>${t(h.shouldStart)}</Should-Start>`,
    `    <Should-Stop>${t(h.shouldStop)}</Should-Stop>`,
    `    <Default-Start>${t(h.defaultStart)}</Default-Start>`,
    `    <Default-Stop>${t(h.defaultStop)}</Default-Stop>`,
    '  </special>',
    '</resource-agent>',
    '',
  ].join('\n');
}
