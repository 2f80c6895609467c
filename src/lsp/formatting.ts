// Document formatting: exactly formatCnn's text, as one edit over the part that changed (the common
// prefix and suffix are left alone, so the editor keeps the cursor and the undo step small).
// A file with syntax errors gets no edit. Given the document's analysis, its syntax errors are
// known already: the text is only lexed again, not parsed (a 50,000-line file parses for seconds).

import type { TextDocument } from 'vscode-languageserver-textdocument';
import type { TextEdit } from 'vscode-languageserver/node';
import { formatCnn, isFormatError, layoutCnn } from '../fmt/index.js';
import type { Analysis } from './analysis.js';

export function formattingEdits(doc: TextDocument, analysis?: Analysis): TextEdit[] {
  const text = doc.getText();
  const known = analysis !== undefined && analysis.text === text;
  if (known && analysis.syntaxErrors.length > 0) return [];
  const result = known ? layoutCnn(text) : formatCnn(text);
  if (isFormatError(result) || !result.changed) return [];
  return [minimalEdit(doc, text, result.text)];
}

/** One edit turning `before` into `after`, spanning only what differs. */
export function minimalEdit(doc: TextDocument, before: string, after: string): TextEdit {
  let start = 0;
  const max = Math.min(before.length, after.length);
  while (start < max && before.charCodeAt(start) === after.charCodeAt(start)) start++;
  let end = 0;
  while (end < max - start && before.charCodeAt(before.length - 1 - end) === after.charCodeAt(after.length - 1 - end)) end++;
  // Never split a `\r\n` or a surrogate pair: widen to whole characters and line breaks.
  while (start > 0 && splits(before, start)) start--;
  while (end > 0 && splits(before, before.length - end)) end--;
  return {
    range: { start: doc.positionAt(start), end: doc.positionAt(before.length - end) },
    newText: after.slice(start, after.length - end),
  };
}

function splits(text: string, i: number): boolean {
  const prev = text.charCodeAt(i - 1);
  const next = text.charCodeAt(i);
  return (prev === 13 && next === 10) || (prev >= 0xd800 && prev <= 0xdbff && next >= 0xdc00 && next <= 0xdfff);
}
