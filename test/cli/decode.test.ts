import t from 'tap';
import { readFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { runDecode } from '../../src/cli/decode.js';
import { childEnv } from '../helpers/child-env.js';
import { hex, loadVectors, vectorPath } from '../helpers/vectors.js';


async function* from(...chunks: (string | Uint8Array)[]) {
  for (const c of chunks) yield c;
}

async function run(opts: Parameters<typeof runDecode>[0], ...chunks: (string | Uint8Array)[]) {
  const out: string[] = [];
  const err: string[] = [];
  const code = await runDecode(opts, { input: from(...chunks), out: (l) => out.push(l), err: (l) => err.push(l) });
  return { code, out: out.map((l) => JSON.parse(l) as Record<string, unknown>), err };
}

const captured = loadVectors('captured-2.1.5.json')!;
const frames = loadVectors('frames.json')!;

t.test('decodes the demo hex file, comments and line breaks included', async (t) => {
  const text = readFileSync(vectorPath('demo.hex'), 'utf8');
  // Split mid-line to exercise the line carry.
  const r = await run({ hex: true, header: true }, text.slice(0, 101), text.slice(101));
  t.equal(r.code, 0);
  t.equal(r.out.length, text.split('\n').filter((l) => l.startsWith('# ') && !l.startsWith('# Frames')).length);
  t.match(r.out[0], { frame: 1, kind: 'request', op: 'register', header: { byteOrder: 'le', encoding: 'xml' } });
  t.match(r.out[1], { kind: 'reply', op: 'register', rc: 0 });
});

t.test('raw bytes, any split, one object per message with every field', async (t) => {
  const exec = captured.vectors.find((v) => v.name.includes('notify-lrmd_rsc_exec'))!;
  const b = hex(exec.hex);
  const r = await run({}, b.subarray(0, 10), b.subarray(10));
  t.equal(r.code, 0);
  t.match(r.out[0], { kind: 'notify', op: 'lrmd_rsc_exec', rscId: String, execRc: Number, params: Object });
});

t.test('a bad frame prints its code and exits 2', async (t) => {
  const bad = frames.vectors.find((v) => v.name === 'bad-marker')!;
  const r = await run({ hex: true }, bad.hex);
  t.equal(r.code, 2);
  t.match(r.err[0], /^FRAME_BAD_MARKER: /);
  const trunc = await run({ hex: true }, frames.vectors.find((v) => v.name === 'truncated-payload')!.hex);
  t.equal(trunc.code, 2);
  t.match(trunc.err[0], /^FRAME_TRUNCATED/);
  t.equal((await run({ hex: true }, 'zz')).code, 2);
  t.equal((await run({ hex: true }, 'abc')).code, 2);
  t.equal((await run({ maxFrameSize: 100 }, hex(captured.vectors[0]!.hex))).code, 2);
});

t.test('a frame with a bad message prints an error object, continues, exits 1', async (t) => {
  const xml = (s: string) => {
    const p = Buffer.concat([Buffer.from(s), Buffer.from([0])]);
    const h = Buffer.alloc(40);
    h.writeUInt32LE(0xbadadbbd, 0);
    h.writeUInt32LE(1, 4);
    h.writeUInt32LE(40 + p.length, 24);
    h.writeUInt32LE(40, 28);
    h.writeUInt32LE(p.length, 36);
    return Buffer.concat([h, p]);
  };
  const r = await run({}, Buffer.concat([xml('<nope/>'), xml('<lrmd_reply lrmd_rc="0"/>'), xml('<a')]));
  t.equal(r.code, 1);
  t.match(r.out, [{ frame: 1, error: 'MESSAGE_UNKNOWN_ROOT' }, { frame: 2, kind: 'reply', rc: 0 }, { frame: 3, error: 'XML_SYNTAX' }]);
});

t.test('the bin runs', async (t) => {
  const cli = fileURLToPath(new URL('../../src/cli/pcmk-remote.ts', import.meta.url));
  const r = spawnSync(process.execPath, ['--import', 'tsx', cli, 'decode', '--hex'], {
    input: captured.vectors[0]!.hex,
    encoding: 'utf8',
    env: childEnv,
  });
  t.equal(r.status, 0, r.stderr);
  t.match(JSON.parse(r.stdout.trim()), { kind: 'request', op: 'register' });
  const bad = spawnSync(process.execPath, ['--import', 'tsx', cli, 'decode', '--max-frame-size', 'x'], { encoding: 'utf8', env: childEnv });
  t.not(bad.status, 0);
});
