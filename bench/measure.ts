// Throughput measurement for the codec benches, made for a busy shared
// machine: the functions compared are run INTERLEAVED, in many short rounds
// (each round runs every function once, the order reversed every other
// round), and each figure is the median over the rounds. A ratio is the
// median of the per-round ratios, so both sides of it saw the same load.
//
// Clock: by default wall time, what "messages per second" means. On a
// machine shared with other work, BENCH_CLOCK=cpu uses the CPU time of the
// whole process (process.cpuUsage, user + system) instead, so other
// processes' time does not count; it over-counts, though, by the GC and JIT
// threads that run beside the measured thread (Node 20 has no per-thread
// CPU clock): on this 2-core machine the same code reads 10-35% slower in
// CPU time than in wall time when the machine is quiet. BENCH_ROUNDS sets
// the rounds (default 31), BENCH_ROUND_SECONDS the time per function and
// round (default 0.03).

export type Clock = 'cpu' | 'wall';

export const CLOCK: Clock = process.env.BENCH_CLOCK === 'cpu' ? 'cpu' : 'wall';
export const ROUNDS = Math.max(1, Number(process.env.BENCH_ROUNDS ?? 31));
export const ROUND_SECONDS = Number(process.env.BENCH_ROUND_SECONDS ?? 0.03);

/** The clock in microseconds. */
function now(): number {
  if (CLOCK === 'wall') return Number(process.hrtime.bigint()) / 1000;
  const u = process.cpuUsage();
  return u.user + u.system;
}

/** One line saying how the figures were taken, for the output's header. */
export function methodNote(): string {
  const clock = CLOCK === 'cpu' ? 'process CPU time (user+system)' : 'wall time';
  return `median of ${ROUNDS} interleaved rounds of ${ROUND_SECONDS}s per figure, ${clock}`;
}

export const median = (xs: readonly number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 === 1 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
};

/** Calls per batch so that a batch takes about 1 ms of wall time (also the warm-up). */
function calibrate(fn: () => unknown): number {
  let batch = 1;
  for (;;) {
    const start = process.hrtime.bigint();
    for (let i = 0; i < batch; i++) fn();
    const ns = Number(process.hrtime.bigint() - start);
    if (ns >= 1e6 || batch >= 1 << 20) return Math.max(1, Math.round((batch * 1e6) / Math.max(ns, 1)));
    batch *= 2;
  }
}

/** Operations per second of `fn` over one round of about ROUND_SECONDS on the clock. */
function round(fn: () => unknown, batch: number): number {
  const limit = ROUND_SECONDS * 1e6;
  const start = now();
  let n = 0;
  let elapsed = 0;
  do {
    for (let i = 0; i < batch; i++) fn();
    n += batch;
    elapsed = now() - start;
  } while (elapsed < limit);
  return (n * 1e6) / elapsed;
}

/** Per-round operations per second of each function, measured interleaved. */
export interface Interleaved {
  /** rounds[r][i]: ops/s of function i in round r. */
  readonly rounds: readonly (readonly number[])[];
  /** Median ops/s of each function. */
  readonly ops: readonly number[];
}

export function interleave(fns: readonly (() => unknown)[]): Interleaved {
  // Warm up all of them before timing any, so the JIT has seen each.
  const batches = fns.map(calibrate);
  for (let w = 0; w < 3; w++) fns.forEach((fn, i) => round(fn, batches[i]!));
  const order = fns.map((_, i) => i);
  const rounds: number[][] = [];
  for (let r = 0; r < ROUNDS; r++) {
    const row: number[] = new Array(fns.length);
    for (const i of r % 2 === 0 ? order : [...order].reverse()) row[i] = round(fns[i]!, batches[i]!);
    rounds.push(row);
  }
  return { rounds, ops: order.map((i) => median(rounds.map((row) => row[i]!))) };
}

/** Median over rounds of ops(b) / ops(a). */
export function medianRatio(m: Interleaved, a: number, b: number): number {
  return median(m.rounds.map((row) => row[b]! / row[a]!));
}

/** XML and protobuf side of one benchmark, interleaved. */
export function measurePair(xml: () => unknown, protobuf: () => unknown): { xml: number; protobuf: number; ratio: number } {
  const m = interleave([xml, protobuf]);
  return { xml: m.ops[0]!, protobuf: m.ops[1]!, ratio: medianRatio(m, 0, 1) };
}

/** One function alone: median ops/s over the rounds. */
export function measureOne(fn: () => unknown): number {
  return interleave([fn]).ops[0]!;
}
