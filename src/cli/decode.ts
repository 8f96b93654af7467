/**
 * `pcmk-remote decode`: raw frame bytes (or hex text) in, one JSON object per
 * message out. Frame-level errors end the run with exit code 2; a frame whose
 * payload cannot be decoded prints an error object and makes the exit code 1.
 */
import { MessageDecoder } from '../protocol/codec.js';
import { ProtocolError } from '../protocol/errors.js';
import type { Frame } from '../protocol/frame.js';

export interface DecodeCommandOptions {
  readonly hex?: boolean;
  readonly maxFrameSize?: number;
  readonly legacyEscapes?: boolean;
  readonly header?: boolean;
}

export interface Io {
  readonly input: AsyncIterable<Uint8Array | string>;
  readonly out: (line: string) => void;
  readonly err: (line: string) => void;
}

const json = (v: unknown): string =>
  JSON.stringify(v, (_k, x: unknown) => (typeof x === 'bigint' ? x.toString() : x));

function headerJson(f: Frame): Record<string, unknown> {
  const h = f.header;
  return {
    byteOrder: h.byteOrder,
    version: h.version,
    id: h.id,
    flags: h.flags,
    sizeTotal: h.sizeTotal,
    payloadCompressed: h.payloadCompressed,
    payloadUncompressed: h.payloadUncompressed,
    encoding: f.encoding,
  };
}

/**
 * Turn a hex text stream into bytes: whitespace, `0x`, `:` and `,` are
 * ignored, `#` starts a comment to the end of the line.
 */
async function* hexChunks(input: AsyncIterable<Uint8Array | string>): AsyncGenerator<Uint8Array> {
  let line = '';
  let odd = '';
  const digits = (text: string): Uint8Array => {
    const clean = odd + text.replace(/#.*/, '').replace(/0x/gi, '').replace(/[\s:,]/g, '');
    if (/[^0-9a-f]/i.test(clean)) throw new ProtocolError('FRAME_BAD_PAYLOAD', 'input is not hex text');
    const even = clean.length & ~1;
    odd = clean.slice(even);
    return new Uint8Array(Buffer.from(clean.slice(0, even), 'hex'));
  };
  for await (const chunk of input) {
    const lines = (line + (typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('latin1'))).split('\n');
    line = lines.pop()!;
    const bytes = lines.map(digits);
    const total = Buffer.concat(bytes);
    if (total.length > 0) yield new Uint8Array(total);
  }
  const last = digits(line);
  if (last.length > 0) yield last;
  if (odd) throw new ProtocolError('FRAME_TRUNCATED', 'odd number of hex digits');
}

async function* byteChunks(input: AsyncIterable<Uint8Array | string>): AsyncGenerator<Uint8Array> {
  for await (const c of input) yield typeof c === 'string' ? new Uint8Array(Buffer.from(c, 'latin1')) : c;
}

/** Run the command; resolves with the process exit code. */
export async function runDecode(opts: DecodeCommandOptions, io: Io): Promise<number> {
  const decoder = new MessageDecoder({
    ...(opts.maxFrameSize !== undefined && { maxFrameSize: opts.maxFrameSize }),
    legacyEscapes: opts.legacyEscapes ?? false,
  });
  let n = 0;
  let code = 0;
  try {
    for await (const chunk of opts.hex ? hexChunks(io.input) : byteChunks(io.input)) {
      for (const item of decoder.push(chunk)) {
        n++;
        const head = opts.header ? { header: headerJson(item.frame) } : {};
        if (item.error) {
          code = 1;
          io.out(json({ frame: n, ...head, error: item.error.code, message: item.error.message }));
        } else {
          io.out(json({ frame: n, ...head, ...item.message }));
        }
      }
    }
    decoder.end();
  } catch (err) {
    if (err instanceof ProtocolError) {
      io.err(`${err.code}: ${err.message}`);
      return 2;
    }
    throw err;
  }
  return code;
}
