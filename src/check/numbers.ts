// Reading numbers out of the AST: integers where the language wants integers, with the range of the
// offending number in every report.
//
// Every integer is capped at 2^31 - 1: no count, size, stride, padding, dilation or repeat count
// above it can give a network under the 2^31-element limits, and the cap keeps all later
// arithmetic finite in float64 (products of a few such numbers stay far below 1.8e308).

import type { Dims, NumberLit } from '../ast/types.js';
import type { Fix } from '../diagnostics.js';
import type { Size2 } from '../network.js';
import type { DiagnosticReporter } from '../layers/shapes.js';
import { formatInt } from './text.js';

export const MAX_INT = 2 ** 31 - 1;

/**
 * An integer >= min, or undefined after a report. `what` reads in a sentence:
 * "the filter count", "the stride". `name` prefixes the message ("c1: ...") when given.
 */
export function readInt(
  lit: NumberLit,
  what: string,
  min: 0 | 1,
  name: string | undefined,
  sink: DiagnosticReporter,
): number | undefined {
  if (lit.isInteger && lit.value >= min && lit.value <= MAX_INT) return lit.value;
  const who = name === undefined ? '' : `${name}: `;
  if (!lit.isInteger) {
    const fixes: Fix[] = [];
    if (Number.isInteger(lit.value) && lit.value >= min && lit.value <= MAX_INT) {
      fixes.push({ title: `write ${lit.value}`, range: lit.range, replacement: String(lit.value) });
    }
    sink.error('not-integer', lit.range, `${who}${what} must be a whole number, got ${lit.text}`, fixes);
    return undefined;
  }
  if (!(lit.value >= min)) {
    const bound = min === 1 ? 'at least 1' : '0 or more';
    sink.error(
      min === 1 ? 'not-positive' : 'negative-padding',
      lit.range,
      `${who}${what} must be ${bound}, got ${lit.text}`,
    );
    return undefined;
  }
  if (!(lit.value <= MAX_INT)) {
    sink.error(
      'integer-too-large',
      lit.range,
      `${who}${what} ${lit.text} is too large; the largest accepted is ${formatInt(MAX_INT)}`,
    );
    return undefined;
  }
  return lit.value;
}

/** `N` or `HxW` as [H, W]; anything else (one or more than two numbers) is reported. */
export function readSize2(
  dims: Dims,
  what: string,
  min: 0 | 1,
  name: string,
  sink: DiagnosticReporter,
): Size2 | undefined {
  const values = dims.values;
  if (values.length < 1 || values.length > 2) {
    sink.error(
      'too-many-dims',
      dims.range,
      `${name}: ${what} is written N or HxW, got ${values.map((v) => v.text).join('x')}`,
    );
    return undefined;
  }
  const h = readInt(values[0]!, what, min, name, sink);
  const w = values.length === 2 ? readInt(values[1]!, what, min, name, sink) : h;
  if (h === undefined || w === undefined) return undefined;
  return [h, w];
}
