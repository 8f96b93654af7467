// A one-node corosync + Pacemaker 2.1.5 cluster in a namespace of its own.
// Its state lives in the run's directory, bound over /var/lib/pacemaker inside
// the namespace's private mounts (Pacemaker 2.1.5 has no variable for the CIB
// or scheduler directories); /dev/shm is a private tmpfs (libqb's rings);
// corosync keeps state in `system.state_dir`; the log goes to PCMK_logfile.
import { chmodSync, chownSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { PROVIDER, counterScript } from './agents.js';
import type { InnerProcess, Namespace } from './netns.js';
import { waitFor } from './proc.js';

export const CLUSTER_NODE = 'e2e-cluster';

/** uid and gid of hacluster:haclient, which run most of Pacemaker's daemons. */
export interface HaIds {
  readonly uid: number;
  readonly gid: number;
}

/** Writes the cluster's files under `dir`; returns the paths the daemons use. */
export function writeClusterFiles(dir: string, ids: HaIds, logDir: string): { corosyncConf: string; pacemakerLog: string; corosyncLog: string } {
  const lib = join(dir, 'lib');
  for (const d of ['cib', 'pengine', 'blackbox', 'cores']) {
    mkdirSync(join(lib, d), { recursive: true, mode: 0o750 });
    chownSync(join(lib, d), ids.uid, ids.gid);
  }
  mkdirSync(join(dir, 'corosync'), { recursive: true });
  const corosyncLog = join(logDir, 'corosync.log');
  const pacemakerLog = join(logDir, 'pacemaker.log');
  writeFileSync(pacemakerLog, '');
  chownSync(pacemakerLog, ids.uid, ids.gid);
  const corosyncConf = join(dir, 'corosync.conf');
  writeFileSync(
    corosyncConf,
    `totem {
  version: 2
  cluster_name: pcmk-e2e
  crypto_cipher: none
  crypto_hash: none
  transport: knet
}
logging {
  to_stderr: no
  to_syslog: no
  to_logfile: yes
  logfile: ${corosyncLog}
  timestamp: hires
}
quorum {
  provider: corosync_votequorum
}
nodelist {
  node {
    name: ${CLUSTER_NODE}
    nodeid: 1
    ring0_addr: 127.0.0.1
  }
}
system {
  state_dir: ${join(dir, 'corosync')}
}
`,
  );
  // The first CIB: no fencing, a short election wait (the default dc-deadtime
  // of 20 s would dominate the run).
  const cib = join(lib, 'cib', 'cib.xml');
  writeFileSync(
    cib,
    `<cib validate-with="pacemaker-3.9" epoch="1" num_updates="0" admin_epoch="0">
  <configuration>
    <crm_config>
      <cluster_property_set id="cib-bootstrap-options">
        <nvpair id="opt-stonith-enabled" name="stonith-enabled" value="false"/>
        <nvpair id="opt-dc-deadtime" name="dc-deadtime" value="1s"/>
        <nvpair id="opt-recheck" name="cluster-recheck-interval" value="1min"/>
        <nvpair id="opt-load-threshold" name="load-threshold" value="1000%"/>
      </cluster_property_set>
    </crm_config>
    <nodes/>
    <resources/>
    <constraints/>
  </configuration>
  <status/>
</cib>
`,
    { mode: 0o600 },
  );
  chownSync(cib, ids.uid, ids.gid);
  return { corosyncConf, pacemakerLog, corosyncLog };
}

/**
 * Shell commands (run inside a namespace with private mounts) that put the
 * test's OCF provider beside the installed ones: a directory of bind mounts of
 * every installed provider plus ours, bound over /usr/lib/ocf/resource.d.
 */
export function ocfOverlayScript(dir: string): string {
  const overlay = join(dir, 'resource.d');
  mkdirSync(join(overlay, PROVIDER), { recursive: true });
  writeFileSync(join(overlay, PROVIDER, 'Counter'), counterScript());
  chmodSync(join(overlay, PROVIDER, 'Counter'), 0o755);
  const lines = ['set -e'];
  for (const p of readdirSync('/usr/lib/ocf/resource.d')) {
    if (p === PROVIDER) continue;
    mkdirSync(join(overlay, p), { recursive: true });
    lines.push(`mount --bind /usr/lib/ocf/resource.d/${p} ${join(overlay, p)}`);
  }
  // Recursive: the providers' bind mounts come along.
  lines.push(`mount --rbind ${overlay} /usr/lib/ocf/resource.d`);
  return lines.join('\n');
}

/** The running cluster. */
export class Cluster {
  corosync?: InnerProcess;
  pacemakerd?: InnerProcess;

  constructor(
    readonly ns: Namespace,
    readonly dir: string,
    readonly files: { corosyncConf: string; pacemakerLog: string; corosyncLog: string },
    readonly authkey: string,
    readonly logDir: string,
    readonly controllerDebug: boolean,
  ) {}

  /** Binds the state directories and the OCF overlay inside the namespace. */
  async prepareMounts(): Promise<void> {
    await this.ns.must([
      'sh',
      '-c',
      [`mount --bind ${join(this.dir, 'lib')} /var/lib/pacemaker`, 'mount -t tmpfs -o mode=1777 tmpfs /dev/shm', ocfOverlayScript(this.dir)].join('\n'),
    ]);
  }

  /** Starts corosync, waits for its CMAP, starts pacemakerd; resolves once a DC with quorum exists. */
  async start(timeoutMs: number): Promise<void> {
    this.corosync = await this.ns.start(['corosync', '-f', '-c', this.files.corosyncConf], join(this.logDir, 'corosync.out'));
    await waitFor('corosync to answer', async () => (await this.ns.run(['corosync-cmapctl', '-g', 'runtime.votequorum.this_node_id'], { timeoutMs: 3000 })).code === 0, 10_000, 100);
    this.pacemakerd = await this.ns.start(['pacemakerd', '-f'], join(this.logDir, 'pacemakerd.out'), {
      PCMK_logfile: this.files.pacemakerLog,
      PCMK_logfacility: 'none',
      PCMK_authkey_location: this.authkey,
      ...(this.controllerDebug ? { PCMK_debug: 'pacemaker-controld' } : {}),
    });
    await waitFor('a DC with quorum', async () => {
      const x = await this.monXml();
      return x !== undefined && /<current_dc present="true"[^>]*with_quorum="true"/.test(x) && nodeAttr(x, CLUSTER_NODE, 'online') === 'true';
    }, timeoutMs, 200);
  }

  /** `crm_mon -1 --output-as=xml` (with operation history), or undefined when it fails. */
  async monXml(extra: string[] = []): Promise<string | undefined> {
    const r = await this.ns.run(['crm_mon', '-1', '--output-as=xml', ...extra], { timeoutMs: 10_000 });
    return r.code === 0 ? r.stdout : undefined;
  }

  /** Runs a cluster tool inside the namespace; throws unless it exits 0. */
  tool(argv: string[], input?: string): Promise<string> {
    return this.ns.must(argv, { timeoutMs: 20_000, ...(input !== undefined ? { input } : {}) });
  }

  /** Adds XML to a CIB section (`resources`, `constraints`). */
  async create(section: string, xml: string): Promise<void> {
    await this.tool(['cibadmin', '--create', '-o', section, '--xml-text', xml]);
  }
}

/** An attribute of `<node name=NAME ...>` in crm_mon XML. */
export function nodeAttr(xml: string, name: string, attr: string): string | undefined {
  const m = new RegExp(`<node name="${name}"[^>]*>`).exec(xml.slice(xml.indexOf('<nodes>')));
  return m ? new RegExp(`\\s${attr}="([^"]*)"`).exec(m[0])?.[1] : undefined;
}

/** State of a primitive in crm_mon XML: role, failed flag, node it runs on. */
export interface ResourceState {
  readonly role: string;
  readonly failed: boolean;
  readonly active: boolean;
  readonly node?: string;
}

export function resourceState(xml: string, id: string): ResourceState | undefined {
  const m = new RegExp(`<resource id="${id}"([^>]*?)(/>|>([\\s\\S]*?)</resource>)`).exec(xml);
  if (!m) return undefined;
  const attrs = m[1]!;
  const node = m[3] ? /<node name="([^"]*)"/.exec(m[3])?.[1] : undefined;
  return {
    role: /\srole="([^"]*)"/.exec(attrs)?.[1] ?? '?',
    failed: /\sfailed="true"/.test(attrs),
    active: /\sactive="true"/.test(attrs),
    ...(node !== undefined ? { node } : {}),
  };
}

/** Operation history entries (`crm_mon --include=operations`) of one resource on one node. */
export function operationHistory(xml: string, node: string, rsc: string): { task: string; rc: string; interval?: string; call: string }[] {
  const nodeBlock = new RegExp(`<node name="${node}">([\\s\\S]*?)</node>`).exec(xml.slice(xml.indexOf('<node_history>')))?.[1] ?? '';
  const rscBlock = new RegExp(`<resource_history id="${rsc}"[^>]*>([\\s\\S]*?)</resource_history>`).exec(nodeBlock)?.[1] ?? '';
  return [...rscBlock.matchAll(/<operation_history ([^>]*)\/>/g)].map((m) => {
    const a = (k: string): string | undefined => new RegExp(`\\b${k}="([^"]*)"`).exec(m[1]!)?.[1];
    return { task: a('task') ?? '?', rc: a('rc') ?? '?', call: a('call') ?? '?', ...(a('interval') ? { interval: a('interval')! } : {}) };
  });
}
