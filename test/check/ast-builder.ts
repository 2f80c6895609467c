// Builds AST programs from structured descriptions, laying each statement out as the source text
// it stands for (one statement per line, two spaces of indentation per repeat level), so every
// node's range is what a parser would give for that text. Lets checker tests reach ASTs a parser
// would reject (negative numbers, four-number inputs, options on the wrong kind) and cross-check
// the real AST builder on the rendered text.

import type {
  ActivationKeyword,
  Dims,
  Ident,
  LayerKeyword,
  LayerOption,
  LayerStmt,
  NumberLit,
  Program,
  Stmt,
} from '../../src/ast/types.js';
import type { Position, SourceRange } from '../../src/diagnostics.js';

export type StmtDesc =
  | { network: string }
  | { input: string }
  | { loss: string }
  | { repeat: string; body: StmtDesc[] }
  | LayerDesc;

export interface LayerDesc {
  layer: LayerKeyword;
  label?: string;
  count?: string;
  size?: string;
  rate?: string;
  /** [name] for nobias, [name, value] otherwise; value is a size or valid/same/full */
  options?: ([string] | [string, string])[];
  act?: ActivationKeyword;
  slope?: string;
}

class Cursor {
  line = 1;
  column = 1;
  offset = 0;
  text = '';
  pos(): Position {
    return { line: this.line, column: this.column, offset: this.offset };
  }
  write(s: string): SourceRange {
    const start = this.pos();
    this.text += s;
    this.column += s.length;
    this.offset += s.length;
    return { start, end: this.pos() };
  }
  newline(): void {
    this.text += '\n';
    this.line += 1;
    this.column = 1;
    this.offset += 1;
  }
}

function numberLit(c: Cursor, text: string): NumberLit {
  return { range: c.write(text), text, value: Number(text), isInteger: /^-?[0-9]+$/.test(text) };
}

function dims(c: Cursor, text: string): Dims {
  const start = c.pos();
  const values: NumberLit[] = [];
  text.split('x').forEach((part, i) => {
    if (i > 0) c.write('x');
    values.push(numberLit(c, part));
  });
  return { range: { start, end: c.pos() }, values };
}

function ident(c: Cursor, name: string): Ident {
  return { range: c.write(name), name };
}

function layerStmt(c: Cursor, d: LayerDesc): LayerStmt {
  const start = c.pos();
  let label: Ident | undefined;
  if (d.label !== undefined) {
    label = ident(c, d.label);
    c.write(': ');
  }
  const layerRange = c.write(d.layer);
  const count = d.count !== undefined ? (c.write(' '), numberLit(c, d.count)) : undefined;
  const size = d.size !== undefined ? (c.write(' '), dims(c, d.size)) : undefined;
  const rate = d.rate !== undefined ? (c.write(' '), numberLit(c, d.rate)) : undefined;
  const options: LayerOption[] = [];
  for (const [name, value] of d.options ?? []) {
    c.write(' ');
    const os = c.pos();
    c.write(name);
    if (name === 'nobias') {
      options.push({ range: { start: os, end: c.pos() }, name: 'nobias' });
      continue;
    }
    c.write(' ');
    if (name === 'pad' && (value === 'valid' || value === 'same' || value === 'full')) {
      const mode = { range: c.write(value), mode: value } as const;
      options.push({ range: { start: os, end: c.pos() }, name: 'pad', value: mode });
    } else {
      const v = dims(c, value ?? '');
      options.push({ range: { start: os, end: c.pos() }, name: name as 'stride' | 'dilation' | 'pad', value: v });
    }
  }
  let activation: LayerStmt['activation'];
  if (d.act !== undefined) {
    c.write(' ');
    const as = c.pos();
    c.write(d.act);
    const slope = d.slope !== undefined ? (c.write(' '), numberLit(c, d.slope)) : undefined;
    activation = { range: { start: as, end: c.pos() }, kind: d.act, ...(slope ? { slope } : {}) };
  }
  return {
    kind: 'layer',
    range: { start, end: c.pos() },
    ...(label ? { label } : {}),
    layer: d.layer,
    layerRange,
    ...(count ? { count } : {}),
    ...(size ? { size } : {}),
    ...(rate ? { rate } : {}),
    options,
    ...(activation ? { activation } : {}),
  };
}

function stmt(c: Cursor, d: StmtDesc, depth: number): Stmt {
  c.write('  '.repeat(depth));
  const start = c.pos();
  if ('network' in d) {
    c.write('network ');
    const name = ident(c, d.network);
    return { kind: 'network', name, range: { start, end: c.pos() } };
  }
  if ('input' in d) {
    c.write('input ');
    const shape = dims(c, d.input);
    return { kind: 'input', shape, range: { start, end: c.pos() } };
  }
  if ('loss' in d) {
    c.write('loss ');
    const fn = ident(c, d.loss);
    return { kind: 'loss', fn, range: { start, end: c.pos() } };
  }
  if ('repeat' in d) {
    c.write('repeat ');
    const count = numberLit(c, d.repeat);
    c.write(' {');
    const body: Stmt[] = [];
    for (const b of d.body) {
      c.newline();
      body.push(stmt(c, b, depth + 1));
    }
    c.newline();
    c.write('  '.repeat(depth));
    c.write('}');
    return { kind: 'repeat', count, body, range: { start, end: c.pos() } };
  }
  return layerStmt(c, d);
}

/** The program and the source text it was laid out as. */
export function buildProgram(file: string, descs: StmtDesc[]): { program: Program; text: string } {
  const c = new Cursor();
  const statements: Stmt[] = [];
  descs.forEach((d, i) => {
    if (i > 0) c.newline();
    statements.push(stmt(c, d, 0));
  });
  c.newline();
  return { program: { file, statements }, text: c.text };
}
