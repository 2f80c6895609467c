import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { KEYWORDS } from '../../grammar/index.js';
import { buildAst } from '../../src/ast/index.js';

/** Everything wrong with the result for `text`, as readable strings (empty when all is well). */
function problems(text: string): string[] {
  const r = buildAst(text, 'f.cnn');
  const out: string[] = [];
  if (r.program.file !== 'f.cnn') out.push('file name lost');
  // the expected line and column of every offset, computed independently of LineMap
  const lineOf: number[] = [];
  const colOf: number[] = [];
  let line = 1;
  let col = 1;
  for (let i = 0; i <= text.length; i++) {
    lineOf.push(line);
    colOf.push(col);
    const c = text[i];
    if (c === '\n' || (c === '\r' && text[i + 1] !== '\n')) {
      line++;
      col = 1;
    } else col++;
  }
  let prev = -1;
  for (const d of r.diagnostics) {
    const { start, end } = d.range;
    const name = `${d.code}@${start.offset}-${end.offset}`;
    if (d.code === 'internal-error') out.push(`${name}: ${d.message}`);
    if (d.message.length === 0) out.push(`${name}: empty message`);
    if (start.offset < 0 || end.offset < start.offset || end.offset > text.length) out.push(`${name}: outside the text`);
    for (const p of [start, end]) {
      if (p.line !== lineOf[p.offset] || p.column !== colOf[p.offset]) out.push(`${name}: position ${JSON.stringify(p)}`);
    }
    for (const f of d.fixes ?? []) {
      if (f.range.start.offset < 0 || f.range.end.offset > text.length || f.range.end.offset < f.range.start.offset) {
        out.push(`${name}: fix outside the text`);
      }
    }
    if (start.offset < prev) out.push(`${name}: not sorted`);
    prev = start.offset;
  }
  return out;
}

function checkResult(text: string): void {
  expect(problems(text)).toEqual([]);
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

  it('a valid line after any garbage (without braces) is read, without a diagnostic on it', () => {
    const words = WORDS.filter((w) => w !== '{' && w !== '}');
    const garbage = fc.array(fc.constantFrom(...words), { maxLength: 40 }).map((ws) => ws.join(' '));
    fc.assert(fc.property(garbage, (g) => {
      const text = `${g}\nout: dense 10 relu\n`;
      const r = buildAst(text, 'f.cnn');
      const last = r.program.statements[r.program.statements.length - 1];
      expect(last).toMatchObject({ kind: 'layer', layer: 'dense', label: { name: 'out' }, count: { value: 10 }, activation: { kind: 'relu' } });
      const lastLine = text.split(/\r\n|\r|\n/).length - 1;
      expect(r.diagnostics.filter((d) => d.range.end.line >= lastLine && d.range.end.offset > last!.range.start.offset)).toEqual([]);
    }), { numRuns: 300 });
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
