// Collects the checker's diagnostics. A statement inside `repeat` is shaped once per repetition, so
// the same problem can be found many times at one place: only the first report of a code at a
// range (and key) is kept, which is the first repetition where it happens.

import type { Diagnostic, Fix, Severity, SourceRange } from '../diagnostics.js';
import type { DiagnosticReporter } from '../layers/shapes.js';

export class DiagnosticSink implements DiagnosticReporter {
  readonly diagnostics: Diagnostic[] = [];
  private readonly seen = new Set<string>();
  private readonly astErrors: readonly Diagnostic[];

  constructor(astDiagnostics: readonly Diagnostic[] = []) {
    this.astErrors = astDiagnostics.filter((d) => d.severity === 'error');
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

  /** True when the AST builder reported an error overlapping `range` (so we keep quiet there). */
  astErrorIn(range: SourceRange): boolean {
    return this.astErrors.some(
      (d) => d.range.start.offset < range.end.offset && range.start.offset < d.range.end.offset,
    );
  }

  get hasAstErrors(): boolean {
    return this.astErrors.length > 0;
  }

  get hasErrors(): boolean {
    return this.astErrors.length > 0 || this.diagnostics.some((d) => d.severity === 'error');
  }
}
