// conv, maxpool, avgpool: output sizes, fit errors with their fixes, pad same/full, uneven windows.

import { describe, expect, it } from 'vitest';
import { applyFix, check, codes, only, src, textAt, where } from './helpers.js';

describe('output sizes', () => {
  it.each([
    ['conv 4 3x3', '1x8x8', [4, 6, 6]],
    ['conv 4 3x3 pad 1', '1x8x8', [4, 8, 8]],
    ['conv 4 3x3 pad same', '1x8x8', [4, 8, 8]],
    ['conv 4 3x3 pad full', '1x8x8', [4, 10, 10]],
    ['conv 4 3x3 pad valid', '1x8x8', [4, 6, 6]],
    ['conv 4 3x3 dilation 2', '1x9x9', [4, 5, 5]],
    ['conv 4 3x3 dilation 2 pad same', '1x9x9', [4, 9, 9]],
    ['conv 4 3x3 dilation 2 pad full', '1x9x9', [4, 13, 13]],
    ['conv 4 3x3 stride 2 pad 1', '1x9x9', [4, 5, 5]],
    ['conv 4 7x1 pad 3x0', '2x10x6', [4, 10, 6]],
    ['conv 4 3x5 stride 1x2 dilation 2x1 pad 2x1', '3x10x11', [4, 10, 5]],
    ['maxpool 2', '3x8x8', [3, 4, 4]],
    ['maxpool 3 stride 1 pad same', '3x8x8', [3, 8, 8]],
    ['avgpool 3 stride 2 pad 1', '3x9x9', [3, 5, 5]],
    ['avgpool 2x1', '3x8x8', [3, 4, 8]],
    ['globalavgpool', '3x8x8', [3]],
  ])('%s on %s -> %j', (layer, input, out) => {
    const r = check(src(`input ${input}`, layer));
    expect(r.diagnostics).toEqual([]);
    expect(r.network!.output).toEqual(out);
  });

  it('reads input 28x28 as 1x28x28 and input 784 as a vector', () => {
    expect(check(src('input 28x28', 'relu')).network!.input).toEqual([1, 28, 28]);
    expect(check(src('input 784', 'relu')).network!.input).toEqual([784]);
    expect(check(src('input 3x4x5', 'relu')).network!.input).toEqual([3, 4, 5]);
  });

  it('records the resolved padding and its mode', () => {
    const spec = (layer: string) => check(src('input 1x9x9', layer)).network!.layers[0]!.spec;
    expect(spec('conv 1 3x3 dilation 2 pad same')).toMatchObject({ pad: [2, 2], padMode: 'same' });
    expect(spec('conv 1 3x5 pad full')).toMatchObject({ pad: [2, 4], padMode: 'full' });
    expect(spec('conv 1 3x3 pad 1x0')).toMatchObject({ pad: [1, 0], padMode: 'explicit' });
    expect(spec('conv 1 3x3 nobias')).toMatchObject({ pad: [0, 0], padMode: 'valid', bias: false });
    expect(spec('maxpool 3 stride 1 pad full')).toEqual({ kind: 'maxpool', kernel: [3, 3], stride: [1, 1], pad: [2, 2] });
  });

  it('drops the bias with nobias', () => {
    const net = check(src('input 2x5x5', 'conv 3 3x3 nobias', 'dense 4 nobias')).network!;
    expect(net.layers.map((l) => l.params.map((p) => p.name))).toEqual([['conv1.weight'], ['dense1.weight']]);
    expect(net.paramCount).toBe(3 * 2 * 9 + 4 * 27);
  });
});

describe('window-too-large', () => {
  const text = src('input 1x12x12', 'c1: conv 6 5x5', 'maxpool 2', 'c3: conv 16 5x5');

  it('names the layer with the numbers and points at the kernel size', () => {
    const r = check(text);
    const d = only(r, 'window-too-large');
    expect(d.severity).toBe('error');
    expect(d.message).toBe('c3: conv 5x5 does not fit the 4x4 input of c3 (padding 0)');
    expect(textAt(text, d)).toBe('5x5');
    expect(where(d)).toEqual([4, 13, 4, 16]);
    expect(r.network).toBeUndefined();
  });

  it('offers a kernel that fits and a padding that keeps the size', () => {
    const d = only(check(text), 'window-too-large');
    expect(d.fixes!.map((f) => f.title)).toEqual(['shrink the kernel to 4x4', 'pad 2 keeps 4x4']);
    const smaller = check(applyFix(text, d, 0));
    expect(smaller.diagnostics).toEqual([]);
    expect(smaller.network!.output).toEqual([16, 1, 1]);
    const padded = check(applyFix(text, d, 1));
    expect(padded.diagnostics).toEqual([]);
    expect(padded.network!.output).toEqual([16, 4, 4]);
  });

  it('replaces an existing pad, and suggests the least padding when no padding keeps the size', () => {
    const t = src('input 1x3x3', 'conv 1 4x4 pad valid');
    const d = only(check(t), 'window-too-large');
    expect(d.fixes!.map((f) => f.title)).toEqual(['shrink the kernel to 3x3', 'pad 1 makes it fit (output 2x2)']);
    expect(applyFix(t, d, 1)).toBe(src('input 1x3x3', 'conv 1 4x4 pad 1'));
    expect(check(applyFix(t, d, 1)).diagnostics).toEqual([]);
  });

  it('explains dilation and asymmetric padding', () => {
    const d = only(check(src('input 1x6x6', 'conv 2 3x3 dilation 3 pad 1x0')), 'window-too-large');
    expect(d.message).toBe('conv1: conv 3x3 with dilation 3 (7x7 effective) does not fit the 6x6 input of conv1 (padding 1x0)');
  });

  it('covers pooling windows', () => {
    const d = only(check(src('input 3x1x1', 's1: maxpool 2')), 'window-too-large');
    expect(d.message).toBe('s1: maxpool 2x2 does not fit the 1x1 input of s1 (padding 0)');
    expect(d.fixes![0]!.title).toBe('shrink the window to 1x1');
  });

  it('reports once and stops shaping: no cascade after it', () => {
    const r = check(src('input 1x4x4', 'conv 1 5x5', 'conv 1 9x9', 'maxpool 7'));
    expect(codes(r)).toEqual(['window-too-large']);
  });
});

describe('pad same and pad size', () => {
  it('needs stride 1, pointing at the stride and offering the explicit padding', () => {
    const text = src('input 1x8x8', 'conv 4 3x3 stride 2 pad same');
    const d = only(check(text), 'same-needs-stride-1');
    expect(d.message).toBe('conv1: pad same needs stride 1, but the stride is 2');
    expect(textAt(text, d)).toBe('2');
    expect(check(applyFix(text, d)).network!.output).toEqual([4, 4, 4]);
  });

  it('explains that a pool stride defaults to its window', () => {
    const text = src('input 1x8x8', 'maxpool 3 pad same');
    const d = only(check(text), 'same-needs-stride-1');
    expect(d.message).toBe("maxpool1: pad same needs stride 1, but the stride is 3 (a window's stride defaults to its size)");
    expect(textAt(text, d)).toBe('same');
  });

  it('needs an odd effective kernel', () => {
    const text = src('input 1x8x8', 'conv 4 4x3 pad same');
    const d = only(check(text), 'same-needs-odd-kernel');
    expect(d.message).toBe('conv1: pad same needs an odd kernel, but 4x3 is even');
    expect(textAt(text, d)).toBe('4x3');
    expect(d.fixes![0]!.replacement).toBe('5x3');
    // with an even dilation every effective kernel is odd
    expect(check(src('input 1x8x8', 'conv 4 4 dilation 2 pad same')).network!.output).toEqual([4, 8, 8]);
  });

  it('rejects a padding as large as the window', () => {
    const text = src('input 1x8x8', 'maxpool 2 pad 2', 'conv 1 3 dilation 2 pad 5x1');
    const r = check(text);
    expect(r.diagnostics.map((d) => [d.code, d.message, textAt(text, d)])).toEqual([
      ['pad-too-large', 'maxpool1: padding 2 is not smaller than the 2x2 window of maxpool1', '2'],
      ['pad-too-large', 'conv1: padding 5x1 is not smaller than the 5x5 kernel of conv1', '5x1'],
    ]);
  });
});

describe('uneven-window', () => {
  it('shows the formula and the unread rows and columns', () => {
    const text = src('input 1x28x28', 'c1: conv 6 5x5 stride 2');
    const r = check(text);
    const d = only(r, 'uneven-window');
    expect(d.severity).toBe('warning');
    expect(d.message).toBe('c1: (28 - 5 + 2*0)/2 + 1 = 12.5; the last 1 row and 1 column of the input are never read');
    expect(textAt(text, d)).toBe('2');
    expect(r.network!.output).toEqual([6, 12, 12]);
  });

  it('reports each axis on its own when they differ', () => {
    const text = src('input 1x28x29', 'c1: conv 6 5x5 stride 3x2');
    const msgs = check(text).diagnostics.map((d) => d.message);
    expect(msgs).toEqual([
      'c1: (28 - 5 + 2*0)/3 + 1 = 8.67; the last 2 rows of the input are never read',
    ]);
    const t2 = src('input 1x27x28', 'c1: conv 6 5x5 stride 2');
    expect(check(t2).diagnostics.map((d) => d.message)).toEqual([
      'c1: (28 - 5 + 2*0)/2 + 1 = 12.5; the last 1 column of the input is never read',
    ]);
  });

  it('points at the size for a pool whose stride is its window, and ignores unread padding', () => {
    const text = src('input 1x5x5', 'maxpool 2');
    const d = only(check(text), 'uneven-window');
    expect(d.message).toBe('maxpool1: (5 - 2 + 2*0)/2 + 1 = 2.5; the last 1 row and 1 column of the input are never read');
    expect(textAt(text, d)).toBe('2');
    // (5 + 2 - 2) mod 2 = 1 cell unread, and it is padding: nothing to report
    expect(check(src('input 1x5x5', 'maxpool 2 pad 1')).diagnostics).toEqual([]);
  });

  it('is not reported for an overlapping pool that divides evenly', () => {
    expect(check(src('input 1x9x9', 'maxpool 3 stride 2')).diagnostics).toEqual([]);
  });
});

describe('window-too-large fixes (property)', () => {
  it('every fix makes the layer fit', async () => {
    const fc = (await import('fast-check')).default;
    const layer = fc.record({
      side: fc.integer({ min: 1, max: 12 }),
      k: fc.tuple(fc.integer({ min: 1, max: 15 }), fc.integer({ min: 1, max: 15 })),
      s: fc.integer({ min: 1, max: 3 }),
      d: fc.integer({ min: 1, max: 3 }),
      p: fc.constantFrom('', ' pad valid', ' pad 1', ' pad 0x2'),
      pool: fc.boolean(),
    });
    fc.assert(
      fc.property(layer, ({ side, k, s, d, p, pool }) => {
        const body = pool ? `maxpool ${k[0]}x${k[1]} stride ${s}${p}` : `conv 2 ${k[0]}x${k[1]} stride ${s} dilation ${d}${p}`;
        const text = src(`input 1x${side}x${side}`, body);
        const r = check(text);
        const d0 = r.diagnostics.find((x) => x.code === 'window-too-large');
        if (d0 === undefined) return;
        expect(d0.fixes!.length).toBeGreaterThanOrEqual(1);
        for (let i = 0; i < d0.fixes!.length; i++) {
          const fixed = check(applyFix(text, d0, i));
          expect(codes(fixed).filter((c) => c === 'window-too-large' || c === 'pad-too-large'), applyFix(text, d0, i)).toEqual([]);
        }
      }),
      { numRuns: 2000 },
    );
  });
});
