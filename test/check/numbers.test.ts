// Numbers: integers where integers are required, positive counts and sizes, caps, rates, slopes.

import { describe, expect, it } from 'vitest';
import { applyFix, check, codes, only, src, textAt } from './helpers.js';

describe('integers', () => {
  it.each([
    ['conv 6.5 3', '6.5', 'conv1: the filter count must be a whole number, got 6.5'],
    ['dense 1e1', '1e1', 'dense1: the unit count must be a whole number, got 1e1'],
  ])('%s', (layer, at, message) => {
    const text = src('input 1x8x8', layer);
    const d = only(check(text), 'not-integer');
    expect(d.message).toBe(message);
    expect(textAt(text, d)).toBe(at);
  });

  it('offers the integer when the value is one', () => {
    const text = src('input 1x8x8', 'dense 10.0');
    const d = only(check(text), 'not-integer');
    expect(applyFix(text, d)).toBe(src('input 1x8x8', 'dense 10'));
    expect(only(check(src('input 1x8x8', 'dense 2.5')), 'not-integer').fixes).toBeUndefined();
  });

  it('wants an integer repeat count', () => {
    const text = src('input 4', 'repeat 2.5 {', '  relu', '}');
    const d = only(check(text), 'not-integer');
    expect(d.message).toBe('the repeat count must be a whole number, got 2.5');
  });
});

describe('positive', () => {
  it.each([
    ['conv 0 3', '0', 'conv1: the filter count must be at least 1, got 0'],
    ['conv 4 0x3', '0', 'conv1: the kernel size must be at least 1, got 0'],
    ['conv 4 3 stride 0', '0', 'conv1: the stride must be at least 1, got 0'],
    ['conv 4 3 dilation 1x0', '0', 'conv1: the dilation must be at least 1, got 0'],
    ['maxpool 0', '0', 'maxpool1: the window size must be at least 1, got 0'],
    ['dense 0', '0', 'dense1: the unit count must be at least 1, got 0'],
  ])('%s', (layer, at, message) => {
    const text = src('input 1x8x8', layer);
    const d = only(check(text), 'not-positive');
    expect(d.message).toBe(message);
    expect(textAt(text, d)).toBe(at);
  });

  it('covers input sizes and repeat counts', () => {
    expect(only(check(src('input 0x8x8', 'relu')), 'not-positive').message).toBe('input: the input size must be at least 1, got 0');
    const r = check(src('input 4', 'repeat 0 {', '  relu', '}'));
    expect(only(r, 'not-positive').message).toBe('the repeat count must be at least 1, got 0');
  });
});

describe('caps', () => {
  it('caps integers at 2^31 - 1', () => {
    const text = src('input 4', 'dense 2147483648');
    const d = only(check(text), 'integer-too-large');
    expect(d.message).toBe('dense1: the unit count 2147483648 is too large; the largest accepted is 2,147,483,647');
    expect(codes(check(src('input 4', 'dense 99999999999999999999999999999999999999')))).toEqual(['integer-too-large']);
  });

  it('finishes instantly on absurd sizes', () => {
    const t0 = performance.now();
    const r = check(src('input 3x100000x100000', 'conv 64 3x3 pad same', 'repeat 1000000000 {', '  conv 64 3 pad same', '}', 'dense 2000000000'));
    expect(performance.now() - t0).toBeLessThan(1000);
    expect(codes(r)).toEqual(['too-many-activations', 'repeat-too-large']);
  });
});

describe('rates and slopes', () => {
  it.each(['1', '1.0', '1.5', '2'])('dropout %s is out of range', (rate) => {
    const text = src('input 4', `dropout ${rate}`);
    const d = only(check(text), 'dropout-rate');
    expect(d.message).toBe(`dropout1: the dropout rate must be at least 0 and below 1, got ${rate}`);
    expect(textAt(text, d)).toBe(rate);
  });

  it.each(['0', '0.0', '.5', '0.999', '1e-2'])('dropout %s is fine', (rate) => {
    const r = check(src('input 4', `dropout ${rate}`));
    expect(r.diagnostics).toEqual([]);
    expect(r.network!.layers[0]!.spec).toEqual({ kind: 'dropout', rate: Number(rate) });
  });

  it('wants a finite leakyrelu slope, on its own line or trailing', () => {
    const text = src('input 4', 'leakyrelu 1e999', 'dense 3 leakyrelu 2e400');
    const r = check(text);
    expect(r.diagnostics.map((d) => [d.code, d.message, textAt(text, d)])).toEqual([
      ['slope-not-finite', 'leakyrelu1: the leakyrelu slope must be a finite number, got 1e999', '1e999'],
      ['slope-not-finite', 'leakyrelu2: the leakyrelu slope must be a finite number, got 2e400', '2e400'],
    ]);
  });

  it('defaults the slope to 0.01', () => {
    const net = check(src('input 4', 'leakyrelu', 'dense 3 leakyrelu 0.2')).network!;
    expect(net.layers.map((l) => l.spec)).toEqual([
      { kind: 'leakyrelu', slope: 0.01 },
      { kind: 'dense', units: 3, bias: true },
      { kind: 'leakyrelu', slope: 0.2 },
    ]);
  });
});
