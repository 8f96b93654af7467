/**
 * `pcmk-remote cib query [XPATH]`: the cluster's CIB through the local
 * daemon's bridge and the IPC proxy, as `cibadmin -Q [--xpath]` would read
 * it on the remote node (spec/protocol.md §8.12, §8.13).
 */
import { BridgeOp } from '../../server/bridge/protocol.js';
import { toJson } from '../output.js';
import { bridgeCall, runBridgeCommand, type BridgeCommandContext, type BridgeCommandOptions } from './attr.js';

/** `cib query [XPATH]`: the XML as relayed, on one or more lines. */
export function runCibQuery(args: { xpath?: string } & BridgeCommandOptions, ctx: BridgeCommandContext): Promise<number> {
  return runBridgeCommand(ctx, async () => {
    const xml = (await bridgeCall(args, ctx, { op: BridgeOp.cibQuery, ...(args.xpath !== undefined ? { xpath: args.xpath } : {}) })) as string;
    if (args.json) ctx.out(toJson({ xml }));
    else for (const l of xml.replace(/\n$/, '').split('\n')) ctx.out(l);
  });
}
