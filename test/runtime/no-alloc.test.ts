// step() allocates nothing: the state arrays are made once and stay the same objects, and a coarse
// heap measurement around many steps shows no growth. The measurement is coarse on purpose (no
// timings, generous bounds): it is there to catch a temporary vector per step (n * 4 bytes), or an
// object per element, not single bytes.

import { PerformanceObserver } from 'node:perf_hooks';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { describe, expect, it } from 'vitest';
import { adam, adamw, sgd, type Optimizer } from '../../src/runtime/index.js';
import { mulberry32, uniform } from '../support/rng.js';

const N = 100_000;

function stateOf(opt: Optimizer): unknown[] {
  const o = opt as unknown as Record<string, unknown>;
  return ['momentumBuffer', 'expAvg', 'expAvgSq', 'maxExpAvgSq'].map((k) => o[k]).filter((x) => x !== undefined);
}

const makers: [string, () => Optimizer][] = [
  ['sgd', () => sgd(N, { lr: 0.01 })],
  ['sgd nesterov + wd', () => sgd(N, { lr: 0.01, momentum: 0.9, nesterov: true, weightDecay: 5e-4 })],
  ['adam amsgrad + wd', () => adam(N, { lr: 1e-3, weightDecay: 1e-4, amsgrad: true })],
  ['adamw', () => adamw(N, { lr: 1e-3 })],
];

// V8 exposes gc() to a new context once the flag is set; it makes the heap numbers comparable.
setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

/** Runs fn once; counts the garbage collections V8 reports during it (delivered asynchronously). */
async function collectionsDuring(fn: () => void): Promise<number> {
  let count = 0;
  const observer = new PerformanceObserver((list) => (count += list.getEntries().length));
  observer.observe({ entryTypes: ['gc'] });
  fn();
  await new Promise((resolve) => setTimeout(resolve, 20));
  observer.disconnect();
  return count;
}

describe('no allocation in step', () => {
  const rng = mulberry32(11);
  const p0 = Float32Array.from(uniform(rng, N));
  const grad = Float32Array.from(uniform(rng, N));

  for (const [name, make] of makers) {
    it(`${name}: same state objects, no heap or array-buffer growth, no collection over 50 steps`, async () => {
      const opt = make();
      const params = Float32Array.from(p0);
      const before = stateOf(opt);
      for (let s = 0; s < 100; s++) opt.step(params, grad); // warm-up: let V8 optimise step
      gc();
      let m0 = process.memoryUsage();
      let m1 = m0;
      const collections = await collectionsDuring(() => {
        m0 = process.memoryUsage();
        for (let s = 0; s < 50; s++) opt.step(params, grad);
        m1 = process.memoryUsage();
      });
      const after = stateOf(opt);
      expect(after.length).toBe(before.length);
      after.forEach((a, i) => expect(a).toBe(before[i]));
      // One temporary Float32Array per step would add 50 * 400 kB = 20 MB of array buffers; a boxed
      // double per element, 50 * 100k * 16 B = 80 MB of heap, which V8 can only absorb by
      // collecting several times. The bounds leave room for what the rest of the process (the test
      // runner, V8 compiling step) allocates meanwhile: measured at up to ~2.5 MB and 3
      // collections, where an object per element gave ~70.
      expect(m1.arrayBuffers - m0.arrayBuffers).toBeLessThan(4 << 20);
      expect(m1.heapUsed - m0.heapUsed).toBeLessThan(16 << 20);
      expect(collections).toBeLessThanOrEqual(10);
      expect(params.every(Number.isFinite)).toBe(true);
    });
  }

  it('the measurements see a temporary vector per step, and an object per element', async () => {
    gc();
    let grown = 0;
    await collectionsDuring(() => {
      const m0 = process.memoryUsage();
      for (let s = 0; s < 50; s++) new Float32Array(N).fill(s);
      grown = process.memoryUsage().arrayBuffers - m0.arrayBuffers;
    });
    expect(grown).toBeGreaterThan(4 << 20);
    gc();
    let last: number[] = []; // escapes, so V8 cannot optimise the allocation away
    const collections = await collectionsDuring(() => {
      for (let s = 0; s < 50; s++) for (let i = 0; i < N; i++) last = [grad[i]!, s];
    });
    expect(last[1]).toBe(49);
    expect(collections).toBeGreaterThan(10);
  });
});
