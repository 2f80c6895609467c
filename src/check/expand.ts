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
// statements inside are still validated and named. A network whose layers pass it without a repeat
// that does (written out one by one) gets `too-many-layers` at the first layer past the limit, and
// the layers after that one are dropped.

import { INVALID_NAME, invalidNameMessage, isName } from '../ast/names.js';
import type { LayerKeyword, LayerStmt, NumberLit, RepeatStmt, Stmt } from '../ast/types.js';
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
  /**
   * True for the first expansion of `node` (every enclosing repeat in its first repetition), where
   * its arguments are checked and its spec resolved; the later repetitions reuse that spec.
   */
  readonly first: boolean;
  /** Inside a `repeat`: there may be later expansions of `node`. */
  readonly inRepeat: boolean;
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
  // per layer kind, how many layers of it so far
  const counters: Partial<Record<LayerKeyword, number>> = {};
  const next = (kind: LayerKeyword): number => (counters[kind] = (counters[kind] ?? 0) + 1);

  const pushLayer = (s: LayerStmt, suffix: string, inRepeat: boolean, first: boolean): void => {
    const labeled = s.label !== undefined;
    // (only an AST from another tool can hold one: names reach the generated code)
    if (first && labeled && !isName(s.label.name)) {
      sink.error(INVALID_NAME, s.label.range, invalidNameMessage('the label', s.label.name));
    }
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
      first,
      inRepeat,
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
        first,
        inRepeat,
      });
    }
  };

  const walk = (stmts: readonly Stmt[], suffix: string, inRepeat: boolean, first: boolean): void => {
    for (let i = 0; i < stmts.length; i++) {
      const s = stmts[i]!;
      if (s.kind === 'layer') pushLayer(s, suffix, inRepeat, first);
      else if (s.kind === 'repeat') walkRepeat(s, suffix, first);
      else if (inRepeat) {
        sink.error('not-in-repeat', s.range, `\`${s.kind}\` cannot be inside \`repeat\``);
      }
    }
  };

  const walkRepeat = (r: RepeatStmt, suffix: string, first: boolean): void => {
    const count = readInt(r.count, 'the repeat count', 1, undefined, sink);
    const per = countLayers(r.body, MAX_EXPANDED_LAYERS);
    if (per === 0) {
      // a repeat cut off by too-deep may have layers in the part of the file that was not read
      if (r.truncated !== true) sink.warning('empty-repeat', repeatHeadRange(r), `this repeat has no layers in it`);
      walk(r.body, suffix, true, first);
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
      walk(r.body, `${suffix}_1`, true, first);
      return;
    }
    for (let i = 1; i <= count; i++) walk(r.body, `${suffix}_${i}`, true, first && i === 1);
  };

  walk(statements, '', false, true);
  // Layers written out one by one count against the same limit as those a repeat expands to.
  // The layers after it are not shaped (they would only cost time: there is an error already).
  let layers = 0;
  for (let i = 0; i < out.length; i++) {
    const e = out[i]!;
    if (e.type === 'layer' && ++layers > MAX_EXPANDED_LAYERS) {
      sink.error('too-many-layers', e.source.keywordRange,
        `${e.name}: a network may have at most ${formatInt(MAX_EXPANDED_LAYERS)} layers, and this is one more`);
      out.length = i + 1;
      sink.layersCut = true;
      break;
    }
  }
  return out;
}
