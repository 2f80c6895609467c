// Comparing vectors of numbers from two implementations, with messages that say where and by how
// much they differ.
//
// Element i passes when
//     |actual_i - expected_i| <= rtol * (|expected_i| + max_j |expected_j|) + atol
//
// The first term is scale-relative: an entry's error is judged against the larger of itself and the
// tensor's largest entry. A float32 result that is a sum of many terms (a conv or dense output, a
// weight gradient summed over positions and samples) carries a rounding error proportional to the
// magnitude of its terms, not of the sum; an entry that is small because its terms cancel still has
// an error at the scale of its neighbours. Any real indexing or formula error moves entries by a
// sizeable fraction of the tensor's scale, so this still catches it.
//
// `atol` covers what the first term cannot: a tensor that is small as a whole because of
// cancellation upstream of it (a softmax close to its target: p - t; a saturated softmax: g - p.g).
// Its float32 error is set by the magnitudes upstream, not by its own. `float32Noise` measures it
// per tensor: the reference run once in float64 and once rounding every activation and gradient to
// float32 between layers; the difference is the error that rounding alone causes, and a float32
// implementation may differ from float64 by a small multiple of it.

export interface CloseOptions {
  readonly rtol: number;
  readonly label: string;
  /** absolute slack, e.g. from float32Noise */
  readonly atol?: number;
}

export interface Mismatch {
  readonly index: number;
  readonly actual: number;
  readonly expected: number;
  /** |a - e| / (rtol * (|e| + scale) + atol): above 1 fails */
  readonly ratio: number;
}

export function maxAbs(v: ArrayLike<number>): number {
  let m = 0;
  for (let i = 0; i < v.length; i++) m = Math.max(m, Math.abs(v[i]!));
  return m;
}

/** The worst element; undefined when every element passes. NaN anywhere fails. */
export function worstMismatch(actual: ArrayLike<number>, expected: ArrayLike<number>, rtol: number, atol = 0): Mismatch | undefined {
  const scale = maxAbs(expected);
  let worst: Mismatch | undefined;
  for (let i = 0; i < expected.length; i++) {
    const a = actual[i]!;
    const e = expected[i]!;
    const diff = Math.abs(a - e);
    const allowed = rtol * (Math.abs(e) + scale) + atol;
    const ratio = diff === 0 ? 0 : diff / allowed;
    if (!(ratio <= 1) && (worst === undefined || !(ratio <= worst.ratio))) worst = { index: i, actual: a, expected: e, ratio };
  }
  return worst;
}

/** Throws, naming the label and the worst element, unless the two vectors agree. */
export function assertClose(actual: ArrayLike<number>, expected: ArrayLike<number>, opts: CloseOptions): void {
  if (actual.length !== expected.length) {
    throw new Error(`${opts.label}: length ${actual.length}, expected ${expected.length}`);
  }
  const w = worstMismatch(actual, expected, opts.rtol, opts.atol);
  if (w !== undefined) {
    throw new Error(
      `${opts.label}: element ${w.index} is ${w.actual}, expected ${w.expected}: the difference is ` +
        `${w.ratio.toPrecision(3)}x the allowed ${opts.rtol} * (|expected| + ${maxAbs(expected).toExponential(2)})` +
        (opts.atol ? ` + ${opts.atol.toExponential(2)}` : ''),
    );
  }
}

/** How many times the measured float32 rounding effect a float32 implementation may differ by. */
export const NOISE_FACTOR = 30;

/** atol for a float32 result: NOISE_FACTOR * max |reference64 - reference32| over the tensor. */
export function float32Noise(ref64: ArrayLike<number>, ref32: ArrayLike<number>): number {
  let m = 0;
  for (let i = 0; i < ref64.length; i++) m = Math.max(m, Math.abs(ref64[i]! - ref32[i]!));
  return NOISE_FACTOR * m;
}
