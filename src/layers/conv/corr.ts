// The kernel behind conv forward and the gather form of the input gradient: a "valid"
// cross-correlation of one sample over a source that is already zero-padded, so no position needs a
// bounds test,
//   out[o, oy, ox] = init[o] + sum_r sum_u sum_v src[r, oy*SH + u*DH, ox*SW + v*DW] * w(o, r, u, v)
// with w(o, r, u, v) = p[w0 + o*wo + r*wr + u*wu + v*wv] (wu, wv < 0 read the kernel rotated by 180
// degrees). A pass computes `fb` output channels x `pb` adjacent positions in independent
// accumulators; with the window unrolled, each kernel row's inputs are loaded once into locals
// (`v0`, `v1`, ...) and shared by every position and tap that reads them (adjacent positions of a
// stride-1 window overlap in all but one input). Every accumulator adds init, then r, u, v in
// increasing order, whatever the blocking, so blocking never changes a number.

import type { CorrBlock } from '../../lower/types.js';
import { emitBlocks, blockExpr } from '../../emit/blocks.js';
import { loop, plus, sum, times, type Writer } from '../../emit/writer.js';

export interface CorrSpec {
  /** local holding the source; `srcBase` (an expression) is where this sample starts */
  readonly src: string;
  readonly srcBase: string;
  readonly srcPlane: number; // elements per reduction channel
  readonly srcRow: number; // elements per source row
  readonly reduce: number; // reduction channels
  readonly outputs: number; // output channels
  readonly oh: number;
  readonly ow: number;
  readonly sh: number;
  readonly sw: number;
  readonly dh: number;
  readonly dw: number;
  readonly kh: number;
  readonly kw: number;
  readonly w0: number;
  readonly wo: number;
  readonly wr: number;
  readonly wu: number;
  readonly wv: number;
  /** local of the output and where this sample starts in it; a channel is oh*ow */
  readonly dst: string;
  readonly dstBase: string;
  /** offset of the bias in p: accumulators of output channel o start at p[bias + o] (else 0) */
  readonly bias?: number;
  /** the stored value of accumulator `acc` (a fused activation), or the accumulator itself */
  readonly out: (acc: string) => string;
  readonly block: CorrBlock;
}

/** Distinct source offsets one kernel row reads for `pixels` positions: q*sw + v*dw. */
export function rowOffsets(pixels: number, kw: number, sw: number, dw: number): number[] {
  const set = new Set<number>();
  for (let q = 0; q < pixels; q++) for (let v = 0; v < kw; v++) set.add(q * sw + v * dw);
  return [...set].sort((a, b) => a - b);
}

export function emitCorrelation(w: Writer, s: CorrSpec): void {
  const oo = s.oh * s.ow;
  if (s.block.unroll === 'none') {
    generic(w, s, oo);
    return;
  }
  const { fb, pb } = s.block;
  emitBlocks(w, 'o', s.outputs, fb, (at, count) => {
    w.writeLine(`const wo = ${blockExpr('o', at, s.wo, s.w0)};`);
    if (s.bias !== undefined) {
      const parts: string[] = [];
      for (let j = 0; j < count; j++) parts.push(`i${j} = p[${blockExpr('o', at, 1, s.bias + j)}]`);
      w.writeLine(`const ${parts.join(', ')};`);
    }
    loop(w, 'oy', 0, s.oh, () => {
      w.writeLine(`const sr = ${sum(s.srcBase, times('oy', s.sh * s.srcRow))}, dr = ${sum(s.dstBase, blockExpr('o', at, oo, 0), times('oy', s.ow))};`);
      const full = Math.floor(s.ow / pb) * pb;
      if (full > 0) {
        const head = pb === 1 ? `for (let ox = 0; ox < ${full}; ox++)` : `for (let ox = 0; ox < ${full}; ox += ${pb})`;
        w.write(head).block(() => pass(w, s, count, pb, 'ox'));
      }
      if (full < s.ow) w.block(() => pass(w, s, count, s.ow - full, String(full)));
    });
  });
}

/** One pass: `count` output channels x `pixels` positions from column `ox` on. */
function pass(w: Writer, s: CorrSpec, count: number, pixels: number, ox: string): void {
  const oo = s.oh * s.ow;
  const acc = (j: number, q: number): string => (count === 1 ? `s${q}` : `s${j}_${q}`);
  const start = (j: number): string => (s.bias !== undefined ? `i${j}` : '0');
  w.writeLine(`const si = ${/^\d+$/.test(ox) ? plus('sr', Number(ox) * s.sw) : sum('sr', times(ox, s.sw))};`);
  const init: string[] = [];
  for (let j = 0; j < count; j++) for (let q = 0; q < pixels; q++) init.push(`${acc(j, q)} = ${start(j)}`);
  w.writeLine(`let ${init.join(', ')};`);
  const offsets = rowOffsets(pixels, s.kw, s.sw, s.dw);
  /** one kernel row: its inputs into locals, then per tap the weight once into every position */
  const kernelRow = (rowBase: string, wBase: string, u: number | null): void => {
    const rowOff = u === null ? 0 : u * s.dh * s.srcRow;
    const wRow = u === null ? 0 : u * s.wu;
    w.writeLine(`const ${offsets.map((t) => `v${t} = ${s.src}[${plus(rowBase, rowOff + t)}]`).join(', ')};`);
    for (let v = 0; v < s.kw; v++) {
      for (let j = 0; j < count; j++) {
        const parts = [`{ const t = p[${plus(wBase, wRow + v * s.wv + j * s.wo)}];`];
        for (let q = 0; q < pixels; q++) parts.push(`${acc(j, q)} += v${q * s.sw + v * s.dw} * t;`);
        w.writeLine(`${parts.join(' ')} }`);
      }
    }
  };
  const window = (srcAt: string, wAt: string): void => {
    if (s.block.unroll === 'window') {
      for (let u = 0; u < s.kh; u++) w.block(() => kernelRow(srcAt, wAt, u));
    } else {
      w.write(`for (let u = 0, su = ${srcAt}, wu = ${wAt}; u < ${s.kh}; u++, su += ${s.dh * s.srcRow}, wu += ${s.wu})`);
      w.block(() => kernelRow('su', 'wu', null));
    }
  };
  if (s.reduce === 1) {
    window('si', 'wo');
  } else {
    w.write(`for (let r = 0; r < ${s.reduce}; r++)`);
    w.block(() => {
      w.writeLine(`const sc = ${sum('si', times('r', s.srcPlane))}, wr = ${sum('wo', times('r', s.wr))};`);
      window('sc', 'wr');
    });
  }
  const stores: string[] = [];
  for (let j = 0; j < count; j++) {
    for (let q = 0; q < pixels; q++) stores.push(`${s.dst}[${sum('dr', ox, j * oo + q)}] = ${s.out(acc(j, q))};`);
  }
  for (const line of stores) w.writeLine(line);
}

/** unroll none: every index a loop, one output at a time (the same sums in the same order). */
function generic(w: Writer, s: CorrSpec, oo: number): void {
  loop(w, 'o', 0, s.outputs, () => {
    w.writeLine(`const wo = ${sum(times('o', s.wo), s.w0)}, d = ${sum(s.dstBase, times('o', oo))};`);
    loop(w, 'oy', 0, s.oh, () => {
      loop(w, 'ox', 0, s.ow, () => {
        w.writeLine(`let acc = ${s.bias !== undefined ? `p[${plus('o', s.bias)}]` : '0'};`);
        loop(w, 'r', 0, s.reduce, () => {
          loop(w, 'u', 0, s.kh, () => {
            w.writeLine(`const sr = ${sum(s.srcBase, times('r', s.srcPlane), times('oy', s.sh * s.srcRow), times('u', s.dh * s.srcRow))};`);
            w.writeLine(`const wu = ${signed(sum('wo', times('r', s.wr)), 'u', s.wu)};`);
            loop(w, 'v', 0, s.kw, () => {
              w.writeLine(`acc += ${s.src}[${sum('sr', times('ox', s.sw), times('v', s.dw))}] * p[${signed('wu', 'v', s.wv)}];`);
            });
          });
        });
        w.writeLine(`${s.dst}[${sum('d', times('oy', s.ow), 'ox')}] = ${s.out('acc')};`);
      });
    });
  });
}

/** `base + v*k` for a k of either sign: signed('wu', 'v', -1) = 'wu - v'. */
function signed(base: string, v: string, k: number): string {
  return k >= 0 ? sum(base, times(v, k)) : `${base} - ${times(v, -k)}`;
}
