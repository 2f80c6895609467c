// Adam and AdamW against steps worked out by hand from torch.optim.Adam/AdamW's update rule
// (float64 state), and their option checks.

import { describe, expect, it } from 'vitest';
import { adam, adamw } from '../../src/runtime/index.js';

describe('adam, by hand', () => {
  it('two steps: bias correction, eps outside the square root', () => {
    const p = Float64Array.of(1);
    const opt = adam(p, { lr: 0.1 }); // betas 0.9, 0.999, eps 1e-8
    expect([opt.beta1, opt.beta2, opt.eps, opt.weightDecay]).toEqual([0.9, 0.999, 1e-8, 0]);
    // step 1, g = 0.5: m = 0.05, v = 0.001 * 0.25 = 2.5e-4; 1 - b1 = 0.1, 1 - b2 = 0.001
    // p -= (0.1 / 0.1) * 0.05 / (sqrt(2.5e-4) / sqrt(0.001) + 1e-8) = 0.05 / (0.5 + 1e-8)
    opt.step(p, Float64Array.of(0.5));
    expect(opt.expAvg[0]).toBeCloseTo(0.05, 16);
    expect(opt.expAvgSq[0]).toBeCloseTo(2.5e-4, 18);
    expect(p[0]).toBeCloseTo(0.900000002, 15);
    // step 2, g = -1: m = 0.045 - 0.1 = -0.055, v = 0.999 * 2.5e-4 + 0.001 = 0.00124975
    // 1 - b1^2 = 0.19, 1 - b2^2 = 0.001999; sqrt(v / 0.001999) = 0.7906880508752532
    // p += (0.1 / 0.19) * 0.055 / (0.7906880508752532 + 1e-8)
    opt.step(p, Float64Array.of(-1));
    expect(opt.expAvg[0]).toBeCloseTo(-0.055, 16);
    expect(opt.expAvgSq[0]).toBeCloseTo(0.00124975, 17);
    expect(p[0]).toBeCloseTo(0.9366103542405654, 14);
    expect(opt.steps).toBe(2);
  });

  it('L2 weight decay enters the gradient; AdamW shrinks the parameter instead', () => {
    // Adam, wd 0.5: g = 0.5 + 0.5 * 1 = 1; m = 0.1, v = 0.001; step = 0.1 * 1 / (1 + 1e-8)
    const a = Float64Array.of(1);
    adam(a, { lr: 0.1, weightDecay: 0.5 }).step(a, Float64Array.of(0.5));
    expect(a[0]).toBeCloseTo(1 - 0.1 / (1 + 1e-8), 15);
    // AdamW, wd 0.5: p = 1 * (1 - 0.1 * 0.5) = 0.95, then the Adam step on g = 0.5 alone
    const w = Float64Array.of(1);
    const opt = adamw(w, { lr: 0.1, weightDecay: 0.5 });
    expect(opt.kind).toBe('adamw');
    expect(opt.decoupled).toBe(true);
    opt.step(w, Float64Array.of(0.5));
    expect(w[0]).toBeCloseTo(0.95 - 0.05 / (0.5 + 1e-8), 15);
    expect(opt.expAvg[0]).toBeCloseTo(0.05, 16); // the moments never see the decay
  });

  it('adamw defaults weight decay to 1e-2 as torch.optim.AdamW; adam({decoupled}) is the same optimiser', () => {
    expect(adamw(1).weightDecay).toBe(1e-2);
    expect(adam(1).weightDecay).toBe(0);
    const x = Float64Array.of(2, -3);
    const y = Float64Array.of(2, -3);
    const o1 = adamw(x, { lr: 0.05, weightDecay: 0.2 });
    const o2 = adam(y, { lr: 0.05, weightDecay: 0.2, decoupled: true });
    for (const g of [[1, 2], [-0.5, 0.25], [3, -1]]) {
      o1.step(x, Float64Array.from(g));
      o2.step(y, Float64Array.from(g));
    }
    expect([...x]).toEqual([...y]);
  });

  it('amsgrad keeps the running maximum of v and divides by it', () => {
    const p = Float64Array.of(0);
    const opt = adam(p, { lr: 0.1, amsgrad: true });
    opt.step(p, Float64Array.of(2)); // v = 0.004
    opt.step(p, Float64Array.of(0)); // v = 0.003996 < vmax
    expect(opt.maxExpAvgSq![0]).toBeCloseTo(0.004, 16);
    expect(opt.expAvgSq[0]).toBeCloseTo(0.003996, 16);
    // step 2: m = 0.18; step = (0.1 / 0.19) * 0.18 / (sqrt(0.004) / sqrt(0.001999) + 1e-8)
    const step1 = 0.2 / (Math.sqrt(0.004) / Math.sqrt(0.001) + 1e-8);
    const step2 = ((0.1 / 0.19) * 0.18) / (Math.sqrt(0.004) / Math.sqrt(0.001999) + 1e-8);
    expect(p[0]).toBeCloseTo(-(step1 + step2), 14);
    expect(adam(1).maxExpAvgSq).toBeNull();
  });

  it('zero gradient from the start leaves the parameter where it is (m = 0, denominator eps)', () => {
    const p = Float32Array.of(0.25, -0.5);
    const opt = adam(p, { lr: 1 });
    opt.step(p, new Float32Array(2));
    expect([...p]).toEqual([0.25, -0.5]);
  });

  it('float32 state for a count or a Float32Array, float64 for a Float64Array', () => {
    expect(adam(4).expAvg).toBeInstanceOf(Float32Array);
    expect(adam(new Float32Array(4)).expAvgSq).toBeInstanceOf(Float32Array);
    expect(adam(new Float64Array(4), { amsgrad: true }).maxExpAvgSq).toBeInstanceOf(Float64Array);
  });
});

describe('adam, checks', () => {
  it('rejects bad options with the option named', () => {
    expect(() => adam(2, { betas: [1, 0.999] })).toThrow('adam: betas[0] must be a finite number in [0, 1), got 1');
    expect(() => adam(2, { betas: [0.9, -0.1] })).toThrow(/betas\[1\]/);
    expect(() => adam(2, { betas: [0.9] as never })).toThrow(/pair/);
    expect(() => adam(2, { eps: -1 })).toThrow(/eps/);
    expect(() => adam(2, { lr: Infinity })).toThrow(/lr/);
    expect(() => adamw(2, { weightDecay: -0.1 })).toThrow(/adamw: weightDecay/);
  });

  it('checks the step arguments before writing', () => {
    const opt = adam(2);
    const p = Float32Array.of(1, 2);
    expect(() => opt.step(p, new Float32Array(3))).toThrow('adam.step: grad has length 3, expected 2');
    expect([...p]).toEqual([1, 2]);
    expect(opt.steps).toBe(0);
  });

  it('reset restarts the bias correction', () => {
    const a = Float64Array.of(1);
    const b = Float64Array.of(1);
    const opt = adam(a, { lr: 0.1 });
    opt.step(a, Float64Array.of(5));
    opt.reset();
    a[0] = 1;
    opt.step(a, Float64Array.of(0.5));
    adam(b, { lr: 0.1 }).step(b, Float64Array.of(0.5));
    expect(a[0]).toBe(b[0]);
  });
});
