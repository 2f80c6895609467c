// The outline: network, input, each layer (by its final name, with what it is and its output), each
// `repeat` with its body nested, and the loss.

import { SymbolKind, type DocumentSymbol } from 'vscode-languageserver/node';
import type { SourceRange } from '../diagnostics.js';
import type { Stmt } from '../ast/types.js';
import { formatShape } from '../network.js';
import type { Analysis } from './analysis.js';
import { toLspRange } from './convert.js';

export function documentSymbols(a: Analysis): DocumentSymbol[] {
  const symbol = (name: string, detail: string, kind: SymbolKind, range: SourceRange, selection: SourceRange,
    children?: DocumentSymbol[]): DocumentSymbol => ({
    name: name.length > 0 ? name : '?',
    detail,
    kind,
    range: toLspRange(a.doc, range),
    selectionRange: toLspRange(a.doc, selection),
    ...(children !== undefined ? { children } : {}),
  });
  const source = (r: SourceRange): string => a.text.slice(r.start.offset, r.end.offset).replace(/\s+/g, ' ');

  const visit = (stmts: readonly Stmt[]): DocumentSymbol[] =>
    stmts.map((s) => {
      switch (s.kind) {
        case 'network':
          return symbol(s.name.name, 'network', SymbolKind.Namespace, s.range, s.name.range);
        case 'input':
          return symbol('input', a.input ? formatShape(a.input) : source(s.shape.range), SymbolKind.Variable, s.range, s.range);
        case 'loss':
          return symbol(`loss ${s.fn.name}`, '', SymbolKind.Property, s.range, s.fn.range);
        case 'repeat': {
          const head = { start: s.range.start, end: s.count.range.end };
          return symbol(`repeat ${s.count.text}`, '', SymbolKind.Array, s.range, head, visit(s.body));
        }
        case 'layer': {
          const info = a.statements.get(s.range.start.offset);
          const name = info?.names[0] ?? s.label?.name ?? s.layer;
          const body = source({ start: s.layerRange.start, end: s.range.end });
          const last = info?.layers[info.layers.length - 1];
          const detail = last !== undefined && info!.unshaped === 0 ? `${body} -> ${formatShape(last.output)}` : body;
          return symbol(name, detail, SymbolKind.Function, s.range, s.label?.range ?? s.layerRange);
        }
      }
    });
  return visit(a.program.statements);
}
