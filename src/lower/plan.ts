// Unroll decisions. Each mode has a per-function budget of estimated bytecode (estimate.ts):
//   none  no unrolling: plain loops with literal bounds (the same algorithms, the same sums)
//   auto  20 KB: the register blocks that measured fastest (bench/NOTES.md), the window unrolled
//         where it fits, else one kernel row, else plain loops; well inside what TurboFan compiles
//         quickly
//   max   50 KB: the same blocks, with whole windows unrolled where auto keeps the kernel rows a
//         loop (large kernels), still under TurboFan's 60 KB limit. (Unrolling the channel loop as
//         well was tried and measured 5x slower: TurboFan hoists the loads of the whole block and
//         spills them; bench/NOTES.md.)
// Blocks never change the order of any sum, so every mode computes the same numbers. What does
// change a conv's arithmetic (which is why it is chosen per layer, not per mode) is the method of
// its input gradient, gather or scatter.

import type { Layer } from '../network.js';
import {
  convBackwardSize,
  convForwardSize,
  convGatherSize,
  convScatterSize,
  denseBackwardSize,
  denseForwardSize,
  denseInputGradSize,
  poolBackwardSize,
  poolForwardSize,
  SIMPLE_SIZE,
  TURBOFAN_LIMIT,
} from './estimate.js';
import { errorPadGeometry, inputPadGeometry, windowGeometry } from './geometry.js';
import type { ConvPlan, CorrBlock, DensePlan, InputGradPlan, PoolPlan, SimplePlan, SizeEstimate, UnrollMode, WeightGradBlock, WindowGeometry } from './types.js';

export const BUDGETS: Readonly<Record<UnrollMode, number>> = { none: TURBOFAN_LIMIT, auto: 20_000, max: 50_000 };

interface Planned<P> {
  readonly plan: P;
  readonly estimate: SizeEstimate;
}

const PLAIN: CorrBlock = { unroll: 'none', fb: 1, pb: 1 };

/**
 * Register blocks of a correlation producing `ow` positions per row: 4 accumulators at least (the
 * latency of V8's float adds), positions before channels (adjacent positions share inputs), and
 * for 1x1 kernels, which share nothing, 4 channels x 4 positions.
 */
function corrBlocks(outputs: number, ow: number, kk: number): { fb: number; pb: number } {
  // 4 positions a pass, and a shorter last one (5 a pass where that divides the row was measured
  // slower on LeNet-5's c3 rows of 10: 0.108 ms against 0.088 for 4 + 4 + 2)
  const pb = Math.min(4, ow);
  const fb = kk === 1 ? 4 : pb >= 4 ? 1 : pb >= 2 ? 2 : 4;
  return { fb: Math.min(fb, outputs), pb };
}

/** The most unrolled correlation block within `budget`, window first, then a kernel row, then none. */
function pickCorr(mode: UnrollMode, base: { fb: number; pb: number }, size: (b: CorrBlock) => number): CorrBlock {
  if (mode === 'none') return PLAIN;
  const budget = BUDGETS[mode];
  const candidates: CorrBlock[] = [{ unroll: 'window', ...base }, { unroll: 'row', ...base }];
  for (const c of candidates) if (size(c) <= budget) return c;
  return PLAIN;
}

/** Weight-gradient accumulators: about 4 to 10 per pass, whole kernel rows that divide the window. */
function weightBlocks(g: WindowGeometry): { fbw: number; rows: number; pb: number } {
  const kk = g.kh * g.kw;
  let rows = 1;
  if (kk <= 12) rows = g.kh;
  else for (let r = Math.max(1, Math.min(g.kh, Math.floor(10 / g.kw))); r >= 1; r--) if (g.kh % r === 0) { rows = r; break; }
  const taps = rows * g.kw;
  const fbw = Math.min(g.f, kk === 1 ? 8 : taps >= 4 ? 1 : Math.ceil(4 / taps));
  const pb = Math.min(g.sw === 1 ? 8 : 4, g.ow);
  return { fbw, rows, pb };
}

export interface ConvOptions {
  readonly fused: boolean;
  readonly bias: boolean;
  /** upper bound on the nonzero fraction of the layer's error map (max pooling after it) */
  readonly density: number;
  readonly method?: 'gather' | 'scatter';
}

/** A conv whose window covers its whole unpadded input: a dense layer in disguise. */
export function convIsDense(layer: Layer): boolean {
  const g = windowGeometry(layer);
  return g.ph === 0 && g.pw === 0 && g.kh === g.h && g.kw === g.w && g.oh === 1 && g.ow === 1;
}

export function planConv(layer: Layer, mode: UnrollMode, o: ConvOptions): Planned<ConvPlan> {
  const geom = windowGeometry(layer);
  const g = geom;
  const budget = BUDGETS[mode];
  const kk = g.kh * g.kw;
  const inputPad = inputPadGeometry(g);

  const fwdSize = (b: CorrBlock): number => convForwardSize(g, b, inputPad);
  const forward = pickCorr(mode, corrBlocks(g.f, g.ow, kk), fwdSize);

  let weightGrad: WeightGradBlock = { unroll: 'none', fbw: 1, rows: 1, pb: 1 };
  if (mode !== 'none' && o.density <= 0.5) {
    // one position at a time, each nonzero error times the window's inputs: whole kernel rows,
    // up to 32 accumulators
    let rows = 1;
    for (let r = Math.max(1, Math.min(g.kh, Math.floor(32 / g.kw))); r >= 1; r--) if (g.kh % r === 0) { rows = r; break; }
    const cand: WeightGradBlock = { unroll: 'sparse', fbw: 1, rows, pb: 1 };
    if (convBackwardSize(g, cand, inputPad, o.fused, o.bias) <= budget) weightGrad = cand;
  }
  if (mode !== 'none' && weightGrad.unroll === 'none') {
    const wb = weightBlocks(g);
    for (const pb of [...new Set([wb.pb, Math.min(4, wb.pb), 1])]) {
      const cand: WeightGradBlock = { unroll: 'rows', ...wb, pb };
      if (convBackwardSize(g, cand, inputPad, o.fused, o.bias) <= budget) {
        weightGrad = cand;
        break;
      }
    }
  }

  // scatter where it does less work: a stride (the gather would multiply the dilation zeros), a
  // sparse error map (it skips zeros), or an output much smaller than the input (the gather would
  // mostly multiply padding)
  const strided = g.sh > 1 || g.sw > 1;
  const waste = (g.h * g.w) / (g.oh * g.ow);
  const chosen = strided || o.density <= 0.5 || waste > 1.5 ? 'scatter' : 'gather';
  const method = strided ? 'scatter' : (o.method ?? chosen);
  let inputGrad: InputGradPlan;
  let inputGradSize: number;
  if (method === 'gather') {
    const pad = errorPadGeometry(g);
    const block = pickCorr(mode, corrBlocks(g.c, g.w, kk), (b) => convGatherSize(g, b, pad));
    inputGrad = { method: 'gather', ...(pad ? { pad } : {}), block };
    inputGradSize = convGatherSize(g, block, pad);
  } else {
    const levels = mode === 'none' ? (['none'] as const) : (['window', 'row', 'none'] as const);
    const unroll = levels.find((u) => convScatterSize(g, u, inputPad) <= budget) ?? 'none';
    inputGrad = { method: 'scatter', unroll };
    inputGradSize = convScatterSize(g, unroll, inputPad);
  }

  const plan: ConvPlan = { kind: 'conv', geom, ...(inputPad ? { inputPad } : {}), forward, weightGrad, inputGrad, density: o.density };
  return {
    plan,
    estimate: {
      forward: fwdSize(forward),
      backward: convBackwardSize(g, weightGrad, inputPad, o.fused, o.bias),
      inputGrad: inputGradSize,
    },
  };
}

export function planPool(layer: Layer, mode: UnrollMode): Planned<PoolPlan> {
  const geom = windowGeometry(layer);
  const max = layer.spec.kind === 'maxpool';
  const size = (unroll: boolean): SizeEstimate => ({
    forward: poolForwardSize({ geom, unroll }, max),
    backward: poolBackwardSize({ geom, unroll }, max),
  });
  let unroll = mode !== 'none';
  if (unroll) {
    const e = size(true);
    if (e.forward > BUDGETS[mode] || e.backward > BUDGETS[mode]) unroll = false;
  }
  return { plan: { kind: 'pool', geom, unroll }, estimate: size(unroll) };
}

export function planDense(layer: Layer, mode: UnrollMode, fused: boolean, bias: boolean, fromConv = false): Planned<DensePlan> {
  const inputs = layer.input.reduce((a, b) => a * b, 1);
  const units = layer.output.reduce((a, b) => a * b, 1);
  const [ob, ib, bb, ob1] = mode === 'none' ? [1, 1, 1, 1] : mode === 'auto' ? [4, 4, 4, 8] : [8, 4, 4, 8];
  const d = { inputs, units, ob: Math.min(ob, units), ib: Math.min(ib, inputs), bb, ob1: Math.min(ob1, units), fromConv };
  return {
    plan: { kind: 'dense', ...d },
    estimate: { forward: denseForwardSize(d), backward: denseBackwardSize(d, fused, bias), inputGrad: denseInputGradSize(d) },
  };
}

export function planSimple(): Planned<SimplePlan> {
  return { plan: { kind: 'simple' }, estimate: { forward: SIMPLE_SIZE, backward: SIMPLE_SIZE } };
}
