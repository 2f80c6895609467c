// Numbers and small pieces shared by the conv emitters.

import type { ConvPlan, LoweredStep, PadGeometry, WindowGeometry } from '../../lower/types.js';
import { loop, sum, times, type Writer } from '../../emit/writer.js';
export { outputExpr } from '../activation/emit.js';

export interface ConvConsts {
  readonly hw: number; // one input channel
  readonly oo: number; // one output channel
  readonly chw: number; // one input sample
  readonly fo: number; // one output sample
  readonly kk: number; // one kernel window
  readonly ckk: number; // one filter: weights per output channel
}

export function convConsts(g: WindowGeometry): ConvConsts {
  const hw = g.h * g.w;
  const oo = g.oh * g.ow;
  const kk = g.kh * g.kw;
  return { hw, oo, chw: g.c * hw, fo: g.f * oo, kk, ckk: g.c * kk };
}

export function convPlan(step: LoweredStep): ConvPlan {
  if (step.plan.kind !== 'conv') throw new Error(`conv emitter: ${step.layer.name} has a ${step.plan.kind} plan`);
  return step.plan;
}

/** `x[c, oy*S - P + ky*D, ...]` as the doc comments write the window. */
export function windowIndex(g: WindowGeometry, c: string, oy: string, ox: string, ky: string, kx: string): string {
  const axis = (o: string, s: number, p: number, k: string, d: number): string =>
    `${s > 1 ? `${o}*${s}` : o}${p > 0 ? ` - ${p}` : ''} + ${d > 1 ? `${k}*${d}` : k}`;
  return `${c}, ${axis(oy, g.sh, g.ph, ky, g.dh)}, ${axis(ox, g.sw, g.pw, kx, g.dw)}`;
}

/**
 * Copies the `pad.channels` planes of one sample (`src` from `base` on, h x w each) into the
 * scratch `dst`, surrounded by zeros: the copy the kernels read without bounds tests.
 */
export function emitPadCopy(w: Writer, src: string, base: string, dst: string, pad: PadGeometry, what: string): void {
  w.writeLine(
    `// ${what}, zero-padded into scratch: ${pad.top} row(s) above and below, ${pad.left} column(s) left and right ` +
      `(${pad.rows}x${pad.cols} per channel)`,
  );
  w.writeLine(`${dst}.fill(0, 0, ${pad.channels * pad.plane});`);
  loop(w, 'c', 0, pad.channels, () => {
    loop(w, 'iy', 0, pad.h, () => {
      const from = sum(base, times('c', pad.h * pad.w), times('iy', pad.w));
      const to = sum(times('c', pad.plane), times('iy', pad.cols), pad.top * pad.cols + pad.left);
      w.writeLine(`const from = ${from}, to = ${to};`);
      loop(w, 'ix', 0, pad.w, () => w.writeLine(`${dst}[to + ix] = ${src}[from + ix];`));
    });
  });
}
