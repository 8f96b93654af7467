// examples/custom-agent.ts as a process: the Counter agent through a real
// client, a timeout that aborts its start, and Ctrl-C.
import t from 'tap';
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { connectClient } from '../../../src/client/connect.js';
import { childEnv } from '../../helpers/child-env.js';

const repo = fileURLToPath(new URL('../../../', import.meta.url));

t.test('ocf:acme:Counter start, monitor, stop, meta-data, timeout', { timeout: 60_000 }, async (t) => {
  const child = spawn(process.execPath, ['--import', 'tsx', 'examples/custom-agent.ts', '0'], { cwd: repo, env: childEnv });
  t.teardown(() => child.kill('SIGKILL'));
  let stderr = '';
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  const exit = new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)));
  const line = await new Promise<string>((resolve, reject) => {
    let out = '';
    child.stdout.on('data', (d: Buffer) => {
      out += d.toString();
      if (out.includes('\n')) resolve(out.split('\n')[0]!);
    });
    void exit.then((c) => reject(new Error(`exited ${c}: ${stderr}`)));
  });
  const m = /^listening on 127\.0\.0\.1:(\d+), key (\S+)$/.exec(line);
  t.ok(m, line);
  const keyFile = m![2]!;

  const client = await connectClient({ host: '127.0.0.1', port: Number(m![1]), authkey: { path: keyFile } });
  const run = async (action: string, params: Record<string, string> = {}, actionTimeoutMs?: number) => {
    const { callId } = await client.exec({ rscId: 'c1', action, params, ...(actionTimeoutMs !== undefined ? { actionTimeoutMs } : {}) });
    return client.waitForResult(callId, { timeoutMs: 20_000 });
  };
  await client.registerResource({ rscId: 'c1', standard: 'ocf', provider: 'acme', agent: 'Counter' });
  t.match(await run('monitor'), { execRc: 7 }, 'stopped before start');
  t.match(await run('start', {}, 50), { execRc: 1, opStatus: 2 }, 'a timeout aborts the start');
  t.match(await run('start', { step: '5' }), { execRc: 0, opStatus: 0 });
  t.match(await run('monitor', { step: '5' }), { execRc: 0, output: 'count=5' });
  t.match(await run('monitor', { step: '5' }), { execRc: 0, output: 'count=10' });
  t.match(await run('monitor', { step: 'x' }), { execRc: 6, exitReason: /step/ });
  t.match(await run('meta-data'), { execRc: 0, output: /<resource-agent name="Counter"/ });
  t.match(await run('stop'), { execRc: 0 });
  t.match(await run('monitor'), { execRc: 7 });
  client.close();

  child.kill('SIGINT');
  t.equal(await exit, 0);
  t.notOk(existsSync(dirname(keyFile)), 'key directory removed');
});
