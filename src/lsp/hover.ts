// Hover on a layer line: what the layer does to the shape, with the size formula's numbers put in,
// and its parameters and MACs. On an `input` line: the input shape.

import { MarkupKind, type Hover, type Position } from 'vscode-languageserver/node';
import { formatShape, shapeSize, type Layer, type Shape } from '../network.js';
import { describeLayer, thousands } from '../summary/index.js';
import { statementAtLine, type Analysis } from './analysis.js';
import { toLspRange } from './convert.js';

/** Layers shown in full for one statement; a long `repeat` is summed up after them. */
const MAX_SHOWN = 4;

export function hoverAt(a: Analysis, position: Position): Hover | null {
  const offset = a.doc.offsetAt(position);
  const stmt = statementAtLine(a.program, a.doc, offset);
  if (stmt === undefined) return null;
  const range = toLspRange(a.doc, stmt.range);
  if (stmt.kind === 'input') {
    if (a.input === undefined) return null;
    return markdown([`**input** ${formatShape(a.input)} (${thousands(shapeSize(a.input))} values per sample)`], range);
  }
  if (stmt.kind !== 'layer') return null;
  const info = a.statements.get(stmt.range.start.offset);
  if (info === undefined) return null;
  const parts: string[] = [];
  for (const layer of info.layers.slice(0, MAX_SHOWN)) parts.push(...layerText(layer));
  const rest = info.layers.slice(MAX_SHOWN);
  if (rest.length > 0) {
    const params = rest.reduce((n, l) => n + paramCount(l), 0);
    const macs = rest.reduce((n, l) => n + l.macs, 0);
    parts.push(
      `… and ${rest.length} more (${rest[0]!.name} to ${rest[rest.length - 1]!.name}): ` +
        `output ${formatShape(rest[rest.length - 1]!.output)}, params ${thousands(params)}, MACs ${thousands(macs)}`,
    );
  }
  // A total only where it adds something: more than one layer with weights (a repeat).
  if (info.layers.filter((l) => paramCount(l) > 0 || l.macs > 0).length > 1) {
    const params = info.layers.reduce((n, l) => n + paramCount(l), 0);
    const macs = info.layers.reduce((n, l) => n + l.macs, 0);
    parts.push(`this line in total: ${info.layers.length} layers, params ${thousands(params)}, MACs ${thousands(macs)}`);
  }
  if (info.unshaped > 0) {
    const first = info.names[info.layers.length] ?? info.names[0] ?? stmt.layer;
    parts.push(
      info.layers.length === 0
        ? `**${first}** ${stmt.layer}: shape unknown (see the errors on this line or above it)`
        : `${info.unshaped} more ${info.unshaped === 1 ? 'layer' : 'layers'} from this line without a known shape`,
    );
  }
  return markdown(parts, range);
}

function markdown(paragraphs: readonly string[], range: Hover['range']): Hover {
  return { contents: { kind: MarkupKind.Markdown, value: paragraphs.join('\n\n') }, ...(range ? { range } : {}) };
}

function paramCount(layer: Layer): number {
  return layer.params.reduce((n, p) => n + p.size, 0);
}

/** Markdown paragraphs for one layer. */
export function layerText(layer: Layer): string[] {
  const out = [`**${layer.name}** \`${describeLayer(layer.spec)}\`: ${formatShape(layer.input)} -> ${formatShape(layer.output)}`];
  const formula = sizeFormula(layer);
  if (formula.length > 0) out.push(formula.map((l) => `    ${l}`).join('\n'));
  if (layer.spec.kind === 'dense' && layer.input.length > 1) {
    out.push(`flattens ${formatShape(layer.input)} = ${thousands(shapeSize(layer.input))} first`);
  }
  const params = paramCount(layer);
  if (params > 0 || layer.macs > 0) {
    const tensors = layer.params.map((p) => `${p.name.slice(layer.name.length + 1)} ${formatShape(p.shape)}`).join(', ');
    out.push(`params ${thousands(params)}${tensors ? ` (${tensors})` : ''} · MACs ${thousands(layer.macs)}`);
  }
  return out;
}

/**
 * The output size per axis with the numbers put in: `(28 - 5 + 2*0)/1 + 1 = 24`, or with dilation
 * `(28 - (2*(3-1)+1) + 2*0)/1 + 1 = 24` (the effective kernel). A division that is not exact shows
 * its value and the floor: `(28 - 5 + 2*0)/2 + 1 = 12.5 -> 12`. One line when both axes agree.
 */
export function sizeFormula(layer: Layer): string[] {
  const spec = layer.spec;
  if (spec.kind !== 'conv' && spec.kind !== 'maxpool' && spec.kind !== 'avgpool') return [];
  if (layer.input.length !== 3) return [];
  const dilation = spec.kind === 'conv' ? spec.dilation : ([1, 1] as const);
  const axis = (a: 0 | 1): string => {
    const inSize = layer.input[1 + a]!;
    const f = spec.kernel[a];
    const d = dilation[a];
    const p = spec.pad[a];
    const s = spec.stride[a];
    const eff = d * (f - 1) + 1;
    const kernel = d === 1 ? String(f) : `(${d}*(${f}-1)+1)`;
    const exact = (inSize - eff + 2 * p) / s + 1;
    const out = (layer.output as Shape)[1 + a]!;
    const value = Number.isInteger(exact) ? String(exact) : `${Math.round(exact * 100) / 100} -> ${out}`;
    return `(${inSize} - ${kernel} + 2*${p})/${s} + 1 = ${value}`;
  };
  const rows = axis(0);
  const cols = axis(1);
  return rows === cols ? [`per axis: ${rows}`] : [`rows:     ${rows}`, `columns:  ${cols}`];
}
