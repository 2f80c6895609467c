// Networks for the correctness tests, built without the checker: a small description (what a
// `.cnn` file says, padding as written) -> the `Network` the checker would give, and -> `.cnn` text.
// The shape rules here are written from shared/LANGUAGE.md on their own, so that once the checker
// exists, comparing its Network with this one is a test of both.

import type { ActivationKind, Layer, LayerSpec, LossKind, Network, ParamTensor, Shape, Size2 } from '../../src/network.js';

export type PadWritten = number | Size2 | 'valid' | 'same' | 'full';

/** One statement as written (a trailing activation is a separate entry, as the checker splits it). */
export type LayerDesc = { readonly name?: string } & (
  | {
      readonly kind: 'conv';
      readonly filters: number;
      readonly kernel: number | Size2;
      readonly stride?: number | Size2;
      readonly pad?: PadWritten;
      readonly dilation?: number | Size2;
      readonly bias?: boolean;
    }
  | {
      readonly kind: 'maxpool' | 'avgpool';
      readonly kernel: number | Size2;
      readonly stride?: number | Size2;
      readonly pad?: number | Size2 | 'valid';
    }
  | { readonly kind: 'globalavgpool' | 'flatten' | 'softmax' | 'relu' | 'sigmoid' | 'tanh' }
  | { readonly kind: 'dense'; readonly units: number; readonly bias?: boolean }
  | { readonly kind: 'leakyrelu'; readonly slope?: number }
  | { readonly kind: 'dropout'; readonly rate: number }
);

export interface NetDesc {
  readonly name?: string;
  readonly input: Shape; // [C,H,W] or [N]
  readonly layers: readonly LayerDesc[];
  readonly loss?: LossKind;
}

const size2 = (v: number | Size2): Size2 => (typeof v === 'number' ? [v, v] : v);
const sizeText = (v: number | Size2): string => (typeof v === 'number' ? `${v}` : `${v[0]}x${v[1]}`);

const ZERO_RANGE = {
  start: { line: 1, column: 1, offset: 0 },
  end: { line: 1, column: 1, offset: 0 },
};

/** out = floor((in + 2P - D*(F-1) - 1) / S) + 1 (LANGUAGE.md), or an Error when it does not fit. */
function windowOut(inn: number, f: number, s: number, p: number, d: number, who: string): number {
  const span = inn + 2 * p - d * (f - 1) - 1;
  if (span < 0) throw new Error(`${who}: window ${f} (dilation ${d}) does not fit ${inn} + 2*${p}`);
  return Math.floor(span / s) + 1;
}

function resolvePad(pad: PadWritten | undefined, kernel: Size2, dilation: Size2, stride: Size2, who: string): Size2 {
  const eff: Size2 = [dilation[0] * (kernel[0] - 1) + 1, dilation[1] * (kernel[1] - 1) + 1];
  if (pad === undefined || pad === 'valid') return [0, 0];
  if (pad === 'full') return [eff[0] - 1, eff[1] - 1];
  if (pad === 'same') {
    if (stride[0] !== 1 || stride[1] !== 1 || eff[0] % 2 === 0 || eff[1] % 2 === 0) {
      throw new Error(`${who}: pad same needs stride 1 and an odd effective kernel`);
    }
    return [(eff[0] - 1) / 2, (eff[1] - 1) / 2];
  }
  const p = size2(pad);
  if (p[0] >= eff[0] || p[1] >= eff[1]) throw new Error(`${who}: padding not smaller than the window`);
  return p;
}

function resolveSpec(d: LayerDesc, who: string): LayerSpec {
  switch (d.kind) {
    case 'conv': {
      const kernel = size2(d.kernel);
      const stride = size2(d.stride ?? 1);
      const dilation = size2(d.dilation ?? 1);
      const padMode = d.pad === undefined || d.pad === 'valid' ? 'valid' : typeof d.pad === 'string' ? d.pad : 'explicit';
      const pad = resolvePad(d.pad, kernel, dilation, stride, who);
      return { kind: 'conv', filters: d.filters, kernel, stride, pad, padMode, dilation, bias: d.bias ?? true };
    }
    case 'maxpool':
    case 'avgpool': {
      const kernel = size2(d.kernel);
      const stride = size2(d.stride ?? d.kernel);
      return { kind: d.kind, kernel, stride, pad: resolvePad(d.pad, kernel, [1, 1], stride, who) };
    }
    case 'dense':
      return { kind: 'dense', units: d.units, bias: d.bias ?? true };
    case 'leakyrelu':
      return { kind: 'leakyrelu', slope: d.slope ?? 0.01 };
    case 'dropout':
      return { kind: 'dropout', rate: d.rate };
    default:
      return { kind: d.kind };
  }
}

/** Output shape, parameter shapes (weight then bias, unprefixed) and MACs of one layer. */
function inferLayer(spec: LayerSpec, input: Shape, who: string): { output: Shape; params: [string, number[]][]; macs: number } {
  const spatial = (): [number, number, number] => {
    if (input.length !== 3) throw new Error(`${who}: needs a CxHxW input, got ${input.join('x')}`);
    return input as unknown as [number, number, number];
  };
  switch (spec.kind) {
    case 'conv': {
      const [c, h, w] = spatial();
      const oh = windowOut(h, spec.kernel[0], spec.stride[0], spec.pad[0], spec.dilation[0], who);
      const ow = windowOut(w, spec.kernel[1], spec.stride[1], spec.pad[1], spec.dilation[1], who);
      const params: [string, number[]][] = [['weight', [spec.filters, c, spec.kernel[0], spec.kernel[1]]]];
      if (spec.bias) params.push(['bias', [spec.filters]]);
      return { output: [spec.filters, oh, ow], params, macs: spec.filters * oh * ow * c * spec.kernel[0] * spec.kernel[1] };
    }
    case 'maxpool':
    case 'avgpool': {
      const [c, h, w] = spatial();
      const oh = windowOut(h, spec.kernel[0], spec.stride[0], spec.pad[0], 1, who);
      const ow = windowOut(w, spec.kernel[1], spec.stride[1], spec.pad[1], 1, who);
      return { output: [c, oh, ow], params: [], macs: 0 };
    }
    case 'globalavgpool':
      return { output: [spatial()[0]], params: [], macs: 0 };
    case 'flatten':
      return { output: [input.reduce((a, b) => a * b, 1)], params: [], macs: 0 };
    case 'dense': {
      const n = input.reduce((a, b) => a * b, 1);
      const params: [string, number[]][] = [['weight', [spec.units, n]]];
      if (spec.bias) params.push(['bias', [spec.units]]);
      return { output: [spec.units], params, macs: spec.units * n };
    }
    case 'softmax':
      if (input.length !== 1) throw new Error(`${who}: softmax needs a vector`);
      return { output: input, params: [], macs: 0 };
    default:
      return { output: input, params: [], macs: 0 };
  }
}

/** The Network the checker should produce for `desc` (names as LANGUAGE.md gives them). */
export function buildNetwork(desc: NetDesc, file = '<input>'): Network {
  const input: Shape = desc.input.length === 2 ? [1, desc.input[0]!, desc.input[1]!] : desc.input;
  const counts = new Map<string, number>();
  const layers: Layer[] = [];
  let shape = input;
  let paramCount = 0;
  for (const d of desc.layers) {
    const k = (counts.get(d.kind) ?? 0) + 1;
    counts.set(d.kind, k);
    const name = d.name ?? `${d.kind}${k}`;
    const spec = resolveSpec(d, name);
    const { output, params, macs } = inferLayer(spec, shape, name);
    const tensors: ParamTensor[] = params.map(([p, s]) => ({
      name: `${name}.${p}`,
      shape: s,
      size: s.reduce((a, b) => a * b, 1),
    }));
    for (const t of tensors) paramCount += t.size;
    layers.push({ name, spec, input: shape, output, params: tensors, macs, range: ZERO_RANGE });
    shape = output;
  }
  return {
    name: desc.name ?? 'model',
    file,
    input,
    output: shape,
    layers,
    ...(desc.loss ? { loss: desc.loss } : {}),
    paramCount,
  };
}

function layerText(d: LayerDesc): string {
  const label = d.name ? `${d.name}: ` : '';
  switch (d.kind) {
    case 'conv': {
      let s = `conv ${d.filters} ${sizeText(d.kernel)}`;
      if (d.stride !== undefined) s += ` stride ${sizeText(d.stride)}`;
      if (d.pad !== undefined) s += ` pad ${typeof d.pad === 'string' ? d.pad : sizeText(d.pad)}`;
      if (d.dilation !== undefined) s += ` dilation ${sizeText(d.dilation)}`;
      if (d.bias === false) s += ' nobias';
      return label + s;
    }
    case 'maxpool':
    case 'avgpool': {
      let s = `${d.kind} ${sizeText(d.kernel)}`;
      if (d.stride !== undefined) s += ` stride ${sizeText(d.stride)}`;
      if (d.pad !== undefined) s += ` pad ${typeof d.pad === 'string' ? d.pad : sizeText(d.pad)}`;
      return label + s;
    }
    case 'dense':
      return `${label}dense ${d.units}${d.bias === false ? ' nobias' : ''}`;
    case 'leakyrelu':
      return `${label}leakyrelu${d.slope === undefined ? '' : ` ${d.slope}`}`;
    case 'dropout':
      return `${label}dropout ${d.rate}`;
    default:
      return label + d.kind;
  }
}

/** `.cnn` source for `desc`, one statement per line (activations on lines of their own). */
export function toSource(desc: NetDesc): string {
  const lines = [`network ${desc.name ?? 'model'}`, `input ${desc.input.join('x')}`];
  for (const d of desc.layers) lines.push(layerText(d));
  if (desc.loss) lines.push(`loss ${desc.loss}`);
  return lines.join('\n') + '\n';
}

export const ACTIVATIONS: readonly ActivationKind[] = ['relu', 'sigmoid', 'tanh', 'leakyrelu'];

/** Where two Networks differ (names, specs, shapes, parameters, loss), or undefined if they agree. */
export function networkDifference(actual: Network, expected: Network): string | undefined {
  // key order does not matter: objects are printed with sorted keys
  const show = (v: unknown): string =>
    JSON.stringify(v, (_k, x: unknown) =>
      x && typeof x === 'object' && !Array.isArray(x)
        ? Object.fromEntries(Object.entries(x as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : 1)))
        : x,
    );
  if (actual.layers.length !== expected.layers.length) {
    return `${actual.layers.length} layers (${actual.layers.map((l) => l.name).join(' ')}), expected ${expected.layers.length} (${expected.layers.map((l) => l.name).join(' ')})`;
  }
  for (let i = 0; i < expected.layers.length; i++) {
    const a = actual.layers[i]!;
    const e = expected.layers[i]!;
    const pick = (l: Layer) => ({
      name: l.name,
      spec: l.spec,
      input: l.input,
      output: l.output,
      params: l.params.map((p) => ({ name: p.name, shape: p.shape, size: p.size })),
    });
    if (show(pick(a)) !== show(pick(e))) return `layer ${i}: ${show(pick(a))}\n  expected ${show(pick(e))}`;
  }
  if (show(actual.input) !== show(expected.input)) return `input ${show(actual.input)}, expected ${show(expected.input)}`;
  if (actual.paramCount !== expected.paramCount) return `paramCount ${actual.paramCount}, expected ${expected.paramCount}`;
  if (actual.loss !== expected.loss) return `loss ${actual.loss}, expected ${expected.loss}`;
  return undefined;
}
