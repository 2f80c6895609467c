// Every example in examples/ checks cleanly and costs what its header says; every model in
// examples/errors/ fails with the codes below, on the lines its `# error:` comments mark.
// The `# -> SHAPE` comments in the examples are checked against the checker's shapes.

import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { checkSource } from '../src/check/index.js';
import { formatShape } from '../src/network.js';
import { summarize } from '../src/summary/index.js';

const dir = join(import.meta.dirname, '..', 'examples');

const EXPECTED: Record<string, { params: number; forwardMacs: number }> = {
  'lenet5.cnn': { params: 61_706, forwardMacs: 416_520 },
  'mnist-cnn.cnn': { params: 3_274_634, forwardMacs: 13_883_904 },
  'alexnet.cnn': { params: 62_378_344, forwardMacs: 1_135_256_096 },
  'vgg16.cnn': { params: 138_357_544, forwardMacs: 15_470_264_320 },
  'factorised.cnn': { params: 75_530, forwardMacs: 8_749_696 },
};

/** Error codes each broken example must produce, exactly (warnings aside). */
const ERRORS: Record<string, string[]> = {
  'kernel-too-big.cnn': ['window-too-large'],
  'typo-keyword.cnn': ['unknown-keyword', 'unknown-keyword'],
  'same-with-stride.cnn': ['same-needs-stride-1'],
  'softmax-not-last.cnn': ['softmax-not-last'],
  'conv-after-dense.cnn': ['spatial-after-vector'],
};

const read = (file: string) => readFileSync(file, 'utf8');

describe('examples', () => {
  const files = readdirSync(dir).filter((f) => f.endsWith('.cnn')).sort();

  it('are the ones listed here', () => {
    expect(files).toEqual(Object.keys(EXPECTED).sort());
  });

  for (const name of files) {
    it(`${name} checks without a diagnostic and has the expected totals`, () => {
      const file = join(dir, name);
      const text = read(file);
      const { network, diagnostics } = checkSource(text, file);
      expect(diagnostics).toEqual([]);
      const s = summarize(network!);
      expect(s.totals.params).toBe(EXPECTED[name]!.params);
      expect(s.totals.params).toBe(network!.paramCount);
      expect(s.totals.forwardMacs).toBe(EXPECTED[name]!.forwardMacs);
      expect(s.totals.trainingMacs).toBe(3 * EXPECTED[name]!.forwardMacs);
    });

    it(`${name}: the shape comments are right`, () => {
      const text = read(join(dir, name));
      const { network } = checkSource(text, name);
      const lines = text.split('\n');
      let checked = 0;
      lines.forEach((line, i) => {
        const m = /#\s*->\s*([0-9x]+)/.exec(line);
        if (!m) return;
        const onLine = network!.layers.filter((l) => l.range.start.line === i + 1);
        const actual = onLine.length > 0 ? onLine[onLine.length - 1]!.output : network!.input;
        expect(`line ${i + 1}: ${formatShape(actual)}`).toBe(`line ${i + 1}: ${m[1]}`);
        checked++;
      });
      expect(checked).toBeGreaterThan(3);
    });
  }
});

describe('examples/errors', () => {
  const errorDir = join(dir, 'errors');
  const files = readdirSync(errorDir).filter((f) => f.endsWith('.cnn')).sort();

  it('are the ones listed here', () => {
    expect(files).toEqual(Object.keys(ERRORS).sort());
  });

  for (const name of files) {
    it(`${name} fails with ${ERRORS[name]!.join(', ')} where its comments say`, () => {
      const text = read(join(errorDir, name));
      const { network, diagnostics } = checkSource(text, name);
      expect(network).toBeUndefined();
      const errors = diagnostics.filter((d) => d.severity === 'error');
      expect(errors.map((d) => d.code)).toEqual(ERRORS[name]);
      const marked = text
        .split('\n')
        .flatMap((line, i) => (/#\s*error:/.test(line) ? [i + 1] : []));
      expect(errors.map((d) => d.range.start.line)).toEqual(marked);
    });
  }
});
