// The element criterion on its own: smooth functions, wrong derivatives, and kinks.
import { describe, expect, it } from 'vitest';
import { judge, judgeRefined, noiseFloor, relativeError } from '../../src/gradcheck/index.js';
import { chooseElements, mulberry32, sampleIndices } from '../../src/gradcheck/random.js';

const eps = 1e-6;
const tol = 1e-5;
const noise = noiseFloor(1, 2 * eps);

function around(f: (x: number) => number, x0: number, h = eps) {
  return { x0, xPlus: x0 + h, xMinus: x0 - h, f0: f(x0), fPlus: f(x0 + h), fMinus: f(x0 - h) };
}

describe('judge', () => {
  it('passes the right derivative of a smooth function and fails one 1% off', () => {
    const f = (x: number) => Math.sin(3 * x) + x * x;
    const df = (x: number) => 3 * Math.cos(3 * x) + 2 * x;
    for (const x of [-1.3, -0.2, 0.4, 2.1]) {
      expect(judge(df(x), around(f, x), tol, noise).verdict).toBe('ok');
      expect(judge(df(x) * 1.01, around(f, x), tol, noise).verdict).toBe('fail');
      expect(judge(-df(x), around(f, x), tol, noise).verdict).toBe('fail');
    }
  });

  it('at a ReLU kink inside the step, judges by the one-sided difference that does not cross it', () => {
    // kink at c, 0.4 eps to the left of x: the central difference blends slopes 2 and 5
    const c = 0.7;
    const x = c + 0.4 * eps;
    const f = (v: number) => 2 * v + 3 * Math.max(0, v - c);
    const e = around(f, x);
    const central = (e.fPlus - e.fMinus) / (e.xPlus - e.xMinus);
    expect(Math.abs(central - 5)).toBeGreaterThan(0.1); // the naive check would fail
    const right = judge(5, e, tol, noise);
    expect(right.verdict).toBe('kink');
    expect(right.numeric).toBeCloseTo(5, 6);
    // the slope of the other side, or anything else, is still a failure
    expect(judge(2, e, tol, noise).verdict).toBe('fail');
    expect(judge(3.5, e, tol, noise).verdict).toBe('fail');
  });

  it('with kinks on both sides of the point, passes a right gradient at a smaller step', () => {
    const x = 0.25;
    // slope 2, +1 past x - 0.3 eps (so 3 at x), +1.5 past x + 0.5 eps
    const f = (v: number) => 2 * v + Math.max(0, v - (x - 0.3 * eps)) + 1.5 * Math.max(0, v - (x + 0.5 * eps));
    const first = judge(3, around(f, x), tol, noise);
    expect(first.verdict).toBe('fail'); // both one-sided differences cross a kink
    const fine = around(f, x, eps / 10);
    const refined = judgeRefined(first, fine, tol, noise * 10);
    expect(refined?.verdict).toBe('kink');
    expect(refined!.numeric).toBeCloseTo(3, 6);
    // a wrong gradient is not rescued
    expect(judgeRefined(judge(3.2, around(f, x), tol, noise), fine, tol, noise * 10)).toBeUndefined();
  });

  it('does not let the higher noise of a smaller step hide a bug on a smooth function', () => {
    // a gradient 1e-4 off: beyond tol at eps, within the noise floor a hundred times higher
    const f = (v: number) => 1e-3 * Math.sin(v);
    const a = 1e-3 * Math.cos(0.3) * 1.0001;
    const bigNoise = 1e-6;
    const first = judge(a, around(f, 0.3), tol, 1e-12);
    expect(first.verdict).toBe('fail');
    // the fine difference agrees with the coarse one, so the failure stands
    expect(judgeRefined(first, around(f, 0.3, eps / 100), tol, bigNoise)).toBeUndefined();
  });

  it('does not take a wrong gradient of a smooth function for a kink', () => {
    const f = (v: number) => v * v * v;
    // the one-sided differences agree (curvature eps * f'' is far below tol), so no kink excuse
    expect(judge(3 * 0.49 * 0.49 * 1.001, around(f, 0.49), tol, noise).verdict).toBe('fail');
  });

  it('accepts differences at the rounding-noise level for gradients that are zero', () => {
    expect(relativeError(0, noise / 2, tol, noise)).toBeLessThanOrEqual(tol);
    expect(relativeError(0, noise * 2, tol, noise)).toBeGreaterThan(tol);
    expect(relativeError(1, 1 + 2e-6, tol, noise)).toBeCloseTo(2e-6, 9);
  });
});

describe('sampleIndices', () => {
  it('draws distinct sorted indices, or all of them when the tensor is small', () => {
    const rand = mulberry32(7);
    const picked = sampleIndices(1000, 20, rand);
    expect(picked).toHaveLength(20);
    expect(new Set(picked).size).toBe(20);
    expect([...picked].sort((a, b) => a - b)).toEqual(picked);
    expect(picked.every((i) => i >= 0 && i < 1000)).toBe(true);
    expect(sampleIndices(5, 20, rand)).toEqual([0, 1, 2, 3, 4]);
    // seeded: the same stream gives the same sample
    expect(sampleIndices(1e6, 10, mulberry32(3))).toEqual(sampleIndices(1e6, 10, mulberry32(3)));
  });
});

describe('chooseElements', () => {
  it('puts half the sample on nonzero gradients and draws the rest uniformly', () => {
    // 1000 elements, only 10 of them (multiples of 97) nonzero, at offset 5 in a larger vector
    const grad = new Float64Array(1005);
    for (let i = 0; i < 1000; i += 97) grad[5 + i] = 1;
    const picked = chooseElements(grad, 5, 1000, 8, mulberry32(1));
    expect(picked).toHaveLength(8);
    expect(new Set(picked).size).toBe(8);
    expect(picked.filter((i) => i % 97 === 0).length).toBeGreaterThanOrEqual(4);
    // one element: a nonzero one
    expect(chooseElements(grad, 5, 1000, 1, mulberry32(2))[0]! % 97).toBe(0);
    // all zero: uniform only; small tensors: everything
    expect(chooseElements(new Float64Array(50), 0, 50, 6, mulberry32(3))).toHaveLength(6);
    expect(chooseElements(grad, 5, 7, 20, mulberry32(3))).toEqual([0, 1, 2, 3, 4, 5, 6]);
  });
});
