// Interior/border split of sliding-window layers. The interior is where no tap of the window can
// fall outside the input, so the emitted code there has no bounds tests; the border (padding, and
// rows or columns a stride leaves over) is at most four thin rectangles handled by checked loops.

import type { Layer } from '../network.js';
import type { GatherGeometry, Rect, TapClass, WindowGeometry } from './types.js';

const EMPTY: Rect = { y0: 0, y1: 0, x0: 0, x1: 0 };

export function isEmpty(r: Rect): boolean {
  return r.y0 >= r.y1 || r.x0 >= r.x1;
}

export function rectArea(r: Rect): number {
  return isEmpty(r) ? 0 : (r.y1 - r.y0) * (r.x1 - r.x0);
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

const mod = (a: number, m: number): number => ((a % m) + m) % m;

/**
 * The input gradient as a gather: input position iy receives the error at oy = (iy + P - ky*D)/S
 * for every ky where that is a whole number (the other taps meet the zeros a stride-S dilation puts
 * between the errors). Which taps those are depends only on iy mod S: positions are grouped by
 * class. The error map is padded with zeros wherever a tap reads outside [0, OH) x [0, OW).
 */
export function gatherGeometry(g: WindowGeometry): GatherGeometry {
  const classes: TapClass[] = [];
  let top = 0;
  let bottom = 0;
  let left = 0;
  let right = 0;
  for (let ry = 0; ry < Math.min(g.sh, g.h); ry++) {
    for (let rx = 0; rx < Math.min(g.sw, g.w); rx++) {
      const taps: TapClass['taps'][number][] = [];
      for (let ky = 0; ky < g.kh; ky++) {
        const ny = ry + g.ph - ky * g.dh;
        if (mod(ny, g.sh) !== 0) continue;
        for (let kx = 0; kx < g.kw; kx++) {
          const nx = rx + g.pw - kx * g.dw;
          if (mod(nx, g.sw) !== 0) continue;
          taps.push({ ky, kx, doy: ny / g.sh, dox: nx / g.sw });
        }
      }
      const ty1 = Math.ceil((g.h - ry) / g.sh);
      const tx1 = Math.ceil((g.w - rx) / g.sw);
      for (const t of taps) {
        top = Math.max(top, -t.doy);
        bottom = Math.max(bottom, ty1 - 1 + t.doy - (g.oh - 1));
        left = Math.max(left, -t.dox);
        right = Math.max(right, tx1 - 1 + t.dox - (g.ow - 1));
      }
      classes.push({ ry, rx, taps, ty1, tx1 });
    }
  }
  const rows = g.oh + top + bottom;
  const cols = g.ow + left + right;
  return { classes, top, bottom, left, right, rows, cols, plane: rows * cols };
}

/** Whether the gather reads the error map in place (no padding needed). */
export function gatherInPlace(gg: GatherGeometry): boolean {
  return gg.top === 0 && gg.bottom === 0 && gg.left === 0 && gg.right === 0;
}

/** Multiply-adds of the padded gather over those the input gradient needs (>= 1). */
export function gatherWaste(g: WindowGeometry, gg: GatherGeometry): number {
  const done = gg.classes.reduce((s, cl) => s + cl.ty1 * cl.tx1 * cl.taps.length, 0);
  const needed = g.oh * g.ow * g.kh * g.kw;
  return done / needed;
}
