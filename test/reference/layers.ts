// The reference semantics of each layer kind, forward and backward, written from the formulas in
// shared/LANGUAGE.md as plain nested loops over float64 arrays. Deliberately naive: no unrolling,
// no border splitting, no fusion, every bound checked inside the innermost loop. Nothing here is
// derived from the code generator.
//
// Layouts: activations are [batch][C][H][W] (or [batch][N]) row-major; conv weight [O][C][KH][KW],
// dense weight [O][IN], bias [O]. `x` is the layer's input, `y` its output.

import type { LayerSpec, Shape } from '../../src/network.js';

export interface LayerArgs {
  readonly spec: LayerSpec;
  readonly inShape: Shape;
  readonly outShape: Shape;
  readonly batch: number;
  readonly weight?: Float64Array; // views into the flat parameter vector
  readonly bias?: Float64Array;
  readonly training: boolean;
  /** dropout only: 0/1 keep-mask, batch * size (undefined: identity, i.e. inference) */
  readonly mask?: Float64Array;
}

const size = (s: Shape): number => s.reduce((a, b) => a * b, 1);
const chw = (s: Shape): [number, number, number] => [s[0]!, s[1]!, s[2]!];

/** Forward of one layer over the whole batch. */
export function layerForward(a: LayerArgs, x: Float64Array): Float64Array {
  const { spec, batch } = a;
  const nIn = size(a.inShape);
  const nOut = size(a.outShape);
  const y = new Float64Array(batch * nOut);
  switch (spec.kind) {
    case 'conv': {
      const [C, H, W] = chw(a.inShape);
      const [O, OH, OW] = chw(a.outShape);
      const [KH, KW] = spec.kernel;
      const [SH, SW] = spec.stride;
      const [PH, PW] = spec.pad;
      const [DH, DW] = spec.dilation;
      const w = a.weight!;
      for (let b = 0; b < batch; b++)
        for (let o = 0; o < O; o++)
          for (let oy = 0; oy < OH; oy++)
            for (let ox = 0; ox < OW; ox++) {
              let acc = a.bias ? a.bias[o]! : 0;
              for (let c = 0; c < C; c++)
                for (let ky = 0; ky < KH; ky++)
                  for (let kx = 0; kx < KW; kx++) {
                    const iy = oy * SH - PH + ky * DH;
                    const ix = ox * SW - PW + kx * DW;
                    if (iy < 0 || iy >= H || ix < 0 || ix >= W) continue; // zero padding
                    acc += w[((o * C + c) * KH + ky) * KW + kx]! * x[((b * C + c) * H + iy) * W + ix]!;
                  }
              y[((b * O + o) * OH + oy) * OW + ox] = acc;
            }
      return y;
    }
    case 'maxpool':
    case 'avgpool': {
      const [C, H, W] = chw(a.inShape);
      const [, OH, OW] = chw(a.outShape);
      const [KH, KW] = spec.kernel;
      const [SH, SW] = spec.stride;
      const [PH, PW] = spec.pad;
      for (let b = 0; b < batch; b++)
        for (let c = 0; c < C; c++)
          for (let oy = 0; oy < OH; oy++)
            for (let ox = 0; ox < OW; ox++) {
              let max = -Infinity; // padding is minus infinity
              let sum = 0; // padding is zero, and counts in the divisor
              for (let ky = 0; ky < KH; ky++)
                for (let kx = 0; kx < KW; kx++) {
                  const iy = oy * SH - PH + ky;
                  const ix = ox * SW - PW + kx;
                  if (iy < 0 || iy >= H || ix < 0 || ix >= W) continue;
                  const v = x[((b * C + c) * H + iy) * W + ix]!;
                  if (v > max) max = v;
                  sum += v;
                }
              y[((b * C + c) * OH + oy) * OW + ox] = spec.kind === 'maxpool' ? max : sum / (KH * KW);
            }
      return y;
    }
    case 'globalavgpool': {
      const [C, H, W] = chw(a.inShape);
      for (let b = 0; b < batch; b++)
        for (let c = 0; c < C; c++) {
          let sum = 0;
          for (let i = 0; i < H * W; i++) sum += x[(b * C + c) * H * W + i]!;
          y[b * C + c] = sum / (H * W);
        }
      return y;
    }
    case 'flatten':
      y.set(x); // [C][H][W] row-major is already C,H,W order
      return y;
    case 'dense': {
      const w = a.weight!;
      for (let b = 0; b < batch; b++)
        for (let o = 0; o < nOut; o++) {
          let acc = spec.bias ? a.bias![o]! : 0;
          for (let i = 0; i < nIn; i++) acc += w[o * nIn + i]! * x[b * nIn + i]!;
          y[b * nOut + o] = acc;
        }
      return y;
    }
    case 'relu':
      for (let i = 0; i < y.length; i++) y[i] = x[i]! > 0 ? x[i]! : 0;
      return y;
    case 'leakyrelu':
      for (let i = 0; i < y.length; i++) y[i] = x[i]! > 0 ? x[i]! : spec.slope * x[i]!;
      return y;
    case 'sigmoid':
      for (let i = 0; i < y.length; i++) y[i] = 1 / (1 + Math.exp(-x[i]!));
      return y;
    case 'tanh':
      for (let i = 0; i < y.length; i++) y[i] = Math.tanh(x[i]!);
      return y;
    case 'dropout': {
      if (!a.training || a.mask === undefined) {
        y.set(x);
        return y;
      }
      const scale = 1 / (1 - spec.rate);
      for (let i = 0; i < y.length; i++) y[i] = x[i]! * a.mask[i]! * scale;
      return y;
    }
    case 'softmax':
      for (let b = 0; b < batch; b++) {
        let max = -Infinity;
        for (let i = 0; i < nIn; i++) max = Math.max(max, x[b * nIn + i]!);
        let sum = 0;
        for (let i = 0; i < nIn; i++) sum += y[b * nIn + i] = Math.exp(x[b * nIn + i]! - max);
        for (let i = 0; i < nIn; i++) y[b * nIn + i]! /= sum;
      }
      return y;
  }
}

/**
 * Backward of one layer: returns dL/dx, and accumulates dL/dweight, dL/dbias into `dw`, `db`
 * (zero-initialised views of the flat gradient).
 */
export function layerBackward(
  a: LayerArgs,
  x: Float64Array,
  y: Float64Array,
  dy: Float64Array,
  dw?: Float64Array,
  db?: Float64Array,
): Float64Array {
  const { spec, batch } = a;
  const nIn = size(a.inShape);
  const nOut = size(a.outShape);
  const dx = new Float64Array(batch * nIn);
  switch (spec.kind) {
    case 'conv': {
      const [C, H, W] = chw(a.inShape);
      const [O, OH, OW] = chw(a.outShape);
      const [KH, KW] = spec.kernel;
      const [SH, SW] = spec.stride;
      const [PH, PW] = spec.pad;
      const [DH, DW] = spec.dilation;
      const w = a.weight!;
      for (let b = 0; b < batch; b++)
        for (let o = 0; o < O; o++)
          for (let oy = 0; oy < OH; oy++)
            for (let ox = 0; ox < OW; ox++) {
              const g = dy[((b * O + o) * OH + oy) * OW + ox]!;
              if (spec.bias) db![o]! += g;
              for (let c = 0; c < C; c++)
                for (let ky = 0; ky < KH; ky++)
                  for (let kx = 0; kx < KW; kx++) {
                    const iy = oy * SH - PH + ky * DH;
                    const ix = ox * SW - PW + kx * DW;
                    if (iy < 0 || iy >= H || ix < 0 || ix >= W) continue;
                    const wi = ((o * C + c) * KH + ky) * KW + kx;
                    const xi = ((b * C + c) * H + iy) * W + ix;
                    dw![wi]! += g * x[xi]!;
                    dx[xi]! += g * w[wi]!;
                  }
            }
      return dx;
    }
    case 'maxpool':
    case 'avgpool': {
      const [C, H, W] = chw(a.inShape);
      const [, OH, OW] = chw(a.outShape);
      const [KH, KW] = spec.kernel;
      const [SH, SW] = spec.stride;
      const [PH, PW] = spec.pad;
      for (let b = 0; b < batch; b++)
        for (let c = 0; c < C; c++)
          for (let oy = 0; oy < OH; oy++)
            for (let ox = 0; ox < OW; ox++) {
              const g = dy[((b * C + c) * OH + oy) * OW + ox]!;
              let best = -1; // first maximum in row-major window order: strict '>' keeps the first
              let max = -Infinity;
              for (let ky = 0; ky < KH; ky++)
                for (let kx = 0; kx < KW; kx++) {
                  const iy = oy * SH - PH + ky;
                  const ix = ox * SW - PW + kx;
                  if (iy < 0 || iy >= H || ix < 0 || ix >= W) continue; // padding gets nothing
                  const xi = ((b * C + c) * H + iy) * W + ix;
                  if (spec.kind === 'avgpool') dx[xi]! += g / (KH * KW);
                  else if (x[xi]! > max) {
                    max = x[xi]!;
                    best = xi;
                  }
                }
              if (spec.kind === 'maxpool') dx[best]! += g;
            }
      return dx;
    }
    case 'globalavgpool': {
      const [C, H, W] = chw(a.inShape);
      for (let b = 0; b < batch; b++)
        for (let c = 0; c < C; c++)
          for (let i = 0; i < H * W; i++) dx[(b * C + c) * H * W + i] = dy[b * C + c]! / (H * W);
      return dx;
    }
    case 'flatten':
      dx.set(dy);
      return dx;
    case 'dense': {
      const w = a.weight!;
      for (let b = 0; b < batch; b++)
        for (let o = 0; o < nOut; o++) {
          const g = dy[b * nOut + o]!;
          if (spec.bias) db![o]! += g;
          for (let i = 0; i < nIn; i++) {
            dw![o * nIn + i]! += g * x[b * nIn + i]!;
            dx[b * nIn + i]! += g * w[o * nIn + i]!;
          }
        }
      return dx;
    }
    case 'relu': // derivative 0 at 0, as PyTorch
      for (let i = 0; i < dx.length; i++) dx[i] = x[i]! > 0 ? dy[i]! : 0;
      return dx;
    case 'leakyrelu': // derivative `slope` at 0, as PyTorch
      for (let i = 0; i < dx.length; i++) dx[i] = x[i]! > 0 ? dy[i]! : spec.slope * dy[i]!;
      return dx;
    case 'sigmoid':
      for (let i = 0; i < dx.length; i++) dx[i] = dy[i]! * y[i]! * (1 - y[i]!);
      return dx;
    case 'tanh':
      for (let i = 0; i < dx.length; i++) dx[i] = dy[i]! * (1 - y[i]! * y[i]!);
      return dx;
    case 'dropout': {
      if (!a.training || a.mask === undefined) {
        dx.set(dy);
        return dx;
      }
      const scale = 1 / (1 - spec.rate);
      for (let i = 0; i < dx.length; i++) dx[i] = dy[i]! * a.mask[i]! * scale;
      return dx;
    }
    case 'softmax':
      // dx_i = p_i (g_i - sum_j g_j p_j)
      for (let b = 0; b < batch; b++) {
        let dot = 0;
        for (let j = 0; j < nIn; j++) dot += dy[b * nIn + j]! * y[b * nIn + j]!;
        for (let i = 0; i < nIn; i++) dx[b * nIn + i] = y[b * nIn + i]! * (dy[b * nIn + i]! - dot);
      }
      return dx;
  }
}
