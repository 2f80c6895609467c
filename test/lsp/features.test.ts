// The language server's pure features, without a connection: text in, LSP results out.

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { TextDocument } from 'vscode-languageserver-textdocument';
import type { MarkupContent } from 'vscode-languageserver/node';
import { describe, expect, it } from 'vitest';
import { checkSource } from '../../src/check/index.js';
import { formatCnn } from '../../src/fmt/index.js';
import {
  analyze, codeActions, completionsAt, documentSymbols, formattingEdits, hoverAt, inlayHints, toLspDiagnostic,
} from '../../src/lsp/index.js';
import { root } from './client.js';

const example = (name: string): string => readFileSync(join(root, 'examples', name), 'utf8');

function hoverText(text: string, line: number, character = 0): string | undefined {
  const h = hoverAt(analyze(text), { line, character });
  return h === null ? undefined : (h.contents as MarkupContent).value;
}

function labels(text: string): string[] {
  return completionsAt(text, text.length).map((c) => c.label);
}

const LENET_SMALL = [
  'network small',
  'input 28x28',
  '',
  'c1: conv 6 5x5 relu      # -> 6x24x24',
  's2: maxpool 2',
  'c3: conv 16 5x5 stride 2 pad 1 dilation 2',
  'dense 10',
  'softmax',
  '',
].join('\n');

describe('diagnostics', () => {
  it('are the checker\'s, with 0-based ranges, code, severity and source', () => {
    const text = example('errors/kernel-too-big.cnn');
    const a = analyze(text, 'kernel-too-big.cnn');
    const expected = checkSource(text, 'kernel-too-big.cnn').diagnostics;
    expect(a.diagnostics).toEqual(expected);
    const lsp = a.diagnostics.map((d) => toLspDiagnostic(a.doc, d));
    expect(lsp).toHaveLength(expected.length);
    lsp.forEach((d, i) => {
      const e = expected[i]!;
      expect(d.range.start).toEqual({ line: e.range.start.line - 1, character: e.range.start.column - 1 });
      expect(d.range.end).toEqual({ line: e.range.end.line - 1, character: e.range.end.column - 1 });
      expect(d.code).toBe(e.code);
      expect(d.source).toBe('cnnc');
      expect(d.message).toBe(e.message);
    });
    const win = lsp.find((d) => d.code === 'window-too-large')!;
    expect(win.severity).toBe(1);
    // `c5: conv 120 5x5 relu` on line 10: the kernel size is underlined.
    expect(win.range).toEqual({ start: { line: 9, character: 13 }, end: { line: 9, character: 16 } });
  });

  it('count UTF-16 code units and keep positions off the middle of \\r\\n', () => {
    const text = 'input 1x8x8\r\n# é😀\r\nconv 2 9x9\r\n';
    const a = analyze(text);
    const d = a.diagnostics.find((x) => x.code === 'window-too-large')!;
    expect(toLspDiagnostic(a.doc, d).range.start).toEqual({ line: 2, character: 7 });
    const tail = analyze('input 4\r\ndense');
    for (const x of tail.diagnostics) {
      const r = toLspDiagnostic(tail.doc, x).range;
      for (const p of [r.start, r.end]) {
        const line = tail.text.split(/\r\n|\r|\n/)[p.line]!;
        expect(p.character).toBeLessThanOrEqual(line.length);
      }
    }
  });
});

describe('hover', () => {
  it('shows input and output shapes, the size formula with numbers, params and MACs', () => {
    const c1 = hoverText(LENET_SMALL, 3, 5)!;
    expect(c1).toContain('**c1** `conv 6 5x5 stride 1 pad 0`: 1x28x28 -> 6x24x24');
    expect(c1).toContain('per axis: (28 - 5 + 2*0)/1 + 1 = 24');
    expect(c1).toContain('params 156 (weight 6x1x5x5, bias 6) · MACs 86,400');
    expect(c1).toContain('**relu1** `relu`: 6x24x24 -> 6x24x24');
    const s2 = hoverText(LENET_SMALL, 4)!;
    expect(s2).toContain('6x24x24 -> 6x12x12');
    expect(s2).toContain('per axis: (24 - 2 + 2*0)/2 + 1 = 12');
  });

  it('puts dilation, stride and an uneven division into the formula', () => {
    const c3 = hoverText(LENET_SMALL, 5)!;
    // E = 2*(5-1)+1 = 9: (12 - 9 + 2)/2 + 1 = 3.5 -> 3
    expect(c3).toContain('per axis: (12 - (2*(5-1)+1) + 2*1)/2 + 1 = 3.5 -> 3');
    expect(c3).toContain('6x12x12 -> 16x3x3');
    const rect = hoverText('input 3x32x16\nconv 4 3x5 stride 2x1\n', 1)!;
    expect(rect).toContain('rows:     (32 - 3 + 2*0)/2 + 1 = 15.5 -> 15');
    expect(rect).toContain('columns:  (16 - 5 + 2*0)/1 + 1 = 12');
  });

  it('says that dense flattens, and covers every repetition of a repeat', () => {
    expect(hoverText(LENET_SMALL, 6)).toContain('flattens 16x3x3 = 144 first');
    const rep = hoverText('input 1x16x16\nrepeat 3 {\n  conv 2 3x3\n}\n', 2)!;
    expect(rep).toContain('**conv1**');
    expect(rep).toContain('**conv3** `conv 2 3x3 stride 1 pad 0`: 2x12x12 -> 2x10x10');
    expect(rep).toContain('this line in total: 3 layers, params 96, MACs 12,312');
  });

  it('says when a shape is unknown, and is empty off layer lines', () => {
    expect(hoverText(example('errors/kernel-too-big.cnn'), 9)).toMatch(/\*\*c5\*\* conv: shape unknown/);
    expect(hoverText(LENET_SMALL, 0)).toBeUndefined();
    expect(hoverText(LENET_SMALL, 2)).toBeUndefined();
    expect(hoverText(LENET_SMALL, 1)).toBe('**input** 1x28x28 (784 values per sample)');
  });
});

describe('inlay hints', () => {
  it('put the output shape at the end of each layer line', () => {
    const a = analyze(LENET_SMALL);
    const hints = inlayHints(a).map((h) => [h.position.line, h.position.character, h.label]);
    expect(hints).toEqual([
      [1, 11, '-> 1x28x28'],
      [3, 19, '-> 6x24x24'],
      [4, 13, '-> 6x12x12'],
      [5, 41, '-> 16x3x3'],
      [6, 8, '-> 10'],
      [7, 7, '-> 10'],
    ]);
    expect(inlayHints(a, { start: { line: 4, character: 0 }, end: { line: 5, character: 0 } })).toHaveLength(2);
  });

  it('list the outputs of a repeat, and stop where shapes become unknown', () => {
    const a = analyze('input 1x16x16\nrepeat 3 {\n  conv 2 3x3 relu\n}\nrepeat 5 {\n  maxpool 1\n}\n');
    expect(inlayHints(a).map((h) => h.label)).toEqual(['-> 2x14x14, 2x12x12, 2x10x10', '-> 2x10x10']);
    const b = analyze('input 1x12x12\nrepeat 6 {\n  conv 1 3x3\n}\n');
    expect(inlayHints(b).map((h) => h.label)).toEqual(['-> 1x10x10, 1x8x8, …, 1x2x2 (5 repetitions), then unknown']);
  });
});

describe('completion', () => {
  it('offers statements and layers at the start of a line, only layers and repeat in a block', () => {
    expect(labels('')).toEqual(expect.arrayContaining(['network', 'input', 'repeat', 'loss', 'conv', 'softmax']));
    expect(labels('input 4\nco')).toContain('conv');
    const inBlock = labels('input 4\nrepeat 2 {\n  ');
    expect(inBlock).toContain('repeat');
    expect(inBlock).toContain('dense');
    expect(inBlock).not.toContain('input');
    expect(labels('c1: ')).not.toContain('input');
    expect(labels('c1: ')).toContain('maxpool');
  });

  it('offers the options a layer still takes once its arguments are written', () => {
    expect(labels('conv 6 5x5 ')).toEqual(['stride', 'pad', 'dilation', 'nobias', 'relu', 'sigmoid', 'tanh', 'leakyrelu']);
    expect(labels('c1: conv 6 5x5 stride 2 nobias ')).toEqual(['pad', 'dilation', 'relu', 'sigmoid', 'tanh', 'leakyrelu']);
    expect(labels('conv 6 5x5 stride 2 pad ')).toEqual(['valid', 'same', 'full']);
    expect(labels('maxpool 2 ')).toEqual(['stride', 'pad']);
    expect(labels('dense 10 ')).toEqual(['nobias', 'relu', 'sigmoid', 'tanh', 'leakyrelu']);
    expect(labels('loss ')).toEqual(['cross_entropy', 'mse']);
  });

  it('leaves out what the line has after the cursor', () => {
    const at = (line: string): string[] => completionsAt(line.replace('|', ''), line.indexOf('|')).map((c) => c.label);
    expect(at('conv 6 5x5 | stride 2 relu  # stride')).toEqual(['pad', 'dilation', 'nobias']);
    expect(at('c1: conv 6 5x5 nobias |pad 1')).toEqual(['stride', 'dilation', 'relu', 'sigmoid', 'tanh', 'leakyrelu']);
    expect(at('dense 10 no|bias')).toEqual(['nobias', 'relu', 'sigmoid', 'tanh', 'leakyrelu']); // the word being typed
    expect(at('maxpool 2 | # pad\nconv 1 1 pad 1')).toEqual(['stride', 'pad']); // not from the next line
  });

  it('offers nothing where a value, a name or nothing may come', () => {
    for (const p of ['conv 6 ', 'conv 6 5x5 stride ', 'conv 6 5x5 relu ', 'dense 10 tanh ', 'dropout 0.5 ', 'softmax ',
      'network ', 'input ', '# conv 6 5x5 ', 'conv 6 5x5 # ', 'flatten ', '\u0000\u0001 ']) {
      expect(labels(p), p).toEqual([]);
    }
  });
});

describe('document symbols', () => {
  it('outline the network, with repeat bodies nested', () => {
    const a = analyze(example('vgg16.cnn'), 'vgg16.cnn');
    const syms = documentSymbols(a);
    expect(syms.map((s) => s.name).slice(0, 5)).toEqual(['vgg16', 'input', 'repeat 2', 'pool1', 'repeat 2']);
    expect(syms[2]!.children!.map((c) => [c.name, c.detail])).toEqual([['block1_1', 'conv 64 3x3 pad 1 relu -> 64x224x224']]);
    expect(syms.find((s) => s.name === 'fc8')!.detail).toBe('dense 1000 -> 1000');
    expect(syms[syms.length - 1]!.name).toBe('loss cross_entropy');
    const contains = (outer: { start: { line: number } ; end: { line: number } }, inner: typeof outer): boolean =>
      outer.start.line <= inner.start.line && inner.end.line <= outer.end.line;
    for (const s of syms) expect(contains(s.range, s.selectionRange)).toBe(true);
  });
});

describe('code actions', () => {
  it('turn each fix of a diagnostic on the requested lines into a quick fix', () => {
    const text = example('errors/kernel-too-big.cnn');
    const a = analyze(text);
    const uri = 'file:///k.cnn';
    const actions = codeActions(a, uri, { start: { line: 9, character: 0 }, end: { line: 9, character: 0 } });
    const fixes = a.diagnostics.find((d) => d.code === 'window-too-large')!.fixes!;
    expect(actions.map((x) => x.title)).toEqual(fixes.map((f) => f.title));
    expect(actions[0]!.kind).toBe('quickfix');
    expect(actions[0]!.diagnostics![0]!.code).toBe('window-too-large');
    // Applying the first fix makes the error go away.
    const doc = TextDocument.create(uri, 'cnn', 1, text);
    const fixed = TextDocument.applyEdits(doc, actions[0]!.edit!.changes![uri]!);
    expect(analyze(fixed).diagnostics.filter((d) => d.code === 'window-too-large')).toEqual([]);
    expect(codeActions(a, uri, { start: { line: 3, character: 0 }, end: { line: 3, character: 5 } })).toEqual([]);
    expect(actions.map((x) => x.title)).toContain('pad 2 keeps 4x4');
  });

  it('replace a misspelt keyword with the one the checker suggests', () => {
    const text = 'input 1x28x28\nconvv 6 5x5\n';
    const uri = 'file:///t.cnn';
    const [fix] = codeActions(analyze(text), uri, { start: { line: 1, character: 9 }, end: { line: 1, character: 9 } });
    expect([fix!.title, fix!.isPreferred, fix!.diagnostics![0]!.code]).toEqual(['replace with `conv`', true, 'unknown-keyword']);
    const fixed = TextDocument.applyEdits(TextDocument.create(uri, 'cnn', 1, text), fix!.edit!.changes![uri]!);
    expect(fixed).toBe('input 1x28x28\nconv 6 5x5\n');
    expect(analyze(fixed).diagnostics).toEqual([]);
  });
});

describe('formatting edits', () => {
  it('turn the document into exactly formatCnn\'s text', () => {
    for (const text of [example('lenet5.cnn'), LENET_SMALL, 'input 4\r\n\r\n\r\n  dense   2 # x\r\n', 'c1 :dense 2\n\n']) {
      const doc = TextDocument.create('file:///x.cnn', 'cnn', 1, text);
      const expected = formatCnn(text);
      if ('error' in expected) throw new Error(expected.error);
      expect(TextDocument.applyEdits(doc, formattingEdits(doc))).toBe(expected.text);
    }
  });

  it('give no edit for a formatted file or one with syntax errors', () => {
    const formatted = formatCnn(LENET_SMALL);
    if ('error' in formatted) throw new Error(formatted.error);
    expect(formattingEdits(TextDocument.create('u', 'cnn', 1, formatted.text))).toEqual([]);
    expect(formattingEdits(TextDocument.create('u', 'cnn', 1, 'input 4\nconvv 2\n'))).toEqual([]);
  });
});

describe('docs/editors.md', () => {
  const doc = readFileSync(join(root, 'docs', 'editors.md'), 'utf8');
  const blocks = [...doc.matchAll(/```(\w*)\n([\s\S]*?)```/g)].map((m) => ({ lang: m[1], body: m[2]! }));

  it('shows the diagnostic exactly as the server publishes it', () => {
    const json = JSON.parse(blocks.find((b) => b.lang === 'json')!.body) as { params: { diagnostics: unknown[] } };
    const a = analyze(example('errors/kernel-too-big.cnn'), '/home/me/models/kernel-too-big.cnn');
    expect(json.params.diagnostics).toEqual(a.diagnostics.map((d) => toLspDiagnostic(a.doc, d)));
  });

  it('and the Neovim capture (in it, in docs/editors-neovim.txt and in README.md) shows the server\'s message', () => {
    const [d] = analyze(example('errors/kernel-too-big.cnn')).diagnostics;
    const capture = readFileSync(join(root, 'docs', 'editors-neovim.txt'), 'utf8');
    const readme = readFileSync(join(root, 'README.md'), 'utf8');
    const errorLine = `E c5: conv 120 5x5 relu        # error: a 5x5 window does not fit a 4x4 input     ■ ${d!.message}`;
    for (const text of [capture, readme, doc]) expect(text).toContain(errorLine);
  });

  it('shows the hover exactly as the server gives it', () => {
    const hover = blocks.find((b) => b.body.startsWith('**c3**'))!.body;
    expect(hoverText(example('errors/kernel-too-big.cnn'), 7)).toBe(hover.trimEnd());
  });
});
