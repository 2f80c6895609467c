// From parse-tree lines to segments: one segment per statement as written, after repairing the two
// ways a statement escapes its line: two statements on one line (`conv 6 5x5 dense 10`, split here)
// and one statement on two lines (`conv 6` / `5x5`, joined here). Each repair is one diagnostic.

import type { IToken } from 'chevrotain';
import type { BlockNode, LineNode, StatementNode, StmtRule } from '../../grammar/index.js';
import { type Ctx, isReal, q, tokEnd, tokStart } from './context.js';
import { argumentItems, type Item, itemEnd, joinSpacedSizes, toItem } from './items.js';

export type HeadKind = 'network' | 'input' | 'loss' | 'repeat' | 'layer' | 'unknown' | 'stray' | 'block';

export interface BlockCst {
  readonly lbrace: IToken;
  readonly lines: readonly LineNode[];
  readonly rbrace?: IToken;
}

export interface Segment {
  label?: { readonly name: IToken; readonly colon?: IToken };
  /** The keyword or name that starts the statement; the first token for stray lines and blocks. */
  readonly head: IToken;
  readonly headKind: HeadKind;
  /** Everything after the head; for a stray line, its first piece too. */
  items: Item[];
  block?: BlockCst | undefined;
  /** Start offset: the label, or the head. */
  start: number;
}

const STMT_KINDS: Readonly<Record<StmtRule, HeadKind>> = {
  networkStmt: 'network', inputStmt: 'input', lossStmt: 'loss', repeatStmt: 'repeat',
  layerStmt: 'layer', unknownStmt: 'unknown', strayStmt: 'stray',
};

function keywordKind(tok: IToken): HeadKind {
  switch (tok.image) {
    case 'network': return 'network';
    case 'input': return 'input';
    case 'loss': return 'loss';
    case 'repeat': return 'repeat';
    default: return 'layer';
  }
}

export function blockOf(node: BlockNode | undefined): BlockCst | undefined {
  if (node === undefined) return undefined;
  const lbrace = node.lbrace;
  if (!isReal(lbrace)) return undefined;
  const rbrace = node.rbrace;
  return isReal(rbrace) ? { lbrace, lines: node.lines, rbrace } : { lbrace, lines: node.lines };
}

export function segmentEnd(seg: Segment): number {
  if (seg.block !== undefined) return tokEnd(seg.block.rbrace ?? seg.block.lbrace);
  const last = seg.items[seg.items.length - 1];
  return last !== undefined ? itemEnd(last) : tokEnd(seg.head);
}

/** The segments of one `statement` node, split where a second statement starts on the same line. */
export function statementSegments(ctx: Ctx, stmt: StatementNode): Segment[] {
  const labelName = stmt.label?.name;
  const labelColon = stmt.label?.colon;
  let label: Segment['label'];
  if (isReal(labelName)) label = isReal(labelColon) ? { name: labelName, colon: labelColon } : { name: labelName };

  let first: Segment | undefined;
  const node = stmt.body;
  if (node !== undefined && node.rule === 'block') {
    const block = blockOf(node);
    if (block !== undefined) first = { head: block.lbrace, headKind: 'block', items: [], block, start: tokStart(block.lbrace) };
  } else if (node !== undefined) {
    const kind = STMT_KINDS[node.rule];
    let items: Item[] = [];
    let head: IToken | undefined;
    if (kind === 'stray') {
      const lead = node.lead !== undefined ? toItem(node.lead) : undefined;
      if (lead !== undefined) {
        items.push(lead);
        head = lead.k === 'value' ? lead.parts[0] : lead.tok;
      }
    } else if (isReal(node.head)) {
      head = node.head;
    }
    argumentItems(node.args, items);
    if (head !== undefined) {
      items = joinSpacedSizes(ctx, items);
      first = { head, headKind: kind, items, start: tokStart(head) };
      const block = blockOf(node.block);
      if (block !== undefined) first.block = block;
    }
  }
  if (first === undefined) {
    if (label !== undefined) {
      const end = tokEnd(label.colon ?? label.name);
      ctx.error('syntax', `the label ${q(ctx.slice(tokStart(label.name), end))} must be followed by a layer on the ` +
        'same line, as in `c1: conv 6 5x5`', tokStart(label.name), end);
    }
    return [];
  }
  if (label !== undefined) {
    first.label = label;
    first.start = tokStart(label.name);
  }
  return splitAtKeywords(ctx, first);
}

function splitAtKeywords(ctx: Ctx, seg: Segment): Segment[] {
  if (!seg.items.some((it) => it.k === 'keyword')) return [seg];
  const segs: Segment[] = [seg];
  const items = seg.items;
  const block = seg.block;
  seg.items = [];
  seg.block = undefined;
  let cur = seg;
  for (const item of items) {
    // `network conv`, `loss softmax`: a keyword where a name belongs is that name (and an error later)
    const wantsName = (cur.headKind === 'network' || cur.headKind === 'loss') && cur.items.length === 0;
    if (item.k === 'keyword' && !wantsName) {
      cur = { head: item.tok, headKind: keywordKind(item.tok), items: [], start: tokStart(item.tok) };
      segs.push(cur);
    } else {
      cur.items.push(item);
    }
  }
  if (block !== undefined) cur.block = block;

  const out: Segment[] = [];
  let labelled = false; // the previous segment was a label for this one
  for (let i = 0; i < segs.length; i++) {
    const s = segs[i]!;
    const next = segs[i + 1];
    if (next !== undefined && s.label === undefined && s.headKind === 'unknown' && s.items.length === 0 &&
      next.headKind === 'layer') {
      // `c1 conv 6 5x5`
      ctx.error('missing-colon', `a label is followed by \`:\`: write ${q(`${s.head.image}:`)}`, tokStart(s.head),
        tokEnd(s.head), [ctx.fix('insert `:`', tokEnd(s.head), tokEnd(s.head), ':')]);
      next.label = { name: s.head };
      next.start = s.start;
      labelled = true;
      continue;
    }
    if (next !== undefined && s.label === undefined && s.headKind !== 'unknown' && s.headKind !== 'stray' &&
      s.headKind !== 'block' && s.items.length === 1 && s.items[0]!.k === 'colon' && next.headKind === 'layer') {
      // `conv: conv 6 5x5`
      ctx.error('keyword-as-name', `${q(s.head.image)} is a keyword and cannot be a label; choose another name, ` +
        `e.g. ${q(`${s.head.image}_a:`)}`, tokStart(s.head), tokEnd(s.head));
      next.label = { name: s.head, colon: (s.items[0] as { tok: IToken }).tok };
      next.start = s.start;
      labelled = true;
      continue;
    }
    if (i > 0 && !labelled) {
      const prevEnd = segmentEnd(segs[i - 1]!);
      const shown = ctx.slice(s.start, segmentEnd(s));
      ctx.error('one-statement-per-line', `one statement per line: put ${q(shown)} on a line of its own`,
        tokStart(s.head), tokEnd(s.head), [ctx.fix('start a new line', prevEnd, s.start, '\n')]);
    }
    labelled = false;
    out.push(s);
  }
  return out;
}

/**
 * `conv 6` / `5x5 relu`: a line that starts with a value or an option continues the statement on
 * the line just above. Join it there (one `statement-split` error) so the statement is read whole.
 * Returns true when `cur` was merged into `prev`.
 */
export function joinSplitStatement(ctx: Ctx, prev: Segment | undefined, cur: Segment): boolean {
  if (prev === undefined || prev.block !== undefined || cur.label !== undefined) return false;
  if (cur.headKind !== 'stray' && cur.headKind !== 'block') return false;
  if (prev.headKind === 'stray' || prev.headKind === 'block') return false;
  const prevEnd = segmentEnd(prev);
  if (ctx.lines.lineOf(cur.start) !== ctx.lines.lineOf(prevEnd) + 1) return false;
  const gap = ctx.slice(prevEnd, cur.start);
  const fixes = gap.includes('#') ? [] : [ctx.fix('join the lines', prevEnd, cur.start, ' ')];
  const what = cur.headKind === 'block' ? '`{` must end the line that opens the block' : 'a statement may not span lines';
  ctx.error('statement-split', `${what}: join this line to the one above`, cur.start,
    cur.headKind === 'block' ? tokEnd(cur.head) : segmentEnd(cur), fixes);
  prev.items.push(...cur.items);
  if (cur.block !== undefined) prev.block = cur.block;
  return true;
}
