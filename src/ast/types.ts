// The AST: what the source says, with a range for every piece a diagnostic may point at.
// Nothing is resolved here: `repeat` is not expanded, defaults are not filled in, names are not
// given. Built from the parse tree by src/ast/build.ts; consumed by src/check/.

import type { SourceRange } from '../diagnostics.js';

export interface Node {
  readonly range: SourceRange;
}

/** A number as written: `32`, `0.5`, `.5`, `1e-2`. `value` may be inexact (`1e309` is Infinity). */
export interface NumberLit extends Node {
  readonly value: number;
  readonly text: string;
  readonly isInteger: boolean; // written without '.', 'e' or 'E'
}

/** `5`, `5x5`, `7x1`, `1x28x28`: one to three integers bound by `x`. */
export interface Dims extends Node {
  readonly values: readonly NumberLit[];
}

export interface Ident extends Node {
  readonly name: string;
}

export interface NetworkStmt extends Node {
  readonly kind: 'network';
  readonly name: Ident;
}

export interface InputStmt extends Node {
  readonly kind: 'input';
  readonly shape: Dims;
}

export interface LossStmt extends Node {
  readonly kind: 'loss';
  readonly fn: Ident; // `cross_entropy`, `mse`; anything else is reported by the checker
}

export interface RepeatStmt extends Node {
  readonly kind: 'repeat';
  readonly count: NumberLit;
  readonly body: readonly Stmt[];
  /**
   * Set when reading stopped inside the block (blocks nested too deep, `too-deep`): `body` holds
   * only the statements read, the rest of the repeat is unknown.
   */
  readonly truncated?: true;
}

export type LayerKeyword =
  | 'conv' | 'maxpool' | 'avgpool' | 'globalavgpool' | 'flatten' | 'dense'
  | 'relu' | 'sigmoid' | 'tanh' | 'leakyrelu' | 'dropout' | 'softmax';

export type ActivationKeyword = 'relu' | 'sigmoid' | 'tanh' | 'leakyrelu';

/** `pad` takes a size or a mode word */
export interface PadMode extends Node {
  readonly mode: 'valid' | 'same' | 'full';
}

export type LayerOption =
  | (Node & { readonly name: 'stride' | 'dilation'; readonly value: Dims })
  | (Node & { readonly name: 'pad'; readonly value: Dims | PadMode })
  | (Node & { readonly name: 'nobias' });

/** The trailing activation of `conv ... relu` / `dense ... leakyrelu 0.2`. */
export interface TrailingActivation extends Node {
  readonly kind: ActivationKeyword;
  readonly slope?: NumberLit;
}

/**
 * `[label:] KIND ...`. Which fields are present depends on the kind:
 * conv: count (filters), size, options, activation; maxpool/avgpool: size, options;
 * dense: count (units), options (nobias), activation; leakyrelu: rate (slope); dropout: rate.
 * The AST builder reports arguments and options that a kind does not take.
 */
export interface LayerStmt extends Node {
  readonly kind: 'layer';
  readonly label?: Ident;
  readonly layer: LayerKeyword;
  readonly layerRange: SourceRange; // the keyword alone
  readonly count?: NumberLit;
  readonly size?: Dims;
  readonly rate?: NumberLit;
  readonly options: readonly LayerOption[];
  readonly activation?: TrailingActivation;
}

export type Stmt = NetworkStmt | InputStmt | LossStmt | RepeatStmt | LayerStmt;

/** A whole file, statements in source order (the checker validates their order). */
export interface Program {
  readonly file: string;
  readonly statements: readonly Stmt[];
}
