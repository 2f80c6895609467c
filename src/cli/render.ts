// Diagnostics for people (rustc/tsc style) and for programs (JSON). Used by `check`, `summary` and
// `compile`; the message and code are the ones the language server shows.
//
//   examples/errors/kernel-too-big.cnn:9:1: error: c3: conv 5x5 does not fit ... [kernel-too-big]
//    9 | c3: conv 16 5x5 relu
//      | ^~~~~~~~~~~~~~~~~~~~
//      = help: use pad 2 (keeps ...)
//
// Lines and columns are 1-based; the underline is found from the 0-based offsets, so it is right
// whatever line terminators (\n, \r\n, \r) the file uses.

import type { Diagnostic, Fix, Severity, SourceRange } from '../diagnostics.js';
import { sortDiagnostics } from '../diagnostics.js';
import { paint } from './io.js';

export interface RenderOptions {
  readonly color: boolean;
}

const TAB = '    ';

function severityStyle(severity: Severity): ('red' | 'yellow' | 'bold')[] {
  if (severity === 'error') return ['bold', 'red'];
  if (severity === 'warning') return ['bold', 'yellow'];
  return ['bold'];
}

/**
 * Start of the line holding `offset`: from the diagnostic's column when the text agrees (a line
 * break, or the start of the text, just before it), else by scanning back. Trusting the column
 * keeps each excerpt's cost independent of the length of its line.
 */
function lineStartOf(source: string, offset: number, column: number): number {
  const guess = offset - (column - 1);
  if (Number.isInteger(guess) && guess >= 0 && guess <= offset) {
    const before = source[guess - 1];
    if (guess === 0 || before === '\n' || before === '\r') return guess;
  }
  let start = offset;
  while (start > 0 && source[start - 1] !== '\n' && source[start - 1] !== '\r') start--;
  return start;
}

/** Longest piece of a line shown in an excerpt; of a longer line, a window around the range. */
const MAX_SHOWN = 160;
/** How much of a long line is shown before the range. */
const BEFORE = 40;

/** Longest message or fix title printed (a message may quote a million-digit number). */
const MAX_MESSAGE = 500;

/** Control characters and line separators in a message (the file's text) would reach the terminal. */
function printable(text: string): string {
  const cut = text.length > MAX_MESSAGE ? `${text.slice(0, MAX_MESSAGE - 1)}\u2026` : text;
  return cut.replace(/[\u0000-\u001f\u007f-\u009f\u2028\u2029]/g, '\ufffd');
}

/** Terminal columns of a code point: 2 for wide East Asian characters and astral ones (mostly
 * emoji), 0 for combining marks, 1 otherwise. A heuristic, good for comments; `.cnn` code is ASCII. */
function charWidth(cp: number): number {
  if ((cp >= 0x0300 && cp <= 0x036f) || (cp >= 0x200b && cp <= 0x200f) || (cp >= 0xfe00 && cp <= 0xfe0f)) return 0;
  if (
    cp >= 0x10000 ||
    (cp >= 0x1100 && cp <= 0x115f) ||
    (cp >= 0x2e80 && cp <= 0xa4cf) ||
    (cp >= 0xac00 && cp <= 0xd7a3) ||
    (cp >= 0xf900 && cp <= 0xfaff) ||
    (cp >= 0xfe30 && cp <= 0xfe4f) ||
    (cp >= 0xff00 && cp <= 0xff60) ||
    (cp >= 0xffe0 && cp <= 0xffe6)
  ) {
    return 2;
  }
  return 1;
}

/** The line as shown (tabs expanded, control characters replaced) and the display column of each
 * code-unit boundary 0..length (inside a surrogate pair: the column before the pair). */
function displayLine(text: string): { shown: string; columns: number[] } {
  let shown = '';
  let col = 0;
  const columns = [0];
  for (let i = 0; i < text.length; ) {
    const cp = text.codePointAt(i)!;
    const units = cp > 0xffff ? 2 : 1;
    if (cp === 0x09) {
      shown += TAB;
      col += TAB.length;
    } else if (cp < 0x20 || cp === 0x7f || (cp >= 0xd800 && cp <= 0xdfff)) {
      shown += '\ufffd'; // control character or lone surrogate
      col += 1;
    } else {
      shown += String.fromCodePoint(cp);
      col += charWidth(cp);
    }
    if (units === 2) columns.push(columns[columns.length - 1]!);
    columns.push(col);
    i += units;
  }
  return { shown, columns };
}

/** The header line: `file:line:col: error: message [code]`. */
export function renderHeader(d: Diagnostic, file: string, opts: RenderOptions): string {
  const where = `${file}:${d.range.start.line}:${d.range.start.column}:`;
  return `${paint(where, opts.color, 'bold')} ${paint(`${d.severity}:`, opts.color, ...severityStyle(d.severity))} ${paint(printable(d.message), opts.color, 'bold')} [${d.code}]`;
}

/** The source excerpt: the first line of the range, underlined from its start to its end (or to
 * the end of the line, for a range that spans lines). A line longer than MAX_SHOWN is shown as a
 * window around the range, with `…` where it is cut. */
export function renderExcerpt(range: SourceRange, severity: Severity, source: string, opts: RenderOptions): string[] {
  const startOffset = Math.min(Math.max(range.start.offset, 0), source.length);
  const lineStart = lineStartOf(source, startOffset, range.start.column);
  const isBreak = (i: number): boolean => source[i] === '\n' || source[i] === '\r';
  /** the end of the line, or of the MAX_SHOWN characters from `a`, whichever comes first */
  const endFrom = (a: number): number => {
    let e = a;
    while (e < source.length && e < a + MAX_SHOWN && !isBreak(e)) e++;
    return e;
  };
  let from = lineStart;
  let lineEnd = endFrom(from);
  const long = lineEnd === from + MAX_SHOWN && lineEnd < source.length && !isBreak(lineEnd);
  if (long && startOffset - lineStart > MAX_SHOWN - BEFORE) {
    from = startOffset - BEFORE;
    lineEnd = endFrom(from);
  }
  const cutEnd = lineEnd === from + MAX_SHOWN && lineEnd < source.length && !isBreak(lineEnd);
  const lead = from > lineStart ? '\u2026' : '';
  const { shown, columns } = displayLine(source.slice(from, lineEnd));
  const at = startOffset - from;
  const to = Math.min(Math.max(range.end.offset, startOffset), lineEnd) - from;
  const startCol = columns[at]! + lead.length;
  const width = Math.max(1, columns[to]! - columns[at]!);
  const number = String(range.start.line);
  const gutter = ' '.repeat(number.length);
  const marker = paint(`^${'~'.repeat(width - 1)}`, opts.color, ...severityStyle(severity));
  return [
    `${paint(` ${number} |`, opts.color, 'bold')} ${lead}${shown}${cutEnd ? '\u2026' : ''}`.trimEnd(),
    `${paint(` ${gutter} |`, opts.color, 'bold')} ${' '.repeat(startCol)}${marker}`,
  ];
}

function renderFix(fix: Fix, gutter: string, opts: RenderOptions): string {
  return ` ${gutter} ${paint('= help:', opts.color, 'bold')} ${printable(fix.title)}`;
}

/** One diagnostic: header, excerpt, one `= help:` line per fix. No trailing newline. */
export function renderDiagnostic(d: Diagnostic, file: string, source: string, opts: RenderOptions): string {
  const gutter = ' '.repeat(String(d.range.start.line).length);
  const lines = [renderHeader(d, file, opts), ...renderExcerpt(d.range, d.severity, source, opts)];
  for (const fix of d.fixes ?? []) lines.push(renderFix(fix, gutter, opts));
  return lines.join('\n');
}

/** Every diagnostic of one file, in position order, a blank line after each. */
export function renderDiagnostics(
  diagnostics: readonly Diagnostic[],
  file: string,
  source: string,
  opts: RenderOptions,
): string {
  return sortDiagnostics(diagnostics)
    .map((d) => `${renderDiagnostic(d, file, source, opts)}\n\n`)
    .join('');
}

export interface Counts {
  errors: number;
  warnings: number;
}

export function countDiagnostics(diagnostics: readonly Diagnostic[]): Counts {
  let errors = 0;
  let warnings = 0;
  for (const d of diagnostics) {
    if (d.severity === 'error') errors++;
    else if (d.severity === 'warning') warnings++;
  }
  return { errors, warnings };
}

/** `2 errors, 1 warning`, `1 error`, `3 warnings`, `no problems` */
export function countLine(counts: Counts, opts: RenderOptions): string {
  const parts: string[] = [];
  const n = (k: number, word: string) => `${k} ${word}${k === 1 ? '' : 's'}`;
  if (counts.errors > 0) parts.push(paint(n(counts.errors, 'error'), opts.color, 'bold', 'red'));
  if (counts.warnings > 0) parts.push(paint(n(counts.warnings, 'warning'), opts.color, 'bold', 'yellow'));
  return parts.length === 0 ? 'no problems' : parts.join(', ');
}

// ---- JSON ----------------------------------------------------------------------------------

export interface JsonRange {
  readonly line: number;
  readonly column: number;
  readonly endLine: number;
  readonly endColumn: number;
}

export interface JsonFix extends JsonRange {
  readonly title: string;
  readonly replacement: string;
}

export interface JsonDiagnostic extends JsonRange {
  readonly severity: Severity;
  readonly code: string;
  readonly message: string;
  readonly fixes: readonly JsonFix[];
}

export interface JsonFileReport {
  readonly file: string;
  readonly diagnostics: readonly JsonDiagnostic[];
}

export interface JsonReport {
  readonly files: readonly JsonFileReport[];
  readonly errors: number;
  readonly warnings: number;
}

function jsonRange(r: SourceRange): JsonRange {
  return { line: r.start.line, column: r.start.column, endLine: r.end.line, endColumn: r.end.column };
}

export function diagnosticToJson(d: Diagnostic): JsonDiagnostic {
  return {
    severity: d.severity,
    code: d.code,
    message: d.message,
    ...jsonRange(d.range),
    fixes: (d.fixes ?? []).map((f) => ({ title: f.title, replacement: f.replacement, ...jsonRange(f.range) })),
  };
}

export function fileReport(file: string, diagnostics: readonly Diagnostic[]): JsonFileReport {
  return { file, diagnostics: sortDiagnostics(diagnostics).map(diagnosticToJson) };
}

export function jsonReport(files: readonly { file: string; diagnostics: readonly Diagnostic[] }[]): JsonReport {
  const all = files.flatMap((f) => f.diagnostics);
  const { errors, warnings } = countDiagnostics(all);
  return { files: files.map((f) => fileReport(f.file, f.diagnostics)), errors, warnings };
}
