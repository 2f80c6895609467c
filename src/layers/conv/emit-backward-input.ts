// conv backward, input gradient: the error map dz propagated back through the kernel rotated by
// 180 degrees, a full correlation:
//   dx[c, iy, ix] = sum_f sum_ky sum_kx dz'[f, iy + P - ky*D, ix + P - kx*D] * w[f, c, ky, kx]
// where dz' is dz dilated with S - 1 zeros between its entries (stride S). The zeros are never
// stored or multiplied: input position iy only meets the taps with (iy + P - ky*D) divisible by S,
// and which taps those are depends only on iy mod S, so each class of positions gets its own
// unrolled gather with literal offsets into dz (for stride 1 there is one class, every tap).
// Per position the sum runs f, then ky, kx, on the unrolled and the checked path alike.

import type { LoweredStep, TapClass } from '../../lower/types.js';
import { forEachRect, loop, plus, rectTable, sum, times, type Writer } from '../../emit/writer.js';
import { accumulators, blockExpr, convConsts, convPlan, emitBlocks } from './common.js';

/** Module-level constants of the input gradient (written before the function). */
export function emitConvInputGradTables(w: Writer, step: LoweredStep): void {
  const edges = inputGradEdges(step);
  if (edges.length > 0) {
    rectTable(w, `${step.backwardFn!}_edges`, `${step.layer.name} input gradient, input positions computed with bounds tests`, edges);
  }
}

function inputGradEdges(step: LoweredStep): readonly { y0: number; y1: number; x0: number; x1: number }[] {
  const plan = convPlan(step);
  const g = plan.geom;
  return plan.inputGrad.generic ? [{ y0: 0, y1: g.h, x0: 0, x1: g.w }] : plan.gather.edges;
}

/** Writes the input gradient into `dx`; locals p, dz, dx, n and b's offsets db, gb are bound. */
export function emitConvInputGrad(w: Writer, step: LoweredStep): void {
  const plan = convPlan(step);
  const g = plan.geom;
  const k = convConsts(g);
  const w0 = step.weight!.offset;
  const ip = plan.inputGrad;
  const edges = inputGradEdges(step);
  w.writeLine(
    g.sh === 1 && g.sw === 1
      ? '// input gradient: full correlation of dz with the 180-degree-rotated kernel'
      : `// input gradient: full correlation of dz dilated by the stride ${g.sh}x${g.sw} with the ` +
          `180-degree-rotated kernel, as ${g.sh * g.sw} gathers (one per class iy mod ${g.sh}, ix mod ${g.sw})`,
  );
  loop(w, 'b', 0, 'n', () => {
    w.writeLine(`const db = b * ${k.chw}, gb = b * ${k.fo};`);
    if (!ip.generic && plan.gather.classes.length > 0) {
      emitBlocks(w, 'c', g.c, ip.cb, (at, count) => {
        w.writeLine(`const dc = ${sum('db', blockExpr('c', at, k.hw, 0))}, wc = ${blockExpr('c', at, k.kk, w0)};`);
        for (const cl of plan.gather.classes) gatherClass(cl, count);
      });
    }
    if (edges.length > 0) checked(edges.length);
  });

  function gatherClass(cl: TapClass, count: number): void {
    if (g.sh > 1 || g.sw > 1) {
      w.writeLine(`// class iy = ${cl.ry} + ${g.sh}*ty, ix = ${cl.rx} + ${g.sw}*tx: ${cl.taps.length} of ${k.kk} taps`);
    }
    loop(w, 'ty', cl.inner.y0, cl.inner.y1, () => {
      w.writeLine(`const dr = ${sum('dc', times('ty', g.sh * g.w), cl.ry * g.w + cl.rx)}, gr = ${sum('gb', times('ty', g.ow))};`);
      loop(w, 'tx', cl.inner.x0, cl.inner.x1, () => {
        const at = (j: number): string => `dx[${sum('dr', times('tx', g.sw), j * k.hw)}]`;
        if (cl.taps.length === 0) {
          for (let j = 0; j < count; j++) w.writeLine(`${at(j)} = 0;`);
          return;
        }
        w.writeLine(accumulators('s', count));
        w.write(`for (let f = 0, gf = gr + tx, wf = wc; f < ${g.f}; f++, gf += ${k.oo}, wf += ${k.ckk})`).block(() => {
          w.writeLine('let e: number;');
          for (const t of cl.taps) {
            const parts = [`e = dz[${plus('gf', t.doy * g.ow + t.dox)}];`];
            for (let j = 0; j < count; j++) parts.push(`s${j} += e * p[${plus('wf', j * k.kk + t.ky * g.kw + t.kx)}];`);
            w.writeLine(parts.join(' '));
          }
        });
        for (let j = 0; j < count; j++) w.writeLine(`${at(j)} = s${j};`);
      });
    });
  }

  function checked(count: number): void {
    forEachRect(w, `${step.backwardFn!}_edges`, count, () => {
      loop(w, 'c', 0, g.c, () => {
        loop(w, 'iy', 'y0', 'y1', () => {
          loop(w, 'ix', 'x0', 'x1', () => {
            w.writeLine('let s = 0;');
            loop(w, 'f', 0, g.f, () => {
              w.writeLine(`const gf = ${sum('gb', times('f', k.oo))}, wf = ${sum(times('f', k.ckk), times('c', k.kk), w0)};`);
              loop(w, 'ky', 0, g.kh, () => {
                axis('ny', 'oy', 'iy', g.ph, 'ky', g.dh, g.sh, g.oh);
                loop(w, 'kx', 0, g.kw, () => {
                  axis('nx', 'ox', 'ix', g.pw, 'kx', g.dw, g.sw, g.ow);
                  w.writeLine(`s += dz[${sum('gf', times('oy', g.ow), 'ox')}] * p[${sum('wf', times('ky', g.kw), 'kx')}];`);
                });
              });
            });
            w.writeLine(`dx[${sum('db', times('c', k.hw), times('iy', g.w), 'ix')}] = s;`);
          });
        });
      });
    });
  }

  /** o = (i + pad - t*dil) / stride when that is a whole number in [0, out); else skip the tap. */
  function axis(nv: string, ov: string, iv: string, pad: number, tv: string, dil: number, stride: number, out: number): void {
    w.writeLine(`const ${nv} = ${plus(`${iv} - ${times(tv, dil)}`, pad)};`);
    if (stride === 1) {
      w.writeLine(`if (${nv} < 0 || ${nv} >= ${out}) continue;`);
      w.writeLine(`const ${ov} = ${nv};`);
    } else {
      w.writeLine(`if (${nv} < 0 || ${nv} % ${stride} !== 0) continue;`);
      w.writeLine(`const ${ov} = (${nv} / ${stride}) | 0;`);
      w.writeLine(`if (${ov} >= ${out}) continue;`);
    }
  }
}
