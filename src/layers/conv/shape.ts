// conv FILTERS SIZE [stride S] [pad P] [dilation D] [nobias] [ACT]
// [C, H, W] -> [FILTERS, outH, outW] (see src/check/window.ts for the per-axis formula).
// Parameters (PyTorch layout): weight [FILTERS, C, kh, kw], bias [FILTERS] unless `nobias`.
// MACs per sample: FILTERS * outH * outW * C * kh * kw.

import type { SpecOf, ShapeRule } from '../shapes.js';
import { readInt, readSize2 } from '../../check/numbers.js';
import { findOption, readSizeOption, resolvePad, slideWindow } from '../../check/window.js';

type ConvSpec = SpecOf<'conv'>;

export const convShape: ShapeRule<ConvSpec> = {
  args: { count: 'a filter count', size: 'a kernel size' },
  options: ['stride', 'pad', 'dilation', 'nobias'],
  trailingActivation: true,
  input: 'spatial',
  activation: false,

  resolve(ctx) {
    const { source, name, sink } = ctx;
    const filters = source.count && readInt(source.count, 'the filter count', 1, name, sink);
    const kernel = source.size && readSize2(source.size, 'the kernel size', 1, name, sink);
    const stride = readSizeOption(ctx, 'stride', [1, 1]);
    const dilation = readSizeOption(ctx, 'dilation', [1, 1]);
    const padding = resolvePad(ctx, 'kernel', kernel, stride, dilation);
    if (!filters || !kernel || !stride || !dilation || !padding) return undefined;
    return {
      kind: 'conv',
      filters,
      kernel,
      stride,
      pad: padding.pad,
      padMode: padding.padMode,
      dilation,
      bias: findOption(source, 'nobias') === undefined,
    };
  },

  infer(spec, input, ctx) {
    const [c, h, w] = input as [number, number, number];
    const out = slideWindow(ctx, 'conv', 'kernel', spec, [h, w]);
    if (out === undefined) return undefined;
    const [kh, kw] = spec.kernel;
    const f = spec.filters;
    const params = [{ name: 'weight', shape: [f, c, kh, kw] }];
    if (spec.bias) params.push({ name: 'bias', shape: [f] });
    return { output: [f, out[0], out[1]], params, macs: f * out[0] * out[1] * c * kh * kw };
  },
};
