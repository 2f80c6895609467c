// Size model of the emitted functions, in bytes of V8 bytecode. It counts what the emitters unroll
// (loads, multiply-adds, stores per pass, per block) and adds a fixed amount per loop nest. The
// per-item costs were measured on V8 11 (Node 20) with `--print-bytecode` on emitted modules and
// rounded up, wide operands included (feedback slot indices above 255 in large functions): a
// function the model says is under the limit is under it (test/emit/size.test.ts checks the model
// against the real bytecode length of every function of the examples).

import type { CorrBlock, DensePlan, PadGeometry, PoolPlan, WeightGradBlock, WindowGeometry } from './types.js';

/** V8 does not optimise a function whose bytecode is longer (--max-optimized-bytecode-size). */
export const TURBOFAN_LIMIT = 61440;

const LOAD = 28; // const v5 = x[si + 5];   e3 = dz[er + 3]
const MAC = 25; // s0 += v3 * t;
const WLOAD = 26; // t = p[wo + 26];
const STORE = 34; // y[dr + ox + 784] = s0 < 0 ? 0 : s0;
const RMW = 55; // s[tc + 123] += e * p[wc + 4];
const LOOP = 50; // one loop header with its index arithmetic
const FN = 140; // prologue: workspace fields, batch loop, offsets
const PAD = 4 * LOOP + 60; // a zero-padded copy of one sample
const ELEMENTWISE = 160; // a fused activation's backward loop, a bias gradient loop
const GENERIC_NEST = 520; // a checked loop nest (pooling border, plain loops)

/**
 * Ignition addresses registers (locals) with one-byte operands up to about 250 of them; beyond,
 * every instruction touching one takes a wide prefix, so a body with that many locals costs more.
 */
function wide(locals: number, bytes: number): number {
  return locals > 200 ? Math.ceil(bytes * 1.7) : bytes;
}

/** Blocks of `size` out of `total`: the full ones (one loop body) and the remainder. */
function blockSum(total: number, size: number, body: (count: number) => number): number {
  const full = Math.floor(total / size) * size;
  return (full > 0 ? body(size) : 0) + (full < total ? body(total - full) : 0);
}

/** Distinct inputs one kernel row loads for `pixels` positions (corr.ts rowOffsets). */
function rowLoads(pixels: number, kw: number, sw: number, dw: number): number {
  const set = new Set<number>();
  for (let q = 0; q < pixels; q++) for (let v = 0; v < kw; v++) set.add(q * sw + v * dw);
  return set.size;
}

export interface CorrShape {
  readonly outputs: number;
  readonly ow: number;
  readonly kh: number;
  readonly kw: number;
  readonly sw: number;
  readonly dw: number;
}

/** One correlation (corr.ts): output-channel blocks x (full position passes + the remainder). */
export function corrSize(s: CorrShape, block: CorrBlock): number {
  if (block.unroll === 'none') return GENERIC_NEST;
  const rows = block.unroll === 'window' ? s.kh : 1;
  const pass = (count: number, pixels: number): number =>
    wide(
      count * pixels + rowLoads(pixels, s.kw, s.sw, s.dw),
      2 * LOOP +
        count * pixels * (STORE + 8) +
        (LOOP + rows * (rowLoads(pixels, s.kw, s.sw, s.dw) * LOAD + s.kw * count * (WLOAD + pixels * MAC))),
    );
  const perBlock = (count: number): number =>
    2 * LOOP + count * LOAD + blockSum(s.ow, Math.min(block.pb, s.ow), (pixels) => pass(count, pixels));
  return blockSum(s.outputs, block.fb, perBlock);
}

export function padCopySize(pad: PadGeometry | undefined): number {
  return pad === undefined ? 0 : PAD;
}

export function convForwardSize(g: WindowGeometry, block: CorrBlock, pad: PadGeometry | undefined): number {
  return FN + padCopySize(pad) + corrSize({ outputs: g.f, ow: g.ow, kh: g.kh, kw: g.kw, sw: g.sw, dw: g.dw }, block);
}

export function convWeightGradSize(g: WindowGeometry, wg: WeightGradBlock): number {
  if (wg.unroll === 'none') return GENERIC_NEST;
  if (wg.unroll === 'sparse') {
    const perRows = (rows: number): number =>
      wide(rows * g.kw, 4 * LOOP + 2 * rows * g.kw * (LOAD + 8) + 2 * LOAD + rows * g.kw * (LOAD + MAC));
    return 2 * LOOP + blockSum(g.kh, wg.rows, perRows);
  }
  const chunk = (count: number, rows: number, pixels: number): number =>
    LOOP + count * pixels * LOAD + rows * (rowLoads(pixels, g.kw, g.sw, g.dw) * LOAD + pixels * count * g.kw * MAC);
  const perRows = (count: number, rows: number): number =>
    wide(
      count * rows * g.kw + count * wg.pb + rowLoads(wg.pb, g.kw, g.sw, g.dw),
      3 * LOOP + 2 * count * rows * g.kw * (LOAD + 8) + blockSum(g.ow, Math.min(wg.pb, g.ow), (pixels) => chunk(count, rows, pixels)),
    );
  return blockSum(g.f, wg.fbw, (count) => LOOP + blockSum(g.kh, wg.rows, (rows) => perRows(count, rows)));
}

export function convBackwardSize(g: WindowGeometry, wg: WeightGradBlock, pad: PadGeometry | undefined, fused: boolean, bias: boolean): number {
  return FN + (fused ? ELEMENTWISE : 0) + (bias ? ELEMENTWISE : 0) + padCopySize(pad) + convWeightGradSize(g, wg);
}

export function convGatherSize(g: WindowGeometry, block: CorrBlock, pad: PadGeometry | undefined): number {
  return FN + padCopySize(pad) + corrSize({ outputs: g.c, ow: g.w, kh: g.kh, kw: g.kw, sw: 1, dw: g.dw }, block);
}

export function convScatterSize(g: WindowGeometry, unroll: 'window' | 'row' | 'none', pad: PadGeometry | undefined): number {
  const taps = unroll === 'window' ? g.kh * g.kw : unroll === 'row' ? g.kw : 1;
  return FN + 5 * LOOP + taps * RMW + (pad ? PAD : 0);
}

export function poolForwardSize(plan: Omit<PoolPlan, 'kind'>, max: boolean): number {
  const g = plan.geom;
  if (!plan.unroll) return FN + GENERIC_NEST;
  const kk = g.kh * g.kw;
  const tap = max ? LOAD + 17 : LOAD + 4;
  return FN + 3 * LOOP + kk * tap + 2 * STORE + (g.edges.length > 0 ? GENERIC_NEST : 0);
}

export function poolBackwardSize(plan: Omit<PoolPlan, 'kind'>, max: boolean): number {
  const g = plan.geom;
  if (max) return FN + 2 * LOOP + 40;
  const kk = g.kh * g.kw;
  const CHECK = 17;
  if (!plan.unroll) return FN + 5 * LOOP + g.kh * CHECK + g.kw * CHECK + kk * (CHECK + LOAD + STORE);
  const unchecked = kk * (LOAD + STORE);
  const checked = g.kw * CHECK + kk * (CHECK + LOAD + STORE);
  return FN + 6 * LOOP + g.kh * CHECK + unchecked + 2 * checked;
}

/** Samples in blocks of bb plus the one-at-a-time loop. */
function samples(bb: number, pass: (m: number) => number): number {
  return bb === 1 ? LOOP + pass(1) : 2 * LOOP + pass(bb) + pass(1);
}

export function denseForwardSize(d: Omit<DensePlan, 'kind'>): number {
  const pass = (m: number): number =>
    LOOP + m * LOAD + blockSum(d.units, m === 1 ? d.ob1 : d.ob, (count) => 2 * LOOP + count * m * (STORE + 8) + m * LOAD + count * (WLOAD + m * MAC));
  return FN + samples(d.bb, pass);
}

export function denseBackwardSize(d: Omit<DensePlan, 'kind'>, fused: boolean, bias: boolean): number {
  const pass = (oc: number, ic: number): number => 2 * LOOP + oc * ic * (STORE + 16) + oc * LOAD + ic * (LOAD + oc * MAC);
  const dw = blockSum(d.units, d.ob, (oc) => LOOP + blockSum(d.inputs, d.ib, (ic) => pass(oc, ic)));
  return FN + (fused ? ELEMENTWISE : 0) + (bias ? ELEMENTWISE : 0) + 3 * LOOP + dw;
}

export function denseInputGradSize(d: Omit<DensePlan, 'kind'>): number {
  const pass = (m: number): number =>
    LOOP + blockSum(d.inputs, d.ib, (count) => 2 * LOOP + count * m * (STORE + 8) + m * LOAD + count * (WLOAD + m * MAC));
  return FN + 3 * LOOP + samples(d.bb, pass);
}

/** Element-wise steps, softmax, global pooling, dropout: small loops only. */
export const SIMPLE_SIZE = FN + 4 * LOOP + 200;
