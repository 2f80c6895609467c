import { describe, expect, it } from 'vitest';
import {
  ACTIVATION_KEYWORDS, LAYER_KEYWORDS, MAX_BLOCK_DEPTH, OPTION_KEYWORDS, PAD_MODES, type ParseNode, parseCnn,
  STATEMENT_KEYWORDS,
} from '../../grammar/index.js';

/** The rule names of a parse tree, depth first in source order, with `!` on nodes cut short by recovery. */
function rules(node: ParseNode, out: string[] = []): string[] {
  out.push(node.rule + (node.recovered ? '!' : ''));
  for (const value of Object.values(node)) {
    for (const v of Array.isArray(value) ? value : [value]) {
      if (typeof v === 'object' && v !== null && typeof (v as { rule?: unknown }).rule === 'string') rules(v as ParseNode, out);
    }
  }
  return out;
}

const LENET = `# LeNet-5
network lenet5
input 1x32x32

c1: conv 6 5x5 relu          # -> 6x28x28
s2: maxpool 2x2
c3: conv 16 5x5 stride 1 pad same dilation 1 nobias leakyrelu 0.2
flatten
repeat 2 {
  f: dense 84 relu
  repeat 3 {
    dropout 0.5
  }
}
out: dense 10
softmax

loss cross_entropy
`;

describe('parser', () => {
  it('parses a whole valid file without errors', () => {
    const out = parseCnn(LENET);
    expect(out.lexErrors).toEqual([]);
    expect(out.parseErrors).toEqual([]);
    const r = rules(out.tree);
    expect(r.filter((n) => n.endsWith('Stmt'))).toEqual([
      'networkStmt', 'inputStmt', 'layerStmt', 'layerStmt', 'layerStmt', 'layerStmt', 'repeatStmt', 'layerStmt',
      'repeatStmt', 'layerStmt', 'layerStmt', 'layerStmt', 'lossStmt',
    ]);
    expect(r.filter((n) => n === 'block')).toHaveLength(2);
    expect(r.filter((n) => n === 'optionClause')).toHaveLength(4);
    expect(r.filter((n) => n === 'label')).toHaveLength(5);
  });

  it('reads a line that starts with a name as an unknown statement, and a future block', () => {
    const out = parseCnn('convv 6 5x5\nresidual {\n  relu\n}\n');
    expect(out.parseErrors).toEqual([]);
    expect(rules(out.tree).filter((n) => n.endsWith('Stmt'))).toEqual(['unknownStmt', 'unknownStmt', 'layerStmt']);
  });

  it('recovers after a structural error and parses the following lines', () => {
    const out = parseCnn('repeat 2 { relu\n}\nconv 6 5x5 }\n} dense\nflatten\n');
    expect(out.parseErrors.map((e) => e.token.image)).toEqual(['relu', '}', 'dense']);
    const r = rules(out.tree);
    expect(r.filter((n) => n.endsWith('Stmt'))).toEqual(['repeatStmt', 'layerStmt', 'layerStmt', 'layerStmt', 'layerStmt']);
  });

  it('reports a block left open at the end of the file', () => {
    const out = parseCnn('repeat 2 {\n  relu\n');
    expect(out.parseErrors).toHaveLength(1);
    expect(rules(out.tree)).toContain('block!');
  });

  it('stops reading blocks nested deeper than MAX_BLOCK_DEPTH instead of overflowing the stack', () => {
    const deep = 'repeat 2 {\n'.repeat(MAX_BLOCK_DEPTH + 1) + 'relu\n' + '}\n'.repeat(MAX_BLOCK_DEPTH + 1);
    const out = parseCnn(deep);
    expect(out.truncatedAt).toBe('repeat 2 {\n'.length * MAX_BLOCK_DEPTH + 'repeat 2 '.length);
    const ok = parseCnn('repeat 2 {\n'.repeat(MAX_BLOCK_DEPTH) + 'relu\n' + '}\n'.repeat(MAX_BLOCK_DEPTH));
    expect(ok.truncatedAt).toBeUndefined();
    expect(ok.parseErrors).toEqual([]);
    expect(() => parseCnn('{'.repeat(100_000))).not.toThrow();
  });

  it('is reusable: one parse does not leak into the next', () => {
    expect(parseCnn('repeat {').parseErrors.length).toBeGreaterThan(0);
    expect(parseCnn('relu\n').parseErrors).toEqual([]);
  });

  it('exports the keyword lists for completion', () => {
    expect(STATEMENT_KEYWORDS).toEqual(['network', 'input', 'repeat', 'loss']);
    expect(LAYER_KEYWORDS).toHaveLength(12);
    expect(ACTIVATION_KEYWORDS.every((a) => (LAYER_KEYWORDS as readonly string[]).includes(a))).toBe(true);
    expect(OPTION_KEYWORDS).toEqual(['stride', 'pad', 'dilation', 'nobias']);
    expect(PAD_MODES).toEqual(['valid', 'same', 'full']);
  });
});
