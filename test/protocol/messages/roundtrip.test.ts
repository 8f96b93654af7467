/**
 * Property: any typed message survives encode → XML text → parse → decode,
 * both through the independent oracle (plain serializer + saxes) and through
 * the project's serializer and parser (plain and opaque mode).
 */
import assert from 'node:assert/strict';
import fc from 'fast-check';
import t from 'tap';
import { decodeMessage, encodeMessage, opaqueIpcBodies, type Message } from '../../../src/protocol/messages/index.js';
import { parseXml } from '../../../src/protocol/xml/parser.js';
import { serializeXml } from '../../../src/protocol/xml/serializer.js';
import type { XmlElement } from '../../../src/protocol/xml/types.js';
import { arbMessage } from '../../helpers/arbitraries.js';
import { saxesTree, treeShape, treeToXml } from '../../helpers/saxes-tree.js';

const RUNS = Number(process.env['FC_RUNS'] ?? 1500);

/** Plain-object deep copy (keeps undefined-valued keys so they are caught). */
function plain(v: unknown, bodyAsTree: boolean): unknown {
  if (Array.isArray(v)) return v.map((x) => plain(x, bodyAsTree));
  if (v === null || typeof v !== 'object') return v;
  const out: Record<string, unknown> = {};
  for (const [k, x] of Object.entries(v)) {
    out[k] = k === 'body' && bodyAsTree ? treeShape(saxesTree((x as { xml: string }).xml)) : plain(x, bodyAsTree);
  }
  return out;
}

function check(m: Message, toText: (el: XmlElement) => string, parse: (xml: string) => XmlElement, exactBody: boolean) {
  const decoded = decodeMessage(parse(toText(encodeMessage(m))));
  assert.deepStrictEqual(plain(decoded, !exactBody), plain(m, !exactBody));
}

t.test('oracle: plain serializer + saxes', async (t) => {
  fc.assert(fc.property(arbMessage, (m) => check(m, treeToXml, saxesTree, false)), { numRuns: RUNS });
  t.pass(`${RUNS} messages`);
});

t.test('project serializer + parser', async (t) => {
  fc.assert(fc.property(arbMessage, (m) => check(m, serializeXml, (x) => parseXml(x), false)), { numRuns: RUNS });
  t.pass(`${RUNS} messages`);
});

t.test('project serializer + opaque parser keeps IPC bodies byte for byte', async (t) => {
  fc.assert(
    fc.property(arbMessage, (m) => check(m, serializeXml, (x) => parseXml(x, { opaque: opaqueIpcBodies }), true)),
    { numRuns: RUNS },
  );
  t.pass(`${RUNS} messages`);
});

t.test('tree round trip without text', async (t) => {
  fc.assert(
    fc.property(arbMessage, (m) => {
      assert.deepStrictEqual(plain(decodeMessage(encodeMessage(m)), false), plain(m, false));
    }),
    { numRuns: RUNS },
  );
  t.pass(`${RUNS} messages`);
});

t.test('opaque parse of a body whose comment starts with ">" or "->"', async (t) => {
  for (const xml of ['<a><!--><--></a>', '<a><!--->x--></a>', '<a><!----></a>']) {
    const m: Message = { kind: 'ipc', ipcOp: 'event', msgId: 0, msgType: 'notify', session: 's', body: { xml } };
    t.doesNotThrow(() => check(m, serializeXml, (x) => parseXml(x, { opaque: opaqueIpcBodies }), true), xml);
  }
});
