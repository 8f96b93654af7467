// Typical messages for the benchmarks, written as a controller and a daemon
// would send them (spec/protocol.md Appendix-style values).
import type { Message } from '../src/protocol/messages/message.js';

const params20: Record<string, string> = {
  CRM_meta_interval: '10000',
  CRM_meta_name: 'monitor',
  CRM_meta_timeout: '20000',
  CRM_meta_on_node: 'remote1',
  CRM_meta_on_node_uuid: 'remote1',
  crm_feature_set: '3.19.0',
  ip: '192.0.2.10',
  cidr_netmask: '24',
  nic: 'eth0',
  broadcast: '192.0.2.255',
  iflabel: 'vip',
  lvs_support: 'false',
  lvs_ipv6_addrlabel: 'false',
  arp_interval: '200',
  arp_count: '5',
  arp_bg: 'true',
  arp_sender: 'send_arp',
  flush_routes: 'false',
  run_arping: 'false',
  preferred_lft: 'forever',
};

export const registerReply: Message = {
  kind: 'reply',
  msgId: 1,
  origin: 'process_lrmd_signon',
  rc: 0,
  callId: 1,
  op: 'register',
  clientId: '0b6e9d62-5b4c-4d8e-9c53-2bde3c4ad0f1',
  protocolVersion: '1.2',
  uptime: 1234,
};

export const execRequest: Message = {
  kind: 'request',
  op: 'lrmd_rsc_exec',
  msgId: 17,
  timeout: 20000,
  callOptions: 4,
  dataOrigin: 'lrmd_api_exec',
  rscId: 'vip',
  action: 'monitor',
  interval: 10000,
  actionTimeout: 20000,
  startDelay: 0,
  userData: '12:34:0:6fd1b2c3-0000-4a5b-9c8d-123456789abc',
  params: params20,
};

export const execNotify: Message = {
  kind: 'notify',
  op: 'lrmd_rsc_exec',
  msgId: 0,
  origin: 'send_cmd_complete_notify',
  rscId: 'vip',
  action: 'monitor',
  callId: 41,
  interval: 10000,
  timeout: 20000,
  startDelay: 0,
  execRc: 0,
  opStatus: 0,
  rscDeleted: false,
  runTime: 1732230000,
  rcChangeTime: 0,
  execTime: 27,
  queueTime: 0,
  userData: '12:34:0:6fd1b2c3-0000-4a5b-9c8d-123456789abc',
  params: params20,
};

/** A CIB-shaped document of about `bytes` bytes. */
export function makeCib(bytes: number): string {
  const parts: string[] = ['<cib crm_feature_set="3.19.0" validate-with="pacemaker-3.9" epoch="7" num_updates="0" admin_epoch="0"><configuration><crm_config/><nodes/><resources>'];
  let size = parts[0]!.length;
  for (let i = 0; size < bytes - 200; i++) {
    const p =
      `<primitive id="rsc${i}" class="ocf" provider="heartbeat" type="IPaddr2">` +
      `<instance_attributes id="rsc${i}-ia"><nvpair id="rsc${i}-ip" name="ip" value="192.0.2.${i % 250}"/>` +
      `<nvpair id="rsc${i}-nm" name="cidr_netmask" value="24"/></instance_attributes>` +
      `<operations><op id="rsc${i}-mon" name="monitor" interval="10s" timeout="20s"/></operations>` +
      `<!-- note ${i} &amp; more --></primitive>`;
    parts.push(p);
    size += p.length;
  }
  parts.push('</resources><constraints/></configuration><status/></cib>');
  return parts.join('');
}

export function cibEvent(cib: string): Message {
  return {
    kind: 'ipc',
    ipcOp: 'event',
    msgId: 5,
    msgType: 'request',
    op: 'ipc_fwd',
    session: '0b6e9d62-5b4c-4d8e-9c53-2bde3c4ad0f1',
    body: { xml: cib },
  };
}
