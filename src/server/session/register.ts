/**
 * The server half of the `register` handshake as pure functions
 * (spec/protocol.md §4.2, §4.3, §4.5, §13.1): version check, encoding
 * choice, and the reply.
 */
import { LrmdRc, Op } from '../../protocol/constants.js';
import { Encoding } from '../../protocol/frame.js';
import type { Reply } from '../../protocol/messages/reply.js';
import { isCompatibleClientVersion, PROTOCOL_VERSION } from '../../protocol/version.js';

/** `lrmd_origin` of the register reply, as Pacemaker writes it. */
export const REGISTER_ORIGIN = 'process_lrmd_signon';

/** Encodings a server accepts by default, preferred first (§13.1). */
export const DEFAULT_SERVER_ENCODINGS: readonly Encoding[] = [Encoding.protobuf, Encoding.xml];

/** The outcome of the encoding negotiation (§13.1). */
export interface EncodingChoice {
  /** What the session uses after the register reply. */
  readonly encoding: Encoding;
  /** What the reply names in `pcmk_remote_encodings`; absent when the client offered nothing usable. */
  readonly announce?: Encoding;
}

const KNOWN: ReadonlySet<string> = new Set(Object.values(Encoding));

/**
 * §13.1 rule 2: the first offered token that we accept, named alone in the
 * reply. No offer, or nothing acceptable in it, means XML and no attribute:
 * we never name an encoding the client did not offer.
 */
export function chooseEncoding(offered: readonly string[] | undefined, accepted: readonly Encoding[] = DEFAULT_SERVER_ENCODINGS): EncodingChoice {
  for (const raw of offered ?? []) {
    const token = raw.trim();
    if (KNOWN.has(token) && accepted.includes(token as Encoding)) return { encoding: token as Encoding, announce: token as Encoding };
  }
  return { encoding: Encoding.xml };
}

/** The `lrmd_rc` of a register request: 0, or -71 for a version below 1.0 or none (§4.5, §9.2). */
export function registerRc(protocolVersion: string | undefined): number {
  return isCompatibleClientVersion(protocolVersion) ? LrmdRc.ok : LrmdRc.EPROTO;
}

/** Inputs of {@link buildRegisterReply}. */
export interface RegisterReplyFields {
  readonly msgId: number;
  readonly callId: number;
  readonly rc: number;
  readonly clientId: string;
  /** Seconds since the daemon started (sent as 2.1.6+ and 3.0 do). */
  readonly uptimeSec: number;
  /** `PCMK_node_start_state`, when set (2.1.7+). */
  readonly nodeStartState?: string;
  readonly encoding?: Encoding;
}

/**
 * The register reply (§4.3). Like Pacemaker, it carries `lrmd_op`, the
 * client id and our protocol version whatever the rc, so that a refused
 * client can read the refusal (§4.5).
 */
export function buildRegisterReply(f: RegisterReplyFields): Reply {
  return {
    kind: 'reply',
    msgId: f.msgId,
    origin: REGISTER_ORIGIN,
    rc: f.rc,
    callId: f.callId,
    op: Op.register,
    clientId: f.clientId,
    protocolVersion: PROTOCOL_VERSION,
    uptime: f.uptimeSec,
    ...(f.nodeStartState !== undefined ? { nodeStartState: f.nodeStartState } : {}),
    ...(f.encoding !== undefined ? { encoding: f.encoding } : {}),
  };
}
