import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { KEYWORDS } from '../../grammar/index.js';
import { buildAst } from '../../src/ast/index.js';
import type { Diagnostic } from '../../src/diagnostics.js';

function checkResult(text: string): void {
  const r = buildAst(text, 'f.cnn');
  expect(r.program.file).toBe('f.cnn');
  for (const d of r.diagnostics) checkDiagnostic(text, d);
  const offsets = r.diagnostics.map((d) => d.range.start.offset);
  expect(offsets).toEqual([...offsets].sort((a, b) => a - b));
}

function checkDiagnostic(text: string, d: Diagnostic): void {
  expect(d.code).not.toBe('internal-error');
  expect(d.message.length).toBeGreaterThan(0);
  const { start, end } = d.range;
  expect(start.offset).toBeGreaterThanOrEqual(0);
  expect(end.offset).toBeGreaterThanOrEqual(start.offset);
  expect(end.offset).toBeLessThanOrEqual(text.length);
  for (const p of [start, end]) {
    // line and column agree with the offset
    const before = text.slice(0, p.offset);
    const lines = before.split(/\r\n|\r|\n/);
    expect(p.line).toBe(lines.length);
    expect(p.column).toBe(lines[lines.length - 1]!.length + 1);
  }
  for (const f of d.fixes ?? []) {
    expect(f.range.start.offset).toBeGreaterThanOrEqual(0);
    expect(f.range.end.offset).toBeLessThanOrEqual(text.length);
    expect(f.range.end.offset).toBeGreaterThanOrEqual(f.range.start.offset);
  }
}

const WORDS = [
  ...KEYWORDS, 'cross_entropy', 'mse', 'c1', 'x', 'X', 'Conv', 'convv', 'residual',
  '0', '5', '32', '0.5', '.5', '1e-2', '5x5', '1x28x28', '5x', '5.', '1.2.3', '5X5',
  ':', '{', '}', '#', '# note', '@', '-', ',', '\u00d7', '\u0000', '\ud800', ' ', '\t', '\n', '\r\n', '\r',
];

describe('never throws, every range inside the text', () => {
  it('random strings of any characters', () => {
    fc.assert(fc.property(fc.string({ unit: 'binary', maxLength: 200 }), checkResult), { numRuns: 300 });
  });

  it('random bytes read as latin-1 text', () => {
    fc.assert(fc.property(fc.uint8Array({ maxLength: 300 }), (bytes) => checkResult(String.fromCharCode(...bytes))),
      { numRuns: 300 });
  });

  it('random soup of the language\'s own tokens', () => {
    const soup = fc.array(fc.constantFrom(...WORDS), { maxLength: 60 }).map((ws) => ws.join(' '));
    fc.assert(fc.property(soup, checkResult), { numRuns: 400 });
  });

  it('random lines of nearly valid statements', () => {
    const line = fc.tuple(
      fc.constantFrom('', 'c1: ', 'x ', 'conv: '),
      fc.constantFrom('conv', 'maxpool', 'dense', 'dropout', 'leakyrelu', 'repeat', 'input', 'network', 'loss', 'relu', '}', '{'),
      fc.array(fc.constantFrom('6', '5x5', '5 x 5', 'stride', '2', 'pad', 'same', 'nobias', 'relu', 'leakyrelu', '0.2', '{', 'dense', 'strid', '5x'), { maxLength: 6 }),
    ).map(([l, k, args]) => `${l}${k} ${args.join(' ')}`);
    fc.assert(fc.property(fc.array(line, { maxLength: 20 }).map((ls) => ls.join('\n')), checkResult), { numRuns: 300 });
  });
});
