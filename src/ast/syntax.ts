// Lexer and parser errors as diagnostics. Structure errors only: what a line holds is judged by the
// statement builders, which see the whole line.

import type { ILexingError, IRecognitionException, IToken } from 'chevrotain';
import { type Ctx, isReal, q, tokEnd, tokStart } from './context.js';

function describeChar(ch: string): string {
  const c = ch.codePointAt(0)!;
  if (c < 0x20 || (c >= 0x7f && c <= 0xa0) || (c >= 0xd800 && c <= 0xdfff) || /\s/.test(ch)) {
    return `U+${c.toString(16).toUpperCase().padStart(4, '0')}`;
  }
  return q(ch);
}

const CHAR_HINTS: Readonly<Record<string, string>> = {
  '+': 'numbers are written without a plus sign',
  '×': 'write sizes with the letter `x`: `5x5`',
  '*': 'write sizes with the letter `x`: `5x5`',
  ',': 'arguments are separated by spaces',
  '=': 'options are written as `stride 2`, without `=`',
  ';': 'one statement per line, without `;`',
  '(': 'arguments are written after the keyword, separated by spaces: `conv 32 3x3`',
  ')': 'arguments are written after the keyword, separated by spaces: `conv 32 3x3`',
  '"': 'names are written without quotes',
  "'": 'names are written without quotes',
};

export function lexErrorDiagnostics(ctx: Ctx, errors: readonly ILexingError[]): void {
  for (const e of errors) {
    const start = e.offset;
    const end = e.offset + Math.max(1, e.length);
    const chars = [...ctx.slice(start, end)];
    const shown = chars.length > 1 && chars.every((ch) => describeChar(ch).startsWith('`'))
      ? q(chars.join(''))
      : chars.slice(0, 8).map(describeChar).join(' ') + (chars.length > 8 ? ' ...' : '');
    const hint = CHAR_HINTS[chars[0] ?? ''];
    const what = chars.length > 1 ? 'unexpected characters' : 'unexpected character';
    ctx.error('unexpected-character', `${what} ${shown}${hint !== undefined ? `: ${hint}` : ''}`, start, end);
  }
}

function tokRangeOr(tok: IToken | undefined, fallback: number): [number, number] {
  return isReal(tok) ? [tokStart(tok), Math.max(tokEnd(tok), tokStart(tok))] : [fallback, fallback];
}

/**
 * Parser errors, at most one per line (recovery can report the same mistake twice). Errors about a
 * missing `}` are left out: the builder reports each unclosed block at its `{`.
 */
export function parseErrorDiagnostics(ctx: Ctx, errors: readonly IRecognitionException[]): void {
  const seenLines = new Set<number>();
  for (const e of errors) {
    const rules = e.context?.ruleStack ?? [];
    const rule = rules[rules.length - 1];
    const tok = e.token;
    const prev = (e as { previousToken?: IToken }).previousToken;
    const atEnd = !isReal(tok) || tok.image === '';
    if (rule === 'block' && atEnd) continue;
    // a `}` outside any block ends up a line of its own after recovery: the builder reports it unmatched
    if (tok?.image === '}' && !rules.includes('block')) continue;
    const [start, end] = tokRangeOr(tok, ctx.text.length);
    const line = ctx.lines.lineOf(start);
    if (seenLines.has(line)) continue;
    seenLines.add(line);
    const found = tok?.image ?? '';
    if (found === '}') {
      ctx.error('syntax', '`}` must be on a line of its own', start, end);
    } else if (rule === 'block' && isReal(prev) && prev.image === '{') {
      ctx.error('syntax', `\`{\` must end its line: the statements of a block go on the lines after it, ` +
        `not ${q(found)}`, start, end);
    } else if (isReal(prev) && prev.image === '}') {
      ctx.error('syntax', `\`}\` must be on a line of its own: move ${q(found)} to the next line`, start, end);
    } else {
      ctx.error('syntax', e.message, start, end);
    }
  }
}
