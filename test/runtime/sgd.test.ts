// SGD against steps worked out by hand from torch.optim.SGD's update rule (float64 state, so the
// arithmetic below is what the optimiser should produce to ~1e-15), and its option and argument checks.

import { describe, expect, it } from 'vitest';
import { sgd } from '../../src/runtime/index.js';

describe('sgd, by hand', () => {
  it('plain SGD: p -= lr * g, with no state', () => {
    const p = Float64Array.of(1, -2);
    const opt = sgd(p, { lr: 0.1 });
    expect(opt.momentumBuffer).toBeNull();
    opt.step(p, Float64Array.of(0.5, -4));
    expect(p[0]).toBeCloseTo(0.95, 15); // 1 - 0.1 * 0.5
    expect(p[1]).toBeCloseTo(-1.6, 15); // -2 + 0.1 * 4
    expect(opt.steps).toBe(1);
  });

  it('momentum: buf = g on step 1, then buf = mu * buf + g', () => {
    const p = Float64Array.of(1);
    const opt = sgd(p, { lr: 0.1, momentum: 0.9 });
    opt.step(p, Float64Array.of(0.5)); // buf = 0.5; p = 1 - 0.05
    expect(opt.momentumBuffer![0]).toBe(0.5);
    expect(p[0]).toBeCloseTo(0.95, 15);
    opt.step(p, Float64Array.of(1)); // buf = 0.45 + 1 = 1.45; p = 0.95 - 0.145
    expect(opt.momentumBuffer![0]).toBeCloseTo(1.45, 15);
    expect(p[0]).toBeCloseTo(0.805, 15);
  });

  it('dampening applies from step 2 only (PyTorch clones the first d_p)', () => {
    const p = Float64Array.of(1);
    const opt = sgd(p, { lr: 0.1, momentum: 0.9, dampening: 0.5 });
    opt.step(p, Float64Array.of(0.5)); // buf = 0.5, not 0.25
    expect(opt.momentumBuffer![0]).toBe(0.5);
    opt.step(p, Float64Array.of(1)); // buf = 0.45 + 0.5 * 1 = 0.95; p = 1 - 0.05 - 0.095
    expect(opt.momentumBuffer![0]).toBeCloseTo(0.95, 15);
    expect(p[0]).toBeCloseTo(0.855, 15);
  });

  it('Nesterov with weight decay, two steps', () => {
    const p = Float64Array.of(1, -2);
    const opt = sgd(p, { lr: 0.1, momentum: 0.9, nesterov: true, weightDecay: 0.1 });
    // step 1: d = g + 0.1 p = [0.6, 0.05]; buf = d; d' = d + 0.9 buf = [1.14, 0.095]
    opt.step(p, Float64Array.of(0.5, 0.25));
    expect(p[0]).toBeCloseTo(0.886, 14);
    expect(p[1]).toBeCloseTo(-2.0095, 14);
    // step 2: d = [1 + 0.0886, -1 - 0.20095] = [1.0886, -1.20095]
    //         buf = 0.9 [0.6, 0.05] + d = [1.6286, -1.15595]; d' = d + 0.9 buf = [2.55434, -2.241305]
    opt.step(p, Float64Array.of(1, -1));
    expect(opt.momentumBuffer![0]).toBeCloseTo(1.6286, 14);
    expect(opt.momentumBuffer![1]).toBeCloseTo(-1.15595, 14);
    expect(p[0]).toBeCloseTo(0.630566, 14);
    expect(p[1]).toBeCloseTo(-1.7853695, 14);
  });

  it('a new lr takes effect on the next step', () => {
    const p = Float64Array.of(0);
    const opt = sgd(p, { lr: 0.1 });
    opt.step(p, Float64Array.of(1));
    opt.lr = 0.01;
    opt.step(p, Float64Array.of(1));
    expect(p[0]).toBeCloseTo(-0.11, 15);
    expect(opt.lr).toBe(0.01);
  });

  it('float32 state rounds every stored value to float32', () => {
    const p = Float32Array.of(1);
    const opt = sgd(p.length, { lr: 0.1, momentum: 0.9 });
    expect(opt.dtype).toBe('f32');
    expect(opt.momentumBuffer).toBeInstanceOf(Float32Array);
    opt.step(p, Float32Array.of(0.3));
    expect(opt.momentumBuffer![0]).toBe(Math.fround(0.3));
    expect(p[0]).toBe(Math.fround(1 - 0.1 * Math.fround(0.3)));
    expect(sgd(new Float64Array(3), { lr: 1, momentum: 0.5 }).momentumBuffer).toBeInstanceOf(Float64Array);
  });

  it('reset zeroes the buffer and the step count, so step 1 clones again', () => {
    const p = Float64Array.of(1);
    const opt = sgd(p, { lr: 0.1, momentum: 0.9, dampening: 0.5 });
    opt.step(p, Float64Array.of(1));
    opt.step(p, Float64Array.of(1));
    opt.reset();
    expect(opt.steps).toBe(0);
    opt.step(p, Float64Array.of(0.25));
    expect(opt.momentumBuffer![0]).toBe(0.25);
  });
});

describe('sgd, checks', () => {
  it('rejects bad options with the option named', () => {
    expect(() => sgd(3, {} as never)).toThrow(/lr is required/);
    expect(() => sgd(3, { lr: -1 })).toThrow(/lr must be a finite number >= 0, got -1/);
    expect(() => sgd(3, { lr: NaN })).toThrow(/lr/);
    expect(() => sgd(3, { lr: 0.1, momentum: -0.5 })).toThrow(/momentum/);
    expect(() => sgd(3, { lr: 0.1, dampening: 2 })).toThrow(/dampening must be a finite number in \[0, 1\]/);
    expect(() => sgd(3, { lr: 0.1, nesterov: true })).toThrow(/Nesterov momentum requires momentum > 0 and dampening 0/);
    expect(() => sgd(3, { lr: 0.1, momentum: 0.9, dampening: 0.1, nesterov: true })).toThrow(/dampening 0/);
    expect(() => sgd(-1, { lr: 0.1 })).toThrow(/parameter count/);
    const opt = sgd(3, { lr: 0.1 });
    expect(() => (opt.lr = -0.1)).toThrow(/lr/);
    expect(opt.lr).toBe(0.1);
  });

  it('checks lengths and element type before writing anything', () => {
    const opt = sgd(3, { lr: 0.1, momentum: 0.9 });
    const p = Float32Array.of(1, 2, 3);
    expect(() => opt.step(p, new Float32Array(2))).toThrow('sgd.step: grad has length 2, expected 3');
    expect(() => opt.step(new Float32Array(4), new Float32Array(3))).toThrow('sgd.step: params has length 4, expected 3');
    expect(() => opt.step(new Float64Array(3), new Float64Array(3))).toThrow(/params is a Float64Array but the optimiser keeps f32 state/);
    expect([...p]).toEqual([1, 2, 3]);
    expect(opt.steps).toBe(0);
    expect([...opt.momentumBuffer!]).toEqual([0, 0, 0]);
  });
});
