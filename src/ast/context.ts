// What every part of the AST builder shares: the text, its line map, and the diagnostics so far.

import type { IToken } from 'chevrotain';
import type { Diagnostic, Fix, SourceRange } from '../diagnostics.js';
import { MAX_DIAGNOSTICS } from './limits.js';
import { LineMap } from './positions.js';

/** A token that is really in the text (error recovery may insert virtual ones). */
export function isReal(tok: IToken | undefined): tok is IToken {
  return tok !== undefined && tok.isInsertedInRecovery !== true && Number.isFinite(tok.startOffset);
}

export function tokStart(tok: IToken): number {
  return tok.startOffset;
}

/** Exclusive end offset. */
export function tokEnd(tok: IToken): number {
  return tok.startOffset + tok.image.length;
}

export class Ctx {
  readonly lines: LineMap;
  readonly diagnostics: Diagnostic[] = [];
  /** Errors past MAX_DIAGNOSTICS: counted, not kept; the offset of the first of them. */
  dropped = 0;
  firstDropped = 0;

  constructor(readonly text: string) {
    this.lines = new LineMap(text);
  }

  range(start: number, end: number): SourceRange {
    return this.lines.range(start, end);
  }

  tokRange(tok: IToken): SourceRange {
    return this.range(tokStart(tok), tokEnd(tok));
  }

  slice(start: number, end: number): string {
    return this.text.slice(start, end);
  }

  /** The start of the spaces and tabs just before `offset` (`offset` itself when there are none). */
  spaceBefore(offset: number): number {
    let i = offset;
    while (i > 0 && (this.text.charCodeAt(i - 1) === 32 || this.text.charCodeAt(i - 1) === 9)) i--;
    return i;
  }

  fix(title: string, start: number, end: number, replacement: string): Fix {
    return { title, range: this.range(start, end), replacement };
  }

  error(code: string, message: string, start: number, end: number, fixes?: readonly Fix[]): void {
    if (this.diagnostics.length >= MAX_DIAGNOSTICS) {
      if (this.dropped++ === 0) this.firstDropped = start;
      return;
    }
    const d: Diagnostic = { severity: 'error', code, message, range: this.range(start, end) };
    this.diagnostics.push(fixes !== undefined && fixes.length > 0 ? { ...d, fixes } : d);
  }
}

/**
 * `word` in backquotes, for messages. Long or multi-line text is cut so a message stays one line;
 * tabs become spaces; other control characters (ESC would reach a terminal) and U+2028/U+2029
 * show as U+FFFD.
 */
export function q(word: string): string {
  const oneLine = word
    .replace(/[\r\n]+/g, ' ')
    .replace(/\t/g, ' ')
    .replace(/[\u0000-\u001f\u007f-\u009f\u2028\u2029]/g, '\ufffd');
  return '`' + (oneLine.length > 40 ? oneLine.slice(0, 37) + '...' : oneLine) + '`';
}
