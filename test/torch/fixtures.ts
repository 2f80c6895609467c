// The PyTorch fixtures of test/fixtures-torch/ (scripts/make-torch-layer-fixtures.py and
// scripts/make-torch-lenet-roundtrip.py) and the comparison the torch tests share.
//
// Tolerances, per element, against torch's float64 result e of a tensor whose largest |e| is S:
//   float64 module:  |a - e| <= 1e-10 * (|e| + S) + 2^-29 * noise
//   float32 module:  |a - e| <= 1e-4  * (|e| + S) + 30 * noise
// where noise = max |torch float64 - torch float32| over the tensor (recorded by the script: the
// effect float32 rounding has on this very computation). Why these:
// - float64 against float64 computes the same real-number formula; only the order of summation and
//   the libm (exp, log, tanh) differ. Each value is a sum of at most a few thousand products through
//   at most a dozen layers, so the two differ by ~1e-13 of the tensor's scale; 1e-10 leaves a wide
//   margin, while any indexing or formula error moves an element by a sizeable fraction of S.
// - float32 (what ships) against float64: float32's unit roundoff is 6e-8; sums of a few hundred
//   terms keep well-conditioned results within ~1e-6 of their scale, so 1e-4 is a 100x margin. The
//   noise term covers tensors made small by cancellation upstream (p - t after a confident softmax),
//   whose float32 error is set by the magnitudes upstream and not by their own: torch's own float32
//   run moves them by `noise`, and a float32 implementation may differ by a small multiple of it.
// Scale-relative errors (|a - e| / S) are what the report quotes.

import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { FloatArray } from '../../src/module-api.js';
import type { Precision } from '../support/differential.js';

export const FIXTURES = fileURLToPath(new URL('../fixtures-torch/', import.meta.url));

export interface LayoutEntry {
  readonly name: string;
  readonly shape: readonly number[];
}

export interface Results {
  readonly inference: number[];
  readonly output?: number[];
  readonly dParams?: Record<string, number[]>;
  readonly dInput?: number[];
  readonly loss?: number;
  readonly lossDParams?: Record<string, number[]>;
  readonly lossDInput?: number[];
}

export interface Noise {
  readonly inference: number;
  readonly output?: number;
  readonly dParams?: Record<string, number>;
  readonly dInput?: number;
  readonly loss?: number;
  readonly lossDParams?: Record<string, number>;
  readonly lossDInput?: number;
}

export interface Factored {
  /** dL/dz, batch x out, and the layer's input x, batch x in: dW[o][i] = sum_b dz[b][o] x[b][i] */
  readonly dz: number[];
  readonly x: number[];
  /** torch's own sum and sum of squares of the full .grad */
  readonly sum: number;
  readonly sumSquares: number;
}

export interface LayerFixture {
  readonly name: string;
  readonly torch: string;
  readonly source: string;
  readonly batch: number;
  readonly inputShape: number[];
  readonly outputShape: number[];
  readonly loss: 'cross_entropy' | 'mse' | null;
  readonly layout: LayoutEntry[];
  readonly params?: Record<string, number[]>;
  readonly paramsFile?: { readonly file: string; readonly sha256: string };
  readonly input: number[];
  readonly dOutput?: number[];
  readonly target?: number[];
  /** the PRNG state to put in ws.rng, and the keep pattern (0 dropped, 1 kept) it must draw */
  readonly dropout?: { readonly rng: number; readonly rate: number; readonly keep: number[] };
  readonly float64: Results;
  readonly noise: Noise;
  readonly factored?: Record<string, Factored>;
}

export interface RoundtripFixture {
  readonly torch: string;
  readonly trainedWith: string;
  readonly file: string;
  readonly sha256: string;
  readonly metadata: Record<string, string>;
  readonly stateDict: { name: string; shape: number[]; dtype: string }[];
  readonly digits: { digit: number; index: number }[];
  readonly input: number[];
  readonly float32: number[];
  readonly float64: number[];
  readonly noise: number;
  readonly predictions: number[];
}

export function readJson<T>(file: string): T {
  return JSON.parse(readFileSync(FIXTURES + file, 'utf8')) as T;
}

export function layerFixtures(): LayerFixture[] {
  return readdirSync(FIXTURES + 'layers')
    .filter((f) => f.endsWith('.json'))
    .sort()
    .map((f) => readJson<LayerFixture>(`layers/${f}`));
}

export interface Tolerance {
  readonly rtol: number;
  /** multiplies the recorded noise */
  readonly noiseFactor: number;
}

export const TOLERANCE: Record<Precision, Tolerance> = {
  f64: { rtol: 1e-10, noiseFactor: 2 ** -29 },
  f32: { rtol: 1e-4, noiseFactor: 30 },
};

/** Largest error seen per precision, scale-relative, for the report (CNNC_TORCH_REPORT=1). */
export const worst: Record<Precision, { error: number; what: string }> = {
  f64: { error: 0, what: '' },
  f32: { error: 0, what: '' },
};

export function maxAbs(v: ArrayLike<number>): number {
  let m = 0;
  for (let i = 0; i < v.length; i++) m = Math.max(m, Math.abs(v[i]!));
  return m;
}

/** Throws naming the worst element unless every element is within the tolerance. */
export function compare(
  actual: ArrayLike<number>,
  expected: ArrayLike<number>,
  noise: number,
  precision: Precision,
  label: string,
  report = true,
): void {
  if (actual.length !== expected.length) throw new Error(`${label}: length ${actual.length}, expected ${expected.length}`);
  const { rtol, noiseFactor } = TOLERANCE[precision];
  const scale = maxAbs(expected);
  const atol = noiseFactor * noise;
  let bad = -1;
  let badRatio = 1;
  let maxErr = 0;
  for (let i = 0; i < expected.length; i++) {
    const a = actual[i]!;
    const e = expected[i]!;
    const diff = Math.abs(a - e);
    maxErr = Math.max(maxErr, diff);
    const ratio = diff === 0 ? 0 : diff / (rtol * (Math.abs(e) + scale) + atol);
    if (!(ratio <= badRatio)) {
      bad = i;
      badRatio = ratio;
    }
  }
  const rel = scale === 0 ? maxErr : maxErr / scale;
  if (report && rel > worst[precision].error) worst[precision] = { error: rel, what: label };
  if (bad >= 0) {
    throw new Error(
      `${label}: element ${bad} is ${actual[bad]}, torch has ${expected[bad]}: ${Number.isNaN(badRatio) ? 'NaN' : `${badRatio.toPrecision(3)}x`} ` +
        `the allowed ${rtol} * (|e| + ${scale.toExponential(2)}) + ${atol.toExponential(2)}`,
    );
  }
}

export const arrayOf = (precision: Precision, values: ArrayLike<number>): FloatArray =>
  precision === 'f32' ? Float32Array.from(values) : Float64Array.from(values);

/**
 * Parameters, inputs, dOutput and targets are float32 values, written as the shortest decimal
 * that rounds to them (the script checks it does through a double): rounded to float32 here, they
 * are exactly the numbers torch used, in either precision.
 */
export const float32Values = (precision: Precision, values: ArrayLike<number>): FloatArray =>
  arrayOf(precision, Float32Array.from(values));
