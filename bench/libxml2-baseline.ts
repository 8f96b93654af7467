// Pacemaker's counterpart of our XML decode: libxml2's xmlReadMemory with
// XML_PARSE_NOBLANKS, as lib/common/remote.c parses every message. Built from
// bench/libxml2-parse.c when gcc and libxml2-dev are present.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Message } from '../src/protocol/messages/message.js';
import { messageToXml } from '../src/protocol/codec.js';

export interface Baseline {
  available: boolean;
  reason?: string;
  rows: { name: string; value: number; unit: string }[];
}

export function runLibxml2Baseline(m: { registerReply: Message; execRequest: Message; execNotify: Message; cib: string }): Baseline {
  // Run from bench/ (tsx) or from dist-bench/bench/ (npm run bench).
  const here = new URL('./libxml2-parse.c', import.meta.url);
  const src = fileURLToPath(existsSync(here) ? here : new URL('../../bench/libxml2-parse.c', import.meta.url));
  const dir = mkdtempSync(join(tmpdir(), 'pcmk-bench-'));
  const bin = join(dir, 'libxml2-parse');
  try {
    const flags = execFileSync('pkg-config', ['--cflags', '--libs', 'libxml-2.0'], { encoding: 'utf8' }).trim().split(/\s+/);
    execFileSync('gcc', ['-O2', '-o', bin, src, ...flags], { stdio: 'pipe' });
  } catch (err) {
    return { available: false, reason: 'gcc or libxml2-dev (pkg-config libxml-2.0) missing', rows: [] };
  }
  const cases: [string, string, string][] = [
    ['register reply', messageToXml(m.registerReply), 'msg/s'],
    ['exec request, 20 params', messageToXml(m.execRequest), 'msg/s'],
    ['exec-result notify', messageToXml(m.execNotify), 'msg/s'],
    ['1 MiB CIB, full parse', `<lrmd_ipc_proxy lrmd_ipc_op="event"><lrmd_ipc_msg>${m.cib}</lrmd_ipc_msg></lrmd_ipc_proxy>`, 'MB/s'],
  ];
  const rows = cases.map(([name, xml, unit]) => {
    const file = join(dir, 'payload.xml');
    writeFileSync(file, xml);
    const out = execFileSync(bin, [file, String(Number(process.env.BENCH_SECONDS ?? 1))], { encoding: 'utf8' });
    const perSec = Number(out.trim());
    return { name, value: unit === 'MB/s' ? (perSec * Buffer.byteLength(xml)) / (1024 * 1024) : perSec, unit };
  });
  return { available: existsSync(bin), rows };
}
