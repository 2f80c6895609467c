// One worker of dataParallel (parallel.ts): loads the generated module, then, for every step the
// main thread starts, runs lossAndGrad on its slice of the shared batch into its own shared gradient
// buffer. Between steps it sleeps in Atomics.wait on the GEN control word (a blocked thread uses no
// CPU); see parallel-protocol.ts for the layout and the memory ordering.
//
// Errors thrown by the module during a step are caught and reported through the shared error
// buffer, so the step still completes and the main thread rejects with the message; anything that
// escapes (a module that cannot load) ends the worker and reaches the main thread as an 'error'.

import { isMainThread, parentPort, workerData } from 'node:worker_threads';
import type { FloatArray, GeneratedModule, Workspace } from '../module-api.js';
import { CMD, CMD_QUIT, DONE, ERROR_BYTES, GEN, SLICES, statusIndex, type WorkerInit } from './parallel-protocol.js';

/** Workspaces per slice size: the usual one and at most one other (a short last batch). */
const KEEP_WORKSPACES = 2;

async function run(init: WorkerInit): Promise<void> {
  const mod = (await import(init.moduleUrl)) as GeneratedModule;
  const lossAndGrad = mod.lossAndGrad;
  if (typeof lossAndGrad !== 'function') throw new Error('the module has no lossAndGrad (declare a loss in the model)');

  const floats = (b: SharedArrayBuffer): FloatArray =>
    init.dtype === 'f64' ? new Float64Array(b) : new Float32Array(b);
  const control = new Int32Array(init.control);
  const losses = new Float64Array(init.losses);
  const errors = new Uint8Array(init.errors, init.index * ERROR_BYTES, ERROR_BYTES);
  const params = floats(init.params);
  const input = floats(init.input);
  const target = floats(init.target);
  const grad = floats(init.grad);
  const w = init.index;
  const status = statusIndex(init.workers, w);
  const workspaces = new Map<number, Workspace>();
  const encoder = new TextEncoder();

  const workspace = (count: number): Workspace => {
    let ws = workspaces.get(count);
    if (ws === undefined) {
      if (workspaces.size >= KEEP_WORKSPACES) workspaces.delete(workspaces.keys().next().value!);
      ws = mod.createWorkspace(count, init.seed);
      workspaces.set(count, ws);
    }
    return ws;
  };

  let seen = Atomics.load(control, GEN);
  parentPort!.postMessage('ready');
  for (;;) {
    Atomics.wait(control, GEN, seen);
    const gen = Atomics.load(control, GEN);
    if (gen === seen) continue;
    seen = gen;
    if (Atomics.load(control, CMD) === CMD_QUIT) return;
    const start = control[SLICES + 2 * w]!;
    const count = control[SLICES + 2 * w + 1]!;
    let loss = 0;
    let errorLength = 0;
    if (count > 0) {
      try {
        const x = input.subarray(start * init.sampleSize, (start + count) * init.sampleSize);
        const t = target.subarray(start * init.targetSize, (start + count) * init.targetSize);
        loss = lossAndGrad(params, x, t, grad, workspace(count));
      } catch (e) {
        const message = (e instanceof Error ? e.message : String(e)) || 'an error without a message';
        errorLength = Math.max(1, encoder.encodeInto(message, errors).written);
      }
    }
    losses[w] = loss;
    control[status] = errorLength;
    Atomics.add(control, DONE, 1);
    Atomics.notify(control, DONE);
  }
}

const data = workerData as Partial<WorkerInit> | null;
if (!isMainThread && data !== null && data?.cnncDataParallel === 1) await run(data as WorkerInit);
