import { describe, expect, it } from 'vitest';
import { KEYWORDS, LOSS_FUNCTIONS, parseCnn } from '../../grammar/index.js';

/** `Kind:image` for every token except the final line break. */
function lex(text: string): string[] {
  const out = parseCnn(text);
  return out.tokens.filter((t) => t.image !== '').map((t) => `${t.tokenType.name}:${t.image}`);
}

describe('lexer', () => {
  it('reads integers, decimals and exponents as NumberLit', () => {
    expect(lex('32 0.5 .5 1e-2 2E3 1.5e+4')).toEqual([
      'NumberLit:32', 'NumberLit:0.5', 'NumberLit:.5', 'NumberLit:1e-2', 'NumberLit:2E3', 'NumberLit:1.5e+4',
    ]);
  });

  it('reads a minus sign as part of a number (the checker judges negative values)', () => {
    expect(lex('-1 -0.5 -.5 - 1')).toEqual(['NumberLit:-1', 'NumberLit:-0.5', 'NumberLit:-.5', 'NumberLit:1']);
    expect(parseCnn('- 1').lexErrors).toHaveLength(1);
  });

  it('reads sizes and shapes bound by x as one Dims token', () => {
    expect(lex('5x5 7x1 1x28x28')).toEqual(['Dims:5x5', 'Dims:7x1', 'Dims:1x28x28']);
  });

  it('keeps `5 x 5` apart (the AST builder reports it) and makes malformed numbers one token', () => {
    expect(lex('5 x 5')).toEqual(['NumberLit:5', 'Ident:x', 'NumberLit:5']);
    expect(lex('5x 5X5 5. 1.2.3 3px 5x5x .')).toEqual([
      'BadNumeric:5x', 'BadNumeric:5X5', 'BadNumeric:5.', 'BadNumeric:1.2.3',
      'BadNumeric:3px', 'BadNumeric:5x5x', 'BadNumeric:.',
    ]);
  });

  it('tells keywords from names, and names that start with a keyword', () => {
    expect(lex('conv conv2 convv Conv _x a_1 leakyrelu relu6')).toEqual([
      'Conv:conv', 'Ident:conv2', 'Ident:convv', 'Ident:Conv', 'Ident:_x', 'Ident:a_1', 'LeakyRelu:leakyrelu', 'Ident:relu6',
    ]);
    for (const k of KEYWORDS) expect(lex(k)).toHaveLength(1);
    for (const k of KEYWORDS) expect(lex(k)[0]!.startsWith('Ident:')).toBe(false);
  });

  it('reads loss functions as names, checked later', () => {
    for (const f of LOSS_FUNCTIONS) expect(lex(f)).toEqual([`Ident:${f}`]);
  });

  it('makes line breaks tokens and puts comments in their own group', () => {
    const out = parseCnn('conv 6 5x5 # six\r\n\n  # alone\rrelu');
    expect(out.tokens.map((t) => t.tokenType.name)).toEqual([
      'Conv', 'NumberLit', 'Dims', 'Newline', 'Newline', 'Newline', 'Relu', 'Newline',
    ]);
    expect(out.tokens[3]!.image).toBe('\r\n');
    expect(out.comments.map((c) => [c.image, c.startOffset])).toEqual([['# six', 11], ['# alone', 21]]);
    // the text has no final line break: a zero-width one is added at its end
    const last = out.tokens[out.tokens.length - 1]!;
    expect([last.image, last.startOffset]).toEqual(['', 33]);
  });

  it('reports characters outside the language and goes on', () => {
    const out = parseCnn('conv @@ 6 $ 5x5');
    expect(out.lexErrors.map((e) => [e.offset, e.length])).toEqual([[5, 2], [10, 1]]);
    expect(out.tokens.map((t) => t.image)).toEqual(['conv', '6', '5x5', '']);
  });
});
