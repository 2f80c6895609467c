// Hand-built Networks for unit tests of src/summary, independent of the parser and the checker:
// shapes, parameters and MACs come from the formulas in LANGUAGE.md, written out here.

import type { SourceRange } from '../../src/diagnostics.js';
import type { Layer, LayerSpec, Network, ParamTensor, Shape } from '../../src/network.js';

const at = (line: number): SourceRange => ({
  start: { line, column: 1, offset: 0 },
  end: { line, column: 2, offset: 1 },
});

const tensor = (name: string, shape: number[]): ParamTensor => ({
  name,
  shape,
  size: shape.reduce((a, b) => a * b, 1),
});

type Step =
  | { kind: 'conv'; name: string; filters: number; k: [number, number]; stride?: number; pad?: [number, number] }
  | { kind: 'maxpool' | 'avgpool'; name: string; k: number }
  | { kind: 'dense'; name: string; units: number }
  | { kind: 'relu' | 'flatten' | 'softmax' | 'globalavgpool'; name: string }
  | { kind: 'dropout'; name: string; rate: number };

export function buildNetwork(name: string, input: Shape, steps: Step[]): Network {
  let shape = input;
  const layers: Layer[] = [];
  steps.forEach((s, i) => {
    const line = i + 3;
    let spec: LayerSpec;
    let output: Shape;
    let params: ParamTensor[] = [];
    let macs = 0;
    const [c, h, w] = shape as [number, number, number];
    switch (s.kind) {
      case 'conv': {
        const stride = s.stride ?? 1;
        const pad = s.pad ?? [0, 0];
        const oh = Math.floor((h + 2 * pad[0] - s.k[0]) / stride) + 1;
        const ow = Math.floor((w + 2 * pad[1] - s.k[1]) / stride) + 1;
        spec = {
          kind: 'conv', filters: s.filters, kernel: s.k, stride: [stride, stride], pad, padMode: 'explicit',
          dilation: [1, 1], bias: true,
        };
        output = [s.filters, oh, ow];
        params = [tensor(`${s.name}.weight`, [s.filters, c, s.k[0], s.k[1]]), tensor(`${s.name}.bias`, [s.filters])];
        macs = s.filters * oh * ow * c * s.k[0] * s.k[1];
        break;
      }
      case 'maxpool':
      case 'avgpool':
        spec = { kind: s.kind, kernel: [s.k, s.k], stride: [s.k, s.k], pad: [0, 0] };
        output = [c, Math.floor(h / s.k), Math.floor(w / s.k)];
        break;
      case 'dense': {
        const inputs = shape.reduce((a, b) => a * b, 1);
        spec = { kind: 'dense', units: s.units, bias: true };
        output = [s.units];
        params = [tensor(`${s.name}.weight`, [s.units, inputs]), tensor(`${s.name}.bias`, [s.units])];
        macs = s.units * inputs;
        break;
      }
      case 'flatten':
        spec = { kind: 'flatten' };
        output = [shape.reduce((a, b) => a * b, 1)];
        break;
      case 'globalavgpool':
        spec = { kind: 'globalavgpool' };
        output = [c];
        break;
      case 'dropout':
        spec = { kind: 'dropout', rate: s.rate };
        output = shape;
        break;
      default:
        spec = { kind: s.kind };
        output = shape;
    }
    layers.push({ name: s.name, spec, input: shape, output, params, macs, range: at(line) });
    shape = output;
  });
  return {
    name,
    file: `${name}.cnn`,
    input,
    output: shape,
    layers,
    loss: 'cross_entropy',
    paramCount: layers.reduce((n, l) => n + l.params.reduce((m, p) => m + p.size, 0), 0),
  };
}

/** LeNet-5 as in LANGUAGE.md. */
export function lenet5(): Network {
  return buildNetwork('lenet5', [1, 32, 32], [
    { kind: 'conv', name: 'c1', filters: 6, k: [5, 5] },
    { kind: 'relu', name: 'relu1' },
    { kind: 'maxpool', name: 's2', k: 2 },
    { kind: 'conv', name: 'c3', filters: 16, k: [5, 5] },
    { kind: 'relu', name: 'relu2' },
    { kind: 'maxpool', name: 's4', k: 2 },
    { kind: 'conv', name: 'c5', filters: 120, k: [5, 5] },
    { kind: 'relu', name: 'relu3' },
    { kind: 'flatten', name: 'flatten1' },
    { kind: 'dense', name: 'f6', units: 84 },
    { kind: 'relu', name: 'relu4' },
    { kind: 'dense', name: 'out', units: 10 },
    { kind: 'softmax', name: 'softmax1' },
  ]);
}
