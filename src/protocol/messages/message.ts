/**
 * The union of every typed message, keyed on `kind` then `op` / `ipcOp`.
 */
import type { IpcProxy } from './ipc-proxy.js';
import type { ExecNotify, GenericNotify, NewClientNotify, Notify, UnknownNotify } from './notify.js';
import type { Reply } from './reply.js';
import type { Request, UnknownRequest } from './request.js';

export type * from './common.js';
export type * from './request.js';
export type * from './reply.js';
export type * from './notify.js';
export type * from './ipc-proxy.js';

/** Every message this protocol defines, plus the kept unknown request/notify. */
export type Message = Request | UnknownRequest | Reply | Notify | UnknownNotify | IpcProxy;

/** Narrowing helpers. */
export const isRequest = (m: Message): m is Request | UnknownRequest => m.kind === 'request';
export const isReply = (m: Message): m is Reply => m.kind === 'reply';
export const isNotify = (m: Message): m is Notify | UnknownNotify => m.kind === 'notify';
export const isIpcProxy = (m: Message): m is IpcProxy => m.kind === 'ipc';
export const isExecNotify = (m: Message): m is ExecNotify =>
  m.kind === 'notify' && m.op === 'lrmd_rsc_exec' && !('unknown' in m);
export type { ExecNotify, GenericNotify, NewClientNotify };
