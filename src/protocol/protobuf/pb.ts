/**
 * The generated protobuf classes of spec/remote.proto (spec/protocol.md §13.3):
 * the untyped module remote-pb.ts, given the types pbts declared for it in
 * remote-pb-types.ts. Both files come from scripts/gen-proto.mjs.
 */
import { pcmk_remote as generated } from './remote-pb.js';
import type { pcmk_remote } from './remote-pb-types.js';

/** Message classes of package `pcmk_remote.v1`: static `encode` and `decode` only. */
export const pb: typeof pcmk_remote.v1 = (generated as unknown as typeof pcmk_remote).v1;

export type { pcmk_remote };

/** Plain-object shape the generated class `N` encodes (its `$Properties`). */
export type PbProps<N extends keyof typeof pb> = Parameters<(typeof pb)[N]['encode']>[0];

/** What the generated class `N` decodes to. */
export type PbDecoded<N extends keyof typeof pb> = ReturnType<(typeof pb)[N]['decode']>;
