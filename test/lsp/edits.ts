// Random edits and requests for the language server's fuzz and abuse tests (fast-check): valid
// pieces of lines, garbage characters (control bytes, lone surrogates), huge numbers, line breaks
// of every kind, braces; and what it means for a published range to lie inside a document.

import fc from 'fast-check';
import type { Range } from 'vscode-languageserver/node';

export const SNIPPETS = [
  'network n', 'input 1x28x28', 'input 3', 'c1: ', 'conv 6 5x5 relu', 'conv 8 3x3 stride 2 pad same', 'maxpool 2',
  'avgpool 3 stride 1 pad 1', 'globalavgpool', 'flatten', 'dense 10', 'dense 3000000000', 'softmax', 'relu',
  'leakyrelu -0.5', 'dropout 1', 'dropout 0.5', 'repeat 3 {', 'repeat 99999999 {', '}', '{', ':', '#', '# note',
  'loss cross_entropy', 'loss mse', 'pad', 'full', 'dilation 2x1', 'nobias', '99999999999999999999999', '1e999',
  '2147483648', '-1', '0x0', '5x', '\n', '\n', '\r\n', '\r', ' ', '\t', 'é😀',
];

const junkChar = fc.integer({ min: 0, max: 0xffff }).map((c) => String.fromCharCode(c));

const cheap = [
  { weight: 4, arbitrary: fc.constantFrom(...SNIPPETS) },
  { weight: 2, arbitrary: fc.array(fc.constantFrom(...SNIPPETS), { maxLength: 5 }).map((a) => a.join(' ')) },
  { weight: 1, arbitrary: fc.string({ unit: junkChar, maxLength: 6 }) },
  { weight: 1, arbitrary: fc.constant('') },
];

export const insertText: fc.Arbitrary<string> = fc.oneof(
  ...cheap,
  // rare and costly: many lines at once, and blocks nested past the parser's depth limit (whose
  // repetitions the checker expands up to its limit of 100,000 layers, for a second or more)
  { weight: 1, arbitrary: fc.constantFrom('conv 1 1\n'.repeat(40), 'repeat 2 {\n'.repeat(70), 'c9: dense 4\n') },
);

/** insertText without the costly pieces: what thousands of edits in a few seconds are made of. */
export const lightInsertText: fc.Arbitrary<string> = fc.oneof(...cheap, { weight: 1, arbitrary: fc.constant('c9: dense 4\n') });

export type Op =
  | { kind: 'change'; a: number; b: number; text: string }
  | { kind: 'request'; method: string; a: number; b: number }
  | { kind: 'reopen' };

/** Every request the server answers about a position or a range of a document. */
export const REQUESTS = [
  'textDocument/hover', 'textDocument/inlayHint', 'textDocument/completion', 'textDocument/formatting',
  'textDocument/documentSymbol', 'textDocument/codeAction',
];

export const op: fc.Arbitrary<Op> = fc.oneof(
  { weight: 14, arbitrary: fc.record({ kind: fc.constant('change' as const), a: fc.nat(), b: fc.nat(), text: insertText }) },
  { weight: 4, arbitrary: fc.record({ kind: fc.constant('request' as const), method: fc.constantFrom(...REQUESTS), a: fc.nat(), b: fc.nat() }) },
  { weight: 1, arbitrary: fc.constant({ kind: 'reopen' as const }) },
);

/** The parameters of any request in REQUESTS, at `position` (and the range from it to `end`). */
export function requestParams(uri: string, position: Range['start'], end: Range['start'] = position): unknown {
  return {
    textDocument: { uri },
    position,
    range: { start: position, end },
    options: { tabSize: 2, insertSpaces: true },
    context: { diagnostics: [] },
  };
}

/** Whether `range` is ordered and both its ends are on a line of `text`, at most at the line's end. */
export function insideDocument(text: string, range: Range): boolean {
  const lines = text.split(/\r\n|\r|\n/);
  const ok = (p: Range['start']): boolean =>
    Number.isInteger(p.line) && Number.isInteger(p.character) && p.line >= 0 && p.line < lines.length &&
    p.character >= 0 && p.character <= lines[p.line]!.length;
  const ordered = range.start.line < range.end.line ||
    (range.start.line === range.end.line && range.start.character <= range.end.character);
  return ok(range.start) && ok(range.end) && ordered;
}
