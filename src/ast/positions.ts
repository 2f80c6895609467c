// Offsets -> 1-based lines and columns. A line ends at `\n`, `\r\n` or a lone `\r`, as in editors
// and the LSP. Columns count UTF-16 code units, like offsets.

import type { Position, SourceRange } from '../diagnostics.js';

export class LineMap {
  private readonly starts: number[] = [0];

  constructor(readonly text: string) {
    for (let i = 0; i < text.length; i++) {
      const c = text.charCodeAt(i);
      if (c === 10) this.starts.push(i + 1);
      else if (c === 13) {
        if (text.charCodeAt(i + 1) === 10) i++;
        this.starts.push(i + 1);
      }
    }
  }

  // Lookups come mostly in source order: the last line found is tried first.
  private hint = 0;

  /** 1-based line holding `offset` (clamped into the text). */
  lineOf(offset: number): number {
    const o = this.clamp(offset);
    const starts = this.starts;
    const h = this.hint;
    if (starts[h]! <= o && (h + 1 === starts.length || o < starts[h + 1]!)) return h + 1;
    if (h + 1 < starts.length && starts[h + 1]! <= o && (h + 2 === starts.length || o < starts[h + 2]!)) {
      this.hint = h + 1;
      return h + 2;
    }
    let lo = 0;
    let hi = this.starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (this.starts[mid]! <= o) lo = mid;
      else hi = mid - 1;
    }
    this.hint = lo;
    return lo + 1;
  }

  position(offset: number): Position {
    const o = this.clamp(offset);
    const line = this.lineOf(o);
    return { line, column: o - this.starts[line - 1]! + 1, offset: o };
  }

  /** The half-open range [start, end), both clamped into the text; `end` is never before `start`. */
  range(start: number, end: number): SourceRange {
    const s = this.clamp(start);
    return { start: this.position(s), end: this.position(Math.max(s, this.clamp(end))) };
  }

  private clamp(offset: number): number {
    if (!Number.isFinite(offset) || offset < 0) return Number.isNaN(offset) ? this.text.length : 0;
    return Math.min(offset, this.text.length);
  }
}
