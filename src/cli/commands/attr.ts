/**
 * `pcmk-remote attr set|get|delete`: node attributes through the local
 * daemon's bridge and the IPC proxy (spec/protocol.md §8.12, §8.13). The
 * node defaults to what Pacemaker's tools use on their own: the
 * `OCF_RESKEY_CRM_meta_on_node` of the agent environment (or the physical
 * host for a container's agent with `container_attribute_target=host`).
 */
import { callBridge, resolveBridgePath } from '../../server/bridge/client.js';
import { BridgeOp, type BridgeRequest } from '../../server/bridge/protocol.js';
import { describeError, exitCodeFor, ExitCode, CliError, CliErrorCode } from '../exit-codes.js';
import { toJson, type Output } from '../output.js';

/** What the bridge commands get besides their arguments. */
export interface BridgeCommandContext extends Output {
  readonly env: NodeJS.ProcessEnv;
  readonly signal?: AbortSignal;
}

/** Options shared by `attr` and `cib`. */
export interface BridgeCommandOptions {
  /** `--bridge PATH`; default `PCMK_REMOTE_BRIDGE`, else /run/pcmk-remote/bridge.sock. */
  readonly bridge?: string;
  readonly json?: boolean;
  /** `--timeout MS` of each exchange with the cluster. */
  readonly timeout?: string;
}

/** Exit statuses of bridge and proxy error codes; others follow exit-codes.ts. */
const bridgeExit: Readonly<Record<string, ExitCode>> = {
  BRIDGE_UNAVAILABLE: ExitCode.Connection,
  BRIDGE_CLOSED: ExitCode.Connection,
  BRIDGE_TIMEOUT: ExitCode.Timeout,
  PROXY_NO_PROVIDER: ExitCode.Connection,
  PROXY_PROVIDER_LOST: ExitCode.Connection,
  PROXY_CLOSED: ExitCode.Connection,
  PROXY_TIMEOUT: ExitCode.Timeout,
  PROXY_BAD_ARGUMENT: ExitCode.Usage,
};

/** Run a bridge command body: 0, or one line on stderr and the status for the error's code. */
export async function runBridgeCommand(ctx: BridgeCommandContext, body: () => Promise<void>): Promise<number> {
  try {
    await body();
    return ExitCode.Ok;
  } catch (err) {
    ctx.err(`pcmk-remote: ${describeError(err)}`);
    const c = (err as { code?: unknown }).code;
    return (typeof c === 'string' ? bridgeExit[c] : undefined) ?? exitCodeFor(err);
  }
}

/** Send one request to the bridge named by the options. */
export function bridgeCall(o: BridgeCommandOptions, ctx: BridgeCommandContext, request: Omit<BridgeRequest, 'id' | 'pid' | 'user' | 'timeoutMs'>): Promise<unknown> {
  let timeoutMs: number | undefined;
  if (o.timeout !== undefined) {
    timeoutMs = Number(o.timeout);
    if (!Number.isSafeInteger(timeoutMs) || timeoutMs < 0) throw new CliError(CliErrorCode.Usage, `--timeout: expected milliseconds, got ${o.timeout}`);
  }
  const user = ctx.env.USER ?? ctx.env.LOGNAME;
  return callBridge(
    resolveBridgePath(o.bridge, ctx.env),
    { ...request, pid: process.pid, ...(user ? { user } : {}), ...(timeoutMs !== undefined ? { timeoutMs } : {}) },
    // The daemon limits each exchange; this only guards against a stuck daemon.
    { timeoutMs: timeoutMs === 0 ? 0 : (timeoutMs ?? 30_000) * 3 + 5_000, ...(ctx.signal ? { signal: ctx.signal } : {}) },
  );
}

/** The node an attribute command is for: `--node`, else the agent environment (Pacemaker's pcmk__node_attr_target). */
export function attributeNode(explicit: string | undefined, env: NodeJS.ProcessEnv): string | undefined {
  if (explicit !== undefined && explicit !== '' && explicit.toLowerCase() !== 'localhost' && explicit.toLowerCase() !== 'auto') return explicit;
  const physical = env.OCF_RESKEY_CRM_meta_physical_host;
  if (physical && env.OCF_RESKEY_CRM_meta_container_attribute_target?.toLowerCase() === 'host') return physical;
  return env.OCF_RESKEY_CRM_meta_on_node || undefined;
}

function lifetimeOf(v: string | undefined): 'reboot' | 'forever' | undefined {
  if (v === undefined) return undefined;
  if (v === 'reboot' || v === 'forever') return v;
  throw new CliError(CliErrorCode.Usage, `--lifetime: expected reboot or forever, got ${v}`);
}

export interface AttrOptions extends BridgeCommandOptions {
  readonly lifetime?: string;
  readonly node?: string;
  /** `attr get --all`: every node's transient value. */
  readonly all?: boolean;
}

/** `attr set NAME VALUE`. */
export function runAttrSet(args: { name: string; value: string } & AttrOptions, ctx: BridgeCommandContext): Promise<number> {
  return runBridgeCommand(ctx, async () => {
    const lifetime = lifetimeOf(args.lifetime);
    const node = attributeNode(args.node, ctx.env);
    await bridgeCall(args, ctx, { op: BridgeOp.attrSet, name: args.name, value: args.value, ...(lifetime ? { lifetime } : {}), ...(node ? { node } : {}) });
    if (args.json) ctx.out(toJson({ ok: true, name: args.name, value: args.value, ...(node ? { node } : {}) }));
  });
}

/** `attr delete NAME` (transient values only). */
export function runAttrDelete(args: { name: string } & AttrOptions, ctx: BridgeCommandContext): Promise<number> {
  return runBridgeCommand(ctx, async () => {
    const node = attributeNode(args.node, ctx.env);
    await bridgeCall(args, ctx, { op: BridgeOp.attrDelete, name: args.name, ...(node ? { node } : {}) });
    if (args.json) ctx.out(toJson({ ok: true, name: args.name }));
  });
}

/**
 * `attr get NAME`: one node's value alone: the node given, else the agent
 * environment's, else this node as the cluster names it (the daemon asks,
 * spec §8.12.1), as `crm_attribute -G` on a remote node. `--all`:
 * `NODE=VALUE` per node (as `attrd_updater -Q -A`). An attribute without a
 * value exits 1 (code `NOT_REGISTERED`).
 */
export function runAttrGet(args: { name: string } & AttrOptions, ctx: BridgeCommandContext): Promise<number> {
  return runBridgeCommand(ctx, async () => {
    const lifetime = lifetimeOf(args.lifetime);
    const node = attributeNode(args.node, ctx.env);
    if (!args.all || lifetime === 'forever') {
      const value = (await bridgeCall(args, ctx, { op: BridgeOp.attrGet, name: args.name, ...(lifetime ? { lifetime } : {}), ...(node ? { node } : {}) })) as string | null;
      if (value === null) throw new CliError(CliErrorCode.NotRegistered, `attribute ${args.name} is not set${node ? ` on ${node}` : ''}`);
      ctx.out(args.json ? toJson({ name: args.name, ...(node ? { node } : {}), value }) : value);
      return;
    }
    const values = (await bridgeCall(args, ctx, { op: BridgeOp.attrQuery, name: args.name })) as { node: string; value?: string }[] | null;
    const set = (values ?? []).filter((v) => v.value !== undefined);
    if (set.length === 0) throw new CliError(CliErrorCode.NotRegistered, `attribute ${args.name} is not set`);
    if (args.json) ctx.out(toJson({ name: args.name, values: set }));
    else for (const v of set) ctx.out(`${v.node}=${v.value}`);
  });
}

/**
 * `node name`: this node's cluster name, as `crm_node -n` on a remote
 * node: `OCF_RESKEY_CRM_meta_on_node` when an agent runs it, else the
 * daemon's (`--node-name`, or asked of the cluster, spec §8.12.1).
 */
export function runNodeName(args: BridgeCommandOptions, ctx: BridgeCommandContext): Promise<number> {
  return runBridgeCommand(ctx, async () => {
    const name = ctx.env.OCF_RESKEY_CRM_meta_on_node || ((await bridgeCall(args, ctx, { op: BridgeOp.nodeName })) as string);
    ctx.out(args.json ? toJson({ name }) : name);
  });
}
