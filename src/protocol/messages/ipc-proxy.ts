/**
 * IPC proxy messages: `<lrmd_ipc_proxy>` (spec/protocol.md §8).
 * Daemon → provider copies travel as notifications (msgId 0); provider →
 * daemon copies as requests with `lrmd_op="ipc_fwd"`.
 */
import type { Envelope, RawXml } from './common.js';

interface IpcBase extends Envelope {
  readonly kind: 'ipc';
  /** `lrmd_remote_msg_type` as sent: `notify` from the daemon, `request` from a provider. */
  readonly msgType?: string;
  /** `ipc_fwd` on provider → daemon copies. */
  readonly op?: string;
}

export interface IpcNew extends IpcBase {
  readonly ipcOp: 'new';
  readonly session: string;
  readonly server: string;
}

export interface IpcDestroy extends IpcBase {
  readonly ipcOp: 'destroy';
  readonly session: string;
}

export interface IpcRequest extends IpcBase {
  readonly ipcOp: 'request';
  readonly session: string;
  readonly client?: string;
  readonly user?: string;
  readonly ipcMsgId: number;
  readonly ipcMsgFlags: number;
  readonly body?: RawXml;
}

export interface IpcResponse extends IpcBase {
  readonly ipcOp: 'response';
  readonly session: string;
  readonly ipcMsgId: number;
  readonly body?: RawXml;
}

export interface IpcEvent extends IpcBase {
  readonly ipcOp: 'event';
  readonly session: string;
  readonly body?: RawXml;
}

export interface IpcShutdownReq extends IpcBase {
  readonly ipcOp: 'shutdown_req';
  /** Always "0" (§8.9). */
  readonly session?: string;
}

export interface IpcShutdownAck extends IpcBase {
  readonly ipcOp: 'shutdown_ack';
}

export interface IpcShutdownNack extends IpcBase {
  readonly ipcOp: 'shutdown_nack';
}

/** Every IPC proxy message. */
export type IpcProxy =
  | IpcNew
  | IpcDestroy
  | IpcRequest
  | IpcResponse
  | IpcEvent
  | IpcShutdownReq
  | IpcShutdownAck
  | IpcShutdownNack;
