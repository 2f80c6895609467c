// Shared helpers for the checker's tests: check an inline source, pick diagnostics by code.

import { checkSource, type CheckResult } from '../../src/check/index.js';
import type { Diagnostic } from '../../src/diagnostics.js';

/** Source lines joined with newlines (so tests can write one statement per array element). */
export function src(...lines: string[]): string {
  return lines.join('\n') + '\n';
}

export function check(text: string, file = 'test.cnn'): CheckResult {
  return checkSource(text, file);
}

export function codes(r: CheckResult): string[] {
  return r.diagnostics.map((d) => d.code);
}

/** The one diagnostic with `code` (fails the test when there is none or several). */
export function only(r: CheckResult, code: string): Diagnostic {
  const found = r.diagnostics.filter((d) => d.code === code);
  if (found.length !== 1) {
    throw new Error(`expected one ${code}, got ${found.length}: ${JSON.stringify(r.diagnostics.map((d) => [d.code, d.message]))}`);
  }
  return found[0]!;
}

/** [line, column, endLine, endColumn] of a diagnostic. */
export function where(d: Diagnostic): [number, number, number, number] {
  return [d.range.start.line, d.range.start.column, d.range.end.line, d.range.end.column];
}

/** The text a diagnostic's range covers. */
export function textAt(text: string, d: Diagnostic): string {
  return text.slice(d.range.start.offset, d.range.end.offset);
}

/** The source with one fix applied. */
export function applyFix(text: string, d: Diagnostic, index = 0): string {
  const f = d.fixes?.[index];
  if (f === undefined) throw new Error(`${d.code} has no fix ${index}`);
  return text.slice(0, f.range.start.offset) + f.replacement + text.slice(f.range.end.offset);
}
