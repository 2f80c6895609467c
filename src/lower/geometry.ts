// Interior/border split of sliding-window layers. The interior is where no tap of the window can
// fall outside the input, so the emitted code there has no bounds tests; the border (padding, and
// rows or columns a stride leaves over) is at most four thin rectangles handled by checked loops.

import type { Layer } from '../network.js';
import type { PadGeometry, Rect, WindowGeometry } from './types.js';

const EMPTY: Rect = { y0: 0, y1: 0, x0: 0, x1: 0 };

export function isEmpty(r: Rect): boolean {
  return r.y0 >= r.y1 || r.x0 >= r.x1;
}

/** [0,h) x [0,w) minus `inner`, as top, bottom, left and right bands (empty ones dropped). */
export function borderRects(inner: Rect, h: number, w: number): Rect[] {
  if (isEmpty(inner)) return h > 0 && w > 0 ? [{ y0: 0, y1: h, x0: 0, x1: w }] : [];
  const rects: Rect[] = [
    { y0: 0, y1: inner.y0, x0: 0, x1: w },
    { y0: inner.y1, y1: h, x0: 0, x1: w },
    { y0: inner.y0, y1: inner.y1, x0: 0, x1: inner.x0 },
    { y0: inner.y0, y1: inner.y1, x0: inner.x1, x1: w },
  ];
  return rects.filter((r) => !isEmpty(r));
}

/** Output positions o with o*s - p >= 0 and o*s - p + d*(k-1) <= n - 1, clamped to [0, out). */
function innerRange(n: number, out: number, k: number, s: number, p: number, d: number): [number, number] {
  const lo = Math.min(Math.ceil(p / s), out);
  const last = n - 1 - d * (k - 1) + p;
  const hi = last < 0 ? 0 : Math.min(Math.floor(last / s) + 1, out);
  return [lo, Math.max(lo, hi)];
}

export function windowGeometry(layer: Layer): WindowGeometry {
  const spec = layer.spec;
  const [c, h, w] = layer.input as [number, number, number];
  const [f, oh, ow] = layer.output as [number, number, number];
  let kernel: readonly [number, number];
  let stride: readonly [number, number];
  let pad: readonly [number, number];
  let dilation: readonly [number, number] = [1, 1];
  if (spec.kind === 'conv') {
    ({ kernel, stride, pad, dilation } = spec);
  } else if (spec.kind === 'maxpool' || spec.kind === 'avgpool') {
    ({ kernel, stride, pad } = spec);
  } else {
    throw new Error(`windowGeometry: ${layer.name} is a ${spec.kind}, not a window layer`);
  }
  const [kh, kw] = kernel;
  const [sh, sw] = stride;
  const [ph, pw] = pad;
  const [dh, dw] = dilation;
  const [y0, y1] = innerRange(h, oh, kh, sh, ph, dh);
  const [x0, x1] = innerRange(w, ow, kw, sw, pw, dw);
  const inner = y0 < y1 && x0 < x1 ? { y0, y1, x0, x1 } : EMPTY;
  return { c, h, w, f, oh, ow, kh, kw, sh, sw, ph, pw, dh, dw, inner, edges: borderRects(inner, oh, ow) };
}

function pad(channels: number, h: number, w: number, top: number, left: number): PadGeometry | undefined {
  if (top === 0 && left === 0) return undefined;
  const rows = h + 2 * top;
  const cols = w + 2 * left;
  return { channels, h, w, top, left, rows, cols, plane: rows * cols };
}

/** The conv input as forward and the weight gradient read it: zero-padded by P (none without padding). */
export function inputPadGeometry(g: WindowGeometry): PadGeometry | undefined {
  return pad(g.c, g.h, g.w, g.ph, g.pw);
}

/**
 * The error map as the stride-1 gather reads it: padded by D*(K-1) - P, so that the valid
 * correlation of the padded map with the rotated kernel is exactly the input's size
 * ((OH + 2(D(K-1) - P)) - D(K-1) = H when OH = H + 2P - D(K-1)). None for pad full.
 */
export function errorPadGeometry(g: WindowGeometry): PadGeometry | undefined {
  if (g.sh !== 1 || g.sw !== 1) throw new Error('errorPadGeometry: the gather is for stride 1');
  return pad(g.f, g.oh, g.ow, g.dh * (g.kh - 1) - g.ph, g.dw * (g.kw - 1) - g.pw);
}
