// conv forward: cross-correlation (the kernel is not flipped) with zero padding,
//   y[f, oy, ox] = b[f] + sum_c sum_ky sum_kx w[f, c, ky, kx] * x[c, oy*S - P + ky*D, ox*S - P + kx*D]
// Interior positions (whole window inside the input) run an unrolled window over a block of output
// channels held in independent accumulators; border positions run a checked loop nest. Every
// output is summed in the same order (bias, then c, ky, kx) on both paths and in every unroll mode,
// so the unroll mode never changes a number.

import type { LoweredStep } from '../../lower/types.js';
import { isEmpty } from '../../lower/geometry.js';
import {
  bindWorkspace,
  doc,
  forEachRect,
  forwardSignature,
  loop,
  plus,
  rectTable,
  sum,
  times,
  type EmitContext,
  type Writer,
} from '../../emit/writer.js';
import { accumulators, blockExpr, convConsts, convPlan, emitBlocks, outputExpr, tapOffset } from './common.js';

export function emitConvForward(w: Writer, step: LoweredStep, ctx: EmitContext): void {
  const plan = convPlan(step);
  const g = plan.geom;
  const k = convConsts(g);
  const w0 = step.weight!.offset;
  const b0 = step.bias?.offset;
  const fp = plan.forward;
  const inner = fp.generic || isEmpty(g.inner) ? undefined : g.inner;
  const edges = fp.generic ? [{ y0: 0, y1: g.oh, x0: 0, x1: g.ow }] : g.edges;
  const table = `${step.forwardFn!}_edges`;
  if (edges.length > 0) rectTable(w, table, `${step.layer.name} forward, output positions computed with bounds tests`, edges);

  const act = step.fused ? `, then ${step.fused.kind} (fused)` : '';
  doc(w, [
    `${step.layer.name} forward: ${g.c}x${g.h}x${g.w} -> ${g.f}x${g.oh}x${g.ow}, cross-correlation with ${g.kh}x${g.kw} kernels` +
      `${act}.`,
    `weight [${g.f}][${g.c}][${g.kh}][${g.kw}] at p[${w0}]` + (b0 === undefined ? ', no bias.' : `, bias at p[${b0}].`),
    inner === undefined
      ? 'Every position through the checked loop nest.'
      : `Interior rows ${inner.y0}..${inner.y1 - 1}, columns ${inner.x0}..${inner.x1 - 1}: ` +
        `window unrolled, ${fp.generic ? 1 : fp.fb} output channels per pass; the border is checked.`,
  ]);
  w.write(forwardSignature(step, ctx, { p: true, training: false })).block(() => {
    bindWorkspace(w, [['x', step.x], ['y', step.y]]);
    loop(w, 'b', 0, 'n', () => {
      w.writeLine(`const xb = b * ${k.chw}, yb = b * ${k.fo};`);
      if (inner !== undefined && !fp.generic) {
        const unrollChannels = fp.unrollChannels || g.c === 1;
        emitBlocks(w, 'f', g.f, fp.fb, (at, count) => {
          const wf = blockExpr('f', at, k.ckk, w0);
          w.writeLine(`const wf = ${wf};`);
          if (b0 !== undefined) {
            const parts: string[] = [];
            for (let j = 0; j < count; j++) parts.push(`b${j} = p[${blockExpr('f', at, 1, b0 + j)}]`);
            w.writeLine(`const ${parts.join(', ')};`);
          }
          loop(w, 'oy', inner.y0, inner.y1, () => {
            w.writeLine(`const xr = ${sum('xb', times('oy', g.sh * g.w), -g.ph * g.w - g.pw)};`);
            w.writeLine(`const yr = ${sum('yb', blockExpr('f', at, k.oo, 0), times('oy', g.ow))};`);
            loop(w, 'ox', inner.x0, inner.x1, () => {
              w.writeLine(`const xi = ${sum('xr', times('ox', g.sw))};`);
              w.writeLine(accumulators('s', count, (j) => (b0 === undefined ? '0' : `b${j}`)));
              if (unrollChannels) {
                w.writeLine('let v: number;');
                for (let c = 0; c < g.c; c++) taps('xi', c * k.hw, 'wf', c * k.kk, count);
              } else {
                loop(w, 'c', 0, g.c, () => {
                  w.writeLine(`const xc = ${sum('xi', times('c', k.hw))}, wc = ${sum('wf', times('c', k.kk))};`);
                  w.writeLine('let v: number;');
                  taps('xc', 0, 'wc', 0, count);
                });
              }
              for (let j = 0; j < count; j++) {
                w.writeLine(`y[${sum('yr', 'ox', j * k.oo)}] = ${outputExpr(step, `s${j}`)};`);
              }
            });
          });
        });
      }
      if (edges.length > 0) checked();
    });
  });

  /** One line per tap: load the input once, multiply it into every accumulator of the block. */
  function taps(xv: string, xk: number, wv: string, wk: number, count: number): void {
    for (let ky = 0; ky < g.kh; ky++) {
      for (let kx = 0; kx < g.kw; kx++) {
        const parts = [`v = x[${plus(xv, xk + tapOffset(g, ky, kx))}];`];
        for (let j = 0; j < count; j++) parts.push(`s${j} += v * p[${plus(wv, wk + j * k.ckk + ky * g.kw + kx)}];`);
        w.writeLine(parts.join(' '));
      }
    }
  }

  function checked(): void {
    forEachRect(w, table, edges.length, () => {
      loop(w, 'f', 0, g.f, () => {
        w.writeLine(`const wf = ${sum(times('f', k.ckk), w0)}, yf = ${sum('yb', times('f', k.oo))};`);
        w.writeLine(`const bf = ${b0 === undefined ? '0' : `p[${plus('f', b0)}]`};`);
        loop(w, 'oy', 'y0', 'y1', () => {
          w.writeLine(`const iy0 = ${sum(times('oy', g.sh), -g.ph)};`);
          loop(w, 'ox', 'x0', 'x1', () => {
            w.writeLine(`const ix0 = ${sum(times('ox', g.sw), -g.pw)};`);
            w.writeLine('let s = bf;');
            loop(w, 'c', 0, g.c, () => {
              loop(w, 'ky', 0, g.kh, () => {
                w.writeLine(`const iy = ${sum('iy0', times('ky', g.dh))};`);
                w.writeLine(`if (iy < 0 || iy >= ${g.h}) continue;`);
                w.writeLine(`const xr = ${sum('xb', times('c', k.hw), times('iy', g.w))};`);
                w.writeLine(`const wr = ${sum('wf', times('c', k.kk), times('ky', g.kw))};`);
                loop(w, 'kx', 0, g.kw, () => {
                  w.writeLine(`const ix = ${sum('ix0', times('kx', g.dw))};`);
                  w.writeLine(`if (ix < 0 || ix >= ${g.w}) continue;`);
                  w.writeLine('s += x[xr + ix] * p[wr + kx];');
                });
              });
            });
            w.writeLine(`y[${sum('yf', times('oy', g.ow), 'ox')}] = ${outputExpr(step, 's')};`);
          });
        });
      });
    });
  }
}
