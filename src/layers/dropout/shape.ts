// dropout RATE, 0 <= RATE < 1: shape unchanged, no parameters (inverted dropout, see LANGUAGE.md).

import type { SpecOf, ShapeRule } from '../shapes.js';

export const dropoutShape: ShapeRule<SpecOf<'dropout'>> = {
  args: { rate: { what: 'a rate', optional: false } },
  options: [],
  trailingActivation: false,
  input: 'any',
  activation: false,
  resolve(ctx) {
    const lit = ctx.source.rate;
    if (lit === undefined) return undefined;
    if (!(lit.value >= 0 && lit.value < 1)) {
      ctx.sink.error(
        'dropout-rate',
        lit.range,
        `${ctx.name}: the dropout rate must be at least 0 and below 1, got ${lit.text}`,
      );
      return undefined;
    }
    return { kind: 'dropout', rate: lit.value };
  },
  infer: (_spec, input) => ({ output: input, params: [], macs: 0 }),
};
