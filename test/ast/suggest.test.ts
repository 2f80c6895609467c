import { describe, expect, it } from 'vitest';
import { KEYWORDS } from '../../grammar/index.js';
import { editDistance, LineMap, suggest } from '../../src/ast/index.js';

describe('did you mean', () => {
  it('edit distance counts an adjacent swap as one edit', () => {
    expect(editDistance('conv', 'conv')).toBe(0);
    expect(editDistance('convv', 'conv')).toBe(1);
    expect(editDistance('cnov', 'conv')).toBe(1);
    expect(editDistance('', 'relu')).toBe(4);
    expect(editDistance('kitten', 'sitting')).toBe(3);
  });

  it('suggests the nearest keyword only when it is close', () => {
    expect(suggest('convv', KEYWORDS)).toBe('conv');
    expect(suggest('maxpol', KEYWORDS)).toBe('maxpool');
    expect(suggest('flaten', KEYWORDS)).toBe('flatten');
    expect(suggest('Dense', KEYWORDS)).toBe('dense');
    expect(suggest('sofmax', KEYWORDS)).toBe('softmax');
    expect(suggest('globalavgpol', KEYWORDS)).toBe('globalavgpool');
    expect(suggest('banana', KEYWORDS)).toBeUndefined();
    expect(suggest('x', KEYWORDS)).toBeUndefined();
  });

  it('knows the words of other frameworks', () => {
    expect(suggest('linear', KEYWORDS)).toBe('dense');
    expect(suggest('Conv2d', KEYWORDS)).toBe('conv');
    expect(suggest('MaxPool2d', KEYWORDS)).toBe('maxpool');
    expect(suggest('padding', KEYWORDS)).toBe('pad');
    // an alias is only offered when its target is a candidate
    expect(suggest('linear', ['conv'])).toBeUndefined();
  });
});

describe('line map', () => {
  it('counts \\n, \\r\\n and a lone \\r as line ends', () => {
    const m = new LineMap('ab\ncd\r\nef\rg');
    expect(m.position(0)).toEqual({ line: 1, column: 1, offset: 0 });
    expect(m.position(2)).toEqual({ line: 1, column: 3, offset: 2 });
    expect(m.position(3)).toEqual({ line: 2, column: 1, offset: 3 });
    expect(m.position(7)).toEqual({ line: 3, column: 1, offset: 7 });
    expect(m.position(10)).toEqual({ line: 4, column: 1, offset: 10 });
    expect(m.position(11)).toEqual({ line: 4, column: 2, offset: 11 });
  });

  it('clamps offsets outside the text', () => {
    const m = new LineMap('abc');
    expect(m.position(99).offset).toBe(3);
    expect(m.position(-1).offset).toBe(0);
    expect(m.range(2, 1)).toEqual({ start: m.position(2), end: m.position(2) });
  });
});
