// Preloaded into our daemon by the harness (`node --import tsx --import
// <this file>`): writes every executor request the controller sends, every
// agent run (the dispatcher asks the in-process registry first, for every
// action), and every exec result the daemon notifies, as JSON lines to $E2E_TRACE_FILE. The
// daemon's own debug log does not record requests; this is test
// instrumentation only and changes no behaviour.
import { appendFileSync } from 'node:fs';
import { InProcessRegistry } from '../../../src/server/agents/in-process.js';
import { Executor } from '../../../src/server/executor/executor.js';

const file = process.env.E2E_TRACE_FILE;
if (file) {
  const write = (o: object): void => {
    try {
      appendFileSync(file, JSON.stringify({ t: Date.now(), ...o }) + '\n');
    } catch {
      // tracing must never break the daemon
    }
  };
  const proto = Executor.prototype as unknown as {
    handle(clientId: string, request: Record<string, unknown>): { rc?: number } | undefined;
    attachClient(id: string, name: string | undefined, sink: { send(m: Record<string, unknown>): void }): void;
  };
  const handle = proto.handle;
  proto.handle = function (clientId, request) {
    const r = request;
    const reply = handle.call(this, clientId, request);
    write({
      dir: 'req',
      client: clientId,
      op: r.op,
      ...(r.rscId !== undefined ? { rsc: r.rscId } : {}),
      ...(r.action !== undefined ? { action: r.action } : {}),
      ...(r.interval !== undefined ? { interval: r.interval } : {}),
      ...(r.agent !== undefined ? { agent: `${String(r.standard)}:${r.provider ? `${String(r.provider)}:` : ''}${String(r.agent)}` } : {}),
      ...(reply && typeof reply === 'object' && 'rc' in reply ? { rc: reply.rc } : {}),
    });
    return reply;
  };
  const attach = proto.attachClient;
  proto.attachClient = function (id, name, sink) {
    write({ dir: 'attach', client: id, name });
    return attach.call(this, id, name, {
      send(m) {
        if (m.kind === 'notify' && m.op === 'lrmd_rsc_exec') {
          write({ dir: 'result', client: id, rsc: m.rscId, action: m.action, interval: m.interval, callId: m.callId, rc: m.execRc, status: m.opStatus });
        }
        sink.send(m);
      },
    });
  };
  const run = InProcessRegistry.prototype.run;
  InProcessRegistry.prototype.run = function (action) {
    write({ dir: 'run', rsc: action.rscId, action: action.action, interval: action.intervalMs });
    return run.call(this, action);
  };
}
