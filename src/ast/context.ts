// What every part of the AST builder shares: the text, its line map, and the diagnostics so far.

import type { IToken } from 'chevrotain';
import type { Diagnostic, Fix, SourceRange } from '../diagnostics.js';
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

  fix(title: string, start: number, end: number, replacement: string): Fix {
    return { title, range: this.range(start, end), replacement };
  }

  error(code: string, message: string, start: number, end: number, fixes?: readonly Fix[]): void {
    const d: Diagnostic = { severity: 'error', code, message, range: this.range(start, end) };
    this.diagnostics.push(fixes !== undefined && fixes.length > 0 ? { ...d, fixes } : d);
  }
}

/** `word` in backquotes, for messages. Long or multi-line text is cut so a message stays one line. */
export function q(word: string): string {
  const oneLine = word.replace(/[\r\n]+/g, ' ');
  return '`' + (oneLine.length > 40 ? oneLine.slice(0, 37) + '...' : oneLine) + '`';
}
