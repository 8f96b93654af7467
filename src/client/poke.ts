/**
 * `lrmd_rsc_poke` and its answer (spec/protocol.md §5.8): the request is
 * fire-and-forget; the answer is the next poke notification, which the
 * server sends to every client, so any client's poke counts (as for the
 * controller's connection monitor).
 */
import { Op } from '../protocol/constants.js';
import type { GenericNotify } from '../protocol/messages/notify.js';
import { ClientError, ClientErrorCode } from './errors.js';
import type { RequestOptions, Session, SessionNotify } from './session.js';

/**
 * Send a poke on `session` and resolve with the first poke notification
 * that arrives after it. Rejects with TIMEOUT after `timeoutMs` (0 = none),
 * ABORTED, or the session's close reason (CONNECTION_LOST by default).
 */
export async function pokeAndWait(session: Session, options: Omit<RequestOptions, 'expectReply'> & { timeoutMs: number }): Promise<GenericNotify> {
  const { signal, timeoutMs } = options;
  let stop: (err: Error) => void = () => {};
  const arrived = new Promise<GenericNotify>((resolve, reject) => {
    const timer = timeoutMs > 0 ? setTimeout(() => finish(new ClientError(ClientErrorCode.Timeout, `no poke notify within ${timeoutMs} ms`)), timeoutMs) : undefined;
    const onNotify = (n: SessionNotify): void => {
      if (n.op === Op.poke && !('unknown' in n)) finish(undefined, n as GenericNotify);
    };
    const onClose = (e: ClientError | undefined): void => finish(e ?? new ClientError(ClientErrorCode.ConnectionLost, 'closed'));
    const onAbort = (): void => finish(new ClientError(ClientErrorCode.Aborted, 'poke aborted', { cause: signal?.reason }));
    const finish = (err: Error | undefined, n?: GenericNotify): void => {
      clearTimeout(timer);
      session.off('notify', onNotify).off('close', onClose);
      signal?.removeEventListener('abort', onAbort);
      if (err) reject(err);
      else resolve(n!);
    };
    stop = finish;
    session.on('notify', onNotify).on('close', onClose);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
  try {
    await session.request({ kind: 'request', op: 'lrmd_rsc_poke', timeout: 0, callOptions: 0 }, { ...(signal ? { signal } : {}), expectReply: false });
  } catch (err) {
    stop(err as Error);
  }
  return arrived;
}
