// checkProgram on ASTs built by hand: shapes of input the parser never gives (negative numbers,
// four-number inputs, options on the wrong layer, statements inside repeat), and the AST builder's
// errors taking precedence over the checker's argument checks.

import { describe, expect, it } from 'vitest';
import { buildAst } from '../../src/ast/index.js';
import { checkProgram } from '../../src/check/check.js';
import type { Diagnostic } from '../../src/diagnostics.js';
import { buildProgram, type StmtDesc } from './ast-builder.js';

function run(descs: StmtDesc[], astDiagnostics: Diagnostic[] = []) {
  const { program, text } = buildProgram('t.cnn', descs);
  const r = checkProgram(program, astDiagnostics);
  return { ...r, text, found: r.diagnostics.map((d) => [d.code, d.message, text.slice(d.range.start.offset, d.range.end.offset)]) };
}

describe('checkProgram on hand-built ASTs', () => {
  it('builds the AST buildAst parses from the same text (so its ranges are real ones)', () => {
    const { program, text } = buildProgram('t.cnn', [
      { network: 'n' }, { input: '1x32x32' },
      { label: 'c1', layer: 'conv', count: '6', size: '5x5', options: [['stride', '1x2'], ['pad', 'same'], ['nobias']], act: 'leakyrelu', slope: '0.2' },
      { repeat: '2', body: [{ layer: 'maxpool', size: '2', options: [['pad', '1']] }, { repeat: '3', body: [{ layer: 'dropout', rate: '.5' }] }] },
      { layer: 'dense', count: '10', act: 'relu' },
      { loss: 'mse' },
    ]);
    const ast = buildAst(text, 't.cnn');
    expect(ast.diagnostics).toEqual([]);
    expect(ast.program).toEqual(program);
  });

  it('checks LeNet-5 to 61,706 parameters without the parser', () => {
    const r = run([
      { network: 'lenet5' }, { input: '1x32x32' },
      { label: 'c1', layer: 'conv', count: '6', size: '5x5', act: 'relu' },
      { label: 's2', layer: 'maxpool', size: '2x2' },
      { label: 'c3', layer: 'conv', count: '16', size: '5x5', act: 'relu' },
      { label: 's4', layer: 'maxpool', size: '2x2' },
      { label: 'c5', layer: 'conv', count: '120', size: '5x5', act: 'relu' },
      { layer: 'flatten' },
      { label: 'f6', layer: 'dense', count: '84', act: 'relu' },
      { label: 'out', layer: 'dense', count: '10' },
      { layer: 'softmax' }, { loss: 'cross_entropy' },
    ]);
    expect(r.diagnostics).toEqual([]);
    expect(r.network!.paramCount).toBe(61_706);
  });

  it('reports negative numbers', () => {
    const r = run([{ input: '1x8x8' }, { layer: 'conv', count: '-2', size: '3', options: [['pad', '-1']] }]);
    expect(r.found).toEqual([
      ['not-positive', 'conv1: the filter count must be at least 1, got -2', '-2'],
      ['negative-padding', 'conv1: the padding must be 0 or more, got -1', '-1'],
    ]);
  });

  it('reports malformed sizes and inputs', () => {
    const r = run([{ input: '1x2x3x4' }, { layer: 'conv', count: '2', size: '1x3x3' }]);
    expect(r.found).toEqual([
      ['too-many-dims', 'input is written N, HxW or CxHxW, got 1x2x3x4', '1x2x3x4'],
      ['too-many-dims', 'conv1: the kernel size is written N or HxW, got 1x3x3', '1x3x3'],
    ]);
  });

  it('reports missing, unexpected and repeated arguments', () => {
    const r = run([
      { input: '1x8x8' },
      { layer: 'conv', count: '2' },
      { layer: 'maxpool', size: '2', count: '3', options: [['dilation', '2']], act: 'relu' },
      { layer: 'conv', count: '2', size: '3', options: [['stride', '1'], ['stride', '1']] },
      { layer: 'dropout' },
    ]);
    expect(r.found).toEqual([
      ['missing-argument', 'conv1: conv needs a kernel size', 'conv'],
      ['extra-argument', 'maxpool1: maxpool takes no argument here', '3'],
      ['option-not-allowed', 'maxpool1: maxpool takes no `dilation` option', 'dilation 2'],
      ['option-not-allowed', 'maxpool1: maxpool takes no trailing activation; write it on its own line', 'relu'],
      ['duplicate-option', 'conv2: `stride` is given twice', 'stride 1'],
      ['missing-argument', 'dropout1: dropout needs a rate', 'dropout'],
    ]);
    expect(r.network).toBeUndefined();
  });

  it('leaves argument errors to the AST builder when it reported there', () => {
    const { program, text } = buildProgram('t.cnn', [{ input: '1x8x8' }, { layer: 'conv', count: '2' }]);
    const line2 = program.statements[1]!.range;
    const astError: Diagnostic = { severity: 'error', code: 'syntax-x', message: 'conv is missing its size', range: line2 };
    const r = checkProgram(program, [astError]);
    expect(r.diagnostics).toEqual([astError]);
    expect(text).toBe('input 1x8x8\nconv 2\n');
  });

  it('keeps quiet about a missing input or layers when the AST builder reported errors', () => {
    const { program } = buildProgram('t.cnn', [{ network: 'n' }]);
    const range = program.statements[0]!.range;
    const astError: Diagnostic = { severity: 'error', code: 'syntax-x', message: 'bad line', range };
    expect(checkProgram(program, [astError]).diagnostics).toEqual([astError]);
    expect(checkProgram(program).diagnostics.map((d) => d.code)).toEqual(['missing-input', 'no-layers']);
  });

  it('never gives a network when the AST builder reported an error, and merges its diagnostics in order', () => {
    const { program } = buildProgram('t.cnn', [{ input: '4' }, { layer: 'relu' }, { layer: 'relu' }]);
    const astError: Diagnostic = { severity: 'error', code: 'syntax-x', message: 'x', range: program.statements[2]!.range };
    const r = checkProgram(program, [astError]);
    expect(r.network).toBeUndefined();
    expect(r.diagnostics.map((d) => d.code)).toEqual(['syntax-x', 'double-activation']);
  });

  it('rejects network, input and loss inside repeat', () => {
    const r = run([{ input: '4' }, { repeat: '2', body: [{ input: '4' }, { layer: 'dense', count: '2' }, { loss: 'mse' }] }]);
    expect(r.found).toEqual([
      ['not-in-repeat', '`input` cannot be inside `repeat`', 'input 4'],
      ['not-in-repeat', '`loss` cannot be inside `repeat`', 'loss mse'],
    ]);
  });
});
