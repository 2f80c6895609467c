// conv: forward (emit-forward.ts), backward (emit-backward.ts: bias and weight gradients,
// emit-backward-input.ts: input gradient). See each file for the formula it implements.

import type { StepEmitter } from '../emitters.js';
import { emitConvBackward } from './emit-backward.js';
import { emitConvForward } from './emit-forward.js';

export const convEmitter: StepEmitter = {
  forward: emitConvForward,
  backward: emitConvBackward,
};
