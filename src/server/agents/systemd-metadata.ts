/**
 * Metadata of a systemd unit (spec/protocol.md §11.11): an OCF-style
 * `<resource-agent>` document with the unit's Description, no parameters,
 * and the actions the systemd runner supports.
 */
import { escapeAttr, escapeText } from '../../protocol/xml/escape.js';

/** The metadata document of unit `type` described as `description`. */
export function systemdMetadata(type: string, description: string): string {
  return [
    '<?xml version="1.0"?>',
    `<resource-agent name="${escapeAttr(type)}" version="1.0">`,
    '  <version>1.1</version>',
    `  <longdesc lang="en">${escapeText(description)}</longdesc>`,
    `  <shortdesc lang="en">systemd unit file for ${escapeText(type)}</shortdesc>`,
    '  <parameters/>',
    '  <actions>',
    '    <action name="start" timeout="100s"/>',
    '    <action name="stop" timeout="100s"/>',
    '    <action name="status" timeout="100s"/>',
    '    <action name="monitor" timeout="100s" interval="60s"/>',
    '    <action name="meta-data" timeout="5s"/>',
    '  </actions>',
    '  <special tag="systemd"/>',
    '</resource-agent>',
    '',
  ].join('\n');
}
