// cnnc's diagnostics and ranges -> LSP's. cnnc positions carry 0-based UTF-16 offsets, which is
// what LSP positions count in (the default `utf-16` position encoding); converting through the
// offsets (not the 1-based line/column) lets TextDocument keep every position off the middle of a
// `\r\n` and inside the text.

import type { TextDocument } from 'vscode-languageserver-textdocument';
import {
  DiagnosticSeverity,
  type Diagnostic as LspDiagnostic,
  type Position,
  type Range,
  type TextEdit,
} from 'vscode-languageserver/node';
import type { Diagnostic, Fix, Severity, SourceRange } from '../diagnostics.js';

export const SOURCE = 'cnnc';

const SEVERITY: Readonly<Record<Severity, DiagnosticSeverity>> = {
  error: DiagnosticSeverity.Error,
  warning: DiagnosticSeverity.Warning,
  info: DiagnosticSeverity.Information,
};

export function toLspRange(doc: TextDocument, range: SourceRange): Range {
  const start = doc.positionAt(range.start.offset);
  const end = doc.positionAt(Math.max(range.start.offset, range.end.offset));
  return { start, end };
}

export function toLspDiagnostic(doc: TextDocument, d: Diagnostic): LspDiagnostic {
  return {
    range: toLspRange(doc, d.range),
    severity: SEVERITY[d.severity] ?? DiagnosticSeverity.Error,
    code: d.code,
    source: SOURCE,
    message: d.message,
  };
}

export function toTextEdit(doc: TextDocument, fix: Fix): TextEdit {
  return { range: toLspRange(doc, fix.range), newText: fix.replacement };
}

/**
 * Whether a position names a place in the document: a line that exists, a character of 0 or more
 * (one past the line's end means its end, as LSP says). Requests about other positions (a client
 * out of step, or a hostile one) get an empty answer rather than the nearest line's.
 */
export function inDocument(doc: TextDocument, p: Position): boolean {
  return Number.isInteger(p.line) && Number.isInteger(p.character) && p.line >= 0 && p.line < doc.lineCount &&
    p.character >= 0;
}
