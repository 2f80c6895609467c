// Collects the checker's diagnostics. A statement inside `repeat` is shaped once per repetition, so
// the same problem can be found many times at one place: only the first report of a code at a
// range (and key) is kept, which is the first repetition where it happens.

import type { Diagnostic, Fix, Severity, SourceRange } from '../diagnostics.js';
import { MAX_DIAGNOSTICS, TOO_MANY_DIAGNOSTICS } from '../ast/limits.js';
import type { DiagnosticReporter } from '../layers/shapes.js';
import { formatInt } from './text.js';

export class DiagnosticSink implements DiagnosticReporter {
  readonly diagnostics: Diagnostic[] = [];
  private readonly seen = new Set<string>();
  private readonly astErrors: readonly Diagnostic[];
  /** The AST errors' start offsets, ascending, and the largest end offset among the first i + 1. */
  private readonly astStarts: number[] = [];
  private readonly astMaxEnds: number[] = [];
  /** Past MAX_DIAGNOSTICS (the AST's included), diagnostics are counted, not kept: see overflow(). */
  private readonly room: number;
  private dropped = 0;
  private droppedError = false;
  private firstDropped: SourceRange | undefined;
  /** Set when the layers were cut at MAX_EXPANDED_LAYERS: rules about the last layer do not apply. */
  layersCut = false;

  constructor(astDiagnostics: readonly Diagnostic[] = []) {
    this.room = Math.max(0, MAX_DIAGNOSTICS - astDiagnostics.length);
    this.astErrors = astDiagnostics.filter((d) => d.severity === 'error');
    const ranges = this.astErrors.map((d) => d.range).sort((a, b) => a.start.offset - b.start.offset);
    let maxEnd = -Infinity;
    for (const r of ranges) {
      maxEnd = Math.max(maxEnd, r.end.offset);
      this.astStarts.push(r.start.offset);
      this.astMaxEnds.push(maxEnd);
    }
  }

  report(
    severity: Severity,
    code: string,
    range: SourceRange,
    message: string,
    fixes?: readonly Fix[],
    key = '',
  ): void {
    const id = `${code}@${range.start.offset}-${range.end.offset}#${key}`;
    if (this.seen.has(id)) return;
    this.seen.add(id);
    if (this.diagnostics.length >= this.room) {
      this.dropped++;
      this.droppedError ||= severity === 'error';
      this.firstDropped ??= range;
      return;
    }
    const d: Diagnostic =
      fixes && fixes.length > 0 ? { severity, code, message, range, fixes } : { severity, code, message, range };
    this.diagnostics.push(d);
  }

  error(code: string, range: SourceRange, message: string, fixes?: readonly Fix[], key?: string): void {
    this.report('error', code, range, message, fixes, key);
  }

  warning(code: string, range: SourceRange, message: string, fixes?: readonly Fix[], key?: string): void {
    this.report('warning', code, range, message, fixes, key);
  }

  info(code: string, range: SourceRange, message: string, fixes?: readonly Fix[], key?: string): void {
    this.report('info', code, range, message, fixes, key);
  }

  /**
   * True when the AST builder reported an error overlapping `range` (so we keep quiet there): one
   * that starts before `range` ends and ends after it starts. A binary search, as this is asked
   * several times per statement and a broken file may have an error on every line.
   */
  astErrorIn(range: SourceRange): boolean {
    const starts = this.astStarts;
    const end = range.end.offset;
    let lo = 0;
    let hi = starts.length; // the errors starting before `end` are starts[0 .. lo)
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (starts[mid]! < end) lo = mid + 1;
      else hi = mid;
    }
    return lo > 0 && this.astMaxEnds[lo - 1]! > range.start.offset;
  }

  get hasAstErrors(): boolean {
    return this.astErrors.length > 0;
  }

  get hasErrors(): boolean {
    return this.astErrors.length > 0 || this.droppedError || this.diagnostics.some((d) => d.severity === 'error');
  }

  /** [] or the one diagnostic that says how many were not kept, at the first of them. */
  overflow(): Diagnostic[] {
    if (this.firstDropped === undefined) return [];
    const n = this.dropped;
    return [{
      severity: this.droppedError ? 'error' : 'warning',
      code: TOO_MANY_DIAGNOSTICS,
      message:
        `more than ${formatInt(MAX_DIAGNOSTICS)} problems: ${formatInt(n)} more ${n === 1 ? 'is' : 'are'} ` +
        'not shown, the first of them here',
      range: this.firstDropped,
    }];
  }
}
