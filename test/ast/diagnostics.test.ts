import { describe, expect, it } from 'vitest';
import { buildAst } from '../../src/ast/index.js';
import type { LayerStmt } from '../../src/ast/types.js';
import { applyFix, shape, where } from './helpers.js';

function diags(src: string) {
  return buildAst(src, 'm.cnn').diagnostics;
}

/** One error expected: its code, range, message fragments, and the text after its first fix. */
interface Case {
  src: string;
  code: string;
  at: string; // line:col-line:col
  says: string[];
  fixed?: string;
}

const CASES: Case[] = [
  { src: 'conv 6 5x5 @', code: 'unexpected-character', at: '1:12-1:13', says: ['unexpected character `@`'] },
  { src: 'conv 6 5×5', code: 'bad-size', at: '1:8-1:11', says: ['lower-case `x`: `5x5`'], fixed: 'conv 6 5x5' },
  { src: 'conv 6 5,5', code: 'unexpected-character', at: '1:9-1:10', says: ['`,`', 'separated by spaces'] },
  { src: 'conv 6 5x5 *', code: 'unexpected-character', at: '1:12-1:13', says: ['`*`', 'letter `x`'] },
  { src: 'relu\u0000', code: 'unexpected-character', at: '1:5-1:6', says: ['U+0000'] },
  { src: 'convv 6 5x5', code: 'unknown-keyword', at: '1:1-1:6', says: ['`convv`', 'did you mean `conv`?'], fixed: 'conv 6 5x5' },
  { src: 'maxpol 2x2', code: 'unknown-keyword', at: '1:1-1:7', says: ['did you mean `maxpool`?'], fixed: 'maxpool 2x2' },
  { src: 'linear 10', code: 'unknown-keyword', at: '1:1-1:7', says: ['did you mean `dense`?'], fixed: 'dense 10' },
  { src: 'Conv 6 5x5', code: 'unknown-keyword', at: '1:1-1:5', says: ['lower case', '`conv`'], fixed: 'conv 6 5x5' },
  { src: 'frobnicate 3', code: 'unknown-keyword', at: '1:1-1:11', says: ['unknown statement `frobnicate`'] },
  { src: 'residual {\n  relu\n}', code: 'unknown-keyword', at: '1:1-1:9', says: ['planned', 'version 1'] },
  { src: 'repaet 2 {\n  relu\n}', code: 'unknown-keyword', at: '1:1-1:7', says: ['did you mean `repeat`?'], fixed: 'repeat 2 {\n  relu\n}' },
  { src: 'conv 6 5x5 strid 2', code: 'unknown-option', at: '1:12-1:17', says: ['`strid`', '`conv`', 'did you mean `stride`?'], fixed: 'conv 6 5x5 stride 2' },
  { src: 'conv 6 5x5 padding same', code: 'unknown-option', at: '1:12-1:19', says: ['did you mean `pad`?'], fixed: 'conv 6 5x5 pad same' },
  { src: 'dense 10 rleu', code: 'unknown-option', at: '1:10-1:14', says: ['did you mean `relu`?'], fixed: 'dense 10 relu' },
  { src: 'conv 6 5x5 wibble', code: 'unknown-option', at: '1:12-1:18', says: ['usage: `conv FILTERS SIZE'] },
  { src: 'dense 10 stride 2', code: 'option-not-allowed', at: '1:10-1:18', says: ['`dense` does not take `stride`', '`nobias` and an activation'], fixed: 'dense 10' },
  { src: 'maxpool 2x2 nobias stride 2', code: 'option-not-allowed', at: '1:13-1:19', says: ['`maxpool` does not take `nobias`', '`stride` and `pad`'], fixed: 'maxpool 2x2 stride 2' },
  { src: 'flatten pad 1', code: 'option-not-allowed', at: '1:9-1:14', says: ['takes no options'], fixed: 'flatten' },
  { src: 'maxpool 2x2 relu', code: 'option-not-allowed', at: '1:13-1:17', says: ['does not take an activation'], fixed: 'maxpool 2x2\nrelu' },
  { src: 'conv 6 5x5 stride 2 stride 1', code: 'duplicate-option', at: '1:21-1:29', says: ['`stride` is given twice'], fixed: 'conv 6 5x5 stride 2' },
  { src: 'dense 10 relu tanh', code: 'duplicate-option', at: '1:15-1:19', says: ['one activation', '`relu`', '`tanh`'] },
  { src: 'conv 5x5', code: 'missing-argument', at: '1:6-1:9', says: ['`conv 5x5` is missing the filter count', '`conv 32 5x5`'] },
  { src: 'conv 6', code: 'missing-argument', at: '1:1-1:7', says: ['`conv 6` is missing the kernel size'] },
  { src: 'conv', code: 'missing-argument', at: '1:1-1:5', says: ['filter count and a kernel size'] },
  { src: 'dropout', code: 'missing-argument', at: '1:1-1:8', says: ['`dropout` needs a rate'] },
  { src: 'maxpool', code: 'missing-argument', at: '1:1-1:8', says: ['window size'] },
  { src: 'dense', code: 'missing-argument', at: '1:1-1:6', says: ['number of units'] },
  { src: 'conv 6 5x5 stride', code: 'missing-argument', at: '1:12-1:18', says: ['`stride` in `conv` needs a value'] },
  { src: 'input', code: 'missing-argument', at: '1:1-1:6', says: ['`input` needs a shape'] },
  { src: 'network', code: 'missing-argument', at: '1:1-1:8', says: ['`network` needs a name'] },
  { src: 'loss', code: 'missing-argument', at: '1:1-1:5', says: ['`loss` needs a function'] },
  { src: 'repeat {\n  relu\n}', code: 'missing-argument', at: '1:1-1:7', says: ['`repeat` needs a count'] },
  { src: 'conv 6 5 x 5', code: 'bad-size', at: '1:8-1:13', says: ['without spaces', '`5x5`'], fixed: 'conv 6 5x5' },
  { src: 'input 1 x 28 x 28', code: 'bad-size', at: '1:7-1:18', says: ['`1x28x28`'], fixed: 'input 1x28x28' },
  { src: 'conv 6 5x 5', code: 'bad-size', at: '1:8-1:12', says: ['`5x5`'], fixed: 'conv 6 5x5' },
  { src: 'conv 6 5 x5', code: 'bad-size', at: '1:8-1:12', says: ['`5x5`'], fixed: 'conv 6 5x5' },
  { src: 'conv 6 5x5 stride 2 x 2', code: 'bad-size', at: '1:19-1:24', says: ['`2x2`'], fixed: 'conv 6 5x5 stride 2x2' },
  { src: 'conv 6 5x5 stride 2x', code: 'bad-size', at: '1:19-1:21', says: ['`2x` is not a size'] },
  { src: 'maxpool 5x', code: 'bad-size', at: '1:9-1:11', says: ['`5x` is not a size'] },
  { src: 'maxpool 5X5', code: 'bad-size', at: '1:9-1:12', says: ['lower-case'], fixed: 'maxpool 5x5' },
  { src: 'dropout 5.', code: 'bad-number', at: '1:9-1:11', says: ['`5.` is not a number'], fixed: 'dropout 5' },
  { src: 'dropout 0.5.1', code: 'bad-number', at: '1:9-1:14', says: ['`0.5.1`'] },
  { src: 'maxpool 2x2 2', code: 'extra-argument', at: '1:13-1:14', says: ['did you mean `stride 2`?'], fixed: 'maxpool 2x2 stride 2' },
  { src: 'flatten 3', code: 'extra-argument', at: '1:9-1:10', says: ['`flatten` takes no arguments'], fixed: 'flatten' },
  { src: 'network a b', code: 'extra-argument', at: '1:11-1:12', says: ['one name', '`b`'], fixed: 'network a' },
  { src: 'input 1x28x28 3\t4', code: 'extra-argument', at: '1:15-1:18', says: ['one shape'], fixed: 'input 1x28x28' },
  { src: 'conv 5x5 6', code: 'bad-argument', at: '1:6-1:11', says: ['filter count first', '`conv 6 5x5`'], fixed: 'conv 6 5x5' },
  { src: 'dense 4x4', code: 'bad-argument', at: '1:7-1:10', says: ['number of units', '`4x4`'] },
  { src: 'conv 6 3x3 same', code: 'bad-argument', at: '1:12-1:16', says: ['`pad same`'], fixed: 'conv 6 3x3 pad same' },
  { src: 'conv 6 3x3 stride same', code: 'bad-argument', at: '1:19-1:23', says: ['`stride` takes a size'] },
  { src: 'input relu', code: 'bad-argument', at: '1:7-1:11', says: ['`input` takes a shape'] },
  { src: 'repeat 2x2 {\n}', code: 'bad-argument', at: '1:8-1:11', says: ['one number'] },
  { src: 'network 5', code: 'bad-argument', at: '1:9-1:10', says: ['takes a name'] },
  { src: 'network conv', code: 'keyword-as-name', at: '1:9-1:13', says: ['`conv` is a keyword'] },
  { src: 'conv: conv 6 5x5', code: 'keyword-as-name', at: '1:1-1:5', says: ['cannot be a label'] },
  { src: 'c1 conv 6 5x5', code: 'missing-colon', at: '1:1-1:3', says: ['`c1:`'], fixed: 'c1: conv 6 5x5' },
  { src: 'c1 leakyrelu 0.1', code: 'missing-colon', at: '1:1-1:3', says: ['`c1:`'], fixed: 'c1: leakyrelu 0.1' },
  { src: 'n: network x', code: 'label-not-allowed', at: '1:1-1:3', says: ['only layers take a label'], fixed: 'network x' },
  { src: 'conv 6 5x5 dense 10', code: 'one-statement-per-line', at: '1:12-1:17', says: ['`dense 10`'], fixed: 'conv 6 5x5\ndense 10' },
  { src: 'conv 6\n  5x5 relu', code: 'statement-split', at: '2:3-2:11', says: ['may not span lines'], fixed: 'conv 6 5x5 relu' },
  { src: 'repeat 2\n{\n  relu\n}', code: 'statement-split', at: '2:1-2:2', says: ['`{` must end the line'], fixed: 'repeat 2 {\n  relu\n}' },
  { src: 'repeat 2 {\n  relu\n', code: 'unclosed-block', at: '1:1-1:11', says: ['`repeat 2 {` on line 1 is never closed'], fixed: 'repeat 2 {\n  relu\n}\n' },
  { src: 'input 4\r\n  repeat 2 {\r\n    relu # r', code: 'unclosed-block', at: '2:3-2:13', says: ['on line 2'], fixed: 'input 4\r\n  repeat 2 {\r\n    relu # r\r\n  }' },
  { src: 'repeat 2 {', code: 'unclosed-block', at: '1:1-1:11', says: ['never closed'], fixed: 'repeat 2 {\n}' },
  { src: 'relu\n}\n', code: 'unmatched-brace', at: '2:1-2:2', says: ['without a matching `{`'], fixed: 'relu\n\n' },
  { src: 'repeat 3\nrelu', code: 'missing-block', at: '1:1-1:9', says: ['needs a block'] },
  { src: 'dense 10 {\n  relu\n}', code: 'unexpected-block', at: '1:10-1:11', says: ['does not take a block'] },
  { src: 'c1:\nrelu', code: 'syntax', at: '1:1-1:4', says: ['label `c1:` must be followed by a layer'] },
  { src: '5x5 relu', code: 'syntax', at: '1:1-1:4', says: ['cannot start with `5x5`'] },
  { src: '{\n  relu\n}', code: 'syntax', at: '1:1-1:2', says: ['a block needs a keyword'] },
  { src: 'repeat 2 { relu\n}', code: 'syntax', at: '1:12-1:16', says: ['`{` must end its line'] },
  { src: 'repeat 2 {\n  relu }', code: 'syntax', at: '2:8-2:9', says: ['`}` must be on a line of its own'] },
  { src: 'repeat 2 {\n  relu\n} relu', code: 'syntax', at: '3:3-3:7', says: ['move `relu` to the next line'] },
];

describe('syntax diagnostics', () => {
  for (const c of CASES) {
    it(`${c.code}: ${JSON.stringify(c.src)}`, () => {
      const ds = diags(c.src);
      expect(where(ds)).toEqual([`${c.code}@${c.at}`]);
      const d = ds[0]!;
      expect(d.severity).toBe('error');
      for (const s of c.says) expect(d.message).toContain(s);
      if (c.fixed !== undefined) {
        expect(d.fixes?.length).toBeGreaterThan(0);
        const fixed = applyFix(c.src, d.fixes![0]!);
        expect(fixed).toBe(c.fixed);
        expect(diags(fixed)).toEqual([]);
      }
    });
  }

  it('names layer and numbers in messages, on one line', () => {
    for (const c of CASES) for (const d of diags(c.src)) expect(d.message).not.toMatch(/\n/);
  });
});

describe('what the AST keeps around an error', () => {
  it('a joined size is read as the size meant', () => {
    const r = buildAst('conv 6 5 x 5 stride 2x 2', 'm.cnn');
    expect(shape(r.program.statements[0])).toMatchObject({
      count: { value: 6 }, size: { values: [{ value: 5 }, { value: 5 }] },
      options: [{ name: 'stride', value: { values: [{ value: 2 }, { value: 2 }] } }],
    });
  });

  it('a label without its colon still labels the layer', () => {
    const s = buildAst('c1 conv 6 5x5', 'm.cnn').program.statements;
    expect(shape(s)).toMatchObject([{ kind: 'layer', label: { name: 'c1' }, layer: 'conv' }]);
  });

  it('two statements on one line are both kept', () => {
    const s = buildAst('conv 6 5x5 dense 10 relu', 'm.cnn').program.statements as LayerStmt[];
    expect(s.map((x) => x.layer)).toEqual(['conv', 'dense']);
    expect(s[1]!.activation?.kind).toBe('relu');
  });

  it('a statement split over two lines is read whole', () => {
    const s = buildAst('conv 6\n  5x5 relu', 'm.cnn').program.statements as LayerStmt[];
    expect(shape(s)).toMatchObject([{ layer: 'conv', count: { value: 6 }, size: { values: [{ value: 5 }, { value: 5 }] }, activation: { kind: 'relu' } }]);
  });

  it('the body of a broken or misplaced block is kept', () => {
    for (const src of ['repeat {\n  relu\n}', 'residual {\n  relu\n}', 'dense 10 {\n  relu\n}', '{\n  relu\n}']) {
      const s = buildAst(src, 'm.cnn').program.statements as LayerStmt[];
      expect(s.map((x) => x.layer).filter((l) => l === 'relu')).toHaveLength(1);
    }
    const open = buildAst('repeat 2 {\n  relu\n  flatten', 'm.cnn').program.statements;
    expect(shape(open)).toMatchObject([{ kind: 'repeat', count: { value: 2 }, body: [{ layer: 'relu' }, { layer: 'flatten' }] }]);
  });

  it('nesting deeper than the limit is one error, not a crash', () => {
    const d = 'repeat 2 {\n'.repeat(80) + 'relu\n' + '}\n'.repeat(80);
    const r = buildAst(d, 'm.cnn');
    expect(r.diagnostics.map((x) => x.code)).toEqual(['too-deep']);
    expect(r.diagnostics[0]!.range.start.line).toBe(65);
  });
});
