// Summary rendering: an aligned text table for people, JSON for programs.

import { formatShape } from '../network.js';
import type { Summary } from './summary.js';

/** 61706 -> "61,706", whatever the host locale. */
export function thousands(n: number): string {
  const digits = String(Math.abs(Math.trunc(n)));
  const grouped = digits.replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  return n < 0 ? `-${grouped}` : grouped;
}

function threeDigits(x: number): string {
  // 3 significant digits without exponent notation: 61.7, 417, 1.25
  return x >= 100 ? String(Math.round(x)) : String(Number(x.toPrecision(3)));
}

/** 61706 -> "61.7 K", 138357544 -> "138 M"; below 1000 the number itself. */
export function siUnits(n: number): string {
  const units = ['', 'K', 'M', 'G', 'T', 'P'];
  let i = 0;
  let x = n;
  while (x >= 999.5 && i < units.length - 1) {
    x /= 1000;
    i++;
  }
  return i === 0 ? String(n) : `${threeDigits(x)} ${units[i]}`;
}

/** 246824 -> "241 KiB"; below 1024 "N B". */
export function binaryBytes(n: number): string {
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let i = 0;
  let x = n;
  while (x >= 1023.5 && i < units.length - 1) {
    x /= 1024;
    i++;
  }
  return i === 0 ? `${n} B` : `${threeDigits(x)} ${units[i]}`;
}

type Align = 'left' | 'right';

function table(header: readonly string[], rows: readonly (readonly string[])[], align: readonly Align[]): string[] {
  const widths = header.map((h, c) => Math.max(h.length, ...rows.map((r) => r[c]!.length)));
  const line = (cells: readonly string[]) =>
    cells
      .map((cell, c) => (align[c] === 'right' ? cell.padStart(widths[c]!) : cell.padEnd(widths[c]!)))
      .join('  ')
      .trimEnd();
  return [line(header), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)];
}

export function formatSummaryText(s: Summary): string {
  const t = s.totals;
  const inputElements = s.input.reduce((a, b) => a * b, 1);
  const rows: string[][] = [
    ['(input)', `input ${formatShape(s.input)}`, formatShape(s.input), '0', '0', thousands(inputElements)],
    ...s.layers.map((l) => [
      l.name,
      l.description,
      formatShape(l.output),
      thousands(l.params),
      thousands(l.forwardMacs),
      thousands(l.activations),
    ]),
  ];
  const lines = [
    `network ${s.network} (${s.file}): input ${formatShape(s.input)} -> output ${formatShape(s.output)}` +
      `, loss ${s.loss ?? 'none'}`,
    '',
    ...table(
      ['layer', 'type', 'output', 'params', 'forward MACs', 'activations'],
      rows,
      ['left', 'left', 'left', 'right', 'right', 'right'],
    ),
    '',
  ];
  const m = t.trainingMemory;
  const totals: [label: string, value: string, unit: string, note: string][] = [
    ['parameters', thousands(t.params), '', `(${siUnits(t.params)}; ${binaryBytes(t.paramBytes)} as float32)`],
    ['forward MACs', thousands(t.forwardMacs), '', `(${siUnits(t.forwardMacs)}, one sample)`],
    [
      'training MACs',
      thousands(t.trainingMacs),
      '',
      `(${siUnits(t.trainingMacs)}, one sample: forward + backward, backward = 2 x forward)`,
    ],
    [
      'training memory',
      thousands(m.total),
      'B',
      `(${binaryBytes(m.total)}, one sample: kept activations + parameters + gradients)`,
    ],
    ['  activations', thousands(m.activations), 'B', ''],
    ['  parameters', thousands(m.params), 'B', ''],
    ['  gradients', thousands(m.gradients), 'B', ''],
  ];
  const labelWidth = Math.max(...totals.map((r) => r[0].length));
  const valueWidth = Math.max(...totals.map((r) => r[1].length));
  for (const [label, value, unit, note] of totals) {
    lines.push(`${label.padEnd(labelWidth)}  ${value.padStart(valueWidth)} ${unit.padEnd(1)}  ${note}`.trimEnd());
  }
  return `${lines.join('\n')}\n`;
}

/** The Summary as JSON, two-space indented, with a trailing newline. */
export function formatSummaryJson(s: Summary, extra: Record<string, unknown> = {}): string {
  return `${JSON.stringify({ ...s, ...extra }, null, 2)}\n`;
}
