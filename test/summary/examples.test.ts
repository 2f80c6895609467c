// The summary totals of every example, exactly, and recomputed here from the checked network's
// shapes by the definitions in README ("What summary counts"): so a change to either the counting
// or an example shows up.

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { checkSource } from '../../src/check/index.js';
import type { Network } from '../../src/network.js';
import { summarize, type SummaryTotals } from '../../src/summary/index.js';

const dir = join(import.meta.dirname, '..', '..', 'examples');

const TOTALS: Record<string, SummaryTotals> = {
  'lenet5.cnn': {
    params: 61_706, paramBytes: 246_824, forwardMacs: 416_520, backwardMacs: 833_040, trainingMacs: 1_249_560,
    keptActivations: 15_636,
    trainingMemory: { activations: 62_544, params: 246_824, gradients: 246_824, total: 556_192 },
  },
  'mnist-cnn.cnn': {
    params: 3_274_634, paramBytes: 13_098_536, forwardMacs: 13_883_904, backwardMacs: 27_767_808,
    trainingMacs: 41_651_712, keptActivations: 88_548,
    trainingMemory: { activations: 354_192, params: 13_098_536, gradients: 13_098_536, total: 26_551_264 },
  },
  'factorised.cnn': {
    params: 75_530, paramBytes: 302_120, forwardMacs: 8_749_696, backwardMacs: 17_499_392, trainingMacs: 26_249_088,
    keptActivations: 162_964,
    trainingMemory: { activations: 651_856, params: 302_120, gradients: 302_120, total: 1_256_096 },
  },
  'alexnet.cnn': {
    params: 62_378_344, paramBytes: 249_513_376, forwardMacs: 1_135_256_096, backwardMacs: 2_270_512_192,
    trainingMacs: 3_405_768_288, keptActivations: 1_603_787,
    trainingMemory: { activations: 6_415_148, params: 249_513_376, gradients: 249_513_376, total: 505_441_900 },
  },
  'vgg16.cnn': {
    params: 138_357_544, paramBytes: 553_430_176, forwardMacs: 15_470_264_320, backwardMacs: 30_940_528_640,
    trainingMacs: 46_410_792_960, keptActivations: 28_802_512,
    trainingMemory: { activations: 115_210_048, params: 553_430_176, gradients: 553_430_176, total: 1_222_070_400 },
  },
};

const size = (shape: readonly number[]): number => shape.reduce((a, b) => a * b, 1);

/** The totals from the definitions, layer by layer, without src/summary. */
function recount(net: Network): SummaryTotals {
  let params = 0;
  let macs = 0;
  let kept = size(net.input);
  for (const l of net.layers) {
    for (const p of l.params) params += size(p.shape);
    if (l.spec.kind === 'conv') macs += size(l.output) * l.input[0]! * l.spec.kernel[0] * l.spec.kernel[1];
    if (l.spec.kind === 'dense') macs += l.spec.units * size(l.input);
    if (l.spec.kind !== 'flatten') kept += size(l.output);
  }
  const bytes = 4 * params;
  return {
    params, paramBytes: bytes, forwardMacs: macs, backwardMacs: 2 * macs, trainingMacs: 3 * macs,
    keptActivations: kept,
    trainingMemory: { activations: 4 * kept, params: bytes, gradients: bytes, total: 4 * kept + 2 * bytes },
  };
}

describe('example summaries', () => {
  for (const [name, totals] of Object.entries(TOTALS)) {
    it(`${name}: every total`, () => {
      const { network, diagnostics } = checkSource(readFileSync(join(dir, name), 'utf8'), name);
      expect(diagnostics).toEqual([]);
      const s = summarize(network!);
      expect(s.totals).toEqual(totals);
      expect(recount(network!)).toEqual(totals);
      expect(s.layers.reduce((n, l) => n + l.params, 0)).toBe(totals.params);
      expect(s.layers.reduce((n, l) => n + l.forwardMacs, 0)).toBe(totals.forwardMacs);
    });
  }
});
