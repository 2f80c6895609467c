// softmax: over the vector, [N] -> [N]; only as the last layer (the checker's sequence rules).
// A softmax over a single value is always 1: a warning.

import type { SpecOf, ShapeRule } from '../shapes.js';

export const softmaxShape: ShapeRule<SpecOf<'softmax'>> = {
  args: {},
  options: [],
  trailingActivation: false,
  input: 'vector',
  activation: false,
  resolve: () => ({ kind: 'softmax' }),
  infer(_spec, input, ctx) {
    if (input[0] === 1) {
      ctx.sink.warning(
        'softmax-of-one',
        ctx.source.keywordRange,
        `${ctx.name}: softmax over a single value always gives 1; use sigmoid for one output`,
      );
    }
    return { output: input, params: [], macs: 0 };
  },
};
