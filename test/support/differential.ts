// Differential checks: what an implementation under test observed (an output, a loss, gradients)
// against the reference interpreter, optionally against TF.js too, with the tolerances of
// test/support/compare.ts. Each check runs the reference itself with the dropout masks the
// implementation used.
//
// Tolerances:
// - 'f32' (TF.js, a float32 generated module) against the float64 reference: rtol 1e-4, plus
//   atol = 30x the measured effect of float32 rounding between layers (see compare.ts). float32 has
//   a unit roundoff of 6e-8; sums over a few hundred terms and a few layers keep well-conditioned
//   results within ~1e-6..1e-5 of their scale, so 1e-4 leaves a 10x margin; the atol term only
//   matters for tensors made small by cancellation upstream.
// - 'f64' (a float64 generated module) against the reference: rtol 1e-10 plus the same atol scaled
//   from float32's roundoff to float64's (x 2^-29). Summation order is the only legitimate difference.
// - against TF.js: twice the 'f32' tolerance when the implementation is itself float32 (two
//   float32 errors), the 'f32' tolerance when it is float64.

import type { Network } from '../../src/network.js';
import { backwardRef, forwardRef, lossAndGradRef } from '../reference/interpreter.js';
import { assertClose, float32Noise } from './compare.js';
import { paramTable, type TestData } from './data.js';
import { tfForward, tfGradients } from './tf.js';

export type Precision = 'f32' | 'f64';

export interface Observed {
  /** absent for lossAndGrad, which returns only the loss */
  readonly output?: ArrayLike<number>;
  readonly dParams: ArrayLike<number>;
  /** absent when the implementation does not expose it (lossAndGrad returns only the loss) */
  readonly dInput?: ArrayLike<number>;
  readonly loss?: number;
}

export interface CheckOptions {
  readonly precision: Precision;
  /** also compare with TF.js */
  readonly tf?: boolean;
  /** printed with every failure (the source, the batch, the seed) */
  readonly where: string;
}

const RTOL: Record<Precision, number> = { f32: 1e-4, f64: 1e-10 };
const NOISE_SCALE: Record<Precision, number> = { f32: 1, f64: 2 ** -29 };

type RefSet = { output: Float64Array; dParams: Float64Array; dInput: Float64Array; loss?: number };
/** One compared quantity: how to read it from an observation or a reference run (undefined: absent). */
type Tensor = { readonly name: string; readonly values: (o: Observed | RefSet) => ArrayLike<number> | undefined };

function tensors(network: Network): Tensor[] {
  const slice = (a: ArrayLike<number>, off: number, n: number) => Array.prototype.slice.call(a, off, off + n) as number[];
  return [
    { name: 'output', values: (o) => o.output },
    { name: 'loss', values: (o) => (o.loss === undefined ? undefined : [o.loss]) },
    ...paramTable(network).map((p): Tensor => ({ name: `d${p.name}`, values: (o) => slice(o.dParams, p.offset, p.size) })),
    { name: 'dInput', values: (o) => o.dInput },
  ];
}

function compareAll(network: Network, obs: Observed, ref: RefSet, ref32: RefSet, tfr: RefSet | undefined, what: string, opts: CheckOptions): void {
  for (const t of tensors(network)) {
    const actual = t.values(obs);
    if (actual === undefined) continue;
    const expected = t.values(ref)!;
    const noise = float32Noise(expected, t.values(ref32)!);
    const label = `${what}: ${t.name}${opts.where}`;
    assertClose(actual, expected, { rtol: RTOL[opts.precision], atol: noise * NOISE_SCALE[opts.precision], label });
    if (tfr) {
      const k = opts.precision === 'f32' ? 2 : 1;
      assertClose(actual, t.values(tfr)!, { rtol: k * RTOL.f32, atol: k * noise, label: `${label} (against TF.js)` });
    }
  }
}

/** Inference-mode forward output (dropout is the identity). */
export function checkInference(network: Network, d: TestData, output: ArrayLike<number>, opts: CheckOptions): void {
  const run = (roundF32: boolean) => forwardRef(network, d.params, d.input, d.batch, { training: false, roundF32 }).output;
  const ref = run(false);
  const noise = float32Noise(ref, run(true));
  const label = `inference output${opts.where}`;
  assertClose(output, ref, { rtol: RTOL[opts.precision], atol: noise * NOISE_SCALE[opts.precision], label });
  if (opts.tf) {
    const k = opts.precision === 'f32' ? 2 : 1;
    assertClose(output, tfForward(network, d.params, d.input, d.batch), { rtol: k * RTOL.f32, atol: k * noise, label: `${label} (against TF.js)` });
  }
}

/** Training-mode output, then backward from the arbitrary output gradient d.dOutput. */
export function checkTraining(network: Network, d: TestData, masks: readonly Float64Array[], obs: Observed, opts: CheckOptions): void {
  const run = (roundF32: boolean): RefSet => {
    const fwd = forwardRef(network, d.params, d.input, d.batch, { training: true, dropoutMasks: masks, roundF32 });
    return { output: fwd.output, ...backwardRef(network, fwd, d.dOutput) };
  };
  const tfr = opts.tf
    ? tfGradients(network, d.params, d.input, d.batch, { dOutput: d.dOutput }, { training: true, dropoutMasks: masks })
    : undefined;
  compareAll(network, obs, run(false), run(true), tfr, 'training + backward', opts);
}

/** lossAndGrad: the loss and its gradients, against the declared loss of the network. */
export function checkLoss(network: Network, d: TestData, masks: readonly Float64Array[], obs: Observed, opts: CheckOptions): void {
  if (!network.loss) throw new Error('checkLoss: the network declares no loss');
  const loss = network.loss;
  const run = (roundF32: boolean): RefSet => lossAndGradRef(network, d.params, d.input, d.target, d.batch, masks, roundF32);
  const tfr = opts.tf
    ? tfGradients(network, d.params, d.input, d.batch, { loss, target: d.target }, { training: true, dropoutMasks: masks })
    : undefined;
  compareAll(network, obs, run(false), run(true), tfr, `${loss} loss`, opts);
}
