// conv: forward (emit-forward.ts); backward in two functions, the parameter gradients
// (emit-backward.ts) and the input gradient (emit-backward-input.ts), which lossAndGrad leaves out
// for the first layer. A conv whose window covers its whole unpadded input (output 1x1) is a dense
// layer over the flattened input with the same weight layout, and is emitted as one.

import type { LoweredStep } from '../../lower/types.js';
import type { EmitContext, Writer } from '../../emit/writer.js';
import type { StepEmitter } from '../emitters.js';
import { denseEmitter } from '../dense/emit.js';
import { emitConvBackward } from './emit-backward.js';
import { emitConvInputGrad } from './emit-backward-input.js';
import { emitConvForward } from './emit-forward.js';

export const convEmitter: StepEmitter = {
  forward(w: Writer, step: LoweredStep, ctx: EmitContext): void {
    if (step.plan.kind === 'dense') denseEmitter.forward(w, step, ctx);
    else emitConvForward(w, step, ctx);
  },
  backward(w: Writer, step: LoweredStep, ctx: EmitContext): void {
    if (step.plan.kind === 'dense') denseEmitter.backward(w, step, ctx);
    else emitConvBackward(w, step, ctx);
  },
  inputGrad(w: Writer, step: LoweredStep, ctx: EmitContext): void {
    if (step.plan.kind === 'dense') denseEmitter.inputGrad!(w, step, ctx);
    else emitConvInputGrad(w, step, ctx);
  },
};
