// relu, sigmoid, tanh, leakyrelu [SLOPE]: element-wise, shape unchanged, no parameters.
// SLOPE defaults to 0.01 and may be any finite number (negative slopes are allowed, as in PyTorch).

import type { SpecOf, ShapeRule } from '../shapes.js';

function elementwise(kind: 'relu' | 'sigmoid' | 'tanh'): ShapeRule<SpecOf<'relu'>> {
  return {
    args: {},
    options: [],
    trailingActivation: false,
    input: 'any',
    activation: true,
    resolve: () => ({ kind }),
    infer: (_spec, input) => ({ output: input, params: [], macs: 0 }),
  };
}

export const reluShape = elementwise('relu');
export const sigmoidShape = elementwise('sigmoid');
export const tanhShape = elementwise('tanh');

export const DEFAULT_LEAKY_SLOPE = 0.01;

export const leakyreluShape: ShapeRule<SpecOf<'leakyrelu'>> = {
  args: { rate: { what: 'a slope', optional: true } },
  options: [],
  trailingActivation: false,
  input: 'any',
  activation: true,
  resolve(ctx) {
    const lit = ctx.source.rate;
    if (lit === undefined) return { kind: 'leakyrelu', slope: DEFAULT_LEAKY_SLOPE };
    if (!Number.isFinite(lit.value)) {
      ctx.sink.error(
        'slope-not-finite',
        lit.range,
        `${ctx.name}: the leakyrelu slope must be a finite number, got ${lit.text}`,
      );
      return undefined;
    }
    return { kind: 'leakyrelu', slope: lit.value };
  },
  infer: (_spec, input) => ({ output: input, params: [], macs: 0 }),
};
