// The registry of emitters, one per layer kind (src/layers/<kind>/emit.ts). An emitter writes the
// step's module-level constants (if any) and its two functions:
//   <fn>_fwd(p, ws, training)   reads step.x, writes step.y
//   <fn>_bwd(p, ws, grad)       reads step.dy (and what forward kept), writes step.dx and the
//                               step's slices of grad (overwritten, not accumulated)
// conv and dense split their backward in two: <fn>_bwd writes only the parameter gradients (and
// the fused activation's dz, in place), <fn>_bwd_dx(p, ws, grad) then writes step.dx.
// The emitter (src/emit/) reaches them only through `getEmitter`.

import type { LayerKind } from '../network.js';
import type { LoweredStep } from '../lower/types.js';
import type { EmitContext, Writer } from '../emit/writer.js';
import { activationEmitter } from './activation/emit.js';
import { convEmitter } from './conv/emit.js';
import { denseEmitter } from './dense/emit.js';
import { dropoutEmitter } from './dropout/emit.js';
import { flattenEmitter } from './flatten/emit.js';
import { avgpoolEmitter, globalavgpoolEmitter, maxpoolEmitter } from './pool/emit.js';
import { softmaxEmitter } from './softmax/emit.js';

export interface StepEmitter {
  forward(w: Writer, step: LoweredStep, ctx: EmitContext): void;
  backward(w: Writer, step: LoweredStep, ctx: EmitContext): void;
  /** the input gradient, for steps with `inputGradFn` */
  inputGrad?(w: Writer, step: LoweredStep, ctx: EmitContext): void;
}

const emitters: { readonly [K in LayerKind]: StepEmitter } = {
  conv: convEmitter,
  maxpool: maxpoolEmitter,
  avgpool: avgpoolEmitter,
  globalavgpool: globalavgpoolEmitter,
  flatten: flattenEmitter,
  dense: denseEmitter,
  relu: activationEmitter,
  sigmoid: activationEmitter,
  tanh: activationEmitter,
  leakyrelu: activationEmitter,
  dropout: dropoutEmitter,
  softmax: softmaxEmitter,
};

export function getEmitter(kind: LayerKind): StepEmitter {
  return emitters[kind];
}
