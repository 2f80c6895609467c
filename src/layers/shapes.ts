// The registry of shape rules, one per layer kind, and the interface every rule implements.
// A layer kind's folder (src/layers/<kind>/) keeps its shape rule (shape.ts) beside its emitters;
// the checker (src/check/) reaches a rule only through `getShapeRule`.
//
// A rule works in two steps, so that a statement inside `repeat` is validated once but shaped once
// per repetition:
//   resolve(ctx)            the statement's numbers -> a LayerSpec (input-independent checks)
//   infer(spec, input, ctx) the input shape -> output shape, parameters, MACs (shape checks)
// Both report through ctx.sink and return undefined when the layer cannot be used; the driver then
// stops inferring shapes downstream (so one mistake gives one error, not a cascade).

import type { LayerKeyword, Dims, LayerOption, LayerStmt, NumberLit } from '../ast/types.js';
import type { Fix, SourceRange } from '../diagnostics.js';
import type { LayerKind, LayerSpec, Shape } from '../network.js';
import { convShape } from './conv/shape.js';
import { avgpoolShape, globalavgpoolShape, maxpoolShape } from './pool/shape.js';
import { denseShape } from './dense/shape.js';
import { flattenShape } from './flatten/shape.js';
import { leakyreluShape, reluShape, sigmoidShape, tanhShape } from './activation/shape.js';
import { dropoutShape } from './dropout/shape.js';
import { softmaxShape } from './softmax/shape.js';

/** Where the checker's diagnostics go. `key` tells apart two reports of one code at one range. */
export interface DiagnosticReporter {
  error(code: string, range: SourceRange, message: string, fixes?: readonly Fix[], key?: string): void;
  warning(code: string, range: SourceRange, message: string, fixes?: readonly Fix[], key?: string): void;
  info(code: string, range: SourceRange, message: string, fixes?: readonly Fix[], key?: string): void;
}

/**
 * One layer as written. For `conv 6 5x5 relu` the checker makes two sources from one statement:
 * the conv (keyword `conv`) and the activation (keyword `relu`, range and slope from the trailing
 * activation, no options). `stmt` is the whole statement in both cases.
 */
export interface LayerSource {
  readonly keyword: LayerKeyword;
  readonly keywordRange: SourceRange;
  readonly stmt: LayerStmt;
  readonly count?: NumberLit;
  readonly size?: Dims;
  readonly rate?: NumberLit;
  readonly options: readonly LayerOption[];
}

export interface RuleContext {
  /** The layer's final name (for a statement inside `repeat`: its first repetition's name). */
  readonly name: string;
  readonly source: LayerSource;
  readonly sink: DiagnosticReporter;
}

/** A learnable tensor before the layer name is prefixed: `weight` [out,in,kh,kw], `bias` [out]. */
export interface ParamShape {
  readonly name: string;
  readonly shape: readonly number[];
}

export interface ShapeOutcome {
  readonly output: Shape;
  /** weight then bias, in flat-vector order */
  readonly params: readonly ParamShape[];
  /** forward multiply-accumulates for one sample */
  readonly macs: number;
}

export type LayerOptionName = LayerOption['name'];

/** The member of LayerSpec whose `kind` admits K (`relu` -> the relu/sigmoid/tanh member). */
export type SpecOf<K extends LayerKind> = LayerSpec extends infer S
  ? S extends { readonly kind: infer SK }
    ? K extends SK
      ? S
      : never
    : never
  : never;

export interface ShapeRule<S extends LayerSpec = LayerSpec> {
  /**
   * The arguments the kind takes, each with the words messages use for it
   * ("a filter count"). The driver reports a missing required argument and any argument, option
   * or trailing activation the kind does not take, unless the AST builder already did.
   */
  readonly args: {
    readonly count?: string;
    readonly size?: string;
    readonly rate?: { readonly what: string; readonly optional: boolean };
  };
  readonly options: readonly LayerOptionName[];
  readonly trailingActivation: boolean;
  /** 'spatial': needs CxHxW; 'vector': needs N; 'any': either. The driver enforces it. */
  readonly input: 'spatial' | 'vector' | 'any';
  /** Element-wise activation functions (for "two activations in a row" and the like). */
  readonly activation: boolean;
  resolve(ctx: RuleContext): S | undefined;
  /** Called only with an input that satisfies `input`. */
  infer(spec: S, input: Shape, ctx: RuleContext): ShapeOutcome | undefined;
}

const rules: { readonly [K in LayerKind]: ShapeRule<SpecOf<K>> } = {
  conv: convShape,
  maxpool: maxpoolShape,
  avgpool: avgpoolShape,
  globalavgpool: globalavgpoolShape,
  flatten: flattenShape,
  dense: denseShape,
  relu: reluShape,
  sigmoid: sigmoidShape,
  tanh: tanhShape,
  leakyrelu: leakyreluShape,
  dropout: dropoutShape,
  softmax: softmaxShape,
};

export function getShapeRule(kind: LayerKind): ShapeRule {
  // Sound: the rule for `kind` only ever receives specs its own `resolve` produced, and every
  // spec a rule resolves has that rule's kind.
  return rules[kind] as unknown as ShapeRule;
}
