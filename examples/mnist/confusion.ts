// Evaluation: predictions in inference mode (dropout off), accuracy, and the confusion matrix
// (rows: true digit, columns: predicted digit).

import type { FloatArray, GeneratedModule, Workspace } from '../../src/module-api.js';
import { CLASSES, PIXELS, type Digits } from './data.js';

export interface Evaluation {
  readonly accuracy: number;
  readonly correct: number;
  readonly count: number;
  /** confusion[truth][predicted] */
  readonly confusion: number[][];
}

/** Index of the largest value in row `row` of a [rows x width] array. */
export function argmax(values: FloatArray, row: number, width: number): number {
  let best = 0;
  for (let k = 1; k < width; k++) if (values[row * width + k]! > values[row * width + best]!) best = k;
  return best;
}

/**
 * Runs the model over every digit in batches of `batch` (a smaller workspace for the remainder)
 * and tallies the predictions.
 */
export function evaluate(net: GeneratedModule, params: FloatArray, data: Digits, batch = 250): Evaluation {
  const confusion = Array.from({ length: CLASSES }, () => new Array<number>(CLASSES).fill(0));
  const workspaces = new Map<number, Workspace>();
  let correct = 0;
  for (let start = 0; start < data.count; start += batch) {
    const n = Math.min(batch, data.count - start);
    let ws = workspaces.get(n);
    if (ws === undefined) workspaces.set(n, (ws = net.createWorkspace(n)));
    const input = data.images.subarray(start * PIXELS, (start + n) * PIXELS);
    const out = net.forward(params, params instanceof Float64Array ? Float64Array.from(input) : input, ws, false);
    for (let b = 0; b < n; b++) {
      const truth = data.labels[start + b]!;
      const predicted = argmax(out, b, CLASSES);
      confusion[truth]![predicted]!++;
      if (predicted === truth) correct++;
    }
  }
  return { accuracy: correct / data.count, correct, count: data.count, confusion };
}

/** The matrix as a table: a header of predicted digits, one row per true digit, with its recall. */
export function formatConfusion(confusion: readonly (readonly number[])[]): string {
  const width = Math.max(4, ...confusion.flat().map((v) => String(v).length + 1));
  const cell = (s: string | number): string => String(s).padStart(width);
  const lines = [`true\\pred${confusion.map((_, k) => cell(k)).join('')}   recall`];
  confusion.forEach((row, truth) => {
    const total = row.reduce((a, b) => a + b, 0);
    const recall = total === 0 ? '-' : `${((100 * row[truth]!) / total).toFixed(1)}%`;
    lines.push(`${String(truth).padStart(9)}${row.map(cell).join('')}   ${recall.padStart(6)}`);
  });
  return `${lines.join('\n')}\n`;
}
