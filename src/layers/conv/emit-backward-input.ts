// conv backward, input gradient: the error map dz propagated back through the kernel rotated by
// 180 degrees, a full correlation:
//   dx[c, iy, ix] = sum_f sum_ky sum_kx dz'[f, iy + P - ky*D, ix + P - kx*D] * w[f, c, ky, kx]
// where dz' is dz dilated with S - 1 zeros between its entries (stride S) and padded with zeros.
// The padding is real: each sample's dz is copied into a zero-padded scratch map (unless no tap
// ever leaves dz, as with pad full), so no position needs a bounds test. The dilation zeros are
// not: input position iy only meets the taps with (iy + P - ky*D) divisible by S, and which taps
// those are depends only on iy mod S, so each class of positions gets its own unrolled gather with
// literal offsets (stride 1: one class, every tap). Each position sums f, then ky, kx, in every
// unroll mode.

import type { LoweredStep, TapClass } from '../../lower/types.js';
import { gatherInPlace } from '../../lower/geometry.js';
import { loop, plus, sum, times, type Writer } from '../../emit/writer.js';
import { accumulators, blockExpr, convConsts, convPlan, emitBlocks } from './common.js';

/** Writes the input gradient into `dx`; locals p, dz, dx, n (and e, the scratch, when padded) are bound. */
export function emitConvInputGrad(w: Writer, step: LoweredStep): void {
  const plan = convPlan(step);
  const g = plan.geom;
  const gg = plan.gather;
  const k = convConsts(g);
  const w0 = step.weight!.offset;
  const inPlace = gatherInPlace(gg);
  // the map read: [f][row][col], per-channel plane, row length, where sample b starts
  const map = inPlace ? 'dz' : 'e';
  const plane = inPlace ? k.oo : gg.plane;
  const cols = inPlace ? g.ow : gg.cols;
  const strided = g.sh > 1 || g.sw > 1;
  w.writeLine(
    strided
      ? `// input gradient: full correlation of dz, dilated by the stride ${g.sh}x${g.sw}, with the ` +
          `180-degree-rotated kernel, as ${gg.classes.length} gathers (classes iy mod ${g.sh}, ix mod ${g.sw})`
      : '// input gradient: full correlation of dz with the 180-degree-rotated kernel',
  );
  loop(w, 'b', 0, 'n', () => {
    w.writeLine(`const db = b * ${k.chw}, ${inPlace ? `mb = b * ${k.fo}` : 'mb = 0'};`);
    if (!inPlace) {
      w.writeLine(
        `// dz of sample b, padded with zeros: ${gg.top} row(s) above, ${gg.bottom} below, ` +
          `${gg.left} column(s) left, ${gg.right} right`,
      );
      w.writeLine(`e.fill(0, 0, ${g.f * gg.plane});`);
      loop(w, 'f', 0, g.f, () => {
        loop(w, 'oy', 0, g.oh, () => {
          w.writeLine(
            `const s = ${sum(times('b', k.fo), times('f', k.oo), times('oy', g.ow))}, ` +
              `d = ${sum(times('f', gg.plane), times('oy', gg.cols), gg.top * gg.cols + gg.left)};`,
          );
          loop(w, 'ox', 0, g.ow, () => w.writeLine('e[d + ox] = dz[s + ox];'));
        });
      });
    }
    const ip = plan.inputGrad;
    if (ip.generic) {
      generic();
    } else {
      emitBlocks(w, 'c', g.c, ip.cb, (at, count) => {
        w.writeLine(`const dc = ${sum('db', blockExpr('c', at, k.hw, 0))}, wc = ${blockExpr('c', at, k.kk, w0)};`);
        for (const cl of gg.classes) gatherClass(cl, count);
      });
    }
  });

  /** Row of error-map position (ty + doy) in the map read, as an offset from `mb`. */
  function mapRow(ty: string): string {
    return sum(times(ty, cols), inPlace ? 0 : gg.top * cols + gg.left);
  }

  function gatherClass(cl: TapClass, count: number): void {
    if (strided) {
      w.writeLine(`// class iy = ${cl.ry} + ${g.sh}*ty, ix = ${cl.rx} + ${g.sw}*tx: ${cl.taps.length} of ${k.kk} taps`);
    }
    loop(w, 'ty', 0, cl.ty1, () => {
      w.writeLine(`const dr = ${sum('dc', times('ty', g.sh * g.w), cl.ry * g.w + cl.rx)}, gr = ${sum('mb', mapRow('ty'))};`);
      loop(w, 'tx', 0, cl.tx1, () => {
        const at = (j: number): string => `dx[${sum('dr', times('tx', g.sw), j * k.hw)}]`;
        if (cl.taps.length === 0) {
          for (let j = 0; j < count; j++) w.writeLine(`${at(j)} = 0;`);
          return;
        }
        w.writeLine(accumulators('s', count));
        w.write(`for (let f = 0, gf = gr + tx, wf = wc; f < ${g.f}; f++, gf += ${plane}, wf += ${k.ckk})`).block(() => {
          w.writeLine('let v: number;');
          for (const t of cl.taps) {
            const parts = [`v = ${map}[${plus('gf', t.doy * cols + t.dox)}];`];
            for (let j = 0; j < count; j++) parts.push(`s${j} += v * p[${plus('wf', j * k.kk + t.ky * g.kw + t.kx)}];`);
            w.writeLine(parts.join(' '));
          }
        });
        for (let j = 0; j < count; j++) w.writeLine(`${at(j)} = s${j};`);
      });
    });
  }

  /** Plain loops over every position and tap, skipping the taps that meet dilation zeros. */
  function generic(): void {
    loop(w, 'c', 0, g.c, () => {
      loop(w, 'iy', 0, g.h, () => {
        loop(w, 'ix', 0, g.w, () => {
          w.writeLine('let s = 0;');
          loop(w, 'f', 0, g.f, () => {
            w.writeLine(`const gf = ${sum('mb', times('f', plane))}, wf = ${sum(times('f', k.ckk), times('c', k.kk), w0)};`);
            loop(w, 'ky', 0, g.kh, () => {
              axis('ny', 'oy', 'iy', g.ph, 'ky', g.dh, g.sh);
              loop(w, 'kx', 0, g.kw, () => {
                axis('nx', 'ox', 'ix', g.pw, 'kx', g.dw, g.sw);
                const row = inPlace ? times('oy', cols) : times(`(oy + ${gg.top})`, cols);
                const col = inPlace ? 'ox' : plus('ox', gg.left);
                w.writeLine(`s += ${map}[${sum('gf', row, col)}] * p[${sum('wf', times('ky', g.kw), 'kx')}];`);
              });
            });
          });
          w.writeLine(`dx[${sum('db', times('c', k.hw), times('iy', g.w), 'ix')}] = s;`);
        });
      });
    });
  }

  /** o = (i + pad - t*dil) / stride, skipping the tap when that is not a whole number. */
  function axis(nv: string, ov: string, iv: string, pad: number, tv: string, dil: number, stride: number): void {
    const n = plus(`${iv} - ${times(tv, dil)}`, pad);
    if (stride === 1) {
      w.writeLine(`const ${ov} = ${n};`);
      return;
    }
    w.writeLine(`const ${nv} = ${n};`);
    w.writeLine(`if (${nv} % ${stride} !== 0) continue;`);
    w.writeLine(`const ${ov} = ${nv} / ${stride};`);
  }
}
