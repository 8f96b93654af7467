/**
 * The `stonith` class on a remote node (spec/protocol.md §11.9). Fence
 * devices are run by the fencer of a cluster node, and the scheduler never
 * places them on remote nodes (§5.14). pacemaker-remoted has no fencer to
 * talk to: a probe answers from the device's initial state (rc 7, status
 * error) without one, every other action ends with "No connection to
 * fencer" (rc 1, status error; daemons/execd/execd_commands.c). This runner
 * gives the same results at once instead of after the fencer connection
 * attempts time out.
 */
import { ExecStatus, OcfExit } from '../../protocol/constants.js';
import { CANCELLED } from './process-result.js';
import type { AgentAction, AgentResult, AgentRunner } from './types.js';

/** Creates the runner that refuses class `stonith`. */
export function createStonithRunner(): AgentRunner {
  return {
    standards: ['stonith'],
    run(action: AgentAction): Promise<AgentResult> {
      if (action.signal.aborted) return Promise.resolve(CANCELLED);
      if (action.action.toLowerCase() === 'monitor' && action.intervalMs === 0) {
        return Promise.resolve({ rc: OcfExit.notRunning, status: ExecStatus.error });
      }
      return Promise.resolve({
        rc: OcfExit.unknownError,
        status: ExecStatus.error,
        exitReason: 'No connection to fencer',
      });
    },
  };
}
