// A small IPC provider for tests, built on the client's Session layer: it
// registers with lrmd_is_ipc_provider, keeps the sessions the daemon opens,
// answers attrd and CIB requests from memory the way Pacemaker's daemons
// do (through the controller's relay), and sends ipc_fwd messages.
import type { Duplex } from 'node:stream';
import { Session } from '../../../src/client/session.js';
import { IpcFlag } from '../../../src/protocol/constants.js';
import type { IpcProxy, IpcRequest } from '../../../src/protocol/messages/ipc-proxy.js';
import type { Reply } from '../../../src/protocol/messages/reply.js';
import { parseXml } from '../../../src/protocol/xml/parser.js';
import type { XmlElement } from '../../../src/protocol/xml/types.js';

export type RequestAnswer =
  | { readonly response?: string; readonly events?: readonly string[] }
  | 'destroy'
  | 'silent';

export interface FakeProviderOptions {
  /** The remote node's name (filled into attrd updates, §8.6). */
  readonly nodeName?: string;
  /** The CIB text answered to cib_query without xpath. */
  readonly cib?: string;
  /** Answer to shutdown_req. */
  readonly shutdown?: 'ack' | 'nack' | 'ignore';
  /** Answer `new` with destroy for these endpoints. */
  readonly refuse?: readonly string[];
  /** Custom request handling; undefined falls through to the built-in handlers. */
  readonly onRequest?: (server: string, req: IpcRequest, body: XmlElement) => RequestAnswer | undefined;
}

export class FakeProvider {
  readonly session: Session;
  readonly sessions = new Map<string, string>();
  readonly received: IpcProxy[] = [];
  readonly attrs = new Map<string, Map<string, string>>();
  readonly modifies: string[] = [];
  readonly options: FakeProviderOptions;
  readonly rcs: number[] = [];
  clientId = '';

  private constructor(stream: Duplex, options: FakeProviderOptions) {
    this.options = options;
    this.session = new Session(stream);
    this.session.on('ipc', (m) => this.#onIpc(m));
  }

  static async connect(stream: Duplex, options: FakeProviderOptions = {}, asProvider = true): Promise<FakeProvider> {
    const p = new FakeProvider(stream, options);
    const reply = await p.session.request({ kind: 'request', op: 'register', clientName: 'crmd', protocolVersion: '1.1', ...(asProvider ? { isIpcProvider: true } : {}) });
    p.clientId = reply.clientId ?? '';
    return p;
  }

  /** Send one provider → daemon message as ipc_fwd and return the reply's rc. */
  async send(m: Record<string, unknown>): Promise<number> {
    const reply = (await this.session.request({ ...m, kind: 'ipc', op: 'ipc_fwd' } as never)) as Reply;
    this.rcs.push(reply.rc);
    return reply.rc;
  }

  close(): void {
    this.session.close();
  }

  #onIpc(m: IpcProxy): void {
    this.received.push(m);
    switch (m.ipcOp) {
      case 'new':
        if (this.options.refuse?.includes(m.server)) {
          void this.send({ ipcOp: 'destroy', session: m.session }).catch(() => {});
          return;
        }
        this.sessions.set(m.session, m.server);
        return;
      case 'destroy':
        this.sessions.delete(m.session);
        return;
      case 'shutdown_req': {
        const how = this.options.shutdown ?? 'ack';
        if (how !== 'ignore') void this.send({ ipcOp: how === 'ack' ? 'shutdown_ack' : 'shutdown_nack' }).catch(() => {});
        return;
      }
      case 'request':
        void this.#onRequest(m).catch(() => {});
        return;
      default:
    }
  }

  async #onRequest(m: IpcRequest): Promise<void> {
    const server = this.sessions.get(m.session);
    if (server === undefined) {
      await this.send({ ipcOp: 'destroy', session: m.session });
      return;
    }
    const body = parseXml(m.body?.xml ?? '<none/>');
    const answer = this.options.onRequest?.(server, m, body) ?? this.#builtIn(server, m, body);
    if (answer === 'silent') return;
    if (answer === 'destroy') {
      this.sessions.delete(m.session);
      await this.send({ ipcOp: 'destroy', session: m.session });
      return;
    }
    if (answer.response !== undefined) await this.send({ ipcOp: 'response', session: m.session, ipcMsgId: m.ipcMsgId, body: { xml: answer.response } });
    for (const e of answer.events ?? []) await this.send({ ipcOp: 'event', session: m.session, body: { xml: e } });
  }

  #builtIn(server: string, m: IpcRequest, body: XmlElement): RequestAnswer {
    const a = body.attrs;
    const wantsResponse = (m.ipcMsgFlags & IpcFlag.clientResponse) !== 0;
    if (server === 'attrd') {
      if (a.task === 'update') {
        const host = a.attr_host ?? this.options.nodeName ?? 'remote1';
        let byNode = this.attrs.get(a.attr_name!);
        if (!byNode) this.attrs.set(a.attr_name!, (byNode = new Map()));
        if (a.attr_value === undefined) byNode.delete(host);
        else byNode.set(host, a.attr_value);
        return wantsResponse ? { response: '<ack function="handle_update_request" line="144" status="112" ipc-protocol-version="4"/>' } : {};
      }
      if (a.task === 'query') {
        const byNode = this.attrs.get(a.attr_name!);
        if (!byNode) return { response: '<build_query_reply t="attrd" subt="query" attr_version="4"/>' };
        const nodes = a.attr_host !== undefined ? [[a.attr_host, byNode.get(a.attr_host)] as const] : [...byNode.entries()];
        const kids = nodes.map(([n, v]) => `<node attr_host="${n}"${v !== undefined ? ` attr_value="${v}"` : ''}/>`).join('');
        return { response: `<build_query_reply t="attrd" subt="query" attr_version="4" attr_name="${a.attr_name}">${kids}</build_query_reply>` };
      }
      return {};
    }
    if (server === 'cib_rw' || server === 'cib_ro') {
      if (a.cib_op === 'register') return { response: `<cib_common_callback_worker cib_op="register" cib_clientid="${m.session}"/>` };
      const reply = (rc: number, data?: string): string =>
        `<cib-reply t="cib" cib_op="${a.cib_op}" cib_callid="${a.cib_callid}" cib_clientid="${m.session}" cib_callopt="${a.cib_callopt}" cib_rc="${rc}">` +
        (data !== undefined ? `<cib_calldata>${data}</cib_calldata>` : '') +
        '</cib-reply>';
      let text: string;
      if (a.cib_op === 'cib_query') {
        const xpath = a.cib_section;
        if (xpath === undefined) text = reply(0, this.options.cib ?? '<cib/>');
        else if (xpath.includes('nvpair')) {
          const name = /@name='([^']+)'/.exec(xpath)?.[1] ?? '';
          const found = this.modifies.some((x) => x.includes(`name="${name}"`));
          text = found ? reply(0, `<nvpair id="nodes-remote1-${name}" name="${name}" value="old"/>`) : reply(-6);
        } else text = reply(-6);
      } else if (a.cib_op === 'cib_modify') {
        this.modifies.push(m.body!.xml);
        text = reply(0);
      } else text = reply(-95);
      // A sync call's reply is relayed as the response, an async one as an event (§8.5).
      return wantsResponse ? { response: text } : { events: [text] };
    }
    // The controller answers node-info for the remote node itself (§8.5) when it knows the name.
    if (server === 'crmd' && a.crm_task === 'node-info' && this.options.nodeName !== undefined) {
      return {
        events: [
          `<create_reply_adv origin="handle_node_info_request" t="crmd" subt="response" reference="${a.reference}" crm_task="node-info" crm_sys_to="${m.session}" crm_sys_from="crmd" src="node1"><crm_xml><node crm_subsystem="crmd" have-quorum="true" id="${this.options.nodeName}" uname="${this.options.nodeName}" crmd="member" remote_node="true"/></crm_xml></create_reply_adv>`,
        ],
      };
    }
    return {};
  }
}
