/**
 * `pcmk-remote info|register|unregister`: resource definitions
 * (spec/protocol.md §5.2, §5.3, §5.4).
 */
import { parseAgentSpec, requireArg } from '../client-options.js';
import { CliError, CliErrorCode } from '../exit-codes.js';
import { callOptions, emit, runCommand, withClient, type CommandContext } from './context.js';

/** `info RSC`: the definition; NOT_REGISTERED (exit 1) when the peer does not know it. */
export function runInfo(args: { rscId: string }, ctx: CommandContext): Promise<number> {
  return runCommand(ctx, async () => {
    const rscId = requireArg(args.rscId, 'RSC');
    await withClient(ctx, async (client) => {
      const rsc = await client.getResourceInfo(rscId, callOptions(ctx));
      if (!rsc) throw new CliError(CliErrorCode.NotRegistered, `resource '${rscId}' is not registered`);
      const { standard, provider, agent } = rsc;
      emit(ctx, { rscId: rsc.rscId, standard, ...(provider !== undefined ? { provider } : {}), agent }, [
        `id: ${rsc.rscId}`,
        `class: ${standard}`,
        ...(provider !== undefined ? [`provider: ${provider}`] : []),
        `type: ${agent}`,
      ]);
    });
  });
}

/**
 * `register RSC CLASS:[PROVIDER:]TYPE`. Without drop-recurring by default:
 * each command is its own connection, and the last client leaving would
 * cancel the resource's recurring actions (§5.14.9).
 */
export function runRegister(args: { rscId: string; agent: string; dropRecurring?: boolean }, ctx: CommandContext): Promise<number> {
  return runCommand(ctx, async () => {
    const rscId = requireArg(args.rscId, 'RSC');
    const spec = parseAgentSpec(args.agent);
    await withClient(ctx, async (client) => {
      await client.registerResource({ rscId, ...spec, dropRecurring: args.dropRecurring ?? false }, callOptions(ctx));
      const name = [spec.standard, spec.provider, spec.agent].filter((p) => p !== undefined).join(':');
      emit(ctx, { rscId, ...spec }, [`registered: ${rscId} ${name}`]);
    });
  });
}

/** `unregister RSC`. An action still running (rc -115) is a success (§5.4). */
export function runUnregister(args: { rscId: string }, ctx: CommandContext): Promise<number> {
  return runCommand(ctx, async () => {
    const rscId = requireArg(args.rscId, 'RSC');
    await withClient(ctx, async (client) => {
      const { inProgress } = await client.unregisterResource(rscId, callOptions(ctx));
      emit(ctx, { rscId, inProgress }, [`unregistered: ${rscId}`, ...(inProgress ? ['in-progress: an action of it is still running'] : [])]);
    });
  });
}
