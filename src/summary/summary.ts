// What a network costs, per layer and in total: parameters, multiply-accumulates, activation sizes
// and the memory of one training step. Pure data from a checked Network; rendering is in format.ts.
//
// Definitions (one sample, float32):
// - forward MACs: the checker's Layer.macs (conv: out_elements * in_channels * kh * kw; dense:
//   units * inputs; every other layer 0: comparisons, additions and exponentials are not MACs).
// - backward MACs: 2 x forward for conv and dense, one pass for the gradient of the input and one for
//   the gradient of the weights (the first layer's input gradient is counted too, as PyTorch and
//   most estimates do); 0 for the rest. training MACs = forward + backward = 3 x forward.
// - activations kept for backward: the input and the output of every layer except `flatten`, whose
//   output is the same buffer reshaped. This is what a framework without recomputation keeps
//   alive between the forward and the backward pass (a dropout's kept output has the size of its
//   mask). Buffers for the activation gradients and scratch space are not counted.
// - training memory = activations kept + parameters + parameter gradients, 4 bytes each.

import type { Layer, LayerKind, LayerSpec, LossKind, Network, Shape } from '../network.js';
import { shapeSize } from '../network.js';

export const BYTES_PER_FLOAT32 = 4;

export interface LayerSummary {
  readonly name: string;
  readonly kind: LayerKind;
  /** the layer with every option resolved: `conv 6 5x5 stride 1 pad 0`, `maxpool 2x2 stride 2 pad 0` */
  readonly description: string;
  readonly input: Shape;
  readonly output: Shape;
  readonly params: number;
  readonly forwardMacs: number;
  readonly backwardMacs: number;
  /** elements of the output, one sample */
  readonly activations: number;
  /** 1-based source line of the statement that made the layer */
  readonly line: number;
}

export interface TrainingMemory {
  /** activations kept for backward, bytes */
  readonly activations: number;
  readonly params: number;
  readonly gradients: number;
  readonly total: number;
}

export interface SummaryTotals {
  readonly params: number;
  readonly paramBytes: number;
  readonly forwardMacs: number;
  readonly backwardMacs: number;
  readonly trainingMacs: number;
  /** elements kept for backward: input + every layer's output except flatten's */
  readonly keptActivations: number;
  /** bytes, one sample, float32 */
  readonly trainingMemory: TrainingMemory;
}

export interface Summary {
  readonly network: string;
  readonly file: string;
  readonly input: Shape;
  readonly output: Shape;
  readonly loss: LossKind | null;
  readonly layers: readonly LayerSummary[];
  readonly totals: SummaryTotals;
}

/** A size as HxW, always both numbers: [5, 5] -> "5x5". */
function hw(size: readonly [number, number]): string {
  return `${size[0]}x${size[1]}`;
}

/** A stride, padding or dilation as the language writes it: [2, 2] -> "2", [3, 0] -> "3x0". */
function short(size: readonly [number, number]): string {
  return size[0] === size[1] ? String(size[0]) : hw(size);
}

export function describeLayer(spec: LayerSpec): string {
  switch (spec.kind) {
    case 'conv': {
      const parts = ['conv', String(spec.filters), hw(spec.kernel), 'stride', short(spec.stride), 'pad', short(spec.pad)];
      if (spec.dilation[0] !== 1 || spec.dilation[1] !== 1) parts.push('dilation', short(spec.dilation));
      if (!spec.bias) parts.push('nobias');
      return parts.join(' ');
    }
    case 'maxpool':
    case 'avgpool':
      return `${spec.kind} ${hw(spec.kernel)} stride ${short(spec.stride)} pad ${short(spec.pad)}`;
    case 'dense':
      return spec.bias ? `dense ${spec.units}` : `dense ${spec.units} nobias`;
    case 'leakyrelu':
      return `leakyrelu ${spec.slope}`;
    case 'dropout':
      return `dropout ${spec.rate}`;
    default:
      return spec.kind;
  }
}

function backwardMacs(layer: Layer): number {
  return layer.spec.kind === 'conv' || layer.spec.kind === 'dense' ? 2 * layer.macs : 0;
}

export function summarizeLayer(layer: Layer): LayerSummary {
  return {
    name: layer.name,
    kind: layer.spec.kind,
    description: describeLayer(layer.spec),
    input: layer.input,
    output: layer.output,
    params: layer.params.reduce((n, p) => n + p.size, 0),
    forwardMacs: layer.macs,
    backwardMacs: backwardMacs(layer),
    activations: shapeSize(layer.output),
    line: layer.range.start.line,
  };
}

export function summarize(network: Network): Summary {
  const layers = network.layers.map(summarizeLayer);
  let params = 0;
  let forwardMacs = 0;
  let backward = 0;
  let keptActivations = shapeSize(network.input);
  for (const l of layers) {
    params += l.params;
    forwardMacs += l.forwardMacs;
    backward += l.backwardMacs;
    if (l.kind !== 'flatten') keptActivations += l.activations;
  }
  const paramBytes = params * BYTES_PER_FLOAT32;
  const activationBytes = keptActivations * BYTES_PER_FLOAT32;
  return {
    network: network.name,
    file: network.file,
    input: network.input,
    output: network.output,
    loss: network.loss ?? null,
    layers,
    totals: {
      params,
      paramBytes,
      forwardMacs,
      backwardMacs: backward,
      trainingMacs: forwardMacs + backward,
      keptActivations,
      trainingMemory: {
        activations: activationBytes,
        params: paramBytes,
        gradients: paramBytes,
        total: activationBytes + 2 * paramBytes,
      },
    },
  };
}
