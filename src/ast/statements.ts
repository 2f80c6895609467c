// Segments -> statements. `network`, `input`, `loss` and `repeat` are here; layers are in layer.ts.
// A block's body is built by the caller-supplied `body` function, so this file does not recurse.

import type { IToken } from 'chevrotain';
import { KEYWORDS, LAYER_KEYWORDS, STATEMENT_KEYWORDS } from '../../grammar/index.js';
import { type Ctx, q, tokEnd, tokStart } from './context.js';
import { asDims, asNumber, type Item, itemEnd, itemStart, type ValueItem } from './items.js';
import { badNumber, buildLayer } from './layer.js';
import { type BlockCst, type Segment, segmentEnd } from './segments.js';
import { suggest } from './suggest.js';
import type { Ident, RepeatStmt, Stmt } from './types.js';

/** A block's statements, where it ends, and whether reading stopped inside it (too-deep). */
export interface BlockBody {
  readonly stmts: Stmt[];
  readonly end: number;
  readonly cutOff: boolean;
}

export type BodyBuilder = (block: BlockCst, owner: Segment) => BlockBody;

/** Blocks of later versions (LANGUAGE.md, "Out of version 1"). */
const PLANNED_BLOCKS = ['residual', 'parallel', 'inception', 'concat', 'branch'];

function ident(ctx: Ctx, tok: IToken): Ident {
  return { name: tok.image, range: ctx.tokRange(tok) };
}

/** The token of an item that reads as a word: a name or a keyword (without a value attached). */
function wordOf(item: Item | undefined): { tok: IToken; keyword: boolean } | undefined {
  if (item === undefined) return undefined;
  switch (item.k) {
    case 'ident': return { tok: item.tok, keyword: false };
    case 'keyword': case 'mode': return { tok: item.tok, keyword: true };
    case 'act': return item.slope === undefined ? { tok: item.tok, keyword: true } : undefined;
    case 'option': return item.value === undefined ? { tok: item.tok, keyword: true } : undefined;
    default: return undefined;
  }
}

/** Everything after the one argument a statement takes. */
function extras(ctx: Ctx, what: string, items: readonly Item[]): void {
  const rest = items.filter((it) => {
    if (it.k !== 'bad') return true;
    badNumber(ctx, it.tok);
    return false;
  });
  if (rest.length === 0) return;
  const s = itemStart(rest[0]!);
  const e = itemEnd(rest[rest.length - 1]!);
  const shown = q(ctx.slice(s, e));
  ctx.error('extra-argument', `${what}; remove ${shown}`, s, e, [ctx.fix(`remove ${shown}`, ctx.spaceBefore(s), e, '')]);
}

function labelNotAllowed(ctx: Ctx, seg: Segment): void {
  if (seg.label === undefined) return;
  const s = tokStart(seg.label.name);
  const e = tokEnd(seg.label.colon ?? seg.label.name);
  ctx.error('label-not-allowed', `only layers take a label; \`${seg.head.image}\` does not`, s, e, [
    ctx.fix('remove the label', s, tokStart(seg.head), ''),
  ]);
}

function unexpectedBlock(ctx: Ctx, seg: Segment, block: BlockCst): void {
  ctx.error('unexpected-block', `\`${seg.head.image}\` does not take a block; the only block is \`repeat N { ... }\``,
    tokStart(block.lbrace), tokEnd(block.lbrace));
}

/**
 * Statements for one segment, appended to `out`: usually one; a block's body follows when the block
 * is misplaced.
 */
export function buildSegment(ctx: Ctx, seg: Segment, body: BodyBuilder, out: Stmt[] = []): Stmt[] {
  const block = seg.block;
  switch (seg.headKind) {
    case 'network': {
      labelNotAllowed(ctx, seg);
      const w = wordOf(seg.items[0]);
      if (seg.items.length === 0) {
        ctx.error('missing-argument', '`network` needs a name, e.g. `network lenet5`', tokStart(seg.head), tokEnd(seg.head));
      } else if (w === undefined) {
        const it = seg.items[0]!;
        ctx.error('bad-argument', `\`network\` takes a name, not ${q(ctx.slice(itemStart(it), itemEnd(it)))}`,
          itemStart(it), itemEnd(it));
      } else {
        if (w.keyword) {
          ctx.error('keyword-as-name', `${q(w.tok.image)} is a keyword and cannot be a name`, tokStart(w.tok), tokEnd(w.tok));
        }
        out.push({ kind: 'network', name: ident(ctx, w.tok), range: ctx.range(seg.start, itemEnd(seg.items[0]!)) });
      }
      extras(ctx, '`network` takes one name', seg.items.slice(1));
      break;
    }
    case 'input': {
      labelNotAllowed(ctx, seg);
      const v = seg.items[0];
      if (v === undefined) {
        ctx.error('missing-argument', '`input` needs a shape, e.g. `input 1x28x28` or `input 784`', tokStart(seg.head), tokEnd(seg.head));
      } else if (v.k !== 'value') {
        if (v.k === 'bad') badNumber(ctx, v.tok);
        else ctx.error('bad-argument', `\`input\` takes a shape such as \`1x28x28\`, not ${q(ctx.slice(itemStart(v), itemEnd(v)))}`,
          itemStart(v), itemEnd(v));
      } else {
        out.push({ kind: 'input', shape: asDims(ctx, v), range: ctx.range(seg.start, itemEnd(v)) });
      }
      extras(ctx, '`input` takes one shape', seg.items.slice(1));
      break;
    }
    case 'loss': {
      labelNotAllowed(ctx, seg);
      const w = wordOf(seg.items[0]);
      if (seg.items.length === 0) {
        ctx.error('missing-argument', '`loss` needs a function: `loss cross_entropy` or `loss mse`', tokStart(seg.head), tokEnd(seg.head));
      } else if (w === undefined) {
        const it = seg.items[0]!;
        ctx.error('bad-argument', `\`loss\` takes \`cross_entropy\` or \`mse\`, not ${q(ctx.slice(itemStart(it), itemEnd(it)))}`,
          itemStart(it), itemEnd(it));
      } else {
        out.push({ kind: 'loss', fn: ident(ctx, w.tok), range: ctx.range(seg.start, itemEnd(seg.items[0]!)) });
      }
      extras(ctx, '`loss` takes one function', seg.items.slice(1));
      break;
    }
    case 'repeat':
      for (const st of buildRepeat(ctx, seg, body)) out.push(st);
      return out;
    case 'layer':
      out.push(buildLayer(ctx, {
        label: seg.label !== undefined ? ident(ctx, seg.label.name) : undefined,
        head: seg.head, items: seg.items, start: seg.start,
      }));
      break;
    case 'unknown':
      out.push(...buildUnknown(ctx, seg));
      break;
    case 'stray': {
      const first = seg.items[0];
      if (first?.k === 'bad') badNumber(ctx, first.tok);
      else {
        ctx.error('syntax', `a statement cannot start with ${q(seg.head.image)}; a line starts with a keyword such as ` +
          '`conv` or `dense`, or with a label `name:`', tokStart(seg.head), first !== undefined ? itemEnd(first) : segmentEnd(seg));
      }
      break;
    }
    case 'block':
      if (block !== undefined) {
        ctx.error('syntax', 'a block needs a keyword before `{`, as in `repeat 2 {`', tokStart(seg.head), tokEnd(seg.head));
        out.push(...body(block, seg).stmts);
      }
      return out;
  }
  if (block !== undefined && seg.headKind !== 'unknown') unexpectedBlock(ctx, seg, block);
  if (block !== undefined) out.push(...body(block, seg).stmts);
  return out;
}

function buildRepeat(ctx: Ctx, seg: Segment, body: BodyBuilder): Stmt[] {
  labelNotAllowed(ctx, seg);
  const v = seg.items[0];
  const count = v?.k === 'value' ? asNumber(ctx, v) : undefined;
  if (v === undefined) {
    ctx.error('missing-argument', '`repeat` needs a count, e.g. `repeat 3 {`', tokStart(seg.head), tokEnd(seg.head));
  } else if (count === undefined) {
    const text = ctx.slice(itemStart(v), itemEnd(v));
    if (v.k === 'bad') badNumber(ctx, v.tok);
    else ctx.error('bad-argument', `\`repeat\` takes a count, one number, not ${q(text)}`, itemStart(v), itemEnd(v));
  }
  extras(ctx, '`repeat N {` takes one count', seg.items.slice(1));
  if (seg.block === undefined) {
    const shown = ctx.slice(seg.start, segmentEnd(seg));
    ctx.error('missing-block', `${q(shown)} needs a block: end the line with \`{\`, put the repeated statements ` +
      'on the lines after it and `}` on a line of its own', seg.start, segmentEnd(seg), [
      ctx.fix('open a block', segmentEnd(seg), segmentEnd(seg), ' {'),
    ]);
    return [];
  }
  const { stmts, end, cutOff } = body(seg.block, seg);
  if (count === undefined) return stmts; // keep the body, so its own mistakes are still reported
  const repeat: RepeatStmt = { kind: 'repeat', count, body: stmts, range: ctx.range(seg.start, end) };
  return [cutOff ? { ...repeat, truncated: true } : repeat];
}

function buildUnknown(ctx: Ctx, seg: Segment): Stmt[] {
  const word = seg.head.image;
  const s = tokStart(seg.head);
  const e = tokEnd(seg.head);
  const first = seg.items[0];
  if (seg.label === undefined && first?.k === 'act') {
    // `c1 relu`, `c1 leakyrelu 0.2`: a label without its colon
    ctx.error('missing-colon', `a label is followed by \`:\`: write ${q(`${word}:`)}`, s, e, [
      ctx.fix('insert `:`', e, e, ':'),
    ]);
    const rest: Item[] = first.slope !== undefined ? [{ k: 'value', parts: [first.slope] } as ValueItem] : [];
    return [buildLayer(ctx, { label: ident(ctx, seg.head), head: first.tok, items: [...rest, ...seg.items.slice(1)], start: s })];
  }
  if (seg.block !== undefined) {
    const planned = PLANNED_BLOCKS.includes(word.toLowerCase());
    const guess = planned ? undefined : suggest(word, ['repeat']);
    ctx.error('unknown-keyword', planned
      ? `\`${word} { ... }\` blocks are planned but not part of version 1; the only block is \`repeat N { ... }\``
      : `unknown block ${q(word)}${guess !== undefined ? `; did you mean \`${guess}\`?` : '; the only block is `repeat N { ... }`'}`,
    s, e, guess !== undefined ? [ctx.fix(`replace with \`${guess}\``, s, e, guess)] : []);
    return [];
  }
  const lower = word.toLowerCase();
  if (lower !== word && KEYWORDS.includes(lower)) {
    ctx.error('unknown-keyword', `keywords are lower case: write \`${lower}\`, not ${q(word)}`, s, e, [
      ctx.fix(`replace with \`${lower}\``, s, e, lower),
    ]);
    return [];
  }
  const guess = suggest(word, [...STATEMENT_KEYWORDS, ...LAYER_KEYWORDS]);
  if (guess !== undefined) {
    ctx.error('unknown-keyword', `unknown statement ${q(word)}; did you mean \`${guess}\`?`, s, e, [
      ctx.fix(`replace with \`${guess}\``, s, e, guess),
    ]);
  } else {
    ctx.error('unknown-keyword', `unknown statement ${q(word)}: a line starts with a keyword such as \`conv\` or ` +
      '`dense`, or with a label `name:`', s, e);
  }
  return [];
}
