// Data-parallel training on worker_threads (Node only): one batch is split into slices, each worker
// runs the generated module's lossAndGrad on its slice, and the main thread sums the slice gradients.
//
//   const trainer = await dataParallel({ module: 'lenet5.cnn', workers: 2, batch: 32 });
//   const opt = sgd(trainer.params, { lr: 0.01, momentum: 0.9 });  // updates the shared vector in place
//   for (const [x, t] of batches) {
//     const loss = await trainer.lossAndGrad(trainer.params, x, t);  // into trainer.grad
//     opt.step(trainer.params, trainer.grad);
//   }
//   await trainer.close();
//
// The result equals one lossAndGrad over the whole batch: the loss is a mean over the batch, so with
// slices of n_w samples out of n, loss = sum_w (n_w/n) loss_w and grad = sum_w (n_w/n) grad_w (each
// slice's mean), summed in float64 and rounded once. The parameters live in a SharedArrayBuffer
// (trainer.params) that every worker reads; inputs and targets are copied into shared buffers
// (trainer.input/target, which a caller can fill instead to skip the copy). A step is started and
// collected with Atomics (notify/wait in the workers, waitAsync here), about 20 µs per round trip
// against about 50 µs for a postMessage echo on this machine. The node: modules are imported when
// dataParallel is called, so that `cnnc/runtime` still bundles for a browser.

import type { Worker } from 'node:worker_threads';
import type { FloatArray, GeneratedModule } from '../module-api.js';
import { resolveModule, type ModuleSpec } from './parallel-module.js';
import {
  CMD,
  CMD_QUIT,
  CMD_STEP,
  DONE,
  ERROR_BYTES,
  GEN,
  SLICES,
  controlLength,
  statusIndex,
  type WorkerInit,
} from './parallel-protocol.js';

export type { ModuleSpec } from './parallel-module.js';

export interface DataParallelOptions {
  /** the generated module: a .js/.ts/.cnn path or URL, { source } of a model, or { code } of a module */
  readonly module: ModuleSpec;
  /** the largest batch lossAndGrad takes (a shorter one is split the same way) */
  readonly batch: number;
  /** worker threads, default os.availableParallelism() (at most `batch`) */
  readonly workers?: number;
  /** initial parameters: a vector to copy, or a seed for module.initParams; default initParams() */
  readonly params?: FloatArray | number;
  /** workspace seed (dropout masks): worker w uses seed + w; default 0, as createWorkspace */
  readonly seed?: number;
}

export interface DataParallelTrainer<T extends FloatArray = Float32Array> {
  /** the generated module, loaded in this thread too (initParams, paramLayout, forward for evaluation) */
  readonly module: GeneratedModule;
  readonly workers: number;
  readonly batch: number;
  readonly paramCount: number;
  /** element type of the module, hence of every buffer here */
  readonly dtype: 'f32' | 'f64';
  /** the parameters every worker reads (SharedArrayBuffer): update it in place between steps */
  readonly params: T;
  /** shared input and target buffers for `batch` samples: fill them and pass them (or a prefix) to skip a copy */
  readonly input: T;
  readonly target: T;
  /** where lossAndGrad writes the gradient when no `grad` is given */
  readonly grad: T;
  readonly closed: boolean;
  /**
   * As the module's lossAndGrad over the whole batch: returns the mean loss and writes dL/dparams
   * into `grad` (default trainer.grad). `params` other than trainer.params are copied into it first.
   * One call at a time; rejects with the worker's message when the module throws in a worker.
   */
  lossAndGrad(params: T, input: T, target: T, grad?: T): Promise<number>;
  /** Ends the workers (after a running step); resolves when every thread has exited. */
  close(): Promise<void>;
}

// Atomics.waitAsync is in V8 (Node >= 16) but not in the ES2022 lib this package compiles against.
type WaitAsync = (a: Int32Array, index: number, value: number) => { async: boolean; value: Promise<string> | string };
const waitAsync = (Atomics as unknown as { waitAsync: WaitAsync }).waitAsync;

let workerUrlCache: Promise<URL> | undefined;

/** dist/: the built worker next to this file. Sources (tsx, vitest): the worker bundled with esbuild. */
function workerUrl(): Promise<URL> {
  return (workerUrlCache ??= (async () => {
    const here = import.meta.url;
    if (!/\.[mc]?ts$/.test(here)) return new URL('./parallel-worker.js', here);
    const { fileURLToPath } = await import('node:url');
    // A dev dependency, named out of sight of bundlers (see parallel-module.ts: importCompiler).
    const name = 'esbuild';
    const esbuild = (await import(/* webpackIgnore: true */ /* @vite-ignore */ name)) as typeof import('esbuild');
    const out = await esbuild.build({
      entryPoints: [fileURLToPath(new URL('./parallel-worker.ts', here))],
      bundle: true,
      write: false,
      format: 'esm',
      platform: 'node',
      target: 'node20',
    });
    return new URL(`data:text/javascript;base64,${Buffer.from(out.outputFiles[0]!.text).toString('base64')}`);
  })());
}

function positiveInteger(name: string, value: unknown): number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 1)
    throw new RangeError(`dataParallel: ${name} must be a whole number >= 1, got ${String(value)}`);
  return value;
}

/** A view of a shared buffer, or a plain array of that many elements. */
function floats(dtype: 'f32' | 'f64', what: SharedArrayBuffer | number): FloatArray {
  if (typeof what === 'number') return dtype === 'f64' ? new Float64Array(what) : new Float32Array(what);
  return dtype === 'f64' ? new Float64Array(what) : new Float32Array(what);
}

function isFloatArray(x: unknown): x is FloatArray {
  return x instanceof Float32Array || x instanceof Float64Array;
}

interface Shared {
  readonly control: Int32Array;
  readonly losses: Float64Array;
  readonly errors: Uint8Array;
  readonly grads: readonly FloatArray[];
}

class Trainer implements DataParallelTrainer<FloatArray> {
  readonly paramCount: number;
  readonly grad: FloatArray;
  private readonly sampleSize: number;
  private readonly targetSize: number;
  private readonly alive: boolean[];
  private failure: Error | undefined;
  /** rejects the step (or the start-up) that is waiting, when a worker goes down */
  private pending: ((e: Error) => void) | undefined;
  private running: Promise<number> | undefined;
  private closing: Promise<void> | undefined;
  private quitting = false;

  constructor(
    readonly module: GeneratedModule,
    readonly batch: number,
    readonly dtype: 'f32' | 'f64',
    readonly params: FloatArray,
    readonly input: FloatArray,
    readonly target: FloatArray,
    private readonly shared: Shared,
    private readonly threads: readonly Worker[],
  ) {
    this.paramCount = module.paramCount;
    this.grad = floats(dtype, module.paramCount);
    this.sampleSize = input.length / batch;
    this.targetSize = target.length / batch;
    this.alive = threads.map(() => true);
    threads.forEach((t, w) => {
      t.on('error', (e: unknown) => this.down(w, `failed: ${e instanceof Error ? e.message : String(e)}`));
      t.on('exit', (code: number) => {
        this.alive[w] = false;
        this.down(w, `exited with code ${code}`);
      });
    });
  }

  get workers(): number {
    return this.threads.length;
  }
  get closed(): boolean {
    return this.closing !== undefined;
  }

  private down(w: number, what: string): void {
    if (this.quitting || this.failure !== undefined) return; // told to quit: exiting is expected
    this.failure = new Error(`dataParallel: worker ${w} ${what}`);
    this.pending?.(this.failure);
    for (const [i, t] of this.threads.entries()) if (i !== w && this.alive[i]) void t.terminate();
  }

  /** Resolves once every worker has posted 'ready' (each posts one message, then only uses Atomics). */
  async started(): Promise<void> {
    let ready = 0;
    await new Promise<void>((resolve, reject) => {
      if (this.failure !== undefined) return reject(this.failure);
      this.pending = reject;
      for (const t of this.threads) t.once('message', () => ++ready === this.threads.length && resolve());
    }).finally(() => (this.pending = undefined));
    for (const t of this.threads) t.unref(); // idle workers do not keep the process alive
  }

  /** Resolves when DONE reaches the worker count, rejects when a worker goes down first. */
  private collect(): Promise<void> {
    const c = this.shared.control;
    const w = this.threads.length;
    return new Promise<void>((resolve, reject) => {
      this.pending = reject;
      const poll = (): void => {
        if (this.failure !== undefined) return reject(this.failure);
        const v = Atomics.load(c, DONE);
        if (v >= w) return resolve();
        const r = waitAsync(c, DONE, v);
        if (r.async) void (r.value as Promise<string>).then(poll);
        else poll();
      };
      poll();
    }).finally(() => (this.pending = undefined));
  }

  lossAndGrad(params: FloatArray, input: FloatArray, target: FloatArray, grad?: FloatArray): Promise<number> {
    if (this.running !== undefined) {
      return Promise.reject(new Error('dataParallel: lossAndGrad is already running; await it before the next call'));
    }
    const run = this.step(params, input, target, grad ?? this.grad);
    this.running = run;
    return run.finally(() => (this.running = undefined));
  }

  private async step(params: FloatArray, input: FloatArray, target: FloatArray, grad: FloatArray): Promise<number> {
    if (this.failure !== undefined) throw this.failure;
    if (this.closing !== undefined) throw new Error('dataParallel: the trainer is closed');
    const n = this.checkArgs(params, input, target, grad);
    if (params.buffer !== this.params.buffer || params.byteOffset !== 0) this.params.set(params);
    if (input.buffer !== this.input.buffer || input.byteOffset !== 0) this.input.set(input);
    if (target.buffer !== this.target.buffer || target.byteOffset !== 0) this.target.set(target);

    const { control, losses, errors, grads } = this.shared;
    const workers = this.threads.length;
    const base = Math.floor(n / workers);
    const extra = n % workers;
    for (let w = 0, start = 0; w < workers; w++) {
      const count = base + (w < extra ? 1 : 0);
      control[SLICES + 2 * w] = start;
      control[SLICES + 2 * w + 1] = count;
      start += count;
    }
    Atomics.store(control, DONE, 0);
    Atomics.store(control, CMD, CMD_STEP);
    for (const t of this.threads) t.ref(); // a pending waitAsync alone does not keep Node running
    try {
      Atomics.add(control, GEN, 1);
      Atomics.notify(control, GEN);
      await this.collect();
    } finally {
      for (const t of this.threads) t.unref();
    }

    const failed: string[] = [];
    const active: number[] = [];
    for (let w = 0; w < workers; w++) {
      const bytes = control[statusIndex(workers, w)]!;
      const start = control[SLICES + 2 * w]!;
      const count = control[SLICES + 2 * w + 1]!;
      if (bytes > 0) {
        const text = new TextDecoder().decode(errors.slice(w * ERROR_BYTES, w * ERROR_BYTES + bytes));
        failed.push(`worker ${w} (samples ${start}..${start + count - 1}): ${text}`);
      } else if (count > 0) active.push(w);
    }
    if (failed.length > 0) throw new Error(`dataParallel.lossAndGrad: ${failed.join('; ')}`);

    let loss = 0;
    for (const w of active) loss += (control[SLICES + 2 * w + 1]! / n) * losses[w]!;
    sumWeighted(
      grad,
      active.map((w) => grads[w]!),
      active.map((w) => control[SLICES + 2 * w + 1]! / n),
    );
    return loss;
  }

  /** Argument checks before anything is written; returns the number of samples. */
  private checkArgs(params: FloatArray, input: FloatArray, target: FloatArray, grad: FloatArray): number {
    const name = 'dataParallel.lossAndGrad';
    for (const [what, a] of [
      ['params', params],
      ['input', input],
      ['target', target],
      ['grad', grad],
    ] as const) {
      if (!isFloatArray(a)) throw new TypeError(`${name}: ${what} must be a Float32Array or a Float64Array`);
    }
    if (params.length !== this.paramCount)
      throw new Error(`${name}: params has length ${params.length}, expected ${this.paramCount}`);
    if (grad.length !== this.paramCount)
      throw new Error(`${name}: grad has length ${grad.length}, expected ${this.paramCount}`);
    const n = input.length / this.sampleSize;
    if (!Number.isInteger(n) || n < 1 || n > this.batch) {
      throw new Error(
        `${name}: input has length ${input.length}, expected ${this.sampleSize} per sample for 1 to ${this.batch} samples`,
      );
    }
    if (target.length !== n * this.targetSize) {
      throw new Error(
        `${name}: target has length ${target.length}, expected ${n * this.targetSize} (${n} samples x ${this.targetSize})`,
      );
    }
    return n;
  }

  close(): Promise<void> {
    return (this.closing ??= (async () => {
      await this.running?.catch(() => undefined);
      const c = this.shared.control;
      this.quitting = true;
      Atomics.store(c, CMD, CMD_QUIT);
      Atomics.add(c, GEN, 1);
      Atomics.notify(c, GEN);
      await Promise.all(this.threads.map((t, w) => (this.alive[w] ? exited(t) : undefined)));
    })());
  }
}

/** Waits for a worker told to quit to exit; one that has not after 5 s is terminated. */
function exited(t: Worker): Promise<void> {
  t.ref(); // until it has exited, so that `await close()` returns before the process ends
  return new Promise<void>((resolve) => {
    const timer = setTimeout(() => void t.terminate(), 5000);
    t.once('exit', () => {
      clearTimeout(timer);
      resolve();
    });
  });
}

/** out = sum_i weights[i] * grads[i], element by element, in float64, rounded once on the store. */
function sumWeighted(out: FloatArray, grads: readonly FloatArray[], weights: readonly number[]): void {
  const n = out.length;
  if (grads.length === 1 && weights[0] === 1) {
    out.set(grads[0]!);
  } else if (grads.length === 2) {
    const a = grads[0]!,
      b = grads[1]!,
      wa = weights[0]!,
      wb = weights[1]!;
    for (let i = 0; i < n; i++) out[i] = wa * a[i]! + wb * b[i]!;
  } else {
    for (let i = 0; i < n; i++) {
      let s = 0;
      for (let k = 0; k < grads.length; k++) s += weights[k]! * grads[k]![i]!;
      out[i] = s;
    }
  }
}

/**
 * Starts `workers` worker threads, each with the same generated module (compiled or transpiled once,
 * here), and returns the trainer once every one has loaded it. Rejects with the reason when the
 * module cannot be loaded or compiled, has no lossAndGrad, or a worker fails to start.
 */
export async function dataParallel<T extends FloatArray = Float32Array>(
  options: DataParallelOptions,
): Promise<DataParallelTrainer<T>> {
  const batch = positiveInteger('batch', options?.batch);
  const { availableParallelism } = await import('node:os');
  const workers = positiveInteger('workers', options.workers ?? Math.min(availableParallelism(), batch));
  const seed = options.seed ?? 0;
  if (!Number.isInteger(seed)) throw new RangeError(`dataParallel: seed must be an integer, got ${String(seed)}`);

  const resolved = await resolveModule(options.module);
  let mod: GeneratedModule;
  try {
    mod = (await import(resolved.url)) as GeneratedModule;
  } catch (e) {
    throw new Error(`dataParallel: cannot load ${resolved.label}: ${e instanceof Error ? e.message : String(e)}`);
  }
  if (typeof mod.lossAndGrad !== 'function' || typeof mod.initParams !== 'function') {
    throw new Error(
      `dataParallel: ${resolved.label} is not a generated module with lossAndGrad (declare a loss in the model)`,
    );
  }
  const given = options.params;
  const initial = typeof given === 'object' ? given : mod.initParams(given);
  if (!isFloatArray(initial) || initial.length !== mod.paramCount) {
    throw new Error(`dataParallel: params must be a Float32Array or Float64Array of length ${mod.paramCount}`);
  }
  const dtype = (typeof given === 'object' ? mod.initParams(0) : initial) instanceof Float64Array ? 'f64' : 'f32';
  const bytes = dtype === 'f64' ? 8 : 4;
  const sampleSize = mod.inputShape.reduce((a, b) => a * b, 1);
  const targetSize = mod.outputShape.reduce((a, b) => a * b, 1);

  const sab = (elements: number, size = bytes) => new SharedArrayBuffer(elements * size);
  const control = sab(controlLength(workers), 4);
  const losses = sab(workers, 8);
  const errors = sab(workers * ERROR_BYTES, 1);
  const paramsBuffer = sab(mod.paramCount);
  const inputBuffer = sab(batch * sampleSize);
  const targetBuffer = sab(batch * targetSize);
  const gradBuffers = Array.from({ length: workers }, () => sab(mod.paramCount));
  const params = floats(dtype, paramsBuffer);
  params.set(initial);

  const { Worker } = await import('node:worker_threads');
  const url = await workerUrl();
  const threads = gradBuffers.map((grad, index) => {
    const init: WorkerInit = {
      cnncDataParallel: 1,
      moduleUrl: resolved.url,
      index,
      workers,
      dtype,
      sampleSize,
      targetSize,
      seed: seed + index,
      control,
      losses,
      errors,
      params: paramsBuffer,
      input: inputBuffer,
      target: targetBuffer,
      grad,
    };
    return new Worker(url, { workerData: init });
  });
  const trainer = new Trainer(
    mod,
    batch,
    dtype,
    params,
    floats(dtype, inputBuffer),
    floats(dtype, targetBuffer),
    {
      control: new Int32Array(control),
      losses: new Float64Array(losses),
      errors: new Uint8Array(errors),
      grads: gradBuffers.map((g) => floats(dtype, g)),
    },
    threads,
  );
  try {
    await trainer.started();
  } catch (e) {
    await Promise.all(threads.map((t) => t.terminate()));
    throw e;
  }
  return trainer as unknown as DataParallelTrainer<T>;
}
