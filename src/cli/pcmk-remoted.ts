#!/usr/bin/env node
/**
 * The `pcmk-remoted` executable: binds the daemon program (remoted/program.ts)
 * to the process — streams, environment, signals, exit status.
 */
import { relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createRemoteDaemon } from '../server/daemon.js';
import { runRemoted } from './remoted/program.js';

// Nobody reading standard output must not stop the daemon.
process.stdout.on('error', () => {});

// SIGTERM or SIGINT: shut down cleanly. A repeat within a second is the same
// event seen twice (terminal process group plus `npm start` forwarding it);
// a later one means "now".
const stop = new AbortController();
let firstAt = 0;
const onSignal = (name: NodeJS.Signals): void => {
  if (!stop.signal.aborted) {
    firstAt = Date.now();
    stop.abort(name);
  } else if (Date.now() - firstAt > 1000) {
    process.exit(name === 'SIGINT' ? 130 : 143);
  }
};
process.on('SIGTERM', onSignal);
process.on('SIGINT', onSignal);

// Run from the sources (tsx), the hint names the client's source file too.
const fromSource = import.meta.url.endsWith('.ts');
const clientCommand = fromSource ? `npx tsx ${relative(process.cwd(), fileURLToPath(new URL('./pcmk-remote.ts', import.meta.url)))}` : 'pcmk-remote';

const code = await runRemoted(process.argv.slice(2), {
  env: process.env,
  out: (l) => process.stdout.write(l + '\n'),
  err: (l) => process.stderr.write(l + '\n'),
  createDaemon: createRemoteDaemon,
  signal: stop.signal,
  clientCommand,
  onLogFile: (reopen) => process.on('SIGHUP', reopen),
});
process.exitCode = code;
process.off('SIGTERM', onSignal);
process.off('SIGINT', onSignal);
// Everything is closed; a handle left open by mistake must not keep a stopped daemon alive.
setTimeout(() => process.exit(code), 2000).unref();
