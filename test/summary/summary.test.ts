import { describe, expect, it } from 'vitest';
import {
  binaryBytes,
  describeLayer,
  formatSummaryJson,
  formatSummaryText,
  siUnits,
  summarize,
  thousands,
} from '../../src/summary/index.js';
import { buildNetwork, lenet5 } from './build.js';

describe('summarize', () => {
  it('counts LeNet-5 exactly', () => {
    const s = summarize(lenet5());
    expect(s.layers.map((l) => [l.name, l.params])).toEqual([
      ['c1', 156], ['relu1', 0], ['s2', 0], ['c3', 2416], ['relu2', 0], ['s4', 0], ['c5', 48120],
      ['relu3', 0], ['flatten1', 0], ['f6', 10164], ['relu4', 0], ['out', 850], ['softmax1', 0],
    ]);
    expect(s.totals.params).toBe(61706);
    expect(s.totals.paramBytes).toBe(246824);
    // 6*28*28*25 + 16*10*10*150 + 120*400 + 84*120 + 10*84
    expect(s.totals.forwardMacs).toBe(117600 + 240000 + 48000 + 10080 + 840);
    expect(s.totals.backwardMacs).toBe(2 * 416520);
    expect(s.totals.trainingMacs).toBe(3 * 416520);
  });

  it('keeps the input and every output but flatten for backward', () => {
    const s = summarize(lenet5());
    // input 1,024; c1, relu1 4,704 each; s2 1,176; c3, relu2 1,600 each; s4 400; c5, relu3 120 each;
    // f6, relu4 84 each; out, softmax 10 each
    const kept = 1024 + 2 * 4704 + 1176 + 2 * 1600 + 400 + 2 * 120 + 2 * 84 + 2 * 10;
    expect(s.totals.keptActivations).toBe(kept);
    expect(s.totals.trainingMemory).toEqual({
      activations: kept * 4,
      params: 246824,
      gradients: 246824,
      total: kept * 4 + 2 * 246824,
    });
    expect(s.layers.find((l) => l.name === 'flatten1')?.activations).toBe(120);
  });

  it('reports per-layer shapes, MACs and source lines', () => {
    const s = summarize(lenet5());
    const c3 = s.layers.find((l) => l.name === 'c3')!;
    expect(c3).toMatchObject({
      kind: 'conv', description: 'conv 16 5x5 stride 1 pad 0', input: [6, 14, 14], output: [16, 10, 10],
      forwardMacs: 240000, backwardMacs: 480000, activations: 1600, line: 6,
    });
    expect(s.loss).toBe('cross_entropy');
    expect(s.input).toEqual([1, 32, 32]);
    expect(s.output).toEqual([10]);
  });

  it('sums to the network paramCount on a factorised network', () => {
    const n = buildNetwork('f', [3, 16, 16], [
      { kind: 'conv', name: 'a', filters: 8, k: [1, 7], pad: [0, 3] },
      { kind: 'conv', name: 'b', filters: 8, k: [7, 1], pad: [3, 0] },
      { kind: 'globalavgpool', name: 'gap' },
      { kind: 'dropout', name: 'drop', rate: 0.25 },
      { kind: 'dense', name: 'fc', units: 4 },
    ]);
    const s = summarize(n);
    expect(s.totals.params).toBe(n.paramCount);
    expect(s.totals.params).toBe(8 * 3 * 7 + 8 + 8 * 8 * 7 + 8 + 4 * 8 + 4);
    expect(s.layers.map((l) => l.description)).toEqual([
      'conv 8 1x7 stride 1 pad 0x3',
      'conv 8 7x1 stride 1 pad 3x0',
      'globalavgpool',
      'dropout 0.25',
      'dense 4',
    ]);
  });
});

describe('describeLayer', () => {
  it('writes every option resolved', () => {
    expect(
      describeLayer({
        kind: 'conv', filters: 64, kernel: [3, 3], stride: [2, 1], pad: [2, 2], padMode: 'same',
        dilation: [2, 2], bias: false,
      }),
    ).toBe('conv 64 3x3 stride 2x1 pad 2 dilation 2 nobias');
    expect(describeLayer({ kind: 'maxpool', kernel: [3, 3], stride: [2, 2], pad: [1, 1] })).toBe(
      'maxpool 3x3 stride 2 pad 1',
    );
    expect(describeLayer({ kind: 'avgpool', kernel: [2, 2], stride: [2, 2], pad: [0, 0] })).toBe(
      'avgpool 2x2 stride 2 pad 0',
    );
    expect(describeLayer({ kind: 'dense', units: 10, bias: false })).toBe('dense 10 nobias');
    expect(describeLayer({ kind: 'leakyrelu', slope: 0.01 })).toBe('leakyrelu 0.01');
    expect(describeLayer({ kind: 'dropout', rate: 0.5 })).toBe('dropout 0.5');
    expect(describeLayer({ kind: 'softmax' })).toBe('softmax');
  });
});

describe('number formatting', () => {
  it('groups thousands independent of locale', () => {
    expect(thousands(0)).toBe('0');
    expect(thousands(999)).toBe('999');
    expect(thousands(1000)).toBe('1,000');
    expect(thousands(61706)).toBe('61,706');
    expect(thousands(138357544)).toBe('138,357,544');
    expect(thousands(15470264320)).toBe('15,470,264,320');
  });

  it('uses SI units for counts and binary units for bytes, three digits', () => {
    expect(siUnits(850)).toBe('850');
    expect(siUnits(61706)).toBe('61.7 K');
    expect(siUnits(416520)).toBe('417 K');
    expect(siUnits(999_600)).toBe('1 M');
    expect(siUnits(62378344)).toBe('62.4 M');
    expect(siUnits(138357544)).toBe('138 M');
    expect(binaryBytes(1000)).toBe('1000 B');
    expect(binaryBytes(246824)).toBe('241 KiB');
    expect(binaryBytes(553430176)).toBe('528 MiB');
    expect(binaryBytes(1024)).toBe('1 KiB');
  });
});

describe('formatSummaryText', () => {
  const text = formatSummaryText(summarize(lenet5()));
  const lines = text.split('\n');

  it('prints a header, one row per layer plus the input, and the totals', () => {
    expect(lines[0]).toBe('network lenet5 (lenet5.cnn): input 1x32x32 -> output 10, loss cross_entropy');
    expect(lines[2]).toMatch(/^layer\s+type\s+output\s+params\s+forward MACs\s+activations$/);
    expect(lines[3]).toMatch(/^-+( +-+){5}$/);
    expect(lines[4]).toMatch(/^\(input\)\s+input 1x32x32\s+1x32x32\s+0\s+0\s+1,024$/);
    expect(lines[5]).toMatch(/^c1\s+conv 6 5x5 stride 1 pad 0\s+6x28x28\s+156\s+117,600\s+4,704$/);
    expect(lines.filter((l) => /^(c\d|s\d|relu\d|f6|out|softmax1|flatten1) /.test(l))).toHaveLength(13);
    const tail = lines.slice(lines.indexOf('', 4) + 1);
    expect(tail).toEqual([
      'parameters          61,706    (61.7 K; 241 KiB as float32)',
      'forward MACs       416,520    (417 K, one sample)',
      'training MACs    1,249,560    (1.25 M, one sample: forward + backward, backward = 2 x forward)',
      'training memory    556,192 B  (543 KiB, one sample: kept activations + parameters + gradients)',
      '  activations       62,544 B',
      '  parameters       246,824 B',
      '  gradients        246,824 B',
      '',
    ]);
    expect(text.endsWith('\n')).toBe(true);
  });

  it('right-aligns the number columns', () => {
    const header = lines[2]!;
    const end = header.indexOf('params') + 'params'.length;
    for (const row of lines.slice(4, 18)) expect(row[end - 1]).toMatch(/\d/);
  });
});

describe('formatSummaryJson', () => {
  it('is the Summary itself, plus extra fields', () => {
    const s = summarize(lenet5());
    const parsed = JSON.parse(formatSummaryJson(s, { diagnostics: [] }));
    expect(parsed.totals.params).toBe(61706);
    expect(parsed.layers).toHaveLength(13);
    expect(parsed.diagnostics).toEqual([]);
    expect(parsed).toEqual(JSON.parse(JSON.stringify({ ...s, diagnostics: [] })));
  });
});
