// LeNet-5 from LANGUAGE.md: 61,706 parameters, every shape, name, parameter tensor and MAC count.

import { describe, expect, it } from 'vitest';
import { check, src } from './helpers.js';

export const LENET = src(
  '# LeNet-5 (LeCun et al., 1998), with ReLU and max pooling',
  'network lenet5',
  'input 1x32x32',
  '',
  'c1: conv 6 5x5 relu          # -> 6x28x28',
  's2: maxpool 2x2              # -> 6x14x14   (stride defaults to the window)',
  'c3: conv 16 5x5 relu         # -> 16x10x10',
  's4: maxpool 2x2              # -> 16x5x5',
  'c5: conv 120 5x5 relu        # -> 120x1x1',
  'flatten                      # -> 120',
  'f6: dense 84 relu            # -> 84',
  'out: dense 10                # -> 10',
  'softmax',
  '',
  'loss cross_entropy',
);

describe('LeNet-5', () => {
  const r = check(LENET, 'examples/lenet-5.cnn');
  const net = r.network!;

  it('checks clean', () => {
    expect(r.diagnostics).toEqual([]);
    expect(net).toBeDefined();
  });

  it('has 61,706 parameters: 156 + 2,416 + 48,120 + 10,164 + 850', () => {
    expect(net.paramCount).toBe(61_706);
    const perLayer = net.layers.filter((l) => l.params.length > 0).map((l) => l.params.reduce((n, p) => n + p.size, 0));
    expect(perLayer).toEqual([156, 2_416, 48_120, 10_164, 850]);
  });

  it('names, shapes and MACs every layer', () => {
    expect(net.name).toBe('lenet5');
    expect(net.file).toBe('examples/lenet-5.cnn');
    expect(net.input).toEqual([1, 32, 32]);
    expect(net.output).toEqual([10]);
    expect(net.loss).toBe('cross_entropy');
    expect(net.layers.map((l) => [l.name, l.output.join('x'), l.macs])).toEqual([
      ['c1', '6x28x28', 6 * 28 * 28 * 25],
      ['relu1', '6x28x28', 0],
      ['s2', '6x14x14', 0],
      ['c3', '16x10x10', 16 * 10 * 10 * 6 * 25],
      ['relu2', '16x10x10', 0],
      ['s4', '16x5x5', 0],
      ['c5', '120x1x1', 120 * 16 * 25],
      ['relu3', '120x1x1', 0],
      ['flatten1', '120', 0],
      ['f6', '84', 120 * 84],
      ['relu4', '84', 0],
      ['out', '10', 840],
      ['softmax1', '10', 0],
    ]);
    for (let i = 1; i < net.layers.length; i++) expect(net.layers[i]!.input).toEqual(net.layers[i - 1]!.output);
  });

  it('gives PyTorch-shaped parameter tensors, weight then bias', () => {
    expect(net.layers.flatMap((l) => l.params.map((p) => `${p.name} ${p.shape.join('x')} ${p.size}`))).toEqual([
      'c1.weight 6x1x5x5 150',
      'c1.bias 6 6',
      'c3.weight 16x6x5x5 2400',
      'c3.bias 16 16',
      'c5.weight 120x16x5x5 48000',
      'c5.bias 120 120',
      'f6.weight 84x120 10080',
      'f6.bias 84 84',
      'out.weight 10x84 840',
      'out.bias 10 10',
    ]);
  });

  it('resolves specs with defaults filled in', () => {
    expect(net.layers[0]!.spec).toEqual({
      kind: 'conv', filters: 6, kernel: [5, 5], stride: [1, 1], pad: [0, 0], padMode: 'valid', dilation: [1, 1], bias: true,
    });
    expect(net.layers[2]!.spec).toEqual({ kind: 'maxpool', kernel: [2, 2], stride: [2, 2], pad: [0, 0] });
    expect(net.layers[9]!.spec).toEqual({ kind: 'dense', units: 84, bias: true });
  });

  it('gives a trailing activation the statement range of its conv', () => {
    expect(net.layers[1]!.range).toEqual(net.layers[0]!.range);
    expect(net.layers[0]!.range.start.line).toBe(5);
  });
});
