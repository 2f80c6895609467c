// Diagnostics: what every stage reports about user input. Stages collect these; they never throw on
// user input. Positions are 1-based (line, column) for people; `offset` is the 0-based UTF-16 index
// into the source text, which is what editors convert from.

export interface Position {
  readonly line: number; // 1-based
  readonly column: number; // 1-based, in UTF-16 code units
  readonly offset: number; // 0-based
}

/** A half-open source range: `end` is the position just after the last character. */
export interface SourceRange {
  readonly start: Position;
  readonly end: Position;
}

export type Severity = 'error' | 'warning' | 'info';

/** A text edit that fixes the problem (used by the CLI's "help:" line and by LSP quick fixes). */
export interface Fix {
  readonly title: string; // "replace with `conv`", "use pad 2 (keeps 28x28)"
  readonly range: SourceRange;
  readonly replacement: string;
}

export interface Diagnostic {
  readonly severity: Severity;
  /** Stable code, documented in docs/diagnostics.md; tests and editors key on it. */
  readonly code: string;
  readonly message: string;
  readonly range: SourceRange;
  readonly fixes?: readonly Fix[];
}

export function hasErrors(diagnostics: readonly Diagnostic[]): boolean {
  return diagnostics.some((d) => d.severity === 'error');
}

/** Sort by position, then errors before warnings: the order in which every front end reports. */
export function sortDiagnostics(diagnostics: readonly Diagnostic[]): Diagnostic[] {
  const rank: Record<Severity, number> = { error: 0, warning: 1, info: 2 };
  return [...diagnostics].sort(
    (a, b) => a.range.start.offset - b.range.start.offset || rank[a.severity] - rank[b.severity],
  );
}
