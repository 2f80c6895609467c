// conv backward: (fused activation) -> bias gradient -> weight gradient -> input gradient.
//   db[f]             = sum_b sum_oy sum_ox dz[b, f, oy, ox]                 (sums of the error map)
//   dw[f, c, ky, kx]  = sum_b sum_oy sum_ox dz[b, f, oy, ox] * x[b, c, oy*S - P + ky*D, ox*S - P + kx*D]
//                       (correlation of the layer input with the error map)
// The weight gradient holds a block of filters x the whole window in independent accumulators and
// walks every output row in three segments: checked left border, unchecked interior, checked right
// border (rows in the top and bottom bands are all border). Each accumulator sums b, oy, ox in
// order on every path and in every unroll mode.

import type { LoweredStep } from '../../lower/types.js';
import { isEmpty } from '../../lower/geometry.js';
import { emitFusedActivationBackward } from '../activation/emit.js';
import { backwardSignature, bindWorkspace, doc, loop, plus, sum, times, type EmitContext, type Writer } from '../../emit/writer.js';
import { blockExpr, convConsts, convPlan, emitBlocks, tapOffset } from './common.js';
import { emitConvInputGrad } from './emit-backward-input.js';
import { emitConvInputScatter } from './emit-backward-scatter.js';

export function emitConvBackward(w: Writer, step: LoweredStep, ctx: EmitContext): void {
  const plan = convPlan(step);
  const g = plan.geom;
  const k = convConsts(g);
  const how =
    plan.inputGradMethod === 'gather'
      ? 'dx: full correlation of dz with the 180-degree-rotated kernel (a gather)'
      : 'dx: full correlation of dz with the 180-degree-rotated kernel, computed as the equivalent scatter ' +
        '(a gather would mostly multiply padding)';
  doc(w, [
    `${step.layer.name} backward, dz = dy${step.fused ? ` * ${step.fused.kind}'(y)` : ''} (${g.f}x${g.oh}x${g.ow}):`,
    `${step.bias ? 'db: sums of dz; ' : ''}dw: correlation of the input (${g.c}x${g.h}x${g.w}) with dz;`,
    `${how}.`,
  ]);
  w.write(backwardSignature(step, ctx, { p: true, grad: true })).block(() => {
    const fields: [string, string][] = [['x', step.x], ['dz', step.dy], ['dx', step.dx]];
    if (step.fused) fields.push(['y', step.y]);
    if (plan.scratch) fields.push(['e', plan.scratch]);
    bindWorkspace(w, fields);
    if (step.fused) emitFusedActivationBackward(w, step.fused, 'dz', 'y', `n * ${k.fo}`);
    if (step.bias) emitBiasGrad(w, step);
    if (plan.weightGrad.generic) emitWeightGradGeneric(w, step);
    else emitWeightGradBlocked(w, step, plan.weightGrad.fbw);
    if (plan.inputGradMethod === 'gather') emitConvInputGrad(w, step);
    else emitConvInputScatter(w, step);
  });
}

function emitBiasGrad(w: Writer, step: LoweredStep): void {
  const g = convPlan(step).geom;
  const k = convConsts(g);
  w.writeLine('// bias gradient: sums of the error map');
  loop(w, 'f', 0, g.f, () => {
    w.writeLine('let s = 0;');
    loop(w, 'b', 0, 'n', () => {
      w.writeLine(`const o = ${sum(times('b', k.fo), times('f', k.oo))};`);
      loop(w, 'i', 0, k.oo, () => w.writeLine('s += dz[o + i];'));
    });
    w.writeLine(`grad[${plus('f', step.bias!.offset)}] = s;`);
  });
}

function emitWeightGradGeneric(w: Writer, step: LoweredStep): void {
  const g = convPlan(step).geom;
  const k = convConsts(g);
  w.writeLine('// weight gradient: correlation of the input with the error map (checked loops)');
  loop(w, 'f', 0, g.f, () => {
    loop(w, 'c', 0, g.c, () => {
      loop(w, 'ky', 0, g.kh, () => {
        loop(w, 'kx', 0, g.kw, () => {
          w.writeLine('let s = 0;');
          loop(w, 'b', 0, 'n', () => {
            w.writeLine(`const xc = ${sum(times('b', k.chw), times('c', k.hw))}, gf = ${sum(times('b', k.fo), times('f', k.oo))};`);
            loop(w, 'oy', 0, g.oh, () => {
              w.writeLine(`const iy = ${sum(times('oy', g.sh), times('ky', g.dh), -g.ph)};`);
              w.writeLine(`if (iy < 0 || iy >= ${g.h}) continue;`);
              w.writeLine(`const xr = ${sum('xc', times('iy', g.w))}, gr = ${sum('gf', times('oy', g.ow))};`);
              loop(w, 'ox', 0, g.ow, () => {
                w.writeLine(`const ix = ${sum(times('ox', g.sw), times('kx', g.dw), -g.pw)};`);
                w.writeLine(`if (ix < 0 || ix >= ${g.w}) continue;`);
                w.writeLine('s += dz[gr + ox] * x[xr + ix];');
              });
            });
          });
          w.writeLine(`grad[${sum(times('f', k.ckk), times('c', k.kk), times('ky', g.kw), 'kx', step.weight!.offset)}] = s;`);
        });
      });
    });
  });
}

function emitWeightGradBlocked(w: Writer, step: LoweredStep, fbw: number): void {
  const g = convPlan(step).geom;
  const k = convConsts(g);
  const inner = g.inner;
  const allInner = g.edges.length === 0;
  const noneInner = isEmpty(inner);
  const acc = (j: number, ky: number, kx: number): string => `a${j}_${ky * g.kw + kx}`;
  w.writeLine(`// weight gradient: correlation of the input with the error map, ${fbw} filter(s) x ${g.kh}x${g.kw} taps per pass`);
  emitBlocks(w, 'f', g.f, fbw, (at, count) => {
    loop(w, 'c', 0, g.c, () => {
      // one declaration per filter and kernel row
      for (let j = 0; j < count; j++) {
        for (let ky = 0; ky < g.kh; ky++) {
          const names: string[] = [];
          for (let kx = 0; kx < g.kw; kx++) names.push(`${acc(j, ky, kx)} = 0`);
          w.writeLine(`let ${names.join(', ')};`);
        }
      }
      loop(w, 'b', 0, 'n', () => {
        w.writeLine(`const xc = ${sum(times('b', k.chw), times('c', k.hw))}, gf = ${sum(times('b', k.fo), blockExpr('f', at, k.oo, 0))};`);
        loop(w, 'oy', 0, g.oh, () => {
          w.writeLine(`const xr = ${sum('xc', times('oy', g.sh * g.w), -g.ph * g.w - g.pw)}, gr = ${sum('gf', times('oy', g.ow))};`);
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
          w.writeLine(`const inside = oy >= ${inner.y0} && oy < ${inner.y1};`);
          w.writeLine(`const xa = inside ? ${inner.x0} : ${g.ow}, xz = inside ? ${inner.x1} : ${g.ow};`);
          loop(w, 'ox', 0, 'xa', () => position(count, true));
          loop(w, 'ox', 'xa', 'xz', () => position(count, false));
          loop(w, 'ox', 'xz', g.ow, () => position(count, true));
        });
      });
      for (let j = 0; j < count; j++) {
        for (let ky = 0; ky < g.kh; ky++) {
          const parts: string[] = [];
          for (let kx = 0; kx < g.kw; kx++) {
            const idx = sum(blockExpr('f', at, k.ckk, 0), times('c', k.kk), step.weight!.offset + j * k.ckk + ky * g.kw + kx);
            parts.push(`grad[${idx}] = ${acc(j, ky, kx)};`);
          }
          w.writeLine(parts.join(' '));
        }
      }
    });
  });

  /** One output position: its errors for the block, times every tap of its window. */
  function position(count: number, checkedPath: boolean): void {
    const es: string[] = [];
    for (let j = 0; j < count; j++) es.push(`e${j} = dz[${sum('gr', 'ox', j * k.oo)}]`);
    w.writeLine(`const xi = ${sum('xr', times('ox', g.sw))}, ${es.join(', ')};`);
    if (checkedPath) {
      const cols: string[] = [];
      for (let kx = 0; kx < g.kw; kx++) {
        const ix = plus('ix', kx * g.dw);
        cols.push(`q${kx} = ${ix} >= 0 && ${ix} < ${g.w}`);
      }
      w.writeLine(`const ix = ${sum(times('ox', g.sw), -g.pw)};`);
      w.writeLine(`const ${cols.join(', ')};`);
    } else {
      w.writeLine('let v: number;');
    }
    for (let ky = 0; ky < g.kh; ky++) {
      for (let kx = 0; kx < g.kw; kx++) {
        const load = `x[${plus('xi', tapOffset(g, ky, kx))}]`;
        const adds: string[] = [];
        for (let j = 0; j < count; j++) adds.push(`${acc(j, ky, kx)} += e${j} * v;`);
        if (checkedPath) w.writeLine(`if (r${ky} && q${kx}) { const v = ${load}; ${adds.join(' ')} }`);
        else w.writeLine(`v = ${load}; ${adds.join(' ')}`);
      }
    }
  }
}
