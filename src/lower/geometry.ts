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
 * for every ky where that is a whole number in [0, OH). Positions are grouped by iy mod S (their
 * class), since which taps divide evenly depends only on the class.
 */
export function gatherGeometry(g: WindowGeometry): GatherGeometry {
  const y0 = Math.max(0, (g.kh - 1) * g.dh - g.ph);
  const y1 = Math.min(g.h, (g.oh - 1) * g.sh - g.ph + 1);
  const x0 = Math.max(0, (g.kw - 1) * g.dw - g.pw);
  const x1 = Math.min(g.w, (g.ow - 1) * g.sw - g.pw + 1);
  const inner = y0 < y1 && x0 < x1 ? { y0, y1, x0, x1 } : EMPTY;
  const classes: TapClass[] = [];
  if (!isEmpty(inner)) {
    for (let ry = 0; ry < g.sh; ry++) {
      for (let rx = 0; rx < g.sw; rx++) {
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
        const ty0 = Math.ceil((inner.y0 - ry) / g.sh);
        const ty1 = Math.ceil((inner.y1 - ry) / g.sh);
        const tx0 = Math.ceil((inner.x0 - rx) / g.sw);
        const tx1 = Math.ceil((inner.x1 - rx) / g.sw);
        const r = { y0: ty0, y1: Math.max(ty0, ty1), x0: tx0, x1: Math.max(tx0, tx1) };
        if (!isEmpty(r)) classes.push({ ry, rx, taps, inner: r });
      }
    }
  }
  return { inner, edges: borderRects(inner, g.h, g.w), classes };
}
