// A gradient-check report as text for people: one table per checked path, a line per tensor.
//
//   backward: sum(dOutput * forward(params, input)), dOutput ~ U(-1, 1)
//     tensor     shape       checked        max abs err  max rel err  result
//     c1.weight  6x1x5x5     20 of 150      3.1e-11      2.2e-09      ok
//     ...
//     input      2x1x32x32   20 of 2,048    8.5e-12      1.9e-09      ok

import { formatShape } from '../network.js';
import { thousands } from '../summary/index.js';
import type { GradcheckReport, PathReport, TensorReport } from './types.js';

export interface FormatOptions {
  /** the model's file, for the heading */
  readonly file?: string;
  /** ANSI colour for the verdicts */
  readonly color?: boolean;
}

const sci = (x: number): string => (x === 0 ? '0' : Number.isFinite(x) ? x.toExponential(1) : String(x));

/** `c1.weight[3,0,2,1]`: a flat index as coordinates over the shape. */
export function formatIndex(name: string, shape: readonly number[], flat: number): string {
  const coords: number[] = [];
  let rest = flat;
  for (let d = shape.length - 1; d >= 0; d--) {
    coords.unshift(rest % shape[d]!);
    rest = Math.floor(rest / shape[d]!);
  }
  return `${name}[${coords.join(',')}]`;
}

function verdict(passed: boolean, color: boolean): string {
  if (!color) return passed ? 'ok' : 'FAIL';
  return passed ? '\x1b[32mok\x1b[0m' : '\x1b[1;31mFAIL\x1b[0m';
}

function table(rows: string[][], color: boolean): string[] {
  const widths = rows[0]!.map((_, c) => Math.max(...rows.map((r) => r[c]!.length)));
  return rows.map((r, i) => {
    const cells = r.map((cell, c) => (c === r.length - 1 ? cell : cell.padEnd(widths[c]!)));
    // the last column holds the verdict, coloured after padding so escapes do not skew widths
    if (i > 0) cells[cells.length - 1] = verdict(r[r.length - 1] === 'ok', color);
    return `  ${cells.join('  ')}`.trimEnd();
  });
}

function tensorRow(t: TensorReport): string[] {
  const checked = t.checked === t.size ? `all ${thousands(t.size)}` : `${t.checked} of ${thousands(t.size)}`;
  const kinks = t.kinks > 0 ? ` (${t.kinks} at kinks)` : '';
  return [
    t.name,
    formatShape(t.shape),
    checked + kinks,
    sci(t.maxAbsError),
    sci(t.maxRelError),
    t.passed ? 'ok' : 'FAIL',
  ];
}

function formatPath(p: PathReport, color: boolean): string[] {
  const lines = [`${p.path}: ${p.objective}`];
  if (p.loss) {
    const l = p.loss;
    lines.push(
      `  loss value ${l.module.toPrecision(8)} (formula ${l.reference.toPrecision(8)}, rel err ${sci(l.relError)}) ` +
        verdict(l.passed, color),
    );
  }
  if (p.tensors.length === 0) {
    lines.push('  (no tensors to check)');
    return lines;
  }
  const header = ['tensor', 'shape', 'checked', 'max abs err', 'max rel err', 'result'];
  lines.push(...table([header, ...p.tensors.map(tensorRow)], color));
  for (const t of p.tensors) {
    if (t.passed || t.worst === undefined) continue;
    const w = t.worst;
    lines.push(
      `  worst ${formatIndex(t.name, t.shape, w.index)}: analytic ${w.analytic.toPrecision(8)}, numeric ${w.numeric.toPrecision(8)}`,
    );
  }
  return lines;
}

export function formatGradcheckText(r: GradcheckReport, options: FormatOptions = {}): string {
  const color = options.color ?? false;
  const out: string[] = [];
  out.push(
    `gradcheck${options.file ? ` ${options.file}` : ''}: float64, seed ${r.seed}, batch ${r.batch}, eps ${r.eps}, tol ${r.tol}; ` +
      `up to ${r.samples} random elements per tensor, ${thousands(r.evaluations)} forward passes`,
  );
  for (const p of r.paths) out.push('', ...formatPath(p, color));
  out.push('');
  for (const note of r.notes) out.push(`note: ${note}`);
  const tensors = r.paths.flatMap((p) => p.tensors);
  const failed = tensors.filter((t) => !t.passed).length + r.paths.filter((p) => p.loss && !p.loss.passed).length;
  out.push(
    failed === 0
      ? `${verdict(true, color)}: every gradient matches (${tensors.length} tensor checks` +
          `${r.paths.some((p) => p.loss) ? ' and the loss value' : ''})`
      : `${verdict(false, color)}: ${failed} of ${tensors.length + r.paths.filter((p) => p.loss).length} checks failed`,
  );
  return `${out.join('\n')}\n`;
}
