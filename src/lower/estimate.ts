// Size model of the emitted functions, in bytes of V8 bytecode. It counts what the emitters unroll
// (window taps x accumulators, per block and per class) and adds a fixed amount per loop nest.
// The per-item costs are measured on V8 12 (Node 20) with `--print-bytecode` on emitted modules,
// rounded up: a function the model says is under the limit is under it (test/emit/size.test.ts
// checks the model against the real bytecode length). Large functions use wide operands (feedback
// slot indices above 255), which is why the per-item costs are above those of small functions.

import { gatherInPlace, isEmpty } from './geometry.js';
import type { ConvPlan, DensePlan, GatherGeometry, PoolPlan, TapClass, WindowGeometry } from './types.js';

/** V8 does not optimise a function whose bytecode is longer (--max-optimized-bytecode-size). */
export const TURBOFAN_LIMIT = 61440;

const LOAD = 26; // v = x[xi + 123];
const MAC = 32; // s0 += v * p[wc + 45];
const MAC_REG = 21; // a0_3 += e0 * v;
const CHECK = 17; // if (r0 && q1) { ... } around a tap; a row or column flag
const STORE = 30; // y[yr + ox + 784] = s0 (with an activation: a little more)
const LOOP = 50; // one loop header with its index arithmetic
const CLASS = 520; // one class of the input-gradient gather: its loops, accumulators, stores
const FN = 120; // prologue: workspace fields, batch loop, offsets
const GENERIC_NEST = 520; // a checked loop nest over a rectangle table (conv forward, pooling)
const GENERIC_GATHER = 700; // the plain input-gradient nest (divisibility tests)
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
  if (part.generic || isEmpty(g.inner)) return FN + GENERIC_NEST;
  const kk = g.kh * g.kw;
  const channels = part.unrollChannels || g.c === 1 ? g.c : 1;
  const pb = part.pb;
  const tap = (count: number, pixels: number): number =>
    pixels * LOAD + count * (pixels === 1 ? MAC : LOAD + pixels * MAC_REG);
  const position = (count: number, pixels: number): number =>
    LOOP + count * pixels * (STORE + 8) + channels * kk * tap(count, pixels) + (channels > 1 ? 0 : LOOP);
  // pb > 1: the blocked loop plus one single position for an odd remainder
  const body = (count: number): number => 2 * LOOP + position(count, pb) + (pb > 1 ? position(count, 1) : 0);
  return FN + blockSum(g.f, part.fb, body) + (hasEdges ? GENERIC_NEST : 0);
}

export function convWeightGradSize(g: WindowGeometry, part: ConvPlan['weightGrad']): number {
  if (part.generic) return GENERIC_WEIGHT;
  const kk = g.kh * g.kw;
  const mixed = g.edges.length > 0;
  const unchecked = (count: number): number => LOOP + count * LOAD + kk * (LOAD + count * MAC_REG);
  const checked = (count: number): number => LOOP + count * LOAD + g.kw * 2 * CHECK + kk * (CHECK + LOAD + count * MAC_REG);
  const body = (count: number): number =>
    4 * LOOP +
    count * kk * (STORE + 6) + // accumulator init and the final stores
    (isEmpty(g.inner) ? g.kh * 2 * CHECK + checked(count) : mixed ? g.kh * 2 * CHECK + 2 * checked(count) + unchecked(count) : unchecked(count));
  return blockSum(g.f, part.fbw, body);
}

function classSize(cl: TapClass, count: number): number {
  if (cl.taps.length === 0) return 3 * LOOP + count * STORE;
  return CLASS + count * (STORE + 6) + cl.taps.length * (LOAD + count * MAC);
}

export function convInputGradSize(g: WindowGeometry, gather: GatherGeometry, part: ConvPlan['inputGrad']): number {
  const copy = gatherInPlace(gather) ? 0 : 3 * LOOP + 2 * LOAD;
  if (part.generic) return LOOP + copy + GENERIC_GATHER;
  const body = (count: number): number => LOOP + gather.classes.reduce((s, cl) => s + classSize(cl, count), 0);
  return LOOP + copy + blockSum(g.c, part.cb, body);
}

export function convInputScatterSize(g: WindowGeometry, part: ConvPlan['inputGrad']): number {
  if (part.generic) return 2 * LOOP + GENERIC_GATHER + g.kh * 2 * CHECK;
  const kk = g.kh * g.kw;
  const position = (count: number, checked: boolean): number =>
    2 * LOOP + count * kk * (6 + MAC + STORE + LOAD + (checked ? CHECK : 0)) + (checked ? g.kw * 2 * CHECK : 0);
  const mixed = g.edges.length > 0;
  const body = (count: number): number =>
    2 * LOOP +
    (isEmpty(g.inner)
      ? g.kh * 2 * CHECK + position(count, true)
      : mixed
        ? g.kh * 2 * CHECK + 2 * position(count, true) + position(count, false)
        : position(count, false));
  return 2 * LOOP + blockSum(g.c, part.cb, body);
}

export function convBackwardSize(plan: Omit<ConvPlan, 'kind'>, fused: boolean, bias: boolean): number {
  const g = plan.geom;
  return (
    FN +
    (fused ? ELEMENTWISE : 0) +
    (bias ? ELEMENTWISE : 0) +
    convWeightGradSize(g, plan.weightGrad) +
    (plan.inputGradMethod === 'gather'
      ? convInputGradSize(g, plan.gather, plan.inputGrad)
      : convInputScatterSize(g, plan.inputGrad))
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
