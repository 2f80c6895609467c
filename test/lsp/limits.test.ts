// In process, what keeps the server cheap and bounded: the size limit, positions outside the
// document, the brace count completion makes without the lexer, formatting from the analysis.

import fc from 'fast-check';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { describe, expect, it } from 'vitest';
import { tokenMatcher, tokenTypes } from '../../grammar/index.js';
import { cnnLexer } from '../../grammar/lexer.js';
import { formatCnn } from '../../src/fmt/index.js';
import {
  analyze, blockDepth, documentSymbols, formattingEdits, hoverAt, inDocument, inlayHints, MAX_DOCUMENT_CHARS,
  MAX_DOCUMENT_LINES, TOO_LARGE_CODE,
} from '../../src/lsp/index.js';
import { insertText } from './edits.js';

describe('documents past the size limit', () => {
  it('get one warning on their first line, and no parse', () => {
    const lines = `input 4\n${'relu\n'.repeat(MAX_DOCUMENT_LINES)}`;
    const chars = `# ${'x'.repeat(MAX_DOCUMENT_CHARS)}\ninput 4\n`;
    for (const text of [lines, chars]) {
      const t0 = performance.now();
      const a = analyze(text);
      expect(performance.now() - t0).toBeLessThan(1000); // parsing 200,000 lines takes seconds
      expect(a.diagnostics.map((d) => [d.code, d.severity, d.range.start.line, d.range.end.line])).toEqual([
        [TOO_LARGE_CODE, 'warning', 1, 1],
      ]);
      expect(a.diagnostics[0]!.range.end.offset).toBe(text.indexOf('\n'));
      expect([hoverAt(a, { line: 2, character: 0 }), inlayHints(a), documentSymbols(a)]).toEqual([null, [], []]);
      expect(formattingEdits(TextDocument.create('u', 'cnn', 1, text), a)).toEqual([]);
    }
    expect(analyze(lines).diagnostics[0]!.message).toMatch(/^this file has 200,002 lines and 1,000,008 characters; /);
    // one line fewer is analysed as usual
    expect(analyze(`input 4\n${'relu\n'.repeat(1000)}`).diagnostics.map((d) => d.code)).not.toContain(TOO_LARGE_CODE);
  });
});

describe('positions', () => {
  it('are in the document when their line exists; a character past the line\'s end is its end', () => {
    const doc = TextDocument.create('u', 'cnn', 1, 'input 4\ndense 2\n');
    expect(doc.lineCount).toBe(3);
    for (const p of [{ line: 0, character: 0 }, { line: 1, character: 99 }, { line: 2, character: 0 }]) {
      expect(inDocument(doc, p), JSON.stringify(p)).toBe(true);
    }
    for (const p of [{ line: 3, character: 0 }, { line: -1, character: 0 }, { line: 0, character: -1 }, { line: 0.5, character: 0 },
      { line: NaN, character: 0 }, { line: 1e308, character: 0 }, { line: '0', character: 0 } as never]) {
      expect(inDocument(doc, p), JSON.stringify(p)).toBe(false);
    }
  });
});

describe('completion\'s block depth', () => {
  it('counts braces as the lexer does, outside comments, on any text', () => {
    const lexed = (text: string): number => {
      let depth = 0;
      for (const t of cnnLexer.tokenize(text).tokens) {
        if (tokenMatcher(t, tokenTypes.LBrace)) depth++;
        else if (tokenMatcher(t, tokenTypes.RBrace) && depth > 0) depth--;
      }
      return depth;
    };
    const text = fc.array(fc.oneof(insertText, fc.constantFrom('{', '}', '#{', '# }\n', '\r{', '\r\n}')), { maxLength: 40 })
      .map((parts) => parts.join(''));
    fc.assert(fc.property(text, (t) => {
      expect(blockDepth(t), JSON.stringify(t)).toBe(lexed(t));
    }), { seed: 99, numRuns: 400 });
    expect(blockDepth('repeat 2 {\n  repeat 3 { # }\n', 11)).toBe(1);
  });
});

describe('formatting from the analysis', () => {
  it('gives formatCnn\'s text without parsing again, and nothing for a file with syntax errors', () => {
    for (const text of ['input 4\n c1 :dense  2 # a\n\n\n', 'input 1x8x8\nconv 2 9x9\n', 'input 4\nconvv 2\n', 'input 4\n\u0000\n', '']) {
      const doc = TextDocument.create('u', 'cnn', 1, text);
      const a = analyze(text);
      const viaAnalysis = TextDocument.applyEdits(doc, formattingEdits(doc, a));
      const expected = formatCnn(text);
      expect(viaAnalysis, JSON.stringify(text)).toBe('error' in expected ? text : expected.text);
    }
    // an analysis of another text is not used
    const doc = TextDocument.create('u', 'cnn', 1, 'input 4\n  dense 2\n');
    expect(TextDocument.applyEdits(doc, formattingEdits(doc, analyze('input 4\nconvv\n')))).toBe('input 4\ndense 2\n');
  });
});

describe('shapes', () => {
  it('are worked out when a feature first asks, and agree with the checker\'s network', () => {
    const a = analyze('input 1x8x8\nc1: conv 2 3x3 relu\nrepeat 2 {\n  conv 2 1\n}\nconv 1 99x99\n');
    expect(a.diagnostics.map((d) => d.code)).toEqual(['window-too-large']);
    expect(a.input).toEqual([1, 8, 8]);
    expect([...a.statements.values()].map((s) => [s.names, s.layers.map((l) => l.output.join('x')), s.unshaped])).toEqual([
      [['c1', 'relu1'], ['2x6x6', '2x6x6'], 0],
      [['conv2', 'conv3'], ['2x6x6', '2x6x6'], 0],
      [['conv4'], [], 1],
    ]);
    const ok = analyze('input 1x8x8\nc1: conv 2 3x3\n');
    expect(ok.network).toBeDefined();
    expect([...ok.statements.values()][0]!.layers).toEqual(ok.network!.layers);
  });
});
