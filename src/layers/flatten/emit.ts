// flatten: CxHxW -> C*H*W in C, H, W order, which is already the memory order of an activation.
// The step is a view: lowering gives it the same activation and gradient buffers on both sides,
// and it emits no code at all.

import type { StepEmitter } from '../emitters.js';

export const flattenEmitter: StepEmitter = {
  forward(): void {},
  backward(): void {},
};
