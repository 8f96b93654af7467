// A ProviderSession that records what a handler sends, for handler unit tests.
import type { IpcBody, IpcHandler, IpcRequest, ProviderSession } from '../../../src/client/index.js';
import { parseBody, toRawBody } from '../../../src/client/index.js';

export class FakeSession implements ProviderSession {
  readonly state = new Map<string, unknown>();
  readonly sent: Array<{ kind: 'response' | 'event'; msgId?: number; xml: string }> = [];
  closed = false;
  readonly nodeName: string | undefined;
  /** `nodeName` null: a session without a node name. */
  constructor(
    readonly server: string,
    nodeName: string | null = 'remote1',
    readonly id = '0b6e9d62-5b4c-4d8e-9c53-2bde3c4ad0f1',
  ) {
    this.nodeName = nodeName ?? undefined;
  }
  async respond(msgId: number, body: IpcBody): Promise<void> {
    this.sent.push({ kind: 'response', msgId, xml: toRawBody(body).xml });
  }
  async event(body: IpcBody): Promise<void> {
    this.sent.push({ kind: 'event', xml: toRawBody(body).xml });
  }
  async close(): Promise<void> {
    this.closed = true;
  }
}

let nextId = 1;
/** An IpcRequest for `xml`; flags 0x300 (the caller waits) unless given. */
export function req(xml: string, flags = 0x300): IpcRequest {
  const raw = { xml };
  return { msgId: nextId++, flags, expectsResponse: (flags & 0x200) !== 0, raw, xml: parseBody(raw), user: 'root', client: 'proxy-t' };
}

/** Open (if the handler wants to) and run one request; the returned body as text. */
export async function call(h: IpcHandler, s: FakeSession, xml: string, flags?: number): Promise<string | undefined> {
  if (!s.state.has('.opened')) {
    await h.open?.(s);
    s.state.set('.opened', true);
  }
  const out = await h.request(s, req(xml, flags));
  return out === undefined ? undefined : toRawBody(out).xml;
}
