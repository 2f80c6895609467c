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
import { blockExpr, convConsts, convPlan, emitBlocks, outputExpr, tapOffset } from './common.js';

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
  const stride = g.sh > 1 || g.sw > 1 ? `*${g.sh}` : '';
  const strideX = g.sh > 1 || g.sw > 1 ? `*${g.sw}` : '';
  const padY = g.ph > 0 ? ` - ${g.ph}` : '';
  const padX = g.pw > 0 ? ` - ${g.pw}` : '';
  const dilY = g.dh > 1 ? `*${g.dh}` : '';
  const dilX = g.dw > 1 ? `*${g.dw}` : '';
  doc(w, [
    `${step.layer.name} forward: ${g.c}x${g.h}x${g.w} -> ${g.f}x${g.oh}x${g.ow}, cross-correlation with ${g.kh}x${g.kw} kernels` +
      `${act}:`,
    `y[f,oy,ox] = ${b0 === undefined ? '' : 'b[f] + '}sum_c,ky,kx w[f,c,ky,kx] x[c, oy${stride}${padY} + ky${dilY}, ` +
      `ox${strideX}${padX} + kx${dilX}] (zero outside the input)`,
    `weight [${g.f}][${g.c}][${g.kh}][${g.kw}] at p[${w0}]` + (b0 === undefined ? ', no bias.' : `, bias at p[${b0}].`),
    inner === undefined
      ? 'Every position through the checked loop nest.'
      : `Interior rows ${inner.y0}..${inner.y1 - 1}, columns ${inner.x0}..${inner.x1 - 1}: window unrolled, ` +
        `${fp.generic ? 1 : fp.fb} output channel(s) x ${fp.generic ? 1 : fp.pb} position(s) per pass` +
        (edges.length > 0 ? '; the border is checked.' : '; no border.'),
  ]);
  w.write(forwardSignature(step, ctx, { p: true, training: false })).block(() => {
    bindWorkspace(w, [['x', step.x], ['y', step.y]]);
    loop(w, 'b', 0, 'n', () => {
      w.writeLine(`const xb = b * ${k.chw}, yb = b * ${k.fo};`);
      if (inner !== undefined && !fp.generic) {
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
            const pb = fp.pb;
            const pairsEnd = inner.x0 + Math.floor((inner.x1 - inner.x0) / pb) * pb;
            if (pb === 1) {
              loop(w, 'ox', inner.x0, inner.x1, () => position(count, 1));
            } else {
              if (pairsEnd > inner.x0) {
                w.write(`for (let ox = ${inner.x0}; ox < ${pairsEnd}; ox += ${pb})`).block(() => position(count, pb));
              }
              for (let ox = pairsEnd; ox < inner.x1; ox++) {
                w.block(() => {
                  w.writeLine(`const ox = ${ox};`);
                  position(count, 1);
                });
              }
            }
          });
        });
      }
      if (edges.length > 0) checked();
    });
  });

  /**
   * `pixels` adjacent output positions from ox on, for `count` output channels: count x pixels
   * independent accumulators. Per tap, each input is loaded once and each weight once.
   */
  function position(count: number, pixels: number): void {
    const fused = step.fused !== undefined;
    const acc = (j: number, q: number): string => (pixels === 1 ? `s${j}` : `s${j}_${q}`);
    w.writeLine(`const xi = ${sum('xr', times('ox', g.sw))};`);
    const init: string[] = [];
    for (let j = 0; j < count; j++) for (let q = 0; q < pixels; q++) init.push(`${acc(j, q)} = ${b0 === undefined ? '0' : `b${j}`}`);
    w.writeLine(`let ${init.join(', ')};`);
    const unrollChannels = fp.generic ? false : fp.unrollChannels || g.c === 1;
    const body = (xv: string, wv: string, c: number | null): void => {
      const decl = ['v = 0'];
      for (let q = 1; q < pixels; q++) decl.push(`v${q} = 0`);
      if (pixels > 1) decl.push('wt = 0');
      if (c === null || c === 0) w.writeLine(`let ${decl.join(', ')};`);
      const xk = c === null ? 0 : c * k.hw;
      const wk = c === null ? 0 : c * k.kk;
      for (let ky = 0; ky < g.kh; ky++) {
        for (let kx = 0; kx < g.kw; kx++) {
          const off = xk + tapOffset(g, ky, kx);
          const loads = [`v = x[${plus(xv, off)}];`];
          for (let q = 1; q < pixels; q++) loads.push(`v${q} = x[${plus(xv, off + q * g.sw)}];`);
          if (pixels === 1) {
            // one line per tap: the input once, into every channel's accumulator
            for (let j = 0; j < count; j++) loads.push(`${acc(j, 0)} += v * p[${plus(wv, wk + j * k.ckk + ky * g.kw + kx)}];`);
            w.writeLine(loads.join(' '));
            continue;
          }
          // a line of loads per tap, then per channel: the weight once, into every position
          w.writeLine(loads.join(' '));
          for (let j = 0; j < count; j++) {
            const parts = [`wt = p[${plus(wv, wk + j * k.ckk + ky * g.kw + kx)}];`];
            for (let q = 0; q < pixels; q++) parts.push(`${acc(j, q)} += ${q === 0 ? 'v' : `v${q}`} * wt;`);
            w.writeLine(parts.join(' '));
          }
        }
      }
    };
    if (unrollChannels) {
      for (let c = 0; c < g.c; c++) body('xi', 'wf', c);
    } else {
      loop(w, 'c', 0, g.c, () => {
        w.writeLine(`const xc = ${sum('xi', times('c', k.hw))}, wc = ${sum('wf', times('c', k.kk))};`);
        body('xc', 'wc', null);
      });
    }
    for (let j = 0; j < count; j++) {
      for (let q = 0; q < pixels; q++) {
        const out = `y[${sum('yr', 'ox', j * k.oo + q)}]`;
        if (fused) {
          w.writeLine(`${out} = ${outputExpr(step, acc(j, q))};`);
        } else {
          w.writeLine(`${out} = ${acc(j, q)};`);
        }
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
