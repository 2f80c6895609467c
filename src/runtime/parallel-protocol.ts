// What the main thread and the workers of dataParallel (parallel.ts, parallel-worker.ts) share: the
// layout of the control words and the data each worker starts with. No imports, no Node APIs.
//
// Control words (Int32Array over a SharedArrayBuffer, W = number of workers):
//   [GEN]            step counter: the main thread increments it to start a step (or to quit)
//   [DONE]           workers finished with the current step; the main thread resets it to 0 first
//   [CMD]            what the new GEN means: CMD_STEP or CMD_QUIT
//   [SLICES + 2w]    first sample of worker w's slice of this step
//   [SLICES + 2w+1]  its sample count (0: the worker only reports done)
//   [status(W, w)]   0 when worker w's step went well, else the byte length of its error message
// Every write the main thread makes before its Atomics.add(GEN) (parameters, inputs, slices) is
// visible to a worker after its Atomics.wait/load of GEN returns, and every write of a worker before
// its Atomics.add(DONE) is visible to the main thread after it reads DONE: the Atomics operations are
// sequentially consistent, so the plain typed-array accesses around them are ordered.

export const GEN = 0;
export const DONE = 1;
export const CMD = 2;
export const SLICES = 4;
export const CMD_STEP = 0;
export const CMD_QUIT = 1;
/** bytes of error message kept per worker (UTF-8, cut at this length) */
export const ERROR_BYTES = 2048;

export function controlLength(workers: number): number {
  return SLICES + 3 * workers;
}

export function statusIndex(workers: number, w: number): number {
  return SLICES + 2 * workers + w;
}

/** workerData of each worker. The buffers are SharedArrayBuffers, shared with the main thread. */
export interface WorkerInit {
  /** marks the workerData as ours (the worker file does nothing without it) */
  readonly cnncDataParallel: 1;
  /** file:, data: or any URL `import()` takes, of the generated module as JavaScript */
  readonly moduleUrl: string;
  readonly index: number;
  readonly workers: number;
  readonly dtype: 'f32' | 'f64';
  /** floats per sample of the input and of the target */
  readonly sampleSize: number;
  readonly targetSize: number;
  /** workspace seed of this worker (dropout masks): the trainer's seed + index */
  readonly seed: number;
  readonly control: SharedArrayBuffer;
  /** one float64 per worker: the mean loss of its slice */
  readonly losses: SharedArrayBuffer;
  /** ERROR_BYTES per worker */
  readonly errors: SharedArrayBuffer;
  readonly params: SharedArrayBuffer;
  readonly input: SharedArrayBuffer;
  readonly target: SharedArrayBuffer;
  /** this worker's own gradient (paramCount floats): the mean gradient of its slice */
  readonly grad: SharedArrayBuffer;
}
