// conv backward, input gradient as the scatter equivalent to the full correlation with the
// 180-degree-rotated kernel (emit-backward-input.ts): every error dz[f, oy, ox] goes back through
// the window it was computed from,
//   dx[c, oy*S - P + ky*D, ox*S - P + kx*D] += sum_f dz[f, oy, ox] * w[f, c, ky, kx]
// which handles stride and dilation with literal offsets and never multiplies a zero. Lowering
// picks it when the gather would mostly read padding (a small output under a large kernel, as in
// LeNet-5's c5, 16x5x5 -> 120x1x1). Output positions run in row-major order, each adding its
// window's sums over f; the border positions test each tap, the interior ones do not.

import type { LoweredStep } from '../../lower/types.js';
import { isEmpty } from '../../lower/geometry.js';
import { loop, plus, sum, times, type Writer } from '../../emit/writer.js';
import { blockExpr, convConsts, convPlan, emitBlocks, tapOffset } from './common.js';

export function emitConvInputScatter(w: Writer, step: LoweredStep): void {
  const plan = convPlan(step);
  const g = plan.geom;
  const k = convConsts(g);
  const w0 = step.weight!.offset;
  const ip = plan.inputGrad;
  const cb = ip.generic ? 1 : ip.cb;
  const unrolled = !ip.generic;
  const allInner = unrolled && g.edges.length === 0;
  const noneInner = !unrolled || isEmpty(g.inner);
  const acc = (j: number, ky: number, kx: number): string => `t${j}_${ky * g.kw + kx}`;
  w.writeLine(
    '// input gradient: the scatter equivalent to the full correlation of dz' +
      `${g.sh > 1 || g.sw > 1 ? ' (dilated by the stride)' : ''} with the 180-degree-rotated kernel`,
  );
  w.writeLine(`dx.fill(0, 0, n * ${k.chw});`);
  loop(w, 'b', 0, 'n', () => {
    w.writeLine(`const db = b * ${k.chw}, gb = b * ${k.fo};`);
    emitBlocks(w, 'c', g.c, cb, (at, count) => {
      w.writeLine(`const dc = ${sum('db', blockExpr('c', at, k.hw, 0))}, wc = ${blockExpr('c', at, k.kk, w0)};`);
      loop(w, 'oy', 0, g.oh, () => {
        w.writeLine(`const xr = ${sum('dc', times('oy', g.sh * g.w), -g.ph * g.w - g.pw)}, gr = ${sum('gb', times('oy', g.ow))};`);
        if (allInner) {
          loop(w, 'ox', 0, g.ow, () => position(count, false));
          return;
        }
        const rows: string[] = [];
        for (let ky = 0; ky < g.kh; ky++) {
          const iy = plus('iy', ky * g.dh);
          rows.push(`r${ky} = ${iy} >= 0 && ${iy} < ${g.h}`);
        }
        w.writeLine(`const iy = ${sum(times('oy', g.sh), -g.ph)};`);
        w.writeLine(`const ${rows.join(', ')};`);
        if (noneInner) {
          loop(w, 'ox', 0, g.ow, () => position(count, true));
          return;
        }
        const inner = g.inner;
        w.writeLine(`const inside = oy >= ${inner.y0} && oy < ${inner.y1};`);
        w.writeLine(`const xa = inside ? ${inner.x0} : ${g.ow}, xz = inside ? ${inner.x1} : ${g.ow};`);
        loop(w, 'ox', 0, 'xa', () => position(count, true));
        loop(w, 'ox', 'xa', 'xz', () => position(count, false));
        loop(w, 'ox', 'xz', g.ow, () => position(count, true));
      });
    });
  });

  /** One output position: the window's sums over f for a block of channels, then added into dx. */
  function position(count: number, checked: boolean): void {
    w.writeLine(`const xi = ${sum('xr', times('ox', g.sw))};`);
    if (checked) {
      const cols: string[] = [];
      for (let kx = 0; kx < g.kw; kx++) {
        const ix = plus('ix', kx * g.dw);
        cols.push(`q${kx} = ${ix} >= 0 && ${ix} < ${g.w}`);
      }
      w.writeLine(`const ix = ${sum(times('ox', g.sw), -g.pw)};`);
      w.writeLine(`const ${cols.join(', ')};`);
    }
    if (!unrolled) {
      // one channel, the window and f as plain loops
      loop(w, 'ky', 0, g.kh, () => {
        loop(w, 'kx', 0, g.kw, () => {
          w.writeLine('let t = 0;');
          w.write(`for (let f = 0, gf = gr + ox, wf = ${sum('wc', times('ky', g.kw), 'kx')}; f < ${g.f}; f++, gf += ${k.oo}, wf += ${k.ckk})`).block(() => {
            w.writeLine('t += dz[gf] * p[wf];');
          });
          const iy = sum('iy', times('ky', g.dh));
          const ix = sum('ix', times('kx', g.dw));
          w.writeLine(`const y = ${iy}, x = ${ix};`);
          w.writeLine(`if (y >= 0 && y < ${g.h} && x >= 0 && x < ${g.w}) dx[${sum('dc', times('y', g.w), 'x')}] += t;`);
        });
      });
      return;
    }
    // one declaration per filter and kernel row
    for (let j = 0; j < count; j++) {
      for (let ky = 0; ky < g.kh; ky++) {
        const names: string[] = [];
        for (let kx = 0; kx < g.kw; kx++) names.push(`${acc(j, ky, kx)} = 0`);
        w.writeLine(`let ${names.join(', ')};`);
      }
    }
    w.write(`for (let f = 0, gf = gr + ox, wf = wc; f < ${g.f}; f++, gf += ${k.oo}, wf += ${k.ckk})`).block(() => {
      w.writeLine('const v = dz[gf];');
      for (let ky = 0; ky < g.kh; ky++) {
        const parts: string[] = [];
        for (let kx = 0; kx < g.kw; kx++) {
          for (let j = 0; j < count; j++) parts.push(`${acc(j, ky, kx)} += v * p[${plus('wf', j * k.kk + ky * g.kw + kx)}];`);
        }
        w.writeLine(parts.join(' '));
      }
    });
    for (let ky = 0; ky < g.kh; ky++) {
      const parts: string[] = [];
      for (let kx = 0; kx < g.kw; kx++) {
        for (let j = 0; j < count; j++) {
          const add = `dx[${plus('xi', j * k.hw + tapOffset(g, ky, kx))}] += ${acc(j, ky, kx)};`;
          parts.push(checked ? `if (r${ky} && q${kx}) ${add}` : add);
        }
      }
      w.writeLine(parts.join(' '));
    }
  }
}
