#!/usr/bin/env node
/**
 * The `pcmk-remote` executable: binds the command tree (program.ts) to the
 * process — standard streams, environment, SIGINT, exit status.
 */
import { connectClient } from '../client/connect.js';
import { ExitCode } from './exit-codes.js';
import { runCli } from './program.js';

// A reader that stops early (`| head`) is not an error.
process.stdout.on('error', (err: NodeJS.ErrnoException) => {
  if (err.code === 'EPIPE') process.exit(process.exitCode ?? 0);
  throw err;
});

// First SIGINT: let the command finish cleanly (watch exits 0); second: leave now.
const interrupt = new AbortController();
const onSigint = (): void => {
  if (interrupt.signal.aborted) process.exit(ExitCode.Interrupted);
  interrupt.abort();
};
process.on('SIGINT', onSigint);

process.exitCode = await runCli(process.argv.slice(2), {
  connect: connectClient,
  env: process.env,
  signal: interrupt.signal,
  input: process.stdin,
  out: (l) => process.stdout.write(l + '\n'),
  err: (l) => process.stderr.write(l + '\n'),
});
// The command is over: a SIGINT from now on ends the process as usual.
process.off('SIGINT', onSigint);
