import { describe, expect, it } from 'vitest';
import { buildAst } from '../../src/ast/index.js';
import type { LayerStmt, Stmt } from '../../src/ast/types.js';
import { where } from './helpers.js';

function kinds(stmts: readonly Stmt[]): string[] {
  return stmts.map((s) => (s.kind === 'layer' ? (s as LayerStmt).layer : s.kind));
}

const GOOD = `network lenet5
input 1x32x32
c1: conv 6 5x5 relu
s2: maxpool 2x2
c3: conv 16 5x5 relu
s4: maxpool 2x2
flatten
f6: dense 84 relu
out: dense 10
softmax
loss cross_entropy
`;

describe('error recovery', () => {
  it('three errors on three lines: three diagnostics, every other statement kept', () => {
    const bad = GOOD
      .replace('c3: conv 16 5x5 relu', 'c3: convv 16 5x5 relu')
      .replace('s4: maxpool 2x2', 's4: maxpool 2x2 nobias')
      .replace('f6: dense 84 relu', 'f6: dense 84 relu }');
    const r = buildAst(bad, 'lenet.cnn');
    expect(where(r.diagnostics)).toEqual([
      'unknown-keyword@5:5-5:10',
      'option-not-allowed@6:17-6:23',
      'unmatched-brace@8:19-8:20',
    ]);
    // the misspelt layer is gone; the others are all there, the bad ones read as far as they go
    expect(kinds(r.program.statements)).toEqual([
      'network', 'input', 'conv', 'maxpool', 'maxpool', 'flatten', 'dense', 'dense', 'softmax', 'loss',
    ]);
  });

  it('a structural error early does not hide the errors after it', () => {
    const src = 'input 1x28x28\nrepeat 2 { conv 8 3x3\n  dense 10 stride 2\n}\nmaxpol 2x2\nflatten 9\n';
    const r = buildAst(src, 'm.cnn');
    expect(r.diagnostics.map((d) => [d.code, d.range.start.line])).toEqual([
      ['syntax', 2], ['option-not-allowed', 3], ['unknown-keyword', 5], ['extra-argument', 6],
    ]);
    expect(kinds(r.program.statements)).toEqual(['input', 'repeat', 'flatten']);
    const rep = r.program.statements[1] as { body: readonly Stmt[] };
    expect(kinds(rep.body)).toEqual(['conv', 'dense']);
  });

  it('an unclosed block keeps its body and reports once, at its opening line', () => {
    const r = buildAst('input 4\nrepeat 2 {\n  dense 4\n  relu\n', 'm.cnn');
    expect(where(r.diagnostics)).toEqual(['unclosed-block@2:1-2:11']);
    expect(kinds(r.program.statements)).toEqual(['input', 'repeat']);
  });

  it('an error on every line of a long file is reported on every line', () => {
    const src = Array.from({ length: 300 }, (_, i) => (i % 3 === 0 ? 'conv 6 5x5 }' : i % 3 === 1 ? 'c1:' : 'dense 10 stride 2')).join('\n');
    const r = buildAst(src, 'm.cnn');
    expect(r.diagnostics).toHaveLength(300);
    expect(new Set(r.diagnostics.map((d) => d.range.start.line)).size).toBe(300);
    expect(r.program.statements).toHaveLength(200);
  });
});
