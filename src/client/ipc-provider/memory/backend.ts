/**
 * A ready-made in-memory backend for the IPC provider (spec/protocol.md
 * §8.16): one CIB document shared by the CIB endpoints, the attribute
 * manager (which writes transient attributes into its status section) and
 * the controller's node queries; the fencer answers with an empty history. For tests, examples and `pcmk-remote
 * provide`; not a cluster.
 */
import type { XmlElement } from '../../../protocol/xml/types.js';
import type { IpcHandlers } from '../types.js';
import { AttributeTable, createAttrdHandler } from './attrd-handler.js';
import { createCibHandler } from './cib-handler.js';
import { CibStore } from './cib-store.js';
import { createCrmdHandler } from './crmd-handler.js';
import { createFencerHandler } from './fencer-handler.js';

/** Options of {@link createMemoryBackend}. */
export interface MemoryBackendOptions {
  /** The seed CIB: XML text, an element tree, or a store to share. */
  readonly cib: string | XmlElement | CibStore;
  /** The remote node's cluster name (what `crm_node -n` prints). */
  readonly nodeName: string;
  /**
   * Add a `node_state` for `nodeName` when the CIB does not know the node,
   * as a controller does when a remote node connects; default true.
   */
  readonly registerNode?: boolean;
}

/** The backend: handlers for {@link createIpcProvider} and the state behind them. */
export interface MemoryBackend {
  readonly handlers: IpcHandlers;
  readonly cib: CibStore;
  readonly attributes: AttributeTable;
}

/** Build the in-memory backend. @throws IpcProviderError IPC_BAD_CIB. */
export function createMemoryBackend(options: MemoryBackendOptions): MemoryBackend {
  const cib = options.cib instanceof CibStore ? options.cib : new CibStore(options.cib);
  if (options.registerNode !== false && !cib.nodeUuid(options.nodeName)) cib.ensureNodeState(options.nodeName, {});
  const attributes = new AttributeTable();
  const attrd = createAttrdHandler({ cib, nodeName: options.nodeName, table: attributes });
  return {
    cib,
    attributes,
    handlers: {
      cib: createCibHandler(cib),
      attrd,
      crmd: createCrmdHandler({ cib, nodeName: options.nodeName }),
      'stonith-ng': createFencerHandler(),
    },
  };
}
