// Central finite differences in float64 against backward() / lossAndGrad() of the emitted module:
// every layer kind and option on its own, and a few stacks, for batch 1 and batch 3. Conv layers
// are also checked with each input-gradient method forced (gather and scatter), whichever lowering
// would pick.

import { describe, expect, it } from 'vitest';
import { LAYER_CASES, STACK_CASES } from './cases.js';
import { compile, gradCheck } from './harness.js';

describe.each([...LAYER_CASES, ...STACK_CASES])('gradients of $name', (c) => {
  const { mod } = compile(c.src, { dtype: 'f64' });
  it.each([1, 3])('batch %i: relative error < 1e-6', (batch) => {
    const r = gradCheck(mod, batch, c.loss ? lossOf(c.src) : {});
    expect(r.checked).toBeGreaterThan(0);
    expect(r.maxRel, r.worst).toBeLessThan(1e-6);
  });
});

const convCases = [...LAYER_CASES, ...STACK_CASES].filter((c) => /\bconv\b/.test(c.src));

describe.each(convCases)('input gradient methods on $name', (c) => {
  it.each(['gather', 'scatter'] as const)('%s: relative error < 1e-6 (batch 2)', (method) => {
    const { mod } = compile(c.src, { dtype: 'f64' }, method);
    const r = gradCheck(mod, 2, c.loss ? lossOf(c.src) : {});
    expect(r.maxRel, r.worst).toBeLessThan(1e-6);
  });
});

function lossOf(src: string): { loss?: 'cross_entropy' | 'mse' } {
  const m = /^\s*loss\s+(cross_entropy|mse)/m.exec(src);
  return m ? { loss: m[1] as 'cross_entropy' | 'mse' } : {};
}
