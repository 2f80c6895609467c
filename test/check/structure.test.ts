// network / input / loss statements, layer names, repeat expansion, and the element limits.

import { describe, expect, it } from 'vitest';
import { MAX_EXPANDED_LAYERS, networkNameFromFile } from '../../src/check/index.js';
import { applyFix, check, codes, only, src, textAt, where } from './helpers.js';

describe('network name', () => {
  it('comes from `network NAME`, else from the file name', () => {
    expect(check(src('network net', 'input 4', 'relu'), 'x/y.cnn').network!.name).toBe('net');
    expect(check(src('input 4', 'relu'), 'models/my-model.cnn').network!.name).toBe('my_model');
  });

  it.each([
    ['my-model.cnn', 'my_model'],
    ['/a/b.c/lenet.v2.cnn', 'lenet_v2'],
    ['C:\\nets\\res net.cnn', 'res_net'],
    ['3layers.cnn', '_3layers'],
    ['<input>', 'model'],
    ['.cnn', '_cnn'],
    ['', 'model'],
  ])('%s -> %s', (file, name) => {
    expect(networkNameFromFile(file)).toBe(name);
  });

  it('must be first and once', () => {
    const r = check(src('input 4', 'network a', 'network b', 'relu'));
    expect(r.diagnostics.map((d) => [d.code, d.message])).toEqual([
      ['network-not-first', '`network` must be the first statement'],
      ['duplicate-network', 'network is named twice; the first is on line 2'],
    ]);
  });
});

describe('input', () => {
  it('is required, pointing at the first layer', () => {
    const text = src('network n', 'conv 4 3', 'relu');
    const d = only(check(text), 'missing-input');
    expect(where(d)).toEqual([2, 1, 2, 9]);
  });

  it('is given once', () => {
    const text = src('input 4', 'input 5', 'relu');
    const d = only(check(text), 'duplicate-input');
    expect(d.message).toBe('input is given twice; the first is on line 1');
    expect(where(d)[0]).toBe(2);
  });

  it('comes before every layer', () => {
    const r = check(src('repeat 2 {', '  c: relu', '}', 'input 4'));
    expect(only(r, 'input-after-layer').message).toBe('input must come before every layer, but c_1 on line 2 comes first');
  });

  it('needs a layer after it', () => {
    expect(codes(check(src('input 4')))).toEqual(['no-layers']);
    expect(codes(check(''))).toEqual(['missing-input', 'no-layers']);
  });
});

describe('loss', () => {
  it('knows cross_entropy and mse', () => {
    expect(check(src('input 4', 'dense 2', 'softmax', 'loss cross_entropy')).network!.loss).toBe('cross_entropy');
    expect(check(src('input 4', 'dense 2', 'loss mse')).network!.loss).toBe('mse');
    expect(check(src('input 4', 'dense 2')).network!.loss).toBeUndefined();
  });

  it('suggests the nearest loss', () => {
    const text = src('input 4', 'dense 2', 'softmax', 'loss crossentropy');
    const d = only(check(text), 'unknown-loss');
    expect(d.message).toBe('unknown loss `crossentropy`; did you mean `cross_entropy`?');
    expect(textAt(text, d)).toBe('crossentropy');
    expect(check(applyFix(text, d)).diagnostics).toEqual([]);
    expect(only(check(src('input 4', 'dense 2', 'loss l2')), 'unknown-loss').message).toContain('did you mean `mse`?');
    expect(only(check(src('input 4', 'dense 2', 'loss hinge')), 'unknown-loss').message).toBe(
      'unknown loss `hinge`; the losses are `cross_entropy` and `mse`',
    );
  });

  it('cross_entropy needs a final softmax', () => {
    const text = src('input 4', 'out: dense 2', 'loss cross_entropy');
    const d = only(check(text), 'loss-needs-softmax');
    expect(d.message).toBe('loss cross_entropy needs softmax as the last layer, but the last layer is out (dense)');
    expect(check(applyFix(text, d)).diagnostics).toEqual([]);
  });

  it('comes once, after the last layer', () => {
    const r = check(src('input 4', 'dense 2', 'loss mse', 'relu', 'loss mse'));
    expect(r.diagnostics.map((d) => [d.code, d.message])).toEqual([
      ['loss-not-last', 'loss must come after the last layer, but relu1 on line 4 follows it'],
      ['duplicate-loss', 'loss is given twice; the first is on line 3'],
    ]);
  });
});

describe('names', () => {
  it('counts every layer of a kind, named or not, after expansion', () => {
    const net = check(
      src('input 1x16x16', 'a: conv 2 3 relu', 'conv 2 3', 'repeat 2 {', '  conv 2 3 relu', '  b: conv 2 1', '}', 'conv 2 1', 'flatten'),
    ).network!;
    expect(net.layers.map((l) => l.name)).toEqual([
      'a', 'relu1', 'conv2', 'conv3', 'relu2', 'b_1', 'conv5', 'relu3', 'b_2', 'conv7', 'flatten1',
    ]);
  });

  it('suffixes nested repeats outermost first', () => {
    const net = check(src('input 4', 'repeat 2 {', '  repeat 3 {', '    x: relu', '    dropout 0.1', '  }', '}')).network!;
    expect(net.layers.filter((l) => l.spec.kind === 'relu').map((l) => l.name)).toEqual([
      'x_1_1', 'x_1_2', 'x_1_3', 'x_2_1', 'x_2_2', 'x_2_3',
    ]);
    expect(net.layers.length).toBe(12);
  });

  it('rejects a name used twice, pointing at the second', () => {
    const text = src('input 4', 'f: dense 4', 'f: dense 4');
    const d = only(check(text), 'duplicate-name');
    expect(d.message).toBe('f: the name f is already used by the layer on line 2');
    expect(where(d)).toEqual([3, 1, 3, 2]);
  });

  it('explains a clash with a default name', () => {
    const text = src('input 4', 'dense2: dense 4', 'dense 4');
    const d = only(check(text), 'duplicate-name');
    expect(d.message).toBe(
      'dense2: this dense is named dense2 by default, but the layer on line 2 already has that name; give one of them a name of its own',
    );
    expect(textAt(text, d)).toBe('dense');
  });
});

describe('repeat', () => {
  it('expands its body N times', () => {
    const net = check(src('input 1x32x32', 'repeat 3 {', '  conv 4 3 pad same relu', '  maxpool 2', '}', 'flatten')).network!;
    expect(net.output).toEqual([64]);
    expect(net.layers.length).toBe(10);
    expect(net.paramCount).toBe(4 * 9 + 4 + 2 * (4 * 4 * 9 + 4));
  });

  it('stops at 100,000 layers, pointing at the count', () => {
    const text = src('input 4', 'repeat 60000 {', '  relu', '  dropout 0.1', '}', 'dense 2');
    const d = only(check(text), 'repeat-too-large');
    expect(d.message).toBe('repeat 60000 expands to 120,000 layers; a network may have at most 100,000');
    expect(textAt(text, d)).toBe('60000');
    expect(MAX_EXPANDED_LAYERS).toBe(100_000);
  });

  it('counts layers before it against the limit', () => {
    const r = check(src('input 4', 'repeat 60000 {', '  relu', '}', 'repeat 50000 {', '  dropout 0.1', '}'));
    expect(only(r, 'repeat-too-large').message).toBe(
      'repeat 50000 expands to 50,000 layers; with the 60,000 before it, that passes the limit of 100,000',
    );
  });

  it('expands 100,000 layers quickly', () => {
    const t0 = performance.now();
    const r = check(src('input 4', 'repeat 50000 {', '  dense 4 relu', '}'));
    expect(performance.now() - t0).toBeLessThan(5000);
    expect(r.network!.layers.length).toBe(100_000);
  });

  it('still validates the body of a repeat it cannot expand, once', () => {
    const r = check(src('input 4', 'repeat 0 {', '  dense 0', '  dense 0', '}'));
    expect(codes(r)).toEqual(['not-positive', 'not-positive', 'not-positive']);
  });

  it('reports a problem of a repeated statement once, for the first repetition', () => {
    const r = check(src('input 1x6x6', 'repeat 4 {', '  blk: conv 1 3', '}'));
    expect(r.diagnostics.map((d) => d.message)).toEqual(['blk_3: conv 3x3 does not fit the 2x2 input of blk_3 (padding 0)']);
  });

  it('warns about an empty repeat', () => {
    const r = check(src('input 4', 'repeat 3 {', '}', 'relu'));
    expect(only(r, 'empty-repeat').severity).toBe('warning');
  });

  it('does not call the repeats cut off by too-deep empty, but still the closed empty one before them', () => {
    const deep = Array.from({ length: 100 }, () => 'repeat 2 {');
    const r = check(src('input 4', 'repeat 3 {', '}', ...deep, 'relu', ...deep.map(() => '}')));
    expect(codes(r)).toEqual(['empty-repeat', 'too-deep']);
    expect(where(only(r, 'empty-repeat'))).toEqual([2, 1, 2, 9]);
    const cut = r.program!.statements.filter((s) => s.kind === 'repeat');
    expect(cut.map((s) => s.kind === 'repeat' && s.truncated)).toEqual([undefined, true]);
  });
});

describe('element limits', () => {
  it('stops at 2^31 parameters, at the layer that passes it', () => {
    const text = src('input 50000', 'dense 40000', 'd2: dense 50000');
    const d = only(check(text), 'too-many-params');
    expect(d.message).toBe(
      'd2: the parameters pass 2^31 = 2,147,483,648 elements here: 4,000,090,000 in total, 2,000,050,000 of them in d2',
    );
    expect(textAt(text, d)).toBe('50000');
  });

  it('stops at 2^31 activations for one sample', () => {
    const d = only(check(src('input 1x30000x30000', 'conv 3 1')), 'too-many-activations');
    expect(d.message).toBe(
      'conv1: the activations of one sample pass 2^31 = 2,147,483,648 elements here: 3,600,000,000 in total, ' +
        '2,700,000,000 of them in the 3x30000x30000 output of conv1',
    );
    expect(only(check(src('input 3x100000x100000', 'relu')), 'too-many-activations').message).toBe(
      'input: the input 3x100000x100000 has 30,000,000,000 elements, more than 2^31 = 2,147,483,648',
    );
  });

  it('accepts exactly 2^31 parameters', () => {
    // 32768 x 65535 weights + 32768 biases = 32768 * 65536 = 2^31
    const r = check(src('input 65535', 'dense 32768'));
    expect(r.network!.paramCount).toBe(2 ** 31);
  });
});
