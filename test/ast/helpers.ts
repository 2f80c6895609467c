// Shared by the AST tests: ranges stripped for structural comparison, fixes applied to text.
import type { Diagnostic, Fix } from '../../src/diagnostics.js';

/** A deep copy without `range`/`layerRange`, for comparing structure. */
export function shape(value: unknown): unknown {
  return JSON.parse(JSON.stringify(value, (k, v: unknown) => (k === 'range' || k === 'layerRange' ? undefined : v)));
}

/** `code@line:col-line:col` for each diagnostic. */
export function where(diags: readonly Diagnostic[]): string[] {
  return diags.map((d) => `${d.code}@${d.range.start.line}:${d.range.start.column}-${d.range.end.line}:${d.range.end.column}`);
}

export function applyFix(text: string, fix: Fix): string {
  return text.slice(0, fix.range.start.offset) + fix.replacement + text.slice(fix.range.end.offset);
}
