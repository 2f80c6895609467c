// The reference interpreter on hand-computed examples, one per rule of LANGUAGE.md that finite
// differences cannot see (they only check backward against forward) and that deserves a number
// worked out by hand rather than by a second implementation.

import { describe, expect, it } from 'vitest';
import { buildNetwork, type LayerDesc, type NetDesc } from '../support/net.js';
import { backwardRef, forwardRef, lossAndGradRef, lossRef } from './interpreter.js';

const run = (net: NetDesc, params: number[], input: number[], batch = 1) =>
  forwardRef(buildNetwork(net), params, input, batch, { training: false });
const one = (input: NetDesc['input'], layer: LayerDesc): NetDesc => ({ input, layers: [layer] });
const iota = (n: number, from = 1) => Array.from({ length: n }, (_, i) => i + from);

describe('reference semantics, by hand', () => {
  it('conv is cross-correlation (the kernel is not flipped), plus bias', () => {
    // input 1..9 as 3x3; kernel [[1,0],[0,0]] picks the window's top-left cell
    const out = run(one([1, 3, 3], { kind: 'conv', filters: 1, kernel: 2 }), [1, 0, 0, 0, 10], iota(9)).output;
    expect([...out]).toEqual([11, 12, 14, 15]);
  });

  it('conv: weights [out][in][kh][kw], stride, padding and dilation per axis', () => {
    // 2 input channels, kernel 1x2 with dilation 1x2: taps at columns c and c+2; weights in1 = 1, in2 = 100
    const net = one([2, 2, 4], { kind: 'conv', filters: 1, kernel: [1, 2], dilation: [1, 2], bias: false });
    const input = [...iota(8), ...iota(8, 11)]; // ch0: 1..8, ch1: 11..18
    const out = run(net, [1, 0, 0, 100], input).output; // w[0][0] = [1, 0], w[0][1] = [0, 100]
    // out[r][c] = ch0[r][c] + 100 * ch1[r][c+2]
    expect([...out]).toEqual([1 + 1300, 2 + 1400, 5 + 1700, 6 + 1800]);
    // kernel 2x1 (weights 1, 10), pad 1x0, stride 2x1 on [[1,2],[3,4]]: (2 + 2 - 2)/2 + 1 = 2 rows;
    // window rows (-1, 0) then (1, 2), row -1 and row 2 being zero padding
    const padded = run(one([1, 2, 2], { kind: 'conv', filters: 1, kernel: [2, 1], pad: [1, 0], stride: [2, 1] }), [1, 10, 0], [1, 2, 3, 4]);
    expect([...padded.output]).toEqual([10, 20, 3, 4]);
  });

  it('maxpool pads with minus infinity and sends the gradient to the first maximum', () => {
    const net = buildNetwork(one([1, 2, 2], { kind: 'maxpool', kernel: 2, stride: 2, pad: 1 }));
    const input = [-1, -2, -3, -4];
    const fwd = forwardRef(net, [], input, 1, { training: false });
    expect([...fwd.output]).toEqual([-1, -2, -3, -4]); // each window holds one real cell
    const ties = buildNetwork(one([1, 2, 3], { kind: 'maxpool', kernel: [2, 3] }));
    const f2 = forwardRef(ties, [], [1, 5, 5, 5, 0, 5], 1, { training: true });
    expect([...f2.output]).toEqual([5]);
    expect([...backwardRef(ties, f2, [7]).dInput]).toEqual([0, 7, 0, 0, 0, 0]);
  });

  it('avgpool divides by the whole window, padding included', () => {
    const net = buildNetwork(one([1, 2, 2], { kind: 'avgpool', kernel: 2, stride: 2, pad: 1 }));
    const fwd = forwardRef(net, [], [4, 8, 12, 16], 1, { training: true });
    expect([...fwd.output]).toEqual([1, 2, 3, 4]);
    expect([...backwardRef(net, fwd, [4, 4, 4, 4]).dInput]).toEqual([1, 1, 1, 1]);
  });

  it('globalavgpool, flatten and dense read C,H,W order', () => {
    expect([...run(one([2, 1, 2], { kind: 'globalavgpool' }), [], [1, 3, 10, 20]).output]).toEqual([2, 15]);
    // dense 1 unit whose weight is 1 at flat index 5 = (c=1, h=0, w=1) of a 2x2x2 input
    const w = [0, 0, 0, 0, 0, 1, 0, 0, 0.5];
    expect([...run(one([2, 2, 2], { kind: 'dense', units: 1 }), w, iota(8)).output]).toEqual([6.5]);
  });

  it('activations: relu, leakyrelu (default slope 0.01), sigmoid, tanh', () => {
    const x = [-2, 0.5];
    expect([...run(one([2], { kind: 'relu' }), [], x).output]).toEqual([0, 0.5]);
    expect([...run(one([2], { kind: 'leakyrelu' }), [], x).output]).toEqual([-0.02, 0.5]);
    expect([...run(one([2], { kind: 'leakyrelu', slope: 0.2 }), [], x).output]).toEqual([-0.4, 0.5]);
    expect(run(one([2], { kind: 'sigmoid' }), [], x).output[0]).toBeCloseTo(1 / (1 + Math.exp(2)), 15);
    expect(run(one([2], { kind: 'tanh' }), [], x).output[1]).toBeCloseTo(Math.tanh(0.5), 15);
  });

  it('dropout is inverted: scaled by 1/(1-rate) in training, identity in inference', () => {
    const net = buildNetwork(one([4], { kind: 'dropout', rate: 0.75 }));
    expect([...forwardRef(net, [], [1, 2, 3, 4], 1, { training: false }).output]).toEqual([1, 2, 3, 4]);
    const mask = Float64Array.from([1, 0, 0, 1]);
    const fwd = forwardRef(net, [], [1, 2, 3, 4], 1, { training: true, dropoutMasks: [mask] });
    expect([...fwd.output]).toEqual([4, 0, 0, 16]);
    expect([...backwardRef(net, fwd, [1, 1, 1, 1]).dInput]).toEqual([4, 0, 0, 4]);
    expect(() => forwardRef(net, [], [1, 2, 3, 4], 1, { training: true })).toThrow(/mask/);
  });

  it('softmax, cross_entropy (mean over the batch) and its gradient (p - t)/B at the softmax input', () => {
    const net = buildNetwork({ input: [3], layers: [{ kind: 'softmax' }], loss: 'cross_entropy' });
    const x = [1, 2, 3, 0, 0, 0];
    const p = forwardRef(net, [], x, 2, { training: false }).output;
    const e = [Math.exp(1), Math.exp(2), Math.exp(3)];
    const s = e[0]! + e[1]! + e[2]!;
    expect(p[0]).toBeCloseTo(e[0]! / s, 15);
    expect(p[4]).toBeCloseTo(1 / 3, 15);
    const t = [0, 0, 1, 1, 0, 0];
    const g = lossAndGradRef(net, [], x, t, 2);
    expect(g.loss).toBeCloseTo(-(Math.log(e[2]! / s) + Math.log(1 / 3)) / 2, 14);
    expect(g.dInput[2]).toBeCloseTo((e[2]! / s - 1) / 2, 15);
    expect(g.dInput[4]).toBeCloseTo(1 / 6, 15);
  });

  it('mse is (1/B) sum (y - t)^2 / 2', () => {
    expect(lossRef('mse', [1, 2, 3, 4], [0, 0, 0, 0], 2)).toBe((1 + 4 + 9 + 16) / 2 / 2);
  });

  it('LeNet-5 of LANGUAGE.md has 61,706 parameters', () => {
    const net = buildNetwork({
      input: [1, 32, 32],
      layers: [
        { name: 'c1', kind: 'conv', filters: 6, kernel: 5 }, { kind: 'relu' }, { name: 's2', kind: 'maxpool', kernel: 2 },
        { name: 'c3', kind: 'conv', filters: 16, kernel: 5 }, { kind: 'relu' }, { name: 's4', kind: 'maxpool', kernel: 2 },
        { name: 'c5', kind: 'conv', filters: 120, kernel: 5 }, { kind: 'relu' }, { kind: 'flatten' },
        { name: 'f6', kind: 'dense', units: 84 }, { kind: 'relu' }, { name: 'out', kind: 'dense', units: 10 }, { kind: 'softmax' },
      ],
      loss: 'cross_entropy',
    });
    expect(net.paramCount).toBe(61706);
    expect(net.layers.map((l) => l.output.join('x'))).toEqual([
      '6x28x28', '6x28x28', '6x14x14', '16x10x10', '16x10x10', '16x5x5', '120x1x1', '120x1x1', '120', '84', '84', '10', '10',
    ]);
  });
});
