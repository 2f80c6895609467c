// Stage 4: Network -> LoweredNet. Decides
//   - the flat parameter layout: weight then bias per layer, in file order;
//   - the steps: one per layer, except that an activation right after a conv or dense layer is
//     fused into it (its forward applies f on the way out, its backward multiplies by f'(y) first);
//     flatten is a view and emits nothing;
//   - the workspace buffers: one activation buffer per step output (kept for backward), two
//     gradient buffers used in turn (element-wise steps work in place), dropout masks, maxpool
//     argmax indices (Int32Array);
//   - the unroll plan of each step (plan.ts), from the size model (estimate.ts);
//   - one scratch buffer, s0, for the zero-padded copies the conv kernels read (one sample at a
//     time: the largest of them).

import type { ActivationKind, Layer, Network } from '../network.js';
import { shapeSize } from '../network.js';
import { BUDGETS, convIsDense, planConv, planDense, planPool, planSimple } from './plan.js';
import type { BufferDecl, FusedActivation, LoweredNet, LoweredStep, LowerOptions, ParamSlot } from './types.js';

export type * from './types.js';
export { TURBOFAN_LIMIT } from './estimate.js';
export { BUDGETS } from './plan.js';

const ACTIVATIONS = new Set<string>(['relu', 'sigmoid', 'tanh', 'leakyrelu']);

/** An activation whose derivative can be read off the output y, so it can run in place after a conv or dense. */
function fusable(layer: Layer | undefined): FusedActivation | undefined {
  if (layer === undefined || !ACTIVATIONS.has(layer.spec.kind)) return undefined;
  const spec = layer.spec;
  if (spec.kind === 'leakyrelu') return spec.slope >= 0 ? { layer, kind: 'leakyrelu', slope: spec.slope } : undefined;
  return { layer, kind: spec.kind as ActivationKind, slope: 0 };
}

/** Steps whose backward writes dx over dy (element-wise) or that are views. */
function inPlaceBackward(kind: string): boolean {
  return ACTIVATIONS.has(kind) || kind === 'dropout' || kind === 'softmax' || kind === 'flatten';
}

export function lower(network: Network, options: LowerOptions): LoweredNet {
  const mode = options.unroll;
  const buffers: BufferDecl[] = [];
  const params: ParamSlot[] = [];
  let offset = 0;
  const slotOf = new Map<string, ParamSlot>();
  for (const layer of network.layers) {
    for (const t of layer.params) {
      const slot: ParamSlot = { name: t.name, offset, shape: t.shape, size: t.size };
      params.push(slot);
      slotOf.set(t.name, slot);
      offset += t.size;
    }
  }
  if (offset !== network.paramCount) {
    throw new Error(`lower: the layers of ${network.name} hold ${offset} parameters, the network says ${network.paramCount}`);
  }
  const buffer = (b: BufferDecl): void => void buffers.push(b);

  const inputSize = shapeSize(network.input);
  buffer({ name: 'a0', role: 'input', int32: false, perSample: inputSize, batched: true, doc: 'copy of the input' });

  // Forward: group layers into steps, give every step output its own activation buffer.
  interface Draft {
    layer: Layer;
    fused?: FusedActivation;
    x: string;
    y: string;
    mask?: string;
    argmax?: string;
  }
  const drafts: Draft[] = [];
  let current = 'a0';
  let activations = 0;
  for (let i = 0; i < network.layers.length; i++) {
    const layer = network.layers[i]!;
    const kind = layer.spec.kind;
    const fused = kind === 'conv' || kind === 'dense' ? fusable(network.layers[i + 1]) : undefined;
    if (fused) i++;
    const last = fused ? fused.layer : layer;
    const draft: Draft = { layer, x: current, y: current, ...(fused ? { fused } : {}) };
    const index = drafts.length;
    if (kind !== 'flatten') {
      draft.y = `a${++activations}`;
      const names = fused ? `${layer.name} + ${fused.layer.name}` : layer.name;
      const perSample = shapeSize(last.output);
      buffer({ name: draft.y, role: 'activation', int32: false, perSample, batched: true, doc: `output of ${names}` });
    }
    if (kind === 'dropout') {
      draft.mask = `m${index}`;
      const doc = `${layer.name}: dropout mask (0 or the scale)`;
      buffer({ name: draft.mask, role: 'mask', int32: false, perSample: shapeSize(layer.output), batched: true, doc });
    }
    if (kind === 'maxpool') {
      draft.argmax = `i${index}`;
      const doc = `${layer.name}: argmax index into the sample's input`;
      buffer({ name: draft.argmax, role: 'argmax', int32: true, perSample: shapeSize(layer.output), batched: true, doc });
    }
    drafts.push(draft);
    current = draft.y;
  }

  // Backward: gradients alternate between g0 and g1, except through in-place steps.
  const gradSizes = [0, 0];
  const gradOf: { dy: string; dx: string }[] = new Array(drafts.length);
  let g = 0;
  const outputSize = shapeSize(network.output);
  gradSizes[0] = outputSize;
  for (let k = drafts.length - 1; k >= 0; k--) {
    const d = drafts[k]!;
    const dy = `g${g}`;
    if (!inPlaceBackward(d.layer.spec.kind)) g = 1 - g;
    gradOf[k] = { dy, dx: `g${g}` };
    gradSizes[g] = Math.max(gradSizes[g]!, shapeSize(d.layer.input));
  }
  const inputGrad = `g${g}`;
  gradSizes[g] = Math.max(gradSizes[g]!, inputSize);
  for (const i of [0, 1]) {
    if (gradSizes[i]! > 0) {
      const doc = 'gradients, used in turn by the steps';
      buffer({ name: `g${i}`, role: 'gradient', int32: false, perSample: gradSizes[i]!, batched: true, doc });
    }
  }

  // The nonzero fraction of a conv's error map is at most the maxpool's outputs over its inputs
  // when max pooling follows: each pooled value sends its gradient to one position.
  const density = (index: number): number => {
    const next = drafts[index + 1]?.layer;
    if (next === undefined || next.spec.kind !== 'maxpool') return 1;
    return Math.min(1, shapeSize(next.output) / shapeSize(next.input));
  };
  let scratch = 0;
  let nonzeros = 0;
  const steps: LoweredStep[] = drafts.map((d, index) => {
    const layer = d.layer;
    const kind = layer.spec.kind;
    const last = d.fused ? d.fused.layer : layer;
    const weight = layer.params[0] && slotOf.get(layer.params[0].name);
    const bias = layer.params[1] && slotOf.get(layer.params[1].name);
    const hasBias = bias !== undefined;
    const fused = d.fused !== undefined;
    const planned =
      kind === 'conv'
        ? convIsDense(layer) && !options.noConvAsDense
          ? planDense(layer, mode, fused, hasBias, true)
          : planConv(layer, mode, {
              fused,
              bias: hasBias,
              density: density(index),
              ...(options.inputGradMethod ? { method: options.inputGradMethod } : {}),
            })
        : kind === 'maxpool' || kind === 'avgpool'
          ? planPool(layer, mode)
          : kind === 'dense'
            ? planDense(layer, mode, fused, hasBias)
            : planSimple();
    const emits = kind !== 'flatten';
    const plan = planned.plan;
    if (plan.kind === 'conv') {
      if (plan.inputPad) scratch = Math.max(scratch, plan.inputPad.channels * plan.inputPad.plane);
      if (plan.inputGrad.method === 'gather' && plan.inputGrad.pad) scratch = Math.max(scratch, plan.inputGrad.pad.channels * plan.inputGrad.pad.plane);
      if (plan.weightGrad.unroll === 'sparse') nonzeros = Math.max(nonzeros, plan.geom.oh * plan.geom.ow);
    }
    const split = kind === 'conv' || kind === 'dense';
    return {
      index,
      kind,
      layer,
      ...(d.fused ? { fused: d.fused } : {}),
      layers: d.fused ? [layer, d.fused.layer] : [layer],
      input: layer.input,
      output: last.output,
      inSize: shapeSize(layer.input),
      outSize: shapeSize(last.output),
      x: d.x,
      y: d.y,
      dy: gradOf[index]!.dy,
      dx: gradOf[index]!.dx,
      ...(weight ? { weight } : {}),
      ...(bias ? { bias } : {}),
      ...(d.mask ? { mask: d.mask } : {}),
      ...(d.argmax ? { argmax: d.argmax } : {}),
      ...(emits ? { forwardFn: `${layer.name}_fwd`, backwardFn: `${layer.name}_bwd` } : {}),
      ...(split ? { inputGradFn: `${layer.name}_bwd_dx` } : {}),
      plan,
      estimate: emits ? planned.estimate : { forward: 0, backward: 0 },
    };
  });

  if (scratch > 0) {
    const doc = "zero-padded copy of one sample's conv input, error map or input gradient";
    buffer({ name: 's0', role: 'scratch', int32: false, perSample: scratch, batched: false, doc });
  }
  if (nonzeros > 0) {
    const doc = "the nonzero errors of one conv filter's map (values), for the sparse weight gradient";
    buffer({ name: 'nzv', role: 'scratch', int32: false, perSample: nonzeros, batched: false, doc });
    buffer({ name: 'nzo', role: 'scratch', int32: true, perSample: nonzeros, batched: false, doc: 'and their input offsets' });
  }

  return {
    network,
    name: network.name,
    file: network.file,
    input: network.input,
    output: network.output,
    inputSize,
    outputSize,
    paramCount: offset,
    params,
    buffers,
    steps,
    inputBuffer: 'a0',
    outputBuffer: current,
    outputGrad: 'g0',
    inputGrad,
    ...(network.loss ? { loss: network.loss } : {}),
    unroll: mode,
    budget: BUDGETS[mode],
  };
}
