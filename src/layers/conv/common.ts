// Numbers and small pieces shared by the conv emitters.

import type { ConvPlan, LoweredStep, WindowGeometry } from '../../lower/types.js';
export { outputExpr } from '../activation/emit.js';
export { accumulators, blockExpr, emitBlocks } from '../../emit/blocks.js';

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

/** Offset of tap (ky, kx) from the window's top-left input position. */
export function tapOffset(g: WindowGeometry, ky: number, kx: number): number {
  return ky * g.dh * g.w + kx * g.dw;
}
