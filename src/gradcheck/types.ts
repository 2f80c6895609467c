// What a gradient check is asked to do and what it reports.

import type { LossKind } from '../network.js';

export interface GradcheckOptions {
  /** seeds the parameters, inputs, output gradient, targets, sampled elements and dropout (default 1) */
  readonly seed?: number;
  /** samples per batch (default 2: more than one checks the per-sample offsets) */
  readonly batch?: number;
  /**
   * elements checked per tensor (default 20), all when the tensor is smaller; otherwise drawn at
   * random, half among the elements with a nonzero gradient and half uniformly (see chooseElements)
   */
  readonly samples?: number;
  /** finite-difference step (default 1e-6; the module must compute in float64) */
  readonly eps?: number;
  /** largest relative error that passes (default 1e-5) */
  readonly tol?: number;
  /** only these tensors (`c1.weight`, `input`, ...); default: every parameter tensor and the input */
  readonly tensors?: readonly string[];
  /** the model's loss; the lossAndGrad path is checked only when it is known */
  readonly loss?: LossKind;
  /** called after each forward evaluation (cheap; the CLI draws progress with it) */
  readonly onProgress?: (progress: GradcheckProgress) => void;
}

export interface GradcheckProgress {
  /** forward passes done and planned */
  readonly done: number;
  readonly total: number;
  /** the tensor whose elements are being perturbed */
  readonly tensor: string;
}

export interface WorstElement {
  /** flat index into the tensor (row-major over `shape`) */
  readonly index: number;
  readonly analytic: number;
  readonly numeric: number;
}

export interface TensorReport {
  /** `c1.weight`, or `input` */
  readonly name: string;
  /** PyTorch layout; for the input [batch, ...inputShape] */
  readonly shape: readonly number[];
  readonly size: number;
  /** elements compared: all of them, or a random sample */
  readonly checked: number;
  /** elements with kinks within +-eps, judged by a one-sided difference or a smaller step (see compare.ts) */
  readonly kinks: number;
  readonly maxAbsError: number;
  /** the pass criterion: <= tol */
  readonly maxRelError: number;
  readonly passed: boolean;
  /** the element with the largest relative error */
  readonly worst?: WorstElement;
}

export type PathKind = 'backward' | 'lossAndGrad';

export interface LossValueCheck {
  /** what lossAndGrad returned */
  readonly module: number;
  /** the same loss computed here from the forward output, by LANGUAGE.md's formula */
  readonly reference: number;
  readonly relError: number;
  readonly passed: boolean;
}

export interface PathReport {
  readonly path: PathKind;
  /** the scalar whose gradient is checked, in words */
  readonly objective: string;
  /** absolute rounding noise of a central difference on this objective (see compare.ts) */
  readonly noise: number;
  readonly tensors: readonly TensorReport[];
  /** lossAndGrad only: its returned loss against the formula */
  readonly loss?: LossValueCheck;
  readonly passed: boolean;
}

export interface GradcheckReport {
  readonly seed: number;
  readonly batch: number;
  readonly samples: number;
  readonly eps: number;
  readonly tol: number;
  /** forward passes run for the finite differences: two per checked element, two more per smaller step */
  readonly evaluations: number;
  /**
   * How every training-mode forward got the same dropout masks: by restoring the workspace's PRNG
   * state (`ws.rng`, which generated modules expose), or, for a module without it, by a fresh
   * workspace made with the same seed before each evaluation.
   */
  readonly dropoutReplay: 'rng' | 'fresh-workspace';
  readonly paths: readonly PathReport[];
  /** things the reader should know: a skipped path, a kink count, ... */
  readonly notes: readonly string[];
  readonly passed: boolean;
}

/** Options that cannot be used (a bad number, an unknown tensor name); the CLI reports it as a usage error. */
export class GradcheckOptionError extends RangeError {
  constructor(message: string) {
    super(message);
    this.name = 'GradcheckOptionError';
  }
}
