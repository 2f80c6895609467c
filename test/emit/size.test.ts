// The size model (src/lower/estimate.ts) against V8: every emitted function's real bytecode is at
// most its estimate, every estimate is within the mode's budget, and no function of the largest
// examples comes near TurboFan's 60 KB limit.

import { existsSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { compileSourceSync } from '../../src/compile.js';
import { BUDGETS, TURBOFAN_LIMIT } from '../../src/lower/index.js';
import type { LoweredNet, UnrollMode } from '../../src/lower/types.js';
import { bytecodeSizes } from './bytecode.js';

const example = (name: string): string | undefined => {
  const path = new URL(`../../examples/${name}.cnn`, import.meta.url);
  return existsSync(path) ? readFileSync(path, 'utf8') : undefined;
};

const SOURCES: Record<string, string | undefined> = {
  lenet5: example('lenet5'),
  alexnet: example('alexnet'),
  vgg16: example('vgg16'),
  factorised: example('factorised'),
  kernels: [
    'input 64x20x20',
    'conv 64 3x3 pad 1 relu',
    'conv 32 3x3 stride 2 pad 1',
    'conv 16 7x7 dilation 2 pad same',
    'avgpool 3 stride 2 pad 1',
    'conv 8 5x5 pad 1 tanh',
    'maxpool 3 stride 1 pad 1',
    'dense 10',
    '',
  ].join('\n'),
  large: 'input 3x40x40\nconv 8 11x11 stride 4 pad 2\nconv 4 2x2 stride 3\nconv 16 1x1 sigmoid\n',
};

function lowered(src: string, unroll: UnrollMode): { net: LoweredNet; code: string } {
  const r = compileSourceSync(src, 'size.cnn', { unroll, exposeLayers: true });
  if (r.code === undefined || r.lowered === undefined) throw new Error(r.diagnostics.map((d) => d.message).join('\n'));
  return { net: r.lowered, code: r.code };
}

const named = Object.entries(SOURCES).filter((e): e is [string, string] => e[1] !== undefined);

// plain loops (none) are small everywhere: checked on two networks only, to keep the test quick
const modes = (name: string): UnrollMode[] => (name === 'lenet5' || name === 'kernels' ? ['none', 'auto', 'max'] : ['auto', 'max']);

describe.each(named)('%s', (name, src) => {
  it.each(modes(name))('%s: real bytecode <= estimate <= budget <= 60 KB', (unroll) => {
    const { net, code } = lowered(src, unroll);
    const sizes = bytecodeSizes(code);
    for (const s of net.steps) {
      if (!s.forwardFn || !s.backwardFn) continue;
      const fns: (readonly [string, number])[] = [
        [s.forwardFn, s.estimate.forward],
        [s.backwardFn, s.estimate.backward],
      ];
      if (s.inputGradFn) fns.push([s.inputGradFn, s.estimate.inputGrad ?? 0]);
      for (const [fn, estimate] of fns) {
        const real = sizes.get(fn);
        expect(real, `${fn} was not compiled`).toBeDefined();
        expect(real!, `${fn}: real ${real} vs estimate ${estimate}`).toBeLessThanOrEqual(estimate);
        if (unroll !== 'none') expect(estimate, fn).toBeLessThanOrEqual(BUDGETS[unroll]);
        expect(real!, fn).toBeLessThan(TURBOFAN_LIMIT);
      }
    }
    // the drivers and API functions too
    for (const [fn, real] of sizes) expect(real, fn).toBeLessThan(TURBOFAN_LIMIT);
  });
});

describe('the size model reacts to what is unrolled', () => {
  it('max unrolls more than auto, which unrolls more than none', () => {
    const src = SOURCES.kernels!;
    const total = (u: UnrollMode): number =>
      lowered(src, u).net.steps.reduce((a, s) => a + s.estimate.forward + s.estimate.backward, 0);
    expect(total('none')).toBeLessThan(total('auto'));
    expect(total('auto')).toBeLessThan(total('max'));
  });

  it('a window too large to unroll within the budget falls back to one kernel row, then to plain loops', () => {
    const row = lowered('input 2x60x60\nconv 2 29x29\n', 'auto').net.steps[0]!.plan;
    expect(row.kind === 'conv' && row.forward.unroll).toBe('row');
    const { net } = lowered('input 1x4x240\nconv 2 3x200\n', 'auto');
    const plan = net.steps[0]!.plan;
    expect(plan.kind).toBe('conv');
    if (plan.kind !== 'conv') return;
    expect(plan.forward.unroll).toBe('none');
    expect(plan.weightGrad.unroll).toBe('none');
    for (const s of net.steps) expect(s.estimate.forward).toBeLessThanOrEqual(BUDGETS.auto);
  });
});
