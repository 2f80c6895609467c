// Inlay hints: the output shape at the end of each layer line (`-> 6x24x24`), and the full input
// shape after an `input` that leaves out the channels (`input 28x28` -> 1x28x28).

import { InlayHintKind, type InlayHint, type Range } from 'vscode-languageserver/node';
import type { Stmt } from '../ast/types.js';
import { formatShape } from '../network.js';
import type { Analysis } from './analysis.js';

/** Distinct outputs listed in full for a statement inside `repeat`; more are shortened. */
const MAX_LISTED = 3;

export function inlayHints(a: Analysis, range?: Range): InlayHint[] {
  const first = range?.start.line ?? 0;
  const last = range?.end.line ?? Number.MAX_SAFE_INTEGER;
  const hints: InlayHint[] = [];
  const visit = (stmts: readonly Stmt[]): void => {
    for (const s of stmts) {
      const line = s.range.end.line - 1;
      if (s.kind === 'repeat') {
        if (s.range.end.line - 1 >= first && s.range.start.line - 1 <= last) visit(s.body);
        continue;
      }
      if (line < first || line > last) continue;
      const label = hintLabel(a, s);
      if (label === undefined) continue;
      hints.push({
        position: a.doc.positionAt(s.range.end.offset),
        label,
        kind: InlayHintKind.Type,
        paddingLeft: true,
      });
    }
  };
  visit(a.program.statements);
  return hints;
}

function hintLabel(a: Analysis, s: Stmt): string | undefined {
  if (s.kind === 'input') {
    return a.input !== undefined && a.input.length !== s.shape.values.length ? `-> ${formatShape(a.input)}` : undefined;
  }
  if (s.kind !== 'layer') return undefined;
  const info = a.statements.get(s.range.start.offset);
  if (info === undefined || info.layers.length === 0) return undefined;
  // One output per repetition: the statement's last layer in each (its activation, if it has one).
  const perStatement = s.activation !== undefined ? 2 : 1;
  const outputs: string[] = [];
  for (let i = perStatement - 1; i < info.layers.length; i += perStatement) outputs.push(formatShape(info.layers[i]!.output));
  if (outputs.length === 0) outputs.push(formatShape(info.layers[info.layers.length - 1]!.output));
  const distinct = outputs.filter((o, i) => i === 0 || o !== outputs[i - 1]);
  let text: string;
  if (distinct.length === 1) text = distinct[0]!;
  else if (distinct.length <= MAX_LISTED) text = distinct.join(', ');
  else text = `${distinct[0]}, ${distinct[1]}, …, ${distinct[distinct.length - 1]} (${outputs.length} repetitions)`;
  const incomplete = info.unshaped > 0 ? ', then unknown' : '';
  return `-> ${text}${incomplete}`;
}
