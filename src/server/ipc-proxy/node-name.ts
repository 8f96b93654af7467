/**
 * This node's cluster name, asked of the cluster the way `crm_node -n`
 * asks on a remote node (spec/protocol.md §8.12.1): a `crmd` session, a
 * `hello`, then `node-info` without id or uname. The controller relaying
 * the session answers for the remote node itself (§8.5) with an event:
 *
 *     <create_reply_adv … reference="R" crm_task="node-info">
 *       <crm_xml><node … uname="NAME" remote_node="true"/></crm_xml>
 *     </create_reply_adv>
 */
import { ATTRD_CLIENT_NAME } from './attrd.js';
import { childElements, el, parseBody } from './body.js';
import type { IpcProxyEndpoint, OpenSessionOptions } from './endpoint.js';
import { ProxyError, ProxyErrorCode } from './errors.js';
import type { ProxyRequestOptions } from './session.js';

/** The feature set the requests announce; the controller reads no more than the major version. */
const FEATURE_SET = '3.16.1';

let counter = 0;

/** Asks the newest provider's cluster; rejects with ProxyError (PROXY_BAD_REPLY when no name comes back). */
export async function askNodeName(
  endpoint: IpcProxyEndpoint,
  o: Pick<ProxyRequestOptions, 'timeoutMs' | 'signal'> & OpenSessionOptions = {},
): Promise<string> {
  const from = `${o.pid ?? process.pid}_${ATTRD_CLIENT_NAME}`;
  const stamp = `${ATTRD_CLIENT_NAME}-${Math.floor(Date.now() / 1000)}-${counter++}`;
  const reference = `node-info-${stamp}`;
  const session = endpoint.openSession('crmd', { ...(o.user !== undefined ? { user: o.user } : {}), ...(o.pid !== undefined ? { pid: o.pid } : {}) });
  const limits = { ...(o.timeoutMs !== undefined ? { timeoutMs: o.timeoutMs } : {}), ...(o.signal ? { signal: o.signal } : {}) };
  try {
    // Listen before asking: the answer is an event and may come at once.
    const answer = session.waitForEvent((b) => b.xml.includes(reference), limits);
    answer.catch(() => {});
    const hello = el('create_request_adv', { origin: 'create_hello_message', t: 'crmd', version: FEATURE_SET, subt: 'request', reference: `hello-${stamp}`, crm_task: 'hello', crm_sys_from: from }, [
      el('crm_xml', {}, [el('options', { major_version: 1, minor_version: 0, client_name: ATTRD_CLIENT_NAME, client_uuid: o.pid ?? process.pid })]),
    ]);
    await session.request(hello, { ...limits, expectResponse: false });
    const ask = el('create_request_adv', { origin: 'create_controller_request', t: 'crmd', version: FEATURE_SET, subt: 'request', reference, crm_task: 'node-info', crm_sys_to: 'crmd', crm_sys_from: from });
    await session.request(ask, { ...limits, expectResponse: false });
    const reply = parseBody(await answer);
    const node = childElements(reply, 'crm_xml').flatMap((x) => childElements(x, 'node'))[0];
    const uname = node?.attrs.uname;
    if (!uname) throw new ProxyError(ProxyErrorCode.BadReply, 'the controller named no node in its node-info answer');
    return uname;
  } finally {
    session.close();
  }
}
