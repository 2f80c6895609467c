// Code actions: a quick fix for each fix a diagnostic carries (src/diagnostics.ts `fixes`), for the
// diagnostics on the lines of the requested range (so the fix is offered wherever the cursor is on
// the line, not only on the underlined characters).

import { CodeActionKind, type CodeAction, type Range } from 'vscode-languageserver/node';
import type { Analysis } from './analysis.js';
import { toLspDiagnostic, toTextEdit } from './convert.js';

export function codeActions(a: Analysis, uri: string, range: Range): CodeAction[] {
  const actions: CodeAction[] = [];
  for (const d of a.diagnostics) {
    if (d.fixes === undefined || d.fixes.length === 0) continue;
    const diagnostic = toLspDiagnostic(a.doc, d);
    if (diagnostic.range.end.line < range.start.line || diagnostic.range.start.line > range.end.line) continue;
    for (const fix of d.fixes) {
      actions.push({
        title: fix.title,
        kind: CodeActionKind.QuickFix,
        diagnostics: [diagnostic],
        isPreferred: d.fixes.length === 1,
        edit: { changes: { [uri]: [toTextEdit(a.doc, fix)] } },
      });
    }
  }
  return actions;
}
