/**
 * The attribute manager's IPC endpoint (`attrd`) answered in memory
 * (spec/protocol.md §8.16): updates, queries, peer removal, failure
 * clearing. Values are kept per attribute and node, and written at once
 * to the status section of a {@link CibStore} (unless private), where
 * `crm_attribute -G -l reboot` reads them.
 */
import type { XmlElement } from '../../../protocol/xml/types.js';
import { childElements, el } from '../body.js';
import type { IpcHandler, IpcRequest } from '../types.js';
import type { CibStore } from './cib-store.js';

/** `task` values of attribute manager requests. */
export const AttrdTask = {
  update: 'update',
  updateBoth: 'update-both',
  updateDelay: 'update-delay',
  query: 'query',
  peerRemove: 'peer-remove',
  clearFailure: 'clear-failure',
  refresh: 'refresh',
} as const;

/** The attribute manager protocol version its replies announce (2.1.5). */
export const ATTRD_PROTOCOL_VERSION = '4';
// CRM_EX_INDETERMINATE: the status of the manager's early acknowledgements.
const ACK_STATUS = 112;

/** Transient node attributes: attribute → node → value. */
export class AttributeTable {
  readonly values = new Map<string, Map<string, string>>();
  readonly private = new Set<string>();

  get(name: string, node: string): string | undefined {
    return this.values.get(name)?.get(node);
  }

  set(name: string, node: string, value: string | undefined): void {
    let byNode = this.values.get(name);
    if (value === undefined) {
      byNode?.delete(node);
      return;
    }
    if (!byNode) this.values.set(name, (byNode = new Map()));
    byNode.set(node, value);
  }
}

/** Options of {@link createAttrdHandler}. */
export interface AttrdHandlerOptions {
  /** Where non-private values are written (status section). */
  readonly cib?: CibStore;
  /** The node an update without `attr_host` is for (§8.6); default the session's node name. */
  readonly nodeName?: string;
  readonly table?: AttributeTable;
}

/** A handler for the `attrd` endpoint. */
export function createAttrdHandler(options: AttrdHandlerOptions = {}): IpcHandler & { readonly table: AttributeTable } {
  const table = options.table ?? new AttributeTable();
  const write = (name: string, host: string, value: string | undefined, set?: string): void => {
    table.set(name, host, value);
    if (!options.cib || table.private.has(name)) return;
    const node = options.cib.nodeUuid(host);
    options.cib.setTransientAttribute({ id: node?.id ?? host, uname: host, remote: node?.remote ?? true }, name, value, set);
  };
  return {
    table,
    request(session, req) {
      const msg = req.xml;
      const task = msg.attrs.task ?? '';
      const local = session.nodeName ?? options.nodeName;
      switch (task) {
        case AttrdTask.update:
        case AttrdTask.updateBoth:
        case AttrdTask.updateDelay: {
          // Several updates may travel as <op> children (protocol 4 clients).
          const ops = childElements(msg, 'op');
          for (const op of ops.length > 0 ? ops : [msg]) update(table, write, op, local);
          return ack(req, 'handle_update_request');
        }
        case AttrdTask.query:
          return query(table, msg, local);
        case AttrdTask.peerRemove: {
          const host = msg.attrs.attr_host;
          if (host !== undefined) for (const name of [...table.values.keys()]) if (table.get(name, host) !== undefined) write(name, host, undefined);
          return ack(req, 'attrd_client_peer_remove');
        }
        case AttrdTask.clearFailure: {
          clearFailures(table, write, msg, local);
          return ack(req, 'attrd_client_clear_failure');
        }
        case AttrdTask.refresh:
          return ack(req, 'attrd_client_refresh');
        default:
          // The manager logs and sends nothing; a waiting caller gets the provider's ack.
          return undefined;
      }
    },
  };
}

function ack(req: IpcRequest, fn: string): XmlElement | undefined {
  return req.expectsResponse ? el('ack', { function: fn, line: 0, status: ACK_STATUS, 'ipc-protocol-version': ATTRD_PROTOCOL_VERSION }) : undefined;
}

type Write = (name: string, host: string, value: string | undefined, set?: string) => void;

function update(table: AttributeTable, write: Write, op: XmlElement, local: string | undefined): void {
  const a = op.attrs;
  const host = a.attr_host ?? local;
  if (host === undefined) return;
  if (a.attr_is_private === '1' && a.attr_name !== undefined) table.private.add(a.attr_name);
  // update-delay changes only the dampening, which this backend does not model.
  if (a.task === AttrdTask.updateDelay) return;
  const names = a.attr_name !== undefined ? [a.attr_name] : a.attr_regex !== undefined ? matching(table, a.attr_regex) : [];
  for (const name of names) write(name, host, expand(a.attr_value, table.get(name, host)), a.attr_set);
}

function matching(table: AttributeTable, pattern: string): string[] {
  let re: RegExp;
  try {
    re = new RegExp(pattern);
  } catch {
    return [];
  }
  return [...table.values.keys()].filter((n) => re.test(n));
}

/** `name++` and `name+=N` add to the current value (an integer; INFINITY caps). */
function expand(value: string | undefined, current: string | undefined): string | undefined {
  if (value === undefined) return undefined;
  const m = /^[^+]+(\+\+|\+=(.+))$/.exec(value);
  if (!m) return value;
  const base = toScore(current ?? '0');
  const add = m[1] === '++' ? 1 : toScore(m[2]!);
  const sum = base + add;
  return sum >= 1_000_000 ? 'INFINITY' : String(sum);
}

function toScore(text: string): number {
  if (/^\+?INFINITY$/i.test(text)) return 1_000_000;
  const n = Number.parseInt(text, 10);
  return Number.isFinite(n) ? n : 0;
}

function query(table: AttributeTable, msg: XmlElement, local: string | undefined): XmlElement {
  const name = msg.attrs.attr_name;
  const values = name !== undefined ? table.values.get(name) : undefined;
  const reply = el('build_query_reply', { t: 'attrd', subt: AttrdTask.query, attr_version: ATTRD_PROTOCOL_VERSION });
  // No attr_name in the reply tells the caller the attribute does not exist.
  if (name === undefined || !values) return reply;
  reply.attrs.attr_name = name;
  let host = msg.attrs.attr_host;
  if (host !== undefined && host.toLowerCase() === 'localhost') host = local;
  if (host !== undefined) {
    reply.children.push(el('node', { attr_host: host, attr_value: values.get(host) }));
  } else {
    for (const [node, value] of values) reply.children.push(el('node', { attr_host: node, attr_value: value }));
  }
  return reply;
}

function clearFailures(table: AttributeTable, write: Write, msg: XmlElement, local: string | undefined): void {
  const a = msg.attrs;
  const host = a.attr_host ?? local;
  const rsc = a.attr_resource;
  const op = a.attr_clear_operation;
  const interval = a.attr_clear_interval;
  for (const name of [...table.values.keys()]) {
    const m = /^(fail-count|last-failure)-(.+?)(?:#(.+)_(\d+))?$/.exec(name);
    if (!m) continue;
    if (rsc !== undefined && m[2] !== rsc) continue;
    if (op !== undefined && (m[3] !== op || (interval !== undefined && m[4] !== String(parseIntervalMs(interval))))) continue;
    for (const node of [...table.values.get(name)!.keys()]) if (host === undefined || node === host) write(name, node, undefined);
  }
}

function parseIntervalMs(spec: string): number {
  const n = Number.parseInt(spec, 10);
  return Number.isFinite(n) ? n : 0;
}
