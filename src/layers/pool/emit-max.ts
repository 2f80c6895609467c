// maxpool: y = max over the window; the padding is minus infinity, so it never wins. Forward
// records, per output, the index (within its sample) of the first maximum in row-major order
// (ties keep the earlier tap, a NaN wins and propagates, as in PyTorch). Backward routes each
// gradient to that recorded input position.

import type { LoweredStep, PoolPlan } from '../../lower/types.js';
import { isEmpty } from '../../lower/geometry.js';
import {
  backwardSignature,
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
import type { StepEmitter } from '../emitters.js';

export function poolPlan(step: LoweredStep): PoolPlan {
  if (step.plan.kind !== 'pool') throw new Error(`pool emitter: ${step.layer.name} has a ${step.plan.kind} plan`);
  return step.plan;
}

export const maxpoolEmitter: StepEmitter = {
  forward(w: Writer, step: LoweredStep, ctx: EmitContext): void {
    const plan = poolPlan(step);
    const g = plan.geom;
    const hw = g.h * g.w;
    const oo = g.oh * g.ow;
    const inner = plan.unroll && !isEmpty(g.inner) ? g.inner : undefined;
    const edges = plan.unroll ? g.edges : [{ y0: 0, y1: g.oh, x0: 0, x1: g.ow }];
    const table = `${step.forwardFn!}_edges`;
    if (edges.length > 0) rectTable(w, table, `${step.layer.name} forward, output positions computed with bounds tests`, edges);
    doc(w, [
      `${step.layer.name} forward: ${g.kh}x${g.kw} max pooling, stride ${g.sh}x${g.sw}, padding ${g.ph}x${g.pw}: ` +
        `${g.c}x${g.h}x${g.w} -> ${g.f}x${g.oh}x${g.ow}; argmax kept for backward.`,
    ]);
    w.write(forwardSignature(step, ctx, { p: false, training: false })).block(() => {
      bindWorkspace(w, [['x', step.x], ['y', step.y], ['arg', step.argmax!]]);
      loop(w, 'b', 0, 'n', () => {
        w.writeLine(`const xb = b * ${g.c * hw}, yb = b * ${g.f * oo};`);
        loop(w, 'c', 0, g.c, () => {
          w.writeLine(`const xc = ${sum('xb', times('c', hw))}, yc = ${sum('yb', times('c', oo))};`);
          if (inner !== undefined) {
            loop(w, 'oy', inner.y0, inner.y1, () => {
              w.writeLine(`const xr = ${sum('xc', times('oy', g.sh * g.w), -g.ph * g.w - g.pw)}, yr = ${sum('yc', times('oy', g.ow))};`);
              loop(w, 'ox', inner.x0, inner.x1, () => {
                w.writeLine(`const i = ${sum('xr', times('ox', g.sw))};`);
                w.writeLine('let m = x[i], a = i, v: number;');
                for (let ky = 0; ky < g.kh; ky++) {
                  for (let kx = 0; kx < g.kw; kx++) {
                    if (ky === 0 && kx === 0) continue;
                    const at = plus('i', ky * g.w + kx);
                    w.writeLine(`v = x[${at}]; if (v > m || v !== v) { m = v; a = ${at}; }`);
                  }
                }
                w.writeLine('y[yr + ox] = m;');
                w.writeLine('arg[yr + ox] = a - xb;');
              });
            });
          }
          if (edges.length > 0) {
            forEachRect(w, table, edges.length, () => {
              loop(w, 'oy', 'y0', 'y1', () => {
                w.writeLine(`const iy0 = ${sum(times('oy', g.sh), -g.ph)}, yr = ${sum('yc', times('oy', g.ow))};`);
                loop(w, 'ox', 'x0', 'x1', () => {
                  w.writeLine(`const ix0 = ${sum(times('ox', g.sw), -g.pw)};`);
                  w.writeLine('let m = -Infinity, a = -1;');
                  loop(w, 'ky', 0, g.kh, () => {
                    w.writeLine(`const iy = iy0 + ky;`);
                    w.writeLine(`if (iy < 0 || iy >= ${g.h}) continue;`);
                    loop(w, 'kx', 0, g.kw, () => {
                      w.writeLine('const ix = ix0 + kx;');
                      w.writeLine(`if (ix < 0 || ix >= ${g.w}) continue;`);
                      w.writeLine(`const i = ${sum('xc', times('iy', g.w), 'ix')}, v = x[i];`);
                      w.writeLine('if (a < 0 || v > m || v !== v) { m = v; a = i; }');
                    });
                  });
                  w.writeLine('y[yr + ox] = m;');
                  w.writeLine('arg[yr + ox] = a - xb;');
                });
              });
            });
          }
        });
      });
    });
  },

  backward(w: Writer, step: LoweredStep, ctx: EmitContext): void {
    const g = poolPlan(step).geom;
    const chw = g.c * g.h * g.w;
    const fo = g.f * g.oh * g.ow;
    doc(w, [`${step.layer.name} backward: each gradient goes to the input position that won the forward max.`]);
    w.write(backwardSignature(step, ctx, { p: false, grad: false })).block(() => {
      bindWorkspace(w, [['dy', step.dy], ['dx', step.dx], ['arg', step.argmax!]]);
      w.writeLine(`dx.fill(0, 0, n * ${chw});`);
      loop(w, 'b', 0, 'n', () => {
        w.writeLine(`const xb = b * ${chw}, yb = b * ${fo};`);
        loop(w, 'i', 0, fo, () => w.writeLine('dx[xb + arg[yb + i]] += dy[yb + i];'));
      });
    });
  },
};
