// Small formatting helpers for messages, and range helpers for fixes.

import type { Position, SourceRange } from '../diagnostics.js';

/** 61706 -> "61,706"; independent of the host's locale. */
export function formatInt(n: number): string {
  if (!Number.isFinite(n)) return String(n);
  const neg = n < 0;
  const digits = Math.abs(Math.trunc(n)).toLocaleString('en-US', { useGrouping: false });
  const grouped = digits.replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  return neg ? `-${grouped}` : grouped;
}

/** [5, 5] -> "5x5", [1, 28, 28] -> "1x28x28" */
export function formatDims(dims: readonly number[]): string {
  return dims.join('x');
}

/** A size as the source would write it: [2, 2] -> "2", [2, 1] -> "2x1". */
export function sizeText(size: readonly [number, number]): string {
  return size[0] === size[1] ? String(size[0]) : `${size[0]}x${size[1]}`;
}

/** A decimal rounded to two places, without trailing zeros: 12.5, 8.67, 3. */
export function formatDecimal(x: number): string {
  return String(Math.round(x * 100) / 100);
}

export function plural(n: number, one: string, many: string): string {
  return n === 1 ? one : many;
}

/** An empty range at `p`, for fixes that insert text. */
export function pointRange(p: Position): SourceRange {
  return { start: p, end: p };
}

/** Levenshtein distance, for "did you mean". Inputs are short words. */
export function editDistance(a: string, b: string): number {
  const prev = new Array<number>(b.length + 1);
  for (let j = 0; j <= b.length; j++) prev[j] = j;
  for (let i = 1; i <= a.length; i++) {
    let diag = prev[0]!;
    prev[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const up = prev[j]!;
      prev[j] = Math.min(up + 1, prev[j - 1]! + 1, diag + (a[i - 1] === b[j - 1] ? 0 : 1));
      diag = up;
    }
  }
  return prev[b.length]!;
}

/** The closest candidate within a distance that grows with the word's length, if any. */
export function nearest(word: string, candidates: readonly string[]): string | undefined {
  const lower = word.toLowerCase();
  let best: string | undefined;
  let bestDistance = Math.max(2, Math.floor(word.length / 3)) + 1;
  for (const c of candidates) {
    const d = editDistance(lower, c);
    if (d < bestDistance) {
      best = c;
      bestDistance = d;
    }
  }
  return best;
}
