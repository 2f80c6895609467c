// Size model of the emitted functions, in bytes of V8 bytecode. It counts what the emitters unroll
// (window taps x accumulators, per block and per class) and adds a fixed amount per loop nest.
// The per-item costs are measured on V8 12 (Node 20) with `--print-bytecode` on emitted modules,
// rounded up: a function the model says is under the limit is under it (test/emit/size.test.ts
// checks the model against the real bytecode length). Large functions use wide operands (feedback
// slot indices above 255), which is why the per-item costs are above those of small functions.

import type { ConvPlan, DensePlan, PoolPlan, TapClass, WindowGeometry } from './types.js';

/** V8 does not optimise a function whose bytecode is longer (--max-optimized-bytecode-size). */
export const TURBOFAN_LIMIT = 61440;

const LOAD = 16; // v = x[xi + 123];
const MAC = 22; // s0 += v * p[wc + 45];
const CHECK = 24; // if (r0 && q1) { const v = ...; } around a tap, plus the q/r flags
const STORE = 22; // y[yr + ox + 784] = s0 (with an activation: a little more)
const LOOP = 40; // one loop header with its index arithmetic
const FN = 120; // prologue: workspace fields, batch loop, offsets
const GENERIC_NEST = 520; // a checked loop nest over a rectangle table (conv forward, pooling)
const GENERIC_GATHER = 700; // the checked input-gradient nest (divisibility tests)
const GENERIC_WEIGHT = 560; // the checked weight-gradient nest
const ELEMENTWISE = 160; // a fused activation's backward loop, a bias gradient loop

/** Number of channel blocks of size `size` out of `total`: full ones in a loop plus a remainder. */
function blocks(total: number, size: number): { full: number; rem: number } {
  const full = Math.floor(total / size) * size;
  return { full: full > 0 ? size : 0, rem: total - full };
}

function blockSum(total: number, size: number, body: (count: number) => number): number {
  const { full, rem } = blocks(total, size);
  return (full > 0 ? body(full) : 0) + (rem > 0 ? body(rem) : 0);
}

export function convForwardSize(g: WindowGeometry, part: ConvPlan['forward'], hasEdges: boolean): number {
  if (part.generic) return FN + GENERIC_NEST;
  const kk = g.kh * g.kw;
  const channels = part.unrollChannels || g.c === 1 ? g.c : 1;
  const body = (count: number): number =>
    4 * LOOP + count * (STORE + 8) + channels * kk * (LOAD + count * MAC) + (channels > 1 ? 0 : LOOP);
  return FN + blockSum(g.f, part.fb, body) + (hasEdges ? GENERIC_NEST : 0);
}

export function convWeightGradSize(g: WindowGeometry, part: ConvPlan['weightGrad']): number {
  if (part.generic) return GENERIC_WEIGHT;
  const kk = g.kh * g.kw;
  const mixed = g.edges.length > 0;
  const unchecked = (count: number): number => LOOP + count * LOAD + kk * (LOAD + count * MAC);
  const checked = (count: number): number => LOOP + count * LOAD + g.kw * CHECK + kk * (CHECK + LOAD + count * MAC);
  const body = (count: number): number =>
    4 * LOOP +
    count * kk * (STORE + 6) + // accumulator init and the final stores
    (mixed ? g.kh * CHECK + 2 * checked(count) + unchecked(count) : unchecked(count));
  return blockSum(g.f, part.fbw, body);
}

function classSize(cl: TapClass, count: number): number {
  return 3 * LOOP + count * (STORE + 6) + cl.taps.length * (LOAD + count * MAC);
}

export function convInputGradSize(
  g: WindowGeometry,
  classes: readonly TapClass[],
  part: ConvPlan['inputGrad'],
  hasEdges: boolean,
): number {
  if (part.generic) return LOOP + GENERIC_GATHER;
  const body = (count: number): number => LOOP + classes.reduce((s, cl) => s + classSize(cl, count), 0);
  return LOOP + blockSum(g.c, part.cb, body) + (hasEdges ? GENERIC_GATHER : 0);
}

export function convBackwardSize(plan: Omit<ConvPlan, 'kind'>, fused: boolean, bias: boolean): number {
  const g = plan.geom;
  return (
    FN +
    (fused ? ELEMENTWISE : 0) +
    (bias ? ELEMENTWISE : 0) +
    convWeightGradSize(g, plan.weightGrad) +
    convInputGradSize(g, plan.gather.classes, plan.inputGrad, plan.gather.edges.length > 0 || plan.inputGrad.generic)
  );
}

export function poolForwardSize(plan: Omit<PoolPlan, 'kind'>, max: boolean): number {
  const g = plan.geom;
  if (!plan.unroll) return FN + GENERIC_NEST;
  const kk = g.kh * g.kw;
  const tap = max ? LOAD + CHECK : LOAD + 4;
  return FN + 3 * LOOP + kk * tap + 2 * STORE + (g.edges.length > 0 ? GENERIC_NEST : 0);
}

export function poolBackwardSize(plan: Omit<PoolPlan, 'kind'>, max: boolean): number {
  const g = plan.geom;
  if (max) return FN + 2 * LOOP + 40;
  const kk = g.kh * g.kw;
  if (!plan.unroll) return FN + 5 * LOOP + g.kh * CHECK + g.kw * CHECK + kk * (CHECK + LOAD + STORE);
  const unchecked = kk * (LOAD + STORE);
  const checked = g.kw * CHECK + kk * (CHECK + LOAD + STORE);
  return FN + 6 * LOOP + g.kh * CHECK + unchecked + 2 * checked;
}

export function denseForwardSize(d: Omit<DensePlan, 'kind'>): number {
  return FN + blockSum(d.units, d.ob, (count) => 2 * LOOP + count * (MAC + STORE + 12));
}

export function denseBackwardSize(d: Omit<DensePlan, 'kind'>, fused: boolean, bias: boolean): number {
  const cols = blockSum(d.inputs, d.ib, (count) => 2 * LOOP + count * (MAC + STORE + 6));
  return FN + (fused ? ELEMENTWISE : 0) + (bias ? ELEMENTWISE : 0) + 2 * cols + 2 * LOOP;
}

/** Element-wise steps, softmax, global pooling, dropout: small loops only. */
export const SIMPLE_SIZE = FN + 4 * LOOP + 200;
