// The gradient check of a loaded module: every gradient the generated code computes, against
// central finite differences of the same module's forward pass.
//
// Two scalar objectives share every forward evaluation:
//   backward:     f(params, x) = sum_k dOutput_k * forward(params, x)_k, with a random dOutput, so
//                 df/dparams and df/dx are exactly what backward(..., dOutput, grad) returns;
//   lossAndGrad:  the model's loss (LANGUAGE.md's formula, computed here from the forward output)
//                 against random targets, whose parameter gradient is what lossAndGrad returns;
//                 this path covers the fused softmax + cross-entropy gradient.
// Each checked element costs two forward passes (x + eps, x - eps; the value at x is shared), and
// two more per smaller step when kinks spoil the difference at eps (see compare.ts).
//
// Forward runs in training mode, so dropout draws masks. They must be the same in every
// evaluation, or the differences measure the change of mask: the workspace's PRNG state is
// restored before each call (see replayer), and the base forward is run twice to prove it works.

import type { FloatArray, GeneratedModule, Workspace } from '../module-api.js';
import type { LossKind } from '../network.js';
import { judge, judgeRefined, noiseFloor, REFINEMENT, relativeError, type ElementJudgement } from './compare.js';
import { chooseElements, drawParams, fillUniform, stream } from './random.js';
import {
  GradcheckOptionError,
  type GradcheckOptions,
  type GradcheckReport,
  type PathReport,
  type TensorReport,
  type WorstElement,
} from './types.js';

export const DEFAULTS = { seed: 1, batch: 2, samples: 20, eps: 1e-6, tol: 1e-5 } as const;

const PURPOSE = { params: 0, input: 1, dOutput: 2, target: 3, samples: 4, workspace: 5 } as const;

interface Target {
  readonly name: string;
  readonly shape: readonly number[];
  readonly size: number;
  /** the array perturbed and where the tensor starts in it */
  readonly array: FloatArray;
  readonly offset: number;
  /** the elements checked, chosen after the backward pass (see chooseElements) */
  indices: readonly number[];
  /** analytic gradient at the sampled indices, per path (undefined: not checked on that path) */
  readonly analytic: (Float64Array | undefined)[];
}

/** FNV-1a of a tensor name. */
function nameHash(name: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < name.length; i++) h = Math.imul(h ^ name.charCodeAt(i), 0x01000193);
  return h | 0;
}

const product = (shape: readonly number[]): number => shape.reduce((a, b) => a * b, 1);

function checkOptions(o: Required<Omit<GradcheckOptions, 'loss' | 'onProgress' | 'tensors'>>): void {
  const bad = (what: string): never => {
    throw new GradcheckOptionError(`gradcheck: ${what}`);
  };
  if (!Number.isSafeInteger(o.seed)) bad(`seed must be an integer, got ${o.seed}`);
  if (!Number.isSafeInteger(o.batch) || o.batch < 1) bad(`batch must be a whole number >= 1, got ${o.batch}`);
  if (!Number.isSafeInteger(o.samples) || o.samples < 1) bad(`samples must be a whole number >= 1, got ${o.samples}`);
  if (!(o.eps > 0 && o.eps < 1)) bad(`eps must be in (0, 1), got ${o.eps}`);
  if (!(o.tol > 0 && o.tol < 1)) bad(`tol must be in (0, 1), got ${o.tol}`);
}

/** Loss by LANGUAGE.md, from the forward output y (softmax probabilities for cross_entropy). */
export function referenceLoss(kind: LossKind, y: FloatArray, t: FloatArray, batch: number): number {
  let sum = 0;
  if (kind === 'cross_entropy') {
    for (let k = 0; k < y.length; k++) if (t[k] !== 0) sum -= t[k]! * Math.log(y[k]!);
  } else {
    for (let k = 0; k < y.length; k++) sum += ((y[k]! - t[k]!) * (y[k]! - t[k]!)) / 2;
  }
  return sum / batch;
}

/** sum_k |dL/dy_k| * |y_k|: how relative rounding errors in y reach the loss (see noiseFloor). */
function lossScale(kind: LossKind, y: FloatArray, t: FloatArray, batch: number): number {
  let s = 0;
  for (let k = 0; k < y.length; k++)
    s += kind === 'cross_entropy' ? Math.abs(t[k]!) : Math.abs((y[k]! - t[k]!) * y[k]!);
  return s / batch;
}

function dot(a: FloatArray, b: FloatArray): number {
  let s = 0;
  for (let k = 0; k < a.length; k++) s += a[k]! * b[k]!;
  return s;
}

function absDot(a: FloatArray, b: FloatArray): number {
  let s = 0;
  for (let k = 0; k < a.length; k++) s += Math.abs(a[k]! * b[k]!);
  return s;
}

/** Targets: a random distribution per sample (cross_entropy), or uniform in [-1, 1] (mse). */
function drawTarget(kind: LossKind, batch: number, classes: number, rand: () => number): Float64Array {
  const t = new Float64Array(batch * classes);
  if (kind === 'mse') {
    fillUniform(t, rand, -1, 1);
    return t;
  }
  for (let b = 0; b < batch; b++) {
    let s = 0;
    for (let i = 0; i < classes; i++) s += t[b * classes + i] = 0.05 + rand();
    for (let i = 0; i < classes; i++) t[b * classes + i]! /= s;
  }
  return t;
}

/**
 * Makes training-mode forward passes reproducible: returns the workspace to use for the next
 * evaluation, with its dropout PRNG at the same state as for the first one. Generated modules keep
 * that state in `ws.rng` (a number); a module without it gets a fresh workspace per evaluation.
 */
function replayer(
  module: GeneratedModule,
  batch: number,
  seed: number,
): { next: () => Workspace; mode: 'rng' | 'fresh-workspace' } {
  const ws = module.createWorkspace(batch, seed) as Workspace & { rng?: unknown };
  if (typeof ws.rng === 'number') {
    const state = ws.rng;
    return {
      mode: 'rng',
      next: () => {
        ws.rng = state;
        return ws;
      },
    };
  }
  return { mode: 'fresh-workspace', next: () => module.createWorkspace(batch, seed) };
}

function summarise(target: Target, judged: ElementJudgement[], indices: readonly number[]): TensorReport {
  let maxAbs = 0;
  let maxRel = 0;
  let kinks = 0;
  let worst: WorstElement | undefined;
  let passed = true;
  judged.forEach((j, k) => {
    if (j.verdict === 'kink') kinks++;
    if (j.verdict === 'fail') passed = false;
    maxAbs = Math.max(maxAbs, j.absError);
    if (worst === undefined || j.relError > maxRel) {
      maxRel = Math.max(maxRel, j.relError);
      worst = { index: indices[k]!, analytic: j.analytic, numeric: j.numeric };
    }
  });
  return {
    name: target.name,
    shape: target.shape,
    size: target.size,
    checked: judged.length,
    kinks,
    maxAbsError: maxAbs,
    maxRelError: maxRel,
    passed,
    ...(worst ? { worst } : {}),
  };
}

/** Checks every gradient of a module compiled with dtype f64. Synchronous; cost: see `evaluations`. */
export function gradcheckModule(module: GeneratedModule, options: GradcheckOptions = {}): GradcheckReport {
  const o = {
    seed: options.seed ?? DEFAULTS.seed,
    batch: options.batch ?? DEFAULTS.batch,
    samples: options.samples ?? DEFAULTS.samples,
    eps: options.eps ?? DEFAULTS.eps,
    tol: options.tol ?? DEFAULTS.tol,
  };
  checkOptions(o);
  const { seed, batch, eps, tol } = o;
  const notes: string[] = [];

  const params = module.initParams(seed);
  if (!(params instanceof Float64Array)) {
    throw new Error(
      'gradcheck: the module computes in float32; compile it with dtype f64 (finite differences need the precision)',
    );
  }
  drawParams(params, module.paramLayout, stream(seed, PURPOSE.params));
  const inSize = product(module.inputShape);
  const outSize = product(module.outputShape);
  // Inputs in [-1, 1]: continuous, so ties in max pooling windows have probability zero.
  const input = new Float64Array(batch * inSize);
  fillUniform(input, stream(seed, PURPOSE.input), -1, 1);
  const dOutput = new Float64Array(batch * outSize);
  fillUniform(dOutput, stream(seed, PURPOSE.dOutput), -1, 1);

  const lossKind = module.lossAndGrad !== undefined ? options.loss : undefined;
  if (module.lossAndGrad !== undefined && lossKind === undefined)
    notes.push('lossAndGrad not checked: the loss kind was not given');
  const target = lossKind ? drawTarget(lossKind, batch, outSize, stream(seed, PURPOSE.target)) : undefined;
  const pathCount = lossKind ? 2 : 1;

  const targets: Target[] = [
    ...module.paramLayout.map((p) => ({
      name: p.name,
      shape: p.shape,
      size: product(p.shape),
      array: params,
      offset: p.offset,
    })),
    { name: 'input', shape: [batch, ...module.inputShape], size: input.length, array: input, offset: 0 },
  ]
    .map((t) => ({ ...t, indices: [], analytic: [] }))
    .filter((t) => options.tensors === undefined || options.tensors.includes(t.name));
  const unknown = (options.tensors ?? []).filter((n) => n !== 'input' && !module.paramLayout.some((p) => p.name === n));
  if (options.tensors !== undefined && options.tensors.length === 0) {
    throw new GradcheckOptionError('gradcheck: the list of tensors to check is empty');
  }
  if (unknown.length > 0) {
    const names = [...module.paramLayout.map((p) => p.name), 'input'];
    throw new GradcheckOptionError(
      `gradcheck: the model has no tensor ${unknown.map((n) => `'${n}'`).join(', ')}; it has ${names.join(', ')}`,
    );
  }

  // chooseElements returns min(samples, size) elements per tensor; two forward passes each
  const planned = 2 * targets.reduce((n, t) => n + Math.min(o.samples, t.size), 0);
  options.onProgress?.({ done: 0, total: planned, tensor: '(forward and backward at the point)' });

  const replay = replayer(module, batch, seed + PURPOSE.workspace);
  const evaluate = (): FloatArray => module.forward(params, input, replay.next(), true);

  // The point itself, twice: training-mode forward must replay exactly, or nothing below means anything.
  const y0 = Float64Array.from(evaluate());
  const again = evaluate();
  for (let k = 0; k < y0.length; k++) {
    if (!Object.is(again[k], y0[k])) {
      throw new Error(
        `gradcheck: two training-mode forward passes from the same workspace state differ at output ${k} ` +
          `(${y0[k]} vs ${again[k]}); dropout masks could not be replayed`,
      );
    }
  }
  const f0 = [dot(dOutput, y0), lossKind ? referenceLoss(lossKind, y0, target!, batch) : 0];
  const scale = [absDot(dOutput, y0), lossKind ? lossScale(lossKind, y0, target!, batch) : 0];

  // Analytic gradients at the sampled elements; one grad vector is reused by both paths.
  const grad = new Float64Array(module.paramCount);
  const wsBackward = replay.next();
  module.forward(params, input, wsBackward, true);
  const dInput = module.backward(params, wsBackward, dOutput, grad);
  // One stream per tensor, keyed by its name: --only checks the same elements as a full run.
  for (const t of targets) {
    const source = t.name === 'input' ? dInput : grad;
    const offset = t.name === 'input' ? 0 : t.offset;
    t.indices = chooseElements(source, offset, t.size, o.samples, stream(seed ^ nameHash(t.name), PURPOSE.samples));
    t.analytic[0] = Float64Array.from(t.indices, (i) => source[offset + i]!);
  }
  let lossCheck: PathReport['loss'];
  if (lossKind) {
    const value = module.lossAndGrad!(params, input, target!, grad, replay.next());
    const rel = relativeError(value, f0[1]!, tol, noiseFloor(scale[1]!, 1));
    lossCheck = { module: value, reference: f0[1]!, relError: rel, passed: rel <= tol };
    // The input gradient is not part of lossAndGrad's contract; parameters only on this path.
    for (const t of targets) {
      if (t.name !== 'input') t.analytic[1] = Float64Array.from(t.indices, (i) => grad[t.offset + i]!);
    }
  }

  // Finite differences, element by element.
  let done = 0;
  const judged: ElementJudgement[][][] = targets.map(() => Array.from({ length: pathCount }, () => []));
  const noise = scale.map((s) => noiseFloor(s, 2 * eps));
  let total = planned;
  /** f at the element `at` of `array` set to x0 + h and to x0 - h (two forward passes), per path. */
  const differences = (t: Target, at: number, h: number) => {
    const x0 = t.array[at]!;
    // The steps are the doubles actually used: x0 + h rounds, and judge divides by the difference.
    const xPlus = x0 + h;
    const xMinus = x0 - h;
    const values = (x: number): number[] => {
      t.array[at] = x;
      const y = evaluate();
      options.onProgress?.({ done: ++done, total, tensor: t.name });
      return [dot(dOutput, y), lossKind ? referenceLoss(lossKind, y, target!, batch) : 0];
    };
    const fPlus = values(xPlus);
    const fMinus = values(xMinus);
    t.array[at] = x0;
    return { x0, xPlus, xMinus, fPlus, fMinus };
  };
  targets.forEach((t, ti) => {
    t.indices.forEach((i, k) => {
      const d = differences(t, t.offset + i, eps);
      const verdicts: (ElementJudgement | undefined)[] = t.analytic.map((a, p) =>
        a === undefined
          ? undefined
          : judge(a[k]!, { ...d, f0: f0[p]!, fPlus: d.fPlus[p]!, fMinus: d.fMinus[p]! }, tol, noise[p]!),
      );
      // Several kinks within eps (deep networks): smaller steps, while some path still fails.
      for (const divisor of REFINEMENT) {
        if (!verdicts.some((v) => v?.verdict === 'fail')) break;
        total += 2;
        const fine = differences(t, t.offset + i, eps / divisor);
        verdicts.forEach((v, p) => {
          if (v?.verdict !== 'fail') return;
          const e = { xPlus: fine.xPlus, xMinus: fine.xMinus, fPlus: fine.fPlus[p]!, fMinus: fine.fMinus[p]! };
          verdicts[p] = judgeRefined(v, e, tol, noise[p]! * divisor) ?? v;
        });
      }
      verdicts.forEach((v, p) => v && judged[ti]![p]!.push(v));
    });
  });

  const paths: PathReport[] = [];
  for (let p = 0; p < pathCount; p++) {
    const tensors = targets.flatMap((t, ti) =>
      t.analytic[p] === undefined ? [] : [summarise(t, judged[ti]![p]!, t.indices)],
    );
    const passed = tensors.every((t) => t.passed) && (p === 0 || lossCheck!.passed);
    paths.push(
      p === 0
        ? {
            path: 'backward',
            objective: 'sum(dOutput * forward(params, input)), dOutput ~ U(-1, 1)',
            noise: noise[0]!,
            tensors,
            passed,
          }
        : {
            path: 'lossAndGrad',
            objective: `${lossKind} loss against random ${lossKind === 'mse' ? 'targets ~ U(-1, 1)' : 'target distributions'}`,
            noise: noise[1]!,
            tensors,
            loss: lossCheck!,
            passed,
          },
    );
  }
  const kinks = paths.reduce((n, p) => n + p.tensors.reduce((m, t) => m + t.kinks, 0), 0);
  if (kinks > 0)
    notes.push(
      `${kinks} element(s) had ReLU or max-pooling kinks within eps; judged by a one-sided difference or a smaller step`,
    );
  return {
    ...o,
    evaluations: done,
    dropoutReplay: replay.mode,
    paths,
    notes,
    passed: paths.every((p) => p.passed),
  };
}
