// flatten: [C, H, W] -> [C*H*W] in C, H, W order. On a vector it does nothing (a warning).

import type { SpecOf, ShapeRule } from '../shapes.js';
import { shapeSize } from '../../network.js';

export const flattenShape: ShapeRule<SpecOf<'flatten'>> = {
  args: {},
  options: [],
  trailingActivation: false,
  input: 'any',
  activation: false,
  resolve: () => ({ kind: 'flatten' }),
  infer(_spec, input, ctx) {
    if (input.length === 1) {
      ctx.sink.warning(
        'flatten-on-vector',
        ctx.source.keywordRange,
        `${ctx.name}: the input is already the vector ${input[0]}; this flatten does nothing`,
      );
    }
    return { output: [shapeSize(input)], params: [], macs: 0 };
  },
};
