import { describe, expect, it } from 'vitest';
import { buildAst } from '../../src/ast/index.js';
import type { LayerStmt } from '../../src/ast/types.js';
import { shape } from './helpers.js';

function one(src: string): unknown {
  const r = buildAst(src, 'm.cnn');
  expect(r.diagnostics).toEqual([]);
  expect(r.program.statements).toHaveLength(1);
  return shape(r.program.statements[0]);
}

const n = (text: string) => ({ text, value: Number(text), isInteger: !/[.eE]/.test(text) });
const dims = (...texts: string[]) => ({ values: texts.map(n) });

describe('statements to AST', () => {
  it('network, input, loss', () => {
    expect(one('network lenet5')).toEqual({ kind: 'network', name: { name: 'lenet5' } });
    expect(one('input 1x28x28')).toEqual({ kind: 'input', shape: dims('1', '28', '28') });
    expect(one('input 28x28')).toEqual({ kind: 'input', shape: dims('28', '28') });
    expect(one('input 784')).toEqual({ kind: 'input', shape: dims('784') });
    expect(one('loss cross_entropy')).toEqual({ kind: 'loss', fn: { name: 'cross_entropy' } });
    expect(one('loss mse')).toEqual({ kind: 'loss', fn: { name: 'mse' } });
    // an unknown loss function is the checker's to report
    expect(one('loss hinge')).toEqual({ kind: 'loss', fn: { name: 'hinge' } });
  });

  it('conv with every option, in any order', () => {
    expect(one('c1: conv 6 5x5 relu')).toEqual({
      kind: 'layer', label: { name: 'c1' }, layer: 'conv', count: n('6'), size: dims('5', '5'), options: [],
      activation: { kind: 'relu' },
    });
    expect(one('conv 32 3 nobias dilation 2 pad same stride 1x2 leakyrelu 0.2')).toEqual({
      kind: 'layer', layer: 'conv', count: n('32'), size: dims('3'),
      options: [
        { name: 'nobias' },
        { name: 'dilation', value: dims('2') },
        { name: 'pad', value: { mode: 'same' } },
        { name: 'stride', value: dims('1', '2') },
      ],
      activation: { kind: 'leakyrelu', slope: n('0.2') },
    });
    expect((one('conv 8 3x3 pad 1x2') as LayerStmt).options).toEqual([{ name: 'pad', value: dims('1', '2') }]);
    for (const mode of ['valid', 'same', 'full']) {
      expect((one(`conv 8 3x3 pad ${mode}`) as LayerStmt).options).toEqual([{ name: 'pad', value: { mode } }]);
    }
    for (const act of ['relu', 'sigmoid', 'tanh', 'leakyrelu']) {
      expect((one(`conv 8 3x3 ${act}`) as LayerStmt).activation).toEqual({ kind: act });
    }
  });

  it('pooling, dense and the argument-free layers', () => {
    expect(one('s2: maxpool 2x2')).toEqual({ kind: 'layer', label: { name: 's2' }, layer: 'maxpool', size: dims('2', '2'), options: [] });
    expect(one('avgpool 3 stride 2 pad 1')).toEqual({
      kind: 'layer', layer: 'avgpool', size: dims('3'),
      options: [{ name: 'stride', value: dims('2') }, { name: 'pad', value: dims('1') }],
    });
    expect(one('out: dense 10 nobias sigmoid')).toEqual({
      kind: 'layer', label: { name: 'out' }, layer: 'dense', count: n('10'), options: [{ name: 'nobias' }],
      activation: { kind: 'sigmoid' },
    });
    for (const k of ['globalavgpool', 'flatten', 'relu', 'sigmoid', 'tanh', 'softmax', 'leakyrelu']) {
      expect(one(k)).toEqual({ kind: 'layer', layer: k, options: [] });
    }
  });

  it('rates and slopes keep their text, value and integer-ness', () => {
    expect(one('dropout 0.5')).toMatchObject({ layer: 'dropout', rate: n('0.5') });
    expect(one('dropout .5')).toMatchObject({ rate: { text: '.5', value: 0.5, isInteger: false } });
    expect(one('leakyrelu 1e-2')).toMatchObject({ layer: 'leakyrelu', rate: { text: '1e-2', value: 0.01, isInteger: false } });
    expect(one('dropout 1')).toMatchObject({ rate: { text: '1', value: 1, isInteger: true } });
    // values out of range are kept as written, for the checker to judge
    const big = buildAst('dense 1e309', 'm.cnn').program.statements[0] as LayerStmt;
    expect(big.count).toMatchObject({ text: '1e309', value: Infinity, isInteger: false });
    expect(one('conv 0 0x0')).toMatchObject({ count: n('0'), size: dims('0', '0') });
    expect(one('dense 2.5')).toMatchObject({ count: { value: 2.5, isInteger: false } });
    expect(one('leakyrelu -0.1')).toMatchObject({ rate: { text: '-0.1', value: -0.1, isInteger: false } });
    expect((one('conv 6 5x5 pad -1') as LayerStmt).options).toEqual([{ name: 'pad', value: dims('-1') }]);
    expect((one('conv 6 5x5 pad -1x-2') as LayerStmt).options).toEqual([{ name: 'pad', value: dims('-1', '-2') }]);
  });

  it('repeat blocks, nested, with blank lines and comments inside', () => {
    const r = buildAst('repeat 2 {\n  # block\n\n  conv 8 3x3\n  repeat 3 {\n    relu\n  }\n}\nflatten\n', 'm.cnn');
    expect(r.diagnostics).toEqual([]);
    expect(shape(r.program.statements)).toEqual([
      {
        kind: 'repeat', count: n('2'), body: [
          { kind: 'layer', layer: 'conv', count: n('8'), size: dims('3', '3'), options: [] },
          { kind: 'repeat', count: n('3'), body: [{ kind: 'layer', layer: 'relu', options: [] }] },
        ],
      },
      { kind: 'layer', layer: 'flatten', options: [] },
    ]);
    expect(shape(buildAst('repeat 4 {\n}\n', 'm.cnn').program.statements)).toEqual([{ kind: 'repeat', count: n('4'), body: [] }]);
  });

  it('keeps statements in source order, whatever the order (the checker judges it)', () => {
    const r = buildAst('relu\ninput 4\nnetwork late\n', 'x.cnn');
    expect(r.diagnostics).toEqual([]);
    expect(r.program.file).toBe('x.cnn');
    expect(r.program.statements.map((s) => s.kind)).toEqual(['layer', 'input', 'network']);
  });

  it('accepts an empty file, a file of comments, CRLF and CR line ends, tabs', () => {
    expect(buildAst('', 'e.cnn')).toMatchObject({ program: { statements: [] }, diagnostics: [] });
    expect(buildAst('# nothing\n\n   # here', 'e.cnn')).toMatchObject({ program: { statements: [] }, diagnostics: [] });
    const r = buildAst('input 4\r\n\trelu\rsoftmax\r\n', 'e.cnn');
    expect(r.diagnostics).toEqual([]);
    expect(r.program.statements.map((s) => s.range.start.line)).toEqual([1, 2, 3]);
  });
});

describe('ranges', () => {
  const src = 'network n\n\n  c1: conv 16 5x5 stride 2 relu  # c\nrepeat 2 {\n  dense 10\n}\n';
  const r = buildAst(src, 'm.cnn');
  const text = (range: { start: { offset: number }; end: { offset: number } }) => src.slice(range.start.offset, range.end.offset);

  it('cover what they name, 1-based lines and columns, end exclusive', () => {
    expect(r.diagnostics).toEqual([]);
    const conv = r.program.statements[1] as LayerStmt;
    expect(text(conv.range)).toBe('c1: conv 16 5x5 stride 2 relu');
    expect(conv.range.start).toEqual({ line: 3, column: 3, offset: 13 });
    expect(conv.range.end).toEqual({ line: 3, column: 32, offset: 42 });
    expect(text(conv.layerRange)).toBe('conv');
    expect(text(conv.label!.range)).toBe('c1');
    expect(text(conv.count!.range)).toBe('16');
    expect(text(conv.size!.range)).toBe('5x5');
    expect(conv.size!.values.map((v) => text(v.range))).toEqual(['5', '5']);
    expect(conv.size!.values[1]!.range.start).toEqual({ line: 3, column: 17, offset: 27 });
    expect(text(conv.options[0]!.range)).toBe('stride 2');
    expect(text(conv.activation!.range)).toBe('relu');
  });

  it('of a repeat run from the keyword to its closing brace', () => {
    const rep = r.program.statements[2]!;
    expect(text(rep.range)).toBe('repeat 2 {\n  dense 10\n}');
    expect(rep.range.end.line).toBe(6);
  });

  it('of comments are returned with them', () => {
    expect(r.comments.map((c) => [c.text, text(c.range)])).toEqual([['# c', '# c']]);
  });
});
