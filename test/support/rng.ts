// Deterministic test data: a small seeded PRNG (mulberry32) and helpers for parameter vectors,
// inputs, targets and dropout masks. Independent of anything the generator emits.

export type Rng = () => number; // uniform in [0, 1)

export function mulberry32(seed: number): Rng {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Uniform in [lo, hi), as float64 values that are exactly representable in float32. */
export function uniform(rng: Rng, n: number, lo = -1, hi = 1): Float64Array {
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) out[i] = Math.fround(lo + (hi - lo) * rng());
  return out;
}

/**
 * One row per sample: a random distribution over `classes` (positive), made of multiples of 2^-10
 * that sum to exactly 1 in float32 and float64 alike, so that the cross-entropy gradient at the
 * softmax input, (p - t)/B, is the exact gradient of the loss (it is only when sum t = 1).
 */
export function randomDistributions(rng: Rng, batch: number, classes: number): Float64Array {
  const units = 1024;
  if (classes > units / 2) throw new Error('too many classes for 2^-10 steps');
  const out = new Float64Array(batch * classes);
  for (let b = 0; b < batch; b++) {
    const w = Array.from({ length: classes }, () => 0.1 + rng());
    const total = w.reduce((s, v) => s + v, 0);
    const k = w.map((v) => 1 + Math.floor(((units - classes) * v) / total));
    k[Math.floor(rng() * classes)] += units - k.reduce((s, v) => s + v, 0);
    for (let i = 0; i < classes; i++) out[b * classes + i] = k[i]! / units;
  }
  return out;
}

/** One-hot rows. */
export function randomOneHot(rng: Rng, batch: number, classes: number): Float64Array {
  const out = new Float64Array(batch * classes);
  for (let b = 0; b < batch; b++) out[b * classes + Math.floor(rng() * classes)] = 1;
  return out;
}

/** A 0/1 keep-mask: each element kept with probability 1 - rate. */
export function randomMask(rng: Rng, n: number, rate: number): Float64Array {
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) out[i] = rng() < rate ? 0 : 1;
  return out;
}
