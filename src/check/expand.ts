// `repeat` expansion and layer naming.
//
// Names: a labelled layer keeps its label; inside `repeat` it gets `_<i>` per enclosing repeat,
// outermost first (`block` in repetition 2 of an outer repeat and 1 of an inner one: `block_2_1`).
// An unnamed layer is its kind plus its 1-based index among all layers of that kind after
// expansion, labelled or not; the activation of `conv ... relu` is a layer of its own, counted
// and named the same way (`relu1`).
//
// The expansion is capped at MAX_EXPANDED_LAYERS: a repeat that would pass it is reported and
// replaced by a barrier (shapes are unknown after it) followed by one copy of its body, so the
// statements inside are still validated and named.

import type { LayerStmt, NumberLit, RepeatStmt, Stmt } from '../ast/types.js';
import type { SourceRange } from '../diagnostics.js';
import type { LayerSource } from '../layers/shapes.js';
import { MAX_INT, readInt } from './numbers.js';
import type { DiagnosticSink } from './sink.js';
import { formatInt } from './text.js';

export const MAX_EXPANDED_LAYERS = 100_000;

export interface ExpandedLayer {
  readonly type: 'layer';
  readonly name: string;
  readonly source: LayerSource;
  /** The node a statement's resolved spec is cached on: the LayerStmt or its TrailingActivation. */
  readonly node: object;
  /** The label when there is one, else the keyword (where duplicate-name errors point). */
  readonly nameRange: SourceRange;
  readonly labeled: boolean;
}

/** Shapes are unknown from here on (an unexpandable repeat). */
export interface Barrier {
  readonly type: 'barrier';
  readonly repeat: RepeatStmt;
}

export type Expanded = ExpandedLayer | Barrier;

function validCount(lit: NumberLit): number | undefined {
  return lit.isInteger && lit.value >= 1 && lit.value <= MAX_INT ? lit.value : undefined;
}

/** Layers the statements expand to; stops early once past `limit` (may then return Infinity). */
export function countLayers(stmts: readonly Stmt[], limit: number): number {
  let total = 0;
  for (const s of stmts) {
    if (s.kind === 'layer') total += s.activation ? 2 : 1;
    else if (s.kind === 'repeat') {
      const inner = countLayers(s.body, limit);
      if (inner > 0) total += (validCount(s.count) ?? 1) * inner;
    }
    if (total > limit) return total;
  }
  return total;
}

/** `repeat N` alone, for messages about the repeat as a whole. */
export function repeatHeadRange(r: RepeatStmt): SourceRange {
  return { start: r.range.start, end: r.count.range.end };
}

export function expandLayers(statements: readonly Stmt[], sink: DiagnosticSink): Expanded[] {
  const out: Expanded[] = [];
  const counters = new Map<string, number>();
  const next = (kind: string): number => {
    const n = (counters.get(kind) ?? 0) + 1;
    counters.set(kind, n);
    return n;
  };

  const pushLayer = (s: LayerStmt, suffix: string): void => {
    const labeled = s.label !== undefined;
    const n = next(s.layer);
    out.push({
      type: 'layer',
      name: s.label ? s.label.name + suffix : `${s.layer}${n}`,
      source: {
        keyword: s.layer,
        keywordRange: s.layerRange,
        stmt: s,
        count: s.count,
        size: s.size,
        rate: s.rate,
        options: s.options,
      },
      node: s,
      nameRange: s.label?.range ?? s.layerRange,
      labeled,
    });
    const act = s.activation;
    if (act !== undefined) {
      out.push({
        type: 'layer',
        name: `${act.kind}${next(act.kind)}`,
        source: { keyword: act.kind, keywordRange: act.range, stmt: s, rate: act.slope, options: [] },
        node: act,
        nameRange: act.range,
        labeled: false,
      });
    }
  };

  const walk = (stmts: readonly Stmt[], suffix: string, inRepeat: boolean): void => {
    for (const s of stmts) {
      if (s.kind === 'layer') pushLayer(s, suffix);
      else if (s.kind === 'repeat') walkRepeat(s, suffix);
      else if (inRepeat) {
        sink.error('not-in-repeat', s.range, `\`${s.kind}\` cannot be inside \`repeat\``);
      }
    }
  };

  const walkRepeat = (r: RepeatStmt, suffix: string): void => {
    const count = readInt(r.count, 'the repeat count', 1, undefined, sink);
    const per = countLayers(r.body, MAX_EXPANDED_LAYERS);
    if (per === 0) {
      sink.warning('empty-repeat', repeatHeadRange(r), `this repeat has no layers in it`);
      walk(r.body, suffix, true);
      return;
    }
    const done = out.length;
    if (count !== undefined && done + count * per > MAX_EXPANDED_LAYERS) {
      const own = count * per;
      const ownText = Number.isFinite(own) && own < 1e15 ? formatInt(own) : 'more than 10^15';
      const why =
        own > MAX_EXPANDED_LAYERS
          ? `a network may have at most ${formatInt(MAX_EXPANDED_LAYERS)}`
          : `with the ${formatInt(done)} before it, that passes the limit of ${formatInt(MAX_EXPANDED_LAYERS)}`;
      sink.error('repeat-too-large', r.count.range, `repeat ${r.count.text} expands to ${ownText} layers; ${why}`);
    }
    if (count === undefined || done + count * per > MAX_EXPANDED_LAYERS) {
      out.push({ type: 'barrier', repeat: r });
      walk(r.body, `${suffix}_1`, true);
      return;
    }
    for (let i = 1; i <= count; i++) walk(r.body, `${suffix}_${i}`, true);
  };

  walk(statements, '', false);
  return out;
}
