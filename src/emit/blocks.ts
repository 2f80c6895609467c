// Register blocking helpers: a run of channels (or outputs, or columns) handled together, each
// with its own accumulator, then the remainder block.

import { sum, times, type Writer } from './writer.js';

/**
 * A block index expression `v * mult + add`: `v` is the loop variable when the block is in a loop
 * (at === null), or the literal first index of the block after the loop.
 */
export function blockExpr(v: string, at: number | null, mult: number, add: number | string): string {
  if (at === null) return sum(times(v, mult), add);
  return sum(add, at * mult);
}

/**
 * Blocks of `size` indices out of `total`: a loop over the full blocks (no loop for a single one),
 * then one block of the remainder with its first index as a literal. `body(at, count)` writes one
 * block; `at` is null inside the loop.
 */
export function emitBlocks(
  w: Writer,
  v: string,
  total: number,
  size: number,
  body: (at: number | null, count: number) => void,
): void {
  const full = Math.floor(total / size) * size;
  if (full === size) {
    w.block(() => body(0, size));
  } else if (full > 0) {
    const step = size === 1 ? `${v}++` : `${v} += ${size}`;
    w.write(`for (let ${v} = 0; ${v} < ${full}; ${step})`).block(() => body(null, size));
  }
  if (full < total) w.block(() => body(full, total - full));
}

/** `let s0 = 0, s1 = 0;` */
export function accumulators(prefix: string, count: number, init: (j: number) => string = () => '0'): string {
  const parts: string[] = [];
  for (let j = 0; j < count; j++) parts.push(`${prefix}${j} = ${init(j)}`);
  return `let ${parts.join(', ')};`;
}
