/**
 * The in-memory backend of the IPC provider (spec/protocol.md §8.16).
 */
export { createMemoryBackend, type MemoryBackend, type MemoryBackendOptions } from './backend.js';
export { CibStore, CibRc, CibCallOpt, type CibResult, type CibStoreEvents } from './cib-store.js';
export { createCibHandler, CibOp } from './cib-handler.js';
export { createAttrdHandler, AttributeTable, AttrdTask, ATTRD_PROTOCOL_VERSION, type AttrdHandlerOptions } from './attrd-handler.js';
export { createCrmdHandler, CrmdTask, CRM_FEATURE_SET, type CrmdHandlerOptions } from './crmd-handler.js';
export { compileXpath, evaluateXpath, type CompiledXpath } from './xpath.js';
export { createFencerHandler, FencerOp } from './fencer-handler.js';
