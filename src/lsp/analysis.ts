// One document's analysis, shared by every language feature: the checker's diagnostics (exactly
// checkSource's), the AST, and the shaped layers of each layer statement.
//
// The checker builds a Network only for a file without errors, but an editor wants the shapes of
// every layer it can shape while the file is still wrong. So when there is no Network, the layer
// walk is run once more through the checker's own stages (expand, program facts, walk) with a
// throwaway sink: the shapes are the checker's, its messages are not duplicated. That second walk
// is done only when a feature asks for shapes (hover, inlay hints, outline), not for diagnostics.

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
import { thousands } from '../summary/index.js';

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
  /** the AST builder's errors among them: a file with any is not formatted (src/fmt) */
  readonly syntaxErrors: readonly Diagnostic[];
  readonly program: Program;
  readonly network?: Network;
  /** the input shape, when the `input` statement could be read (worked out on first use) */
  readonly input?: Shape | undefined;
  /** per layer statement, by the statement's start offset (worked out on first use) */
  readonly statements: ReadonlyMap<number, StatementLayers>;
  /** 0-based LSP positions <-> offsets (UTF-16; `\n`, `\r\n` and `\r` end lines) */
  readonly doc: TextDocument;
}

/**
 * The largest document the server analyses. Analysis keeps about 3.5 KB per layer line (the AST,
 * the shaped layers) and takes about 50 us per line: 200,000 lines are some 700 MB and 10 s. A
 * larger document gets one warning instead of being parsed, so no text can exhaust the memory.
 */
export const MAX_DOCUMENT_LINES = 200_000;
export const MAX_DOCUMENT_CHARS = 8 * 1024 * 1024;
export const TOO_LARGE_CODE = 'too-large-for-editor';

export function analyze(text: string, file = '<input>'): Analysis {
  const source = typeof text === 'string' ? text : String(text);
  const doc = TextDocument.create('cnnc:analysis', 'cnn', 0, source);
  if (doc.lineCount > MAX_DOCUMENT_LINES || source.length > MAX_DOCUMENT_CHARS) return tooLarge(source, file, doc);
  const ast = buildAst(source, file);
  const syntaxErrors = ast.diagnostics.filter((d) => d.severity === 'error');
  const result = checkProgram(ast.program, ast.diagnostics);
  const network = result.network;
  // The shapes are worked out on first use: publishing diagnostics needs none, and after an error
  // they cost a second expansion of every `repeat` (up to 100,000 layers).
  let shapes: Shapes | undefined;
  const shaped = (): Shapes => (shapes ??= layerShapes(ast.program, ast.diagnostics, network));
  return {
    text: source,
    file,
    diagnostics: result.diagnostics,
    syntaxErrors,
    program: ast.program,
    ...(network !== undefined ? { network } : {}),
    get input() {
      return shaped().input;
    },
    get statements() {
      return shaped().statements;
    },
    doc,
  };
}

interface Shapes {
  readonly input: Shape | undefined;
  readonly statements: Map<number, StatementLayers>;
}

/** The shaped layers of each layer statement: the Network's, or the checker's walk once more. */
function layerShapes(program: Program, astDiagnostics: readonly Diagnostic[], network: Network | undefined): Shapes {
  const statements = new Map<number, StatementLayers>();
  const entry = (stmt: LayerStmt): StatementLayers => {
    let e = statements.get(stmt.range.start.offset);
    if (e === undefined) {
      e = { stmt, names: [], layers: [], unshaped: 0 };
      statements.set(stmt.range.start.offset, e);
    }
    return e;
  };
  if (network !== undefined) {
    const byOffset = new Map<number, LayerStmt>();
    forEachLayerStmt(program.statements, (s) => byOffset.set(s.range.start.offset, s));
    for (const layer of network.layers) {
      const stmt = byOffset.get(layer.range.start.offset);
      if (stmt === undefined) continue;
      const e = entry(stmt);
      e.names.push(layer.name);
      e.layers.push(layer);
    }
    return { input: network.input, statements };
  }
  const sink = new DiagnosticSink(astDiagnostics);
  const expanded = expandLayers(program.statements, sink);
  const facts = checkProgramStatements(program, sink, (s) => s.label?.name ?? s.layer);
  const walk = walkLayers(expanded, facts.input, facts.inputStmt, sink);
  for (const w of walk.layers) {
    const e = entry(w.item.source.stmt);
    e.names.push(w.item.name);
    if (w.layer !== undefined) e.layers.push(w.layer);
    else e.unshaped++;
  }
  return { input: facts.input, statements };
}

function tooLarge(text: string, file: string, doc: TextDocument): Analysis {
  const end = doc.offsetAt({ line: 0, character: Number.MAX_SAFE_INTEGER });
  const diagnostic: Diagnostic = {
    severity: 'warning',
    code: TOO_LARGE_CODE,
    message:
      `this file has ${thousands(doc.lineCount)} lines and ${thousands(text.length)} characters; ` +
      `the language server analyses files of up to ${thousands(MAX_DOCUMENT_LINES)} lines and 8 MiB ` +
      '(run `cnnc check` on it)',
    range: { start: { line: 1, column: 1, offset: 0 }, end: { line: 1, column: end + 1, offset: end } },
  };
  return {
    text,
    file,
    diagnostics: [diagnostic],
    // not parsed, so not formatted either
    syntaxErrors: [diagnostic],
    program: { file, statements: [] },
    statements: new Map(),
    doc,
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
