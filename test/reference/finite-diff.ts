// Finite differences (central, five-point) in float64, and the "kink signature" that tells when a perturbation
// crossed a non-differentiable point (a relu/leakyrelu input changing sign, a max-pool window
// changing its first maximum). Such entries are skipped, and counted: near a kink the difference
// quotient measures a mix of two slopes and says nothing about either.

import type { Network } from '../../src/network.js';
import { maxAbs } from '../support/compare.js';
import type { ForwardResult } from './interpreter.js';

/** One number per kink site: relu/leakyrelu input sign, max-pool argmax (first maximum). */
export function kinkSignature(network: Network, fwd: ForwardResult): Int32Array {
  const out: number[] = [];
  network.layers.forEach((layer, li) => {
    const x = fwd.activations[li]!;
    const spec = layer.spec;
    if (spec.kind === 'relu' || spec.kind === 'leakyrelu') {
      for (let i = 0; i < x.length; i++) out.push(x[i]! > 0 ? 1 : 0);
    } else if (spec.kind === 'maxpool') {
      const [C, H, W] = layer.input as [number, number, number];
      const [, OH, OW] = layer.output as [number, number, number];
      for (let b = 0; b < fwd.batch; b++)
        for (let c = 0; c < C; c++)
          for (let oy = 0; oy < OH; oy++)
            for (let ox = 0; ox < OW; ox++) {
              let best = -1;
              let max = -Infinity;
              for (let ky = 0; ky < spec.kernel[0]; ky++)
                for (let kx = 0; kx < spec.kernel[1]; kx++) {
                  const iy = oy * spec.stride[0] - spec.pad[0] + ky;
                  const ix = ox * spec.stride[1] - spec.pad[1] + kx;
                  if (iy < 0 || iy >= H || ix < 0 || ix >= W) continue;
                  const v = x[((b * C + c) * H + iy) * W + ix]!;
                  if (v > max) [max, best] = [v, iy * W + ix];
                }
              out.push(best);
            }
    }
  });
  return Int32Array.from(out);
}

const same = (a: Int32Array, b: Int32Array): boolean => a.length === b.length && a.every((v, i) => v === b[i]);

export interface FdResult {
  /** the central difference per entry; NaN where skipped */
  readonly grad: Float64Array;
  readonly skipped: number;
}

/**
 * d objective / d v[i] by the five-point stencil
 *   (-f(v + 2h e_i) + 8 f(v + h e_i) - 8 f(v - h e_i) + f(v - 2h e_i)) / 12h
 * whose truncation error is O(h^4) (so h can be large enough to keep rounding noise small).
 * `signature(v)` gives the kink signature at v; an entry is skipped when it differs at any of the
 * four points from v.
 */
export function centralDifferences(
  v: Float64Array,
  f: (v: Float64Array) => number,
  signature: (v: Float64Array) => Int32Array,
  h: number,
): FdResult {
  const base = signature(v);
  const grad = new Float64Array(v.length);
  let skipped = 0;
  const w = Float64Array.from(v);
  for (let i = 0; i < v.length; i++) {
    let kink = false;
    const at = (step: number): number => {
      w[i] = v[i]! + step;
      const y = f(w);
      if (!same(signature(w), base)) kink = true;
      return y;
    };
    const d = (-at(2 * h) + 8 * at(h) - 8 * at(-h) + at(-2 * h)) / (12 * h);
    w[i] = v[i]!;
    if (kink) {
      grad[i] = NaN;
      skipped++;
    } else {
      grad[i] = d;
    }
  }
  return { grad, skipped };
}

/**
 * max over i of |analytic_i - fd_i| / max(|analytic_i|, |fd_i|, floor), skipping NaN (kink) entries.
 * `floor` keeps entries that are zero in exact arithmetic (a dead unit) from dividing noise by noise.
 */
export function maxRelativeError(analytic: ArrayLike<number>, fd: ArrayLike<number>, floor: number): { error: number; index: number } {
  let error = 0;
  let index = -1;
  for (let i = 0; i < fd.length; i++) {
    if (Number.isNaN(fd[i]!)) continue;
    const a = analytic[i]!;
    const e = Math.abs(a - fd[i]!) / Math.max(Math.abs(a), Math.abs(fd[i]!), floor);
    if (Number.isNaN(e)) return { error: Infinity, index: i };
    if (e > error) [error, index] = [e, i];
  }
  return { error, index };
}

/** Step of the five-point stencil for the gradient checks. */
export const FD_STEP = 1e-4;
/** Largest relative error accepted between an analytic gradient and the finite differences. */
export const FD_RTOL = 1e-6;

/**
 * Throws unless `analytic` matches the finite differences within FD_RTOL, relative, down to a floor:
 * the larger of 1e-3 times the gradient's largest entry and the level under which the difference
 * quotient is rounding noise (10x ~1.5 * eps * S / h, S bounding the magnitude of the terms of the
 * objective, divided by the tolerance). Also bounds how many entries were skipped at kinks.
 */
export function assertMatchesFd(label: string, analytic: ArrayLike<number>, fd: FdResult, scale: number): void {
  const noise = (10 * 1.5 * Number.EPSILON * scale) / FD_STEP;
  const floor = Math.max(1e-3 * maxAbs(analytic), noise / FD_RTOL, 1e-300);
  const { error, index } = maxRelativeError(analytic, fd.grad, floor);
  if (!(error < FD_RTOL)) {
    throw new Error(`${label}: entry ${index}: analytic ${analytic[index]}, finite difference ${fd.grad[index]} (relative error ${error})`);
  }
  // kinks are rare with continuous random data; a large share skipped would hide bugs
  if (fd.skipped > Math.max(2, analytic.length / 10)) throw new Error(`${label}: ${fd.skipped} of ${analytic.length} entries at kinks`);
}
