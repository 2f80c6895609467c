// conv backward, parameter half: (fused activation) -> bias gradient -> weight gradient.
//   db[f]            = sum_b sum_oy sum_ox dz[b, f, oy, ox]                   (sums of the error map)
//   dw[f, c, ky, kx] = sum_b sum_oy sum_ox dz[b, f, oy, ox] * x[b, c, oy*S - P + ky*D, ox*S - P + kx*D]
//                      (the correlation of the layer input with the error map)
// The weight gradient runs sample by sample (a padded layer re-pads each sample into scratch, as
// forward did) and adds each sample's sums into grad; within a sample, a block of accumulators
// (filters x kernel rows x the kernel width) takes the error map `pb` positions at a time and each
// input it loads serves every tap and position that reads it. Every weight's sum runs over b, oy,
// ox in order in every unroll mode. The input gradient is the next function (emit-backward-input.ts).

import type { LoweredStep, PadGeometry, WeightGradBlock } from '../../lower/types.js';
import { emitFusedActivationBackward } from '../activation/emit.js';
import { emitBlocks, blockExpr } from '../../emit/blocks.js';
import { backwardSignature, bindWorkspace, doc, loop, plus, sum, times, type EmitContext, type Writer } from '../../emit/writer.js';
import { convConsts, convPlan, emitPadCopy, windowIndex } from './common.js';
import { rowOffsets } from './corr.js';

export function emitConvBackward(w: Writer, step: LoweredStep, ctx: EmitContext): void {
  const plan = convPlan(step);
  const g = plan.geom;
  const k = convConsts(g);
  const wg = plan.weightGrad;
  doc(w, [
    `${step.layer.name} backward, parameters: dz = dy${step.fused ? ` * ${step.fused.kind}'(y)` : ''} (${g.f}x${g.oh}x${g.ow}), in place;`,
    `${step.bias ? 'db = sums of dz; ' : ''}dw[f,c,ky,kx] = sum_b,oy,ox dz[b,f,oy,ox] x[b, ${windowIndex(g, 'c', 'oy', 'ox', 'ky', 'kx')}]`,
    'the correlation of the input with the error map' +
      (wg.unroll === 'none'
        ? ' (plain loops).'
        : wg.unroll === 'sparse'
          ? `, ${wg.rows}x${g.kw} taps per pass, skipping the zeros of dz (at most 1 in ${Math.round(1 / plan.density)} is nonzero: max pooling follows).`
          : `, ${wg.fbw} filter(s) x ${wg.rows}x${g.kw} taps per pass, ${wg.pb} position(s) at a time.`),
  ]);
  w.write(backwardSignature(step, ctx, { p: false, grad: true })).block(() => {
    const fields: [string, string][] = [['x', step.x], ['dz', step.dy]];
    if (step.fused) fields.push(['y', step.y]);
    if (plan.inputPad) fields.push(['xp', 's0']);
    if (wg.unroll === 'sparse') fields.push(['ev', 'nzv'], ['eo', 'nzo']);
    bindWorkspace(w, fields);
    if (step.fused) emitFusedActivationBackward(w, step.fused, 'dz', 'y', `n * ${k.fo}`);
    if (step.bias) emitBiasGrad(w, step);
    emitWeightGrad(w, step);
  });
}

function emitBiasGrad(w: Writer, step: LoweredStep): void {
  const k = convConsts(convPlan(step).geom);
  w.writeLine('// bias gradient: sums of the error map');
  loop(w, 'f', 0, convPlan(step).geom.f, () => {
    w.writeLine('let s = 0;');
    loop(w, 'b', 0, 'n', () => {
      w.writeLine(`const o = ${sum(times('b', k.fo), times('f', k.oo))};`);
      loop(w, 'i', 0, k.oo, () => w.writeLine('s += dz[o + i];'));
    });
    w.writeLine(`grad[${plus('f', step.bias!.offset)}] = s;`);
  });
}

function emitWeightGrad(w: Writer, step: LoweredStep): void {
  const plan = convPlan(step);
  const g = plan.geom;
  const k = convConsts(g);
  const w0 = step.weight!.offset;
  const pad: PadGeometry | undefined = plan.inputPad;
  const src = pad ? 'xp' : 'x';
  const plane = pad ? pad.plane : k.hw;
  const row = pad ? pad.cols : g.w;
  w.writeLine('// weight gradient: each sample adds its correlation of the input with the error map');
  w.writeLine(`grad.fill(0, ${w0}, ${w0 + g.f * k.ckk});`);
  loop(w, 'b', 0, 'n', () => {
    w.writeLine(`const xb = b * ${k.chw}, gb = b * ${k.fo};`);
    if (pad) emitPadCopy(w, 'x', 'xb', 'xp', pad, 'x of sample b');
    const base = pad ? '' : 'xb';
    const wg = plan.weightGrad;
    if (wg.unroll === 'none') {
      generic(w, step, src, base, plane, row);
      return;
    }
    if (wg.unroll === 'sparse') {
      // the nonzero errors of filter f, once for all its input channels: values and input offsets
      loop(w, 'f', 0, g.f, () => {
        w.writeLine(`const gf = ${sum('gb', times('f', k.oo))};`);
        w.writeLine('let nz = 0;');
        loop(w, 'oy', 0, g.oh, () => {
          loop(w, 'ox', 0, g.ow, () => {
            // written always, kept when nonzero: no branch to mispredict
            w.writeLine(`const e = dz[${sum('gf', times('oy', g.ow), 'ox')}];`);
            w.writeLine('ev[nz] = e;');
            w.writeLine(`eo[nz] = ${sum(times('oy', g.sh * row), times('ox', g.sw))};`);
            w.writeLine('nz += e !== 0 ? 1 : 0;');
          });
        });
        w.writeLine('if (nz === 0) continue;');
        loop(w, 'c', 0, g.c, () => {
          emitBlocks(w, 'ky', g.kh, wg.rows, (kat, rows) => {
            block(w, step, wg, { at: null, count: 1, kat, rows, src, base, plane, row });
          });
        });
      });
      return;
    }
    emitBlocks(w, 'f', g.f, wg.fbw, (at, count) => {
      loop(w, 'c', 0, g.c, () => {
        emitBlocks(w, 'ky', g.kh, wg.rows, (kat, rows) => {
          block(w, step, wg, { at, count, kat, rows, src, base, plane, row });
        });
      });
    });
  });
}

interface BlockAt {
  readonly at: number | null; // first filter (null: the loop variable f)
  readonly count: number;
  readonly kat: number | null; // first kernel row (null: the loop variable ky)
  readonly rows: number;
  readonly src: string;
  readonly base: string;
  readonly plane: number;
  readonly row: number;
}

/** Accumulators a{j}_{tap} for filters j < count and the block's taps, over one sample's map. */
function block(w: Writer, step: LoweredStep, wg: WeightGradBlock, b: BlockAt): void {
  const g = convPlan(step).geom;
  const k = convConsts(g);
  const w0 = step.weight!.offset;
  const acc = (j: number, r: number, kx: number): string => (b.count === 1 ? `a${r * g.kw + kx}` : `a${j}_${r * g.kw + kx}`);
  // grad index of filter j, kernel row r of the block, column kx
  const gi = (j: number, r: number, kx: number): string =>
    sum(blockExpr('f', b.at, k.ckk, 0), times('c', k.kk), b.kat === null ? times('ky', g.kw) : '', w0 + j * k.ckk + ((b.kat ?? 0) + r) * g.kw + kx);
  for (let j = 0; j < b.count; j++) {
    for (let r = 0; r < b.rows; r++) {
      const names: string[] = [];
      for (let kx = 0; kx < g.kw; kx++) names.push(`${acc(j, r, kx)} = grad[${gi(j, r, kx)}]`);
      w.writeLine(`let ${names.join(', ')};`);
    }
  }
  if (wg.unroll === 'sparse') {
    sparse();
    return;
  }
  loop(w, 'oy', 0, g.oh, () => {
    const ky = b.kat === null ? times('ky', g.dh * b.row) : '';
    w.writeLine(
      `const er = ${sum('gb', blockExpr('f', b.at, k.oo, 0), times('oy', g.ow))}, ` +
        `xr = ${sum(b.base, times('c', b.plane), times('oy', g.sh * b.row), ky, (b.kat ?? 0) * g.dh * b.row)};`,
    );
    const full = Math.floor(g.ow / wg.pb) * wg.pb;
    if (full > 0) {
      const head = wg.pb === 1 ? `for (let ox = 0; ox < ${full}; ox++)` : `for (let ox = 0; ox < ${full}; ox += ${wg.pb})`;
      w.write(head).block(() => chunk(wg.pb, 'ox'));
    }
    if (full < g.ow) w.block(() => chunk(g.ow - full, String(full)));
  });
  stores();

  /** The nonzero errors of the filter (ev, at input offsets eo), each times its window's inputs. */
  function sparse(): void {
    const ky = b.kat === null ? times('ky', g.dh * b.row) : '';
    w.writeLine(`const xc = ${sum(b.base, times('c', b.plane), ky, (b.kat ?? 0) * g.dh * b.row)};`);
    loop(w, 'k', 0, 'nz', () => {
      w.writeLine('const e = ev[k], xi = xc + eo[k];');
      for (let r = 0; r < b.rows; r++) {
        const parts: string[] = [];
        for (let kx = 0; kx < g.kw; kx++) parts.push(`${acc(0, r, kx)} += e * ${b.src}[${plus('xi', r * g.dh * b.row + kx * g.dw)}];`);
        w.writeLine(parts.join(' '));
      }
    });
    stores();
  }

  function stores(): void {
    for (let j = 0; j < b.count; j++) {
      for (let r = 0; r < b.rows; r++) {
        const parts: string[] = [];
        for (let kx = 0; kx < g.kw; kx++) parts.push(`grad[${gi(j, r, kx)}] = ${acc(j, r, kx)};`);
        w.writeLine(parts.join(' '));
      }
    }
  }

  /** `pixels` positions from column ox: their errors, then per kernel row its inputs and taps. */
  function chunk(pixels: number, ox: string): void {
    const num = /^\d+$/.test(ox);
    const e = (j: number, q: number): string => (b.count === 1 ? `e${q}` : `e${j}_${q}`);
    const es: string[] = [];
    for (let j = 0; j < b.count; j++) {
      for (let q = 0; q < pixels; q++) es.push(`${e(j, q)} = dz[${num ? plus('er', Number(ox) + j * k.oo + q) : sum('er', ox, j * k.oo + q)}]`);
    }
    w.writeLine(`const ${es.join(', ')};`);
    w.writeLine(`const xi = ${num ? plus('xr', Number(ox) * g.sw) : sum('xr', times(ox, g.sw))};`);
    const offsets = rowOffsets(pixels, g.kw, g.sw, g.dw);
    for (let r = 0; r < b.rows; r++) {
      w.block(() => {
        w.writeLine(`const ${offsets.map((t) => `v${t} = ${b.src}[${plus('xi', r * g.dh * b.row + t)}]`).join(', ')};`);
        for (let q = 0; q < pixels; q++) {
          const parts: string[] = [];
          for (let j = 0; j < b.count; j++) {
            for (let kx = 0; kx < g.kw; kx++) parts.push(`${acc(j, r, kx)} += ${e(j, q)} * v${q * g.sw + kx * g.dw};`);
          }
          w.writeLine(parts.join(' '));
        }
      });
    }
  }
}

/** unroll none: one weight at a time, every index a loop (the same sums in the same order). */
function generic(w: Writer, step: LoweredStep, src: string, base: string, plane: number, row: number): void {
  const g = convPlan(step).geom;
  const k = convConsts(g);
  const w0 = step.weight!.offset;
  loop(w, 'f', 0, g.f, () => {
    loop(w, 'c', 0, g.c, () => {
      loop(w, 'ky', 0, g.kh, () => {
        loop(w, 'kx', 0, g.kw, () => {
          w.writeLine(`const i = ${sum(times('f', k.ckk), times('c', k.kk), times('ky', g.kw), 'kx', w0)};`);
          w.writeLine('let s = grad[i];');
          loop(w, 'oy', 0, g.oh, () => {
            w.writeLine(
              `const er = ${sum('gb', times('f', k.oo), times('oy', g.ow))}, ` +
                `xr = ${sum(base, times('c', plane), times('oy', g.sh * row), times('ky', g.dh * row), times('kx', g.dw))};`,
            );
            loop(w, 'ox', 0, g.ow, () => w.writeLine(`s += dz[er + ox] * ${src}[${sum('xr', times('ox', g.sw))}];`));
          });
          w.writeLine('grad[i] = s;');
        });
      });
    });
  });
}
