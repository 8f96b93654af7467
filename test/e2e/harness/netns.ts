// Namespaces of the end-to-end harness. Each one is held by
// `unshare --net --mount --uts --pid --fork --kill-child --mount-proc sleep infinity`:
// private network (its own loopback, ports and libqb abstract sockets), private
// mounts (state directories bound over /var/lib/pacemaker and friends without
// touching the shared filesystem), its own host name and PID space. Killing
// the holder kills its `sleep` (PID 1 inside), and the kernel then kills every
// process left in the namespace: nothing outlives the teardown.
import { fileURLToPath } from 'node:url';
import { background, childrenOf, must, pidAlive, run, signalPid, sleep, waitFor, type Background, type RunResult } from './proc.js';

// nsenter -m starts in /; the repository is where tsx and relative paths resolve.
const repoDir = fileURLToPath(new URL('../../../', import.meta.url));

export class Namespace {
  constructor(
    readonly name: string,
    /** The unshare process (outside). */
    readonly holderPid: number,
    /** PID 1 of the namespace, as seen from outside. */
    readonly innerPid: number,
  ) {}

  /** The nsenter prefix that runs a command inside. */
  enter(): string[] {
    return ['nsenter', '-t', String(this.innerPid), '-n', '-m', '-u', '-p', `--wd=${repoDir}`, '--'];
  }

  run(argv: readonly string[], options: { timeoutMs?: number; env?: Record<string, string>; input?: string } = {}): Promise<RunResult> {
    return run([...this.enter(), ...envArgs(options.env), ...argv], { ...options, env: {} });
  }

  must(argv: readonly string[], options: { timeoutMs?: number; env?: Record<string, string>; input?: string } = {}): Promise<string> {
    return must([...this.enter(), ...envArgs(options.env), ...argv], { ...options, env: {} });
  }

  /**
   * Starts a long-lived process inside; resolves once it runs, with the PID
   * of the process itself (nsenter forks for the PID namespace).
   */
  async start(argv: readonly string[], outFile: string, env: Record<string, string> = {}): Promise<InnerProcess> {
    const outer = background([...this.enter(), ...envArgs(env), ...argv], outFile);
    const pid = await waitFor(`${argv[0]} to start in ${this.name}`, () => childrenOf(outer.pid)[0] ?? (outer.alive() ? undefined : -1), 5000, 10);
    if (pid < 0) throw new Error(`${argv.join(' ')} did not start in ${this.name} (see ${outFile})`);
    return { pid, outer };
  }

  /** Kills the namespace and everything in it. */
  async destroy(): Promise<void> {
    signalPid(this.innerPid, 'SIGKILL');
    signalPid(this.holderPid, 'SIGKILL');
    await waitFor(`namespace ${this.name} to end`, () => !pidAlive(this.innerPid) && !pidAlive(this.holderPid), 5000, 20).catch(() => undefined);
  }
}

/** A process started in a namespace: its own PID and the nsenter around it. */
export interface InnerProcess {
  readonly pid: number;
  readonly outer: Background;
}

function envArgs(env: Record<string, string> | undefined): string[] {
  const entries = Object.entries(env ?? {});
  return entries.length === 0 ? [] : ['env', ...entries.map(([k, v]) => `${k}=${v}`)];
}

/** Creates a namespace and brings its loopback up; `hostname` names it (UTS). */
export async function createNamespace(name: string, hostname: string, logFile: string, register: (pid: number) => void): Promise<Namespace> {
  const holder = background(['unshare', '--net', '--mount', '--uts', '--pid', '--fork', '--kill-child', '--mount-proc', '--propagation', 'private', 'sleep', 'infinity'], logFile);
  register(holder.pid);
  const inner = await waitFor(`namespace ${name}`, () => childrenOf(holder.pid)[0] ?? (holder.alive() ? undefined : -1), 5000, 10);
  if (inner < 0) throw new Error(`unshare failed for namespace ${name} (see ${logFile})`);
  const ns = new Namespace(name, holder.pid, inner);
  // The child is forked before unshare execs sleep; wait until it is sleep.
  await sleep(20);
  await ns.must(['sh', '-c', `hostname ${hostname} && ip link set lo up`]);
  return ns;
}

/** Joins two namespaces by a veth pair: `a` gets `addrA`/30, `b` gets `addrB`/30. */
export async function connectVeth(a: Namespace, ifA: string, addrA: string, b: Namespace, ifB: string, addrB: string): Promise<void> {
  await must(['ip', 'link', 'add', ifA, 'netns', String(a.innerPid), 'type', 'veth', 'peer', 'name', ifB, 'netns', String(b.innerPid)]);
  await a.must(['sh', '-c', `ip addr add ${addrA}/30 dev ${ifA} && ip link set ${ifA} up`]);
  await b.must(['sh', '-c', `ip addr add ${addrB}/30 dev ${ifB} && ip link set ${ifB} up`]);
}
