// fast-check generator of valid, warning-free .cnn sources with their expected output shape,
// parameter count and layer count, computed here from LANGUAGE.md's formulas, independently of
// src/check. Reusable by any stage's tests:
//
//   fc.assert(fc.property(arbCnn({ kinds: ['conv', 'maxpool', 'dense', 'relu'] }), (c) => ...))
//
// How: fast-check draws "recipes" (a layer kind choice and a few naturals per step, repeat blocks
// nested at most twice); build() turns each recipe into a layer that is valid for the shape reached
// so far (a window that fits and divides evenly, no activation after an activation, no spatial layer
// after a vector, ...). Recipes shrink toward small numbers, so a failing case shrinks too.

import fc from 'fast-check';
import type { LayerKind } from '../../src/network.js';
import { evalDescs, type Desc, type EvalState, type PadDesc, render } from './arb-cnn-model.js';

export interface ArbCnnOptions {
  /** Layer kinds the network may use (default: all). softmax only ever comes in the classifier head. */
  readonly kinds?: readonly LayerKind[];
  /** Most top-level steps (layers or repeat blocks) before the head. Default 6. */
  readonly maxSteps?: number;
  /** Allow `repeat` blocks (nested up to two deep). Default true. */
  readonly repeat?: boolean;
  /** 'classifier': end with `dense K` + `softmax` (+ maybe `loss cross_entropy`); 'none': never;
   *  'any' (default): either. Needs dense and softmax in `kinds`. */
  readonly head?: 'classifier' | 'none' | 'any';
  /** Largest input height/width, and largest feature-map side ever produced. Default 24. */
  readonly maxSide?: number;
  /** Allow comments, blank lines and indentation in the text. Default true. */
  readonly decorate?: boolean;
}

export interface ArbCnnCase {
  readonly source: string;
  /** one sample's output shape: [C, H, W] or [N] */
  readonly expectedOutput: number[];
  /** sum of every weight and bias size */
  readonly expectedParamCount: number;
  /** layers after `repeat` expansion, trailing activations counted as layers */
  readonly expectedLayerCount: number;
}

const ALL_KINDS: readonly LayerKind[] = [
  'conv', 'maxpool', 'avgpool', 'globalavgpool', 'flatten', 'dense',
  'relu', 'sigmoid', 'tanh', 'leakyrelu', 'dropout', 'softmax',
];
const ACTS = ['relu', 'sigmoid', 'tanh', 'leakyrelu'] as const;
const SLOPES = ['0.2', '.1', '1e-2', '0.01', '0.3', '2.5'];
const RATES = ['0', '0.5', '.25', '0.1', '1e-1', '0.999'];
const VECTOR_OK: readonly LayerKind[] = ['dense', 'relu', 'sigmoid', 'tanh', 'leakyrelu', 'dropout'];

type Nats = readonly number[];
type StepRecipe = { layer: LayerKind; n: Nats } | { repeat: number; body: StepRecipe[] };

interface Recipe {
  input: Nats;
  classes: number;
  steps: StepRecipe[];
  head: boolean;
  loss: boolean;
  decor: Nats;
}

const nats = fc.array(fc.nat({ max: 1_000_000 }), { minLength: 16, maxLength: 16 });

function pick<T>(items: readonly T[], n: number): T {
  return items[n % items.length]!;
}

export function arbCnn(options: ArbCnnOptions = {}): fc.Arbitrary<ArbCnnCase> {
  const kinds = (options.kinds ?? ALL_KINDS).filter((k) => k !== 'softmax');
  const canHead = (options.kinds ?? ALL_KINDS).includes('dense') && (options.kinds ?? ALL_KINDS).includes('softmax');
  const headMode = options.head ?? 'any';
  if (headMode === 'classifier' && !canHead) throw new Error('arbCnn: a classifier head needs dense and softmax');
  if (kinds.length === 0 && !(canHead && headMode !== 'none')) throw new Error('arbCnn: no layer kind to use');
  const maxSide = options.maxSide ?? 24;
  const layerStep = fc.record({ layer: fc.constantFrom(...(kinds.length > 0 ? kinds : ['dense' as const])), n: nats });
  const step: fc.Memo<StepRecipe> = fc.memo((depth) =>
    options.repeat === false || depth <= 1
      ? layerStep
      : fc.oneof(
          { weight: 3, arbitrary: layerStep },
          {
            weight: 1,
            arbitrary: fc.record({
              repeat: fc.integer({ min: 1, max: 4 }),
              body: fc.array(step(depth - 1), { minLength: 1, maxLength: 3 }),
            }),
          },
        ),
  );
  const recipe: fc.Arbitrary<Recipe> = fc.record({
    input: nats,
    classes: fc.integer({ min: 2, max: 10 }),
    steps: fc.array(step(3), { maxLength: options.maxSteps ?? 6 }),
    head: headMode === 'any' ? fc.boolean().map((b) => b && canHead) : fc.constant(headMode === 'classifier'),
    loss: fc.boolean(),
    decor: nats,
  });
  return recipe.map((r) => build(r, kinds, maxSide, options.decorate ?? true));
}

function build(r: Recipe, kinds: readonly LayerKind[], maxSide: number, decorate: boolean): ArbCnnCase {
  const vectorInput = kinds.some((k) => VECTOR_OK.includes(k)) && r.input[0]! % 4 === 0;
  const side = (n: number): number => 1 + (n % maxSide);
  const input = vectorInput
    ? [1 + (r.input[1]! % 64)]
    : [1 + (r.input[1]! % 4), side(r.input[2]!), side(r.input[3]!)];
  const inputText = vectorInput
    ? `${input[0]}`
    : input[0] === 1 && r.input[4]! % 2 === 0
      ? `${input[1]}x${input[2]}`
      : input.join('x');
  const gen = new Generator(kinds, r.classes, maxSide);
  const start: EvalState = { shape: input, lastAct: false };
  let { descs, state } = gen.steps(r.steps, start);
  if (descs.filter((d) => d.t !== 'repeat').length === 0 && !r.head) {
    // At least one layer: the first kind that fits the input.
    const d = gen.layerFor({ layer: kinds[0]!, n: r.input }, state, true);
    if (d) {
      descs = [...descs, d];
      state = evalDescs([d], state, maxSide)!;
    }
  }
  if (r.head) {
    descs = [...descs, { t: 'dense', units: r.classes, nobias: false }, { t: 'softmax' }];
  }
  normaliseLastDense(descs);
  const end = evalDescs(descs, start, Infinity);
  if (end === undefined || end.layers === 0) throw new Error('arbCnn: generated an invalid network (a bug in the generator)');
  const source = render(descs, inputText, r.head && r.loss ? 'cross_entropy' : undefined, decorate ? r.decor : undefined);
  return {
    source,
    expectedOutput: [...end.shape],
    expectedParamCount: end.params ?? 0,
    expectedLayerCount: end.layers ?? 0,
  };
}

/**
 * Hidden dense layers at least as wide as the output: the last dense (in expansion order, which is
 * the last dense statement in the text) gets the smallest unit count of all.
 */
function normaliseLastDense(descs: Desc[]): void {
  const all: Extract<Desc, { t: 'dense' }>[] = [];
  const visit = (ds: Desc[]): void => ds.forEach((d) => (d.t === 'repeat' ? visit(d.body) : d.t === 'dense' && all.push(d)));
  visit(descs);
  if (all.length === 0) return;
  all[all.length - 1]!.units = Math.min(...all.map((d) => d.units));
}

class Generator {
  private labels = 0;
  constructor(
    private readonly kinds: readonly LayerKind[],
    private readonly classes: number,
    private readonly maxSide: number,
  ) {}

  steps(recipes: readonly StepRecipe[], state: EvalState): { descs: Desc[]; state: EvalState } {
    const descs: Desc[] = [];
    for (const rec of recipes) {
      if ('repeat' in rec) {
        const inner = this.steps(rec.body, state);
        if (inner.descs.length === 0) continue;
        // The most repetitions (up to the recipe's) that stay valid from here.
        let count = 1;
        let after = inner.state;
        for (let c = 2; c <= rec.repeat; c++) {
          const next = evalDescs([{ t: 'repeat', count: c, body: inner.descs }], state, this.maxSide);
          if (next === undefined) break;
          count = c;
          after = next;
        }
        descs.push({ t: 'repeat', count, body: inner.descs });
        state = after;
        continue;
      }
      const d = this.layerFor(rec, state, false);
      if (d === undefined) continue;
      const next = evalDescs([d], state, this.maxSide);
      if (next === undefined) continue;
      descs.push(d);
      state = next;
    }
    return { descs, state };
  }

  /** A layer of the recipe's kind valid at `state`, or (with `anyKind`) of the first kind that is. */
  layerFor(rec: { layer: LayerKind; n: Nats }, state: EvalState, anyKind: boolean): Desc | undefined {
    const candidates = anyKind ? [rec.layer, ...this.kinds] : [rec.layer];
    for (const kind of candidates) {
      const d = this.make(kind, rec.n, state);
      if (d !== undefined && evalDescs([d], state, this.maxSide) !== undefined) return d;
    }
    return undefined;
  }

  private label(n: number): string | undefined {
    return n % 3 === 0 ? `l${++this.labels}` : undefined;
  }

  private trailing(n: Nats): { act?: (typeof ACTS)[number]; slope?: string } {
    if (n[10]! % 3 !== 0) return {};
    const act = pick(ACTS, n[11]!);
    return act === 'leakyrelu' && n[12]! % 2 === 0 ? { act, slope: pick(SLOPES, n[13]!) } : { act };
  }

  private make(kind: LayerKind, n: Nats, state: EvalState): Desc | undefined {
    const spatial = state.shape.length === 3;
    const label = this.label(n[15]!);
    switch (kind) {
      case 'conv': {
        if (!spatial) return undefined;
        const mode = pick(['explicit', 'valid', 'same', 'full'] as const, n[0]!);
        const h = this.axis(state.shape[1]!, mode, n[1]!, 7, 3, true);
        const w = this.axis(state.shape[2]!, mode, n[2]!, 7, 3, true);
        if (!h || !w) return undefined;
        return {
          t: 'conv', label, filters: 1 + (n[3]! % 8), k: [h.f, w.f], s: [h.s, w.s], d: [h.d, w.d],
          pad: padDesc(mode, [h.p, w.p]), nobias: n[4]! % 4 === 0, writeDefaults: n[5]! % 2 === 0, ...this.trailing(n),
        };
      }
      case 'maxpool':
      case 'avgpool': {
        if (!spatial) return undefined;
        const mode = pick(['explicit', 'valid', 'same', 'full'] as const, n[0]!);
        const h = this.axis(state.shape[1]!, mode, n[1]!, 4, 1, false);
        const w = this.axis(state.shape[2]!, mode, n[2]!, 4, 1, false);
        if (!h || !w) return undefined;
        return { t: kind, label, k: [h.f, w.f], s: [h.s, w.s], pad: padDesc(mode, [h.p, w.p]), writeDefaults: n[5]! % 2 === 0 };
      }
      case 'globalavgpool':
      case 'flatten':
        return spatial ? { t: kind, label } : undefined;
      case 'dense':
        return { t: 'dense', label, units: this.classes + (n[3]! % 40), nobias: n[4]! % 4 === 0, ...this.trailing(n) };
      case 'relu':
      case 'sigmoid':
      case 'tanh':
        return state.lastAct ? undefined : { t: kind, label };
      case 'leakyrelu':
        return state.lastAct ? undefined : { t: 'leakyrelu', label, slope: n[6]! % 2 === 0 ? pick(SLOPES, n[7]!) : undefined };
      case 'dropout':
        return { t: 'dropout', label, rate: pick(RATES, n[8]!) };
      case 'softmax':
        return undefined;
    }
  }

  /**
   * One axis of a window: kernel f, stride s, dilation d, padding p such that the window fits, the
   * size divides evenly ((in + 2p - E) mod s = 0, E = d(f-1)+1) and the output stays <= maxSide.
   * Pools (dilate = false) only use d = 1.
   */
  private axis(
    size: number,
    mode: PadDesc['mode'],
    n: number,
    maxF: number,
    maxD: number,
    dilate: boolean,
  ): { f: number; s: number; d: number; p: number } | undefined {
    const all: { f: number; s: number; d: number; p: number }[] = [];
    for (let f = 1; f <= maxF; f++) {
      for (let s = 1; s <= 3; s++) {
        for (let d = 1; d <= (dilate ? maxD : 1); d++) {
          const e = d * (f - 1) + 1;
          const pads =
            mode === 'explicit' ? [0, 1, 2, 3].filter((p) => p < e)
              : mode === 'valid' ? [0]
                : mode === 'full' ? [e - 1]
                  : s === 1 && e % 2 === 1 ? [(e - 1) / 2] : [];
          for (const p of pads) {
            const span = size + 2 * p;
            if (span < e || (span - e) % s !== 0 || (span - e) / s + 1 > this.maxSide) continue;
            all.push({ f, s, d, p });
          }
        }
      }
    }
    return all.length === 0 ? undefined : pick(all, n);
  }
}

function padDesc(mode: PadDesc['mode'], p: [number, number]): PadDesc {
  return mode === 'explicit' ? { mode, p } : { mode };
}
