/**
 * The `pcmk-remote` command tree. {@link runCli} parses an argument list,
 * runs one command with injected I/O and connect function, and resolves
 * with the exit status; the executable (pcmk-remote.ts) only binds it to
 * the process.
 */
import { Command, CommanderError, InvalidArgumentError, Option } from 'commander';
import { parseConnectionOptions, TLS_ENGINE_HELP, type RawConnectionOptions } from './client-options.js';
import { runAlert } from './commands/alert.js';
import { runCommand, type CommandContext, type ConnectFn } from './commands/context.js';
import { runExec, type ExecCommandArgs } from './commands/exec.js';
import { runPoke } from './commands/poke.js';
import { runCancel, runRecurring } from './commands/recurring.js';
import { runInfo, runRegister, runUnregister } from './commands/resource.js';
import { runWatch } from './commands/watch.js';
import { runDecode } from './decode.js';
import { ExitCode } from './exit-codes.js';
import type { Output } from './output.js';

/** What {@link runCli} binds the commands to. */
export interface CliDeps extends Output {
  readonly connect: ConnectFn;
  readonly env: NodeJS.ProcessEnv;
  /** Fires on SIGINT: `watch` ends with 0, other commands with 130. */
  readonly signal?: AbortSignal;
  /** Standard input, for `decode`. */
  readonly input: AsyncIterable<Uint8Array | string>;
}

const exitCodesHelp = `
Options before the command apply to every command; --host, --port, --authkey
and --json may also follow it. After exec and alert, --timeout is the agent's
timeout; the request limit is then given before the command.

Exit status: 0 done (an agent result such as rc 7 included), 1 refused by the
peer or failed, 2 usage, 3 connection or authentication failure, 4 timeout,
130 interrupted.`;

const collect = (v: string, acc: string[] = []): string[] => [...acc, v];

function connectionOptions(cmd: Command, requestTimeout: boolean): Command {
  cmd
    .option('--host <host>', 'executor host (default 127.0.0.1)')
    .option('--port <port>', 'TCP port (default PCMK_remote_port, else 3121)')
    .option('--authkey <file>', 'PSK key file (default PCMK_authkey_location, /etc/pacemaker/authkey, /etc/corosync/authkey)')
    .option('--tls-engine <engine>', TLS_ENGINE_HELP)
    .option('--json', 'print JSON');
  if (requestTimeout) cmd.option('--timeout <ms>', 'limit of connecting and of each reply (default 10000; 0 = none)');
  return cmd;
}

function lines(write: (line: string) => void): (text: string) => void {
  return (text) => {
    for (const l of text.replace(/\n$/, '').split('\n')) write(l);
  };
}

/** Parse `argv` (arguments only, no node/script), run the command, return its exit status. */
export async function runCli(argv: readonly string[], deps: CliDeps): Promise<number> {
  let status: number = ExitCode.Ok;
  const program = new Command()
    .name('pcmk-remote')
    .description('Pacemaker Remote protocol tools')
    .enablePositionalOptions()
    .exitOverride()
    .configureOutput({
      writeOut: lines(deps.out),
      writeErr: lines(deps.err),
      // Commander's own errors (unknown command, missing argument) look like ours.
      outputError: (text) => deps.err(`pcmk-remote: USAGE: ${text.trim().replace(/^error: /, '')}`),
    })
    .addHelpText('after', exitCodesHelp);
  connectionOptions(program, true);

  const ctx = (cmd: Command): CommandContext => {
    const global = program.opts<RawConnectionOptions>();
    const own = cmd.opts<RawConnectionOptions & { timeout?: string }>();
    // After exec/alert, --timeout is the agent's: keep only the global one.
    const local = cmd.name() === 'exec' || cmd.name() === 'alert' ? { ...own, timeout: undefined } : own;
    return {
      connect: deps.connect,
      connection: parseConnectionOptions(global, local),
      env: deps.env,
      out: deps.out,
      err: deps.err,
      ...(deps.signal ? { signal: deps.signal } : {}),
    };
  };
  // Connection options are checked here; a bad one is reported like a command error.
  const act = async (cmd: Command, fn: (c: CommandContext) => Promise<number>): Promise<void> => {
    let c: CommandContext;
    try {
      c = ctx(cmd);
    } catch (err) {
      status = await runCommand(deps, () => Promise.reject(err));
      return;
    }
    status = await fn(c);
  };

  connectionOptions(program.command('poke').description('check that the executor answers (lrmd_rsc_poke)'), true).action((_o, cmd: Command) =>
    act(cmd, (c) => runPoke(c)),
  );

  connectionOptions(program.command('info').argument('<rsc>').description('show the definition of a resource'), true).action(
    (rscId: string, _o, cmd: Command) => act(cmd, (c) => runInfo({ rscId }, c)),
  );

  connectionOptions(
    program
      .command('register')
      .argument('<rsc>')
      .argument('<agent>', 'CLASS:[PROVIDER:]TYPE, e.g. ocf:pacemaker:Dummy')
      .option('--drop-recurring', 'cancel its recurring actions when the last client disconnects')
      .description('define a resource'),
    true,
  ).action((rscId: string, agent: string, o: { dropRecurring?: boolean }, cmd: Command) =>
    act(cmd, (c) => runRegister({ rscId, agent, dropRecurring: o.dropRecurring ?? false }, c)),
  );

  connectionOptions(program.command('unregister').argument('<rsc>').description('remove a resource definition'), true).action(
    (rscId: string, _o, cmd: Command) => act(cmd, (c) => runUnregister({ rscId }, c)),
  );

  connectionOptions(
    program
      .command('exec')
      .argument('<rsc>')
      .argument('<action>', 'start, stop, monitor, …')
      .option('--interval <ms>', 'repeat every MS (recurring action); default 0 = once')
      .option('--timeout <ms>', "agent's time limit (default 20000; 0 = none)")
      .option('--start-delay <ms>', 'wait this long before running')
      .addOption(new Option('--param <name=value>', 'agent parameter (repeatable)').argParser(collect))
      .option('--wait', 'wait for the result and print it')
      .option('--wait-timeout <ms>', 'limit of --wait (default start delay + agent timeout + request limit)')
      .description('run an action of a resource'),
    false,
  ).action((rscId: string, action: string, o: Omit<ExecCommandArgs, 'rscId' | 'action'>, cmd: Command) =>
    act(cmd, (c) => runExec({ ...o, rscId, action }, c)),
  );

  connectionOptions(
    program.command('cancel').argument('<rsc>').argument('<action>').argument('<interval>', 'ms, as given to exec').description('cancel a recurring or queued action'),
    true,
  ).action((rscId: string, action: string, interval: string, _o, cmd: Command) => act(cmd, (c) => runCancel({ rscId, action, interval }, c)));

  connectionOptions(program.command('recurring').argument('[rsc]').description('list recurring actions (of one resource or all)'), true).action(
    (rscId: string | undefined, _o, cmd: Command) => act(cmd, (c) => runRecurring(rscId !== undefined ? { rscId } : {}, c)),
  );

  connectionOptions(
    program
      .command('alert')
      .argument('<id>')
      .argument('<path>', 'alert agent on the executor host')
      .addOption(new Option('--param <name=value>', 'environment variable for the agent (repeatable)').argParser(collect))
      .option('--timeout <ms>', "agent's time limit (default 30000)")
      .description('run an alert agent once'),
    false,
  ).action((alertId: string, alertPath: string, o: { param?: string[]; timeout?: string }, cmd: Command) =>
    act(cmd, (c) => runAlert({ alertId, alertPath, ...o }, c)),
  );

  connectionOptions(program.command('watch').description('print notifications until interrupted'), true).action((_o, cmd: Command) =>
    act(cmd, (c) => runWatch(c)),
  );

  connectionOptions(
    program
      .command('provide')
      .requiredOption('--cib <file>', 'seed CIB (XML) of the in-memory backend')
      .option('--node <name>', "the remote node's cluster name (default this host's short name)")
      .option('--verbose', 'log one line per session and request')
      .option('--refuse-shutdown', "answer the node's shutdown request with shutdown_nack")
      .description("serve the remote node's tools as IPC provider until interrupted"),
    true,
  ).action((o: { cib: string; node?: string; verbose?: boolean; refuseShutdown?: boolean }, cmd: Command) =>
    act(cmd, async (c) => (await import('./commands/provide.js')).runProvide(o, c)),
  );

  // attr / cib: through the local daemon's bridge (§8.13), not over TLS.
  const bridgeDeps = { env: deps.env, out: deps.out, err: deps.err, ...(deps.signal ? { signal: deps.signal } : {}) };
  const bridgeOptions = (cmd: Command): Command =>
    cmd
      .option('--bridge <path>', 'daemon bridge socket (default PCMK_REMOTE_BRIDGE, else /run/pcmk-remote/bridge.sock)')
      .option('--timeout <ms>', 'limit of each exchange with the cluster (default the daemon\'s, 30000)')
      .option('--json', 'print JSON');
  const attr = program.command('attr').description('node attributes of this remote node, through the local daemon');
  bridgeOptions(
    attr
      .command('set')
      .argument('<name>')
      .argument('<value>')
      .option('--lifetime <lifetime>', 'reboot (default) or forever')
      .option('--node <name>', 'node name (default OCF_RESKEY_CRM_meta_on_node; reboot: the cluster fills it in)')
      .description('set a node attribute'),
  ).action(async (name: string, value: string, o: import('./commands/attr.js').AttrOptions) => {
    status = await (await import('./commands/attr.js')).runAttrSet({ ...o, name, value }, bridgeDeps);
  });
  bridgeOptions(
    attr
      .command('get')
      .argument('<name>')
      .option('--lifetime <lifetime>', 'reboot (default) or forever')
      .option('--node <name>', 'node name (default OCF_RESKEY_CRM_meta_on_node, else this node as the cluster names it)')
      .option('--all', "every node's value (transient attributes)")
      .description('print a node attribute'),
  ).action(async (name: string, o: import('./commands/attr.js').AttrOptions) => {
    status = await (await import('./commands/attr.js')).runAttrGet({ ...o, name }, bridgeDeps);
  });
  bridgeOptions(attr.command('delete').argument('<name>').option('--node <name>', 'node name').description('remove a transient node attribute')).action(
    async (name: string, o: import('./commands/attr.js').AttrOptions) => {
      status = await (await import('./commands/attr.js')).runAttrDelete({ ...o, name }, bridgeDeps);
    },
  );
  bridgeOptions(
    program.command('cib').description("the cluster's CIB, through the local daemon").command('query').argument('[xpath]').description('print the CIB or what XPATH selects'),
  ).action(async (xpath: string | undefined, o: import('./commands/attr.js').BridgeCommandOptions) => {
    status = await (await import('./commands/cib.js')).runCibQuery({ ...o, ...(xpath !== undefined ? { xpath } : {}) }, bridgeDeps);
  });
  bridgeOptions(program.command('node').description('this remote node, through the local daemon').command('name').description("print this node's cluster name, as crm_node -n")).action(
    async (o: import('./commands/attr.js').BridgeCommandOptions) => {
      status = await (await import('./commands/attr.js')).runNodeName(o, bridgeDeps);
    },
  );

  program
    .command('decode')
    .description('decode raw frames from stdin and print one JSON object per message')
    .option('--hex', 'stdin is hex text (whitespace, 0x and : ignored)')
    .option('--header', 'include each frame header')
    .option('--legacy-escapes', "unescape Pacemaker 2.1.5's \\n convention in agent output")
    .option('--max-frame-size <bytes>', 'largest frame accepted (default 20 MiB)', positiveInt)
    .action(async (opts: { hex?: boolean; header?: boolean; legacyEscapes?: boolean; maxFrameSize?: number }) => {
      status = await runDecode(opts, { input: deps.input, out: deps.out, err: deps.err });
    });

  try {
    await program.parseAsync(argv, { from: 'user' });
  } catch (err) {
    if (err instanceof CommanderError) return err.exitCode === 0 ? ExitCode.Ok : ExitCode.Usage;
    throw err;
  }
  return status;
}

function positiveInt(v: string): number {
  const n = Number(v);
  if (!Number.isSafeInteger(n) || n <= 0) throw new InvalidArgumentError('expected a positive integer');
  return n;
}
