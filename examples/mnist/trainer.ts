// Training LeNet-5 with a module compiled in memory from examples/mnist/lenet5.cnn: mini-batch
// lossAndGrad + a runtime optimiser (SGD with Nesterov momentum or Adam), the learning rate on a
// per-step cosine schedule, held-out accuracy after each epoch. Used by train.ts and the tests.

import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { compileSource, loadModule } from '../../src/compile.js';
import type { GeneratedModule } from '../../src/module-api.js';
import { adam, cosineLr, sgd, type Optimizer } from '../../src/runtime/index.js';
import { Batcher } from './batches.js';
import { evaluate, type Evaluation } from './confusion.js';
import type { Digits } from './data.js';

export const MODEL_PATH = join(dirname(fileURLToPath(import.meta.url)), 'lenet5.cnn');

/** Compiles a .cnn file (float32) and loads the module without writing it anywhere. */
export async function compileModel(path = MODEL_PATH): Promise<GeneratedModule> {
  const text = readFileSync(path, 'utf8');
  const result = await compileSource(text, path, { dtype: 'f32' });
  if (result.code === undefined) {
    const errors = result.diagnostics
      .filter((d) => d.severity === 'error')
      .map((d) => `${d.range.start.line}: ${d.message}`);
    throw new Error(`${path} does not compile:\n${errors.join('\n')}`);
  }
  return loadModule(result.code);
}

export interface TrainOptions {
  readonly epochs: number;
  readonly batch: number;
  /** peak learning rate (cosine-annealed to 0 over the run) */
  readonly lr: number;
  readonly seed: number;
  readonly optimizer: 'sgd' | 'adam';
  /** SGD: Nesterov momentum (default 0.9) */
  readonly momentum?: number;
  readonly weightDecay?: number;
  /** augmentation: random translation by up to this many pixels (default 0) */
  readonly shift?: number;
  /** the normalised value of an empty pixel, for the augmentation's border */
  readonly background?: number;
  /** after every step; `step` counts from 0 over the whole run */
  readonly onStep?: (epoch: number, stepInEpoch: number, step: number, loss: number) => void;
  readonly onEpochStart?: (epoch: number) => void;
  /** after every epoch, with the held-out evaluation */
  readonly onEpoch?: (epoch: number, evaluation: Evaluation) => void;
}

export interface TrainResult {
  readonly params: Float32Array;
  /** every step's mean batch loss, in order */
  readonly losses: number[];
  /** held-out evaluation after each epoch */
  readonly evaluations: Evaluation[];
  readonly stepsPerEpoch: number;
}

function makeOptimizer(params: Float32Array, o: TrainOptions): Optimizer {
  if (o.optimizer === 'adam') return adam(params, { lr: o.lr, weightDecay: o.weightDecay ?? 0 });
  return sgd(params, { lr: o.lr, momentum: o.momentum ?? 0.9, nesterov: true, weightDecay: o.weightDecay ?? 0 });
}

export function train(net: GeneratedModule, data: { train: Digits; test: Digits }, o: TrainOptions): TrainResult {
  const params = net.initParams(o.seed);
  if (!(params instanceof Float32Array)) throw new Error('train: expected a float32 module');
  const grad = new Float32Array(net.paramCount);
  const ws = net.createWorkspace(o.batch, o.seed);
  const batcher = new Batcher(data.train, {
    batch: o.batch,
    seed: o.seed,
    ...(o.shift !== undefined ? { shift: o.shift } : {}),
    ...(o.background !== undefined ? { background: o.background } : {}),
  });
  const opt = makeOptimizer(params, o);
  const totalSteps = o.epochs * batcher.stepsPerEpoch;
  const schedule = cosineLr({ lr: o.lr, tMax: Math.max(totalSteps, 1) });
  const lossAndGrad = net.lossAndGrad;
  if (lossAndGrad === undefined) throw new Error('train: the model declares no loss');

  const losses: number[] = [];
  const evaluations: Evaluation[] = [];
  let step = 0;
  for (let epoch = 0; epoch < o.epochs; epoch++) {
    o.onEpochStart?.(epoch);
    let k = 0;
    for (const b of batcher.epoch(epoch)) {
      opt.lr = schedule(step);
      const loss = lossAndGrad(params, b.input, b.target, grad, ws);
      if (!Number.isFinite(loss))
        throw new Error(`train: the loss became ${loss} at step ${step}; lower the learning rate`);
      opt.step(params, grad);
      losses.push(loss);
      o.onStep?.(epoch, k++, step++, loss);
    }
    const evaluation = evaluate(net, params, data.test);
    evaluations.push(evaluation);
    o.onEpoch?.(epoch, evaluation);
  }
  return { params, losses, evaluations, stepsPerEpoch: batcher.stepsPerEpoch };
}
