/**
 * Every wire spelling and numeric code of the protocol in one place.
 * Values are exactly as Pacemaker writes them (spec/protocol.md §3–§8).
 */

/** Root element names (§3.1). */
export const Root = {
  command: 'lrmd_command',
  reply: 'lrmd_reply',
  notify: 'lrmd_notify',
  ipcProxy: 'lrmd_ipc_proxy',
} as const;
export type Root = (typeof Root)[keyof typeof Root];

/** Child element names (§3.1). */
export const Element = {
  calldata: 'lrmd_calldata',
  rsc: 'lrmd_rsc',
  alert: 'lrmd_alert',
  op: 'lrmd_op',
  attributes: 'attributes',
  param: 'param',
  rscOp: 'lrmd_rsc_op',
  ipcMsg: 'lrmd_ipc_msg',
} as const;

/** Values of `lrmd_op` (§5). */
export const Op = {
  register: 'register',
  rscRegister: 'lrmd_rsc_register',
  rscUnregister: 'lrmd_rsc_unregister',
  rscInfo: 'lrmd_rsc_info',
  rscExec: 'lrmd_rsc_exec',
  rscCancel: 'lrmd_rsc_cancel',
  rscMetadata: 'lrmd_rsc_metadata',
  getRecurring: 'lrmd_get_recurring',
  poke: 'lrmd_rsc_poke',
  check: 'lrmd_check',
  alertExec: 'lrmd_alert_exec',
  ipcFwd: 'ipc_fwd',
  newClient: 'lrmd_rsc_new_client',
} as const;
export type Op = (typeof Op)[keyof typeof Op];

/** Values of `lrmd_ipc_op` (§8.3). */
export const IpcOp = {
  new: 'new',
  destroy: 'destroy',
  request: 'request',
  response: 'response',
  event: 'event',
  shutdownReq: 'shutdown_req',
  shutdownAck: 'shutdown_ack',
  shutdownNack: 'shutdown_nack',
} as const;
export type IpcOp = (typeof IpcOp)[keyof typeof IpcOp];

/** Values of `lrmd_remote_msg_type` (§3.2). */
export const MsgType = { request: 'request', reply: 'reply', notify: 'notify' } as const;
export type MsgType = (typeof MsgType)[keyof typeof MsgType];

/** Attribute names (§3–§8). */
export const Attr = {
  t: 't',
  op: 'lrmd_op',
  origin: 'lrmd_origin',
  timeout: 'lrmd_timeout',
  callOpt: 'lrmd_callopt',
  asyncId: 'lrmd_async_id',
  legacyName: '__name__',
  clientName: 'lrmd_clientname',
  clientId: 'lrmd_clientid',
  protocolVersion: 'lrmd_protocol_version',
  isIpcProvider: 'lrmd_is_ipc_provider',
  remoteMsgId: 'lrmd_remote_msg_id',
  remoteMsgType: 'lrmd_remote_msg_type',
  rc: 'lrmd_rc',
  callId: 'lrmd_callid',
  uptime: 'uptime',
  nodeStartState: 'node_start_state',
  rscId: 'lrmd_rsc_id',
  rscClass: 'lrmd_class',
  rscProvider: 'lrmd_provider',
  rscType: 'lrmd_type',
  rscAction: 'lrmd_rsc_action',
  rscInterval: 'lrmd_rsc_interval',
  rscStartDelay: 'lrmd_rsc_start_delay',
  rscUserData: 'lrmd_rsc_userdata_str',
  rscOutput: 'lrmd_rsc_output',
  rscExitReason: 'lrmd_rsc_exit_reason',
  rscDeleted: 'lrmd_rsc_deleted',
  execRc: 'lrmd_exec_rc',
  execOpStatus: 'lrmd_exec_op_status',
  runTime: 'lrmd_run_time',
  rcChangeTime: 'lrmd_rcchange_time',
  execTime: 'lrmd_exec_time',
  queueTime: 'lrmd_queue_time',
  watchdog: 'lrmd_watchdog',
  alertId: 'lrmd_alert_id',
  alertPath: 'lrmd_alert_path',
  ipcOp: 'lrmd_ipc_op',
  ipcSession: 'lrmd_ipc_session',
  ipcServer: 'lrmd_ipc_server',
  ipcClient: 'lrmd_ipc_client',
  ipcUser: 'lrmd_ipc_user',
  ipcMsgId: 'lrmd_ipc_msg_id',
  ipcMsgFlags: 'lrmd_ipc_msg_flags',
  /** pcmk-remote extension: payload encodings offered/accepted in register (§13). */
  encodings: 'pcmk_remote_encodings',
} as const;

/** Value of the `t` attribute on every `lrmd_command` (§3.3). */
export const T_LRMD = 'lrmd';

/**
 * `lrmd_callopt` bits (§3.7). drop_recurring is 0x3 in 2.1.5 and 0x1 in 3.0:
 * send {@link CallOpt.dropRecurringCompat}, test {@link CallOpt.dropRecurring}.
 */
export const CallOpt = {
  none: 0,
  /** 3.0 value; a server tests this bit. */
  dropRecurring: 0x1,
  /** 2.1.5 value (overlaps notifyOrigOnly); what a client sends to satisfy both. */
  dropRecurringCompat: 0x3,
  notifyOrigOnly: 0x2,
  notifyChangesOnly: 0x4,
} as const;

/** OCF exit codes carried in `lrmd_exec_rc` (§7.1). */
export const OcfExit = {
  ok: 0,
  unknownError: 1,
  invalidParam: 2,
  unimplementFeature: 3,
  insufficientPriv: 4,
  notInstalled: 5,
  notConfigured: 6,
  notRunning: 7,
  runningPromoted: 8,
  failedPromoted: 9,
  connectionDied: 189,
  degraded: 190,
  degradedPromoted: 191,
  unknown: 193,
} as const;
export type OcfExit = (typeof OcfExit)[keyof typeof OcfExit];

/** Execution status values carried in `lrmd_exec_op_status` (§7.2). */
export const ExecStatus = {
  unknown: -2,
  pending: -1,
  done: 0,
  cancelled: 1,
  timeout: 2,
  notSupported: 3,
  error: 4,
  errorHard: 5,
  errorFatal: 6,
  notInstalled: 7,
  notConnected: 8,
  invalid: 9,
  noFenceDevice: 10,
  noSecrets: 11,
} as const;
export type ExecStatus = (typeof ExecStatus)[keyof typeof ExecStatus];

/** Negative errno values used as `lrmd_rc` (§5.15); Linux numbering. */
export const LrmdRc = {
  ok: 0,
  E2BIG: -7,
  EACCES: -13,
  ENODEV: -19,
  EINVAL: -22,
  ENOMSG: -42,
  ETIME: -62,
  ECOMM: -70,
  EPROTO: -71,
  EPROTONOSUPPORT: -93,
  EOPNOTSUPP: -95,
  ENOTCONN: -107,
  ETIMEDOUT: -110,
  EINPROGRESS: -115,
  EREMOTEIO: -121,
  ENOKEY: -126,
  EKEYREJECTED: -129,
} as const;

/** libqb/Pacemaker IPC header flag bits relayed in `lrmd_ipc_msg_flags` (§8.2). */
export const IpcFlag = {
  compressed: 0x1,
  proxied: 0x100,
  clientResponse: 0x200,
  serverEvent: 0x10000,
  proxiedRelayResponse: 0x40000,
  multipart: 0x80000,
  multipartEnd: 0x100000,
} as const;

/** IPC endpoints a remote daemon proxies (§8.4). */
export const IpcServer = {
  cibRo: 'cib_ro',
  cibRw: 'cib_rw',
  cibShm: 'cib_shm',
  attrd: 'attrd',
  fencer: 'stonith-ng',
  controller: 'crmd',
  pacemakerd: 'pacemakerd',
} as const;

/** Default TCP port (§4.1). */
export const DEFAULT_PORT = 3121;
/** PSK identity every client sends (§4.1). */
export const PSK_IDENTITY = 'lrmd';
