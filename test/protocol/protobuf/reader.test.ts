/**
 * The generated decoder's reader (src/protocol/protobuf/reader.ts): a long
 * ASCII string is read natively, everything else exactly as protobufjs reads
 * it, errors included (spec/protocol.md §13.3).
 */
import fc from 'fast-check';
import $protobuf from 'protobufjs/minimal.js';
import t from 'tap';
import type { Message } from '../../../src/protocol/messages/message.js';
import { decodeProtobuf, encodeProtobuf } from '../../../src/protocol/protobuf/index.js';
import { payloadReader } from '../../../src/protocol/protobuf/reader.js';

/** A length-delimited string field body: varint length, then the bytes. */
function delimited(content: Uint8Array, declared = content.length): Uint8Array {
  const len: number[] = [];
  let n = declared;
  while (n >= 0x80) {
    len.push((n & 0x7f) | 0x80);
    n >>>= 7;
  }
  len.push(n);
  return Uint8Array.from([...len, ...content]);
}

/** What a reader makes of the string at the start of `bytes`: the string and the position after, or the error. */
function read(reader: $protobuf.Reader): { value: string; pos: number } | { error: string } {
  try {
    return { value: reader.stringVerify(), pos: reader.pos };
  } catch (err) {
    return { error: (err as Error).message };
  }
}

const both = (bytes: Uint8Array) => ({ ours: read(payloadReader(bytes)), theirs: read($protobuf.Reader.create(bytes)) });

t.test('strings read as protobufjs reads them, on both sides of the length cut', async (t) => {
  const ascii = (n: number) => new TextEncoder().encode('<cib a="1"/>'.repeat(Math.ceil(n / 12)).slice(0, n));
  const cases: [string, Uint8Array][] = [
    ['empty', delimited(new Uint8Array(0))],
    ['255 ASCII', delimited(ascii(255))],
    ['256 ASCII', delimited(ascii(256))],
    ['257 ASCII', delimited(ascii(257))],
    ['100 KiB ASCII', delimited(ascii(100 * 1024))],
    ['long UTF-8', delimited(new TextEncoder().encode('é€😀'.repeat(200)))],
    ['long, one non-ASCII byte at the end', delimited(Uint8Array.from([...ascii(400), 0xc3, 0xa9]))],
    ['long invalid UTF-8', delimited(Uint8Array.from([...ascii(400), 0xff]))],
    ['long, truncated', delimited(ascii(300), 400)],
    ['trailing bytes stay unread', Uint8Array.from([...delimited(ascii(300)), 1, 2, 3])],
  ];
  for (const [name, bytes] of cases) {
    const { ours, theirs } = both(bytes);
    t.strictSame(ours, theirs, name);
  }
  t.ok('error' in both(delimited(Uint8Array.from([...ascii(400), 0xff]))).ours, 'invalid UTF-8 still throws');
});

t.test('any bytes: the same string or the same error', async (t) => {
  fc.assert(
    fc.property(fc.uint8Array({ minLength: 250, maxLength: 600 }), fc.integer({ min: 0, max: 700 }), (content, declared) => {
      const ascii = content.map((b) => b & 0x7f);
      for (const bytes of [delimited(ascii, declared), delimited(content, declared), delimited(ascii)]) {
        const { ours, theirs } = both(bytes);
        if (JSON.stringify(ours) !== JSON.stringify(theirs)) return false;
      }
      return true;
    }),
    { numRuns: 500 },
  );
  t.pass('500 cases');
});

t.test('a plain Uint8Array payload decodes as a Buffer does', async (t) => {
  const body = `<cib>${'<nvpair id="x" name="n" value="v"/>'.repeat(100)}<d>\u00e9</d></cib>`;
  const msg: Message = { kind: 'ipc', ipcOp: 'event', msgId: 5, msgType: 'request', op: 'ipc_fwd', session: 's', body: { xml: body } };
  const bytes = encodeProtobuf(msg);
  const copy = new Uint8Array(bytes.length + 3).subarray(3);
  copy.set(bytes);
  t.strictSame(decodeProtobuf(copy), decodeProtobuf(Buffer.from(bytes)));
  t.equal((decodeProtobuf(copy) as { body: { xml: string } }).body.xml, body);
});
