// Layer order: vectors vs feature maps, softmax last, and the reviewer's warnings.

import { describe, expect, it } from 'vitest';
import { applyFix, check, codes, only, src, textAt } from './helpers.js';

describe('vectors and feature maps', () => {
  it('rejects a spatial layer after the data became a vector, saying where', () => {
    const text = src('input 1x8x8', 'flatten', 'c: conv 4 3');
    const d = only(check(text), 'spatial-after-vector');
    expect(d.message).toBe('c: conv needs a CxHxW input, but its input is the vector 64 (a vector since flatten1 on line 2)');
    expect(textAt(text, d)).toBe('conv');
    expect(only(check(src('input 784', 'maxpool 2')), 'spatial-after-vector').message).toBe(
      'maxpool1: maxpool needs a CxHxW input, but its input is the vector 784 (a vector since the input on line 1)',
    );
    expect(codes(check(src('input 1x8x8', 'dense 4', 'globalavgpool')))).toEqual(['spatial-after-vector']);
  });

  it('flattens before dense: dense on CxHxW takes C*H*W inputs', () => {
    const net = check(src('input 2x3x4', 'dense 5')).network!;
    expect(net.layers[0]!.params.map((p) => p.shape)).toEqual([[5, 24], [5]]);
    expect(net.layers[0]!.macs).toBe(120);
  });

  it('warns about flatten on a vector', () => {
    const r = check(src('input 1x8x8', 'dense 4', 'flatten'));
    expect(only(r, 'flatten-on-vector').message).toBe('flatten1: the input is already the vector 4; this flatten does nothing');
    expect(r.network!.output).toEqual([4]);
  });

  it('wants softmax on a vector, with a fix that flattens', () => {
    const text = src('input 3x1x1', 'conv 10 1', '  softmax');
    const d = only(check(text), 'needs-vector');
    expect(d.message).toBe('softmax1: softmax works on a vector, but its input is 10x1x1; flatten it first');
    expect(applyFix(text, d)).toBe(src('input 3x1x1', 'conv 10 1', '  flatten', '  softmax'));
    expect(check(applyFix(text, d)).diagnostics).toEqual([]);
  });

  it('warns about a softmax over one value', () => {
    expect(only(check(src('input 4', 'dense 1', 'softmax')), 'softmax-of-one').severity).toBe('warning');
  });
});

describe('softmax last', () => {
  it('rejects a softmax with layers after it', () => {
    const text = src('input 4', 'dense 3', 'softmax', 'out: dense 3');
    const d = only(check(text), 'softmax-not-last');
    expect(d.message).toBe('softmax1: softmax must be the last layer, but out comes after it');
    expect(textAt(text, d)).toBe('softmax');
  });

  it('counts repetitions: a repeated softmax is not last', () => {
    expect(codes(check(src('input 4', 'repeat 2 {', '  dense 3', '  softmax', '}')))).toEqual(['softmax-not-last']);
  });
});

describe("reviewer's warnings", () => {
  it('two activations in a row, also after a trailing activation', () => {
    const text = src('input 4', 'dense 4 relu', 'tanh');
    const d = only(check(text), 'double-activation');
    expect(d.message).toBe('tanh1: two activations in a row, relu1 (relu) then tanh1 (tanh)');
    expect(textAt(text, d)).toBe('tanh');
    expect(check(src('input 4', 'relu', 'dropout 0.5', 'relu')).diagnostics).toEqual([]);
  });

  it('two activations across repetitions', () => {
    expect(codes(check(src('input 4', 'repeat 3 {', '  relu', '}')))).toEqual(['double-activation']);
  });

  it('dropout right before softmax', () => {
    const text = src('input 4', 'dense 3', 'dropout 0.5', 'softmax');
    const d = only(check(text), 'dropout-before-softmax');
    expect(d.message).toBe('dropout1: dropout right before softmax zeroes class scores at random; put it before the last dense layer');
    expect(textAt(text, d)).toBe('dropout');
  });

  it('an activation right before softmax', () => {
    const text = src('input 4', 'out: dense 3 relu', 'softmax');
    const d = only(check(text), 'activation-before-softmax');
    expect(d.message).toBe(
      "relu1: relu right before softmax squashes the class scores; softmax normally takes a dense layer's output directly",
    );
    expect(textAt(text, d)).toBe('relu');
  });

  it('a hidden dense layer narrower than the output', () => {
    const text = src('input 1x8x8', 'h: dense 5 relu', 'dense 64 relu', 'out: dense 10', 'softmax');
    const r = check(text);
    const d = only(r, 'dense-bottleneck');
    expect(d.message).toBe('h: dense 5 has fewer units than the 10 classes that follow it; the output is squeezed through 5 values');
    expect(textAt(text, d)).toBe('5');
    expect(r.network).toBeDefined();
    expect(check(src('input 4', 'dense 10', 'dense 10', 'dense 3')).diagnostics).toEqual([]);
  });
});
