// Seeded draws for gradient checks: parameters, inputs, output gradients, targets and the sampled
// element indices all come from one mulberry32 stream per purpose, so a report is reproducible
// from (model, options) alone.

import type { FloatArray, ParamLayoutEntry } from '../module-api.js';

/** mulberry32: a small, fast 32-bit PRNG; returns floats in [0, 1). */
export function mulberry32(seed: number): () => number {
  let s = seed | 0;
  return () => {
    s = (s + 0x6d2b79f5) | 0;
    let t = Math.imul(s ^ (s >>> 15), 1 | s);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** A stream for one purpose, derived from the user's seed, so that streams never overlap. */
export function stream(seed: number, purpose: number): () => number {
  return mulberry32(Math.imul(seed | 0, 0x9e3779b1) ^ Math.imul(purpose + 1, 0x85ebca6b));
}

export function fillUniform(
  out: FloatArray,
  rand: () => number,
  lo: number,
  hi: number,
  from = 0,
  to = out.length,
): void {
  const span = hi - lo;
  for (let i = from; i < to; i++) out[i] = lo + span * rand();
}

/**
 * Weights He-uniform, U(-sqrt(6/fan_in), +sqrt(6/fan_in)), biases U(-0.1, 0.1).
 *
 * Not the module's initParams: PyTorch's default (kaiming_uniform with a = sqrt(5)) has gain
 * 1/sqrt(3), so with ReLU the activations' second moment shrinks about 6x per layer. Thirteen conv
 * layers into VGG-16 the signal is ~1e-10 of its start and the first layers' gradients fall below
 * the rounding noise of a central difference: the check would pass vacuously. He scaling keeps
 * activations and gradients of order one at every depth. Nonzero biases make every bias gradient
 * visible and move pre-activations off zero, away from ReLU's kink.
 */
export function drawParams(out: FloatArray, layout: readonly ParamLayoutEntry[], rand: () => number): void {
  for (const entry of layout) {
    const size = entry.shape.reduce((a, b) => a * b, 1);
    if (entry.shape.length === 1) {
      fillUniform(out, rand, -0.1, 0.1, entry.offset, entry.offset + size);
    } else {
      const fanIn = size / entry.shape[0]!;
      const bound = Math.sqrt(6 / fanIn);
      fillUniform(out, rand, -bound, bound, entry.offset, entry.offset + size);
    }
  }
}

/** `count` distinct indices in [0, size), ascending; all of them when count >= size. */
export function sampleIndices(size: number, count: number, rand: () => number): number[] {
  if (count >= size) return Array.from({ length: size }, (_, i) => i);
  const picked = new Set<number>();
  // Floyd's algorithm: exactly `count` draws, no rejection loop, uniform over subsets.
  for (let j = size - count; j < size; j++) {
    const t = Math.floor(rand() * (j + 1));
    picked.add(picked.has(t) ? j : t);
  }
  return [...picked].sort((a, b) => a - b);
}

/**
 * The elements of one tensor to check: all of them when there are at most `count`; otherwise
 * ceil(count/2) drawn among the elements whose analytic gradient is not zero, and the rest drawn
 * uniformly from the whole tensor. Ascending, distinct.
 *
 * Why both: in a ReLU network with dropout many gradients are exactly zero (a dead unit, a
 * dropped one, an output channel that is negative everywhere on this batch), and a zero that
 * finite differences confirm says little; so half the sample goes where the backward pass did
 * work. The uniform half keeps the chance of catching an element the backward pass forgot to
 * write (a zero, or a stale value, where finite differences see a slope).
 */
export function chooseElements(
  analytic: ArrayLike<number>,
  offset: number,
  size: number,
  count: number,
  rand: () => number,
): number[] {
  if (count >= size) return sampleIndices(size, size, rand);
  let nonzero = 0;
  for (let i = 0; i < size; i++) if (analytic[offset + i] !== 0) nonzero++;
  const informative = Math.min(Math.ceil(count / 2), nonzero);
  const ranks = sampleIndices(nonzero, informative, rand); // ascending ranks among the nonzero elements
  const picked = new Set<number>();
  for (let i = 0, rank = 0, next = 0; i < size && next < ranks.length; i++) {
    if (analytic[offset + i] === 0) continue;
    if (rank++ === ranks[next]) {
      picked.add(i);
      next++;
    }
  }
  while (picked.size < count) picked.add(Math.floor(rand() * size));
  return [...picked].sort((a, b) => a - b);
}
