// One document's analysis, shared by every language feature: the checker's diagnostics (exactly
// checkSource's), the AST, and the shaped layers of each layer statement.
//
// The checker builds a Network only for a file without errors, but an editor wants the shapes of
// every layer it can shape while the file is still wrong. So when there is no Network, the layer
// walk is run once more through the checker's own stages (expand, program facts, walk) with a
// throwaway sink: the shapes are the checker's, its messages are not duplicated.

import { TextDocument } from 'vscode-languageserver-textdocument';
import { buildAst } from '../ast/index.js';
import type { LayerStmt, Program, Stmt } from '../ast/types.js';
import { checkProgram } from '../check/index.js';
import { expandLayers } from '../check/expand.js';
import { checkProgramStatements } from '../check/program.js';
import { DiagnosticSink } from '../check/sink.js';
import { walkLayers } from '../check/walk.js';
import type { Diagnostic } from '../diagnostics.js';
import type { Layer, Network, Shape } from '../network.js';

/** The layers one statement expands to (a `repeat` body runs N times; `conv ... relu` is two). */
export interface StatementLayers {
  readonly stmt: LayerStmt;
  /** final names of every layer the statement made, shaped or not, in order */
  readonly names: string[];
  /** the shaped ones, in order */
  readonly layers: Layer[];
  /** how many of the statement's layers have no known shape (after an error, or a barrier) */
  unshaped: number;
}

export interface Analysis {
  readonly text: string;
  readonly file: string;
  /** the checker's diagnostics, sorted */
  readonly diagnostics: readonly Diagnostic[];
  readonly program: Program;
  readonly network?: Network;
  /** the input shape, when the `input` statement could be read */
  readonly input?: Shape;
  /** per layer statement, by the statement's start offset */
  readonly statements: ReadonlyMap<number, StatementLayers>;
  /** 0-based LSP positions <-> offsets (UTF-16; `\n`, `\r\n` and `\r` end lines) */
  readonly doc: TextDocument;
}

export function analyze(text: string, file = '<input>'): Analysis {
  const source = typeof text === 'string' ? text : String(text);
  const ast = buildAst(source, file);
  const result = checkProgram(ast.program, ast.diagnostics);
  const statements = new Map<number, StatementLayers>();
  const entry = (stmt: LayerStmt): StatementLayers => {
    let e = statements.get(stmt.range.start.offset);
    if (e === undefined) {
      e = { stmt, names: [], layers: [], unshaped: 0 };
      statements.set(stmt.range.start.offset, e);
    }
    return e;
  };
  let input: Shape | undefined;
  const network = result.network;
  if (network !== undefined) {
    input = network.input;
    const byOffset = new Map<number, LayerStmt>();
    forEachLayerStmt(ast.program.statements, (s) => byOffset.set(s.range.start.offset, s));
    for (const layer of network.layers) {
      const stmt = byOffset.get(layer.range.start.offset);
      if (stmt === undefined) continue;
      const e = entry(stmt);
      e.names.push(layer.name);
      e.layers.push(layer);
    }
  } else {
    const sink = new DiagnosticSink(ast.diagnostics);
    const expanded = expandLayers(ast.program.statements, sink);
    const facts = checkProgramStatements(ast.program, sink, (s) => s.label?.name ?? s.layer);
    input = facts.input;
    const walk = walkLayers(expanded, facts.input, facts.inputStmt, sink);
    for (const w of walk.layers) {
      const e = entry(w.item.source.stmt);
      e.names.push(w.item.name);
      if (w.layer !== undefined) e.layers.push(w.layer);
      else e.unshaped++;
    }
  }
  return {
    text: source,
    file,
    diagnostics: result.diagnostics,
    program: ast.program,
    ...(network !== undefined ? { network } : {}),
    ...(input !== undefined ? { input } : {}),
    statements,
    doc: TextDocument.create('cnnc:analysis', 'cnn', 0, source),
  };
}

export function forEachLayerStmt(stmts: readonly Stmt[], f: (s: LayerStmt) => void): void {
  for (const s of stmts) {
    if (s.kind === 'layer') f(s);
    else if (s.kind === 'repeat') forEachLayerStmt(s.body, f);
  }
}

/** The innermost statement whose line holds `offset` (a `repeat` counts only on its own line). */
export function statementAtLine(program: Program, doc: TextDocument, offset: number): Stmt | undefined {
  const line = doc.positionAt(offset).line;
  const find = (stmts: readonly Stmt[]): Stmt | undefined => {
    for (const s of stmts) {
      const first = s.range.start.line - 1;
      const last = s.range.end.line - 1;
      if (line < first || line > last) continue;
      if (s.kind === 'repeat') {
        const inner = find(s.body);
        if (inner !== undefined) return inner;
        if (line === first) return s;
        continue;
      }
      return s;
    }
    return undefined;
  };
  return find(program.statements);
}
