// dense UNITS [nobias] [ACT]: [N] -> [UNITS]; on [C, H, W] it flattens first (N = C*H*W).
// Parameters: weight [UNITS, N], bias [UNITS] unless `nobias`. MACs: N * UNITS.

import type { SpecOf, ShapeRule } from '../shapes.js';
import { shapeSize } from '../../network.js';
import { readInt } from '../../check/numbers.js';
import { findOption } from '../../check/window.js';

export const denseShape: ShapeRule<SpecOf<'dense'>> = {
  args: { count: 'a unit count' },
  options: ['nobias'],
  trailingActivation: true,
  input: 'any',
  activation: false,

  resolve(ctx) {
    const { source, name, sink } = ctx;
    const units = source.count && readInt(source.count, 'the unit count', 1, name, sink);
    if (!units) return undefined;
    return { kind: 'dense', units, bias: findOption(source, 'nobias') === undefined };
  },

  infer(spec, input) {
    const n = shapeSize(input);
    const params = [{ name: 'weight', shape: [spec.units, n] }];
    if (spec.bias) params.push({ name: 'bias', shape: [spec.units] });
    return { output: [spec.units], params, macs: n * spec.units };
  },
};
