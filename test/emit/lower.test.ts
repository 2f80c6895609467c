// lower(): parameter layout, fusion, buffers, interior/border geometry and the input-gradient
// method, on checked networks.

import { describe, expect, it } from 'vitest';
import { checkSource } from '../../src/check/index.js';
import { errorPadGeometry, inputPadGeometry, windowGeometry } from '../../src/lower/geometry.js';
import { lower } from '../../src/lower/index.js';
import type { Network } from '../../src/network.js';

function network(src: string): Network {
  const r = checkSource(src, 'lower.cnn');
  if (!r.network) throw new Error(r.diagnostics.map((d) => d.message).join('\n'));
  return r.network;
}

describe('lower', () => {
  const net = network('input 2x8x8\nc: conv 4 3x3 pad 1 relu\nmaxpool 2\nflatten\ndropout 0.5\nd: dense 3 nobias\nsigmoid\nsoftmax\n');
  const lowered = lower(net, { unroll: 'auto' });

  it('lays parameters out weight then bias, in file order', () => {
    expect(lowered.params.map((p) => [p.name, p.offset, p.size])).toEqual([
      ['c.weight', 0, 72],
      ['c.bias', 72, 4],
      ['d.weight', 76, 192],
    ]);
    expect(lowered.paramCount).toBe(net.paramCount);
  });

  it('fuses an activation into the conv or dense before it; flatten emits nothing', () => {
    expect(lowered.steps.map((s) => [s.kind, s.fused?.kind ?? '-', s.forwardFn ?? '-'])).toEqual([
      ['conv', 'relu', 'c_fwd'],
      ['maxpool', '-', 'maxpool1_fwd'],
      ['flatten', '-', '-'],
      ['dropout', '-', 'dropout1_fwd'],
      ['dense', 'sigmoid', 'd_fwd'],
      ['softmax', '-', 'softmax1_fwd'],
    ]);
    const flatten = lowered.steps[2]!;
    expect(flatten.y).toBe(flatten.x);
    expect(flatten.dx).toBe(flatten.dy);
  });

  it('gives each output its buffer and alternates gradients, in place where element-wise', () => {
    const [conv, pool, , dropout, dense, softmax] = lowered.steps;
    expect(softmax!.dy).toBe('g0');
    expect(softmax!.dx).toBe('g0');
    expect(dense!.dy).toBe('g0');
    expect(dense!.dx).toBe('g1');
    expect(dropout!.dx).toBe(dropout!.dy);
    expect(pool!.dy).not.toBe(pool!.dx);
    expect(conv!.dy).toBe(pool!.dx);
    expect(lowered.inputGrad).toBe(conv!.dx);
    expect(dropout!.mask).toBeDefined();
    expect(pool!.argmax).toBeDefined();
    const byName = new Map(lowered.buffers.map((b) => [b.name, b]));
    expect(byName.get(pool!.argmax!)!.int32).toBe(true);
    expect(byName.get('s0')?.batched).toBe(false);
    expect(new Set(lowered.buffers.map((b) => b.name)).size).toBe(lowered.buffers.length);
  });

  it('records the unroll mode and keeps every estimate within its budget', () => {
    for (const unroll of ['auto', 'max'] as const) {
      const l = lower(net, { unroll });
      expect(l.unroll).toBe(unroll);
      for (const s of l.steps) expect(Math.max(s.estimate.forward, s.estimate.backward, s.estimate.inputGrad ?? 0)).toBeLessThanOrEqual(l.budget);
    }
  });
});

describe('geometry', () => {
  it('splits padded positions from the interior', () => {
    const layer = network('input 1x6x7\nconv 1 3x3 pad 1\n').layers[0]!;
    const g = windowGeometry(layer);
    expect(g.inner).toEqual({ y0: 1, y1: 5, x0: 1, x1: 6 });
    expect(g.edges).toHaveLength(4);
    const area = g.edges.reduce((a, r) => a + (r.y1 - r.y0) * (r.x1 - r.x0), 0);
    expect(area + 4 * 5).toBe(6 * 7);
  });

  it('has no border for a valid convolution, and no interior when the window is all padding', () => {
    expect(windowGeometry(network('input 1x6x6\nconv 1 3x3\n').layers[0]!).edges).toEqual([]);
    const wide = windowGeometry(network('input 1x2x2\nconv 1 3x3 pad full\n').layers[0]!);
    expect(wide.edges).toEqual([{ y0: 0, y1: 4, x0: 0, x1: 4 }]);
  });

  it('pads the input by P and the stride-1 error map by D*(K-1) - P, so the gather gives back H x W', () => {
    const g = windowGeometry(network('input 3x9x7\nconv 2 5x3 pad 1x0 dilation 2x1\n').layers[0]!);
    expect(inputPadGeometry(g)).toMatchObject({ channels: 3, top: 1, left: 0, rows: 11, cols: 7, plane: 77 });
    const e = errorPadGeometry(g)!;
    expect(e).toMatchObject({ channels: 2, h: g.oh, w: g.ow, top: 2 * 4 - 1, left: 2 });
    expect(e.rows - 2 * 4).toBe(9);
    expect(e.cols - 2).toBe(7);
    expect(inputPadGeometry(windowGeometry(network('input 1x6x6\nconv 1 3x3\n').layers[0]!))).toBeUndefined();
    expect(errorPadGeometry(windowGeometry(network('input 1x6x6\nconv 1 3x3 pad full\n').layers[0]!))).toBeUndefined();
  });

  it('computes a conv whose window covers its whole input as a dense layer', () => {
    const c5 = lower(network('input 16x5x5\nconv 120 5x5\n'), { unroll: 'auto' }).steps[0]!;
    expect(c5.kind).toBe('conv');
    expect(c5.plan).toMatchObject({ kind: 'dense', inputs: 400, units: 120, fromConv: true });
    const direct = lower(network('input 16x5x5\nconv 120 5x5\n'), { unroll: 'auto', noConvAsDense: true }).steps[0]!;
    expect(direct.plan.kind).toBe('conv');
  });

  it('scatters the input gradient for strides, sparse error maps and small outputs; gathers otherwise', () => {
    const method = (src: string): string | undefined => {
      const plan = lower(network(src), { unroll: 'auto' }).steps[0]!.plan;
      return plan.kind === 'conv' ? plan.inputGrad.method : undefined;
    };
    expect(method('input 4x8x8\nconv 4 3x3 pad 1\n')).toBe('gather');
    expect(method('input 4x8x8\nconv 4 3x3 pad 1 relu\nmaxpool 2\n')).toBe('scatter');
    expect(method('input 4x8x8\nconv 4 3x3 stride 2\n')).toBe('scatter');
    expect(method('input 4x6x6\nconv 4 4x4\n')).toBe('scatter');
    const pooled = lower(network('input 4x8x8\nconv 4 3x3 pad 1 relu\nmaxpool 2\n'), { unroll: 'auto' }).steps[0]!.plan;
    expect(pooled.kind === 'conv' && pooled.density).toBe(0.25);
  });
});
