/**
 * Errors of the agent layer (spec/protocol.md §12). Runners never throw:
 * they report every failure of an agent as a result. These errors are for
 * misuse of the API, such as defining the same in-process agent twice.
 */
import { PcmkRemoteError } from '../../protocol/errors.js';

/** Stable codes of {@link AgentError}. */
export const AgentErrorCode = {
  /** An in-process agent of that class, provider and type is already defined. */
  Duplicate: 'AGENT_DUPLICATE',
  /** A class, provider or type name is empty or not usable (an `ocf` agent needs a provider). */
  InvalidName: 'AGENT_INVALID_NAME',
} as const;

/** Union of the agent layer's error codes. */
export type AgentErrorCode = (typeof AgentErrorCode)[keyof typeof AgentErrorCode];

/** A misuse of the agent API. */
export class AgentError extends PcmkRemoteError {
  declare readonly code: AgentErrorCode;

  constructor(code: AgentErrorCode, message: string, options?: ErrorOptions) {
    super(code, message, options);
    this.name = 'AgentError';
  }
}
