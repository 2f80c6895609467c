// Property tests: random valid networks check clean, with the output shape, parameter count and
// layer count the generator computed from LANGUAGE.md's formulas; and the checker is total.

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { checkProgram } from '../../src/check/check.js';
import { arbCnn } from '../support/arb-cnn.js';
import { buildProgram, type StmtDesc } from './ast-builder.js';
import { check } from './helpers.js';

function agrees(c: { source: string; expectedOutput: number[]; expectedParamCount: number; expectedLayerCount: number }): void {
  const r = check(c.source, 'gen.cnn');
  expect(r.diagnostics, c.source).toEqual([]);
  const net = r.network!;
  expect(net.output, c.source).toEqual(c.expectedOutput);
  expect(net.paramCount, c.source).toBe(c.expectedParamCount);
  expect(net.layers.length, c.source).toBe(c.expectedLayerCount);
  for (let i = 1; i < net.layers.length; i++) expect(net.layers[i]!.input).toEqual(net.layers[i - 1]!.output);
}

describe('random valid networks', () => {
  it('check clean, with the independently computed shapes and totals', () => {
    fc.assert(fc.property(arbCnn(), agrees), { numRuns: 300 });
  });

  it('conv-only stacks (every padding mode, stride and dilation)', () => {
    fc.assert(fc.property(arbCnn({ kinds: ['conv'], head: 'none', maxSteps: 8 }), agrees), { numRuns: 300 });
  });

  it('pooling stacks', () => {
    fc.assert(fc.property(arbCnn({ kinds: ['maxpool', 'avgpool', 'relu'], head: 'none' }), agrees), { numRuns: 200 });
  });

  it('classifiers with repeat blocks', () => {
    fc.assert(
      fc.property(arbCnn({ kinds: ['conv', 'maxpool', 'dense', 'relu', 'dropout', 'softmax'], head: 'classifier' }), agrees),
      { numRuns: 200 },
    );
  });
});

// Arbitrary (mostly invalid) ASTs: any numbers, any kinds, any order. The checker must not throw,
// must produce a network exactly when it reports no error, and every range must lie in the text.
const num = fc.oneof(
  fc.constantFrom('0', '1', '2', '3', '5', '0.5', '1e999', '2147483648', '.5', '7'),
  fc.nat({ max: 40 }).map(String),
);
const size = fc.oneof(num, fc.tuple(num, num).map(([a, b]) => `${a}x${b}`), fc.tuple(num, num, num).map((t) => t.join('x')));
const layerDesc: fc.Arbitrary<StmtDesc> = fc.record(
  {
    layer: fc.constantFrom('conv', 'maxpool', 'avgpool', 'globalavgpool', 'flatten', 'dense', 'relu', 'sigmoid', 'tanh', 'leakyrelu', 'dropout', 'softmax'),
    label: fc.constantFrom('a', 'b', 'conv1', 'relu2'),
    count: num,
    size,
    rate: num,
    options: fc.array(
      fc.oneof(
        fc.tuple(fc.constantFrom('stride', 'dilation', 'pad'), size),
        fc.tuple(fc.constant('pad'), fc.constantFrom('same', 'valid', 'full')),
        fc.constant(['nobias'] as [string]),
      ),
      { maxLength: 3 },
    ),
    act: fc.constantFrom('relu', 'leakyrelu'),
    slope: num,
  },
  { requiredKeys: ['layer'] },
);
const flatStmt: fc.Arbitrary<StmtDesc> = fc.oneof(
  { weight: 6, arbitrary: layerDesc },
  { weight: 1, arbitrary: fc.record({ input: size }) },
  { weight: 1, arbitrary: fc.record({ network: fc.constant('n') }) },
  { weight: 1, arbitrary: fc.record({ loss: fc.constantFrom('mse', 'cross_entropy', 'hinge') }) },
);
const stmtDesc: fc.Memo<StmtDesc> = fc.memo((d) =>
  d <= 1
    ? flatStmt
    : fc.oneof(
        { weight: 4, arbitrary: flatStmt },
        { weight: 1, arbitrary: fc.record({ repeat: num, body: fc.array(stmtDesc(d - 1), { maxLength: 3 }) }) },
      ),
);

describe('any AST', () => {
  it('never throws, and gives a network exactly when there is no error', () => {
    fc.assert(
      fc.property(fc.array(stmtDesc(3), { maxLength: 10 }), (descs) => {
        const { program, text } = buildProgram('any.cnn', descs);
        const r = checkProgram(program);
        const errors = r.diagnostics.filter((d) => d.severity === 'error');
        expect(r.network === undefined).toBe(errors.length > 0);
        for (const d of r.diagnostics) {
          expect(d.range.start.offset).toBeGreaterThanOrEqual(0);
          expect(d.range.end.offset).toBeLessThanOrEqual(text.length);
          expect(d.range.start.offset).toBeLessThanOrEqual(d.range.end.offset);
          expect(d.code).toMatch(/^[a-z0-9]+(-[a-z0-9]+)*$/);
          for (const f of d.fixes ?? []) {
            expect(f.range.start.offset).toBeLessThanOrEqual(f.range.end.offset);
            expect(f.range.end.offset).toBeLessThanOrEqual(text.length);
          }
        }
        if (r.network) expect(Number.isSafeInteger(r.network.paramCount)).toBe(true);
      }),
      { numRuns: 1000 },
    );
  });
});
