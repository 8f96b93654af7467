/**
 * `lrmd_rsc_poke` and its answer (spec/protocol.md §5.8): the request is
 * fire-and-forget; the answer is a poke notification, which the server
 * sends to every client, so any client's poke counts (as for the
 * controller's connection monitor).
 */
import { Op } from '../protocol/constants.js';
import type { GenericNotify } from '../protocol/messages/notify.js';
import { ClientError, ClientErrorCode } from './errors.js';
import type { RequestOptions, Session, SessionNotify } from './session.js';

interface Waiter {
  readonly settle: (err: Error | undefined, n?: GenericNotify) => void;
}

/**
 * Pokes waiting on one session, oldest first. One pair of session
 * listeners serves them all (many pokes in flight stay within Node's
 * listener limit), and each poke notification settles one waiter: the
 * server sends one per poke, so N pokes in flight end after N notifies.
 */
const waiting = new WeakMap<Session, Waiter[]>();

function queueOf(session: Session): Waiter[] {
  let q = waiting.get(session);
  if (q) return q;
  const queue: Waiter[] = [];
  q = queue;
  waiting.set(session, queue);
  const onNotify = (n: SessionNotify): void => {
    if (n.op === Op.poke && !('unknown' in n)) queue[0]?.settle(undefined, n as GenericNotify);
  };
  const onClose = (e: ClientError | undefined): void => {
    for (const w of [...queue]) w.settle(e ?? new ClientError(ClientErrorCode.ConnectionLost, 'closed'));
    session.off('notify', onNotify);
  };
  session.on('notify', onNotify).once('close', onClose);
  return q;
}

/**
 * Send a poke on `session` and resolve with a poke notification that
 * arrives after it. Rejects with TIMEOUT after `timeoutMs` (0 = none),
 * ABORTED, or the session's close reason (CONNECTION_LOST by default).
 */
export async function pokeAndWait(session: Session, options: Omit<RequestOptions, 'expectReply'> & { timeoutMs: number }): Promise<GenericNotify> {
  const { signal, timeoutMs } = options;
  const queue = queueOf(session);
  let waiter!: Waiter;
  const arrived = new Promise<GenericNotify>((resolve, reject) => {
    const timer = timeoutMs > 0 ? setTimeout(() => waiter.settle(new ClientError(ClientErrorCode.Timeout, `no poke notify within ${timeoutMs} ms`)), timeoutMs) : undefined;
    const onAbort = (): void => waiter.settle(new ClientError(ClientErrorCode.Aborted, 'poke aborted', { cause: signal?.reason }));
    waiter = {
      settle: (err, n) => {
        const i = queue.indexOf(waiter);
        if (i < 0) return;
        queue.splice(i, 1);
        clearTimeout(timer);
        signal?.removeEventListener('abort', onAbort);
        if (err) reject(err);
        else resolve(n!);
      },
    };
    queue.push(waiter);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
  try {
    await session.request({ kind: 'request', op: 'lrmd_rsc_poke', timeout: 0, callOptions: 0 }, { ...(signal ? { signal } : {}), expectReply: false });
  } catch (err) {
    waiter.settle(err as Error);
  }
  return arrived;
}
