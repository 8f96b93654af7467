// The remote node's daemon, in its own namespace: ours (pcmk-remoted from the
// sources, with the test's in-process agents) or the real pacemaker-remoted
// 2.1.5 from .deps (control run). Both listen on the namespace's veth address.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ocfOverlayScript } from './cluster.js';
import type { InnerProcess, Namespace } from './netns.js';
import { pidAlive, signalPid, waitFor } from './proc.js';

export type RemoteKind = 'ours' | 'real';

export const repo = fileURLToPath(new URL('../../../', import.meta.url));
export const realRemoted = join(repo, '.deps/pacemaker-remote/usr/sbin/pacemaker-remoted');
const harnessDir = fileURLToPath(new URL('./', import.meta.url));

export interface RemoteDaemonFiles {
  /** Our daemon's pino log, or the real daemon's log. */
  readonly log: string;
  /** Standard output and error. */
  readonly out: string;
}

/** One daemon process on the remote node; restartable. */
export class RemoteNodeDaemon {
  proc?: InnerProcess;
  starts = 0;

  constructor(
    readonly kind: RemoteKind,
    readonly ns: Namespace,
    readonly address: string,
    readonly authkey: string,
    readonly dir: string,
    readonly files: RemoteDaemonFiles,
  ) {}

  /** Private /dev/shm; for the real daemon the test's OCF agent (ours has it in process), for ours a private /run/pcmk-remote. */
  async prepareMounts(): Promise<void> {
    const lines = ['mount -t tmpfs -o mode=1777 tmpfs /dev/shm'];
    if (this.kind === 'real') lines.push(ocfOverlayScript(this.dir));
    // Our daemon's local IPC bridge socket lives in /run/pcmk-remote: keep it in this namespace.
    else lines.push('mkdir -p /run/pcmk-remote', 'mount -t tmpfs -o mode=0755 tmpfs /run/pcmk-remote');
    await this.ns.must(['sh', '-c', lines.join('\n')]);
  }

  /** Starts the daemon and waits until it accepts connections. */
  async start(timeoutMs = 60_000): Promise<number> {
    const t0 = performance.now();
    this.starts++;
    if (this.kind === 'ours') {
      this.proc = await this.ns.start(
        [
          process.execPath,
          '--import',
          'tsx',
          join(repo, 'src/cli/pcmk-remoted.ts'),
          '--address',
          this.address,
          '--authkey',
          this.authkey,
          '--log-level',
          'debug',
          '--log-file',
          this.files.log,
          '--agents',
          join(harnessDir, 'agents.ts'),
        ],
        this.files.out,
      );
    } else {
      this.proc = await this.ns.start([realRemoted], this.files.out, {
        PCMK_authkey_location: this.authkey,
        PCMK_logfile: this.files.log,
        PCMK_logfacility: 'none',
        PCMK_debug: 'yes',
        // The resource and action of each exec request (see sequences.ts).
        PCMK_trace_functions: 'schedule_lrmd_cmd',
        PCMK_remote_address: this.address,
      });
    }
    const pid = this.proc.pid;
    // The real daemon generates DH parameters first: wait for the port, not a fixed time.
    await waitFor(`${this.kind} daemon to listen on ${this.address}:3121`, async () => {
      if (!pidAlive(pid)) throw new Error(`${this.kind} daemon exited at start (see ${this.files.out})`);
      const r = await this.ns.run(['ss', '-Hltn', 'sport = :3121'], { timeoutMs: 3000 });
      return r.code === 0 && r.stdout.trim() !== '';
    }, timeoutMs, 50);
    return performance.now() - t0;
  }

  get pid(): number | undefined {
    return this.proc?.pid;
  }

  /** Sends a signal to the daemon itself. */
  signal(sig: NodeJS.Signals): boolean {
    return this.pid !== undefined && signalPid(this.pid, sig);
  }

  /** Resolves when the daemon's process is gone (polling /proc; it is not our child). */
  async gone(timeoutMs: number): Promise<number> {
    const pid = this.pid;
    const t0 = performance.now();
    if (pid !== undefined) await waitFor(`${this.kind} daemon (PID ${pid}) to exit`, () => !pidAlive(pid), timeoutMs, 20);
    return performance.now() - t0;
  }
}

/** What is missing for `kind` on this machine, or false. */
export function missingFor(kind: RemoteKind): string | false {
  const miss: string[] = [];
  if (process.getuid?.() !== 0) miss.push('root');
  for (const bin of ['/usr/sbin/corosync', '/usr/sbin/pacemakerd', '/usr/sbin/cibadmin', '/usr/sbin/crm_mon', '/usr/sbin/crm_resource', '/usr/sbin/attrd_updater', '/usr/bin/unshare', '/usr/bin/nsenter', '/usr/bin/ss', '/usr/lib/ocf/resource.d/pacemaker/Dummy']) {
    if (!existsSync(bin) && !existsSync(bin.replace('/usr/bin/', '/bin/'))) miss.push(bin);
  }
  if (kind === 'real' && !existsSync(realRemoted)) miss.push('the pacemaker-remote daemon (.deps)');
  return miss.length ? `missing ${miss.join(', ')} (run scripts/install-debian-deps.sh as root)` : false;
}
