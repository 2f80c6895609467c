// maxpool / avgpool SIZE [stride S] [pad P]: [C, H, W] -> [C, outH, outW], stride defaulting to
// SIZE, the conv formula with D = 1. globalavgpool: [C, H, W] -> [C]. No parameters, no MACs.

import type { SpecOf, ShapeRule } from '../shapes.js';
import { readSize2 } from '../../check/numbers.js';
import { readSizeOption, resolvePad, slideWindow } from '../../check/window.js';

type PoolSpec = SpecOf<'maxpool'>;

function windowPool(kind: 'maxpool' | 'avgpool'): ShapeRule<PoolSpec> {
  return {
    args: { size: 'a window size' },
    options: ['stride', 'pad'],
    trailingActivation: false,
    input: 'spatial',
    activation: false,

    resolve(ctx) {
      const { source, name, sink } = ctx;
      const kernel = source.size && readSize2(source.size, 'the window size', 1, name, sink);
      const stride = readSizeOption(ctx, 'stride', kernel);
      const padding = resolvePad(ctx, 'window', kernel, stride, [1, 1]);
      if (!kernel || !stride || !padding) return undefined;
      return { kind, kernel, stride, pad: padding.pad };
    },

    infer(spec, input, ctx) {
      const [c, h, w] = input as [number, number, number];
      const out = slideWindow(ctx, kind, 'window', { ...spec, dilation: [1, 1] }, [h, w]);
      if (out === undefined) return undefined;
      return { output: [c, out[0], out[1]], params: [], macs: 0 };
    },
  };
}

export const maxpoolShape = windowPool('maxpool');
export const avgpoolShape = windowPool('avgpool');

export const globalavgpoolShape: ShapeRule<SpecOf<'globalavgpool'>> = {
  args: {},
  options: [],
  trailingActivation: false,
  input: 'spatial',
  activation: false,
  resolve: () => ({ kind: 'globalavgpool' }),
  infer: (_spec, input) => ({ output: [input[0]!], params: [], macs: 0 }),
};
