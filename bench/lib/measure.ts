// Timing: warm-up until the optimising compiler has had its chance, then repeated timed runs, and
// the median of the runs. One "run" times `iters` back-to-back calls (enough calls that a run lasts
// at least MIN_RUN_MS, so the clock's resolution and call overhead do not matter) and reports the
// time per call. Slow cells get fewer runs instead of being skipped: one warm-up call and one timed
// run at least, and for a cell whose first call already takes longer than singleCallMs, that call
// alone (the child process has run the same kernels on batch 1 just before, so they are warm).

export interface Budget {
  /** warm-up lasts at least this long and at least warmupIters calls, unless warmupCapMs runs out */
  readonly warmupMs: number;
  readonly warmupIters: number;
  readonly warmupCapMs: number;
  /** timed runs continue until this much time was spent and minRuns were done (or maxRuns) */
  readonly runMs: number;
  readonly minRuns: number;
  readonly maxRuns: number;
  /** calls up to this long get at least fewRuns runs, even past runMs (the median needs some) */
  readonly fewRunsUpToMs: number;
  readonly fewRuns: number;
  /** a first call longer than this is the only one: the cell is too slow for more in a few minutes */
  readonly singleCallMs: number;
}

export const DEFAULT_BUDGET: Budget = {
  warmupMs: 500,
  warmupIters: 20,
  warmupCapMs: 2500,
  runMs: 2000,
  minRuns: 5,
  maxRuns: 40,
  fewRunsUpToMs: 3000,
  fewRuns: 3,
  singleCallMs: 15000,
};

/** Shorter everything, for trying the harness out (`--quick`). */
export const QUICK_BUDGET: Budget = {
  warmupMs: 100,
  warmupIters: 3,
  warmupCapMs: 500,
  runMs: 300,
  minRuns: 2,
  maxRuns: 10,
  fewRunsUpToMs: 0,
  fewRuns: 1,
  singleCallMs: 3000,
};

const MIN_RUN_MS = 5;

export interface Measurement {
  /** median time of one call, over the runs */
  readonly medianMs: number;
  readonly minMs: number;
  readonly maxMs: number;
  /** timed runs; each is `iters` calls */
  readonly runs: number;
  readonly iters: number;
  readonly warmupCalls: number;
  /** true when the only timed call was the first one (see Budget.singleCallMs) */
  readonly firstCallOnly: boolean;
}

export function nowMs(): number {
  return Number(process.hrtime.bigint()) / 1e6;
}

export function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 === 1 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

function collectGarbage(): void {
  const g = (globalThis as { gc?: () => void }).gc;
  if (g !== undefined) g();
}

export function measure(fn: () => void, budget: Budget): Measurement {
  collectGarbage();
  // Warm-up; also gives the first estimate of one call's time.
  let warmupCalls = 0;
  const w0 = nowMs();
  let elapsed = 0;
  let lastCall = 0;
  for (;;) {
    const t = nowMs();
    fn();
    lastCall = nowMs() - t;
    warmupCalls++;
    if (warmupCalls === 1 && lastCall > budget.singleCallMs) {
      return { medianMs: lastCall, minMs: lastCall, maxMs: lastCall, runs: 1, iters: 1, warmupCalls: 0, firstCallOnly: true };
    }
    elapsed = nowMs() - w0;
    if (elapsed >= budget.warmupCapMs) break;
    if (elapsed >= budget.warmupMs && warmupCalls >= budget.warmupIters) break;
  }
  // The last warm-up call is the best estimate of a warm call.
  const perCall = Math.max(lastCall, 1e-4);
  const iters = Math.max(1, Math.ceil(MIN_RUN_MS / perCall));
  // minRuns when they fit in twice the run budget; else as many as fit, but fewRuns for calls up to
  // fewRunsUpToMs and one at least.
  const fit = Math.floor((budget.runMs * 2) / (perCall * iters));
  const minRuns = Math.max(Math.min(budget.minRuns, fit), perCall <= budget.fewRunsUpToMs ? budget.fewRuns : 1);
  collectGarbage();
  const times: number[] = [];
  const r0 = nowMs();
  while (times.length < budget.maxRuns && (times.length < minRuns || nowMs() - r0 < budget.runMs)) {
    const t = nowMs();
    for (let i = 0; i < iters; i++) fn();
    times.push((nowMs() - t) / iters);
  }
  return {
    medianMs: median(times),
    minMs: Math.min(...times),
    maxMs: Math.max(...times),
    runs: times.length,
    iters,
    warmupCalls,
    firstCallOnly: false,
  };
}
