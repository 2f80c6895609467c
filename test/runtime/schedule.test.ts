// Learning-rate schedules by hand (the PyTorch comparison is in torch-trajectories.test.ts).

import { describe, expect, it } from 'vitest';
import { cosineLr, sgd, stepLr } from '../../src/runtime/index.js';

describe('stepLr', () => {
  it('multiplies by gamma every stepSize epochs', () => {
    const f = stepLr({ lr: 0.1, stepSize: 2, gamma: 0.5 });
    expect([0, 1, 2, 3, 4, 5].map(f)).toEqual([0.1, 0.1, 0.05, 0.05, 0.025, 0.025]);
    expect(stepLr({ lr: 1, stepSize: 10 })(25)).toBeCloseTo(0.01, 15); // gamma defaults to 0.1
  });
});

describe('cosineLr', () => {
  it('from lr down to lrMin at tMax along half a cosine, and back up after (as PyTorch)', () => {
    const f = cosineLr({ lr: 0.1, tMax: 4, lrMin: 0.02 });
    expect(f(0)).toBe(0.1);
    expect(f(2)).toBeCloseTo(0.06, 15); // half way: the mean
    expect(f(1)).toBeCloseTo(0.02 + 0.08 * (1 + Math.SQRT1_2) / 2, 15);
    expect(f(4)).toBeCloseTo(0.02, 15);
    expect(f(6)).toBeCloseTo(0.06, 15);
    expect(f(8)).toBeCloseTo(0.1, 15);
    expect(cosineLr({ lr: 1, tMax: 10 })(10)).toBeCloseTo(0, 15);
  });
});

describe('schedules drive an optimiser', () => {
  it('assigning the scheduled rate each epoch', () => {
    const schedule = stepLr({ lr: 0.5, stepSize: 1, gamma: 0.5 });
    const p = Float64Array.of(0);
    const opt = sgd(p, { lr: schedule(0) });
    for (let epoch = 0; epoch < 3; epoch++) {
      opt.lr = schedule(epoch);
      opt.step(p, Float64Array.of(1));
    }
    expect(p[0]).toBeCloseTo(-(0.5 + 0.25 + 0.125), 15);
  });
});

describe('checks', () => {
  it('bad options and epochs', () => {
    expect(() => stepLr({ lr: 0.1, stepSize: 0 })).toThrow('stepLr: stepSize must be a positive integer, got 0');
    expect(() => stepLr({ lr: -1, stepSize: 1 })).toThrow(/lr must be a finite number >= 0/);
    expect(() => cosineLr({ lr: 0.1, tMax: 2.5 })).toThrow('cosineLr: tMax must be a positive integer, got 2.5');
    expect(() => cosineLr({ lr: 0.1, tMax: 5, lrMin: NaN })).toThrow(/lrMin/);
    expect(() => stepLr({ lr: 0.1, stepSize: 3 })(-1)).toThrow('stepLr: the epoch must be an integer >= 0, got -1');
    expect(() => cosineLr({ lr: 0.1, tMax: 3 })(0.5)).toThrow(/epoch must be an integer/);
  });
});
