// Comparing vectors of numbers from two implementations, with messages that say where and by how
// much they differ.
//
// The criterion is scale-relative: element i passes when
//     |actual_i - expected_i| <= rtol * (|expected_i| + max_j |expected_j|)
// i.e. its error is small against the larger of itself and the tensor's largest entry. Reason: a
// float32 result that is a sum of many terms (a conv or dense output, a weight gradient summed over
// positions and samples) carries a rounding error proportional to the magnitude of the terms, not
// of the sum; an entry that is small because its terms cancel still has an error at the scale of its
// neighbours. A purely element-wise relative test would flag that rounding as a bug; this one still
// catches any real indexing or formula error, which moves entries by a sizeable fraction of the
// tensor's scale.

export interface CloseOptions {
  readonly rtol: number;
  readonly label: string;
}

export interface Mismatch {
  readonly index: number;
  readonly actual: number;
  readonly expected: number;
  readonly error: number; // |a - e| / (|e| + scale)
}

export function maxAbs(v: ArrayLike<number>): number {
  let m = 0;
  for (let i = 0; i < v.length; i++) m = Math.max(m, Math.abs(v[i]!));
  return m;
}

/** The worst element, by the scale-relative error above; undefined when all are within rtol. */
export function worstMismatch(actual: ArrayLike<number>, expected: ArrayLike<number>, rtol: number): Mismatch | undefined {
  const scale = maxAbs(expected);
  let worst: Mismatch | undefined;
  for (let i = 0; i < expected.length; i++) {
    const a = actual[i]!;
    const e = expected[i]!;
    const err = Math.abs(a - e) / (Math.abs(e) + scale || 1);
    if (!(err <= rtol) && (worst === undefined || !(err <= worst.error))) worst = { index: i, actual: a, expected: e, error: err };
  }
  return worst;
}

/** Throws, naming the label and the worst element, unless the two vectors agree within rtol. */
export function assertClose(actual: ArrayLike<number>, expected: ArrayLike<number>, opts: CloseOptions): void {
  if (actual.length !== expected.length) {
    throw new Error(`${opts.label}: length ${actual.length}, expected ${expected.length}`);
  }
  const w = worstMismatch(actual, expected, opts.rtol);
  if (w !== undefined) {
    throw new Error(
      `${opts.label}: element ${w.index} is ${w.actual}, expected ${w.expected} ` +
        `(scale-relative error ${w.error.toExponential(2)} > ${opts.rtol}; scale ${maxAbs(expected).toExponential(2)})`,
    );
  }
}

/** Splits a flat parameter vector into named slices, for per-tensor messages. */
export function sliceParams<T extends ArrayLike<number> & { subarray(a: number, b: number): T }>(
  flat: T,
  layout: readonly { readonly name: string; readonly offset: number; readonly size: number }[],
): { name: string; values: T }[] {
  return layout.map((p) => ({ name: p.name, values: flat.subarray(p.offset, p.offset + p.size) }));
}
