#!/usr/bin/env node
/**
 * The `pcmk-remote` command line. Subcommands live in their own files.
 */
import { Command, InvalidArgumentError } from 'commander';
import { runDecode } from './decode.js';

const positiveInt = (v: string): number => {
  const n = Number(v);
  if (!Number.isSafeInteger(n) || n <= 0) throw new InvalidArgumentError('expected a positive integer');
  return n;
};

// A reader that stops early (`| head`) is not an error.
process.stdout.on('error', (err: NodeJS.ErrnoException) => {
  if (err.code === 'EPIPE') process.exit(process.exitCode ?? 0);
  throw err;
});

const program = new Command()
  .name('pcmk-remote')
  .description('Pacemaker Remote protocol tools')
  .showHelpAfterError();

program
  .command('decode')
  .description('decode raw frames from stdin and print one JSON object per message')
  .option('--hex', 'stdin is hex text (whitespace, 0x and : ignored)')
  .option('--header', 'include each frame header')
  .option('--legacy-escapes', "unescape Pacemaker 2.1.5's \\n convention in agent output")
  .option('--max-frame-size <bytes>', 'largest frame accepted (default 20 MiB)', positiveInt)
  .action(async (opts: { hex?: boolean; header?: boolean; legacyEscapes?: boolean; maxFrameSize?: number }) => {
    process.exitCode = await runDecode(opts, {
      input: process.stdin,
      out: (l) => process.stdout.write(l + '\n'),
      err: (l) => process.stderr.write(l + '\n'),
    });
  });

await program.parseAsync(process.argv);
