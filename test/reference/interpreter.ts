// The reference interpreter: runs a checked `Network` layer by layer with the plain-loop semantics
// of ./layers.ts, in float64. The oracle for the generated modules and the TF.js cross-check.
//
// Dropout: in training mode the caller passes explicit 0/1 keep-masks (one per dropout layer, in
// layer order, batch * size each), so a test can replay exactly the masks another implementation
// drew. Training mode without a mask for a dropout layer with rate > 0 is an error rather than a
// silent identity, so a test cannot compare mismatched randomness by accident.

import type { Layer, LossKind, Network } from '../../src/network.js';
import { layerBackward, layerForward, type LayerArgs } from './layers.js';

export interface ForwardOptions {
  readonly training: boolean;
  readonly dropoutMasks?: readonly Float64Array[];
  /**
   * Round every layer's output, and in backward every layer's input gradient, to float32. Not a
   * float32 implementation (each layer still computes in float64): a probe of how much rounding
   * between layers alone changes the results, which sets the tolerance for float32 implementations
   * (test/support/compare.ts, float32Noise).
   */
  readonly roundF32?: boolean;
}

export interface ForwardResult {
  readonly output: Float64Array;
  /** activations[0] is the input, activations[i + 1] the output of layer i */
  readonly activations: readonly Float64Array[];
  readonly args: readonly LayerArgs[];
  readonly batch: number;
  readonly roundF32: boolean;
}

export interface BackwardResult {
  /** dL/dparams, flat, the same layout as the parameter vector */
  readonly dParams: Float64Array;
  readonly dInput: Float64Array;
}

const size = (s: readonly number[]): number => s.reduce((a, b) => a * b, 1);

/** Offsets of each layer's params (weight then bias) in the flat vector, layer by layer. */
export function paramOffsets(network: Network): { layer: Layer; weight?: number; bias?: number }[] {
  let off = 0;
  return network.layers.map((layer) => {
    const entry: { layer: Layer; weight?: number; bias?: number } = { layer };
    for (const p of layer.params) {
      if (p.name.endsWith('.weight')) entry.weight = off;
      else if (p.name.endsWith('.bias')) entry.bias = off;
      else throw new Error(`unexpected parameter ${p.name}`);
      off += p.size;
    }
    return entry;
  });
}

function maybeRound(v: Float64Array, round: boolean | undefined): Float64Array {
  if (round) for (let i = 0; i < v.length; i++) v[i] = Math.fround(v[i]!);
  return v;
}

function view(v: Float64Array, offset: number | undefined, n: number): Float64Array | undefined {
  return offset === undefined ? undefined : v.subarray(offset, offset + n);
}

export function forwardRef(
  network: Network,
  params: ArrayLike<number>,
  input: ArrayLike<number>,
  batch: number,
  opts: ForwardOptions,
): ForwardResult {
  if (params.length !== network.paramCount) throw new Error(`params: ${params.length} != ${network.paramCount}`);
  if (input.length !== batch * size(network.input)) throw new Error(`input: ${input.length} != ${batch} * ${size(network.input)}`);
  const p = Float64Array.from(params);
  const activations: Float64Array[] = [Float64Array.from(input)];
  const args: LayerArgs[] = [];
  let dropoutIndex = 0;
  for (const { layer, weight, bias } of paramOffsets(network)) {
    const spec = layer.spec;
    let mask: Float64Array | undefined;
    if (spec.kind === 'dropout' && opts.training) {
      mask = opts.dropoutMasks?.[dropoutIndex];
      if (mask === undefined && spec.rate > 0) throw new Error(`${layer.name}: training mode needs a dropout mask`);
      if (mask !== undefined && mask.length !== batch * size(layer.input)) throw new Error(`${layer.name}: mask length`);
    }
    if (spec.kind === 'dropout') dropoutIndex++;
    const a: LayerArgs = {
      spec,
      inShape: layer.input,
      outShape: layer.output,
      batch,
      weight: view(p, weight, layer.params[0]?.size ?? 0),
      bias: view(p, bias, spec.kind === 'conv' ? spec.filters : spec.kind === 'dense' ? spec.units : 0),
      training: opts.training,
      mask,
    };
    args.push(a);
    activations.push(maybeRound(layerForward(a, activations[activations.length - 1]!), opts.roundF32));
  }
  return { output: activations[activations.length - 1]!, activations, args, batch, roundF32: opts.roundF32 ?? false };
}

/**
 * Backward from dL/d(output of layer `from - 1`), down to the input. `from` defaults to the
 * number of layers (dOut is dL/d(network output)).
 */
export function backwardRef(
  network: Network,
  fwd: ForwardResult,
  dOutput: ArrayLike<number>,
  from = network.layers.length,
): BackwardResult {
  const offsets = paramOffsets(network);
  const dParams = new Float64Array(network.paramCount);
  let g: Float64Array = Float64Array.from(dOutput);
  for (let i = from - 1; i >= 0; i--) {
    const { layer, weight, bias } = offsets[i]!;
    const a = fwd.args[i]!;
    const dw = view(dParams, weight, layer.params[0]?.size ?? 0);
    const db = view(dParams, bias, layer.output[0] ?? 0);
    g = maybeRound(layerBackward(a, fwd.activations[i]!, fwd.activations[i + 1]!, g, dw, db), fwd.roundF32);
  }
  return { dParams: maybeRound(dParams, fwd.roundF32), dInput: g };
}

/** The loss of LANGUAGE.md, mean over the batch. A zero target contributes 0 to cross-entropy. */
export function lossRef(kind: LossKind, output: ArrayLike<number>, target: ArrayLike<number>, batch: number): number {
  let sum = 0;
  for (let i = 0; i < output.length; i++) {
    if (kind === 'mse') sum += ((output[i]! - target[i]!) ** 2) / 2;
    else if (target[i]! !== 0) sum -= target[i]! * Math.log(output[i]!);
  }
  return sum / batch;
}

/** dL/d(output) for the loss (for cross_entropy: the gradient at the softmax output, -t/(B p)). */
export function lossGradRef(kind: LossKind, output: ArrayLike<number>, target: ArrayLike<number>, batch: number): Float64Array {
  const g = new Float64Array(output.length);
  for (let i = 0; i < g.length; i++) {
    g[i] = kind === 'mse' ? (output[i]! - target[i]!) / batch : -target[i]! / (batch * output[i]!);
  }
  return g;
}

/**
 * Training-mode forward, loss and backward in one, as a module's lossAndGrad. For cross_entropy the
 * backward starts at the softmax input with (p - t)/B, as LANGUAGE.md defines it.
 */
export function lossAndGradRef(
  network: Network,
  params: ArrayLike<number>,
  input: ArrayLike<number>,
  target: ArrayLike<number>,
  batch: number,
  dropoutMasks?: readonly Float64Array[],
  roundF32 = false,
): { loss: number; output: Float64Array } & BackwardResult {
  if (!network.loss) throw new Error(`${network.name} declares no loss`);
  const fwd = forwardRef(network, params, input, batch, { training: true, dropoutMasks, roundF32 });
  const loss = lossRef(network.loss, fwd.output, target, batch);
  let back: BackwardResult;
  if (network.loss === 'cross_entropy') {
    const last = network.layers[network.layers.length - 1]!;
    if (last.spec.kind !== 'softmax') throw new Error('cross_entropy needs a final softmax');
    const g = new Float64Array(fwd.output.length);
    for (let i = 0; i < g.length; i++) g[i] = (fwd.output[i]! - target[i]!) / batch;
    back = backwardRef(network, fwd, maybeRound(g, roundF32), network.layers.length - 1);
  } else {
    back = backwardRef(network, fwd, maybeRound(lossGradRef('mse', fwd.output, target, batch), roundF32));
  }
  return { loss, output: fwd.output, ...back };
}
