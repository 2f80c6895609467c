// Unroll decisions. Each mode has a per-function budget of estimated bytecode (estimate.ts):
//   none  no unrolling: plain loops with literal bounds, bounds tests everywhere
//   auto  20 KB: small register blocks (4 output channels), the window unrolled, the channel loop
//         unrolled for thin inputs (C <= 4); well inside what TurboFan compiles quickly
//   max   50 KB: the largest blocks and unrolling that stay under TurboFan's 60 KB limit
// Within a mode the largest candidate whose estimate fits is taken; when nothing fits, that part
// falls back to the plain loops (always small). Blocks never change the order of any sum, so every
// mode computes the same numbers.

import type { Layer } from '../network.js';
import {
  convBackwardSize,
  convForwardSize,
  denseBackwardSize,
  denseForwardSize,
  poolBackwardSize,
  poolForwardSize,
  SIMPLE_SIZE,
  TURBOFAN_LIMIT,
} from './estimate.js';
import { gatherGeometry, gatherWaste, windowGeometry } from './geometry.js';
import type { ConvPlan, DensePlan, PoolPlan, SimplePlan, SizeEstimate, UnrollMode } from './types.js';

export const BUDGETS: Readonly<Record<UnrollMode, number>> = { none: TURBOFAN_LIMIT, auto: 20_000, max: 50_000 };

interface Planned<P> {
  readonly plan: P;
  readonly estimate: SizeEstimate;
}

const GENERIC = { generic: true } as const;

function descending(limit: number, choices: readonly number[]): number[] {
  const out = [...new Set(choices.map((c) => Math.max(1, Math.min(c, limit))))];
  return out.sort((a, b) => b - a);
}

export function planConv(
  layer: Layer,
  mode: UnrollMode,
  fused: boolean,
  bias: boolean,
  method?: 'gather' | 'scatter',
): Planned<ConvPlan> {
  const geom = windowGeometry(layer);
  const gather = gatherGeometry(geom);
  const inputGradMethod = method ?? (gatherWaste(geom, gather) > 1.5 ? 'scatter' : 'gather');
  const budget = BUDGETS[mode];
  const kk = geom.kh * geom.kw;
  if (mode === 'none') {
    const plan: ConvPlan = { kind: 'conv', geom, gather, inputGradMethod, forward: GENERIC, weightGrad: GENERIC, inputGrad: GENERIC };
    return { plan, estimate: { forward: convForwardSize(geom, GENERIC, true), backward: convBackwardSize(plan, fused, bias) } };
  }
  const big = mode === 'max';

  let forward: ConvPlan['forward'] = GENERIC;
  const fbs = descending(geom.f, big ? [8, 4, 2, 1] : [4, 2, 1]);
  const channelChoices = big ? [true, false] : geom.c <= 4 ? [true, false] : [false];
  const pbs = geom.inner.x1 - geom.inner.x0 >= 2 ? [2, 1] : [1];
  search: for (const unrollChannels of channelChoices) {
    for (const fb of fbs) {
      for (const pb of pbs) {
        const cand = { generic: false, fb, pb, unrollChannels } as const;
        if (convForwardSize(geom, cand, geom.edges.length > 0) <= budget) {
          forward = cand;
          break search;
        }
      }
    }
  }

  // Backward: the weight gradient holds fbw x kk accumulators; the input gradient cb.
  // (about 24 accumulators in auto, 48 in max: beyond that V8 spills them to the stack anyway)
  const fbwCap = Math.max(1, Math.floor((big ? 48 : 24) / kk));
  const fbws = descending(geom.f, [8, 4, 2, 1].filter((v) => v <= fbwCap));
  // the gather holds cb accumulators; the scatter cb x kh x kw, capped like fbw
  const cbCap = inputGradMethod === 'scatter' ? fbwCap : big ? 8 : 4;
  const cbs = descending(geom.c, [8, 4, 2, 1].filter((v) => v <= cbCap));
  let best: { weightGrad: ConvPlan['weightGrad']; inputGrad: ConvPlan['inputGrad'] } = {
    weightGrad: GENERIC,
    inputGrad: GENERIC,
  };
  const fits = (wg: ConvPlan['weightGrad'], ig: ConvPlan['inputGrad']): boolean =>
    convBackwardSize({ geom, gather, inputGradMethod, forward, weightGrad: wg, inputGrad: ig }, fused, bias) <= budget;
  const wgs: ConvPlan['weightGrad'][] = [...fbws.map((fbw) => ({ generic: false, fbw }) as const), GENERIC];
  const igs: ConvPlan['inputGrad'][] = [...cbs.map((cb) => ({ generic: false, cb }) as const), GENERIC];
  outer: for (const ig of igs) {
    for (const wg of wgs) {
      if (fits(wg, ig)) {
        best = { weightGrad: wg, inputGrad: ig };
        break outer;
      }
    }
  }
  const plan: ConvPlan = { kind: 'conv', geom, gather, inputGradMethod, forward, ...best };
  return {
    plan,
    estimate: { forward: convForwardSize(geom, forward, geom.edges.length > 0), backward: convBackwardSize(plan, fused, bias) },
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

export function planDense(layer: Layer, mode: UnrollMode, fused: boolean, bias: boolean): Planned<DensePlan> {
  const inputs = layer.input.reduce((a, b) => a * b, 1);
  const units = layer.output[0]!;
  const [ob, ib] = mode === 'none' ? [1, 1] : mode === 'auto' ? [4, 8] : [8, 16];
  const d = { inputs, units, ob: Math.min(ob, units), ib: Math.min(ib, inputs) };
  return {
    plan: { kind: 'dense', ...d },
    estimate: { forward: denseForwardSize(d), backward: denseBackwardSize(d, fused, bias) },
  };
}

export function planSimple(): Planned<SimplePlan> {
  return { plan: { kind: 'simple' }, estimate: { forward: SIMPLE_SIZE, backward: SIMPLE_SIZE } };
}
