// The checked network: the checker's output and the input of lowering and of `summary`.
// Every shape is resolved; `repeat` is expanded; every layer has its final name.
// A network exists only when the checker found no error.

import type { SourceRange } from './diagnostics.js';

/** One sample's shape: [C, H, W] for feature maps, [N] for vectors. */
export type Shape = readonly number[];

/** [height, width] */
export type Size2 = readonly [number, number];

export type ActivationKind = 'relu' | 'sigmoid' | 'tanh' | 'leakyrelu';
export type PadMode = 'explicit' | 'valid' | 'same' | 'full';

export type LayerSpec =
  | {
      readonly kind: 'conv';
      readonly filters: number;
      readonly kernel: Size2;
      readonly stride: Size2;
      /** resolved padding per side, whatever `padMode` was written */
      readonly pad: Size2;
      readonly padMode: PadMode;
      readonly dilation: Size2;
      readonly bias: boolean;
    }
  | {
      readonly kind: 'maxpool' | 'avgpool';
      readonly kernel: Size2;
      readonly stride: Size2;
      readonly pad: Size2;
    }
  | { readonly kind: 'globalavgpool' }
  | { readonly kind: 'flatten' }
  | { readonly kind: 'dense'; readonly units: number; readonly bias: boolean }
  | { readonly kind: 'relu' | 'sigmoid' | 'tanh' }
  | { readonly kind: 'leakyrelu'; readonly slope: number }
  | { readonly kind: 'dropout'; readonly rate: number }
  | { readonly kind: 'softmax' };

export type LayerKind = LayerSpec['kind'];

/** A learnable tensor, PyTorch layout: conv weight [out,in,kh,kw], dense weight [out,in], bias [out]. */
export interface ParamTensor {
  readonly name: string; // "c1.weight"
  readonly shape: readonly number[];
  readonly size: number; // product of shape
}

export interface Layer {
  readonly name: string; // "c1", "conv3", "block_2"
  readonly spec: LayerSpec;
  readonly input: Shape;
  readonly output: Shape;
  /** weight then bias, as in the flat parameter vector */
  readonly params: readonly ParamTensor[];
  /** multiply-accumulates of the forward pass for one sample (conv and dense; 0 for the rest) */
  readonly macs: number;
  /** the statement that produced this layer (for `conv ... relu`, both layers share it) */
  readonly range: SourceRange;
}

export type LossKind = 'cross_entropy' | 'mse';

export interface Network {
  readonly name: string;
  /** the path the source was read from, as given ("<input>" when there is none) */
  readonly file: string;
  readonly input: Shape;
  readonly output: Shape;
  readonly layers: readonly Layer[];
  readonly loss?: LossKind;
  /** length of the flat parameter vector: sum of every layer's params' sizes */
  readonly paramCount: number;
}

export function shapeSize(shape: Shape): number {
  let n = 1;
  for (const d of shape) n *= d;
  return n;
}

export function formatShape(shape: Shape): string {
  return shape.join('x');
}
