// `cnnc fmt` and the language server's document formatting: the canonical layout of a `.cnn` file.
// Works on the token stream (grammar/), so it keeps every token and comment and changes only the
// space between them. A file with syntax errors (any error from the AST builder) is not formatted.
//
// The layout (docs/editors.md has it for users):
// - one space between the tokens of a line; a label's `:` sticks to the label (`c1: conv 6 5x5`);
// - two spaces of indentation per enclosing `repeat` block; `}` at its block's `repeat` level;
// - a run of consecutive layer lines at one depth (full-line comments between them do not break
//   it; anything else does) aligns its layer keywords when one of them has a label: labels are
//   padded after the `:`, and an unlabeled layer is indented to the keyword column;
// - trailing comments of a paragraph (lines between blank lines) start in one column, two spaces
//   after the longest code that carries one; full-line comments get their block's indentation;
// - blank lines are kept, a run of them becomes one, none at the start or end of the file;
// - every line ends with the file's first line break (`\r\n` stays `\r\n`, else `\n`), the last
//   line too, and no line has trailing spaces. An empty file stays empty.

import type { ILexingResult, IToken } from 'chevrotain';
import { tokenMatcher, tokenTypes } from '../../grammar/index.js';
import { cnnLexer } from '../../grammar/lexer.js';
import { buildAst } from '../ast/index.js';
import type { Diagnostic } from '../diagnostics.js';

export interface FormatOk {
  readonly text: string;
  readonly changed: boolean;
}

export interface FormatError {
  /** one line: why the file was left alone */
  readonly error: string;
  /** the syntax errors (sorted), as `cnnc check` reports them */
  readonly diagnostics: readonly Diagnostic[];
}

export type FormatResult = FormatOk | FormatError;

export function isFormatError(r: FormatResult): r is FormatError {
  return 'error' in r;
}

type LineKind = 'blank' | 'comment' | 'layer' | 'other';

interface Line {
  readonly tokens: IToken[];
  comment?: string;
  kind: LineKind;
  depth: number;
  /** `c1:` for a labeled layer line */
  label?: string;
  /** the code after the label (or all of it), tokens joined by one space */
  code: string;
}

const INDENT = '  ';
/** spaces between the longest code of a paragraph and its trailing comments */
const COMMENT_GAP = 2;

export function formatCnn(text: string): FormatResult {
  const source = typeof text === 'string' ? text : String(text);
  const errors = syntaxErrors(source);
  return errors.length > 0 ? notFormatted(errors) : layout(source, cnnLexer.tokenize(source));
}

/**
 * formatCnn for a text already known to have no syntax errors: the language server knows it from
 * its analysis, and so skips formatCnn's own parse (the layout needs only the lexer's tokens).
 * Should the lexer reject a character all the same, the text is left alone, as formatCnn would.
 */
export function layoutCnn(text: string): FormatResult {
  const source = typeof text === 'string' ? text : String(text);
  const lexed = cnnLexer.tokenize(source);
  return lexed.errors.length > 0 ? notFormatted(syntaxErrors(source)) : layout(source, lexed);
}

function syntaxErrors(source: string): Diagnostic[] {
  return buildAst(source, '<fmt>').diagnostics.filter((d) => d.severity === 'error');
}

function notFormatted(errors: readonly Diagnostic[]): FormatError {
  const n = errors.length;
  return { error: `not formatted: ${n} syntax ${n === 1 ? 'error' : 'errors'}`, diagnostics: errors };
}

function layout(source: string, lexed: ILexingResult): FormatOk {
  const lines = splitLines(lexed.tokens, lexed.groups['comments'] ?? []);
  classify(lines);
  alignLabels(lines);
  const rendered = render(lines);
  const eol = lexed.tokens.find((t) => tokenMatcher(t, tokenTypes.Newline))?.image === '\r\n' ? '\r\n' : '\n';
  const out = rendered.length === 0 ? '' : rendered.join(eol) + eol;
  return { text: out, changed: out !== source };
}

/** The largest of `f` over `items`, at least 0 (no spread: a 100,000-line run would overflow the stack). */
function maxOf<T>(items: readonly T[], f: (item: T) => number): number {
  let m = 0;
  for (const item of items) m = Math.max(m, f(item));
  return m;
}

/** Physical lines: the tokens and the comment of each, in order. */
function splitLines(tokens: readonly IToken[], comments: readonly IToken[]): Line[] {
  const lines: Line[] = [];
  let cur: Line = newLine();
  let ci = 0;
  for (const tok of tokens) {
    while (ci < comments.length && comments[ci]!.startOffset < tok.startOffset) {
      cur.comment = comments[ci++]!.image.trimEnd();
    }
    if (tokenMatcher(tok, tokenTypes.Newline)) {
      lines.push(cur);
      cur = newLine();
    } else {
      cur.tokens.push(tok);
    }
  }
  // The last line when the text does not end with a line break (a comment after every token).
  while (ci < comments.length) cur.comment = comments[ci++]!.image.trimEnd();
  if (cur.tokens.length > 0 || cur.comment !== undefined) lines.push(cur);
  return lines;
}

function newLine(): Line {
  return { tokens: [], kind: 'blank', depth: 0, code: '' };
}

function joinTokens(tokens: readonly IToken[]): string {
  let s = '';
  for (const t of tokens) {
    if (s === '' || tokenMatcher(t, tokenTypes.Colon)) s += t.image;
    else s += ` ${t.image}`;
  }
  return s;
}

function classify(lines: Line[]): void {
  let depth = 0;
  for (const line of lines) {
    const toks = line.tokens;
    const first = toks[0];
    if (first === undefined) {
      line.kind = line.comment === undefined ? 'blank' : 'comment';
      line.depth = depth;
      continue;
    }
    if (tokenMatcher(first, tokenTypes.RBrace)) depth = Math.max(0, depth - 1);
    line.depth = depth;
    const labeled = toks.length >= 2 && tokenMatcher(toks[1]!, tokenTypes.Colon);
    const kw = labeled ? toks[2] : first;
    if (kw !== undefined && tokenMatcher(kw, tokenTypes.LayerKw)) {
      line.kind = 'layer';
      if (labeled) line.label = `${first.image}:`;
      line.code = joinTokens(labeled ? toks.slice(2) : toks);
    } else {
      line.kind = 'other';
      line.code = joinTokens(toks);
    }
    if (tokenMatcher(toks[toks.length - 1]!, tokenTypes.LBrace)) depth++;
  }
}

/** Pads labels (and indents unlabeled layers) so that a run's layer keywords share one column. */
function alignLabels(lines: Line[]): void {
  let run: Line[] = [];
  const flush = (): void => {
    const width = maxOf(run, (l) => l.label?.length ?? 0);
    if (width > 0) {
      for (const l of run) l.code = `${(l.label ?? '').padEnd(width)} ${l.code}`;
    }
    run = [];
  };
  for (const line of lines) {
    if (line.kind === 'comment') continue;
    if (line.kind === 'layer' && (run.length === 0 || run[0]!.depth === line.depth)) {
      run.push(line);
      continue;
    }
    flush();
    if (line.kind === 'layer') run.push(line);
  }
  flush();
}

/** Lines as text, with indentation, aligned trailing comments and blank lines collapsed. */
function render(lines: readonly Line[]): string[] {
  const out: string[] = [];
  let paragraph: Line[] = [];
  const flush = (): void => {
    const withComment = paragraph.filter((l) => l.comment !== undefined && l.code !== '');
    const column = maxOf(withComment, (l) => l.depth * INDENT.length + l.code.length) + COMMENT_GAP;
    for (const l of paragraph) {
      const code = INDENT.repeat(l.depth) + l.code;
      if (l.comment === undefined) out.push(code);
      else if (l.code === '') out.push(INDENT.repeat(l.depth) + l.comment);
      else out.push(code.padEnd(column) + l.comment);
    }
    paragraph = [];
  };
  for (const line of lines) {
    if (line.kind !== 'blank') {
      paragraph.push(line);
      continue;
    }
    if (paragraph.length > 0) {
      flush();
      out.push('');
    }
  }
  flush();
  while (out.length > 0 && out[out.length - 1] === '') out.pop();
  return out;
}
