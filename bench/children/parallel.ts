// Child process: training steps of one network, at every batch size of section D, either
// single-threaded (WORKERS = 0: the module's lossAndGrad + the runtime's SGD, as the throughput
// section's cnnc cell) or on WORKERS worker threads (dataParallel from cnnc/runtime: the batch is
// copied into the shared buffers, split, the gradients summed, then the same SGD update of the
// shared parameters). argv: NET_ID WORKERS quick|full

import { existsSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { FloatArray, GeneratedModule } from '../../src/module-api.js';
import type { DataParallelOptions, DataParallelTrainer } from '../../src/runtime/index.js';
import { loadCompiler, loadSgd } from '../lib/cnnc.js';
import { DEFAULT_BUDGET, QUICK_BUDGET, median, nowMs, type Budget, type Measurement } from '../lib/measure.js';
import { LEARNING_RATE, loadNet, makeBatch, oneHot, type BenchNet } from '../lib/nets.js';
import { ROOT } from '../lib/paths.js';
import { errorText, send } from '../lib/protocol.js';
import { PARALLEL_BATCHES, type ParallelCell } from '../sections/parallel.js';

type DataParallel = (o: DataParallelOptions) => Promise<DataParallelTrainer<FloatArray>>;

/** cnnc/runtime's dataParallel: the build (dist/) when it exists, as the other cells use, else the sources. */
async function loadDataParallel(): Promise<{ value: DataParallel; from: string }> {
  const dist = join(ROOT, 'dist', 'src', 'runtime', 'index.js');
  const from = existsSync(dist) ? 'dist' : 'src (tsx)';
  const m = (await import(pathToFileURL(existsSync(dist) ? dist : join(ROOT, 'src', 'runtime', 'index.ts')).href)) as {
    dataParallel?: DataParallel;
  };
  if (typeof m.dataParallel !== 'function') throw new Error(`cnnc/runtime (${from}) has no dataParallel`);
  return { value: m.dataParallel, from };
}

interface Timed {
  readonly result: Measurement;
  /** over the timed runs: CPU time of the whole process (every thread) per step, and over wall time */
  readonly cpuMs: number;
  readonly coresUsed: number;
}

/** bench/lib/measure.ts's measure(), for a step that returns a promise: same budget, same rules. */
async function measureSteps(fn: () => Promise<unknown>, budget: Budget): Promise<Timed> {
  (globalThis as { gc?: () => void }).gc?.();
  let warmupCalls = 0;
  let lastCall = 0;
  const w0 = nowMs();
  const only = (ms: number): Timed => ({
    result: { medianMs: ms, minMs: ms, maxMs: ms, runs: 1, iters: 1, warmupCalls: 0, firstCallOnly: true },
    cpuMs: NaN,
    coresUsed: NaN,
  });
  for (;;) {
    const t = nowMs();
    await fn();
    lastCall = nowMs() - t;
    warmupCalls++;
    if (warmupCalls === 1 && lastCall > budget.singleCallMs) return only(lastCall);
    const elapsed = nowMs() - w0;
    if (elapsed >= budget.warmupCapMs || (elapsed >= budget.warmupMs && warmupCalls >= budget.warmupIters)) break;
  }
  const perCall = Math.max(lastCall, 1e-4);
  const iters = Math.max(1, Math.ceil(5 / perCall));
  const fit = Math.floor((budget.runMs * 2) / (perCall * iters));
  const minRuns = Math.max(Math.min(budget.minRuns, fit), perCall <= budget.fewRunsUpToMs ? budget.fewRuns : 1);
  (globalThis as { gc?: () => void }).gc?.();
  const times: number[] = [];
  const cpu0 = process.cpuUsage();
  const r0 = nowMs();
  while (times.length < budget.maxRuns && (times.length < minRuns || nowMs() - r0 < budget.runMs)) {
    const t = nowMs();
    for (let i = 0; i < iters; i++) await fn();
    times.push((nowMs() - t) / iters);
  }
  const wall = nowMs() - r0;
  const cpu = process.cpuUsage(cpu0);
  const cpuTotal = (cpu.user + cpu.system) / 1000;
  return {
    result: {
      medianMs: median(times),
      minMs: Math.min(...times),
      maxMs: Math.max(...times),
      runs: times.length,
      iters,
      warmupCalls,
      firstCallOnly: false,
    },
    cpuMs: cpuTotal / (times.length * iters),
    coresUsed: cpuTotal / wall,
  };
}

function maxDiff(a: FloatArray, b: FloatArray): number {
  let d = 0;
  let m = 0;
  for (let i = 0; i < a.length; i++) {
    d = Math.max(d, Math.abs(a[i]! - b[i]!));
    m = Math.max(m, Math.abs(b[i]!));
  }
  return d / m;
}

async function cell(
  net: BenchNet,
  mod: GeneratedModule,
  workers: number,
  batch: number,
  budget: Budget,
  dp?: DataParallel,
): Promise<Omit<ParallelCell, 'load'>> {
  const size = mod.inputShape.reduce((a, b) => a * b, 1);
  const { input, labels } = makeBatch(size, batch, net.classes);
  const target = oneHot(labels, net.classes);
  const params = mod.initParams(1);
  const grad = new Float32Array(mod.paramCount);
  const ws = mod.createWorkspace(batch, 1);
  const lossAndGrad = mod.lossAndGrad;
  if (lossAndGrad === undefined) throw new Error('the module has no lossAndGrad');
  const base = { net: net.entry.id, batch, workers };
  if (workers === 0) {
    const step = (await loadSgd(params, LEARNING_RATE)).value;
    const loss = lossAndGrad(params, input, target, grad, ws);
    if (!Number.isFinite(loss) || loss <= 0) throw new Error(`lossAndGrad returned ${loss}`);
    const timed = await measureSteps(async () => {
      lossAndGrad(params, input, target, grad, ws);
      step(params, grad);
    }, budget);
    return { ...base, ...timed };
  }
  const t0 = nowMs();
  const trainer = await dp!({ module: { source: net.text, file: net.entry.file }, workers, batch, params });
  const startMs = nowMs() - t0;
  try {
    // A fast trainer that computes something else would make a meaningless row: the first parallel
    // step must give the single-threaded loss and gradient (float32 regrouping: 1e-4 of the scale).
    const loss = await trainer.lossAndGrad(trainer.params, input, target);
    const want = lossAndGrad(params, input, target, grad, ws);
    if (!(Math.abs(loss - want) <= 1e-4 * want)) throw new Error(`parallel loss ${loss}, single-threaded ${want}`);
    const d = maxDiff(trainer.grad, grad);
    if (!(d <= 1e-4)) throw new Error(`parallel gradient differs from the single-threaded one by ${d} of its scale`);
    const step = (await loadSgd(trainer.params, LEARNING_RATE)).value;
    const timed = await measureSteps(async () => {
      await trainer.lossAndGrad(trainer.params, input, target);
      step(trainer.params, trainer.grad);
    }, budget);
    return { ...base, ...timed, startMs };
  } finally {
    await trainer.close();
  }
}

async function main(): Promise<void> {
  const [netId, workersText, speed] = process.argv.slice(2);
  const workers = Number(workersText);
  if (netId === undefined || !Number.isInteger(workers) || workers < 0)
    throw new Error(`usage: parallel.ts NET WORKERS quick|full (got ${netId} ${workersText})`);
  const budget = speed === 'quick' ? QUICK_BUDGET : DEFAULT_BUDGET;
  const net = await loadNet(netId);
  const compile = (await loadCompiler()).value;
  const mod = await compile(net.text, net.entry.file);
  const dp = workers > 0 ? await loadDataParallel() : undefined;
  if (dp !== undefined) send({ type: 'note', note: `dataParallel from ${dp.from}` });
  for (const batch of PARALLEL_BATCHES) {
    const load0 = loadavg()[0]!;
    let data: ParallelCell;
    try {
      data = { ...(await cell(net, mod, workers, batch, budget, dp?.value)), load: [load0, loadavg()[0]!] };
    } catch (e) {
      data = { net: netId, batch, workers, error: errorText(e), load: [load0, loadavg()[0]!] };
    }
    send({ type: 'data', data });
  }
}

main().then(
  () => process.disconnect?.(),
  (e: unknown) => {
    send({ type: 'fail', error: errorText(e) });
    process.disconnect?.();
  },
);
