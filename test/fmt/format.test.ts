// formatCnn: the canonical layout, rule by rule; idempotence over the examples and over random
// valid files; the same tokens and comments before and after; whitespace in, same text out.

import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseCnn, tokenMatcher, tokenTypes } from '../../grammar/index.js';
import { buildAst } from '../../src/ast/index.js';
import { formatCnn, layoutCnn, type FormatResult } from '../../src/fmt/index.js';
import { arbCnn } from '../support/arb-cnn.js';

const root = join(import.meta.dirname, '..', '..');

function fmt(text: string): string {
  const r = formatCnn(text);
  if ('error' in r) throw new Error(`${r.error}: ${r.diagnostics.map((d) => d.message).join('; ')}`);
  return r.text;
}

function lines(...ls: string[]): string {
  return ls.map((l) => `${l}\n`).join('');
}

/** Every token but line breaks, and every comment without trailing blanks: what fmt must keep. */
function content(text: string): { tokens: string[]; comments: string[] } {
  const p = parseCnn(text);
  return {
    tokens: p.tokens.filter((t) => !tokenMatcher(t, tokenTypes.Newline)).map((t) => `${t.tokenType.name}:${t.image}`),
    comments: p.comments.map((c) => c.image.trimEnd()),
  };
}

function cnnFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? cnnFiles(join(dir, e.name)) : e.name.endsWith('.cnn') ? [join(dir, e.name)] : [],
  );
}

describe('layout', () => {
  it('puts one space between tokens and sticks the label colon to its label', () => {
    expect(fmt('input\t28x28\n  c1 :conv   6  5x5\trelu\nsoftmax')).toBe(lines('input 28x28', 'c1: conv 6 5x5 relu', '    softmax'));
  });

  it('indents two spaces per repeat, and puts } at its repeat\'s level', () => {
    expect(fmt('input 1x8x8\nrepeat 2 {\nrepeat 3{\n        relu\n    }\n\t}\n')).toBe(
      lines('input 1x8x8', 'repeat 2 {', '  repeat 3 {', '    relu', '  }', '}'),
    );
  });

  it('aligns layer keywords in a run with labels; unlabeled layers go to the keyword column', () => {
    expect(fmt(lines('input 1x28x28', 'c1: conv 6 5x5', 'pool: maxpool 2', 'flatten', '', 'dense 10', 'softmax'))).toBe(
      lines('input 1x28x28', 'c1:   conv 6 5x5', 'pool: maxpool 2', '      flatten', '', 'dense 10', 'softmax'),
    );
  });

  it('keeps runs apart at blank lines, other statements and depth changes, not at comment lines', () => {
    const src = lines(
      'input 4', 'a: dense 4', '# between', 'long_name: dense 4', 'repeat 2 {', 'b: relu', 'relu', '}', 'c: dense 2',
    );
    expect(fmt(src)).toBe(
      lines('input 4', 'a:         dense 4', '# between', 'long_name: dense 4', 'repeat 2 {', '  b: relu', '     relu', '}', 'c: dense 2'),
    );
  });

  it('aligns the trailing comments of a paragraph two spaces after its longest commented code', () => {
    const src = lines('input 4   # in', 'dense 4 relu # a', 'dense 2', 'softmax  #  b  ', '', 'loss cross_entropy # c');
    expect(fmt(src)).toBe(
      lines('input 4       # in', 'dense 4 relu  # a', 'dense 2', 'softmax       #  b', '', 'loss cross_entropy  # c'),
    );
  });

  it('keeps full-line comments where they are, at their block\'s indentation', () => {
    expect(fmt('# top\ninput 4\nrepeat 2 {\n# inside\n    relu\n      # last in block\n}\n# end')).toBe(
      lines('# top', 'input 4', 'repeat 2 {', '  # inside', '  relu', '  # last in block', '}', '# end'),
    );
  });

  it('collapses blank lines, drops them at the ends, ends with one line break, no trailing spaces', () => {
    expect(fmt('\n\n  \ninput 4   \n\n\n\t\ndense 2  \n\n\n')).toBe(lines('input 4', '', 'dense 2'));
    expect(fmt('')).toBe('');
    expect(fmt('\n \n')).toBe('');
    expect(fmt('# only a comment')).toBe('# only a comment\n');
  });

  it('keeps \\r\\n line breaks when the file starts with them, and turns a lone \\r into \\n', () => {
    expect(fmt('input 4\r\ndense 2\ndense 1\r')).toBe('input 4\r\ndense 2\r\ndense 1\r\n');
    expect(fmt('input 4\rdense 2\r\n')).toBe('input 4\ndense 2\n');
  });

  it('reports whether anything changed', () => {
    const r = formatCnn(lines('input 4', 'dense 2')) as Exclude<FormatResult, { error: string }>;
    expect(r.changed).toBe(false);
    expect((formatCnn('input 4\ndense 2') as { changed: boolean }).changed).toBe(true);
  });

  it('does not format a file with syntax errors, and says why with the diagnostics', () => {
    const r = formatCnn('input 1x28x28\nconvv 6 5x5\nc1:\n');
    expect('error' in r).toBe(true);
    if (!('error' in r)) return;
    expect(r.error).toBe('not formatted: 2 syntax errors');
    expect(r.diagnostics).toEqual(buildAst('input 1x28x28\nconvv 6 5x5\nc1:\n', '<fmt>').diagnostics);
    // shape errors are not syntax errors: the file is formatted
    expect(fmt('input 1x4x4\nconv 2   9x9\n')).toBe('input 1x4x4\nconv 2 9x9\n');
  });
});

describe('every example', () => {
  const files = cnnFiles(join(root, 'examples'));
  it('exists', () => expect(files.length).toBeGreaterThan(5));
  for (const file of files) {
    it(`${relative(root, file)}: idempotent, same tokens and comments`, () => {
      const text = readFileSync(file, 'utf8');
      const r = formatCnn(text);
      if ('error' in r) {
        // only the examples that are broken on purpose may have syntax errors
        expect(file).toMatch(/[\\/]errors[\\/]/);
        return;
      }
      expect(fmt(r.text)).toBe(r.text);
      expect(content(r.text)).toEqual(content(text));
    });
  }
});

/**
 * The same file with its whitespace shuffled: spaces, tabs, indentation, trailing blanks, line
 * breaks, and a blank line made into several (which fmt collapses back to one).
 */
function perturb(text: string, seeds: readonly number[]): string {
  let k = 0;
  const next = (): number => seeds[k++ % seeds.length]!;
  const eol = next() % 3 === 0 ? '\r\n' : '\n';
  return text
    .split('\n')
    .map((line) => {
      const hash = line.indexOf('#');
      const code = hash >= 0 ? line.slice(0, hash) : line;
      const comment = hash >= 0 ? line.slice(hash) : '';
      const spaced = code.replace(/ +/g, () => [' ', '  ', '\t', ' \t '][next() % 4]!).replace(/ ?: ?/, (m) => (next() % 2 ? ' : ' : m)) +
        comment;
      const indent = ['', ' ', '    ', '\t'][next() % 4]!;
      const trail = ['', ' ', '\t'][next() % 3]!;
      if (line.trim() === '') return Array.from({ length: 1 + (next() % 3) }, () => ' '.repeat(next() % 3)).join(eol);
      return indent + spaced + trail;
    })
    .join(eol);
}

describe('random valid files', () => {
  it('are formatted idempotently, keep their tokens and comments, and ignore the whitespace they had', () => {
    fc.assert(
      fc.property(arbCnn({}), fc.array(fc.nat(), { minLength: 1, maxLength: 20 }), (c, seeds) => {
        const once = fmt(c.source);
        expect(fmt(once)).toBe(once);
        expect(content(once)).toEqual(content(c.source));
        expect(once.endsWith('\n')).toBe(true);
        expect(once).not.toMatch(/[ \t]\n/);
        expect(once).not.toMatch(/\n\n\n/);
        const shuffled = perturb(c.source, seeds);
        const again = fmt(shuffled);
        expect(again.replace(/\r\n/g, '\n')).toBe(once);
      }),
      { seed: 4711, numRuns: 150 },
    );
  });
});

describe('layoutCnn (formatting when the syntax errors are known)', () => {
  it('gives formatCnn\'s result on random valid files', () => {
    fc.assert(
      fc.property(arbCnn({}), (c) => {
        expect(layoutCnn(c.source)).toEqual(formatCnn(c.source));
      }),
      { seed: 815, numRuns: 60 },
    );
  });

  it('leaves a text the lexer rejects alone, as formatCnn does', () => {
    const r = layoutCnn('input 4\n$ dense 2\n');
    expect('error' in r && r.error).toBe('not formatted: 1 syntax error');
  });

  it('aligns a run of 150,000 labeled layers (too many to spread into Math.max)', () => {
    const text = Array.from({ length: 150_000 }, (_, i) => `l${i}: relu # ${i}`).join('\n');
    const r = layoutCnn(text);
    if ('error' in r) throw new Error(r.error);
    const lines = r.text.split('\n');
    expect(lines[0]).toBe(`l0:${' '.repeat(6)}relu  # 0`);
    expect(lines[149_999]).toBe('l149999: relu  # 149999');
  });
});
