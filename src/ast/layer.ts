// `[label:] LAYER ...` -> LayerStmt: positional arguments into their slots, options and the trailing
// activation checked against what the layer takes (LANGUAGE.md, "Layers"). Values are not judged
// here (a zero stride, a fractional count): that is the checker's job.

import type { IToken } from 'chevrotain';
import { ACTIVATION_KEYWORDS, OPTION_KEYWORDS, PAD_MODES } from '../../grammar/index.js';
import type { Fix } from '../diagnostics.js';
import { type Ctx, q, tokEnd, tokStart } from './context.js';
import {
  asDims, asNumber, type Item, itemEnd, itemStart, type OptionName, type TokItem, tokenNumber, type ValueItem,
} from './items.js';
import { suggest } from './suggest.js';
import type { Ident, LayerKeyword, LayerOption, LayerStmt, NumberLit, Dims, TrailingActivation } from './types.js';

type Slot = 'count' | 'size' | 'rate';

interface Spec {
  readonly slots: readonly Slot[];
  readonly required: number;
  readonly options: readonly OptionName[];
  readonly activation: boolean;
  readonly usage: string;
}

const NONE: Spec = { slots: [], required: 0, options: [], activation: false, usage: '' };
const POOL: Spec = { slots: ['size'], required: 1, options: ['stride', 'pad'], activation: false, usage: 'SIZE [stride S] [pad P]' };

const SPECS: Readonly<Record<LayerKeyword, Spec>> = {
  conv: {
    slots: ['count', 'size'], required: 2, options: ['stride', 'pad', 'dilation', 'nobias'], activation: true,
    usage: 'FILTERS SIZE [stride S] [pad P] [dilation D] [nobias] [ACT]',
  },
  maxpool: POOL,
  avgpool: POOL,
  globalavgpool: NONE,
  flatten: NONE,
  dense: { slots: ['count'], required: 1, options: ['nobias'], activation: true, usage: 'UNITS [nobias] [ACT]' },
  relu: NONE,
  sigmoid: NONE,
  tanh: NONE,
  leakyrelu: { slots: ['rate'], required: 0, options: [], activation: false, usage: '[SLOPE]' },
  dropout: { slots: ['rate'], required: 1, options: [], activation: false, usage: 'RATE' },
  softmax: NONE,
};

const MISSING: Readonly<Partial<Record<LayerKeyword, string>>> = {
  maxpool: 'a window size, e.g. `maxpool 2x2`',
  avgpool: 'a window size, e.g. `avgpool 2x2`',
  dense: 'a number of units, e.g. `dense 10`',
  dropout: 'a rate, e.g. `dropout 0.5`',
};

function usage(kind: LayerKeyword): string {
  const s = SPECS[kind].usage;
  return s === '' ? `\`${kind}\` takes no arguments` : `usage: \`${kind} ${s}\``;
}

function optionList(spec: Spec): string {
  const words = spec.options.map((o) => `\`${o}\``);
  if (spec.activation) words.push('an activation');
  if (words.length === 0) return 'it takes no options';
  return `its options are ${words.length === 1 ? words[0] : `${words.slice(0, -1).join(', ')} and ${words[words.length - 1]}`}`;
}

export interface LayerSource {
  readonly label?: Ident | undefined;
  readonly head: IToken;
  readonly items: readonly Item[];
  /** Where the statement starts: its label, or the keyword. */
  readonly start: number;
}

export function buildLayer(ctx: Ctx, src: LayerSource): LayerStmt {
  const kind = src.head.image as LayerKeyword;
  const spec = SPECS[kind];
  const headEnd = tokEnd(src.head);
  const end = src.items.length > 0 ? itemEnd(src.items[src.items.length - 1]!) : headEnd;

  // a malformed number holds its slot (its own error is reported), so no `missing-argument` follows
  const positional: (ValueItem | TokItem)[] = [];
  const options: LayerOption[] = [];
  const seen: OptionName[] = []; // the options taken so far
  let activation: TrailingActivation | undefined;
  let prevEnd = headEnd;

  const items = src.items;
  for (let i = 0; i < items.length; i++) {
    const item = items[i]!;
    const s = itemStart(item);
    let e = itemEnd(item);
    const next = items[i + 1];
    switch (item.k) {
      case 'value':
        positional.push(item);
        break;
      case 'option': {
        const name = item.name;
        if (!spec.options.includes(name)) {
          ctx.error('option-not-allowed', `\`${kind}\` does not take \`${name}\`; ${optionList(spec)}`, s, e, [
            ctx.fix(`remove ${q(ctx.slice(s, e))}`, prevEnd, e, ''),
          ]);
        } else if (seen.includes(name)) {
          ctx.error('duplicate-option', `\`${name}\` is given twice in this \`${kind}\``, s, e, [
            ctx.fix(`remove the second \`${name}\``, prevEnd, e, ''),
          ]);
        } else {
          seen.push(name);
          let value = item.value;
          if (value === undefined && name !== 'nobias' && next?.k === 'bad') {
            badNumber(ctx, next.tok); // `stride 2x`: reported as such, not as a missing value
            i++;
            break;
          }
          if (value === undefined && name !== 'nobias' && next?.k === 'mode') {
            value = next; // `stride same`: the mode is the (wrong) value of the option
            e = itemEnd(next);
            i++;
          }
          const opt = option(ctx, kind, item.name, item.tok, value, s, e);
          if (opt !== undefined) options.push(opt);
        }
        break;
      }
      case 'act': {
        const act: TrailingActivation = item.slope !== undefined
          ? { kind: item.kind, slope: tokenNumber(ctx, item.slope), range: ctx.range(s, e) }
          : { kind: item.kind, range: ctx.range(s, e) };
        if (!spec.activation) {
          ctx.error('option-not-allowed', `\`${kind}\` does not take an activation; write ${q(ctx.slice(s, e))} ` +
            'on a line of its own', s, e, [ctx.fix('move it to the next line', prevEnd, s, '\n')]);
        } else if (activation !== undefined) {
          ctx.error('duplicate-option', `\`${kind}\` takes one activation, but both \`${activation.kind}\` and ` +
            `\`${item.kind}\` are given`, s, e);
        } else {
          activation = act;
        }
        break;
      }
      case 'mode': {
        const fixes: Fix[] = spec.options.includes('pad') && !seen.includes('pad')
          ? [ctx.fix(`write \`pad ${item.mode}\``, s, s, 'pad ')] : [];
        ctx.error('bad-argument', `\`${item.mode}\` is a padding mode: write \`pad ${item.mode}\`` +
          (fixes.length === 0 ? `, which \`${kind}\` does not take` : ''), s, e, fixes);
        break;
      }
      case 'ident':
        unknownWord(ctx, kind, spec, item.tok);
        if ((next?.k === 'value' || next?.k === 'mode') && !/^x/i.test(item.tok.image)) {
          e = itemEnd(next); // `strid 2`, `padding same`: the value goes with the unknown option
          i++;
        }
        break;
      case 'bad':
        badNumber(ctx, item.tok);
        positional.push(item);
        break;
      case 'colon':
        ctx.error('syntax', 'unexpected `:`; a label comes first on the line, as in `c1: conv 6 5x5`', s, e);
        break;
      case 'keyword':
        // split off by the statement builder; a leftover here is a keyword used as an argument
        ctx.error('syntax', `unexpected keyword ${q(item.tok.image)} in \`${kind}\`; ${usage(kind)}`, s, e);
        break;
    }
    prevEnd = e;
  }

  const slots: { count?: NumberLit; size?: Dims; rate?: NumberLit } = {};
  fillSlots(ctx, kind, spec, positional, slots, !seen.includes('stride'), [tokStart(src.head), end]);

  // optional fields are absent, not undefined; assigned one by one (object spread is slow in V8)
  const stmt: Mutable<LayerStmt> = {
    kind: 'layer', layer: kind, layerRange: ctx.tokRange(src.head), options, range: ctx.range(src.start, end),
  };
  if (src.label !== undefined) stmt.label = src.label;
  if (slots.count !== undefined) stmt.count = slots.count;
  if (slots.size !== undefined) stmt.size = slots.size;
  if (slots.rate !== undefined) stmt.rate = slots.rate;
  if (activation !== undefined) stmt.activation = activation;
  return stmt;
}

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

function option(
  ctx: Ctx, kind: LayerKeyword, name: OptionName, tok: IToken, value: Item | undefined, s: number, e: number,
): LayerOption | undefined {
  const range = ctx.range(s, e);
  if (name === 'nobias') return { name, range };
  if (value === undefined) {
    const example = name === 'pad' ? '`pad 1` or `pad same`' : `\`${name} 2\``;
    ctx.error('missing-argument', `\`${name}\` in \`${kind}\` needs a value, e.g. ${example}`, tokStart(tok), tokEnd(tok));
    return undefined;
  }
  if (value.k === 'mode') {
    if (name === 'pad') return { name, value: { mode: value.mode, range: ctx.tokRange(value.tok) }, range };
    ctx.error('bad-argument', `\`${name}\` takes a size such as \`2\` or \`2x2\`, not \`${value.mode}\``,
      itemStart(value), itemEnd(value));
    return undefined;
  }
  if (value.k !== 'value') return undefined;
  return { name, value: asDims(ctx, value), range };
}

function fillSlots(
  ctx: Ctx, kind: LayerKeyword, spec: Spec, values: readonly (ValueItem | TokItem)[],
  out: { count?: NumberLit; size?: Dims; rate?: NumberLit }, strideFree: boolean, where: readonly [number, number],
): void {
  let vi = 0;
  for (let si = 0; si < spec.slots.length; si++) {
    const slot = spec.slots[si]!;
    const v = values[vi];
    if (v === undefined) {
      if (si < spec.required) missing(ctx, kind, slot, values, where);
      return;
    }
    if (v.k !== 'value') {
      vi++; // a malformed number, already reported
      continue;
    }
    if (slot === 'size') {
      out.size = asDims(ctx, v);
      vi++;
      continue;
    }
    const n = asNumber(ctx, v);
    if (n !== undefined) {
      out[slot] = n;
      vi++;
      continue;
    }
    // a size where a single number belongs
    const text = ctx.slice(itemStart(v), itemEnd(v));
    const next = values[vi + 1];
    if (kind === 'conv' && next?.k === 'value' && asNumber(ctx, next) !== undefined) {
      const a = itemStart(v);
      const b = itemEnd(next);
      const swapped = `${ctx.slice(itemStart(next), itemEnd(next))} ${text}`;
      ctx.error('bad-argument', `\`conv\` takes the filter count first, then the kernel size: ${q(`conv ${swapped}`)}`,
        a, b, [ctx.fix(`write ${q(swapped)}`, a, b, swapped)]);
      out.count = asNumber(ctx, next)!;
      out.size = asDims(ctx, v);
      vi += 2;
      si++;
      continue;
    }
    if (kind === 'conv' && values.length === 1) {
      ctx.error('missing-argument', `${q(ctx.slice(where[0], itemEnd(v)))} is missing the filter count: write ` +
        `\`conv FILTERS ${text}\`, e.g. \`conv 32 ${text}\``, itemStart(v), itemEnd(v));
      out.size = asDims(ctx, v);
      return;
    }
    const what = slot === 'count' ? (kind === 'conv' ? 'a filter count' : 'a number of units') : 'a rate';
    ctx.error('bad-argument', `\`${kind}\` takes ${what}, one number, not the size ${q(text)}; ${usage(kind)}`,
      itemStart(v), itemEnd(v));
    vi++;
  }
  extra(ctx, kind, spec, values.slice(vi), strideFree);
}

function missing(
  ctx: Ctx, kind: LayerKeyword, slot: Slot, values: readonly (ValueItem | TokItem)[], where: readonly [number, number],
): void {
  const last = values[values.length - 1];
  const shown = ctx.slice(where[0], last !== undefined ? itemEnd(last) : where[0] + kind.length);
  const msg = kind !== 'conv'
    ? `\`${kind}\` needs ${MISSING[kind] ?? 'an argument'}`
    : slot === 'count'
      ? '`conv` needs a filter count and a kernel size, e.g. `conv 32 3x3`'
      : `${q(shown)} is missing the kernel size, e.g. ${q(`${shown} 3x3`)}`;
  ctx.error('missing-argument', msg, where[0], where[1]);
}

function extra(ctx: Ctx, kind: LayerKeyword, spec: Spec, values: readonly (ValueItem | TokItem)[], strideFree: boolean): void {
  for (const [i, v] of values.entries()) {
    if (v.k !== 'value') continue; // a malformed number, already reported
    const s = itemStart(v);
    const e = itemEnd(v);
    const text = ctx.slice(s, e);
    if (i === 0 && strideFree && spec.options.includes('stride')) {
      ctx.error('extra-argument', `unexpected ${q(text)} after the size of \`${kind}\`; did you mean \`stride ${text}\`?`,
        s, e, [ctx.fix(`write \`stride ${text}\``, s, s, 'stride ')]);
    } else {
      ctx.error('extra-argument', `unexpected ${q(text)}: ${usage(kind)}`, s, e, [
        ctx.fix(`remove ${q(text)}`, ctx.spaceBefore(s), e, ''),
      ]);
    }
  }
}

function unknownWord(ctx: Ctx, kind: LayerKeyword, spec: Spec, tok: IToken): void {
  const word = tok.image;
  const s = tokStart(tok);
  const e = tokEnd(tok);
  if (/^x[0-9]/.test(word) || word === 'x' || word === 'X') {
    ctx.error('bad-size', `${q(word)} is not part of a size: write sizes without spaces, as in \`5x5\``, s, e);
    return;
  }
  const allowed = [...spec.options, ...(spec.activation ? ACTIVATION_KEYWORDS : []), ...(spec.options.includes('pad') ? PAD_MODES : [])];
  const guess = suggest(word, allowed) ?? suggest(word, [...OPTION_KEYWORDS, ...ACTIVATION_KEYWORDS]);
  if (guess !== undefined) {
    const lower = guess === word.toLowerCase() ? ' (keywords are lower case)' : '';
    ctx.error('unknown-option', `unknown option ${q(word)} in \`${kind}\`; did you mean \`${guess}\`?${lower}`, s, e, [
      ctx.fix(`replace with \`${guess}\``, s, e, guess),
    ]);
    return;
  }
  ctx.error('unknown-option', `unknown option ${q(word)} in \`${kind}\`; ${usage(kind)}`, s, e);
}

/** `5.`, `1.2.3`, `3px`, `5x`, `5X5`: one token that is not a number or a size. */
export function badNumber(ctx: Ctx, tok: IToken): void {
  const t = tok.image;
  const s = tokStart(tok);
  const e = tokEnd(tok);
  if (/^[0-9]+(?:x[0-9]*)+$/.test(t)) {
    ctx.error('bad-size', `${q(t)} is not a size: a size is \`N\`, \`HxW\` or \`CxHxW\`, with a number on each side of every \`x\``, s, e);
  } else if (/^[0-9]+\.$/.test(t)) {
    const fixed = t.slice(0, -1);
    ctx.error('bad-number', `${q(t)} is not a number: write ${q(fixed)} or ${q(`${fixed}.0`)}`, s, e, [
      ctx.fix(`write ${q(fixed)}`, s, e, fixed),
    ]);
  } else {
    ctx.error('bad-number', `${q(t)} is not a number: numbers are written \`32\`, \`0.5\`, \`.5\` or \`1e-2\``, s, e);
  }
}
