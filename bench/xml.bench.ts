/**
 * Micro-benchmark of the XML codec (not a CI gate): full parse and opaque
 * skim of a ~1 MiB CIB-like document, parse and serialize of a ~430-byte
 * exec request. Prints the best of several rounds.
 * Run: npx tsx bench/xml.bench.ts
 */
import { parseXml, parseXmlBytes, serializeXml } from '../src/protocol/xml/index.js';

/** A CIB-like document of roughly `size` characters (comments, CDATA, entities, references). */
export function makeCib(size: number): string {
  const parts: string[] = [
    '<cib crm_feature_set="3.19.0" validate-with="pacemaker-3.10" epoch="42" num_updates="7" admin_epoch="0">\n',
    '  <configuration>\n    <crm_config>\n      <!-- cluster options -->\n',
  ];
  let length = 0;
  for (let i = 0; length < size; i++) {
    const s =
      `      <primitive id="rsc${i}" class="ocf" provider="heartbeat" type="IPaddr2">\n` +
      `        <instance_attributes id="rsc${i}-ia">\n` +
      `          <nvpair id="rsc${i}-ip" name="ip" value="192.0.2.${i % 250}"/>\n` +
      `          <nvpair id="rsc${i}-desc" name="description" value="a &amp; b &lt;c&gt; &#x9;&#233; caf\u00e9"/>\n` +
      `        </instance_attributes>\n` +
      `        <operations><op id="rsc${i}-mon" name="monitor" interval="10s" timeout="20s"/></operations>\n` +
      `        <meta_attributes id="rsc${i}-meta"><![CDATA[raw <text> & more]]></meta_attributes>\n` +
      `        <description>Resource number ${i} with some text &amp; an entity</description>\n` +
      `      </primitive>\n`;
    parts.push(s);
    length += s.length;
  }
  parts.push('    </crm_config>\n  </configuration>\n  <status/>\n</cib>');
  return parts.join('');
}

/** A compact exec request (spec/protocol.md §5.5), 431 bytes. */
export const SMALL =
  '<lrmd_command t="lrmd" lrmd_op="lrmd_rsc_exec" lrmd_timeout="20000" lrmd_callopt="4" lrmd_remote_msg_id="17" ' +
  'lrmd_remote_msg_type="request"><lrmd_calldata><lrmd_rsc lrmd_origin="lrmd_api_exec" lrmd_rsc_id="vip" ' +
  'lrmd_rsc_action="monitor" lrmd_rsc_interval="10000" lrmd_timeout="20000" lrmd_rsc_start_delay="0">' +
  '<attributes CRM_meta_interval="10000" crm_feature_set="3.19.0" ip="192.0.2.10"/></lrmd_rsc></lrmd_calldata></lrmd_command>';

function rate(fn: () => void, ms: number): number {
  const start = performance.now();
  let n = 0;
  let elapsed = 0;
  do {
    fn();
    n++;
    elapsed = performance.now() - start;
  } while (elapsed < ms);
  return (n * 1000) / elapsed;
}

function report(label: string, fn: () => void, scale: number, unit: string): void {
  for (let i = 0; i < 20; i++) fn();
  let best = 0;
  for (let round = 0; round < 7; round++) best = Math.max(best, rate(fn, 300));
  console.log(`${label.padEnd(40)} ${(best * scale).toFixed(1).padStart(10)} ${unit}`);
}

// Strings as the wire gives them (decoded from bytes, hence flat).
const cibBytes = new TextEncoder().encode(makeCib(1 << 20));
const cib = Buffer.from(cibBytes).toString('utf8');
const wrappedBytes = new TextEncoder().encode(
  `<lrmd_ipc_proxy lrmd_ipc_op="response" lrmd_ipc_session="s"><lrmd_ipc_msg>${cib}</lrmd_ipc_msg></lrmd_ipc_proxy>`,
);
const wrapped = Buffer.from(wrappedBytes).toString('utf8');
const opaque = { opaque: (name: string) => name === 'lrmd_ipc_msg' };
const cibTree = parseXml(cib);
const smallBytes = new TextEncoder().encode(SMALL);
const small = Buffer.from(smallBytes).toString('utf8');
const smallTree = parseXml(small);
const mb = cibBytes.length / 1e6;

console.log(`CIB: ${cibBytes.length} bytes; small message: ${smallBytes.length} bytes`);
report('parseXml CIB, full tree', () => parseXml(cib), mb, 'MB/s');
report('parseXmlBytes CIB, full tree', () => parseXmlBytes(cibBytes), mb, 'MB/s');
report('parseXml CIB as opaque body', () => parseXml(wrapped, opaque), mb, 'MB/s');
report('parseXmlBytes CIB as opaque body', () => parseXmlBytes(wrappedBytes, opaque), mb, 'MB/s');
report('serializeXml CIB', () => serializeXml(cibTree), mb, 'MB/s');
report('parseXml small message', () => parseXml(small), 1, 'msg/s');
report('parseXmlBytes small message', () => parseXmlBytes(smallBytes), 1, 'msg/s');
report('serializeXml small message', () => serializeXml(smallTree), 1, 'msg/s');
// Reference points for this machine.
const json = JSON.stringify(Object.fromEntries([...small.matchAll(/ (\w+)="([^"]*)"/g)].map((m) => [m[1], m[2]])));
report('(reference) JSON.parse of the same fields', () => JSON.parse(json), 1, 'msg/s');
