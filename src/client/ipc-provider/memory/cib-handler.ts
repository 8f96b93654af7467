/**
 * The CIB manager's IPC endpoints (`cib_ro`, `cib_rw`, `cib_shm`) answered
 * from a {@link CibStore} (spec/protocol.md §8.16): sign-on, notification
 * filters, queries and simple writes, with replies shaped as the real
 * manager's.
 */
import { randomUUID } from 'node:crypto';
import type { XmlElement, XmlNode } from '../../../protocol/xml/types.js';
import { el, messageData } from '../body.js';
import { IpcServer, type IpcHandler, type IpcRequest, type ProviderSession } from '../types.js';
import { CibRc, type CibResult, type CibStore } from './cib-store.js';

/** CIB request operations (`cib_op`) answered here. */
export const CibOp = {
  register: 'register',
  notify: 'cib_notify',
  query: 'cib_query',
  modify: 'cib_modify',
  create: 'cib_create',
  delete: 'cib_delete',
  replace: 'cib_replace',
  isPrimary: 'cib_ismaster',
  noop: 'noop',
} as const;

const WRITES: ReadonlySet<string> = new Set([CibOp.modify, CibOp.create, CibOp.delete, CibOp.replace]);
const NOTIFY_TYPES: ReadonlySet<string> = new Set(['cib_post_notify', 'cib_pre_notify', 'cib_update_confirmation', 'cib_diff_notify', 'cib_refresh_notify']);
const CLIENT_ID = 'cib.clientId';
const NOTIFY = 'cib.notify';

/**
 * A handler for the CIB endpoints backed by `store`. Writes on `cib_ro`
 * are refused with EACCES, as the manager refuses unprivileged writers;
 * unknown operations get EOPNOTSUPP.
 */
export function createCibHandler(store: CibStore): IpcHandler {
  return {
    open(session) {
      session.state.set(CLIENT_ID, randomUUID());
      session.state.set(NOTIFY, new Set<string>());
    },
    request(session, req) {
      const msg = req.xml;
      const op = msg.attrs.cib_op ?? '';
      const clientId = session.state.get(CLIENT_ID) as string;
      if (op === CibOp.register) {
        // The manager answers sign-on only to a caller that waits for it.
        return req.expectsResponse ? el('cib_common_callback_worker', { cib_op: CibOp.register, cib_clientid: clientId }) : undefined;
      }
      if (op === CibOp.notify) return notifyFilter(session, msg);
      return reply(msg, clientId, perform(store, session, req, op), store);
    },
  };
}

function notifyFilter(session: ProviderSession, msg: XmlElement): XmlElement {
  const type = msg.attrs.cib_notify_type ?? '';
  const on = Number.parseInt(msg.attrs.cib_notify_activate ?? '0', 10) !== 0;
  const types = session.state.get(NOTIFY) as Set<string>;
  const known = NOTIFY_TYPES.has(type);
  if (known && on) types.add(type);
  else if (known) types.delete(type);
  // CRM_EX_OK (0) or CRM_EX_INVALID_PARAM (2) for an unknown type.
  return el('ack', { function: 'cib_common_callback_worker', line: 199, status: known ? 0 : 2 });
}

function perform(store: CibStore, session: ProviderSession, req: IpcRequest, op: string): CibResult {
  const msg = req.xml;
  const options = Number.parseInt(msg.attrs.cib_callopt ?? '0', 10) || 0;
  const section = msg.attrs.cib_section;
  if (WRITES.has(op) && session.server === IpcServer.cibRo) return { rc: CibRc.EACCES };
  const input = messageData(msg, 'cib_calldata');
  switch (op) {
    case CibOp.query:
      return store.query(section, options);
    case CibOp.modify:
      return store.modify(section, options, input);
    case CibOp.create:
      return store.create(section, options, input);
    case CibOp.delete:
      return store.delete(section, options, input);
    case CibOp.replace:
      return store.replace(section, options, input);
    case CibOp.isPrimary:
    case CibOp.noop:
      return { rc: CibRc.ok };
    default:
      return { rc: CibRc.EOPNOTSUPP };
  }
}

/** `<cib-reply>` as the manager builds it; the output goes in `cib_calldata`. */
function reply(msg: XmlElement, clientId: string, result: CibResult, store: CibStore): XmlElement {
  // The whole CIB goes out as its cached text (a 5 MiB CIB takes ~0.4 s to serialize).
  const output: XmlNode | undefined = result.output === store.root ? { type: 'raw', name: 'cib', xml: store.text() } : result.output;
  return el(
    'cib-reply',
    {
      t: 'cib',
      cib_op: msg.attrs.cib_op,
      cib_callid: msg.attrs.cib_callid,
      cib_clientid: clientId,
      cib_callopt: msg.attrs.cib_callopt ?? '0',
      cib_rc: result.rc,
    },
    output ? [el('cib_calldata', {}, [output])] : [],
  );
}
