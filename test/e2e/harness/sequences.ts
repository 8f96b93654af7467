// The executor operations the controller sent to the remote daemon, read
// from our daemon's debug log (its `request`, `exec result` and `agent run`
// lines) or from the real daemon's debug
// log (PCMK_debug=yes, with PCMK_trace_functions=schedule_lrmd_cmd for the
// resource and action of each exec), and the exec results each daemon produced.

/** One request as the daemon received it. */
export interface OpEvent {
  readonly op: string;
  readonly rsc?: string;
  readonly action?: string;
  readonly interval?: number;
}

/** One finished action. */
export interface ResultEvent {
  readonly rsc: string;
  readonly action: string;
  readonly callId: number;
  readonly rc: number;
  /** Wall-clock time, ms since the epoch. */
  readonly t: number;
  readonly interval?: number;
}

interface TraceLine {
  t: number;
  dir: string;
  op?: string;
  rsc?: string;
  action?: string;
  interval?: number;
  callId?: number;
  rc?: number;
}

/** Our daemon's debug lines (pino JSON, `--log-level debug`) as trace events. */
const DIR: Readonly<Record<string, string>> = { 'client registered': 'attach', request: 'req', 'exec result': 'result', 'agent run': 'run' };

function traceLines(text: string): TraceLine[] {
  const out: TraceLine[] = [];
  for (const l of text.split('\n')) {
    if (!l.startsWith('{')) continue;
    let o: Record<string, unknown>;
    try {
      o = JSON.parse(l) as Record<string, unknown>;
    } catch {
      continue;
    }
    const dir = DIR[String(o.msg)];
    if (dir === undefined) continue;
    out.push({
      t: typeof o.time === 'string' ? Date.parse(o.time) : Number(o.time),
      dir,
      ...(typeof o.op === 'string' ? { op: o.op } : {}),
      ...(typeof o.rscId === 'string' ? { rsc: o.rscId } : {}),
      ...(typeof o.action === 'string' ? { action: o.action } : {}),
      ...(typeof o.interval === 'number' ? { interval: o.interval } : {}),
      ...(typeof o.callId === 'number' ? { callId: o.callId } : {}),
      ...(typeof o.rc === 'number' ? { rc: o.rc } : {}),
    });
  }
  return out;
}

/** Requests from our daemon's debug log; each connection starts with `register`. */
export function ourRequests(trace: string): OpEvent[] {
  const out: OpEvent[] = [];
  for (const l of traceLines(trace)) {
    if (l.dir === 'attach') out.push({ op: 'register' });
    if (l.dir === 'req' && l.op) {
      out.push({ op: l.op, ...(l.rsc !== undefined ? { rsc: l.rsc } : {}), ...(l.action !== undefined ? { action: l.action } : {}), ...(l.interval !== undefined ? { interval: l.interval } : {}) });
    }
  }
  return out;
}

export function ourResults(trace: string): ResultEvent[] {
  return traceLines(trace)
    .filter((l) => l.dir === 'result')
    .map((l) => ({ rsc: l.rsc ?? '?', action: l.action ?? '?', callId: l.callId ?? -1, rc: l.rc ?? -1, t: l.t, ...(l.interval !== undefined ? { interval: l.interval } : {}) }));
}

/** `Nov 22 08:57:15.674` (local time, this year) → ms since the epoch. */
export function pacemakerLogTime(line: string, year = new Date().getFullYear()): number | undefined {
  const m = /^([A-Z][a-z]{2}) +(\d+) (\d\d:\d\d:\d\d)(\.\d+)?/.exec(line);
  if (!m) return undefined;
  const t = new Date(`${m[1]} ${m[2]} ${year} ${m[3]}`).getTime();
  return Number.isNaN(t) ? undefined : t + Math.round(Number(m[4] ?? 0) * 1000);
}

/** Requests from the real daemon's log. */
export function realRequests(log: string): OpEvent[] {
  const out: OpEvent[] = [];
  let pending: { rsc: string; action: string } | undefined;
  let cached: string | undefined;
  for (const line of log.split('\n')) {
    let m = /\(schedule_lrmd_cmd[@)].*Scheduling (\S+) on (\S+)/.exec(line);
    if (m) {
      pending = { action: m[1]!, rsc: m[2]! };
      continue;
    }
    m = /Cached agent information for '([^']+)'/.exec(line);
    if (m) {
      cached = m[1];
      continue;
    }
    m = /Processed (\S+) operation from /.exec(line);
    if (m) {
      const op = m[1]!;
      if (op === 'lrmd_rsc_exec' && pending) out.push({ op, ...pending });
      else if (op === 'lrmd_rsc_register' && cached) out.push({ op, rsc: cached });
      else out.push({ op });
      pending = undefined;
      cached = undefined;
    }
  }
  return out;
}

/** Results from the real daemon's log (`RSC ACTION (call N, PID P) exited with status S`). */
export function realResults(log: string): ResultEvent[] {
  const out: ResultEvent[] = [];
  for (const line of log.split('\n')) {
    const m = /\(log_finished[@)][^)]*\)\s+\S+: (\S+) (\S+) \(call (\d+)[^)]*\) (?:exited with status (\d+)|could not be executed)/.exec(line);
    if (m) out.push({ rsc: m[1]!, action: m[2]!, callId: Number(m[3]), rc: m[4] !== undefined ? Number(m[4]) : -1, t: pacemakerLogTime(line) ?? 0 });
  }
  return out;
}

/** One execution of an agent action (recurring ones run again and again under one request). */
export interface RunEvent {
  readonly rsc: string;
  readonly action: string;
  /** What identifies one recurring action: its interval (ours) or its call id (the real daemon); undefined for one-shot. */
  readonly key?: string;
}

/** Runs from our daemon's debug log. */
export function ourRuns(trace: string): RunEvent[] {
  return traceLines(trace)
    .filter((l) => l.dir === 'run')
    .map((l) => ({ rsc: l.rsc ?? '?', action: l.action ?? '?', ...(l.interval ? { key: `interval ${l.interval}` } : {}) }));
}

/** Runs from the real daemon's log: one `log_finished` line per run (a recurring action's later runs are not logged as "executing"). */
export function realRuns(log: string): RunEvent[] {
  return realResults(log).map((r) => ({ rsc: r.rsc, action: r.action, key: `call ${r.callId}` }));
}

/** Largest number of runs of one recurring `action` of `rsc` (a one-shot probe of the same call id counts as one). */
export function recurringRuns(runs: readonly RunEvent[], rsc: string, action = 'monitor'): number {
  const byKey = new Map<string, number>();
  for (const r of runs) if (r.rsc === rsc && r.action === action && r.key !== undefined) byKey.set(r.key, (byKey.get(r.key) ?? 0) + 1);
  return Math.max(0, ...byKey.values());
}

/** `lrmd_rsc_exec` → `exec`, etc. */
export function shortOp(op: string): string {
  return op.replace(/^lrmd_rsc_/, '').replace(/^lrmd_/, '');
}

/** One line: `register poke info(d) register(d) exec(d:monitor) poke×3 ...` (repeats folded). */
export function compact(events: readonly OpEvent[]): string {
  const tokens = events.map((e) => {
    const what = [e.rsc, e.action !== undefined ? `${e.action}${e.interval ? `/${e.interval}` : ''}` : undefined].filter(Boolean).join(':');
    return what ? `${shortOp(e.op)}(${what})` : shortOp(e.op);
  });
  const out: string[] = [];
  for (let i = 0; i < tokens.length; ) {
    let j = i;
    while (j < tokens.length && tokens[j] === tokens[i]) j++;
    out.push(j - i > 1 ? `${tokens[i]}×${j - i}` : tokens[i]!);
    i = j;
  }
  return out.join(' ');
}

/** The op names only (comparable across daemons: the real log lacks some resource ids). */
export function opsOnly(events: readonly OpEvent[]): string {
  return compact(events.map((e) => ({ op: e.op })));
}
