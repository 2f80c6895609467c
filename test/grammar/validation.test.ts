// The shipped lexer and parser skip chevrotain's definition checks (they cost start-up time on every
// `cnnc check`). Here the same definitions are built with every check on: they must pass, and the
// checked instances must read text exactly as the shipped ones do.

import type { IToken } from 'chevrotain';
import { describe, expect, it } from 'vitest';
import { Lexer, LLkLookaheadStrategy } from '../../grammar/chevrotain.js';
import { parseCnn } from '../../grammar/index.js';
import { allTokens, cnnLexer, KEYWORDS, LEXER_CONFIG, lexerTokens, retypeKeywords } from '../../grammar/lexer.js';
import { CnnParser, MAX_LOOKAHEAD } from '../../grammar/parser.js';

const SAMPLE = `network n
input 3x32x32
c1: conv 16 3x3 stride 1 pad same dilation 1 nobias leakyrelu 0.2
repeat 2 {
  maxpool 2 pad valid
  b: conv 8 5x5 pad 2x1 relu   # comment
}
convv 3 5 x 5 @ 1.2.3
dense 10 {
}
}
repeat 2 { relu
  tanh }
}
c2:
softmax
loss cross_entropy
repeat 3 {
  relu`;

/** A parse tree with its tokens written as `Kind:image@offset`. */
const show = (t: IToken): string => `${t.tokenType.name}:${t.image}@${t.startOffset}`;

function dump(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(dump);
  if (typeof value !== 'object' || value === null) return value;
  if ('image' in value) {
    const t = value as IToken;
    return `${t.tokenType.name}:${t.image}@${t.startOffset}`;
  }
  return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, dump(v)]));
}

describe('grammar definitions, checked', () => {
  it('the lexer passes chevrotain\'s token checks and optimizations, and lexes as the shipped one', () => {
    const checked = new Lexer([...lexerTokens], { ...LEXER_CONFIG, skipValidations: false });
    expect(checked.lexerDefinitionErrors).toEqual([]);
    expect((checked as unknown as { lexerDefinitionWarning: unknown[] }).lexerDefinitionWarning).toEqual([]);
    const a = retypeKeywords(checked.tokenize(SAMPLE));
    const b = cnnLexer.tokenize(SAMPLE);
    expect(a.tokens.map(show)).toEqual(b.tokens.map(show));
    expect(a.errors).toEqual(b.errors);
  });

  it('gives each token the start characters its pattern can start with (start_chars_hint)', () => {
    const suffixes = ['', '0', '5', 'x5', '5x5', '.5', 'e5', 'a', '_', ' ', '\n', '\r', '-'];
    const chars = [...Array.from({ length: 0x800 }, (_, i) => i), 0x2028, 0x2029, 0x3000, 0xfeff];
    for (const t of lexerTokens) {
      if (!(t.PATTERN instanceof RegExp)) continue;
      const sticky = new RegExp(t.PATTERN.source, 'y');
      const canStart = chars.filter((c) => suffixes.some((rest) => {
        sticky.lastIndex = 0;
        return sticky.test(String.fromCharCode(c) + rest);
      }));
      const hint = (t.START_CHARS_HINT ?? []).map((h) => (typeof h === 'string' ? h.charCodeAt(0) : h));
      expect([...new Set(hint)].sort((a, b) => a - b), t.name).toEqual(canStart);
    }
  });

  it('reads keywords as a pattern per keyword with `longer_alt: Ident` would', () => {
    // the classic chevrotain definition: every token, keywords included, each with its pattern
    const refLexer = new Lexer([...allTokens], LEXER_CONFIG);
    const words = KEYWORDS.flatMap((w) => [w, `${w}s`, `${w}_`, `_${w}`, `${w}2`, `${w}2d`, w.toUpperCase(), w.slice(0, -1), `x${w}`]);
    const text = `${words.join(' ')}\nc1:conv 6 5x5 pad:same\nconvrelu relu-1 dense10 5xconv stride2x2 #conv\n`;
    const ours = cnnLexer.tokenize(text);
    const ref = refLexer.tokenize(text);
    expect(ours.tokens.map(show)).toEqual(ref.tokens.map(show));
    expect(ours.tokens.filter((t) => t.tokenType.CATEGORIES?.length).length).toBeGreaterThan(KEYWORDS.length);
    expect(ours.errors).toEqual(ref.errors);
  });

  it('the parser passes chevrotain\'s grammar validations, and parses as the shipped one', () => {
    const checked = new CnnParser({ validate: true, lookahead: new LLkLookaheadStrategy({ maxLookahead: MAX_LOOKAHEAD }) }); // throws on any definition error
    expect((checked as unknown as { definitionErrors: unknown[] }).definitionErrors).toEqual([]);
    const shipped = parseCnn(SAMPLE);
    checked.input = [...shipped.tokens];
    checked.program();
    expect(dump(checked.tree)).toEqual(dump(shipped.tree));
    expect(JSON.stringify(dump(shipped.tree))).toContain('"recovered":true');
    expect(checked.errors.map((e) => e.message)).toEqual(shipped.parseErrors.map((e) => e.message));
    expect(shipped.parseErrors.length).toBeGreaterThan(0);
  });
});
