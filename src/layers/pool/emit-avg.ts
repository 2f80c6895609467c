// avgpool: y = (sum over the window) / (kh*kw), the divisor counting padded positions too
// (PyTorch's count_include_pad=True). Backward spreads each gradient evenly over its window:
// dx[window] += dy / (kh*kw), scattered output by output in row-major order (overlapping windows
// add up in the same order on every path).
// globalavgpool: y[c] = mean of channel c; backward dx[c, i] = dy[c] / (H*W).

import type { LoweredStep } from '../../lower/types.js';
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
import { poolPlan } from './emit-max.js';

export const avgpoolEmitter: StepEmitter = {
  forward(w: Writer, step: LoweredStep, ctx: EmitContext): void {
    const plan = poolPlan(step);
    const g = plan.geom;
    const hw = g.h * g.w;
    const oo = g.oh * g.ow;
    const kk = g.kh * g.kw;
    const inner = plan.unroll && !isEmpty(g.inner) ? g.inner : undefined;
    const edges = plan.unroll ? g.edges : [{ y0: 0, y1: g.oh, x0: 0, x1: g.ow }];
    const table = `${step.forwardFn!}_edges`;
    if (edges.length > 0) rectTable(w, table, `${step.layer.name} forward, output positions computed with bounds tests`, edges);
    doc(w, [
      `${step.layer.name} forward: ${g.kh}x${g.kw} average pooling, stride ${g.sh}x${g.sw}, padding ${g.ph}x${g.pw} ` +
        `(divisor ${kk}, padding included): ${g.c}x${g.h}x${g.w} -> ${g.f}x${g.oh}x${g.ow}.`,
    ]);
    w.write(forwardSignature(step, ctx, { p: false, training: false })).block(() => {
      bindWorkspace(w, [['x', step.x], ['y', step.y]]);
      loop(w, 'b', 0, 'n', () => {
        w.writeLine(`const xb = b * ${g.c * hw}, yb = b * ${g.f * oo};`);
        loop(w, 'c', 0, g.c, () => {
          w.writeLine(`const xc = ${sum('xb', times('c', hw))}, yc = ${sum('yb', times('c', oo))};`);
          if (inner !== undefined) {
            loop(w, 'oy', inner.y0, inner.y1, () => {
              w.writeLine(`const xr = ${sum('xc', times('oy', g.sh * g.w), -g.ph * g.w - g.pw)}, yr = ${sum('yc', times('oy', g.ow))};`);
              loop(w, 'ox', inner.x0, inner.x1, () => {
                w.writeLine(`const i = ${sum('xr', times('ox', g.sw))};`);
                const terms: string[] = [];
                for (let ky = 0; ky < g.kh; ky++) for (let kx = 0; kx < g.kw; kx++) terms.push(`x[${plus('i', ky * g.w + kx)}]`);
                w.writeLine(`y[yr + ox] = (${terms.join(' + ')}) / ${kk};`);
              });
            });
          }
          if (edges.length > 0) {
            forEachRect(w, table, edges.length, () => {
              loop(w, 'oy', 'y0', 'y1', () => {
                w.writeLine(`const iy0 = ${sum(times('oy', g.sh), -g.ph)}, yr = ${sum('yc', times('oy', g.ow))};`);
                loop(w, 'ox', 'x0', 'x1', () => {
                  w.writeLine(`const ix0 = ${sum(times('ox', g.sw), -g.pw)};`);
                  w.writeLine('let s = 0;');
                  loop(w, 'ky', 0, g.kh, () => {
                    w.writeLine('const iy = iy0 + ky;');
                    w.writeLine(`if (iy < 0 || iy >= ${g.h}) continue;`);
                    loop(w, 'kx', 0, g.kw, () => {
                      w.writeLine('const ix = ix0 + kx;');
                      w.writeLine(`if (ix < 0 || ix >= ${g.w}) continue;`);
                      w.writeLine(`s += x[${sum('xc', times('iy', g.w), 'ix')}];`);
                    });
                  });
                  w.writeLine(`y[yr + ox] = s / ${kk};`);
                });
              });
            });
          }
        });
      });
    });
  },

  backward(w: Writer, step: LoweredStep, ctx: EmitContext): void {
    const plan = poolPlan(step);
    const g = plan.geom;
    const hw = g.h * g.w;
    const oo = g.oh * g.ow;
    const kk = g.kh * g.kw;
    const allInner = plan.unroll && g.edges.length === 0;
    const noneInner = !plan.unroll || isEmpty(g.inner);
    doc(w, [`${step.layer.name} backward: dx[window] += dy / ${kk} for every output, in row-major order.`]);
    w.write(backwardSignature(step, ctx, { p: false, grad: false })).block(() => {
      bindWorkspace(w, [['dy', step.dy], ['dx', step.dx]]);
      w.writeLine(`dx.fill(0, 0, n * ${g.c * hw});`);
      loop(w, 'b', 0, 'n', () => {
        loop(w, 'c', 0, g.c, () => {
          w.writeLine(`const xc = ${sum(times('b', g.c * hw), times('c', hw))}, yc = ${sum(times('b', g.f * oo), times('c', oo))};`);
          loop(w, 'oy', 0, g.oh, () => {
            w.writeLine(`const xr = ${sum('xc', times('oy', g.sh * g.w), -g.ph * g.w - g.pw)}, yr = ${sum('yc', times('oy', g.ow))};`);
            if (allInner) {
              loop(w, 'ox', 0, g.ow, () => position(false));
              return;
            }
            const rows: string[] = [];
            for (let ky = 0; ky < g.kh; ky++) rows.push(`r${ky} = ${plus('iy', ky)} >= 0 && ${plus('iy', ky)} < ${g.h}`);
            w.writeLine(`const iy = ${sum(times('oy', g.sh), -g.ph)};`);
            w.writeLine(`const ${rows.join(', ')};`);
            if (noneInner) {
              loop(w, 'ox', 0, g.ow, () => position(true));
              return;
            }
            const inner = g.inner;
            w.writeLine(`const inside = oy >= ${inner.y0} && oy < ${inner.y1};`);
            w.writeLine(`const xa = inside ? ${inner.x0} : ${g.ow}, xz = inside ? ${inner.x1} : ${g.ow};`);
            loop(w, 'ox', 0, 'xa', () => position(true));
            loop(w, 'ox', 'xa', 'xz', () => position(false));
            loop(w, 'ox', 'xz', g.ow, () => position(true));
          });
        });
      });
    });

    function position(checked: boolean): void {
      w.writeLine(`const i = ${sum('xr', times('ox', g.sw))}, e = dy[yr + ox] / ${kk};`);
      if (checked) {
        const cols: string[] = [];
        for (let kx = 0; kx < g.kw; kx++) cols.push(`q${kx} = ${plus('ix', kx)} >= 0 && ${plus('ix', kx)} < ${g.w}`);
        w.writeLine(`const ix = ${sum(times('ox', g.sw), -g.pw)};`);
        w.writeLine(`const ${cols.join(', ')};`);
      }
      for (let ky = 0; ky < g.kh; ky++) {
        const parts: string[] = [];
        for (let kx = 0; kx < g.kw; kx++) {
          const add = `dx[${plus('i', ky * g.w + kx)}] += e;`;
          parts.push(checked ? `if (r${ky} && q${kx}) ${add}` : add);
        }
        w.writeLine(parts.join(' '));
      }
    }
  },
};

export const globalavgpoolEmitter: StepEmitter = {
  forward(w: Writer, step: LoweredStep, ctx: EmitContext): void {
    const [c, h, wd] = step.input as [number, number, number];
    const hw = h * wd;
    doc(w, [`${step.layer.name} forward: global average pooling, ${c}x${h}x${wd} -> ${c}, y[c] = mean of channel c.`]);
    w.write(forwardSignature(step, ctx, { p: false, training: false })).block(() => {
      bindWorkspace(w, [['x', step.x], ['y', step.y]]);
      loop(w, 'b', 0, 'n', () => {
        loop(w, 'c', 0, c, () => {
          w.writeLine(`const o = ${sum(times('b', c * hw), times('c', hw))};`);
          w.writeLine('let s = 0;');
          loop(w, 'i', 0, hw, () => w.writeLine('s += x[o + i];'));
          w.writeLine(`y[${sum(times('b', c), 'c')}] = s / ${hw};`);
        });
      });
    });
  },
  backward(w: Writer, step: LoweredStep, ctx: EmitContext): void {
    const [c, h, wd] = step.input as [number, number, number];
    const hw = h * wd;
    doc(w, [`${step.layer.name} backward: dx[c, i] = dy[c] / ${hw}.`]);
    w.write(backwardSignature(step, ctx, { p: false, grad: false })).block(() => {
      bindWorkspace(w, [['dy', step.dy], ['dx', step.dx]]);
      loop(w, 'b', 0, 'n', () => {
        loop(w, 'c', 0, c, () => {
          w.writeLine(`const o = ${sum(times('b', c * hw), times('c', hw))}, e = dy[${sum(times('b', c), 'c')}] / ${hw};`);
          loop(w, 'i', 0, hw, () => w.writeLine('dx[o + i] = e;'));
        });
      });
    });
  },
};
