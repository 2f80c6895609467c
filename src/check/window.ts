// Sliding-window arithmetic shared by conv, maxpool and avgpool, per axis:
//   effective kernel E = D*(F-1) + 1
//   out = floor((in + 2P - E) / S) + 1, defined when in + 2P >= E (else the window does not fit)
//   the last (in + 2P - E) mod S cells of the padded input are never read; of those, the last P
//   are padding, so the input loses max(0, (in + 2P - E) mod S - P) rows or columns.

import type { LayerOption } from '../ast/types.js';
import type { Fix, SourceRange } from '../diagnostics.js';
import type { PadMode, Size2 } from '../network.js';
import type { LayerOptionName, LayerSource, RuleContext } from '../layers/shapes.js';
import { readSize2 } from './numbers.js';
import { formatDecimal, plural, pointRange, sizeText } from './text.js';

/** The member of LayerOption whose `name` admits N (`stride` -> the stride/dilation member). */
export type OptionOf<N extends LayerOptionName> = LayerOption extends infer O
  ? O extends { readonly name: infer ON }
    ? N extends ON
      ? O
      : never
    : never
  : never;

export function findOption<N extends LayerOptionName>(source: LayerSource, name: N): OptionOf<N> | undefined {
  const options = source.options;
  for (let i = 0; i < options.length; i++) {
    if (options[i]!.name === name) return options[i] as OptionOf<N>;
  }
  return undefined;
}

export function effective(kernel: number, dilation: number): number {
  return dilation * (kernel - 1) + 1;
}

/** `stride` or `dilation` as written, `fallback` when absent; undefined after a report. */
export function readSizeOption(
  ctx: RuleContext,
  name: 'stride' | 'dilation',
  fallback: Size2 | undefined,
): Size2 | undefined {
  const opt = findOption(ctx.source, name);
  if (opt === undefined) return fallback;
  return readSize2(opt.value, `the ${name}`, 1, ctx.name, ctx.sink);
}

/**
 * The `pad` option resolved to a per-side padding. `kernel`, `stride`, `dilation` are undefined
 * when they were invalid (already reported); the checks needing them are then skipped.
 */
export function resolvePad(
  ctx: RuleContext,
  windowWord: string,
  kernel: Size2 | undefined,
  stride: Size2 | undefined,
  dilation: Size2 | undefined,
): { pad: Size2; padMode: PadMode } | undefined {
  const opt = findOption(ctx.source, 'pad');
  if (opt === undefined) return { pad: [0, 0], padMode: 'valid' };
  const value = opt.value;
  const eff: Size2 | undefined =
    kernel && dilation && [effective(kernel[0], dilation[0]), effective(kernel[1], dilation[1])];
  if (!('mode' in value)) {
    const pad = readSize2(value, 'the padding', 0, ctx.name, ctx.sink);
    if (pad === undefined) return undefined;
    if (eff !== undefined && (pad[0] >= eff[0] || pad[1] >= eff[1])) {
      ctx.sink.error(
        'pad-too-large',
        value.range,
        `${ctx.name}: padding ${sizeText(pad)} is not smaller than the ${eff[0]}x${eff[1]} ${windowWord} of ${ctx.name}`,
      );
      return undefined;
    }
    return { pad, padMode: 'explicit' };
  }
  if (value.mode === 'valid') return { pad: [0, 0], padMode: 'valid' };
  if (eff === undefined) return undefined;
  if (value.mode === 'full') return { pad: [eff[0] - 1, eff[1] - 1], padMode: 'full' };

  // pad same: output = input needs stride 1 and a centred (odd) window.
  let ok = true;
  if (stride !== undefined && (stride[0] !== 1 || stride[1] !== 1)) {
    ok = false;
    const strideOpt = findOption(ctx.source, 'stride');
    const explicit: Size2 = [Math.floor((eff[0] - 1) / 2), Math.floor((eff[1] - 1) / 2)];
    const written = strideOpt === undefined ? ` (a ${windowWord}'s stride defaults to its size)` : '';
    ctx.sink.error(
      'same-needs-stride-1',
      strideOpt?.value.range ?? value.range,
      `${ctx.name}: pad same needs stride 1, but the stride is ${sizeText(stride)}${written}`,
      [{ title: `use pad ${sizeText(explicit)}`, range: value.range, replacement: sizeText(explicit) }],
    );
  }
  if (eff[0] % 2 === 0 || eff[1] % 2 === 0) {
    ok = false;
    const k = kernel!;
    const odd: Size2 = [eff[0] % 2 === 0 ? k[0] + 1 : k[0], eff[1] % 2 === 0 ? k[1] + 1 : k[1]];
    const effText = dilation![0] === 1 && dilation![1] === 1 ? '' : ` (${eff[0]}x${eff[1]} with dilation)`;
    const sizeRange = ctx.source.size?.range ?? value.range;
    ctx.sink.error(
      'same-needs-odd-kernel',
      sizeRange,
      `${ctx.name}: pad same needs an odd ${windowWord}, but ${k[0]}x${k[1]}${effText} is even`,
      [{ title: `make the ${windowWord} ${odd[0]}x${odd[1]}`, range: sizeRange, replacement: sizeText(odd) }],
    );
  }
  if (!ok) return undefined;
  return { pad: [(eff[0] - 1) / 2, (eff[1] - 1) / 2], padMode: 'same' };
}

export interface WindowSpec {
  readonly kernel: Size2;
  readonly stride: Size2;
  readonly pad: Size2;
  readonly dilation: Size2;
}

/**
 * The output [H, W] of a window layer on an input [H, W], or undefined after a fit error.
 * `what` names the layer in messages: "conv", "maxpool".
 */
export function slideWindow(
  ctx: RuleContext,
  what: string,
  windowWord: string,
  spec: WindowSpec,
  input: Size2,
): Size2 | undefined {
  const { kernel, stride, pad, dilation } = spec;
  const eff: Size2 = [effective(kernel[0], dilation[0]), effective(kernel[1], dilation[1])];
  const span: Size2 = [input[0] + 2 * pad[0], input[1] + 2 * pad[1]];
  const sizeRange = ctx.source.size?.range ?? ctx.source.keywordRange;
  if (span[0] < eff[0] || span[1] < eff[1]) {
    const dil =
      dilation[0] === 1 && dilation[1] === 1
        ? ''
        : ` with dilation ${sizeText(dilation)} (${eff[0]}x${eff[1]} effective)`;
    ctx.sink.error(
      'window-too-large',
      sizeRange,
      `${ctx.name}: ${what} ${kernel[0]}x${kernel[1]}${dil} does not fit the ${input[0]}x${input[1]} ` +
        `input of ${ctx.name} (padding ${sizeText(pad)})`,
      fitFixes(ctx, windowWord, spec, input, eff, span, sizeRange),
    );
    return undefined;
  }
  const out: Size2 = [
    Math.floor((span[0] - eff[0]) / stride[0]) + 1,
    Math.floor((span[1] - eff[1]) / stride[1]) + 1,
  ];
  reportUneven(ctx, spec, input, eff, span);
  return out;
}

function fitFixes(
  ctx: RuleContext,
  windowWord: string,
  spec: WindowSpec,
  input: Size2,
  eff: Size2,
  span: Size2,
  sizeRange: SourceRange,
): Fix[] {
  const { kernel, stride, pad, dilation } = spec;
  const fixes: Fix[] = [];
  // The largest kernel that fits the padded input, axis by axis.
  const fit: Size2 = [
    Math.min(kernel[0], Math.floor((span[0] - 1) / dilation[0]) + 1),
    Math.min(kernel[1], Math.floor((span[1] - 1) / dilation[1]) + 1),
  ];
  // A smaller kernel must stay larger than the padding (pad-too-large); with a large dilation
  // there may be no such kernel.
  if (effective(fit[0], dilation[0]) > pad[0] && effective(fit[1], dilation[1]) > pad[1]) {
    fixes.push({ title: `shrink the ${windowWord} to ${fit[0]}x${fit[1]}`, range: sizeRange, replacement: sizeText(fit) });
  }

  const padOpt = findOption(ctx.source, 'pad');
  const padFix = (p: Size2, title: string): Fix =>
    padOpt !== undefined
      ? { title, range: padOpt.value.range, replacement: sizeText(p) }
      : { title, range: pointRange(sizeRange.end), replacement: ` pad ${sizeText(p)}` };
  if (stride[0] === 1 && stride[1] === 1 && eff[0] % 2 === 1 && eff[1] % 2 === 1) {
    const keep: Size2 = [(eff[0] - 1) / 2, (eff[1] - 1) / 2];
    fixes.push(padFix(keep, `pad ${sizeText(keep)} keeps ${input[0]}x${input[1]}`));
  } else {
    // The least padding that makes the window fit; below the window (in >= 1), so it is valid.
    const p: Size2 = [
      Math.max(pad[0], Math.ceil((eff[0] - input[0]) / 2)),
      Math.max(pad[1], Math.ceil((eff[1] - input[1]) / 2)),
    ];
    const oh = Math.floor((input[0] + 2 * p[0] - eff[0]) / stride[0]) + 1;
    const ow = Math.floor((input[1] + 2 * p[1] - eff[1]) / stride[1]) + 1;
    fixes.push(padFix(p, `pad ${sizeText(p)} makes it fit (output ${oh}x${ow})`));
  }
  return fixes;
}

/** `(28 - 5 + 2*0)/2 + 1 = 12.5` for axis `a` (0: rows, 1: columns). */
function unevenFormula(a: 0 | 1, input: Size2, eff: Size2, span: Size2, stride: Size2, pad: Size2): string {
  return `(${input[a]} - ${eff[a]} + 2*${pad[a]})/${stride[a]} + 1 = ` + formatDecimal((span[a] - eff[a]) / stride[a] + 1);
}

function reportUneven(ctx: RuleContext, spec: WindowSpec, input: Size2, eff: Size2, span: Size2): void {
  const { stride, pad } = spec;
  // rows (columns) of the real input never read: the remainder, less the padding it covers
  const unreadH = ((span[0] - eff[0]) % stride[0]) - pad[0];
  const unreadW = ((span[1] - eff[1]) % stride[1]) - pad[1];
  if (unreadH <= 0 && unreadW <= 0) return;
  const strideOpt = findOption(ctx.source, 'stride');
  const range = strideOpt?.value.range ?? ctx.source.size?.range ?? ctx.source.keywordRange;
  const h = { unread: unreadH, formula: unevenFormula(0, input, eff, span, stride, pad) };
  const w = { unread: unreadW, formula: unevenFormula(1, input, eff, span, stride, pad) };
  if (h.unread > 0 && w.unread > 0 && h.formula === w.formula && h.unread === w.unread) {
    const n = h.unread;
    ctx.sink.warning(
      'uneven-window',
      range,
      `${ctx.name}: ${h.formula}; the last ${n} ${plural(n, 'row', 'rows')} and ${n} ` +
        `${plural(n, 'column', 'columns')} of the input are never read`,
    );
    return;
  }
  const words = [
    ['row', 'rows'],
    ['column', 'columns'],
  ] as const;
  [h, w].forEach((axis, a) => {
    if (axis.unread <= 0) return;
    const n = axis.unread;
    ctx.sink.warning(
      'uneven-window',
      range,
      `${ctx.name}: ${axis.formula}; the last ${n} ${plural(n, words[a]![0], words[a]![1])} of the input ` +
        `${plural(n, 'is', 'are')} never read`,
      undefined,
      a === 0 ? 'rows' : 'columns',
    );
  });
}
