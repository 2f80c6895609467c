// The pieces of one line, read from the parse tree in source order: values, options with their
// values, activations and the odd words the grammar lets through for better messages. Sizes
// written with spaces (`5 x 5`, `5x 5`) are joined here into one value, with a `bad-size` error.

import type { IToken } from 'chevrotain';
import { type ActivationNode, type ArgsNode, isToken, type OptionNode } from '../../grammar/index.js';
import type { ActivationKeyword, Dims, NumberLit } from './types.js';
import { type Ctx, isReal, q, tokEnd, tokStart } from './context.js';

export type OptionName = 'stride' | 'pad' | 'dilation' | 'nobias';
export type PadModeName = 'valid' | 'same' | 'full';

/** A number or size: one `NumberLit`/`Dims` token, or several when the user put spaces in a size. */
export interface ValueItem {
  readonly k: 'value';
  parts: IToken[];
}
export interface ModeItem {
  readonly k: 'mode';
  readonly tok: IToken;
  readonly mode: PadModeName;
}
export interface OptionItem {
  readonly k: 'option';
  readonly tok: IToken;
  readonly name: OptionName;
  readonly value?: ValueItem | ModeItem;
}
export interface ActItem {
  readonly k: 'act';
  readonly tok: IToken;
  readonly kind: ActivationKeyword;
  readonly slope?: IToken;
}
/** A single token: a name, a malformed number, a misplaced keyword or `:`. */
export interface TokItem {
  readonly k: 'ident' | 'bad' | 'keyword' | 'colon';
  readonly tok: IToken;
}
export type Item = ValueItem | ModeItem | OptionItem | ActItem | TokItem;

export function itemStart(item: Item): number {
  return item.k === 'value' ? tokStart(item.parts[0]!) : tokStart(item.tok);
}

export function itemEnd(item: Item): number {
  switch (item.k) {
    case 'value': return tokEnd(item.parts[item.parts.length - 1]!);
    case 'option': return item.value !== undefined ? itemEnd(item.value) : tokEnd(item.tok);
    case 'act': return item.slope !== undefined ? tokEnd(item.slope) : tokEnd(item.tok);
    default: return tokEnd(item.tok);
  }
}

function optionItem(node: OptionNode): OptionItem | undefined {
  const tok = node.keyword;
  if (!isReal(tok)) return undefined;
  const c = node.value;
  let value: ValueItem | ModeItem | undefined;
  if (isReal(c)) {
    const t = c.tokenType.name;
    value = t === 'Dims' || t === 'NumberLit' ? { k: 'value', parts: [c] } : { k: 'mode', tok: c, mode: c.image as PadModeName };
  }
  const name = tok.image as OptionName;
  return value !== undefined && name !== 'nobias' ? { k: 'option', tok, name, value } : { k: 'option', tok, name };
}

function actItem(node: ActivationNode): ActItem | undefined {
  const tok = node.keyword;
  if (!isReal(tok)) return undefined;
  const slope = node.slope;
  const kind = tok.image as ActivationKeyword;
  return isReal(slope) ? { k: 'act', tok, kind, slope } : { k: 'act', tok, kind };
}

/** One piece of a line (a token, an `optionClause` or an `activation` node) as an item. */
export function toItem(node: IToken | OptionNode | ActivationNode): Item | undefined {
  if (isToken(node)) {
    if (!isReal(node)) return undefined;
    switch (node.tokenType.name) {
      case 'Dims': case 'NumberLit': return { k: 'value', parts: [node] };
      case 'Ident': return { k: 'ident', tok: node };
      case 'BadNumeric': return { k: 'bad', tok: node };
      case 'Colon': return { k: 'colon', tok: node };
      case 'Valid': case 'Same': case 'Full': return { k: 'mode', tok: node, mode: node.image as PadModeName };
      default: return { k: 'keyword', tok: node };
    }
  }
  return node.rule === 'optionClause' ? optionItem(node) : actItem(node);
}

/** The pieces of an `arguments` node as items, in source order (the parser keeps that order). */
export function argumentItems(node: ArgsNode | undefined, out: Item[]): void {
  if (node === undefined) return;
  const pieces = node.items;
  for (let i = 0; i < pieces.length; i++) {
    const item = toItem(pieces[i]!);
    if (item !== undefined) out.push(item);
  }
}

// `x5`, `x5x5`, or `x` alone: the rest of a size after a space.
const X_TAIL = /^x(?:[0-9]+(?:x[0-9]+)*)?$/;
// `5x`, `5x5x`: a size cut short before a space.
const X_OPEN = /^[0-9]+(?:x[0-9]+)*x$/;
// `5X5`, `5×5`: a size with the wrong letter.
const X_WRONG = /^[0-9]+(?:[xX\u00d7][0-9]+)+$/;

function trailingValue(item: Item | undefined): ValueItem | undefined {
  if (item?.k === 'value') return item;
  if (item?.k === 'option' && item.value?.k === 'value') return item.value;
  return undefined;
}

/**
 * Read sizes written wrongly as the size meant, with a `bad-size` error and a fix: with spaces
 * (`5 x 5`, `5 x5`, `5x 5`, also after `stride`) or with `X` or `×` for `x`.
 */
export function joinSpacedSizes(ctx: Ctx, items: Item[]): Item[] {
  // only a malformed number or a name can start or continue a size written wrongly
  let suspect = false;
  for (let i = 0; i < items.length; i++) {
    const k = items[i]!.k;
    if (k === 'bad' || k === 'ident') suspect = true;
  }
  if (!suspect) return items;
  const out: Item[] = [];
  const joined = new Set<ValueItem>();
  for (let i = 0; i < items.length; i++) {
    const item = items[i]!;
    const next = items[i + 1];
    if (item.k === 'bad' && X_WRONG.test(item.tok.image)) {
      const fixed = item.tok.image.replace(/[X\u00d7]/g, 'x');
      const [s, e] = [tokStart(item.tok), tokEnd(item.tok)];
      ctx.error('bad-size', `write sizes with a lower-case \`x\`: ${q(fixed)}`, s, e, [ctx.fix(`write ${q(fixed)}`, s, e, fixed)]);
      out.push({ k: 'value', parts: [item.tok] });
      continue;
    }
    if (item.k === 'bad' && X_OPEN.test(item.tok.image) && next?.k === 'value') {
      // `5x 5`: this token opens the size
      const v: ValueItem = { k: 'value', parts: [item.tok, ...next.parts] };
      const prev = out[out.length - 1];
      if (prev?.k === 'option' && prev.value === undefined && prev.name !== 'nobias') {
        out[out.length - 1] = { ...prev, value: v }; // `stride 2x 2`
      } else {
        out.push(v);
      }
      joined.add(v);
      i++;
      continue;
    }
    const target = trailingValue(out[out.length - 1]);
    if (target !== undefined && item.k === 'ident' && X_TAIL.test(item.tok.image)) {
      if (item.tok.image !== 'x') {
        target.parts.push(item.tok); // `5 x5`
        joined.add(target);
        continue;
      }
      if (next?.k === 'value') {
        target.parts.push(item.tok, ...next.parts); // `5 x 5`
        joined.add(target);
        i++;
        continue;
      }
    }
    out.push(item);
  }
  for (const v of joined) {
    const start = itemStart(v);
    const end = itemEnd(v);
    const text = literals(v).map((l) => l.text).join('x');
    ctx.error('bad-size', `write a size without spaces: ${q(text)}, not ${q(ctx.slice(start, end))}`, start, end, [
      ctx.fix(`write ${q(text)}`, start, end, text),
    ]);
  }
  return out;
}

interface Lit {
  text: string;
  start: number;
}

/** The numbers of a value, in order, with their offsets (`x` separators left out). */
function literals(v: ValueItem): Lit[] {
  const lits: Lit[] = [];
  for (let p = 0; p < v.parts.length; p++) {
    const tok = v.parts[p]!;
    if (tok.tokenType.name === 'NumberLit') {
      lits.push({ text: tok.image, start: tokStart(tok) });
      continue;
    }
    // the runs matching /-?[0-9]+/ in a size (`5x5`, `-1x2`) or a malformed one (`5X5`, `5x`)
    const image = tok.image;
    for (let i = 0; i < image.length; ) {
      const digitAt = image.charCodeAt(i) === 45 /* - */ ? i + 1 : i;
      let j = digitAt;
      while (j < image.length && isDigit(image.charCodeAt(j))) j++;
      if (j > digitAt) {
        lits.push({ text: image.slice(i, j), start: tokStart(tok) + i });
        i = j;
      } else {
        i++;
      }
    }
  }
  return lits;
}

function isDigit(c: number): boolean {
  return c >= 48 && c <= 57;
}

export function numberLit(ctx: Ctx, text: string, start: number): NumberLit {
  return {
    text,
    value: Number(text),
    isInteger: text.indexOf('.') < 0 && text.indexOf('e') < 0 && text.indexOf('E') < 0,
    range: ctx.range(start, start + text.length),
  };
}

export function tokenNumber(ctx: Ctx, tok: IToken): NumberLit {
  return numberLit(ctx, tok.image, tokStart(tok));
}

/** One plain number (a single `NumberLit` token), or undefined for sizes and joined values. */
export function asNumber(ctx: Ctx, v: ValueItem): NumberLit | undefined {
  const tok = v.parts[0]!;
  return v.parts.length === 1 && tok.tokenType.name === 'NumberLit' ? tokenNumber(ctx, tok) : undefined;
}

export function asDims(ctx: Ctx, v: ValueItem): Dims {
  const lits = literals(v);
  const values: NumberLit[] = [];
  for (let i = 0; i < lits.length; i++) values.push(numberLit(ctx, lits[i]!.text, lits[i]!.start));
  const start = itemStart(v);
  const end = itemEnd(v);
  // a size of one number spans what its number spans: one range object for both (ranges are values)
  const only = values.length === 1 ? values[0]!.range : undefined;
  const same = only !== undefined && only.start.offset === start && only.end.offset === end;
  return { values, range: same ? only : ctx.range(start, end) };
}

/** True when the value is written as a size with `x` (so it cannot be a count or a rate). */
export function isSize(v: ValueItem): boolean {
  return v.parts.length > 1 || v.parts[0]!.tokenType.name === 'Dims';
}
