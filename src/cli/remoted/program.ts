/**
 * The `pcmk-remoted` program: parses the command line, sets up logging and
 * credentials, starts the daemon and the optional status endpoint, prints
 * one line once listening, and closes everything when `signal` fires. The
 * executable (../pcmk-remoted.ts) binds it to the process; tests inject a
 * daemon factory.
 */
import { Command, Option, type CommanderError } from 'commander';
import type { DestinationStream } from 'pino';
import { describeStatusAddress, startStatusEndpoint, type StatusEndpoint } from '../../server/status/index.js';
import type { X509Credentials } from '../../transport/x509-tls.js';
import type { PskEngine } from '../../transport/psk-tls.js';
import { TLS_ENGINE_HELP } from '../client-options.js';
import { describeError } from '../exit-codes.js';
import { loadAgentModule, type AgentDefiner, type LoadedAgentModule } from './agent-modules.js';
import { describeCredentials, resolveCredentials, type DaemonCredentials } from './credentials.js';
import { createDaemonLogger, type DaemonLog } from './logger.js';
import { bridgeOf, DEFAULT_DAEMON_PORT, LOG_LEVELS, parseRemotedOptions, type RawRemotedOptions, type RemotedOptions } from './options.js';

/** Exit statuses of `pcmk-remoted`. */
export const RemotedExit = {
  /** Stopped by SIGTERM or SIGINT after a clean shutdown (or `--help`). */
  Ok: 0,
  /** Could not start (no key, address in use, log file, X.509 files) or shutdown failed. */
  Failed: 1,
  /** Bad command line or environment value. */
  Usage: 2,
} as const;
export type RemotedExit = (typeof RemotedExit)[keyof typeof RemotedExit];

/** The logger the daemon receives (pino-compatible). */
export interface DaemonLoggerLike {
  debug(o: object, msg?: string): void;
  info(o: object, msg?: string): void;
  warn(o: object, msg?: string): void;
  error(o: object, msg?: string): void;
}

/** What this program gives the daemon factory: a subset of the daemon's options. */
export interface DaemonStartOptions {
  key?: Uint8Array;
  /** PSK engine (§4.9); absent = auto. */
  engine?: PskEngine;
  x509?: X509Credentials;
  address?: string;
  port?: number;
  env?: NodeJS.ProcessEnv;
  agents?: { ocfRoot?: string };
  logger?: DaemonLoggerLike;
  bridge?: { path: string; optional?: boolean };
  shutdownWaitMs?: number;
  proxy?: { nodeName?: string };
}

/** What this program uses of a daemon. */
export interface DaemonHandle {
  /** Where `--agents` modules define their agents. */
  readonly agents: AgentDefiner;
  listen(): Promise<{ address: string; port: number }>;
  close(): Promise<void>;
  /** Graceful stop through the cluster (§8.9); when absent, `close` alone. */
  shutdown?(): Promise<string>;
  status(): unknown;
  on?(event: 'error', listener: (err: Error) => void): unknown;
}

/** Creates a daemon (`createRemoteDaemon` in the executable). */
export type CreateDaemon = (options: DaemonStartOptions) => Promise<DaemonHandle>;

/** What {@link runRemoted} binds to. */
export interface RemotedDeps {
  readonly env: NodeJS.ProcessEnv;
  /** Standard output: the listening line and help. */
  readonly out: (line: string) => void;
  /** Standard error: start failures, usage errors, the development-key hint. */
  readonly err: (line: string) => void;
  readonly createDaemon: CreateDaemon;
  /** Fires on SIGTERM/SIGINT: close cleanly and resolve with 0. */
  readonly signal: AbortSignal;
  /** How the hint names the client executable; default `pcmk-remote`. */
  readonly clientCommand?: string;
  /** Log here instead of standard error or the log file (tests). */
  readonly logStream?: DestinationStream;
  /** Where relative `--agents` paths start; default the process's working directory. */
  readonly cwd?: string;
  /** Called with the reopen function when logging to a file (the executable binds it to SIGHUP). */
  readonly onLogFile?: (reopen: () => void) => void;
}

const moreHelp = `
Environment (the command line wins):
  PCMK_remote_address, PCMK_remote_port   address and port to listen on
  PCMK_authkey_location                   PSK key file (then /etc/pacemaker/authkey, /etc/corosync/authkey)
  PCMK_ca_file, PCMK_cert_file, PCMK_key_file, PCMK_crl_file
                                          X.509 mode instead of PSK (also HA_*, CIB_*)
  PCMK_debug                              yes/true/1 (or a list naming pacemaker-remoted): log level debug
  PCMK_logfile                            log file ("none": standard error)

  PCMK_REMOTE_BRIDGE                      socket of the local bridge (default /run/pcmk-remote/bridge.sock)

Prints one line on standard output once listening. SIGTERM or SIGINT stops
gracefully: with a cluster connected, the daemon asks it to stop this node's
resources (shutdown_req), stops listening, and exits once the cluster has
disconnected (at most --shutdown-wait, default 25 min) or at once if the
cluster refuses; without one it exits at once. A second signal more than a
second later exits immediately. Exit status: 0 stopped, 1 failed to start,
2 usage.`;

/** Parse `argv` (arguments only), run the daemon until `deps.signal` fires, return the exit status. */
export async function runRemoted(argv: readonly string[], deps: RemotedDeps): Promise<number> {
  let raw: RawRemotedOptions;
  try {
    raw = parseCommandLine(argv, deps);
  } catch (err) {
    // --help ends with exit code 0, anything else commander refuses is usage.
    return (err as CommanderError).exitCode === 0 ? RemotedExit.Ok : RemotedExit.Usage;
  }
  let options: RemotedOptions;
  try {
    options = parseRemotedOptions(raw, deps.env);
  } catch (err) {
    deps.err(`pcmk-remoted: ${describeError(err)}`);
    return RemotedExit.Usage;
  }

  let log: DaemonLog;
  try {
    log = createDaemonLogger({
      level: options.logLevel,
      ...(options.logFile !== undefined ? { file: options.logFile } : {}),
      ...(deps.logStream ? { stream: deps.logStream } : {}),
    });
  } catch (err) {
    deps.err(`pcmk-remoted: cannot open the log file: ${describeError(err)}`);
    return RemotedExit.Failed;
  }
  if (options.logFile !== undefined) deps.onLogFile?.(log.reopen);
  return serve(options, log, deps);
}

/** Commander's part; throws CommanderError for usage errors and after --help. */
function parseCommandLine(argv: readonly string[], deps: RemotedDeps): RawRemotedOptions {
  const program = new Command()
    .name('pcmk-remoted')
    .description('Pacemaker Remote executor daemon (lrmd over TLS)')
    .exitOverride()
    .configureOutput({
      writeOut: (t) => t.replace(/\n$/, '').split('\n').forEach((l) => deps.out(l)),
      writeErr: (t) => t.replace(/\n$/, '').split('\n').forEach((l) => deps.err(l)),
      outputError: (text) => deps.err(`pcmk-remoted: USAGE: ${text.trim().replace(/^error: /, '')}`),
    })
    .option('--address <addr>', 'address to listen on (default PCMK_remote_address, else all)')
    .option('--port <port>', `TCP port, 0 = any free one (default PCMK_remote_port, else ${DEFAULT_DAEMON_PORT})`)
    .option('--authkey <file>', 'PSK key file (default PCMK_authkey_location, /etc/pacemaker/authkey, /etc/corosync/authkey)')
    .option('--tls-engine <engine>', TLS_ENGINE_HELP)
    .option('--dev-key [file]', 'when no key is configured, use FILE (created with a random key if missing) or a temporary key file')
    .addOption(new Option('--log-level <level>', 'log level (default info; debug when PCMK_debug is set)').choices(LOG_LEVELS))
    .option('--log-file <file>', 'append logs to FILE (default PCMK_logfile, else standard error)')
    .option('--status-socket <path>', 'serve GET /status and /healthz over HTTP on this Unix socket (mode 0600)')
    .option('--status-port <port>', 'serve them on 127.0.0.1:PORT instead')
    .option('--ocf-root <dir>', 'OCF_ROOT for ocf agents (default /usr/lib/ocf)')
    .option('--bridge <path>', 'local bridge socket for `pcmk-remote attr`/`cib` (default PCMK_REMOTE_BRIDGE, else /run/pcmk-remote/bridge.sock)')
    .option('--no-bridge', 'do not serve the local bridge')
    .option('--shutdown-wait <ms>', 'longest wait of a graceful shutdown for the cluster (default 1500000 = 25 min; 0 = no limit)')
    .option('--node-name <name>', "this node's name in the cluster, for attribute commands that name no node")
    .addOption(
      new Option('--agents <module>', 'load in-process agents from MODULE: it exports `agents` ({"ocf:acme:Counter": agent, ...}) or `defineAgents(registry)`; repeatable').argParser(
        (v: string, acc: string[] = []) => [...acc, v],
      ),
    )
    .addHelpText('after', moreHelp)
    // An action makes commander refuse stray arguments.
    .action(() => {});
  program.parse(argv, { from: 'user' });
  return program.opts<RawRemotedOptions>();
}

async function serve(options: RemotedOptions, log: DaemonLog, deps: RemotedDeps): Promise<number> {
  const { logger } = log;
  const fail = (what: string, err: unknown): number => {
    deps.err(`pcmk-remoted: ${what}${describeError(err)}`);
    // The line above already went to standard error; repeat it only into a log file.
    if (options.logFile !== undefined || deps.logStream) logger.fatal({ err }, `${what}${describeError(err)}`);
    return RemotedExit.Failed;
  };

  let creds: DaemonCredentials;
  try {
    creds = await resolveCredentials(options, deps.env);
  } catch (err) {
    return fail('cannot start: ', err);
  }
  if (creds.mode === 'psk' && creds.created) logger.info({ keyFile: creds.path }, 'generated a development key');

  // Modules load before anything listens: a broken one stops the start.
  const modules: LoadedAgentModule[] = [];
  try {
    for (const path of options.agentModules ?? []) modules.push(await loadAgentModule(path, deps.cwd));
  } catch (err) {
    await creds.dispose();
    return fail('cannot start: ', err);
  }

  let daemon: DaemonHandle | undefined;
  let status: StatusEndpoint | undefined;
  const cleanup = async (): Promise<void> => {
    await status?.close();
    await daemon?.close();
    await creds.dispose();
  };

  let listening: { address: string; port: number };
  try {
    daemon = await deps.createDaemon({
      ...(creds.mode === 'psk' ? { key: creds.key, ...(options.engine !== undefined ? { engine: options.engine } : {}) } : { x509: creds.x509 }),
      ...(options.address !== undefined ? { address: options.address } : {}),
      port: options.port,
      env: deps.env,
      ...(options.ocfRoot !== undefined ? { agents: { ocfRoot: options.ocfRoot } } : {}),
      ...(bridgeOf(options) !== undefined ? { bridge: bridgeOf(options)! } : {}),
      ...(options.shutdownWaitMs !== undefined ? { shutdownWaitMs: options.shutdownWaitMs } : {}),
      ...(options.nodeName !== undefined ? { proxy: { nodeName: options.nodeName } } : {}),
      logger,
    });
    daemon.on?.('error', (err) => logger.error({ err }, 'daemon error'));
    for (const m of modules) logger.info({ module: m.path, agents: await m.define(daemon.agents) }, 'agents loaded');
    listening = await daemon.listen();
    if (options.status !== undefined) {
      const d = daemon;
      status = await startStatusEndpoint({ ...options.status, source: () => d.status(), onError: (err) => logger.error({ err }, 'status failed') });
    }
  } catch (err) {
    // Standard error gets the one line below, not the daemon's shutdown logs too.
    if (options.logFile === undefined && !deps.logStream) logger.level = 'silent';
    await cleanup().catch(() => {});
    return fail('cannot start: ', err);
  }

  const where = hostPort(listening.address, listening.port);
  const extra = status !== undefined ? `; status ${describeStatusAddress(status.address)}` : '';
  deps.out(`pcmk-remoted listening on ${where} (${describeCredentials(creds)}${extra})`);
  logger.info(
    {
      address: listening.address,
      port: listening.port,
      mode: creds.mode,
      ...(creds.mode === 'psk' ? { keyFile: creds.path } : { caFile: creds.x509.paths.ca }),
      ...(status !== undefined ? { status: describeStatusAddress(status.address) } : {}),
    },
    'ready',
  );
  if (creds.mode === 'psk' && creds.dev) deps.err(`pcmk-remoted: development key ${creds.path}; try: ${clientHint(deps.clientCommand ?? 'pcmk-remote', listening, creds.path)}`);

  await aborted(deps.signal);
  logger.info({ reason: String(deps.signal.reason ?? 'stop') }, 'stop requested');
  try {
    // §8.9: let the cluster stop this node's resources first.
    if (daemon.shutdown) logger.info({ outcome: await daemon.shutdown() }, 'graceful shutdown done');
    await cleanup();
  } catch (err) {
    logger.error({ err }, 'shutdown failed');
    return RemotedExit.Failed;
  }
  logger.info({}, 'stopped');
  return RemotedExit.Ok;
}

function aborted(signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) resolve();
    else signal.addEventListener('abort', () => resolve(), { once: true });
  });
}

/** `127.0.0.1:3121`, `[::]:3121`. */
export function hostPort(address: string, port: number): string {
  return `${address.includes(':') ? `[${address}]` : address}:${port}`;
}

/** The client command that reaches this daemon with this key. */
export function clientHint(command: string, at: { address: string; port: number }, keyPath: string): string {
  const wildcard = at.address === '0.0.0.0' || at.address === '::' || at.address === '127.0.0.1';
  const host = wildcard ? '' : ` --host ${at.address}`;
  const port = at.port === DEFAULT_DAEMON_PORT ? '' : ` --port ${at.port}`;
  const key = /^[\w./-]+$/.test(keyPath) ? keyPath : `'${keyPath.replace(/'/g, `'\\''`)}'`;
  return `${command}${host}${port} --authkey ${key} poke`;
}
